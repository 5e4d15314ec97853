"""Inputs shared by the data scans: frames, targets, tasks, column lists, and the small
formatting helpers of their messages."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from leakkit._validation import check_choice, check_column, check_columns, check_frame, check_same_length, check_target

#: Rows used to score single-feature power; larger frames are subsampled (stratified, seeded).
MAX_ROWS = 20_000

TASKS = ("auto", "classification", "regression")
_MAX_CLASSES_AUTO = 20  # integer targets with more distinct values (or under 5 rows a value) are a regression


def as_frame(X: Any, name: str) -> pd.DataFrame:
    """A DataFrame (kept as is) or a 2-D numpy array (columns named x0, x1, ...)."""
    if isinstance(X, np.ndarray):
        if X.ndim != 2:
            raise ValueError(
                f"{name}: expected a 2-D array of rows and columns, got {X.ndim} dimension(s); "
                f"pass a DataFrame or reshape a single column with .reshape(-1, 1)."
            )
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    elif not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"{name}: expected a pandas DataFrame or a 2-D numpy array, got {type(X).__name__}; "
            f"wrap your data with pd.DataFrame(...) first."
        )
    check_frame(X, name)
    if X.shape[1] == 0:
        raise ValueError(f"{name}: the DataFrame has no columns; pass a frame with at least one column.")
    dup = X.columns[X.columns.duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"{name}: column name(s) {', '.join(map(repr, dup))} occur more than once; rename them first.")
    return X


def resolve_target(data: pd.DataFrame, target: Any) -> tuple[pd.Series, Any, str]:
    """The target as a Series aligned by position with ``data``, the column it came from
    (or None) and a label for messages."""
    if isinstance(target, (str, int, np.integer)) and not isinstance(target, (bool, np.bool_)):
        col = check_column(data, target, "target")
        y = check_target(data[col].reset_index(drop=True), "target")
        return y, col, f"`{col}`"
    if isinstance(target, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
        y = check_target(target, "target")
        check_same_length(data, y, "data", "target")
        label = f"`{y.name}`" if isinstance(y.name, str) and y.name else "the target"
        return y.reset_index(drop=True), None, label
    raise TypeError(
        f"target: expected a column name of data or a 1-D array/Series of labels, got {type(target).__name__}."
    )


def resolve_task(y: pd.Series, task: str) -> str:
    check_choice(task, "task", TASKS)
    numeric = pd.api.types.is_numeric_dtype(y.dtype) and not pd.api.types.is_bool_dtype(y.dtype)
    if task == "regression":
        if not numeric:
            raise TypeError(
                f"target: task='regression' needs a numeric target, got dtype {y.dtype}; "
                f"pass task='classification' or a numeric target."
            )
        return "regression"
    if task == "classification":
        return "classification"
    if not numeric:
        return "classification"
    values = y.to_numpy(dtype=float)
    integral = bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))
    # A few integer values, each shared by several rows, are classes; counts and measurements
    # in whole units (a weight in kg over 20 people) are a regression target.
    k = y.nunique()
    return "classification" if integral and k <= _MAX_CLASSES_AUTO and k * 5 <= len(y) else "regression"


def scan_columns(data: pd.DataFrame, columns: Any, target_col: Any) -> list:
    if columns is None:
        return [c for c in data.columns if c != target_col]
    cols = check_columns(data, columns, "columns")
    if not cols:
        raise ValueError("columns: the list is empty; pass at least one column name, or None for all columns.")
    if target_col is not None and target_col in cols:
        raise ValueError(f"columns: contains the target column {target_col!r}; leave it out (it is what is predicted).")
    return cols


def pct(x: float) -> str:
    return f"{100 * x:.1f} %" if x >= 0.001 or x == 0 else f"{100 * x:.3f} %"


def plain(value: Any) -> Any:
    """A value for evidence: Python scalars, ISO strings for dates, str for anything else."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
