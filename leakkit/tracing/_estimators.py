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


def _config(est: Any) -> str:
    try:
        params = est.get_params(deep=True)
        items = sorted((k, repr(v)) for k, v in params.items())
        return f"{type(est).__name__}({items!r})"
    except Exception:  # noqa: BLE001 - a broken get_params must not break the user's code
        return f"{type(est).__name__}@{id(est)}"


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
