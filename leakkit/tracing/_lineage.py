"""Row lineage: map any row fingerprint back to the original row it came from (its root).

Three kinds of links, all by position:

* a transform's output row -> its input row (``fit_transform``/``transform``);
* a row of data derived from a statistic (filled, clipped, rescaled, encoded) -> the same
  row before (see :mod:`leakkit.tracing._derive`), and a row re-expressed element-wise
  (``astype``, ``np.round``, ``np.log1p``, ``clip``) -> the transform output it came from;
* a row of a frame holding some of a split frame's columns -> the split frame's row (only
  rows that the subset still tells apart).

Rows are known by content, so a transformed row can coincide with a raw row (a
standardised value of exactly 0.0 and a raw 0.0). Fingerprints of raw data (split frames
that are not derived, and their column subsets) are therefore never given a parent.

>>> import numpy as np
>>> from leakkit.tracing._lineage import build_resolver
>>> from leakkit.tracing._records import _Output
>>> out = _Output(rows=np.array([10, 11], dtype=np.uint64), parents=np.array([1, 2], dtype=np.uint64),
...               taint=frozenset())
>>> resolve = build_resolver([out], [], [], {})
>>> resolve(np.array([11, 5], dtype=np.uint64)).tolist()
[2, 5]
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._rows import combine
from ._util import _EMPTY, _contains, _occurs_once, _search, _unique


def build_resolver(outputs: list, links: list, splits: list, frames: dict) -> Callable[[np.ndarray], np.ndarray]:
    """A function mapping row fingerprints to root fingerprints."""
    children = [o.rows for o in outputs if o.parents is not None] + [c for c, _ in links]
    all_children = _unique(np.concatenate(children)) if children else _EMPTY
    # A split frame's row fingerprints are its split's rows (the same values, hashed alike).
    split_rows = {s.frame_key: s.rows for s in splits
                  if s.frame_key is not None and not s.internal and s.frame_key in frames}
    raw_parts: list[np.ndarray] = []
    roots_parts: list[np.ndarray] = []  # rows of split frames that are not derived: roots, never aliased
    aliases: list[tuple[np.ndarray, np.ndarray]] = []
    items = list(frames.items())
    for skey, s_fp in split_rows.items():
        snames, sH = frames[skey][0], frames[skey][1]
        derived = _contains(s_fp, all_children).mean() >= 0.5
        if not derived:
            raw_parts.append(s_fp)
            roots_parts.append(s_fp)
        pos = {n: i for i, n in enumerate(snames)}
        sset = set(snames)
        for key, (names, H, _) in items:
            if key == skey or len(names) == len(snames) and names == snames:
                continue
            nset = set(names)
            if nset < sset:
                # Frames holding a subset of the split frame's columns map onto it, but only
                # rows the subset still tells apart.
                sub = combine(sH, [pos[n] for n in names])
                if not derived:
                    raw_parts.append(sub)
                once = _occurs_once(sub)
                aliases.append((sub[once], s_fp[once]))
            elif sset < nset:
                npos = {n: i for i, n in enumerate(names)}
                aliases.append((combine(H), combine(H, [npos[n] for n in snames])))
    raw = _unique(np.concatenate(raw_parts)) if raw_parts else _EMPTY
    pairs = [(o.rows, o.parents) for o in outputs if o.parents is not None] + list(links)
    kept: list[tuple[np.ndarray, np.ndarray]] = []
    for child, par in pairs:
        keep = ~_contains(child, raw)
        kept.append((child[keep], par[keep]))
    split_roots = _unique(np.concatenate(roots_parts)) if roots_parts else _EMPTY
    for child, par in aliases:
        # A raw split frame's own rows stay roots: mapping them onto a narrower frame's rows
        # (which map back onto them) would make a cycle.
        keep = ~_contains(child, split_roots)
        kept.append((child[keep], par[keep]))
    return _resolver_of(*_first_links(kept))


def _first_links(pairs: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """(children, parents), children sorted: each child's first link in ``pairs``, taken in
    order (a row linked to itself is no link)."""
    if not pairs:
        return _EMPTY, _EMPTY
    child = np.concatenate([np.asarray(c, dtype=np.uint64) for c, _ in pairs])
    par = np.concatenate([np.asarray(p, dtype=np.uint64) for _, p in pairs])
    link = child != par
    child, par = child[link], par[link]
    children, first = np.unique(child, return_index=True)  # the first occurrence of each child
    return children, par[first]


def _resolver_of(children: np.ndarray, parents: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    if not len(children):
        return lambda fps: fps
    memo: list[np.ndarray] = []  # each child's root, found once

    def resolve(fps: np.ndarray) -> np.ndarray:
        """Each fingerprint's root: its child's root when it is a child, else itself."""
        if not memo:
            memo.append(_follow(children, parents, children))
        out = np.array(fps, dtype=np.uint64, copy=True)
        idx = _search(children, out)
        idx[idx == len(children)] = 0
        hit = children[idx] == out
        out[hit] = memo[0][idx[hit]]
        return out

    return resolve


def _follow(children: np.ndarray, parents: np.ndarray, fps: np.ndarray) -> np.ndarray:
    """Follow each fingerprint's parents to its root, all rows at once (at most 64 links)."""
    out = np.array(fps, dtype=np.uint64, copy=True)
    todo = np.arange(len(out))
    for _ in range(64):
        if not len(todo):
            break
        cur = out[todo]
        idx = _search(children, cur)
        idx[idx == len(children)] = 0
        hit = children[idx] == cur
        if not hit.any():
            break
        out[todo[hit]] = parents[idx[hit]]
        todo = todo[hit]
    return out


