"""Per-row statistics that read a window of rows: lags (``shift``), differences, rolling,
expanding and exponential windows, cumulative sums, per group or not.

A window is a pair of offsets ``(lo, hi)`` relative to the row, in the order of the rows
(within its group): ``shift(1)`` reads ``(-1, -1)``, ``rolling(7)`` reads ``(-6, 0)``,
``rolling(7, center=True)`` reads ``(-3, 3)``, ``expanding()`` reads ``(None, 0)`` (from
the group's first row). ``groupby(...).transform(f)`` with a function ``f`` is probed: ``f``
runs on one real group with one value changed at a time, and the outputs that change tell
which rows each output reads (an influence test); a function whose outputs read the whole
group is a group statistic.

A window leaks when a *training* row's value read a held-out row (a lag or a centred
window reaching across a random or time split); held-out rows reading earlier rows do not.

>>> import numpy as np
>>> from leakkit.tracing._windows import probe
>>> import pandas as pd
>>> probe(lambda s: s.shift(1).rolling(3).mean(), pd.Series(np.arange(20.0)))
(-3, -1)
>>> probe(lambda s: s - s.mean(), pd.Series(np.arange(20.0)))
'group'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._util import _search

_PROBE_ROWS = 24


def spec(method: str, periods: Any = 1, window: Any = None, center: bool = False) -> tuple | None:
    """The window of a pandas method, or None when it is not a fixed window."""
    if method in ("shift",):
        if not isinstance(periods, (int, np.integer)) or isinstance(periods, bool):
            return None
        return (-int(periods), -int(periods))
    if method in ("diff", "pct_change"):
        if not isinstance(periods, (int, np.integer)) or isinstance(periods, bool):
            return None
        p = int(periods)
        return (min(-p, 0), max(-p, 0))
    if method in ("cumsum", "cummax", "cummin", "cumprod", "cumcount", "expanding", "ewm"):
        return (None, 0)
    if method == "rolling":
        if not isinstance(window, (int, np.integer)) or isinstance(window, bool) or window < 1:
            return None
        off = int(window) // 2 if center else 0
        return (off - int(window) + 1, off)
    return None


def probe(func: Any, sample: pd.Series) -> tuple | str | None:
    """Which rows each output of ``func(sample)`` reads, by changing one value at a time:
    a window ``(lo, hi)``, ``"group"`` (outputs read the whole group), ``"row"`` (each
    output reads its own row only: no statistic) or None (no clear pattern). A function
    that only reads its own row is probed again with a few missing values (a fill)."""
    s = sample.iloc[:_PROBE_ROWS].reset_index(drop=True)
    if len(s) < 6:
        return None
    found = _probe_once(func, s)
    if found == "row" and not s.isna().any():
        t = s.astype(float).copy()
        t.iloc[[len(t) // 4, len(t) // 2, 3 * len(t) // 4]] = np.nan
        again = _probe_once(func, t)
        if again == "group":
            return "group"
    return found


def _probe_once(func: Any, s: pd.Series) -> tuple | str | None:
    n = len(s)
    try:
        base = np.asarray(func(s), dtype=float)
    except Exception:  # noqa: BLE001 - a function that needs the real group
        return None
    if base.shape != (n,):
        return None
    reads = [set() for _ in range(n)]
    scale = float(np.nanmax(np.abs(base))) if np.isfinite(base).any() else 1.0
    vals = s.to_numpy(dtype=float, na_value=np.nan)
    step = 1.2345 * (np.nanstd(vals) + 1.0) if np.isfinite(vals).any() else 1.2345
    for j in range(n):
        t = s.copy()
        t.iloc[j] = (vals[j] if np.isfinite(vals[j]) else np.nanmean(vals)) + step
        try:
            out = np.asarray(func(t), dtype=float)
        except Exception:  # noqa: BLE001
            return None
        # Running sums leave rounding residue far from the change: compare with a tolerance.
        diff = ~(np.isclose(out, base, rtol=1e-9, atol=1e-12 * scale) | (np.isnan(out) & np.isnan(base)))
        for i in np.flatnonzero(diff):
            reads[i].add(j)
    offs = [{j - i for j in r} for i, r in enumerate(reads) if r]
    if not offs:
        return None
    if all(o == {0} for o in offs):
        return "row"
    lo, hi = min(min(o) for o in offs), max(max(o) for o in offs)
    interior = [i for i in range(n) if i + lo >= 0 and i + hi < n]
    if hi - lo < n // 2 and interior and all(reads[i] == set(range(i + lo, i + hi + 1)) for i in interior):
        return (lo, hi)
    prefix = [(i, r) for i, r in enumerate(reads) if r]
    if all(min(r) == 0 and max(r) - i == hi and r == set(range(0, i + hi + 1)) for i, r in prefix):
        return (None, hi)
    if max(len(r) for r in reads) >= 0.75 * n:
        return "group"
    return None


@dataclass
class Reads:
    """What each derived row (a *reader*) read: an interval of the statistic's input rows
    taken in ``order`` (a window, or the reader's group). ``readers`` and ``inputs`` are row
    fingerprints (any space the lineage resolves), so the rules can tell which side of a
    split each reader and each input row is on."""

    readers: np.ndarray  # one per derived row
    a: np.ndarray  # per reader: first position (in ``order``) read
    b: np.ndarray  # per reader: last position read (a > b: none)
    order: np.ndarray  # input positions in reading order
    inputs: np.ndarray  # one per input position
    own: np.ndarray  # per reader: its own row's position in ``order`` (-1: not an input row)


def _runs(codes_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per position of a sorted code array: the first and last position of its run."""
    n = len(codes_sorted)
    pos = np.arange(n)
    new = np.ones(n, dtype=bool)
    if n:
        new[1:] = codes_sorted[1:] != codes_sorted[:-1]
    starts = np.maximum.accumulate(np.where(new, pos, 0))
    last = np.r_[new[1:], True] if n else new
    ends = np.minimum.accumulate(np.where(last, pos, n)[::-1])[::-1]
    return starts, ends


def window_reads(input_index: pd.Index, groups: np.ndarray | None, win: tuple, data_index: pd.Index,
                 data_rows: np.ndarray, inputs: np.ndarray) -> Reads | None:
    """Reads of a window statistic: each data row read its window of input rows (the data
    row and the input row share a label)."""
    n = len(input_index)
    pos = np.arange(n)
    order = np.lexsort((pos, groups)) if groups is not None else pos
    inv = np.empty(n, dtype=np.intp)
    inv[order] = pos
    starts, ends = _runs(groups[order] if groups is not None else np.zeros(n, dtype=np.intp))
    lo, hi = win
    a = starts[inv] if lo is None else np.maximum(starts[inv], inv + lo)
    b = ends[inv] if hi is None else np.minimum(ends[inv], inv + hi)
    try:
        at = input_index.get_indexer(data_index)
    except Exception:  # noqa: BLE001
        return None
    ra = np.where(at >= 0, a[np.maximum(at, 0)], 1)
    rb = np.where(at >= 0, b[np.maximum(at, 0)], 0)
    own = np.where(at >= 0, inv[np.maximum(at, 0)], -1)
    return Reads(readers=data_rows, a=ra, b=rb, order=order, inputs=inputs, own=own)


def group_reads(input_keys: list[np.ndarray], data_keys: list[np.ndarray], data_rows: np.ndarray,
                inputs: np.ndarray, at: np.ndarray) -> Reads | None:
    """Reads of a group statistic looked up by key: each data row read the input rows of its
    key's group."""
    n_in = len(input_keys[0])
    try:
        if len(input_keys) == 1:
            both = pd.Index(np.concatenate([input_keys[0], data_keys[0]]))
            codes = pd.factorize(both)[0]
        else:
            both = pd.MultiIndex.from_arrays([np.concatenate([a, b]) for a, b in zip(input_keys, data_keys)])
            codes = pd.factorize(both)[0]
    except Exception:  # noqa: BLE001 - keys that do not mix
        return None
    cin, cdata = codes[:n_in], codes[n_in:]
    order = np.argsort(cin, kind="stable")
    sorted_codes = cin[order]
    lo = _search(sorted_codes, cdata, side="left")
    hi = _search(sorted_codes, cdata, side="right") - 1
    inv = np.empty(n_in, dtype=np.intp)
    inv[order] = np.arange(n_in)
    own = np.where(at >= 0, inv[np.maximum(at, 0)], -1)
    return Reads(readers=data_rows, a=lo, b=hi, order=order, inputs=inputs, own=own)


def held_reads(r: Reads, held_in: np.ndarray, train_rd: np.ndarray, held_rd: np.ndarray | None = None) -> int:
    """How many held-out input rows were read by training readers; when ``held_rd`` is given
    (a statistic of the target), held-out readers whose value read their *own* row count
    too (a held-out row's own label in its feature)."""
    seq_held = held_in[r.order].astype(np.int64)
    csum = np.concatenate([[0], np.cumsum(seq_held)])
    ok = r.a <= r.b
    cnt = np.zeros(len(r.a), dtype=np.int64)
    cnt[ok] = csum[r.b[ok] + 1] - csum[r.a[ok]]
    readers = train_rd & (cnt > 0)
    if held_rd is not None:
        own_read = (r.own >= 0) & (r.a <= r.own) & (r.own <= r.b)
        readers |= held_rd & own_read
    if not readers.any():
        return 0
    cover = np.zeros(len(seq_held) + 1, dtype=np.int64)
    np.add.at(cover, r.a[readers], 1)
    np.add.at(cover, r.b[readers] + 1, -1)
    covered = np.cumsum(cover[:-1]) > 0
    return int((covered & (seq_held > 0)).sum())
