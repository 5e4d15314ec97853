"""nbgrader preprocessors that make every grading path apply the same protection.

The course's ``nbgrader_config.py`` puts them into nbgrader's own pipelines, so plain
``nbgrader autograde``, the formgrader's "autograde" button and ``leakkit grade`` (which
runs nbgrader's autograder) all grade the same way:

sanitizing (``Autograde.sanitize_preprocessors``)
    :class:`ReadSubmission`, first: reads the submitted notebook as the learner left it
    (edited, deleted or pasted-twice locked cells; learner code that reaches into the grading
    machinery, see :mod:`leakkit._codescan`) and records what it
    finds in the notebook's ``leakkit`` metadata; then gives each untouched test cell its
    hidden tests back, so nbgrader does not warn "checksum ... has changed" for honest work.
    :class:`RestoreCells`, after ``OverwriteCells``: repairs what nbgrader 0.9's own repairs break (a cell
    pasted twice, a deleted locked or test cell).
autograding (``Autograde.autograde_preprocessors``)
    :class:`GuardedExecute` replaces nbgrader's ``Execute``: the kernel guard
    (:mod:`leakkit.autograde._guard`) restores, before and after every test cell, what
    learner code rebound or patched in the checks, the tracer, ``HeldOutSet`` and the
    names the locked cells define; a test during which something was replaced scores zero.
    Kernel start failures are retried. :class:`FlagForReview`, after ``SaveAutoGrades``:
    marks the concerned test cells "needs manual grade" in the gradebook (the formgrader
    lists the submission for a person), writes a note at the top of the autograded
    notebook and logs a warning.
feedback (``GenerateFeedback.preprocessors``)
    :class:`HideHiddenTests`: each test cell shows its visible part, its result and its
    messages, never the hidden tests' code, nor a traceback that would print it.
"""
from __future__ import annotations

import json
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Unicode

from ._assignment import BEGIN_HIDDEN, END_HIDDEN, normalise_source, remove_hidden_tests, submission_flags
from ._execute import GuardedExecute
from ._metadata import (  # noqa: F401 - re-exported: the names other modules read
    CELL_TIMEOUT, INTEGRITY, KERNEL_DIED, KERNEL_STUCK, KEY, NOT_RUN, SEED_VARIABLE, delimiters, record, source_cells,
)
from ._review import FlagForReview, event_flags  # noqa: F401

__all__ = ["ReadSubmission", "RestoreCells", "GuardedExecute", "FlagForReview", "HideHiddenTests", "configure"]


class ReadSubmission(NbGraderPreprocessor):
    """Record what a submission did to the assignment, then restore hidden tests silently."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        cells = source_cells(resources, self.config)
        if not cells:
            return nb, resources
        rec = record(nb)
        flags, notes = submission_flags(json.loads(json.dumps(nb)), cells)
        rec["flags"] += flags
        rec["notes"] += notes
        for f in flags:
            self.log.warning("leakkit: %s: %s", resources["nbgrader"].get("student", "?"), f)
        by_name = {c.name: c for c in cells}
        last = {cell.metadata.get("nbgrader", {}).get("grade_id"): i for i, cell in enumerate(nb.cells)}
        for i, cell in enumerate(nb.cells):
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            src = by_name.get(gid) if last.get(gid) == i else None  # DeduplicateIds keeps the last copy
            if (src is not None and src.locked and not src.solution and cell.cell_type == src.cell_type
                    and normalise_source(cell.source) == normalise_source(src.release)):
                cell.source = src.source  # what nbgrader would restore, without its checksum warning
        return nb, resources


class RestoreCells(NbGraderPreprocessor):
    """Repair what nbgrader 0.9's own repairs break: a pasted-twice cell (DeduplicateIds
    leaves ``nbgrader: {}``, which CheckCellMetadata rejects, failing the submission) and a
    deleted locked or test cell (``OverwriteCells.add_missing_cells`` raises KeyError when
    the cell before it is locked but not graded). Missing locked and test cells are put back
    from the gradebook after the nearest cell that precedes them in the source. Configure
    ``OverwriteCells.add_missing_cells = False`` with it."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        import nbformat

        for cell in nb.cells:
            if "nbgrader" in cell.metadata and not cell.metadata["nbgrader"]:
                del cell.metadata["nbgrader"]  # a de-duplicated copy: now an ordinary cell
        last = -1
        for src in source_cells(resources, self.config):
            where = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == src.name]
            if where:
                last = where[-1]
                continue
            if not (src.locked or src.grade):
                continue  # a deleted answer cell: the learner's choice
            meta = {"grade": src.grade, "grade_id": src.name, "locked": src.locked, "solution": src.solution,
                    "schema_version": 3, "task": False, "checksum": src.checksum}
            if src.grade:
                meta["points"] = src.points
            cid = src.name if src.name not in {c.get("id") for c in nb.cells} else f"{src.name}-restored"
            make = nbformat.v4.new_code_cell if src.cell_type == "code" else nbformat.v4.new_markdown_cell
            cell = make(src.source, id=cid)
            cell.metadata = {"nbgrader": meta, "deletable": False, "editable": src.solution}
            self.log.warning("Cell %s was missing from the submission; put back from the gradebook", src.name)
            last += 1
            nb.cells.insert(last, cell)
        return nb, resources


