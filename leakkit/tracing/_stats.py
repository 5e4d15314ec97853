"""Statistics computed in pandas or numpy over rows: what each one read and what it gave.

Recorded (outside estimators, in the thread that opened the trace):

* pandas ``DataFrame``/``Series``: ``mean``, ``median``, ``quantile``, ``std``, ``var``,
  ``min``, ``max``, ``sum``, ``mode``, ``describe`` (one value per column), ``value_counts``
  (a value per category), ``rank`` (a value per row), ``corr``, ``corrwith``, ``cov``
  (column scores);
* pandas ``groupby``: ``mean``, ``median``, ``std``, ``var``, ``min``, ``max``, ``sum``,
  ``count``, ``size``, ``quantile``, ``first``, ``last``, ``nunique``, ``agg``/``aggregate``
  (a value per group), ``transform`` and ``rank`` (a value per row);
* ``pd.qcut``, and ``pd.cut`` with a number of bins (bin edges read off the rows);
* numpy functions ``mean``, ``median``, ``std``, ``var``, ``min``, ``max``, ``percentile``,
  ``quantile`` (and their ``nan`` forms), ``ptp``, ``corrcoef``.

Inputs with fewer than :data:`MIN_ROWS` rows (five cross-validation scores) are skipped.

numpy *array methods* (``X.mean(axis=0)``) belong to a C type and cannot be wrapped: they
are not recorded. Reductions along rows (``axis=1``) are per-row arithmetic, not statistics
over rows, and are not recorded either.

A record keeps the input object (pandas objects do not change under copy-on-write; a
writeable numpy array is copied, up to :data:`SNAPSHOT_LIMIT` bytes per trace) and the
statistic's values, so that :mod:`leakkit.tracing._derive` can recognise them in data that
later reaches a model.
"""
from __future__ import annotations

import functools
import sys
from typing import Any

import numpy as np
import pandas as pd

from . import _dispatch as P

SNAPSHOT_LIMIT = 256 << 20  # bytes of numpy inputs copied per trace
# Fewer rows than this are not data a model is evaluated on (five cross-validation scores, a
# toy example): their statistics are not recorded.
MIN_ROWS = 10


class StatData:
    """What a statistic read and gave. ``kind``: ``"columns"`` (values per column key),
    ``"groups"`` (a mapping per group key), ``"rows"`` (a value per input row),
    ``"scores"`` (a score per column, against a target)."""

    __slots__ = ("kind", "input", "labels", "names", "values", "keys", "target", "method", "window", "groups", "_own")

    def __init__(self, kind: str, input: Any, *, values: Any = None, keys: Any = None, target: Any = None,
                 method: str = "", window: Any = None, groups: Any = None):
        self.kind = kind
        self.input = input
        self.labels = input.index if isinstance(input, (pd.DataFrame, pd.Series)) else None
        if isinstance(input, pd.DataFrame):
            self.names = list(input.columns)
        elif isinstance(input, pd.Series):
            self.names = [input.name]
        else:
            self.names = None
        self.values = values
        self.keys = keys
        self.target = target
        self.method = method
        self.window = window  # (lo, hi) offsets of the rows each output row read (see _windows)
        self.groups = groups  # group code of each input row, for windows within groups
        self._own = None  # fingerprints of the input rows, once computed


def _plain(v: Any) -> Any:
    """A value as a plain Python number (or the object itself: a string, a timestamp)."""
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return v


def _values_of(result: Any) -> dict:
    """Column key -> list of values, from a reduction's result over columns."""
    out: dict = {}
    if isinstance(result, pd.DataFrame):  # describe(), quantile([..]), mode()
        for c in result.columns:
            vals = [_plain(v) for v in result[c].tolist() if not pd.isna(v)]
            out.setdefault(c, []).extend(vals)
    elif isinstance(result, pd.Series):
        for c, v in result.items():
            if not pd.isna(v):
                out.setdefault(c, []).append(_plain(v))
    return out


def _axis_rows(kwargs: dict, args: tuple, pos: int) -> bool:
    """Whether a reduction runs down the rows (axis 0/None/'index'), not along them."""
    axis = kwargs.get("axis", args[pos] if len(args) > pos else 0)
    return axis in (0, None, "index", "rows")


# --------------------------------------------------------------------------------------
# pandas frames and series
# --------------------------------------------------------------------------------------
def _snapshot(obj: Any) -> Any:
    return obj  # pandas objects do not change under copy-on-write (pandas >= 3)


