"""``check_no_leak``: run a learner's function under the tracer, and decide by behaviour.

Three questions, each answered from what the function did, not from which functions it
called:

1. *Did any fit see rows it was then scored on, or held-out rows?* The tracer's findings
   (:func:`leakkit.trace`), explained in the learner's terms.
2. *Was anything held out at all?* An evaluation is a prediction on rows its model was not
   fitted on, however the split was made (scikit-learn, numpy, pandas). A function whose
   every score comes from rows the model was fitted on held nothing out, whatever splitter
   it called.
3. *Did the held-out rows influence the model that scored them?* (``influence_arg``) The
   held-out rows are located from the first run's evaluations, their values changed, the
   function run again: the fits that scored them must see the same training data and keep
   the same settings. This catches statistics computed on all rows in pandas or numpy
   (a global mean for ``fillna``, a scaling, a group's target mean) and choices made on
   the test rows (a number of boosting stages, the best of several seeds), which the
   tracer's records alone do not show.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._findings import Finding
from .._rows import row_fingerprints
from ._fail import fail, ok, option_bool
from ._influence import same_randomness

FIXES = {
    "fit_before_split": "split first (or cross-validate the raw data), and put every transformer in a Pipeline "
                        "with the model, so it is fitted on the training rows of each split only.",
    "fit_saw_held_out": "fit every step (scaler, imputer, encoder, selector, model) on the training rows only, "
                        "then use it to transform or score the held-out rows.",
    "duplicates_across_split": "remove duplicated records before splitting, or split by entity "
                               "(GroupKFold / GroupShuffleSplit) so copies stay on one side.",
    "outliers_removed_before_split": "fit the outlier detector on the training rows only, and remove outliers "
                                     "from the training rows only.",
    "test_reuse": "choose models and settings on a validation split (or with GridSearchCV inside "
                  "cross-validation), then score the test rows once, with the chosen model.",
}


def explain(finding: Finding) -> str:
    """One learner-facing sentence for a tracer finding.

    >>> f = Finding("fit_before_split", "fail", "x", evidence={"estimator": "StandardScaler",
    ...             "n_held_out_seen": 50, "n_held_out": 50, "splitter": "train_test_split"})
    >>> explain(f)
    'Your StandardScaler was fitted before the split and saw 50 of the 50 held-out rows of train_test_split.'
    """
    ev = finding.evidence
    est = ev.get("estimator", "a step")
    seen, held, split = ev.get("n_held_out_seen"), ev.get("n_held_out"), ev.get("splitter", "the split")
    if finding.check == "fit_before_split":
        return f"Your {est} was fitted before the split and saw {seen} of the {held} held-out rows of {split}."
    if finding.check == "fit_saw_held_out":
        return (f"Your {est} was fitted on {seen} of the {held} held-out rows that {ev.get('predictor', 'the model')} "
                f"was then scored on.")
    if finding.check == "duplicates_across_split":
        return f"{seen} of the {held} held-out rows of {split} also appear, identical, among the training rows."
    if finding.check == "outliers_removed_before_split":
        return f"Your {est} chose which rows to keep after seeing all rows, including the {seen} held-out ones."
    if finding.check == "test_reuse":
        return (f"The held-out rows were scored by {ev.get('n_configs')} different models or settings, "
                f"so picking the best of them tunes on the test set.")
    return finding.message


def evaluations(t: Any) -> list[tuple[Any, Any]]:
    """(prediction, the fit of its model) for every prediction a :class:`leakkit.Trace` recorded on
    rows its model was not fitted on: the evaluations, however the rows were split.

    >>> import numpy as np, leakkit
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    >>> with leakkit.trace() as t:
    ...     m = LogisticRegression().fit(X[:30], y[:30])
    ...     _ = m.score(X[:30], y[:30]), m.score(X[30:], y[30:])
    >>> [p.method for p, _ in evaluations(t)]
    ['score']
    """
    fits = {f.id: f for f in t.fits}
    out = []
    for p in t.predictions:
        f = fits.get(p.model_fit)
        if f is None or f.rows is None or p.rows is None or not len(p.rows):
            continue
        if not np.isin(p.rows, f.rows).all():
            out.append((p, f))
    return out


def _candidates(X: Any, fixed: Sequence[Any]) -> list[Any]:
    """X, and X without each combination of its fixed columns (the target, ids...), which
    a learner's code may drop before giving the rows to a model."""
    if not isinstance(X, pd.DataFrame):
        return [X]
    from itertools import combinations

    present = [c for c in fixed if c in X.columns][:4]
    out = [X]
    for k in range(1, len(present) + 1):
        for drop in combinations(present, k):
            keep = [c for c in X.columns if c not in drop]
            if keep:
                out.append(X[keep])
    return out


