"""Input validation at the public boundary, with messages that name the argument, the
problem and the fix. Nothing is silently dropped or coerced.

>>> import pandas as pd
>>> from leakkit._validation import check_frame
>>> check_frame(pd.DataFrame(), "data")
Traceback (most recent call last):
...
ValueError: data: the DataFrame is empty (0 rows); pass a DataFrame with at least one row.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd


def check_frame(df: Any, name: str, *, min_rows: int = 1) -> pd.DataFrame:
    """``df`` must be a pandas DataFrame with at least ``min_rows`` rows."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"{name}: expected a pandas DataFrame, got {type(df).__name__}; "
            f"wrap your data with pd.DataFrame(...) first."
        )
    if len(df) < min_rows:
        if len(df) == 0:
            raise ValueError(f"{name}: the DataFrame is empty (0 rows); pass a DataFrame with at least one row.")
        raise ValueError(f"{name}: needs at least {min_rows} rows, got {len(df)}; pass more data.")
    return df


def check_columns(df: pd.DataFrame, columns: Any, name: str, *, frame_name: str = "data") -> list:
    """Every name in ``columns`` (one name or a list) must be a column of ``df``."""
    if columns is None:
        return []
    cols = [columns] if isinstance(columns, (str, int)) and not isinstance(columns, bool) else list(columns)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        shown = ", ".join(map(repr, list(df.columns)[:12])) + (" ..." if df.shape[1] > 12 else "")
        raise ValueError(
            f"{name}: column(s) {', '.join(map(repr, missing))} not found in {frame_name}; "
            f"choose from its columns: {shown}."
        )
    return cols


def check_column(df: pd.DataFrame, column: Any, name: str, *, frame_name: str = "data") -> Any:
    if column is None:
        raise ValueError(f"{name}: a column name is required, got None.")
    if not isinstance(column, (str, int)) or isinstance(column, bool):
        raise TypeError(f"{name}: expected a column name (str), got {type(column).__name__}.")
    check_columns(df, column, name, frame_name=frame_name)
    return column


def check_target(y: Any, name: str = "y", *, allow_nan: bool = False) -> pd.Series:
    """A target: 1-D, non-empty, no NaN, at least two distinct values."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(f"{name}: expected one target column, got a DataFrame with {y.shape[1]} columns; pass a Series.")
        y = y.iloc[:, 0]
    if not isinstance(y, pd.Series):
        arr = np.asarray(y)
        if arr.ndim != 1:
            raise ValueError(f"{name}: expected a 1-dimensional target, got shape {arr.shape}; pass a Series or 1-D array.")
        y = pd.Series(arr)
    if len(y) == 0:
        raise ValueError(f"{name}: the target is empty; pass at least two rows with two distinct values.")
    if not allow_nan and y.isna().any():
        raise ValueError(
            f"{name}: the target has {int(y.isna().sum())} missing value(s); "
            f"drop those rows (or impute the target) before passing it."
        )
    if y.nunique(dropna=True) < 2:
        raise ValueError(
            f"{name}: the target has only one distinct value ({y.dropna().iloc[0]!r}); "
            f"a leak cannot be measured without two classes or a varying target."
        )
    return y


def check_same_length(a: Any, b: Any, name_a: str, name_b: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b}: lengths differ ({len(a)} vs {len(b)}); pass one row of {name_b} per row of {name_a}.")


def check_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__} ({value!r}).")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: must be at least {minimum}, got {value}.")
    return int(value)


def check_fraction(value: Any, name: str, *, low: float = 0.0, high: float = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name}: expected a number between {low} and {high}, got {type(value).__name__}.")
    if not (low <= float(value) <= high) or np.isnan(value):
        raise ValueError(f"{name}: must be between {low} and {high}, got {value}.")
    return float(value)


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"{name}: expected one of {', '.join(map(repr, choices))}, got {value!r}.")
    return value


def check_no_nan(df: pd.DataFrame, columns: Iterable, name: str) -> None:
    for c in columns:
        n = int(df[c].isna().sum())
        if n:
            raise ValueError(f"{name}: column {c!r} has {n} missing value(s); fill or drop them first.")


def check_bool(value: Any, name: str) -> bool:
    """``value`` must be True or False (numpy booleans too); 0/1 and strings are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {type(value).__name__} ({value!r}).")
    return bool(value)


def check_number(value: Any, name: str, *, low: float | None = None, high: float | None = None) -> float:
    """A real number (not a bool, not a string) inside ``[low, high]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__} ({value!r}).")
    v = float(value)
    if np.isnan(v) or (low is not None and v < low) or (high is not None and v > high):
        span = (f"between {low} and {high}" if low is not None and high is not None
                else f"at least {low}" if low is not None else f"at most {high}")
        raise ValueError(f"{name}: must be {span}, got {value}.")
    return v


def check_random_state(random_state: Any, name: str = "random_state") -> np.random.Generator:
    """The one ``random_state`` convention of leakkit (datasets, detect, llm, checklist).

    ``random_state`` is an ``int`` seed (>= 0), a :class:`numpy.random.Generator` or a
    :class:`numpy.random.RandomState`. An int gives the same result on every call. A
    Generator is used as is (and advanced), so two calls with the same Generator object
    differ; a RandomState is used to draw one seed for a new Generator. ``None`` is refused:
    every result of leakkit is reproducible.

    >>> check_random_state(0).integers(10) == check_random_state(0).integers(10)
    np.True_
    >>> check_random_state(None)
    Traceback (most recent call last):
    ...
    TypeError: random_state: got None, but leakkit's results are seeded; pass an int seed such as random_state=0 (or a numpy Generator).
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(int(random_state.randint(0, 2**31 - 1)))
    if random_state is None:
        raise TypeError(
            f"{name}: got None, but leakkit's results are seeded; "
            f"pass an int seed such as {name}=0 (or a numpy Generator)."
        )
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)):
        raise TypeError(
            f"{name}: expected an int seed, a numpy Generator or a numpy RandomState, "
            f"got {type(random_state).__name__} ({random_state!r})."
        )
    if random_state < 0:
        raise ValueError(f"{name}: a seed must be at least 0, got {random_state}; pass a non-negative int.")
    return np.random.default_rng(int(random_state))


def seed_from(random_state: Any, name: str = "random_state") -> int:
    """An int seed for scikit-learn splitters: the seed itself for an int (so an int gives
    the same folds as before), one drawn from a Generator or RandomState otherwise."""
    rng = check_random_state(random_state, name)
    if isinstance(random_state, (int, np.integer)):
        return int(random_state) % (2**32)
    return int(rng.integers(0, 2**31 - 1))