class HideHiddenTests(Preprocessor):
    """For feedback: each test cell keeps its visible part and its results; the hidden
    tests' lines are replaced by one comment, and error tracebacks (which print the code of
    the failing line) are cut to the error's name and message."""

    begin_test_delimeter = Unicode(BEGIN_HIDDEN, help="Must match ClearHiddenTests.begin_test_delimeter").tag(config=True)
    end_test_delimeter = Unicode(END_HIDDEN, help="Must match ClearHiddenTests.end_test_delimeter").tag(config=True)
    enabled = Bool(True, help="Whether to hide the hidden tests (leave it on for graded work).").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            return cell, resources
        begin, end = self.begin_test_delimeter, self.end_test_delimeter
        if begin in cell.source:
            visible = remove_hidden_tests(cell.source, begin, end).rstrip()
            cell.source = visible + "\n# (hidden tests: their code is not shown; their results are below)"
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources


def _classes(items: list) -> list:
    from traitlets.utils.importstring import import_item

    return [import_item(p) if isinstance(p, str) else p for p in items]


def configure(c: Any) -> Any:
    """Install the protection in the nbgrader configuration ``c`` (idempotent): in
    ``Autograde.sanitize_preprocessors``, :class:`ReadSubmission` first
    and :class:`RestoreCells` after it (with ``OverwriteCells.add_missing_cells`` off); in
    ``Autograde.autograde_preprocessors``, :class:`GuardedExecute` instead of ``Execute`` and
    :class:`FlagForReview` after ``SaveAutoGrades``; in ``GenerateFeedback.preprocessors``,
    :class:`HideHiddenTests` after ``GetGrades``. Lists already set in ``c`` are kept, with
    these added. Returns ``c``.

    >>> from traitlets.config import Config
    >>> c = configure(Config())
    >>> [p.__name__ for p in c.Autograde.autograde_preprocessors][:2]
    ['GuardedExecute', 'IgnorePattern']
    >>> configure(c).Autograde.autograde_preprocessors == c.Autograde.autograde_preprocessors
    True
    """
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.generate_feedback import GenerateFeedback
    from nbgrader.preprocessors import GetGrades, OverwriteCells, SaveAutoGrades

    def current(section: str, name: str, cls: type) -> list:
        if section in c and name in c[section]:
            return _classes(list(c[section][name]))
        return list(cls.class_traits()[name].default())

    sanitize = [p for p in current("Autograde", "sanitize_preprocessors", Autograde)
                if p not in (ReadSubmission, RestoreCells)]
    at = sanitize.index(OverwriteCells) + 1 if OverwriteCells in sanitize else len(sanitize)
    c.Autograde.sanitize_preprocessors = [ReadSubmission] + sanitize[:at] + [RestoreCells] + sanitize[at:]
    c.OverwriteCells.add_missing_cells = False  # broken in nbgrader 0.9: RestoreCells does it
    grading = [GuardedExecute if p is Execute else p for p in current("Autograde", "autograde_preprocessors", Autograde)
               if p is not FlagForReview]
    at = grading.index(SaveAutoGrades) + 1 if SaveAutoGrades in grading else len(grading)
    c.Autograde.autograde_preprocessors = grading[:at] + [FlagForReview] + grading[at:]
    feedback = [p for p in current("GenerateFeedback", "preprocessors", GenerateFeedback) if p is not HideHiddenTests]
    at = feedback.index(GetGrades) + 1 if GetGrades in feedback else 0
    c.GenerateFeedback.preprocessors = feedback[:at] + [HideHiddenTests] + feedback[at:]
    begin, end = delimiters(c)
    c.HideHiddenTests.begin_test_delimeter, c.HideHiddenTests.end_test_delimeter = begin, end
    return c
