"""Data that derives from a recorded statistic or re-expresses a transform's output.

Run on the data a split, an outermost fit or a prediction receives. A column is *derived*
from a statistic when its values are reproduced exactly by that statistic applied to the
raw column (a fill, a clip, a centring or scaling), looked up by each row's key (a group
mean, a count, a smoothed encoding), placed as a per-row statistic (``transform``,
``rank``, ``qcut``), or when the data's columns are exactly the k best of a column score
(a correlation screen). The raw column is found in the statistic's own input (by index
label for pandas, by position for numpy) or in a split's data (by fold positions).

A derivation is registered like a transform output: the derived rows point to the raw
rows at the same positions, and carry the statistic, whose ``rows`` are set to the rows it
read. The rules then treat it as a fit (:mod:`leakkit.tracing._rules`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._rows import column_hashes, combine
from ._lineage import _as_float, elementwise_match
from ._records import StatRecord, _Output
from ._util import _unique


def derive(trace: Any, X: Any, rows: np.ndarray) -> None:
    """Check ``X`` once (per object) and register what derives from statistics or outputs."""
    if id(X) in trace._derived:  # X was fingerprinted: the entry goes when X goes (``RowBook.remember``)
        return
    trace._derived[id(X)] = True
    if id(X) in trace._book.fold_ids:
        return  # one fold of a split already checked
    if trace._stat_data:
        if isinstance(X, pd.DataFrame):
            from ._derive_frame import _Frame

            _Frame(trace, X, rows).run()
        elif isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "biuf":
            from ._derive_array import _Array

            _Array(trace, X, rows).run()
    if any(o.values is not None for o in trace._outputs):
        _elementwise(trace, X, rows)


# --------------------------------------------------------------------------------------
def _register(trace: Any, rows: np.ndarray, parents: np.ndarray | None, changed: np.ndarray | None,
              groups: list[tuple], placements: dict, uses: dict, weak: set, labels: Any = None) -> None:
    """Link derived rows to their raw rows, carrying the statistics that explain them
    (``labels``: the derived frame's index, when it is a frame with unique labels)."""
    recs = trace._records
    for sid, parts in placements.items():
        rec = recs[sid]
        new = [p for p in parts if p is not None and len(p)]
        if new:
            rec.rows = _unique(np.concatenate(([rec.rows] if rec.rows is not None else []) + new))
        rec.used = True
        for u in uses.get(sid, ()):
            if u not in rec.uses:
                rec.uses.append(u)
        if sid in weak:
            rec.evidence = "weak"
    taint = set()
    for g in groups:
        members = _distinct(recs, g)
        if len(members) == 1:
            taint.add(members[0].id)
            continue
        rows_all = [m.rows for m in members if m.rows is not None]
        alt = StatRecord(id=trace._next_id(), label="one of: " + ", ".join(dict.fromkeys(m.label for m in members)),
                         kind="alternatives", n_rows=min((m.n_rows or 0) for m in members), time=trace._now(),
                         alternatives=tuple(m.id for m in members), used=True,
                         rows=(_intersect(rows_all) if len(rows_all) == len(members) else None))
        alt.uses = list(dict.fromkeys(u for m in members for u in m.uses))
        trace._add(alt)
        taint.add(alt.id)
    if taint:
        trace._outputs.append(_Output(rows=rows, parents=parents, taint=frozenset(taint), changed=changed,
                                      statistic=True, labels=labels))


def _distinct(recs: dict, group: tuple) -> list:
    """The statistics of a group, one per distinct computation (``df.min()`` called twice
    on the same rows is one statistic)."""
    out: list = []
    for sid in group:
        r = recs[sid]
        if not any(o.label == r.label and _same_rows(o.rows, r.rows) for o in out):
            out.append(r)
    return out


def _same_rows(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return a is None and b is None or (a is not None and b is not None and np.array_equal(a, b))


def _intersect(arrays: list[np.ndarray]) -> np.ndarray:
    out = arrays[0]
    for a in arrays[1:]:
        out = np.intersect1d(out, a, assume_unique=True)
    return out


def _own_rows(data: Any) -> np.ndarray | None:
    """Fingerprints of a statistic's input rows on its own columns (computed once)."""
    own = getattr(data, "_own", None)
    if own is None:
        try:
            own = combine(column_hashes(data.input)[1])
        except Exception:  # noqa: BLE001
            own = np.zeros(0, dtype=np.uint64)
        data._own = own
    return own


# --------------------------------------------------------------------------------------
def _elementwise(trace: Any, X: Any, rows: np.ndarray) -> None:
    """``X`` is a recorded transform output re-expressed element by element (``astype``,
    ``np.round``, ``clip``, ``np.log1p``...) but not its input re-expressed alike."""
    D = None
    for o in reversed(trace._outputs):
        if o.values is None or getattr(o.values, "shape", None) != getattr(X, "shape", None):
            continue
        if len(o.rows) == len(rows) and np.array_equal(o.rows, rows):
            return
        if D is None:
            D = _as_float(X)
            if D is None:
                return
        O = _as_float(o.values)
        if O is None or elementwise_match(D, O) is None:
            continue
        S = _as_float(o.source) if o.source is not None else None
        if S is not None and S.shape == D.shape and elementwise_match(D, S) is not None:
            continue  # as close to the raw input: raw data, not derived
        trace._outputs.append(_Output(rows=rows, parents=o.rows, taint=o.taint))
        return

