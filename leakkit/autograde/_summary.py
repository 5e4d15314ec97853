"""One row per submission: its status, scores, and what a person should look at.

The flags come from where the grading recorded them: the ``leakkit`` metadata that the
protection (:mod:`leakkit.autograde.preprocessors`) writes into each autograded notebook,
the gradebook's scores, the driver's journal, and a few checks only the driver can make
(notebooks missing or unexpected, data files changed while graded).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from ._assignment import Assignment, submission_flags
from ._course import Course, is_done, read_notebook_json
from .preprocessors import CELL_TIMEOUT, KEY, KERNEL_DIED, KERNEL_STUCK

SUMMARY_COLUMNS = [
    "student", "status", "score", "max_score", "auto_score", "auto_max_score", "auto_percent",
    "failed_tests", "manual_cells", "needs_review", "flags", "notes", "seconds", "graded_now",
]
#: Statuses of submissions that got no grade: left out of the statistics, and listed.
NOT_GRADED = ("failed", "not graded", "stopped", "empty")


def failure_reason(error: str) -> str:
    """The most specific thing nbgrader said about why it could not grade a submission."""
    text = error or ""
    if text.startswith("the grading process died"):
        return text
    if any(k in text for k in ("NotJSONError", "JSONDecodeError", "does not appear to be JSON")):
        return "the notebook is not valid JSON (a broken save?)"
    if "SchemaTooOld" in text or "SchemaTooNew" in text or "failed to validate" in text:
        return "the notebook's nbgrader metadata is corrupted"
    if "database is locked" in text:
        return "the gradebook stayed locked (run the command again)"
    found = re.findall(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception)\b:?.*)$", text, flags=re.M)
    found = [f.strip() for f in found if "NbGraderException" not in f and "Traceback" not in f]
    if found:
        return f"nbgrader failed: {found[-1][:160]}"
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return f"nbgrader failed: {lines[-1][:160]}" if lines else "nbgrader failed"


def scan_outputs(nb: dict) -> tuple[dict[str, str], list[str]]:
    """{error name the driver or nbgrader wrote: the first cell it is in}, truncation notes."""
    where: dict[str, str] = {}
    notes: list[str] = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        label = f"'{gid}'" if gid else f"{i + 1}"
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                where.setdefault(str(o.get("ename")), label)
            elif o.get("output_type") == "stream" and "... Output truncated ..." in "".join(o.get("text", "")):
                notes.append(f"cell {label} printed more than nbgrader keeps (output truncated)")
    return where, list(dict.fromkeys(notes))


def protection_record(nb: dict) -> dict:
    """What the protection recorded in an autograded notebook (empty when it did not run)."""
    return (nb.get("metadata") or {}).get(KEY) or {}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _file_notes(c: Course, assignment: str, spec: Assignment, student: str, done: bool) -> tuple[list[str], list[str]]:
    sub, auto = c.path("submitted", student, assignment), c.path("autograded", student, assignment)
    source = c.path("source", ".", assignment)
    flags: list[str] = []
    notes: list[str] = []
    for rel in spec.files:
        theirs = sub / rel
        if not theirs.exists():
            notes.append(f"{rel} missing from the submission (graded with the original)")
        elif _digest(theirs) != _digest(source / rel):
            notes.append(f"{rel} differs from the released one (graded with the original)")
        used = auto / rel
        if done and used.exists() and _digest(used) != _digest(source / rel):
            flags.append(f"tampered: the code changed {rel} while it was being graded")
    return flags, notes


def _read_submission(c: Course, assignment: str, spec: Assignment, student: str, done: bool
                     ) -> tuple[list[str], list[str], str | None, dict[str, str]]:
    """(flags, notes, why unreadable, runtime errors) for one submission's notebooks."""
    sub, auto = c.path("submitted", student, assignment), c.path("autograded", student, assignment)
    flags: list[str] = []
    notes: list[str] = []
    errors: dict[str, str] = {}
    unreadable = None
    submitted = sorted(sub.glob("*.ipynb"))
    for p in submitted:
        if p.stem not in spec.notebooks:
            flags.append(f"unexpected notebook {p.name!r} (expected "
                         f"{', '.join(n + '.ipynb' for n in spec.notebooks)}), not graded")
            continue
        graded, _ = read_notebook_json(auto / p.name) if done else (None, None)
        rec = protection_record(graded) if graded is not None else {}
        if rec:
            flags += rec.get("review", rec.get("flags", []))
            notes += rec.get("notes", [])
        else:
            nb, problem = read_notebook_json(p)
            if nb is None:
                unreadable = f"{p.name} {problem}"
                continue
            more, extra = submission_flags(nb, spec.notebooks[p.stem])
            flags += more
            notes += extra
        if graded is not None:
            where, extra = scan_outputs(graded)
            for k, v in where.items():
                errors.setdefault(k, v)
            notes += extra
    if submitted:
        flags += [f"missing notebook {n}.ipynb (scored 0)" for n in spec.notebooks if not (sub / f"{n}.ipynb").exists()]
    more, extra = _file_notes(c, assignment, spec, student, done)
    return flags + more, notes + extra, unreadable, errors


