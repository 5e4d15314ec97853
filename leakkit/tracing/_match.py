"""Pure matchers: is a column of later data the value of a recorded statistic, applied in
one of the ways learners apply statistics? Each returns the ids of the statistics that
explain it (several ids in one group: any of them gives the same value), or None.

All matches are exact (to float rounding): a column is derived only when *every* changed
value is reproduced.

>>> import numpy as np
>>> from leakkit.tracing._match import match_replace, match_affine
>>> raw = np.array([1.0, np.nan, 3.0, np.nan])
>>> new = np.array([1.0, 2.0, 3.0, 2.0])
>>> mask, groups = match_replace(raw, new, [(7, {2.0}), (8, {5.0})], [])
>>> mask.tolist(), groups
([False, True, False, True], [(7,)])
>>> match_affine(np.array([1.0, 2.0, 6.0]), np.array([-0.25, 0.0, 1.0]), [(3, {2.0}), (4, {4.0})])
[(3,), (4,)]
"""
from __future__ import annotations

from itertools import combinations
from math import comb
from typing import Any

import numpy as np
import pandas as pd

from ._util import _same_values

_REL = 1e-7  # relative tolerance of a recomputed affine relation
# Values people type as fills or bounds; a statistic that happens to equal one is no evidence.
SENTINELS = frozenset({0.0, 1.0, -1.0, 99.0, -99.0, 999.0, -999.0, 9999.0, -9999.0, 100.0})


_NS_UNITS = (1e9, 6e10, 3.6e12, 8.64e13, 6.048e14)  # a second, minute, hour, day, week in nanoseconds


def _num(a: Any) -> np.ndarray | None:
    """Floats (dates as nanoseconds), or None."""
    arr = np.asarray(a)
    if arr.dtype.kind == "M":
        ns = arr.astype("datetime64[ns]").view(np.int64).astype(np.float64)
        ns[np.isnat(arr)] = np.nan
        return ns
    if arr.dtype == object and len(arr) and isinstance(arr[0], pd.Timestamp):
        return _num(pd.to_datetime(arr).to_numpy())
    try:
        return np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _value(v: Any) -> float | None:
    if isinstance(v, pd.Timestamp):
        return float(v.value)
    return float(v) if isinstance(v, float) and np.isfinite(v) else None


def match_replace(raw: np.ndarray, new: np.ndarray, values: list[tuple[int, set]],
                  rowwise: list[tuple[int, np.ndarray]]) -> tuple[np.ndarray, list[tuple]] | None:
    """Changed values all replaced by a statistic's value: a fill of missing values, a
    clip to a cap, a ``where``. ``values``: (id, values) of per-column statistics;
    ``rowwise``: (id, aligned values) of per-row statistics (a group median per row)."""
    changed = ~_same_values(raw, new)
    if not changed.any():
        return None
    groups: dict[tuple, None] = {}
    pos = np.flatnonzero(changed)
    raw_num, new_num = _num(raw), _num(new)
    by_value: dict[Any, list[int]] = {}
    for i in pos.tolist():
        u = new[i]
        if pd.isna(u):
            return None  # a value made missing is not a fill
        if isinstance(u, (int, float, np.number)) and float(u) in SENTINELS:
            return None  # a constant typed by hand (fillna(0), clip(lower=0)): a statistic equal to it proves nothing
        ids = [sid for sid, R in rowwise if R[i] == u]
        key = float(u) if isinstance(u, (int, float, np.integer, np.floating)) else u
        ids += [sid for sid, vals in values if key in vals]
        if not ids:
            return None
        groups[tuple(sorted(set(ids)))] = None
        by_value.setdefault(key, []).append(i)
    # The raw values a statistic replaced were missing, or all beyond it on one side (a cap):
    # then every unchanged value sits on the other side of the cap.
    for u, idx in by_value.items():
        r = raw[idx]
        miss = pd.isna(r)
        if miss.all():
            continue
        if raw_num is None or new_num is None or not isinstance(u, float):
            return None
        rv = raw_num[idx][~miss]
        kept = raw_num[~changed]
        kept = kept[np.isfinite(kept)]
        if (rv > u).all():
            if (kept > u).any():
                return None
        elif (rv < u).all():
            if (kept < u).any():
                return None
        else:
            return None
    return changed, list(groups)


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-6 * (abs(b) + scale) + 1e-300


