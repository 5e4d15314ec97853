"""Derived data in a numeric array: its columns against numpy statistics, aligned by
position with the statistic's input or a recent split's rows (see :mod:`leakkit.tracing._derive`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._rows import column_hashes, combine
from ._match import match_affine, match_replace, match_topk

class _Array:
    """A numeric array's columns against numpy statistics, aligned by position with the
    statistic's input or with a recent split's rows at one fold's positions."""

    def __init__(self, trace: Any, D: np.ndarray, rows: np.ndarray):
        self.trace, self.D, self.rows = trace, D, rows
        self.stats = [(sid, d) for sid, d in trace._stat_data.items() if isinstance(d.input, np.ndarray)]
        self._value_sets: dict[tuple[int, Any], set] = {}  # (statistic, column or None) -> its values
        self._columns: list | None = None  # (id, statistic, per-column for this width) of column statistics
        self._same: list | None = None  # col_values when it is the same for every column

    def candidates(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(raw hashes, raw float values, raw row fingerprints) of same-shaped raw data."""
        n, d = self.D.shape
        out = []
        for sid, s in self.stats:
            a = s.input
            if a.ndim == 2 and a.shape == (n, d) and a.dtype.kind in "biuf":
                H = column_hashes(a)[1]
                out.append((H, a.astype(float), combine(H)))
        for rec, SH, _ in self.trace._book.fold_sources:
            if SH.shape[1] != d:
                continue
            sels = [np.arange(len(rec.rows))] if len(rec.rows) == n else []
            sels += [idx for fold in rec.folds for idx in fold if len(idx) == n]
            for sel in sels:
                H = SH[sel]
                out.append((H, H.view(np.float64), rec.rows[sel]))
        return out

    def col_values(self, j: int) -> list[tuple[int, set]]:
        """(statistic, its values) that column ``j`` may hold: a per-column statistic's value
        for that column, else a statistic's values over all its input."""
        if self._columns is None:
            d = self.D.shape[1]
            self._columns = [(sid, s, s.input.ndim == 2 and s.input.shape[1] == d)
                             for sid, s in self.stats if s.kind == "columns"]
            if not any(per_column for _, _, per_column in self._columns):
                # The same list for every column (no statistic of an array this wide): made once.
                self._same = [(sid, self._values_of(sid, s, None)) for sid, s, _ in self._columns if None in s.values]
        if self._same is not None:
            return list(self._same)
        out = []
        for sid, s, per_column in self._columns:
            if per_column and j in s.values:
                out.append((sid, self._values_of(sid, s, j)))
            elif None in s.values:
                out.append((sid, self._values_of(sid, s, None)))
        return out

    def _values_of(self, sid: int, s: Any, key: Any) -> set:
        """The set of a statistic's values for one column (or all), made once per array."""
        got = self._value_sets.get((sid, key))
        if got is None:
            got = self._value_sets[(sid, key)] = set(s.values[key])
        return got

    def run(self) -> None:
        D = self.D
        HD = column_hashes(D)[1]
        best = None
        for H, vals, fps in self.candidates():
            same = [bool(np.array_equal(HD[:, j], H[:, j])) for j in range(D.shape[1])]
            if all(same):
                return  # raw data
            if best is None or sum(same) > sum(best[0]):
                best = (same, H, vals, fps)
        explained: dict[int, tuple] = {}
        if best is not None:
            same, H, vals, fps = best
            Dn = D.astype(float)
            for j in range(D.shape[1]):
                if same[j]:
                    continue
                cv = self.col_values(j)
                hit = match_replace(vals[:, j], Dn[:, j], cv, [])
                if hit:
                    desc = "filled missing values" if np.isnan(vals[hit[0], j]).all() else "replaced values (a cap or clip)"
                    explained[j] = (hit[0], hit[1], H[:, j], f"{desc} of column {j}")
                    continue
                g = match_affine(vals[:, j], Dn[:, j], cv)
                if g:
                    explained[j] = (None, g, H[:, j], f"centred or scaled column {j}")
        selection = self.selection(HD)
        if not explained and not selection:
            return
        groups, uses, placements, weak = [], {}, {}, set()
        changed = np.zeros(len(D), dtype=bool)
        parents = None
        if explained:
            Hp = np.array(HD, copy=True)
            for j, (mask, gs, rawh, desc) in explained.items():
                Hp[:, j] = rawh
                changed |= True if mask is None else mask
                groups += gs
                for g in gs:
                    for sid in g:
                        uses.setdefault(sid, []).append(desc)
            parents = combine(Hp)
        for sid, ev, desc in selection:
            groups.append((sid,))
            uses.setdefault(sid, []).append(desc)
            changed[:] = True
            if ev == "weak":
                weak.add(sid)
        space = parents if parents is not None else self.rows
        for sid in {s for g in groups for s in g}:
            placements[sid] = self.place(sid, space)
        from ._derive import _register

        _register(self.trace, self.rows, parents, changed, list(dict.fromkeys(groups)), placements, uses, weak)

    def selection(self, HD: np.ndarray) -> list[tuple[int, str, str]]:
        n, k = self.D.shape
        digests = [hash(HD[:, j].tobytes()) for j in range(k)]
        out = []
        pairs: dict[int, tuple[list, dict]] = {}
        for sid, s in self.stats:
            if s.kind != "scores" or len(s.input) != n:
                continue
            A = s.input
            HA = column_hashes(A)[1]
            cols = [hash(HA[:, j].tobytes()) for j in range(HA.shape[1])]
            R = s.values
            p = A.shape[1]
            if p == 1 and s.target is not None and R.shape == (2, 2):  # np.corrcoef(x_j, y): one pair
                key = hash(np.ascontiguousarray(s.target).tobytes())
                ids, sc = pairs.setdefault(key, ([], {}))
                ids.append(sid)
                sc[cols[0]] = float(R[0, 1])
                continue
            if not set(digests) <= set(cols) or k >= p:
                continue
            if s.target is not None and R.shape[0] == p + s.target.shape[1]:
                options = [dict(zip(cols, R[p, :p]))]
            else:
                options = [dict(zip([c for i, c in enumerate(cols) if i != t], np.delete(R[t], t)))
                           for t in range(min(p, R.shape[0])) if cols[t] not in digests]
            for scores in options:
                ev = match_topk(set(digests), scores)
                if ev:
                    out.append((sid, ev, f"kept the {k} columns most correlated with the target"))
                    break
        for ids, scores in pairs.values():
            if set(digests) <= set(scores):
                ev = match_topk(set(digests), scores)
                if ev:
                    out += [(sid, ev, f"kept the {k} columns most correlated with the target") for sid in ids]
        return out

    def place(self, sid: int, space: np.ndarray) -> list:
        s = self.trace._stat_data[sid]
        A = s.input
        if s.kind == "scores" and len(A) == len(self.D):
            return [space]  # read every row, at the same positions
        if A.ndim == 2 and A.shape[1] == self.D.shape[1]:
            return [combine(column_hashes(A)[1])]
        located = _locate_1d(self.trace, A)
        if located is None:
            self.trace._gap("statistic_unplaced", self.trace._records[sid].label,
                            "its value reached the data but the rows it read could not be matched")
        return [located]


def _locate_1d(trace: Any, a: np.ndarray) -> np.ndarray | None:
    """The rows a 1-D statistic input was read from: one column of a recent split's data
    at one fold's positions (or all of them)."""
    v = a.ravel() if a.ndim == 2 and 1 in a.shape else a
    if v.ndim != 1:
        return None
    hv = column_hashes(v)[1][:, 0]
    for rec, SH, _ in trace._book.fold_sources:
        sels = [np.arange(len(rec.rows))] if len(rec.rows) == len(v) else []
        sels += [idx for fold in rec.folds for idx in fold if len(idx) == len(v)]
        for sel in sels:
            sub = SH[sel]
            for j in range(SH.shape[1]):
                if np.array_equal(sub[:, j], hv):
                    return rec.rows[sel]
    return None