def _rec_reduce(name: str):
    def rec(args: tuple, kwargs: dict, result: Any):
        obj = args[0]
        if not isinstance(obj, (pd.DataFrame, pd.Series)) or len(obj) < MIN_ROWS:
            return None
        if name not in ("describe", "mode") and not _axis_rows(kwargs, args, 1 if name != "quantile" else 2):
            return None
        if isinstance(obj, pd.Series):
            if isinstance(result, (pd.Series, pd.DataFrame)):
                vals = [_plain(v) for v in np.ravel(result.to_numpy()) if not pd.isna(v)]
            else:
                vals = [] if pd.isna(result) else [_plain(result)]
            values = {obj.name: vals}
            label = f"Series.{name}" if obj.name is None else f"{obj.name!r} {name}"
        else:
            if name == "mode" and not _axis_rows(kwargs, args, 1):
                return None
            values = _values_of(result)
            label = f"DataFrame.{name}"
        if not any(values.values()):
            return None
        return label, "columns", len(obj), tuple(values), StatData("columns", _snapshot(obj), values=values,
                                                                    method=name)
    return rec


def _rec_value_counts(args: tuple, kwargs: dict, result: Any):
    obj = args[0]
    if not isinstance(obj, pd.Series) or not isinstance(result, pd.Series) or len(obj) < MIN_ROWS:
        return None
    label = f"{obj.name!r} value_counts" if obj.name is not None else "Series.value_counts"
    data = StatData("groups", _snapshot(obj), values=[(result, "value_counts")], keys=[obj.name], method="value_counts")
    return label, "groups", len(obj), (obj.name,), data


def _rec_rank(args: tuple, kwargs: dict, result: Any):
    obj = args[0]
    if not isinstance(obj, (pd.Series, pd.DataFrame)) or len(obj) < MIN_ROWS or not _axis_rows(kwargs, args, 1):
        return None
    cols = [result] if isinstance(result, pd.Series) else [result[c] for c in result.columns]
    label = f"{obj.name!r} rank" if isinstance(obj, pd.Series) and obj.name is not None else f"{type(obj).__name__}.rank"
    return label, "rows", len(obj), tuple(c.name for c in cols), StatData("rows", _snapshot(obj), values=cols,
                                                                            method="rank")


def _rec_corr(name: str):
    def rec(args: tuple, kwargs: dict, result: Any):
        obj = args[0]
        if not isinstance(obj, (pd.DataFrame, pd.Series)) or len(obj) < MIN_ROWS:
            return None
        other = kwargs.get("other", args[1] if len(args) > 1 else None)
        if isinstance(obj, pd.Series):  # one pair: this column against another
            if not isinstance(other, pd.Series) or pd.isna(result):
                return None
            both = pd.concat([obj, other], axis=1)
            return (f"{obj.name!r} {name} with {other.name!r}", "scores", len(obj), (obj.name,),
                    StatData("scores", both, values={obj.name: float(result)}, target=other, method=name))
        if name == "corrwith":
            if not isinstance(result, pd.Series):
                return None
            tgt = other if isinstance(other, pd.Series) else None
            return ("DataFrame.corrwith" + (f" {tgt.name!r}" if tgt is not None and tgt.name is not None else ""),
                    "scores", len(obj), tuple(result.index),
                    StatData("scores", _snapshot(obj), values=result.dropna().astype(float).to_dict(), target=tgt,
                             method=name))
        if not isinstance(result, pd.DataFrame):
            return None
        return (f"DataFrame.{name}", "scores", len(obj), tuple(result.columns),
                StatData("scores", _snapshot(obj), values=result, method=name))
    return rec


