"""The leakage checklist: four questions, answered by one audit.

1. **Could every feature exist at prediction time?** Data scans: single columns that
   predict the target almost perfectly, identifiers whose order predicts it, and (in a
   time series) features built from future values of the target.
2. **Was anything fitted on test data?** The runtime tracer on your evaluation code (a
   transform or model fitted on held-out rows), and, given a test frame, duplicates,
   shared groups and time overlap between train and test.
3. **Did cross-validation include the whole pipeline?** The tracer on your evaluation
   code (preprocessing fitted outside the folds) and whether the splitter suits grouped or
   time-ordered data.
4. **Were parameters tuned on the final evaluation set?** The tracer (the same held-out
   rows scored by several settings) and, if you pass one, how often a
   :class:`leakkit.llm.HeldOutSet` was read.

Each answer is ``pass``, ``warn``, ``fail`` or ``not-checked`` (when the audit was not
given what it needs), with the findings as evidence. The report prints as text, renders
as HTML in a notebook, and converts to a dict (``to_dict``) for code and JSON.

>>> from leakkit.datasets import make_churn
>>> from leakkit.checklist import audit
>>> sc = make_churn(n_samples=600, random_state=0)
>>> report = audit(sc.frame, sc.target)
>>> report.status("features")
'fail'
>>> sorted(report.flagged_columns())
['account_closed_days', 'customer_id', 'retention_offer_made']
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ._findings import Finding
from ._splitters import describe, is_forward, is_group_aware
from ._validation import check_column, check_columns, check_frame, check_target

__all__ = ["audit", "ChecklistReport", "Answer", "QUESTIONS", "STATUSES"]

#: The four questions, keyed by a short name.
QUESTIONS: dict[str, str] = {
    "features": "Could every feature exist at prediction time?",
    "test_data": "Was anything fitted on test data?",
    "cv_pipeline": "Did cross-validation include the whole pipeline?",
    "tuning": "Were parameters tuned on the final evaluation set?",
}
STATUSES = ("pass", "warn", "fail", "not-checked")
_RANK = {"pass": 0, "not-checked": 0, "warn": 1, "fail": 2}


@dataclass
class Answer:
    """The answer to one question: a status, a one-line summary and the evidence."""

    key: str
    question: str
    status: str
    summary: str
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "question": self.question, "status": self.status, "summary": self.summary,
                "findings": [f.to_dict() for f in self.findings]}


def _answer(key: str, findings: list[Finding], *, checked: bool, ok: str, why_not: str) -> Answer:
    if not checked:
        return Answer(key, QUESTIONS[key], "not-checked", why_not, [])
    sev = {f.severity for f in findings}
    status = "fail" if "fail" in sev else "warn" if "warn" in sev else "pass"
    if status == "pass":
        summary = ok
    else:
        n = len([f for f in findings if f.severity in ("fail", "warn")])
        summary = f"{n} finding{'s' if n != 1 else ''}: " + "; ".join(
            f.message.split(". ")[0] for f in findings if f.severity in ("fail", "warn"))[:400]
    return Answer(key, QUESTIONS[key], status, summary, list(findings))


class ChecklistReport:
    """The four answers. ``str(report)`` is a text report; in a notebook it renders as
    HTML; ``report.to_dict()`` is JSON-ready."""

    def __init__(self, answers: list[Answer]):
        self.answers = answers

    def __getitem__(self, key: str) -> Answer:
        for a in self.answers:
            if a.key == key:
                return a
        raise KeyError(f"{key!r} is not one of the questions: {', '.join(QUESTIONS)}.")

    def status(self, key: str | None = None) -> str:
        """The status of one question, or the worst over all four."""
        if key is not None:
            return self[key].status
        worst = max(self.answers, key=lambda a: _RANK[a.status])
        if _RANK[worst.status] == 0:
            return "pass" if any(a.status == "pass" for a in self.answers) else "not-checked"
        return worst.status

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every answer (info-level included)."""
        return [f for a in self.answers for f in a.findings]

    @property
    def leaked(self) -> bool:
        """True when any answer is ``fail`` or ``warn``."""
        return any(a.status in ("fail", "warn") for a in self.answers)

    def flagged_columns(self) -> set:
        """Columns named by a fail/warn finding."""
        return {c for f in self.findings if f.severity in ("fail", "warn") for c in f.columns}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status(),
            "leaked": self.leaked,
            "questions": [a.to_dict() for a in self.answers],
            "findings": [dict(f.to_dict(), question=a.key) for a in self.answers for f in a.findings],
        }

    def __str__(self) -> str:
        marks = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "not-checked": "----"}
        lines = ["Leakage checklist"]
        for i, a in enumerate(self.answers, 1):
            lines.append(f"{i}. [{marks[a.status]}] {a.question}")
            if a.status in ("pass", "not-checked"):
                lines.append(f"     {a.summary}")
            for f in a.findings:
                if f.severity in ("fail", "warn"):
                    lines.append(f"     - {f.message}")
        verdict = {"fail": "leakage found", "warn": "possible leakage found", "pass": "no leakage found",
                   "not-checked": "nothing could be checked"}[self.status()]
        lines.append(f"Verdict: {verdict}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "<ChecklistReport " + ", ".join(f"{a.key}={a.status}" for a in self.answers) + ">"

    def _repr_html_(self) -> str:
        colours = {"pass": "#2a7f62", "warn": "#b7791f", "fail": "#c0392b", "not-checked": "#777777"}
        rows = []
        for i, a in enumerate(self.answers, 1):
            items = "".join(f"<li>{html.escape(f.message)}</li>" for f in a.findings if f.severity in ("fail", "warn"))
            detail = f"<ul>{items}</ul>" if items else f"<div>{html.escape(a.summary)}</div>"
            rows.append(
                f"<tr><td style='text-align:left'>{i}. {html.escape(a.question)}</td>"
                f"<td style='color:white;background:{colours[a.status]};text-align:center;padding:2px 8px'>"
                f"<b>{a.status.upper()}</b></td><td style='text-align:left'>{detail}</td></tr>"
            )
        return ("<table><thead><tr><th>Question</th><th>Answer</th><th>Evidence</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")


def _splitter_findings(cv: Any, group: Any, time: Any) -> list[Finding]:
    """Does the splitter suit grouped and/or time-ordered data?

    With a time column a forward split (TimeSeriesSplit) is what the future looks like.
    With groups only, a group-aware splitter. With both, no scikit-learn splitter does
    both: TimeSeriesSplit passes (the future brings new rows of known groups as well as new
    groups), and a group-aware splitter is a warning (groups are kept apart, but it trains
    on rows later than those it tests).
    """
    name = describe(cv)
    grouped, forward = is_group_aware(cv), is_forward(cv)
    out = []
    if time is not None and not forward:
        out.append(Finding(
            "splitter", "warn" if (grouped and group is not None) else "fail",
            f"The data is ordered in time ({time!r}) but the splitter {name} trains on rows that come after the "
            f"rows it tests on. Use TimeSeriesSplit (with a gap) on rows sorted by time"
            + (", which also tests on groups seen only later." if group is not None else "."),
            columns=(str(time),), evidence={"splitter": name, "needs": "time"}))
    if group is not None and time is None and not grouped:
        out.append(Finding(
            "splitter", "fail",
            f"The data has groups ({group!r}) but the splitter {name} ignores them: rows of one group land on "
            f"both sides of a fold. Use GroupKFold and pass groups=...", columns=(str(group),),
            evidence={"splitter": name, "needs": "group"}))
    return out


def audit(
    data: pd.DataFrame | None = None,
    target: str | None = None,
    *,
    test: pd.DataFrame | None = None,
    time: str | None = None,
    group: str | None = None,
    cv: Any = None,
    evaluation: Callable[[], Any] | None = None,
    held_out: Any = None,
    near_decimals: int | None = None,
    feature_threshold: float = 0.9,
    warn_threshold: float = 0.8,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> ChecklistReport:
    """Answer the four questions from whatever you provide.

    Parameters
    ----------
    data : DataFrame, optional
        The training (or whole) table, target column included. Needed for question 1.
    target : str, optional
        The target column of ``data`` (and ``test``).
    test : DataFrame, optional
        The test table: compared with ``data`` for duplicates, shared groups and time order.
    time, group : str, optional
        The time column and the group (entity) column, if the data has them.
    cv : int or splitter, optional
        The cross-validation you use; checked against ``time`` and ``group``.
    evaluation : callable, optional
        Your evaluation code as a function of no arguments (for example
        ``lambda: cross_validate(pipe, X, y, cv=cv)``); it is run once under
        :func:`leakkit.trace` to answer questions 2, 3 and 4 from what it really does.
    held_out : leakkit.llm.HeldOutSet, optional
        A held-out set whose reads are counted for question 4.
    near_decimals : int, optional
        Also count near-duplicates between ``data`` and ``test``: rows equal once numbers
        are rounded to this many decimals and text is lower-cased with white space
        collapsed (re-typed records, amounts re-entered with rounding).
    feature_threshold : float, default 0.9
        A single column at or above this cross-validated ROC AUC / R² fails question 1.
    warn_threshold : float, default 0.8
        A single column at or above this (but under ``feature_threshold``) is a warning:
        strong enough to ask whether it exists at prediction time (post-event flags often
        sit here).
    random_state : int, default 0
    progress : callable, optional
        Called with a short message before each step (the CLI prints them on stderr).

    Returns
    -------
    ChecklistReport

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(120, 4)), rng.integers(0, 2, 120)
    >>> def my_evaluation():
    ...     Xs = StandardScaler().fit_transform(X)
    ...     return cross_val_score(LogisticRegression(), Xs, y, cv=5)
    >>> report = audit(evaluation=my_evaluation)
    >>> report.status("cv_pipeline"), report.status("features")
    ('fail', 'not-checked')
    """
    say = progress or (lambda msg: None)
    from . import detect

    if data is not None:
        check_frame(data, "data")
        if target is None:
            raise ValueError("target: required with data; pass the name of the column to predict, e.g. target='churned'.")
        check_column(data, target, "target")
        check_target(data[target], "target")
    if test is not None:
        check_frame(test, "test")
        if data is None:
            raise ValueError("test: a test frame needs the training frame too; pass data=... as well.")
        missing = [c for c in data.columns if c not in test.columns]
        if missing:
            raise ValueError(f"test: columns {missing} of data are missing from test; pass a test frame with the "
                             f"same columns as data.")
    for name, col in (("time", time), ("group", group)):
        if col is not None:
            if data is None:
                raise ValueError(f"{name}: a {name} column needs data=... to look it up.")
            check_columns(data, col, name)
    if evaluation is not None and not callable(evaluation):
        raise TypeError(f"evaluation: expected a function of no arguments that runs your evaluation, got "
                        f"{type(evaluation).__name__}; wrap it, e.g. evaluation=lambda: cross_validate(...).")
    if held_out is not None:
        from .llm import HeldOutSet

        if not isinstance(held_out, HeldOutSet):
            raise TypeError(f"held_out: expected a leakkit.llm.HeldOutSet, got {type(held_out).__name__}.")

    # 1. Features
    feats: list[Finding] = []
    if data is not None:
        skip = {c for c in (time, group) if c is not None}
        cols = [c for c in data.columns if c != target and c not in skip]
        say("looking for identifier columns that predict the target")
        feats += detect.id_columns(data, target, columns=cols, random_state=random_state)
        ids = {c for f in feats for c in f.columns}
        say(f"scanning {len(cols)} columns for single-column predictive power")
        for f in detect.feature_power(data, target, columns=[c for c in cols if c not in ids],
                                      threshold=min(warn_threshold, feature_threshold), random_state=random_state):
            if f.evidence.get("score", 1.0) < feature_threshold:
                f = replace(f, severity="warn")
            feats.append(f)
        y = data[target]
        if (time is not None and not data[time].duplicated().any()
                and (pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y))
                and len(data) >= 4 * 14 + 10):
            say("looking for features built from future values of the target")
            found = {c for f in feats for c in f.columns}
            feats += [f for f in detect.future_information(data, target, time) if not set(f.columns) <= found]
    a1 = _answer("features", feats, checked=data is not None,
                 ok="No single column predicts the target suspiciously well, and no ID encodes it.",
                 why_not="Not checked: pass data=... and target=... to scan the columns.")

    # Run the evaluation once under the tracer.
    traced: list[Finding] = []
    if evaluation is not None:
        from .tracing import trace

        say("running your evaluation under leakkit.trace")
        # Rows of a given test frame are held out even when the code splits by hand.
        with trace() as t:
            if test is not None:
                t.hold_out(test, name="the test frame")
            evaluation()
        traced = list(t.findings)

    # 2. Test data
    test_f: list[Finding] = [f for f in traced if f.check in ("fit_saw_held_out", "duplicates_across_split",
                                                               "outliers_removed_before_split")]
    test_f += [f for f in traced if f.check == "fit_before_split" and f.evidence.get("n_folds", 1) == 1]
    if test is not None:
        say("comparing train and test rows for duplicates")
        feat_cols = [c for c in data.columns if c != target]
        if near_decimals is None:
            test_f += detect.duplicates(data, test, columns=feat_cols)
        else:
            test_f += detect.duplicates(data, test, columns=feat_cols, decimals=near_decimals, normalize_text=True)
        if group is not None:
            test_f += detect.group_overlap(data, test, group)
        if time is not None:
            test_f += detect.time_overlap(data, test, time)
    a2 = _answer("test_data", test_f, checked=evaluation is not None or test is not None,
                 ok="Nothing was fitted on held-out rows, and the test rows are not copies of training rows.",
                 why_not="Not checked: pass evaluation=... (your evaluation code) or test=... (a test frame).")

    # 3. CV pipeline
    cv_f = [f for f in traced if f.check == "fit_before_split" and f.evidence.get("n_folds", 1) > 1]
    if cv is not None:
        cv_f += _splitter_findings(cv, group, time)
    a3 = _answer("cv_pipeline", cv_f, checked=evaluation is not None or cv is not None,
                 ok="Every fit happened inside the folds, and the splitter suits the data.",
                 why_not="Not checked: pass evaluation=... (your cross-validation code) and/or cv=... (your splitter).")

    # 4. Tuning
    tune_f = [f for f in traced if f.check == "test_reuse"]
    if held_out is not None and held_out.n_reads > 1:
        tune_f.append(Finding(
            "held_out_reads", "fail",
            f"The held-out set {held_out.name!r} was read {held_out.n_reads} times: every read that fed a decision "
            f"made it a validation set. Tune on a dev split and read the test set once.",
            evidence={"n_reads": held_out.n_reads}))
    a4 = _answer("tuning", tune_f, checked=evaluation is not None or held_out is not None,
                 ok="The held-out rows were scored by one model only (or read once).",
                 why_not="Not checked: pass evaluation=... or held_out=... (a leakkit.llm.HeldOutSet).")
    return ChecklistReport([a1, a2, a3, a4])