def _named_columns(evals: list, X: Any) -> list[Any]:
    """X restricted to the columns each scoring model was fitted on (``feature_names_in_``)."""
    out, seen = [], set()
    if not isinstance(X, pd.DataFrame):
        return out
    for p, _ in evals:
        names = getattr(p.est, "feature_names_in_", None)
        if names is None or tuple(names) in seen:
            continue
        seen.add(tuple(names))
        if all(n in X.columns for n in names) and len(names) < X.shape[1]:
            out.append(X[list(names)])
    return out


def _held_out_positions(evals: list, X: Any, fixed: Sequence[Any]) -> np.ndarray | None:
    """Positions of the rows of ``X`` that were scored and seen by no fit that scored rows
    (None: the scored rows are not rows of X, e.g. transformed before they were scored)."""
    scored = np.unique(np.concatenate([p.rows for p, _ in evals]))
    seen = np.unique(np.concatenate([f.rows for _, f in evals]))
    for cand in _candidates(X, fixed) + _named_columns(evals, X):
        try:
            fps = row_fingerprints(cand)
        except (TypeError, ValueError):
            continue
        found = np.isin(fps, scored)
        if found.sum() >= 0.5 * len(scored):
            return np.flatnonzero(found & ~np.isin(fps, seen))
    return None