# --------------------------------------------------------------------------------------
# pd.qcut / pd.cut
# --------------------------------------------------------------------------------------
def _rec_bins(name: str):
    def rec(args: tuple, kwargs: dict, result: Any):
        x = args[0] if args else kwargs.get("x")
        bins = kwargs.get("q" if name == "qcut" else "bins", args[1] if len(args) > 1 else None)
        if name == "cut" and not isinstance(bins, (int, np.integer)):
            return None  # edges given: nothing read off the rows
        res = result[0] if isinstance(result, tuple) else result
        if isinstance(res, pd.Series) and isinstance(res.dtype, pd.CategoricalDtype):
            codes = pd.Series(res.cat.codes.astype(float).where(res.cat.codes >= 0), index=res.index, name=res.name)
        elif isinstance(res, pd.Categorical):
            codes = np.where(res.codes >= 0, res.codes, np.nan).astype(float)
        else:
            codes = res
        if isinstance(x, pd.Series):
            inp = x
            vals = [codes if isinstance(codes, pd.Series) else pd.Series(np.asarray(codes, dtype=float), index=x.index,
                                                                           name=x.name)]
        else:
            arr = np.asarray(x)
            if arr.ndim != 1 or len(arr) < MIN_ROWS:
                return None
            inp = _copy_array(arr)
            vals = [np.asarray(codes, dtype=float)]
        label = f"pd.{name}({getattr(x, 'name', None)!r}, {bins})" if isinstance(x, pd.Series) else f"pd.{name}(..., {bins})"
        return label, "rows", len(inp), (getattr(x, "name", None),), StatData("rows", inp, values=vals, method=name)
    return rec


# --------------------------------------------------------------------------------------
# numpy
# --------------------------------------------------------------------------------------
_snap_bytes = [0]


def _copy_array(a: np.ndarray) -> Any:
    """A copy of a writeable array (it may be written into later); None when the trace's
    budget for copies is spent (then the statistic is not followed)."""
    if not a.flags.writeable:
        return a
    if _snap_bytes[0] + a.nbytes > SNAPSHOT_LIMIT:
        return None
    _snap_bytes[0] += a.nbytes
    return a.copy()


def _rec_np(name: str):
    def rec(args: tuple, kwargs: dict, result: Any):
        a = args[0] if args else kwargs.get("a")
        if isinstance(a, (pd.DataFrame, pd.Series)):
            return None  # numpy hands these to pandas' own method, recorded there
        arr = np.asarray(a) if isinstance(a, (np.ndarray, list, tuple)) else None
        if arr is None or arr.dtype.kind not in "biufM" or arr.ndim not in (1, 2) or len(arr) < MIN_ROWS:
            return None
        axis = kwargs.get("axis", args[2] if name in ("percentile", "nanpercentile", "quantile", "nanquantile")
                          and len(args) > 2 else (args[1] if len(args) > 1 and name not in
                                                  ("percentile", "nanpercentile", "quantile", "nanquantile") else None))
        res = np.asarray(result, dtype=float) if np.asarray(result).dtype.kind in "biuf" else None
        if res is None:
            return None
        if arr.ndim == 1:
            values = {None: [float(v) for v in res.ravel() if np.isfinite(v)]}
        elif axis == 0:
            r = res.reshape(-1, arr.shape[1]) if res.ndim >= 1 else res.reshape(1, 1)
            values = {j: [float(v) for v in r[:, j] if np.isfinite(v)] for j in range(arr.shape[1])}
        elif axis is None:
            values = {None: [float(v) for v in res.ravel() if np.isfinite(v)]}
        else:
            return None  # along rows: per-row arithmetic
        inp = _copy_array(arr)
        if inp is None:
            return "np." + name, "columns", len(arr), (), None
        return f"np.{name}", "columns", len(arr), tuple(values), StatData("columns", inp, values=values, method=name)
    return rec


def _rec_corrcoef(args: tuple, kwargs: dict, result: Any):
    x = args[0] if args else kwargs.get("x")
    y = args[1] if len(args) > 1 else kwargs.get("y")
    rowvar = kwargs.get("rowvar", args[2] if len(args) > 2 else True)
    if isinstance(x, (pd.DataFrame, pd.Series)):
        x = x.to_numpy()
    if isinstance(y, (pd.DataFrame, pd.Series)):
        y = y.to_numpy()
    X = np.asarray(x, dtype=float)
    Xs = X.T if rowvar and X.ndim == 2 else (X if X.ndim == 2 else X[:, None])  # samples x variables
    if X.ndim == 1:
        Xs = X[:, None]
    Y = None
    if y is not None:
        Y = np.asarray(y, dtype=float)
        Y = (Y.T if rowvar and Y.ndim == 2 else Y)
        Y = Y[:, None] if Y.ndim == 1 else Y
    if len(Xs) < MIN_ROWS:
        return None
    inp = _copy_array(np.ascontiguousarray(Xs) if Xs.base is not None else Xs)
    if inp is None:
        return None
    data = StatData("scores", inp, values=np.asarray(result, dtype=float), target=Y, method="corrcoef")
    return "np.corrcoef", "scores", len(Xs), tuple(range(Xs.shape[1])), data


