"""The influence test for a function that splits its own data: locate the rows it held out
(from the first run's evaluations), change their values, run it again, and compare the fits
that scored them."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._rows import row_fingerprints
from ._evaluations import _params, evaluations, feature_names, remember
from ._fail import fail
from ._influence import same_randomness


def copy_of(x: Any) -> Any:
    import copy

    return x.copy(deep=True) if isinstance(x, (pd.DataFrame, pd.Series)) else copy.deepcopy(x)


def with_arg(args: Sequence, kwargs: dict, arg: int | str, value: Any) -> tuple[tuple, dict]:
    a, k = list(args), dict(kwargs)
    if isinstance(arg, int):
        a[arg] = value
    else:
        k[arg] = value
    return tuple(a), k


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
        names = feature_names(p)
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


def _signature(evals: list) -> list[tuple[str, np.ndarray, str]]:
    return [(p.estimator, np.sort(f.rows), _params(p)) for p, f in evals]


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


def influence(func: Callable, args: list, kwargs: dict, arg: int | str, fixed: Sequence[Any], evals: list,
               held_out: Any) -> str:
    """Run again with the held-out rows changed; fail if what scored them changed. Returns a
    phrase for the Correct line."""
    from ..tracing import trace

    X = args[arg] if isinstance(arg, int) else kwargs[arg]
    rows = _held_out_positions(evals, X, fixed)
    if rows is None:
        return ("; whether the held-out rows influenced the model was not checked (the rows your models scored "
                "are not rows of the data as given)")
    if len(rows) == 0:
        return ("; whether the held-out rows influenced the model was not checked (every row trained one of "
                "the models, as in cross-validation)")

    def run(data: Any) -> tuple[list, np.ndarray | None]:
        a, k = with_arg(args, kwargs, arg, copy_of(data))
        with same_randomness(), trace(held_out=held_out) as t2:
            func(*a, **k)
            remember(t2)
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