def match_affine(raw: np.ndarray, new: np.ndarray, values: list[tuple[int, set]]) -> list[tuple] | None:
    """``new == (raw - center) / scale`` with center and scale statistics of the column:
    a z-score, a min-max scaling, a centring, a division by a total."""
    r, n = _num(raw), _num(new)
    if r is None or n is None:
        return None
    ok = np.isfinite(r) & np.isfinite(n)
    if ok.sum() < 3:
        return None
    r, n = r[ok], n[ok]
    spread = float(r.max() - r.min())
    if spread <= 0:
        return None
    i, j = int(np.argmin(r)), int(np.argmax(r))
    alpha = (n[j] - n[i]) / (r[j] - r[i])
    if not np.isfinite(alpha) or alpha == 0:
        return None
    beta = n[i] - alpha * r[i]
    scale_n = float(np.abs(n).max()) + 1e-300
    if np.abs(n - (alpha * r + beta)).max() > _REL * scale_n:
        return None
    center, scale = -beta / alpha, 1.0 / alpha
    if abs(alpha - 1) <= 1e-12 and abs(beta) <= 1e-12 * scale_n:
        return None  # unchanged
    dates = np.asarray(raw).dtype.kind == "M"
    flat = [(sid, x) for sid, vals in values for v in vals for x in [_value(v)] if x is not None]
    c_ids = [sid for sid, v in flat if _close(center, v, spread)]
    trivial_c = abs(center) <= 1e-9 * spread
    s_ids = [sid for sid, v in flat if v != 0 and _close(scale, v, 0.0)]
    if not s_ids and len(flat) > 1:  # a range: max - min
        pairs = [(a, b) for (a, va), (b, vb) in combinations(flat, 2) if _close(abs(scale), abs(va - vb), 0.0)]
        s_ids = sorted({x for p in pairs for x in p})
    trivial_s = _close(scale, 1.0, 0.0) or (dates and any(_close(abs(scale), u, 0.0) for u in _NS_UNITS))
    if (not c_ids and not trivial_c) or (not s_ids and not trivial_s) or (trivial_c and trivial_s):
        return None
    out = []
    if c_ids and not trivial_c:
        out.append(tuple(sorted(set(c_ids))))
    if s_ids and not trivial_s:
        out.append(tuple(sorted(set(s_ids))))
    return out or None


def match_threshold(raw: np.ndarray, new: np.ndarray, values: list[tuple[int, set]]) -> list[tuple] | None:
    """``new`` is a 0/1 flag of the raw column against a statistic (``x > x.median()``)."""
    r, n = _num(raw), _num(new)
    if r is None or n is None or len(r) < 4:
        return None
    ok = np.isfinite(r)
    flags = n[ok]
    if not np.isin(flags, (0.0, 1.0)).all() or flags.min() == flags.max():
        return None
    rv = r[ok]
    ids = []
    for sid, vals in values:
        for v in vals:
            x = _value(v)
            if x is None or x in SENTINELS:
                continue
            for cmp in (np.greater, np.greater_equal, np.less, np.less_equal):
                if np.array_equal(cmp(rv, x).astype(float), flags):
                    ids.append(sid)
                    break
    return [tuple(sorted(set(ids)))] if ids else None


def _probe_idx(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, 32).astype(np.intp)) if n else np.zeros(0, dtype=np.intp)


def _agrees(cand: np.ndarray, n: np.ndarray, scale: float) -> bool:
    """Whether ``cand`` reproduces ``n`` (to rounding), missing where it is missing."""
    fc, fn = np.isfinite(cand), np.isfinite(n)
    if not np.array_equal(fc, fn) or fn.mean() <= 0.5:
        return False
    return bool(np.allclose(cand[fn], n[fn], rtol=1e-9, atol=1e-12 * scale))


