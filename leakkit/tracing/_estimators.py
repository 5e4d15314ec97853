"""What kind of estimator is this (does it learn in fit, are its predictions evaluations,
is it an outlier detector), its name and settings for messages, and the check of rows
declared held out."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._rows import is_sparse, n_rows

def _label(est: Any) -> str:
    return type(est).__name__


_PARAM_NAMES: dict[type, tuple] = {}  # class -> (its __init__, its parameter names, same as get_params?)


def _get_params(est: Any) -> dict:
    """``est.get_params(deep=True)``; for a class that keeps scikit-learn's own
    ``get_params`` and ``_get_param_names``, the same dict built from parameter names read
    once per class (scikit-learn inspects ``__init__``'s signature on every call). The first
    time a class is met, both are computed: the short way is used for the class only if
    they agree (so another scikit-learn version's ``get_params`` is never second-guessed)."""
    from sklearn.base import BaseEstimator

    cls = type(est)
    if (getattr(cls, "get_params", None) is not BaseEstimator.get_params
            or getattr(getattr(cls, "_get_param_names", None), "__func__", None)
            is not BaseEstimator._get_param_names.__func__):
        return est.get_params(deep=True)
    hit = _PARAM_NAMES.get(cls)
    if hit is None or hit[0] is not cls.__init__:
        init, names = cls.__init__, tuple(cls._get_param_names())
        params = est.get_params(deep=True)
        try:
            mine = _params_from(est, names)
            same = list(params) == list(mine) and all(params[k] is mine[k] for k in params)
        except Exception:  # noqa: BLE001 - then the class always goes the long way
            same = False
        _PARAM_NAMES[cls] = (init, names, same)
        return params
    if not hit[2]:
        return est.get_params(deep=True)
    return _params_from(est, hit[1])


def _params_from(est: Any, names: tuple) -> dict:
    """scikit-learn's ``BaseEstimator.get_params(deep=True)``, given the parameter names."""
    out = {}
    for key in names:
        value = getattr(est, key)
        if hasattr(value, "get_params") and not isinstance(value, type):
            out.update((key + "__" + k, val) for k, val in value.get_params().items())
        out[key] = value
    return out


def _config(est: Any) -> str:
    try:
        params = _get_params(est)
        items = sorted((k, repr(v)) for k, v in params.items())
        return f"{type(est).__name__}({items!r})"
    except Exception:  # noqa: BLE001 - a broken get_params must not break the user's code
        return f"{type(est).__name__}@{id(est)}"


def _leaves(est: Any) -> list:
    """The estimators a composite is made of (Pipeline steps, ColumnTransformer and
    FeatureUnion parts, recursively), in order; ``[est]`` for any other estimator; nothing
    for ``"passthrough"``, ``"drop"`` or None."""
    if est is None or isinstance(est, str):
        return []
    try:
        for attr in ("steps", "transformer_list"):
            parts = getattr(est, attr, None)
            if isinstance(parts, list) and parts and all(isinstance(p, tuple) and len(p) >= 2 for p in parts):
                return [leaf for p in parts for leaf in _leaves(p[1])]
        parts = getattr(est, "transformers", None)
        if isinstance(parts, list) and all(isinstance(p, tuple) and len(p) >= 2 for p in parts):
            return [leaf for p in parts for leaf in _leaves(p[1])] + _leaves(getattr(est, "remainder", None))
    except Exception:  # noqa: BLE001 - an odd object is one estimator
        pass
    return [est]


def _params_of(est: Any) -> str:
    """An estimator's settings: ``_config`` for scikit-learn-style objects, else its public
    attributes of simple types (a duck-typed model's ``depth=3``)."""
    if callable(getattr(est, "get_params", None)):
        return _config(est)
    try:
        items = sorted((k, repr(v)) for k, v in vars(est).items()
                       if not k.startswith("_") and not k.endswith("_")
                       and (v is None or isinstance(v, (str, int, float, bool))))
    except TypeError:
        return f"{type(est).__name__}@{id(est)}"
    return f"{type(est).__name__}({items!r})"


def _setting(model: Any, upstream: list, by_hand: bool = False) -> tuple[str, tuple, bool]:
    """What was chosen when ``model`` was built, for telling settings apart on a reused test
    set: (the predictor's settings, the settings of the learning preprocessing steps: those
    inside ``model`` and the ``upstream`` estimators whose output it was fitted on, whether
    some preprocessing was done by hand with pandas/numpy statistics). Where preprocessing
    was fitted (outside or in a Pipeline) and which columns each step reads are not part of
    it; stateless steps (``FunctionTransformer``) neither."""
    leaves = _leaves(model) or [model]
    prep = leaves[:-1] + [leaf for e in upstream for leaf in _leaves(e)]
    steps = tuple(sorted((type(p).__name__, _params_of(p)) for p in prep if _requires_fit(p)))
    return _params_of(leaves[-1]), steps, bool(by_hand)


def same_setting(a: tuple, b: tuple) -> bool:
    """Two settings (see :func:`_setting`) are one when their predictors agree, every kind of
    preprocessing step both have is set alike, and a kind of step only one of them has
    stands for preprocessing the other did by hand (a Pipeline's ``SimpleImputer`` for a
    ``fillna(df.mean())``): the same model, prepared differently, not a choice of settings.

    >>> lr = ("LogisticRegression(C=1)", (), False)
    >>> same_setting(lr, ("LogisticRegression(C=1)", (("StandardScaler", "s"),), False))
    False
    >>> same_setting(("LogisticRegression(C=1)", (), True), ("LogisticRegression(C=1)", (("StandardScaler", "s"),), False))
    True
    >>> same_setting(lr, ("LogisticRegression(C=10)", (), False))
    False
    """
    if a[0] != b[0]:
        return False
    ka, kb = _by_kind(a[1]), _by_kind(b[1])
    if any(ka[k] != kb[k] for k in ka.keys() & kb.keys()):
        return False
    return (not (ka.keys() - kb.keys()) or b[2]) and (not (kb.keys() - ka.keys()) or a[2])


def _by_kind(prep: tuple) -> dict:
    out: dict = {}
    for kind, params in prep:
        out.setdefault(kind, set()).add(params)
    return out


_REQUIRES_FIT: dict[type, bool] = {}


def _requires_fit(est: Any) -> bool:
    """Whether the estimator learns anything in fit (sklearn's ``requires_fit`` tag)."""
    cls = type(est)
    hit = _REQUIRES_FIT.get(cls)
    if hit is None:
        try:
            hit = bool(est.__sklearn_tags__().requires_fit)
        except Exception:  # noqa: BLE001 - an estimator without tags is assumed to learn
            hit = True
        _REQUIRES_FIT[cls] = hit
    return hit


_KINDS: dict[type, tuple[bool, bool]] = {}


def _kind(est: Any) -> tuple[bool, bool]:
    """(supervised, outlier detector) of an estimator's class, cached. Predictions of a
    supervised model are evaluations: a classifier's or regressor's, or any model with
    ``predict`` that is not a clusterer or an outlier detector."""
    cls: Any = type(est)
    inner = getattr(est, "steps", None) or getattr(est, "estimator", None)
    if isinstance(inner, list) and inner and isinstance(inner[-1], tuple):
        inner = inner[-1][1]
    if inner is not None:  # a meta-estimator is what it wraps
        cls = (cls, type(inner))
    hit = _KINDS.get(cls)
    if hit is None:
        sup, outlier = None, False
        try:
            from sklearn.base import ClusterMixin, OutlierMixin, is_classifier, is_regressor

            outlier = isinstance(est, OutlierMixin)
            if is_classifier(est) or is_regressor(est):
                sup = True
            elif outlier or isinstance(est, ClusterMixin):
                sup = False
        except Exception:  # noqa: BLE001 - tags of an odd estimator
            pass
        if sup is None:
            sup = hasattr(est, "predict") or hasattr(est, "predict_proba")
        hit = _KINDS[cls] = (bool(sup), bool(outlier))
    return hit


def _supervised(est: Any) -> bool:
    return _kind(est)[0]


def _is_outlier_detector(est: Any) -> bool:
    return _kind(est)[1]


def _check_held_out_part(part: Any, where: str) -> None:
    ok = isinstance(part, (np.ndarray, pd.DataFrame, pd.Series)) or is_sparse(part)
    if not ok:
        raise TypeError(
            f"{where}: expected the held-out rows as a numpy array, DataFrame or sparse matrix (or a list of "
            f"those), got {type(part).__name__}; wrap plain rows with np.asarray(rows).")
    if n_rows(part) == 0:
        raise ValueError(f"{where}: the held-out rows are empty (0 rows); pass the test rows themselves.")
    if isinstance(part, np.ndarray) and part.ndim not in (1, 2):
        raise ValueError(f"{where}: expected a 1- or 2-dimensional array of rows, got {part.ndim} dimensions.")


_ARRAYS = (np.ndarray, pd.DataFrame, pd.Series)


def check_options(detail: Any, test_reuse_min_configs: Any, held_out: Any, strict: Any) -> None:
    if detail not in ("outer", "all"):
        raise ValueError(f"detail: expected 'outer' or 'all', got {detail!r}; pass detail='all' to record the rows "
                         f"of every nested fit.")
    if (isinstance(test_reuse_min_configs, bool) or not isinstance(test_reuse_min_configs, (int, np.integer))
            or test_reuse_min_configs < 2):
        raise ValueError(f"test_reuse_min_configs: expected an int of at least 2, got {test_reuse_min_configs!r}; "
                         f"pass how many models scored on one test set make a warning (2 by default).")
    if not isinstance(strict, (bool, np.bool_)):
        raise TypeError(f"strict: expected True or False, got {type(strict).__name__}; pass strict=True to raise "
                        f"when the tracer could not see part of the work.")
    if held_out is None:
        return
    if isinstance(held_out, list) and held_out and not isinstance(held_out[0], _ARRAYS) and not is_sparse(held_out[0]):
        raise TypeError(f"held_out: got a list of {type(held_out[0]).__name__}; pass the held-out rows as one numpy "
                        f"array or DataFrame (np.asarray(rows)), or a list of such arrays.")
    if not isinstance(held_out, (list,) + _ARRAYS) and not is_sparse(held_out):
        raise TypeError(f"held_out: expected the test rows as a numpy array, DataFrame or sparse matrix (or a list "
                        f"of them), got {type(held_out).__name__}.")
