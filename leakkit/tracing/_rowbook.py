"""Row fingerprints of the data a trace meets, computed once per object and read off a
recent split's when cross-validation hands a fit one fold's rows.

A DataFrame's per-value hashes are kept with its column names and index (so frames holding
some of its columns, or some of its rows, can be matched to it) until the block ends.

Entries are keyed by ``id(obj)``, so an id must not be reused by another object while its
entry lives. Objects with stored hashes (frames, split data) are kept alive until the block
ends. The rest (above all each cross-validation fold's rows, which scikit-learn frees after
the fold) are watched through a weak reference instead: when one goes, its entries go with
it. Keeping every fold's arrays alive held megabytes that the plain run frees, and made the
traced run's allocations land in fresh, page-faulting memory.
"""
from __future__ import annotations

import functools
import weakref
from typing import Any

import numpy as np
import pandas as pd

from .._rows import column_hashes, combine, is_sparse, n_rows, row_fingerprints
from ._util import _copy_to_spare, _frame_snapshot, _return_spare, _rows_equal

# How many recent splits are remembered to recognise their folds' rows.
_FOLD_SOURCES = 4


_PROBES: dict[int, np.ndarray] = {}


def _probe(n: int) -> np.ndarray:
    """16 evenly spread positions among ``n`` rows (fewer when ``n`` is small), made once per ``n``."""
    p = _PROBES.get(n)
    if p is None:
        if len(_PROBES) > 64:
            _PROBES.clear()
        p = _PROBES[n] = np.unique(np.linspace(0, n - 1, 16).astype(np.intp))
        p.flags.writeable = False
    return p


def _rows_at(X: Any, positions: np.ndarray) -> Any:
    """X's rows at a few positions. A DataFrame held in one numeric block is read through its
    array (a view; slicing the frame costs ~20x more); hashes are the same either way."""
    if not isinstance(X, pd.DataFrame):
        return np.asarray(X)[positions]
    if getattr(getattr(X, "_mgr", None), "nblocks", 0) == 1:
        values = X.to_numpy()
        if values.dtype.kind in "biuf" and values.shape == X.shape:
            return values[positions]
    return X.iloc[positions]


