"""The leakage checklist: four questions, answered by one audit.

1. **Could every feature exist at prediction time?** Data scans: single columns that
   predict the target almost perfectly, identifiers whose order predicts it, and (in a
   time series) features built from future values of the target.
2. **Was anything fitted on test data?** The runtime tracer on your evaluation code (a
   transform, a model or a pandas/numpy statistic fitted on the held-out rows of a final
   split; an evaluation that scored no held-out row at all), and, given a test frame,
   duplicates, shared groups and time overlap between train and test.
3. **Did cross-validation include the whole pipeline?** The tracer on your evaluation
   code (preprocessing or statistics fitted outside the folds) and whether the splitter
   suits grouped or time-ordered data.
4. **Were parameters tuned on the final evaluation set?** The tracer (the same held-out
   rows scored by several settings) and, if you pass one, how often a
   :class:`leakkit.llm.HeldOutSet` was read.

Each answer is ``pass``, ``review``, ``warn``, ``fail`` or ``not-checked`` (when the audit
was not given what it needs), with the findings as evidence. Severity means one thing:
``fail`` leakage established by evidence, ``warn`` likely but not proven, ``review`` a
person must decide (a strong but plausible column: does it exist at prediction time?).
Every finding has a stable code (``LK2xx``; ``docs/codes/``), and findings a team has
reviewed can be accepted with ``ignore=["LK201:column"]`` or a baseline file, so that only
what is new fails. The report prints as text, renders as HTML in a notebook, and
converts to a dict (``to_dict``) for code and JSON; ``report.leaked`` is True when any
finding (not accepted) is a ``fail``, as for :class:`leakkit.Trace`.

>>> from leakkit.datasets import make_churn
>>> from leakkit.checklist import audit
>>> sc = make_churn(n_samples=600, random_state=0)
>>> report = audit(sc.frame, sc.target)
>>> report.status("features"), report.leaked
('fail', True)
>>> sorted(report.flagged_columns())
['account_closed_days', 'customer_id', 'retention_offer_made']
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._baseline import Baseline, load_baseline
from ._findings import Finding
from ._live import deliberate
from ._splitters import describe, is_forward, is_group_aware
from ._validation import check_bool, check_column, check_fraction, check_frame, check_random_state, check_target

__all__ = ["audit", "ChecklistReport", "Answer", "QUESTIONS", "STATUSES"]

#: The four questions, keyed by a short name.
QUESTIONS: dict[str, str] = {
    "features": "Could every feature exist at prediction time?",
    "test_data": "Was anything fitted on test data?",
    "cv_pipeline": "Did cross-validation include the whole pipeline?",
    "tuning": "Were parameters tuned on the final evaluation set?",
}
STATUSES = ("pass", "review", "warn", "fail", "not-checked")
_RANK = {"pass": 0, "not-checked": 0, "review": 1, "warn": 2, "fail": 3}
_REPORTED = ("fail", "warn", "review")
_MIN_ROWS = 10  # rows needed to score a column out of fold (5 folds of 2)

#: How the report names what the audit needs, in Python; the CLI passes its own flags.
PYTHON_NAMES = {"data": "pass data=... and target=...", "test": "pass test=..., your test frame",
                "evaluation": "pass evaluation=..., your evaluation code as a function",
                "cv": "pass cv=..., your splitter", "held_out_set": "pass held_out_set=..., a leakkit.llm.HeldOutSet",
                "time_column": "pass time_column=...", "group_column": "pass group_column=...",
                "more_rows": f"pass at least {10} rows",
                "held_out_rows": "make your evaluation score rows its model was not fitted on (split, then score the "
                                 "test rows, or cross-validate)",
                "trace_coverage": "run that part in this process and thread (n_jobs=1) so the tracer sees it"}


@dataclass
class Answer:
    """The answer to one question: a status, a one-line summary, the evidence, and what
    was not checked for lack of an input (``not_checked``: pairs of what, and the input
    that would check it, by its Python name)."""

    key: str
    question: str
    status: str
    summary: str
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "question": self.question, "status": self.status, "summary": self.summary,
                "findings": [f.to_dict() for f in self.findings],
                "not_checked": [{"what": w, "needs": n} for w, n in self.not_checked]}


def _answer(key: str, findings: list[Finding], *, checked: bool, ok: str,
            not_checked: list[tuple[str, str]]) -> Answer:
    if not checked:
        return Answer(key, QUESTIONS[key], "not-checked", "Not checked.", [], not_checked)
    sev = {f.severity for f in findings}
    status = next((s for s in ("fail", "warn", "review") if s in sev), "pass")
    if status == "pass":
        summary = ok
    else:
        shown = [f for f in findings if f.severity in _REPORTED]
        summary = f"{len(shown)} finding{'s' if len(shown) != 1 else ''}: " + "; ".join(
            f.message.split(" — ")[0].split(". ")[0] for f in shown)[:400]
    return Answer(key, QUESTIONS[key], status, summary, list(findings), not_checked)


class ChecklistReport:
    """The four answers. ``str(report)`` is a text report; in a notebook it renders as
    HTML; ``report.to_dict()`` is JSON-ready. Findings accepted by the baseline (or
    ``ignore``) are in ``report.accepted`` and never make the report fail."""

    def __init__(self, answers: list[Answer], accepted: list[Finding] | None = None,
                 baseline_source: str | None = None):
        self.answers = answers
        self.accepted = list(accepted or [])
        self.baseline_source = baseline_source

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
        """Every finding of every answer (info-level included; accepted ones excluded)."""
        return [f for a in self.answers for f in a.findings]

    @property
    def leaked(self) -> bool:
        """True when any finding is a ``fail`` (leakage established by evidence), as for
        :attr:`leakkit.Trace.leaked`."""
        return any(f.severity == "fail" for f in self.findings)

    def exit_code(self, *, strict: bool = False) -> int:
        """The CLI's exit status: 1 when a finding fails (with ``strict``, also when one
        warns or asks for review), else 0."""
        gate = ("fail", "warn", "review") if strict else ("fail",)
        return 1 if any(f.severity in gate for f in self.findings) else 0

    def flagged_columns(self, severities: tuple[str, ...] = ("fail", "warn", "review")) -> set:
        """Columns named by a finding of these severities (default: every finding a person
        should look at)."""
        return {c for f in self.findings if f.severity in severities for c in f.columns}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status(),
            "leaked": self.leaked,
            "questions": [a.to_dict() for a in self.answers],
            "findings": [dict(f.to_dict(), question=a.key) for a in self.answers for f in a.findings],
            "accepted": [f.to_dict() for f in self.accepted],
            "baseline": self.baseline_source,
        }

    def to_text(self, names: dict[str, str] | None = None) -> str:
        """The text report; ``names`` says how to name a missing input (default: the
        Python arguments; the CLI passes its flags)."""
        names = {**PYTHON_NAMES, **(names or {})}
        marks = {"pass": "PASS", "review": "REVIEW", "warn": "WARN", "fail": "FAIL", "not-checked": "NOT CHECKED"}
        lines = ["Leakage checklist"]
        for i, a in enumerate(self.answers, 1):
            partly = " (partly checked)" if a.status != "not-checked" and a.not_checked else ""
            lines.append(f"{i}. [{marks[a.status]}]{partly} {a.question}")
            if a.status == "pass":
                lines.append(f"     {a.summary}")
            for f in a.findings:
                if f.severity in _REPORTED:
                    lines.append(f"     - [{f.severity.upper()}] {f.code or f.check}: {f.message}")
            for what, needs in a.not_checked:
                lines.append(f"     - not checked: {what} — {names.get(needs, needs)}.")
        if self.accepted:
            codes = ", ".join(sorted({f"{f.code}:{f.columns[0]}" if len(f.columns) == 1 else str(f.code)
                                      for f in self.accepted}))
            lines.append(f"Accepted by the baseline ({self.baseline_source}): {len(self.accepted)} finding"
                         f"{'s' if len(self.accepted) != 1 else ''} ({codes[:300]}).")
        verdict = {"fail": "leakage found", "warn": "possible leakage found",
                   "review": "no leakage established; review the columns listed",
                   "pass": "no leakage found in what was checked", "not-checked": "nothing could be checked"}
        lines.append(f"Verdict: {verdict[self.status()]}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return "<ChecklistReport " + ", ".join(f"{a.key}={a.status}" for a in self.answers) + ">"

    def _repr_html_(self) -> str:
        colours = {"pass": "#2a7f62", "review": "#2b6cb0", "warn": "#b7791f", "fail": "#c0392b",
                   "not-checked": "#777777"}
        rows = []
        for i, a in enumerate(self.answers, 1):
            items = "".join(f"<li><b>{f.severity.upper()}</b> {html.escape(str(f.code or f.check))}: "
                            f"{html.escape(f.message)}</li>" for f in a.findings if f.severity in _REPORTED)
            items += "".join(f"<li>not checked: {html.escape(w)} — {html.escape(PYTHON_NAMES.get(n, n))}</li>"
                             for w, n in a.not_checked)
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
            f"both sides of a fold. Use GroupKFold and pass groups=data[{group!r}] to the cross-validation.",
            columns=(str(group),),
            evidence={"splitter": name, "needs": "group"}))
    return out




def _check_cv(cv: Any) -> Any:
    if cv is None:
        return None
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, (bool, np.bool_)):
        if cv < 2:
            raise ValueError(f"cv: needs at least 2 folds, got {cv}; pass e.g. cv=5 or a splitter such as KFold(5).")
        return int(cv)
    if callable(getattr(cv, "split", None)) and callable(getattr(cv, "get_n_splits", None)):
        return cv
    raise TypeError(f"cv: expected a number of folds (int >= 2) or a scikit-learn splitter such as KFold(5), "
                    f"got {type(cv).__name__} ({cv!r}).")


def _check_baseline(baseline: Any, ignore: Any) -> Baseline | None:
    out = None
    if baseline is not None:
        if isinstance(baseline, Baseline):
            out = baseline
        elif isinstance(baseline, (str, Path)):
            out = load_baseline(baseline)
        else:
            raise TypeError(f"baseline: expected the path of a baseline file (leakkit.toml or pyproject.toml), "
                            f"got {type(baseline).__name__}.")
    if ignore is not None:
        if not isinstance(ignore, (str, list, tuple, set, frozenset)):
            raise TypeError(f"ignore: expected a list of 'CODE' or 'CODE:COLUMN' strings, got {type(ignore).__name__}.")
        extra = Baseline.parse(sorted(ignore) if isinstance(ignore, (set, frozenset)) else ignore, "ignore")
        out = extra if out is None else out.merged(extra)
    return out


def _validate(data: Any, target: Any, test: Any, time_column: Any, group_column: Any, evaluation: Any,
              held_out_set: Any) -> None:
    if data is not None:
        check_frame(data, "data")
        if target is None:
            raise ValueError("target: required with data; pass the name of the column to predict, e.g. target='churned'.")
        check_column(data, target, "target")
        check_target(data[target], "target")
        if data.shape[1] < 2:
            raise ValueError(f"data: holds only the target column {target!r}; pass a table with feature columns too.")
    if test is not None:
        check_frame(test, "test")
        if data is None:
            raise ValueError("test: a test frame needs the training frame too; pass data=... as well.")
        missing = [c for c in data.columns if c not in test.columns]
        if missing:
            raise ValueError(f"test: columns {missing[:10]} of data are missing from test; pass a test frame with the "
                             f"same columns as data.")
    for name, col in (("time_column", time_column), ("group_column", group_column)):
        if col is not None:
            if data is None:
                raise ValueError(f"{name}: a column name needs data=... to look it up.")
            check_column(data, col, name)
            if col == target:
                raise ValueError(f"{name}: {col!r} is the target; pass the column that holds the {name[:-7]}.")
    if evaluation is not None and not callable(evaluation):
        raise TypeError(f"evaluation: expected a function of no arguments that runs your evaluation, got "
                        f"{type(evaluation).__name__}; wrap it, e.g. evaluation=lambda: cross_validate(...).")
    if held_out_set is not None:
        from .llm import HeldOutSet

        if not isinstance(held_out_set, HeldOutSet):
            raise TypeError(f"held_out_set: expected a leakkit.llm.HeldOutSet, got {type(held_out_set).__name__}.")


def _feature_findings(data: pd.DataFrame, target: Any, time_column: Any, group_column: Any,
                      feature_threshold: float, random_state: Any, say: Callable[[str], None]) -> list[Finding]:
    from . import detect

    skip = {c for c in (time_column, group_column) if c is not None}
    cols = [c for c in data.columns if c != target and c not in skip]
    if not cols:
        return []
    say("looking for identifier columns that predict the target")
    feats = detect.id_columns(data, target, columns=cols, random_state=random_state)
    ids = {c for f in feats for c in f.columns}
    rest = [c for c in cols if c not in ids]
    if rest:
        say(f"scanning {len(rest)} columns for single-column predictive power")
        feats += detect.feature_power(data, target, columns=rest, threshold=feature_threshold,
                                      random_state=random_state)
    if time_column is not None:
        say("looking for columns dated after the prediction time")
        feats += detect.after_prediction_time(data, time_column, columns=rest)
        y = data[target]
        if (not data[time_column].duplicated().any()
                and (pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y))
                and len(data) >= 4 * 14 + 10):
            say("looking for features built from future values of the target")
            found = {c for f in feats if f.severity in ("fail", "warn") for c in f.columns}
            feats += [f for f in detect.future_information(data, target, time_column, columns=None)
                      if not set(f.columns) <= found]
    return feats


def _test_findings(data: pd.DataFrame, target: Any, test: pd.DataFrame, time_column: Any, group_column: Any,
                   near: bool, random_state: Any, say: Callable[[str], None]) -> list[Finding]:
    from . import detect

    feat_cols = [c for c in data.columns if c != target]
    say("comparing train and test rows for exact copies")
    out = detect.duplicates(data, test, columns=feat_cols)
    if near:
        say("looking for near copies of training rows in test")
        out += detect.near_duplicates(data, test, columns=feat_cols, random_state=random_state)
    if group_column is not None:
        out += detect.group_overlap(data, test, group_column)
    if time_column is not None:
        out += detect.time_overlap(data, test, time_column)
    return out


def audit(
    data: pd.DataFrame | None = None,
    target: str | None = None,
    *,
    test: pd.DataFrame | None = None,
    time_column: str | None = None,
    group_column: str | None = None,
    cv: Any = None,
    evaluation: Callable[[], Any] | None = None,
    held_out_set: Any = None,
    near: bool = False,
    feature_threshold: float = 0.8,
    random_state: Any = 0,
    ignore: Any = None,
    baseline: Any = None,
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
        The test table: compared with ``data`` for copies, shared groups and time order.
    time_column, group_column : str, optional
        The time column (the moment each prediction is made) and the group (entity)
        column, if the data has them; the same names as in :mod:`leakkit.detect`.
    cv : int >= 2 or splitter, optional
        The cross-validation you use; checked against ``time_column`` and ``group_column``.
    evaluation : callable, optional
        Your evaluation code as a function of no arguments (for example
        ``lambda: cross_validate(pipe, X, y, cv=cv)``); it is run once under
        :func:`leakkit.trace` to answer questions 2, 3 and 4 from what it really does.
    held_out_set : leakkit.llm.HeldOutSet, optional
        A held-out set whose reads are counted for question 4.
    near : bool, default False
        Also look for near copies of training rows in ``test``
        (:func:`leakkit.detect.near_duplicates`: noise, re-typing).
    feature_threshold : float in [0, 1], default 0.8
        A single column at or above this cross-validated ROC AUC / R² is reported; the
        evidence decides whether it fails or asks for review (see
        :func:`leakkit.detect.feature_power`).
    random_state : int, Generator or RandomState, default 0
        Seeds the scans (leakkit's one convention; None is refused).
    ignore : list of str, optional
        Findings accepted after review, as ``"CODE"`` or ``"CODE:COLUMN"`` (e.g.
        ``["LK201:worst perimeter"]``).
    baseline : path, optional
        A baseline file (``leakkit.toml``, or ``pyproject.toml`` with ``[tool.leakkit]``)
        of accepted findings; see :mod:`leakkit._baseline`.
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
    _validate(data, target, test, time_column, group_column, evaluation, held_out_set)
    cv = _check_cv(cv)
    near = check_bool(near, "near")
    feature_threshold = check_fraction(feature_threshold, "feature_threshold")
    check_random_state(random_state)
    accepted_by = _check_baseline(baseline, ignore)

    too_few = data is not None and len(data) < _MIN_ROWS
    # The audit's own model fits (its scans, and the evaluation it runs under its own tracer)
    # are reported in its report: the live tools (%load_ext leakkit, pytest --leakkit) do not
    # record them, so they do not report them a second time.
    with deliberate():
        feats = [] if data is None or too_few else _feature_findings(data, target, time_column, group_column,
                                                                     feature_threshold, random_state, say)
        traced, gaps = ([], []) if evaluation is None else _trace_evaluation(evaluation, test, say)
        scanned = [] if test is None else _test_findings(data, target, test, time_column, group_column, near,
                                                         random_state, say)
    test_f, cv_f, tune_f = place_traced(traced)
    test_f += scanned
    if cv is not None:
        cv_f += _splitter_findings(cv, group_column, time_column)
    if held_out_set is not None and held_out_set.n_reads > 1:
        tune_f.append(Finding(
            "held_out_reads", "fail",
            f"The held-out set {held_out_set.name!r} was read {held_out_set.n_reads} times: every read that fed a "
            f"decision made it a validation set. Tune on a dev split and read the test set once.",
            evidence={"n_reads": held_out_set.n_reads}))

    return build_report(feats, test_f, cv_f, tune_f, data_given=data is not None, test_given=test is not None,
                        evaluation_given=evaluation is not None, cv_given=cv is not None,
                        held_out_set_given=held_out_set is not None, accepted_by=accepted_by,
                        not_checked=_not_checked(too_few, data, traced, gaps))


def _not_checked(too_few: bool, data: Any, traced: list[Finding], gaps: list) -> dict[str, list[tuple[str, str]]]:
    """What the audit could not check although it was given the input: too few rows to
    score columns; with an evaluation that held nothing out, whether preprocessing stayed in
    the folds and whether the held-out rows were reused; work the tracer could not see."""
    out: dict[str, list[tuple[str, str]]] = {}
    if too_few:
        out["features"] = [(f"the columns: {len(data)} rows are too few to score them out of fold", "more_rows")]
    if any(f.check == "no_held_out" for f in traced):
        out["cv_pipeline"] = [("whether preprocessing stayed inside the folds: your evaluation scored no "
                               "held-out rows", "held_out_rows")]
        out["tuning"] = [("whether the held-out rows were scored by several settings: your evaluation scored "
                          "no held-out rows", "held_out_rows")]
    for g in gaps:
        item = (f"part of your evaluation the tracer could not see ({g.kind}: {g.what}): {g.detail}", "trace_coverage")
        for key in ("test_data", "cv_pipeline", "tuning"):
            out.setdefault(key, []).append(item)
    return out


def place_traced(traced: list[Finding]) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """The tracer's findings under questions 2, 3 and 4. A fit or a pandas/numpy statistic
    that saw held-out rows is question 2 ("fitted on test data?") for a final split (one
    fold: a train/test split, declared or inferred test rows) and question 3 ("did
    cross-validation include the whole pipeline?") for cross-validation folds; copies across
    the split, outliers removed before it and an evaluation that scored no held-out row are
    question 2; test reuse is question 4.

    >>> from leakkit._findings import Finding
    >>> found = [Finding("statistic_saw_held_out", "fail", "m", evidence={"n_folds": 5}),
    ...          Finding("statistic_saw_held_out", "fail", "m", evidence={"n_folds": 1}),
    ...          Finding("no_held_out", "fail", "m"), Finding("test_reuse", "warn", "m")]
    >>> [[f.check for f in part] for part in place_traced(found)]
    [['statistic_saw_held_out', 'no_held_out'], ['statistic_saw_held_out'], ['test_reuse']]
    """
    def folds(f: Finding) -> int:
        return int(f.evidence.get("n_folds", 1) or 1)

    per_split = ("fit_before_split", "statistic_saw_held_out")
    test_f = [f for f in traced if (f.check in per_split and folds(f) == 1)
              or f.check in ("fit_saw_held_out", "duplicates_across_split", "outliers_removed_before_split",
                             "no_held_out")]
    cv_f = [f for f in traced if f.check in per_split and folds(f) > 1]
    tune_f = [f for f in traced if f.check == "test_reuse"]
    placed = {id(f) for f in test_f + cv_f + tune_f}
    unknown = [f for f in traced if id(f) not in placed]
    return test_f + unknown, cv_f, tune_f  # a check added to the tracer later is never dropped


def _trace_evaluation(evaluation: Callable[[], Any], test: pd.DataFrame | None,
                      say: Callable) -> tuple[list[Finding], list]:
    """Run the user's evaluation once under :func:`leakkit.trace`; its findings and what the
    tracer could not see (``Trace.coverage``)."""
    from .tracing import trace

    say("running your evaluation under leakkit.trace")
    with trace() as t:  # rows of a given test frame are held out even when the code splits by hand
        if test is not None:
            t.hold_out(test, name="the test frame")
        evaluation()
    return list(t.findings), list(t.coverage)


def build_report(feats: list[Finding], test_f: list[Finding], cv_f: list[Finding], tune_f: list[Finding], *,
                 data_given: bool, test_given: bool, evaluation_given: bool, cv_given: bool,
                 held_out_set_given: bool, accepted_by: Baseline | None = None,
                 not_checked: dict[str, list[tuple[str, str]]] | None = None) -> ChecklistReport:
    """The four answers from the findings of each question and what was given (shared by
    :func:`audit` and the out-of-core engine); ``not_checked`` adds items per question."""
    data, test, evaluation, cv, held_out_set = data_given, test_given, evaluation_given, cv_given, held_out_set_given
    accepted: list[Finding] = []
    if accepted_by is not None:
        parts = []
        for group in (feats, test_f, cv_f, tune_f):
            kept, acc = accepted_by.split(group)
            parts.append(kept)
            accepted += acc
        feats, test_f, cv_f, tune_f = parts
    ev = evaluation
    answers = [
        _answer("features", feats, checked=data and not (not_checked or {}).get("features"),
                ok="No column reproduces the target or stands out as a leak, and no ID encodes it.",
                not_checked=[] if data else [("the columns", "data")]),  # (plus any reason given below)
        _answer("test_data", test_f, checked=ev or test,
                ok=("Nothing was fitted on held-out rows" if ev else "")
                + (", and " if ev and test else "")
                + ("the test rows are not copies of training rows" if test else "") + ".",
                not_checked=([] if ev else [("whether any fit saw the test rows", "evaluation")])
                + ([] if test else [("copies, shared groups and time order between train and test",
                                                 "test")])),
        _answer("cv_pipeline", cv_f, checked=ev or cv,
                ok="Every fit happened inside the folds" if ev and not cv else
                ("The splitter suits the data." if not ev else "Every fit happened inside the folds, and the "
                                                               "splitter suits the data."),
                not_checked=([] if ev else [("whether preprocessing was fitted outside the folds", "evaluation")])
                + ([] if cv else [("whether the splitter suits the groups and time order", "cv")])),
        _answer("tuning", tune_f, checked=ev or held_out_set,
                ok="The held-out rows were scored by one model only (or read once).",
                not_checked=[] if ev else [("whether the held-out rows were scored by several settings",
                                            "evaluation")] + ([] if held_out_set else
                                                              [("how often a held-out set was read", "held_out_set")])),
    ]
    for a in answers:
        a.summary = a.summary[:1].upper() + a.summary[1:]
        a.not_checked += (not_checked or {}).get(a.key, [])
    return ChecklistReport(answers, accepted, None if accepted_by is None else accepted_by.source)