# --------------------------------------------------------------------------------------
_LIBRARIES = ("sklearn.", "pandas.", "numpy.", "scipy.", "joblib.", "leakkit.", "matplotlib.", "seaborn.",
              "statsmodels.", "xgboost.", "lightgbm.", "catboost.")


def _from_library(depth: int = 2) -> bool:
    """Whether the caller is a library's own code (a statistic it computes for itself)."""
    try:
        name = sys._getframe(depth).f_globals.get("__name__", "")
    except ValueError:  # pragma: no cover
        return False
    return name.startswith(_LIBRARIES) or name in ("numpy", "pandas", "sklearn")


def _wrapping(recorder: Any):
    def make(orig: Any) -> Any:
        active, local = P._active, P._local

        @functools.wraps(orig)
        def statistic(*args: Any, **kwargs: Any) -> Any:
            # Fast path first: no trace, or inside an estimator's own code (the common case).
            if not active or getattr(local, "stack", None) or _from_library():
                return orig(*args, **kwargs)
            return P.dispatch_stat(recorder, orig, args, kwargs)

        statistic.__leakkit__ = True
        return statistic
    return make


_PD_REDUCE = ("mean", "median", "quantile", "std", "var", "min", "max", "sum", "mode", "describe")
_GB_REDUCE = ("mean", "median", "std", "var", "min", "max", "sum", "count", "size", "quantile", "first", "last",
              "nunique", "agg", "aggregate", "transform", "rank", "shift", "diff", "pct_change", "cumsum",
              "cumcount", "cummax", "cummin")
_PD_WINDOW = ("shift", "diff", "pct_change", "cumsum", "cummax", "cummin")
_ROLL = ("mean", "sum", "std", "var", "min", "max", "median", "count")
_NP = ("mean", "nanmean", "median", "nanmedian", "std", "nanstd", "var", "nanvar", "min", "max", "amin", "amax",
       "nanmin", "nanmax", "percentile", "nanpercentile", "quantile", "nanquantile", "ptp")


_TARGETS: list = []


def patch_targets() -> list[tuple[Any, str, Any]]:
    """(owner, attribute, wrapper maker) for every statistic the tracer records (made once)."""
    if not _TARGETS:
        _TARGETS.extend(_targets())
    return _TARGETS


def _targets() -> list[tuple[Any, str, Any]]:
    from ._stats_groups import _rec_group, _rec_rolling, _rec_window
    from pandas.core import base, generic
    from pandas.core.groupby import generic as gb_generic
    from pandas.core.groupby import groupby as gb_base

    out = []
    for owner in (pd.DataFrame, pd.Series, generic.NDFrame):
        for name in _PD_REDUCE:
            if name in vars(owner):
                out.append((owner, name, _wrapping(_rec_reduce(name))))
        if "rank" in vars(owner):
            out.append((owner, "rank", _wrapping(_rec_rank)))
        for name in ("corr", "corrwith", "cov"):
            if name in vars(owner):
                out.append((owner, name, _wrapping(_rec_corr(name))))
        for name in _PD_WINDOW:
            if name in vars(owner):
                out.append((owner, name, _wrapping(_rec_window(name))))
    from pandas.core.window import ewm, expanding, rolling

    for owner in (rolling.RollingAndExpandingMixin, rolling.Rolling, expanding.Expanding, ewm.ExponentialMovingWindow):
        for name in _ROLL:
            if name in vars(owner):
                out.append((owner, name, _wrapping(_rec_rolling(name))))
    for owner in (pd.Series, base.IndexOpsMixin):
        if "value_counts" in vars(owner):
            out.append((owner, "value_counts", _wrapping(_rec_value_counts)))
    for owner in (gb_base.GroupBy, gb_generic.SeriesGroupBy, gb_generic.DataFrameGroupBy):
        for name in _GB_REDUCE:
            if name in vars(owner):
                out.append((owner, name, _wrapping(_rec_group(name))))
    for name in ("qcut", "cut"):
        out.append((pd, name, _wrapping(_rec_bins(name))))
    for name in _NP:
        if hasattr(np, name):
            out.append((np, name, _wrapping(_rec_np(name))))
    out.append((np, "corrcoef", _wrapping(_rec_corrcoef)))
    return out


def reset_budget() -> None:
    _snap_bytes[0] = 0