class RowBook:
    """Fingerprints by object, frames by key, and recent splits' per-value hashes."""

    def __init__(self, local: Any, by_id: tuple[dict, ...] = ()):
        self._local = local  # the patching layer's thread-local (its ``busy`` flag)
        self.cache: dict[int, tuple] = {}  # id -> (fps, frame key, digests, signature)
        self.frames: dict[int, tuple] = {}  # frame key -> (names, column hashes, index)
        self.keep: list[Any] = []  # objects kept alive so their ids stay unique
        self._watched: dict[int, weakref.ref] = {}  # id -> weak reference that forgets the id's entries
        self._by_id = (self.cache, *by_id)  # dicts keyed by id(obj): emptied of an object that goes
        self.fold_sources: list[tuple] = []  # (split, hashes, spare buffer?)
        self.not_fingerprinted: dict[str, int] = {}
        self.fold_ids: set[int] = set()  # objects whose rows are one fold of a recorded split
        self.source_of: dict[int, tuple] = {}  # id(split data) -> (data, split, hashes) of recent splits

    # ---- public ----------------------------------------------------------------------
    def fingerprint(self, X: Any) -> tuple[np.ndarray | None, int | None]:
        """Row fingerprints of X and, for a DataFrame, a key to its stored column hashes."""
        hit = self.entry(X)
        return (hit[0], hit[1]) if hit is not None else (None, None)

    def digests(self, X: Any) -> tuple:
        """One digest per column of a dense X (its values in row order), or ()."""
        hit = self.entry(X)
        if hit is None or hit[0] is None or is_sparse(X):
            return ()
        if hit[2] is None:
            self._local.busy = True
            try:
                H = self.frames[hit[1]][1] if hit[1] is not None else column_hashes(self.dense(X))[1]
                digests = tuple(hash(H[:, j].tobytes()) for j in range(H.shape[1]))
            except Exception:  # noqa: BLE001 - no digests, no column matching
                digests = ()
            finally:
                self._local.busy = False
            hit = (hit[0], hit[1], digests, hit[3])
            self.cache[id(X)] = hit
        return hit[2]

    def hashes(self, X: Any) -> tuple[list | None, np.ndarray] | None:
        """(column names, per-value hashes) of a dense X, from the stored frame when there."""
        hit = self.entry(X)
        if hit is None or hit[0] is None or is_sparse(X):
            return None
        if hit[1] is not None:
            names, H, _ = self.frames[hit[1]]
            return names, H
        self._local.busy = True
        try:
            return column_hashes(self.dense(X))
        except Exception:  # noqa: BLE001
            return None
        finally:
            self._local.busy = False

    @staticmethod
    def dense(X: Any) -> Any:
        if isinstance(X, (list, tuple)) and X and not isinstance(X[0], (str, bytes, int, float, np.number)):
            return np.asarray(X, dtype=object) if not all(hasattr(r, "__len__") for r in X[:1]) else X
        return X

    @staticmethod
    def _signature(X: Any) -> Any:
        """What tells an object changed shape or columns since its entry was made: its shape
        and, for a DataFrame, its columns object (renaming or adding columns replaces it)."""
        if isinstance(X, pd.DataFrame):
            return (X.shape, X.columns)
        return getattr(X, "shape", None)

    @staticmethod
    def _unchanged(sig: Any, X: Any) -> bool:
        if isinstance(X, pd.DataFrame):
            return type(sig) is tuple and sig[0] == X.shape and sig[1] is X.columns
        return sig == getattr(X, "shape", None)

    def entry(self, X: Any) -> tuple | None:
        if X is None or n_rows(X) is None:
            return None
        key = id(X)
        hit = self.cache.get(key)  # an entry is X's own: entries go with their object (``remember``)
        if hit is not None and self._unchanged(hit[3], X):
            return hit
        fps = self.from_hint(X)
        if fps is not None:
            self.fold_ids.add(key)
            entry = (fps, None, None, self._signature(X))
            self.remember(X)
            self.cache[key] = entry
            return entry
        self._local.busy = True
        try:
            fkey = None
            if is_sparse(X):
                fps = row_fingerprints(X)
            else:
                raw = isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype == np.float64
                # For float64 arrays the raw bits are compared (no normalising pass: equal bits
                # are equal values; a -0.0, stored as 0.0, just makes the rows hashed below).
                fps = self.rows_of_a_fold(X.view(np.uint64)) if raw else None
                if fps is not None:
                    self.fold_ids.add(key)
                else:
                    names, H = column_hashes(self.dense(X))
                    if not raw:
                        fps = self.rows_of_a_fold(H)
                    if fps is None:
                        fps = combine(H)
                    else:
                        self.fold_ids.add(key)
                    if isinstance(X, pd.DataFrame) and H.shape[1] > 0:
                        fkey = key
                        self.frames[key] = (names, _frame_snapshot(H), X.index)
        except Exception:  # noqa: BLE001 - data we cannot fingerprint is not tracked
            fps, fkey = None, None
            what = type(X).__name__
            self.not_fingerprinted[what] = self.not_fingerprinted.get(what, 0) + 1
        finally:
            self._local.busy = False
        entry = (fps, fkey, None, self._signature(X))
        self.remember(X, keep=fkey is not None)
        self.cache[key] = entry
        return entry

    def remember(self, X: Any, keep: bool = False) -> None:
        """Make sure ``id(X)`` names X for as long as entries keyed by it live: ``keep`` X
        alive until the block ends, or watch it and forget its entries when it goes (X kept
        alive when it takes no weak reference)."""
        key = id(X)
        if keep:
            self.keep.append(X)
            self._watched.pop(key, None)  # kept now: nothing to forget
            return
        if key in self._watched:
            return
        try:
            self._watched[key] = weakref.ref(X, functools.partial(self._forget, key))
        except TypeError:
            self.keep.append(X)

    def _forget(self, key: int, _ref: Any = None) -> None:
        """X went (a weak reference's callback: runs wherever the last reference was dropped)."""
        self._watched.pop(key, None)
        self.fold_ids.discard(key)
        for d in self._by_id:
            d.pop(key, None)

    # ---- folds -----------------------------------------------------------------------
    def rows_of_a_fold(self, H: np.ndarray) -> np.ndarray | None:
        """The fingerprints of rows whose per-value hashes ``H`` are exactly a recent split's
        rows at one fold's training or test positions (checked in full, value by value), or
        None. Cheaper than hashing them again, which is what cross-validation would cost."""
        n, d = H.shape
        if n == 0 or not self.fold_sources:
            return None
        probe = np.linspace(0, n - 1, 16).astype(np.intp)  # a few rows first, then all of them
        h_probe = H[probe]
        for rec, SH, _ in reversed(self.fold_sources):
            if SH.shape[1] != d:
                continue
            for fold in rec.folds:
                for idx in fold:
                    if len(idx) == n and np.array_equal(h_probe, SH[idx[probe]]) and _rows_equal(H, SH, idx):
                        return rec.rows[idx]
        return None

    def from_hint(self, X: Any) -> np.ndarray | None:
        """Rows handed over by scikit-learn's cross-validation: the split's rows at the train
        (or test) positions, confirmed on a few rows (which side, and nothing changed)."""
        hint = getattr(self._local, "fold_hint", None)
        if hint is None or hint[0] is None:
            return None
        src = self.source_of.get(id(hint[0]))
        if src is None or src[0] is not hint[0] or is_sparse(X):
            return None
        _, rec, SH = src
        n = n_rows(X)
        for idx in hint[1:]:
            if idx is None or len(idx) != n or n == 0:
                continue
            idx = np.asarray(idx)
            probe = _probe(n)
            try:
                Hp = column_hashes(self.dense(_rows_at(X, probe)))[1]
            except Exception:  # noqa: BLE001
                return None
            if Hp.shape[1] == SH.shape[1] and np.array_equal(Hp, SH[idx[probe]]):
                return rec.rows[idx]
        return None

    def add_fold_source(self, rec: Any, X: Any) -> None:
        """Remember a split's per-value hashes (the stored ones of a DataFrame, a copy of a
        numeric array's) as they were at the split, whatever is later written into ``X``."""
        if rec.frame_key is not None:
            H, owned = self.frames[rec.frame_key][1], False
        elif isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "biuf":
            H = column_hashes(X)[1]
            owned = not H.flags.writeable  # a view of X: copied
            if owned:
                H = _copy_to_spare(H)
        else:
            return
        self.fold_sources.append((rec, H, owned))
        self.source_of[id(X)] = (X, rec, H)
        self.keep.append(X)
        while len(self.fold_sources) > _FOLD_SOURCES:
            self.drop_fold_source(0)

    def drop_fold_source(self, i: int) -> None:
        rec, H, owned = self.fold_sources.pop(i)
        for k, v in list(self.source_of.items()):
            if v[1] is rec:
                del self.source_of[k]
        if owned:
            _return_spare(H)

    def release(self) -> None:
        """Forget every array (the block has ended)."""
        self._watched.clear()  # their callbacks no longer run
        self.cache.clear()
        self.keep.clear()
        self.frames.clear()
        self.fold_ids.clear()
        self.source_of.clear()
        while self.fold_sources:
            self.drop_fold_source(-1)
