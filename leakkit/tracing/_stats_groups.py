"""Group and window statistics: ``groupby`` reductions, ``transform`` (a function is probed),
``shift``/``diff``/cumulative sums and rolling, expanding and exponential windows (see
:mod:`leakkit.tracing._stats` and :mod:`leakkit.tracing._windows`)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _windows
from ._stats import MIN_ROWS, StatData, _axis_rows

# --------------------------------------------------------------------------------------
# groupby
# --------------------------------------------------------------------------------------
def _group_keys(gb: Any) -> list | None:
    keys = getattr(gb, "keys", None)
    if keys is None:
        return None
    if isinstance(keys, (str, int)) and not isinstance(keys, bool):
        return [keys]
    if isinstance(keys, pd.Series):
        return [keys.name] if keys.name is not None else None
    if isinstance(keys, (list, tuple)):
        out = []
        for k in keys:
            if isinstance(k, (str, int)) and not isinstance(k, bool):
                out.append(k)
            elif isinstance(k, pd.Series) and k.name is not None:
                out.append(k.name)
            else:
                return None
        return out
    return None


def _group_input(gb: Any, keys: list) -> pd.DataFrame | None:
    """The rows a groupby read: its selected values and its keys, as one frame."""
    obj = getattr(gb, "obj", None)
    if isinstance(obj, pd.Series):
        frame = obj.to_frame(name=obj.name if obj.name is not None else "value")
    elif isinstance(obj, pd.DataFrame):
        frame = obj
    else:
        return None
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        # Keys named by column but not selected (df.groupby("city")["target"]): read them
        # off the groupby's groupings (one vector per key, aligned with the rows).
        try:
            vectors = {g.name: np.asarray(g.grouping_vector) for g in gb._grouper.groupings}
        except Exception:  # noqa: BLE001 - another pandas
            return frame
        extra = {k: vectors[k] for k in missing if k in vectors and len(vectors[k]) == len(frame)}
        if len(extra) != len(missing):
            return frame
        frame = frame.assign(**{str(k): v for k, v in extra.items()}) if all(isinstance(k, str) for k in extra) \
            else pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)
    return frame


def _gb_label(gb: Any, keys: list, what: str) -> str:
    sel = getattr(gb, "_selection", None)
    sel_txt = f"[{sel!r}]" if sel is not None else ""
    return f"groupby({keys[0]!r}){sel_txt}.{what}" if len(keys) == 1 else f"groupby({keys!r}){sel_txt}.{what}"


_WHOLE = {"mean", "median", "sum", "std", "var", "min", "max", "count", "size", "nunique", "first", "last", "prod",
          "sem", "skew", "quantile", "rank", "idxmax", "idxmin", "any", "all"}


def _rec_group(name: str):
    def rec(args: tuple, kwargs: dict, result: Any):
        gb = args[0]
        keys = _group_keys(gb)
        if keys is None:
            return None
        frame = _group_input(gb, keys)
        if frame is None or len(frame) < MIN_ROWS:
            return None
        func = args[1] if len(args) > 1 else kwargs.get("func", kwargs.get("arg"))
        fname = func if isinstance(func, str) else getattr(func, "__name__", name)
        what = f"{name}({fname!r})" if name in ("transform", "agg", "aggregate") and func is not None else f"{name}()"
        if name in ("shift", "diff", "pct_change"):
            what = f"{name}({kwargs.get('periods', args[1] if len(args) > 1 else 1)})"
        label = _gb_label(gb, keys, what)
        obj = getattr(gb, "obj", None)
        n = len(frame)
        window = groups = None
        if name in ("shift", "diff", "pct_change", "cumsum", "cumcount", "cummax", "cummin", "cumprod") or (
                name == "transform" and isinstance(func, str) and func not in _WHOLE):
            m = func if name == "transform" else name
            window = _windows.spec(m, kwargs.get("periods", args[2] if name == "transform" and len(args) > 2
                                              else (args[1] if name != "transform" and len(args) > 1 else 1)))
            if window is None:
                return label, "unfollowed", n, (), None
        elif name == "transform" and callable(func):
            found = _probe_groups(gb, func)
            if found is None:
                return label, "unfollowed", n, (), None
            if found == "row":
                return None
            window = (None, None) if found == "group" else found
        elif name in ("transform", "rank"):
            window = (None, None)  # each row's value reads its whole group
        if window is not None:
            groups = _codes(gb)
        if isinstance(result, (pd.Series, pd.DataFrame)) and len(result) == n and result.index.equals(obj.index):
            cols = [result] if isinstance(result, pd.Series) else [result[c] for c in result.columns]
            return label, "rows", n, tuple(keys), StatData("rows", frame, values=cols, keys=keys, method=name,
                                                              window=window, groups=groups)
        if window is not None:
            return None
        if isinstance(result, pd.DataFrame) and set(keys) <= set(result.columns) and not set(keys) & set(
                result.index.names):  # as_index=False: the keys came back as columns
            result = result.set_index(keys)
        mappings = []
        if isinstance(result, pd.Series):
            mappings.append((result, result.name))
        elif isinstance(result, pd.DataFrame):
            for c in result.columns:
                mappings.append((result[c], c))
        else:
            return None
        if not mappings or result.index.nlevels != len(keys):
            return None
        return label, "groups", n, tuple(keys), StatData("groups", frame, values=mappings, keys=keys, method=name)
    return rec


def _codes(gb: Any) -> np.ndarray | None:
    try:
        return gb.ngroup().to_numpy()
    except Exception:  # noqa: BLE001
        return None


def _probe_groups(gb: Any, func: Any) -> Any:
    """Which rows a transform's function reads, probed on the largest group's values."""
    obj = getattr(gb, "obj", None)
    if not isinstance(obj, pd.Series):
        return None
    codes = _codes(gb)
    if codes is None or not len(codes):
        return None
    largest = np.bincount(codes[codes >= 0]).argmax()
    return _windows.probe(func, obj[codes == largest])


# --------------------------------------------------------------------------------------
# windows: shift, diff, cumulative sums, rolling / expanding / ewm
# --------------------------------------------------------------------------------------
def _rec_window(name: str):
    def rec(args: tuple, kwargs: dict, result: Any):
        obj = args[0]
        if not isinstance(obj, (pd.Series, pd.DataFrame)) or len(obj) < MIN_ROWS or kwargs.get("freq") is not None:
            return None
        if not _axis_rows(kwargs, (), 0) or not isinstance(result, (pd.Series, pd.DataFrame)):
            return None
        periods = kwargs.get("periods", args[1] if len(args) > 1 else 1)
        window = _windows.spec(name, periods)
        who = f"{obj.name!r}" if isinstance(obj, pd.Series) and obj.name is not None else type(obj).__name__
        label = f"{who} {name}({periods})" if name in ("shift", "diff", "pct_change") else f"{who} {name}()"
        if window is None:
            return label, "unfollowed", len(obj), (), None
        cols = [result] if isinstance(result, pd.Series) else [result[c] for c in result.columns]
        return label, "rows", len(obj), tuple(c.name for c in cols), StatData(
            "rows", obj, values=cols, method=name, window=window)
    return rec


def _rec_rolling(name: str):
    def rec(args: tuple, kwargs: dict, result: Any):
        r = args[0]
        obj = getattr(r, "obj", None)
        if not isinstance(obj, (pd.Series, pd.DataFrame)) or len(obj) < MIN_ROWS:
            return None
        kind = type(r).__name__
        if "Expanding" in kind:
            window, what = _windows.spec("expanding"), "expanding()"
        elif "ExponentialMoving" in kind:
            window, what = _windows.spec("ewm"), "ewm()"
        else:
            window = _windows.spec("rolling", window=getattr(r, "window", None), center=bool(getattr(r, "center", False)))
            what = f"rolling({getattr(r, 'window', '?')}{', center=True' if getattr(r, 'center', False) else ''})"
        who = f"{obj.name!r}" if isinstance(obj, pd.Series) and obj.name is not None else type(obj).__name__
        label = f"{who} {what}.{name}()"
        if window is None or not isinstance(result, (pd.Series, pd.DataFrame)):
            return label, "unfollowed", len(obj), (), None
        groups = None
        if "GroupBy" in kind:  # the result is indexed by (group keys..., row label)
            nk = result.index.nlevels - 1
            if nk < 1:
                return label, "unfollowed", len(obj), (), None
            keys = pd.MultiIndex.from_arrays([result.index.get_level_values(i) for i in range(nk)]) if nk > 1 \
                else result.index.get_level_values(0)
            result = result.droplevel(list(range(nk)))
            per_row = pd.Series(pd.factorize(keys)[0], index=result.index).reindex(obj.index)
            if per_row.isna().any():
                return label, "unfollowed", len(obj), (), None
            groups = per_row.to_numpy(dtype=np.intp)
            label = f"groupby(...){label[len(who):]}" if who else label
        cols = [result] if isinstance(result, pd.Series) else [result[c] for c in result.columns]
        return label, "rows", len(obj), tuple(c.name for c in cols), StatData(
            "rows", obj, values=cols, method=name, window=window, groups=groups)
    return rec