def taint_of(fps: np.ndarray | None, outputs: list, labels: Any = None) -> frozenset:
    """Everything carried by the rows among ``fps`` that some output changed. ``labels``: the
    index labels of the data ``fps`` are the rows of, when it is a pandas object."""
    if fps is None or not outputs:
        return frozenset()
    out: set = set()
    for o in outputs:
        if not (o.taint - out):
            continue
        hit = _contains(fps, o.sorted_rows)
        # A transform's output row anywhere in the data carries its fit. A row derived from a
        # statistic can coincide with another statistic's derived row (two training folds'
        # group means agree on a small group; a centred window and a lagged one are the same
        # mean a few rows apart): such data carries it only when most of its rows are among
        # that statistic's derived rows (the data itself, or a part of it), at the same labels.
        if not o.statistic:
            if hit.any():
                out |= o.taint
            continue
        need = 0.5 * min(len(fps), len(o.sorted_rows))
        if hit.sum() < need or not need:
            continue
        if labels is not None and o.labels is not None and hit.sum() < 0.99 * min(len(fps), len(o.sorted_rows)):
            hit = hit & _same_labels(fps, labels, o)
            if hit.sum() < need:
                continue
        out |= o.taint
    return frozenset(out)


def _same_labels(fps: np.ndarray, labels: Any, o: Any) -> np.ndarray:
    """Which rows sit, at their index label, where the output ``o`` has the same row. Data
    mostly labelled outside ``o``'s labels (relabelled since) is not judged by label: all True."""
    try:
        pos = o.labels.get_indexer(labels)
    except Exception:  # noqa: BLE001 - labels that cannot be compared
        return np.ones(len(fps), dtype=bool)
    found = pos >= 0
    if found.mean() < 0.5:
        return np.ones(len(fps), dtype=bool)
    same = np.zeros(len(fps), dtype=bool)
    same[found] = o.rows[pos[found]] == fps[found]
    return same


def _as_float(X: Any) -> np.ndarray | None:
    try:
        a = X.to_numpy(dtype=np.float64) if hasattr(X, "to_numpy") else np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return a if a.ndim == 2 else None


# Element-wise re-expressions recognised between a transform's output and later data.
_FUNCS: tuple[tuple[str, Callable], ...] = (
    ("identity", lambda a: a), ("log1p", np.log1p), ("log", np.log), ("exp", np.exp), ("expm1", np.expm1),
    ("sqrt", np.sqrt), ("square", np.square), ("abs", np.abs), ("negative", np.negative), ("tanh", np.tanh),
)


def _decimals(D: np.ndarray) -> int | None:
    """The number of decimals D is rounded to (0-8), or None."""
    finite = D[np.isfinite(D)]
    if finite.size == 0:
        return None
    sample = finite.ravel()[: 2000]
    for d in range(0, 9):
        scaled = sample * 10.0 ** d
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1.0, np.abs(scaled))):
            return d
    return None


def elementwise_match(D: np.ndarray, O: np.ndarray) -> str | None:
    """How ``D`` re-expresses ``O`` element by element (a cast to float32, a rounding, a
    clip, ``log1p``...), or None. Both are float arrays of one shape."""
    if D.shape != O.shape or D.size == 0:
        return None
    dec = _decimals(D)
    with np.errstate(all="ignore"):
        for name, g in _FUNCS:
            G = g(O)
            ok = np.isfinite(G) & np.isfinite(D)
            if ok.mean() < 0.9:
                continue
            scale = np.abs(G[ok]) + 1e-300
            err = np.abs(D[ok] - G[ok])
            tol_rel = err <= 2e-7 * np.maximum(scale, 1e-30) + 1e-300  # float32 or exact
            if tol_rel.all():
                return name if name != "identity" else "a cast (astype)"
            if dec is not None and np.all(err <= 0.5 * 10.0 ** -dec + 1e-9 * scale):
                return f"np.round(..., {dec})" if name == "identity" else f"{name} then np.round(..., {dec})"
            # A clip: the differing values sit at the column's bounds, beyond which G went.
            bad = ~tol_rel
            if bad.mean() < 0.5:
                Dm = np.where(ok, D, np.nan)
                lo, hi = np.nanmin(Dm, axis=0), np.nanmax(Dm, axis=0)
                rows, cols = np.nonzero(np.where(ok, ~(np.abs(D - G) <= 2e-7 * np.abs(G) + 1e-300), False))
                at_lo = (D[rows, cols] == lo[cols]) & (G[rows, cols] < lo[cols])
                at_hi = (D[rows, cols] == hi[cols]) & (G[rows, cols] > hi[cols])
                if (at_lo | at_hi).all():
                    return "clip" if name == "identity" else f"{name} then clip"
    return None
