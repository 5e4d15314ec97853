"""Reports of a trace: a text summary, HTML for notebooks, a dict for code, the fits as a
table, and the data of a fold diagram."""
from __future__ import annotations

import html as _html
from typing import Any

import numpy as np
import pandas as pd

from ._util import _contains, _unique

_CLEAN = "No fit saw held-out rows; no duplicates across splits; no test reuse."


def _counts(t: Any) -> str:
    n_stats = len(t.statistics)
    return (f"leakkit.trace: {len(t.fits)} fits ({sum(f.outermost for f in t.fits)} outermost), "
            f"{len([s for s in t.splits if not s.internal])} splits, {len(t.predictions)} scored predictions"
            + (f", {n_stats} statistics" if n_stats else "") + ".")


def summary(t: Any) -> str:
    lines = [_counts(t)]
    fs = t.findings
    gaps = t.coverage
    if not fs:
        lines.append(_CLEAN if not gaps else _CLEAN[:-1] + " among what was seen (see below).")
    lines += [str(f) for f in fs]
    if gaps:
        lines.append("Not seen (coverage):")
        lines += [f"  - {g}" for g in gaps]
    return "\n".join(lines)


def html(t: Any) -> str:
    rows = "".join(
        f"<li><b>{_html.escape(f.severity.upper())}</b> <code>{_html.escape(f.check)}</code>: "
        f"{_html.escape(f.message)}</li>" for f in t.findings
    ) or f"<li>{_CLEAN}</li>"
    gaps = "".join(f"<li>{_html.escape(str(g))}</li>" for g in t.coverage)
    gaps = f"<p>Not seen:</p><ul>{gaps}</ul>" if gaps else ""
    return (f"<div><b>leakkit.trace</b>: {len(t.fits)} fits, {len(t.splits)} splits"
            f"<ul>{rows}</ul>{gaps}</div>")


def to_dict(t: Any) -> dict:
    return {
        "fits": [f.to_dict() for f in t.fits],
        "splits": [s.to_dict() for s in t.splits],
        "predictions": [p.to_dict() for p in t.predictions],
        "statistics": [s.to_dict() for s in t.statistics],
        "evaluations": [e.to_dict() for e in t.evaluations],
        "findings": [f.to_dict() for f in t.findings],
        "coverage": [g.to_dict() for g in t.coverage],
        "leaked": t.leaked,
    }


def fits_frame(t: Any) -> pd.DataFrame:
    cols = ["id", "estimator", "method", "n_rows", "outermost", "parent", "inside_search"]
    return pd.DataFrame([{c: getattr(f, c) for c in cols} for f in t.fits], columns=cols)


def fold_diagram_data(t: Any, split: int = -1) -> dict:
    if isinstance(split, bool) or not isinstance(split, (int, np.integer)):
        raise TypeError(f"split: expected an int (a position in the list of evaluation splits), got {split!r}.")
    evals = [s for s in t.splits if not s.internal and s.folds]
    if not evals:
        raise ValueError("split: no split or cross-validation was recorded in this trace; "
                         "call a splitter (train_test_split, KFold, cross_validate...) inside the block.")
    if not -len(evals) <= split < len(evals):
        raise ValueError(f"split: {split} is out of range; this trace recorded {len(evals)} evaluation split(s).")
    s = evals[split]
    resolve = t._resolve
    if resolve is None:
        from ._lineage import build_resolver

        resolve = build_resolver(t._outputs, t._links, [x for x in t.splits if x.kind != "inferred"], t._book.frames)
    r = s.rows if s.kind == "inferred" else resolve(s.rows)
    fits = []
    for f in t.fits:
        if f.rows is None or f.time < 0:
            continue
        seen = np.flatnonzero(_contains(r, _unique(resolve(f.rows))))
        if len(seen):
            fits.append((f"{f.estimator}.{f.method} #{f.id}", seen))
    return {"folds": [(np.asarray(a), np.asarray(b)) for a, b in s.folds], "n_samples": len(r), "fits": fits}
