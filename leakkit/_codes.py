"""Stable check codes: one per kind of finding, across the tracer, the data scans and the
LLM checks, so a team can ignore or baseline a check by a code that never changes.

Numbering: ``LK1xx`` the runtime tracer (:mod:`leakkit.tracing`), ``LK2xx`` the data scans and
the audit (:mod:`leakkit.detect`, :mod:`leakkit.checklist`), ``LK3xx`` LLM/RAG evaluation
(:mod:`leakkit.llm`). A code is never reused for another check; each has a page in
``docs/codes/<CODE>.md`` with the leak, an example and the fix.

>>> code_for("fit_before_split")
'LK101'
>>> CODES["LK101"].check
'fit_before_split'
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Code", "CODES", "code_for"]


@dataclass(frozen=True)
class Code:
    """One check code: the code, the check name findings carry, and a one-line title."""

    code: str
    check: str
    title: str


_ALL = [
    # --- runtime tracer (LK1xx) -------------------------------------------------------
    Code("LK101", "fit_before_split", "a fit on rows that a later split holds out produced the split data"),
    Code("LK102", "fit_saw_held_out", "held-out rows were scored through a fit that saw them"),
    Code("LK103", "duplicates_across_split", "identical rows on both sides of a split"),
    Code("LK104", "outliers_removed_before_split", "an outlier detector fitted on all rows chose the rows kept"),
    Code("LK105", "test_reuse", "the same held-out rows scored by several models or settings"),
    Code("LK106", "statistic_saw_held_out", "a pandas/numpy statistic computed on held-out rows reached the model's data"),
    Code("LK107", "no_held_out", "every score was computed on rows the model was fitted on"),
    # --- data scans and audit (LK2xx) --------------------------------------------------
    Code("LK201", "feature_power", "one column alone predicts the target"),
    Code("LK202", "id_column", "an identifier column predicts the target"),
    Code("LK203", "duplicates", "rows of the test table copied in the training table"),
    Code("LK204", "within_duplicates", "duplicated rows inside one table"),
    Code("LK205", "near_duplicates", "test rows that are near copies of training rows"),
    Code("LK206", "time_overlap", "test rows dated before the latest training row"),
    Code("LK207", "group_overlap", "groups (patients, customers) on both sides of the split"),
    Code("LK208", "future_information", "a feature aggregated from future values of the target"),
    Code("LK209", "after_prediction_time", "a date column later than the prediction time"),
    Code("LK210", "splitter", "a cross-validation splitter that ignores the data's groups or time order"),
    # --- LLM / RAG evaluation (LK3xx) --------------------------------------------------
    Code("LK301", "llm_contamination", "evaluation items share long word sequences with tuning or prompt texts"),
    Code("LK302", "held_out_reads", "a held-out set read more than once"),
]

CODES: dict[str, Code] = {c.code: c for c in _ALL}
assert len(CODES) == len(_ALL) == len({c.check for c in _ALL}), "a code or check name is listed twice"
_BY_CHECK: dict[str, str] = {c.check: c.code for c in _ALL}


def code_for(check: str) -> str | None:
    """The stable code of a check name, or None for a check without one."""
    return _BY_CHECK.get(check)