def _status(c: Course, kind: str | None, submitted: bool, done: bool, unreadable: str | None, error: str,
            errors: dict[str, str]) -> tuple[str, str | None]:
    """(status, the flag that explains it, if any)."""
    if not submitted:
        return "empty", "empty submission: no notebook was submitted (not graded)"
    if not done:
        if kind == "deadline":
            return "stopped", "stopped at the deadline: grading took too long and was stopped, no grade recorded"
        if kind in ("failed", "worker_died"):
            return "failed", f"not graded: {unreadable or failure_reason(error)}"
        return "not graded", ("not graded yet (a run was interrupted, or only other students were named): "
                             "run leakkit grade again without --student")
    if KERNEL_DIED in errors:
        return "crashed", (f"crashed: the kernel died in cell {errors[KERNEL_DIED]} (os._exit, a crash or out of "
                           f"memory), so the cells after it scored 0")
    if KERNEL_STUCK in errors:
        return "timed out", (f"timed out: cell {errors[KERNEL_STUCK]} ran past {c.timeout} s and ignored the "
                             f"interrupt, so the kernel was stopped and the cells after it scored 0")
    if CELL_TIMEOUT in errors:
        return "timed out", f"timed out: cell {errors[CELL_TIMEOUT]} ran past {c.timeout} s and was interrupted"
    return "graded", None


def _scores(gb: Any, assignment: str, spec: Assignment, student: str, done: bool) -> dict[str, Any]:
    from nbgrader.api import MissingEntry

    out: dict[str, Any] = {"score": None, "max_score": None, "auto_score": None, "auto_max_score": None,
                           "failed": [], "manual": 0}
    answers = {cell.name for cells in spec.notebooks.values() for cell in cells if cell.solution}
    out["max_score"] = sum(float(x.points or 0) for cells in spec.notebooks.values() for x in cells if x.grade)
    out["auto_max_score"] = sum(float(x.points or 0) for cells in spec.notebooks.values() for x in cells
                                if x.grade and x.cell_type == "code" and not x.solution)
    if not done:
        return out
    try:
        sa = gb.find_submission(assignment, student)
    except MissingEntry:
        return out
    out["score"], out["max_score"] = float(sa.score), float(sa.max_score)
    auto = auto_max = 0.0
    for snb in sa.notebooks:
        for g in snb.grades:
            if g.needs_manual_grade and g.name in answers:
                out["manual"] += 1
            if g.cell.cell_type == "code" and g.name not in answers:
                auto_max += float(g.max_score)
                auto += float(g.auto_score or 0.0) if g.manual_score is None else float(g.manual_score)
                if g.manual_score is None and (g.auto_score or 0.0) < g.max_score:
                    out["failed"].append(g.name)
    out["auto_score"], out["auto_max_score"] = auto, auto_max
    return out


def student_row(c: Course, assignment: str, spec: Assignment, student: str, rec: dict | None,
                seconds: float | None, graded_now: bool, gb: Any) -> dict[str, Any]:
    """The summary row of one submission."""
    kind = (rec or {}).get("kind")
    submitted = any(c.path("submitted", student, assignment).glob("*.ipynb"))
    done = submitted and is_done(c, assignment, student, spec, kind)
    flags, notes, unreadable, errors = _read_submission(c, assignment, spec, student, done)
    status, why = _status(c, kind, submitted, done, unreadable, (rec or {}).get("error", ""), errors)
    if why:
        flags.insert(0, why)
    s = _scores(gb, assignment, spec, student, done)
    flags = list(dict.fromkeys(flags))
    return {
        "student": student,
        "status": status,
        "score": s["score"],
        "max_score": s["max_score"],
        "auto_score": s["auto_score"],
        "auto_max_score": s["auto_max_score"],
        "auto_percent": (100.0 * s["auto_score"] / s["auto_max_score"])
        if s["auto_score"] is not None and s["auto_max_score"] else None,
        "failed_tests": " ".join(s["failed"]),
        "manual_cells": s["manual"],
        "needs_review": bool(flags),
        "flags": "; ".join(flags),
        "notes": "; ".join(dict.fromkeys(notes)),
        "seconds": seconds if seconds is not None else (rec or {}).get("seconds"),
        "graded_now": graded_now,
    }


def summary_frame(c: Course, assignment: str, spec: Assignment, cohort: list[str], records: dict[str, dict],
                  graded_now: dict[str, float | None]) -> Any:
    """The summary of the whole cohort (students graded by earlier runs included)."""
    import pandas as pd
    from nbgrader.api import Gradebook

    with Gradebook(c.db_url, c.course_id) as gb:
        rows = [student_row(c, assignment, spec, s, records.get(s), graded_now.get(s), s in graded_now, gb)
                for s in cohort]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