def _shift(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    out = np.array(values, copy=True)
    if out.dtype.kind == "f":
        spread = np.nanstd(out, axis=0) if out.ndim > 1 else np.nanstd(out)
        out[rows] = out[rows] * 1.37 + 0.5 * np.nan_to_num(spread) + 1.0
    elif out.dtype.kind in "iu":
        out[rows] = out[rows] + 3
    return out


def perturb(X: Any, rows: np.ndarray, fixed: Sequence[Any] = ()) -> Any:
    """A copy of ``X`` whose rows at positions ``rows`` hold other values: numbers scaled and
    shifted, categories rotated among those rows; ``fixed`` columns (target, ids, dates) and
    every other row unchanged."""
    if isinstance(X, np.ndarray):
        return _shift(X, rows)
    out = X.copy()
    for j, c in enumerate(out.columns):
        s = out.iloc[:, j]
        if c in set(fixed) or pd.api.types.is_bool_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        if pd.api.types.is_numeric_dtype(s):
            out[c] = _shift(s.to_numpy(dtype=float if s.dtype.kind == "f" else s.dtype), rows)
        elif len(rows) > 1:
            values = s.to_numpy(copy=True)
            values[rows] = np.roll(values[rows], 1)
            out[c] = pd.Series(values, index=s.index, dtype=s.dtype)
    return out


def _params(est: Any) -> str:
    try:
        params = est.get_params(deep=True)
    except Exception:  # noqa: BLE001 - not an estimator we can read
        return type(est).__name__
    text = repr(sorted((k, repr(v)) for k, v in params.items()))
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


def _signature(evals: list) -> list[tuple[str, np.ndarray, str]]:
    return [(p.estimator, np.sort(f.rows), _params(p.est)) for p, f in evals]


def _difference(a: list, b: list) -> str | None:
    """How the fits that scored the held-out rows differ between two runs (None: they do not)."""
    if len(a) != len(b):
        return f"the number of scores on held-out rows changed ({len(a)}, then {len(b)})"
    for (name, rows_a, params_a), (_, rows_b, params_b) in zip(a, b):
        if not np.array_equal(rows_a, rows_b):
            return f"the {name} that scored them was fitted on different training values"
        if params_a != params_b:
            return f"the {name} that scored them got other settings"
    return None


def _influence(func: Callable, args: list, kwargs: dict, arg: int | str, fixed: Sequence[Any], evals: list,
               held_out: Any) -> str:
    """Run again with the held-out rows changed; fail if what scored them changed. Returns a
    phrase for the Correct line."""
    from ..trace import trace

    X = args[arg] if isinstance(arg, int) else kwargs[arg]
    rows = _held_out_positions(evals, X, fixed)
    if rows is None:
        return ("; whether the held-out rows influenced the model was not checked (the rows your models scored "
                "are not rows of the data as given)")
    if len(rows) == 0:
        return ("; whether the held-out rows influenced the model was not checked (every row trained one of "
                "the models, as in cross-validation)")

    def run(data: Any) -> tuple[list, np.ndarray | None]:
        a, k = _with(args, kwargs, arg, _copy(data))
        with same_randomness(), trace(held_out=held_out) as t2:
            func(*a, **k)
        ev = evaluations(t2)
        return ev, (_held_out_positions(ev, data, fixed) if ev else None)

    changed = perturb(X, rows, fixed)
    ev2, rows2 = run(changed)
    if rows2 is None or not np.array_equal(np.sort(rows2), np.sort(rows)):
        return "; whether the held-out rows influenced the model was not checked (your split depends on their values)"
    diff = _difference(_signature(evals), _signature(ev2))
    if diff is None:
        return f"; changing the {len(rows)} held-out rows did not change the model that scored them"
    ev3, _ = run(X)
    if _difference(_signature(evals), _signature(ev3)) is not None:
        fail("Your function gave different results when run twice on the same data, so the grader cannot tell "
             "what influenced your model.", "make it reproducible: set random_state=... on every splitter, model "
             "and random generator you use.")
    fail(f"When only the values of the {len(rows)} held-out rows changed, {diff}: information from the held-out "
         f"rows reached the model that was scored on them (a mean, a median, a scaling or a category's target "
         f"mean computed on all rows, or a choice made by looking at the held-out rows).",
         "compute every statistic (fillna values, scalers, encodings, selected columns, the number of boosting "
         "stages, a seed) from the training rows only: put those steps in a Pipeline fitted on the training rows, "
         "and choose settings with cross-validation on the training rows.")
    return ""  # pragma: no cover


def _copy(x: Any) -> Any:
    import copy

    return x.copy(deep=True) if isinstance(x, (pd.DataFrame, pd.Series)) else copy.deepcopy(x)


def _with(args: Sequence, kwargs: dict, arg: int | str, value: Any) -> tuple[tuple, dict]:
    a, k = list(args), dict(kwargs)
    if isinstance(arg, int):
        a[arg] = value
    else:
        k[arg] = value
    return tuple(a), k


def reused_test_rows(evals: list) -> tuple[int, int]:
    """(how many rows, by how many different models) for the held-out rows scored by the most
    different models or settings; (0, 0) when no rows were scored by two."""
    groups: dict[bytes, set] = {}
    for p, f in evals:
        key = np.sort(p.rows).tobytes()
        groups.setdefault(key, set()).add((p.estimator, _params(p.est), f.rows.tobytes()))
    worst = max(groups.items(), key=lambda kv: len(kv[1]), default=(b"", set()))
    n_models = len(worst[1])
    return (len(worst[0]) // 8, n_models) if n_models > 1 else (0, 0)


def _traced(func: Callable, args: tuple, kwargs: dict, held_out: Any) -> tuple[Any, Any]:
    """One run under the tracer. The tracer watches the estimator classes that exist when it
    starts: when nothing was scored on held-out rows, every scikit-learn estimator is imported
    and the function run once more, so a model first imported inside it is seen too."""
    from ..trace import trace

    with same_randomness(), trace(held_out=held_out) as t:
        result = func(*args, **kwargs)
    if not evaluations(t):
        from sklearn.utils import all_estimators

        all_estimators()
        with same_randomness(), trace(held_out=held_out) as t:
            result = func(*args, **kwargs)
    return t, result


def check_no_leak(func: Callable[..., Any], *args: Any, allow_test_reuse: bool = False, held_out: Any = None,
                  influence_arg: int | str | None = None, fixed_columns: Sequence[Any] = (), **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` under :func:`leakkit.trace`; fail if a fit saw held-out
    rows (or rows were duplicated across a split, or the test set was reused), or if nothing
    was held out at all: every score came from rows the model was fitted on.

    With ``influence_arg`` (the position, or keyword, of the argument holding the rows the
    function splits), the held-out rows are then changed and the function run again: the
    fits that scored them must not change (``fixed_columns``: columns never changed, such as
    the target, ids, dates, groups). ``held_out`` declares test rows to the tracer.
    Returns what ``func`` returned (the first run).

    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 3)), rng.integers(0, 2, 100)
    >>> def honest(X, y):
    ...     return cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5).mean()
    >>> score = check_no_leak(honest, X, y)
    Correct: no fit saw held-out rows (5 fits recorded, 5 scores on held-out rows).
    """
    from ..trace import trace

    if not callable(func):
        raise TypeError(f"func: expected the function to check, got {type(func).__name__}.")
    option_bool(allow_test_reuse, "allow_test_reuse")
    if influence_arg is not None and not (isinstance(influence_arg, str) and influence_arg in kwargs) and not (
            isinstance(influence_arg, int) and not isinstance(influence_arg, bool) and 0 <= influence_arg < len(args)):
        raise ValueError(f"influence_arg: expected the position of one of the {len(args)} arguments or the name of a "
                         f"keyword argument, got {influence_arg!r}.")
    if influence_arg is not None:  # every run gets its own copy: a function that edits its input in place
        pristine = args[influence_arg] if isinstance(influence_arg, int) else kwargs[influence_arg]
        args, kwargs = _with(args, kwargs, influence_arg, _copy(pristine))  # leaves the original as it was
    t, result = _traced(func, args, kwargs, held_out)
    findings = [f for f in t.findings if f.severity == "fail" or (f.check == "test_reuse" and not allow_test_reuse)]
    if findings:
        lines = "\n".join(f"- {explain(f)}" for f in findings)
        fixes = " Also: ".join(dict.fromkeys(FIXES.get(f.check, "") for f in findings))
        fail(f"Information from held-out rows reached your model:\n{lines}", fixes)
    evals = evaluations(t)
    n_rows, n_models = reused_test_rows(evals)
    if n_models > 1 and not allow_test_reuse and not any(f.check == "test_reuse" for f in t.findings):
        fail(f"The same {n_rows} held-out rows were scored by {n_models} different models or settings: picking the "
             f"best of them (a seed, a setting, a model) tunes on the test rows, and the score you report is the "
             f"luckiest of {n_models}, not what new data will show.", FIXES["test_reuse"])
    searched = any(sp.inside_search and not sp.internal for sp in t.splits)  # a search scores its own folds
    if not evals and held_out is None and not searched:
        fail("Nothing was held out: every score your code computed came from rows its model had been fitted on "
             "(or no model was scored at all), so the number measures memory, not prediction. A split that is "
             "made and then not used holds nothing out either. (Only scikit-learn-compatible models are watched: "
             "score with their predict, predict_proba or score methods.)",
             "fit the model on the training rows only and score it on the held-out rows (train_test_split, or "
             "cross_val_score with a Pipeline).")
    note = ""
    if influence_arg is not None and evals:
        args, kwargs = _with(args, kwargs, influence_arg, pristine)
        note = _influence(func, list(args), dict(kwargs), influence_arg, fixed_columns, evals, held_out)
    ok(f"no fit saw held-out rows ({sum(f.outermost for f in t.fits)} fits recorded, {len(evals)} score"
       f"{'s' if len(evals) != 1 else ''} on held-out rows{note}).")
    return result
