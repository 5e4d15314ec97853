"""Derived data in a DataFrame: its columns against the recorded statistics, aligned by
index label (see :mod:`leakkit.tracing._derive`)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._rows import column_hashes, combine
from ._match import (lookup, match_affine, match_lookup, match_replace, match_rowwise, match_smoothed, match_threshold,
                     match_topk)
from ._util import _same_values, _unique
from ._windows import group_reads, window_reads

class _Frame:
    """A DataFrame's columns against the recorded statistics, aligned by index label."""

    def __init__(self, trace: Any, D: pd.DataFrame, rows: np.ndarray):
        self.trace, self.D, self.rows = trace, D, rows
        self.labels = D.index
        self.stats = [(sid, d) for sid, d in trace._stat_data.items() if d.labels is not None]
        self._idx: dict[int, np.ndarray] = {}
        self.lookups: dict[int, list] = {}  # statistic id -> each row's key values, for a lookup by key

    # ---- sources ----
    def _indexer(self, index: pd.Index) -> np.ndarray | None:
        key = id(index)
        if key not in self._idx:
            try:
                self._idx[key] = index.get_indexer(self.labels) if index.is_unique else None
            except Exception:  # noqa: BLE001 - incomparable labels
                self._idx[key] = None
        idx = self._idx[key]
        return idx if idx is not None and (idx >= 0).all() else None

    def raw(self, j: int, c: Any) -> tuple[str, Any]:
        """('same', None), ('changed', raw values) or ('new', None) for column ``c`` (at
        position ``j``), against the statistics' inputs and the recorded raw frames."""
        new = self.D[c].to_numpy()
        found = None
        for _, d in self.stats:
            inp = d.input
            if c not in (d.names or ()):
                continue
            idx = self._indexer(inp.index)
            if idx is None:
                continue
            vals = (inp[c] if isinstance(inp, pd.DataFrame) else inp).to_numpy()[idx]
            if _eq_all(vals, new):
                return "same", None
            found = vals if found is None else found
        numeric = pd.api.types.is_numeric_dtype(self.D[c].dtype)
        for key, (names, H, index) in self.trace._book.frames.items():
            if key == id(self.D) or key in self.trace._derived_keys or c not in names:
                continue
            idx = self._indexer(index)
            if idx is None:
                continue
            col = H[idx, names.index(c)]
            if np.array_equal(col, self.H[:, j]):
                return "same", None
            if found is None and numeric:
                found = col.view(np.float64)
        return ("changed", found) if found is not None else ("new", None)

    def values_of(self, c: Any) -> np.ndarray | None:
        """Raw values of column ``c`` at this frame's rows (the frame's own, else a source's)."""
        if c in self.D.columns:
            return self.D[c].to_numpy()
        for _, d in self.stats:
            if c in (d.names or ()):
                idx = self._indexer(d.input.index)
                if idx is not None:
                    inp = d.input
                    return (inp[c] if isinstance(inp, pd.DataFrame) else inp).to_numpy()[idx]
        return None

    def aligned(self, s: pd.Series) -> np.ndarray | None:
        idx = self._indexer(s.index)
        return None if idx is None else s.to_numpy()[idx]

    # ---- the statistics, by kind ----
    def col_values(self, c: Any) -> list[tuple[int, set]]:
        return [(sid, set(d.values.get(c, ()))) for sid, d in self.stats if d.kind == "columns" and c in d.values]

    def all_values(self) -> list[tuple[int, set]]:
        return [(sid, {v for vs in d.values.values() for v in vs}) for sid, d in self.stats if d.kind == "columns"]

    def rowwise(self) -> list[tuple[int, np.ndarray]]:
        out = []
        for sid, d in self.stats:
            if d.kind == "rows":
                for s in d.values:
                    a = self.aligned(s) if isinstance(s, pd.Series) else None
                    if a is not None:
                        out.append((sid, a))
        return out

    # ---- one column ----
    def column(self, j: int, c: Any) -> tuple | None:
        """(changed mask or None for all rows, groups, raw values or None, description)."""
        state, raw = self.raw(j, c)
        self.state[j] = state
        if state == "same":
            return None
        new = self.D[c].to_numpy()
        rowwise = self._rowwise
        if state == "changed":
            vals = self.col_values(c)
            hit = match_replace(raw, new, vals, rowwise)
            if hit:
                desc = "filled missing values" if pd.isna(raw[hit[0]]).all() else "replaced values (a cap or clip)"
                return hit[0], hit[1], raw, f"{desc} of {c!r}"
            g = match_affine(raw, new, vals)
            if g:
                return None, g, raw, f"centred or scaled {c!r}"
            g = match_rowwise(raw, new, rowwise)
            if g:
                return None, g, raw, f"replaced {c!r} by a per-row statistic"
            return None
        return self.new_column(c, new, rowwise)

    def new_column(self, c: Any, new: np.ndarray, rowwise: list) -> tuple | None:
        g = match_rowwise(None, new, rowwise)
        if g:
            return None, g, None, f"added {c!r}, a per-row statistic (group transform, rank or bin)"
        fills = self.all_values()
        groups_by_keys: dict[tuple, list] = {}
        for sid, d in self.stats:
            if d.kind != "groups" or not d.keys:
                continue
            keys = [self.values_of(k) for k in d.keys]
            if any(k is None for k in keys):
                continue
            for mapping, what in d.values:
                try:
                    expected = lookup(mapping, keys)
                except Exception:  # noqa: BLE001 - keys of another type
                    continue
                groups_by_keys.setdefault(tuple(d.keys), []).append((sid, what, expected, keys))
                ok, fill_groups = match_lookup(new, expected, fills)
                if ok:
                    self.lookups[sid] = keys
                    return None, [(sid,)] + fill_groups, None, f"added {c!r}, a group statistic by {d.keys!r}"
        for key, found in groups_by_keys.items():  # a smoothed encoding: group mean (or sum) and count
            counts = [(s, e, k) for s, w, e, k in found if str(w) in ("count", "size", "value_counts")]
            means = [(s, w, e, k) for s, w, e, k in found if str(w) in ("mean", "sum")]
            for sm, w, m, km in means:
                for sc, n, kc in counts:
                    mean = m if str(w) == "mean" else np.asarray(m, float) / np.asarray(n, float)
                    if match_smoothed(new, mean, n):
                        self.lookups[sm], self.lookups[sc] = km, kc
                        return None, [(sm,), (sc,)], None, f"added {c!r}, a smoothed group statistic by {list(key)!r}"
        for x in {k for _, d in self.stats if d.kind == "columns" for k in d.values if k is not None and k != c}:
            raw_x = self.values_of(x)
            if raw_x is None:
                continue
            g = match_affine(raw_x, new, self.col_values(x))
            if g:
                return None, g, None, f"added {c!r}, {x!r} centred or scaled"
            g = match_threshold(raw_x, new, self.col_values(x))
            if g:
                return None, g, None, f"added {c!r}, {x!r} above or below a statistic of it"
        sources = list(self.D.columns) + [n for _, d in self.stats if d.kind == "rows" for n in (d.names or ())]
        for x in dict.fromkeys(sources):
            if x == c:
                continue
            raw_x = self.values_of(x)
            if raw_x is None or match_rowwise(None, raw_x, rowwise):
                continue
            g = match_rowwise(raw_x, new, rowwise)
            if g:
                return None, g, None, f"added {c!r}, {x!r} against a per-row statistic"
        return None

    # ---- the frame's choice of columns ----
    def selection(self) -> list[tuple[int, str, str]]:
        """(statistic id, evidence, description) when the frame's columns are the k best of
        a recorded column score."""
        out = []
        cols = set(self.D.columns)
        pairs: dict[int, tuple[list, dict]] = {}
        for sid, d in self.stats:
            if d.kind != "scores":
                continue
            if d.method in ("corr", "cov") and isinstance(d.values, dict):  # Series.corr: one pair
                tgt = d.target
                key = id(tgt)
                for k2, (ids, sc) in pairs.items():
                    other = self.trace._stat_data.get(ids[0])
                    if other is not None and _same_series(other.target, tgt):
                        key = k2
                        break
                ids, sc = pairs.setdefault(key, ([], {}))
                ids.append(sid)
                sc.update(d.values)
                continue
            if isinstance(d.values, dict):
                candidates = [(d.values, getattr(d.target, "name", None))]
            elif isinstance(d.values, pd.DataFrame):
                candidates = [(d.values[t].drop(t).to_dict(), t) for t in d.values.columns if t not in cols]
            else:
                continue
            for scores, t in candidates:
                ev = match_topk(cols & set(scores), scores) if cols & set(scores) else None
                if ev and (cols & set(scores)) and t not in cols:
                    who = repr(t) if t is not None else "the target"
                    out.append((sid, ev, f"kept the {len(cols & set(scores))} columns most correlated with {who}"))
                    break
        for ids, scores in pairs.values():
            ev = match_topk(cols & set(scores), scores) if cols & set(scores) else None
            if ev:
                for sid in ids:
                    out.append((sid, ev, f"kept the {len(cols & set(scores))} columns most correlated with the target"))
        return out

    # ---- put together ----
    def run(self) -> None:
        D = self.D
        if not self.labels.is_unique or D.columns.has_duplicates:
            return
        hashed = self.trace._book.hashes(D)
        if hashed is None:
            return
        names, H = hashed
        self.H = H
        self.state: dict[int, str] = {}
        self._rowwise = self.rowwise()
        explained: dict[int, tuple] = {}
        for j, c in enumerate(names):
            try:
                res = self.column(j, c)
            except Exception:  # noqa: BLE001 - an odd column is left alone
                res = None
            if res is not None:
                explained[j] = res
        # Columns a statistic created are left out of the raw rows; every other column stays.
        new_cols = [j for j, r in explained.items() if r[2] is None]
        selection = self.selection()
        if not explained and not selection:
            return
        keep = [j for j in range(len(names)) if j not in new_cols]
        Hp = np.array(H, copy=True)
        changed = np.zeros(len(D), dtype=bool)
        for j, (mask, _, raw, _) in explained.items():
            if raw is not None:
                Hp[:, j] = column_hashes(pd.Series(raw))[1][:, 0]
            changed |= True if mask is None else mask
        parents = self.wide_parents(names, keep, Hp)
        if parents is None and keep:
            parents = combine(Hp, keep)
            if len(_unique(parents)) < len(_unique(self.rows)):
                parents = None  # what is left does not tell the rows apart: no link
        groups, uses, placements, weak = [], {}, {}, set()
        for j, (_, gs, _, desc) in explained.items():
            groups += gs
            for g in gs:
                for sid in g:
                    uses.setdefault(sid, []).append(desc)
        for sid, ev, desc in selection:
            groups.append((sid,))
            uses.setdefault(sid, []).append(desc)
            if ev == "weak":
                weak.add(sid)
            changed[:] = True
        space = parents if parents is not None else self.rows
        for sid in {s for g in groups for s in g}:
            placements[sid] = self.place(sid, space)
            d = self.trace._stat_data[sid]
            rec = self.trace._records[sid]
            rec.columns = tuple(d.names or ())
            r = None
            if d.window is not None:  # what each row of this data read: its window
                base, win, codes = self.composed(d)
                r = window_reads(base.input.index, codes, win, self.labels, space, self.inputs(base, space))
            elif sid in self.lookups and d.keys:  # ... or its key's group
                inp = d.input
                in_keys = [(inp[k] if isinstance(inp, pd.DataFrame) else inp).to_numpy() for k in d.keys]
                r = group_reads(in_keys, self.lookups[sid], space, self.inputs(d, space),
                                d.labels.get_indexer(self.labels) if d.labels.is_unique else np.full(len(space), -1))
            if r is not None:
                rec.windows.append(r)
        self.trace._derived_keys.add(id(D))
        from ._derive import _register

        _register(self.trace, self.rows, parents if parents is not None else None, changed, list(dict.fromkeys(groups)),
                  placements, uses, weak, labels=self.labels)

    def wide_parents(self, names: list, keep: list, Hp: np.ndarray) -> np.ndarray | None:
        """The raw rows of this frame as full rows of a recorded frame (a statistic's input,
        a split's data) holding every kept column with the same values at the same labels:
        the widest such frame, so the raw rows stay told apart."""
        best = None
        want = [names[j] for j in keep]
        cands = [(d.input.columns, lambda d=d: column_hashes(d.input)[1], d.input.index)
                 for _, d in self.stats if isinstance(d.input, pd.DataFrame)]
        cands += [(fn, lambda H=H: H, index) for key, (fn, H, index) in self.trace._book.frames.items()
                  if key != id(self.D) and key not in self.trace._derived_keys]
        for cols, hashes, index in cands:
            cols = list(cols)
            if len(cols) <= len(want) and best is not None:
                continue
            if not set(want) <= set(cols) or (best is not None and len(cols) <= best[0]):
                continue
            idx = self._indexer(index)
            if idx is None:
                continue
            H = hashes()[idx]
            if all(np.array_equal(H[:, cols.index(c)], Hp[:, j]) for j, c in zip(keep, want)):
                best = (len(cols), H)
        return combine(best[1]) if best is not None else None

    def composed(self, d: Any) -> tuple[Any, tuple, Any]:
        """A window statistic taken on the output of another (``s.shift(1).rolling(3)``):
        the first one's input, and the two windows added up."""
        win, groups = d.window, d.groups
        for _ in range(8):
            prev = next((d2 for _, d2 in self.stats if d2.window is not None and d2 is not d
                         and any(v is d.input for v in d2.values)), None)
            if prev is None:
                break
            lo = None if prev.window[0] is None or win[0] is None else prev.window[0] + win[0]
            hi = None if prev.window[1] is None or win[1] is None else prev.window[1] + win[1]
            win, groups, d = (lo, hi), groups if groups is not None else prev.groups, prev
        return d, win, groups

    def inputs(self, d: Any, space: np.ndarray) -> np.ndarray:
        """One fingerprint per input row of a statistic: its row in this frame's raw space,
        else in a recorded frame holding its label, else on the statistic's own columns."""
        lab = d.labels
        out = np.zeros(len(lab), dtype=np.uint64)
        pos = self.labels.get_indexer(lab)
        todo = pos < 0
        out[~todo] = space[pos[~todo]]
        if todo.any():
            for key, (names, H, index) in self.trace._book.frames.items():
                if key == id(self.D) or not index.is_unique:
                    continue
                idx = index.get_indexer(lab[todo])
                hit = idx >= 0
                if hit.any():
                    where = np.flatnonzero(todo)[hit]
                    out[where] = combine(H[idx[hit]])
                    todo[where] = False
                    if not todo.any():
                        break
        if todo.any():  # rows met nowhere else: on the statistic's own columns
            from ._derive import _own_rows

            own = _own_rows(d)
            if len(own) == len(lab):
                out[todo] = own[todo]
        return out

    def place(self, sid: int, space: np.ndarray) -> list:
        """The rows statistic ``sid`` read, as fingerprints: in this frame's raw space for its
        rows, in other recorded frames' spaces for the rest, and in its own input's space."""
        d = self.trace._stat_data[sid]
        lab = d.labels
        parts = []
        try:
            pos = self.labels.get_indexer(lab)
        except Exception:  # noqa: BLE001
            pos = np.full(len(lab), -1)
        parts.append(space[pos[pos >= 0]])
        outside = lab[pos < 0]
        placed = np.zeros(len(outside), dtype=bool)
        if len(outside):
            for key, (names, H, index) in self.trace._book.frames.items():
                if key == id(self.D) or not index.is_unique:
                    continue
                idx = index.get_indexer(outside)
                if (idx >= 0).any():
                    parts.append(combine(H[idx[idx >= 0]]))
                    placed |= idx >= 0
        if not placed.all():  # rows met nowhere else: in the statistic's own columns (aliased later)
            from ._derive import _own_rows

            parts.append(_own_rows(d))
        return parts


def _same_series(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, pd.Series) and isinstance(b, pd.Series) and len(a) == len(b) and a.name == b.name:
        return bool(_eq_all(a.to_numpy(), b.to_numpy()))
    return False


def _eq_all(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if len(a) != len(b):
        return False
    if a.dtype.kind in "biuf" and b.dtype.kind in "biuf":
        return bool(_same_values(a, b).all())
    if (a.dtype.kind in "biuf") != (b.dtype.kind in "biuf") and a.dtype != object and b.dtype != object:
        return False
    return bool(_same_values(a.astype(object), b.astype(object)).all())