def match_rowwise(raw: np.ndarray | None, new: np.ndarray, rowwise: list[tuple[int, np.ndarray]]) -> list[tuple] | None:
    """``new`` is a per-row statistic placed as a column (a group mean by ``transform``, a
    rank, a quantile bin), or the raw column's deviation from it, ratio to it, or z-score
    against two of them. Each form is tried on a few rows first, then on all of them."""
    n = _num(new)
    p = _probe_idx(len(new))
    for sid, R in rowwise:  # a few rows first: most statistics differ there already
        if len(R) == len(new) and _same_values(R[p], new[p]).all() and _same_values(R, new).all():
            return [(sid,)]
    if raw is None or n is None:
        return None
    r = _num(raw)
    if r is None or len(r) != len(n):
        return None
    scale = float(np.nanmax(np.abs(n))) if np.isfinite(n).any() else 1.0
    rp, np_ = r[p], n[p]
    nums = [(sid, _num(R)) for sid, R in rowwise]
    nums = [(sid, R) for sid, R in nums if R is not None and len(R) == len(n)]
    with np.errstate(all="ignore"):
        for sid, R in nums:
            Rp = R[p]
            for f in (np.subtract, np.divide, lambda a, b: b - a):
                if _agrees(f(rp, Rp), np_, scale) and _agrees(f(r, R), n, scale):
                    return [(sid,)]
        for (s1, A), (s2, B) in combinations(nums, 2):
            for a, b, sa, sb in ((A, B, s1, s2), (B, A, s2, s1)):
                if _agrees((rp - a[p]) / b[p], np_, scale) and _agrees((r - a) / b, n, scale):
                    return [(sa,), (sb,)]
    return None


def lookup(mapping: pd.Series, keys: list[np.ndarray]) -> np.ndarray:
    """The mapping's value for each row's key (NaN for keys it lacks)."""
    if len(keys) == 1:
        idx = pd.Index(keys[0])
    else:
        idx = pd.MultiIndex.from_arrays(keys)
    return mapping.reindex(idx).to_numpy()


def match_lookup(new: np.ndarray, expected: np.ndarray, fills: list[tuple[int, set]]) -> tuple[bool, list[tuple]]:
    """``new`` is a group statistic looked up by each row's key (``map``, ``merge``,
    ``transform``); rows whose key the statistic lacks may hold a fill value (a global
    mean, a prior). Returns (matched, fill groups)."""
    exp = np.asarray(expected)
    new_a = np.asarray(new)
    if exp.dtype.kind not in "biuf" or new_a.dtype.kind not in "biuf":
        exp, new_a = exp.astype(object), new_a.astype(object)
    have = ~pd.isna(exp)
    if have.mean() < 0.5 or len(pd.unique(exp[have])) < 2:
        return False, []
    if not _same_values(exp[have], new_a[have]).all():
        return False, []
    rest = np.flatnonzero(~have)
    groups: dict[tuple, None] = {}
    for i in rest.tolist():
        u = new[i]
        if pd.isna(u):
            continue
        ids = [sid for sid, vals in fills if float(u) in vals] if isinstance(u, (int, float, np.number)) else []
        if not ids:
            return False, []
        groups[tuple(sorted(set(ids)))] = None
    return True, list(groups)


def match_smoothed(new: np.ndarray, mean: np.ndarray, count: np.ndarray) -> bool:
    """``new == (count * mean + a * prior) / (count + a)`` for constants a > 0 and prior:
    a smoothed (m-estimate) target encoding from a group mean and a group count."""
    n, m, c = _num(new), _num(mean), _num(count)
    if n is None or m is None or c is None:
        return False
    ok = np.isfinite(n) & np.isfinite(m) & np.isfinite(c)
    if ok.sum() < 4:
        return False
    n, m, c = n[ok], m[ok], c[ok]
    if np.allclose(n, m):
        return False
    A = np.column_stack([n, -np.ones_like(n)])
    target = c * (m - n)
    sol, *_ = np.linalg.lstsq(A, target, rcond=None)
    a, b = sol
    if not (np.isfinite(a) and a > 0):
        return False
    resid = np.abs(A @ sol - target).max()
    return bool(resid <= 1e-7 * (np.abs(target).max() + 1e-300))


def match_topk(selected: set, scores: dict) -> str | None:
    """The selected columns are the k best by |score| (or by score): a screen of the
    columns most correlated with the target. Returns "exact" when a choice of k among
    these columns could hardly match by chance (1 in 1,000 or rarer), "weak" otherwise."""
    cand = {c: float(v) for c, v in scores.items() if c is not None and np.isfinite(v)}
    sel = {c for c in selected if c in cand}
    k = len(sel)
    if k == 0 or k >= len(cand) or sel != set(selected) & set(cand):
        return None
    rest = [c for c in cand if c not in sel]
    for key in (abs, lambda v: v):
        if min(key(cand[c]) for c in sel) > max(key(cand[c]) for c in rest):
            return "exact" if comb(len(cand), k) >= 1000 else "weak"
    return None
