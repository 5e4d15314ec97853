"""Reading the tables the CLI audits: CSV or Parquet, with date columns recognised.

Parquet needs pyarrow (``pip install 'leakkit[scale]'``); without it the error says so.
Errors name the CLI argument (``DATA``, ``--test``) the path came from.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["read_table", "table_format", "SCALE_EXTRA"]

#: What to install for Parquet input and tables larger than memory.
SCALE_EXTRA = "pip install 'leakkit[scale]'  (duckdb and pyarrow)"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def table_format(path: str | Path) -> str:
    """``"parquet"`` for ``.parquet``/``.pq`` files and folders of them, else ``"csv"``."""
    p = Path(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        return "parquet"
    if p.is_dir() and any(p.glob("*.parquet")):
        return "parquet"
    return "csv"


def _check_path(path: str, what: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise ValueError(f"{what}: file {path!r} not found; pass the path of a CSV or Parquet file.")
    if p.is_dir() and table_format(p) != "parquet":
        raise ValueError(f"{what}: {path!r} is a folder without .parquet files; pass the path of a CSV or Parquet file.")
    return p


def _parse_dates(df: pd.DataFrame, time_col: str | None, what: str, path: str) -> pd.DataFrame:
    """Columns of ISO dates (2024-01-31, 2024-01-31 12:00) become datetimes; the time
    column must hold dates or numbers."""
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        sample = s.dropna().head(200)
        if len(sample) and all(isinstance(v, str) and _ISO_DATE.match(v) for v in sample):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    df[c] = pd.to_datetime(s, format="ISO8601")
            except (ValueError, TypeError):
                pass
    if time_col is not None and time_col in df.columns:
        s = df[time_col]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    df[time_col] = pd.to_datetime(s)
            except (ValueError, TypeError):
                raise ValueError(f"--time: column {time_col!r} of {path!r} holds neither dates nor numbers; "
                                 f"pass a column of dates (e.g. 2024-01-31) or time steps.") from None
    return df


def read_table(path: str, what: str, time_col: str | None = None) -> Any:
    """The table at ``path`` as a DataFrame (CSV, or Parquet with pyarrow)."""
    p = _check_path(path, what)
    if table_format(p) == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ValueError(f"{what}: reading Parquet needs pyarrow, which is not installed; "
                             f"{SCALE_EXTRA}.") from None
        try:
            df = pd.read_parquet(p)
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{what}: {path!r} could not be read as Parquet ({first}).") from None
    else:
        try:
            df = pd.read_csv(p)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{what}: {path!r} could not be read as CSV ({first}).") from None
    if df.shape[1] == 0 or len(df) == 0:
        raise ValueError(f"{what}: {path!r} has no rows; pass a table with a header and at least one row.")
    return _parse_dates(df, time_col, what, path)
