"""The assignment as the gradebook knows it, and what a submission did to it.

nbgrader keeps every cell of an assignment's source notebooks in ``gradebook.db`` (hidden
tests included). From that record this module tells which cells are locked, which are
tests, what the learner's release looked like, and then, reading a submitted notebook
(never running it): which locked cells were edited, deleted or pasted twice, and which
learner cells hold code that reaches into the grading machinery (:mod:`leakkit._codescan`).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._codescan import _defined_names, _import_bindings, _stored_names, _strip_magics, suspicious_code

BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def normalise_source(source: Any) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


def remove_hidden_tests(source: str, begin: str = BEGIN_HIDDEN, end: str = END_HIDDEN) -> str:
    """``source`` as nbgrader's ``ClearHiddenTests`` releases it (the delimited lines removed).

    >>> remove_hidden_tests("a = 1\\n### BEGIN HIDDEN TESTS\\nb = 2\\n### END HIDDEN TESTS\\nc = 3")
    'a = 1\\nc = 3'
    """
    out, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


@dataclass
class SourceCell:
    """One cell of the instructor's source notebook, as recorded in the gradebook."""
    name: str
    cell_type: str
    locked: bool
    grade: bool
    solution: bool
    points: float | None
    source: str  # the instructor's version (hidden tests included)
    release: str  # what learners received
    checksum: str | None = None

    @property
    def is_test(self) -> bool:
        return self.grade and self.locked and not self.solution and self.cell_type == "code"


def _parsed_locked_cells(cells: list[SourceCell]) -> list[tuple[SourceCell, ast.Module]]:
    out = []
    for c in cells:
        if c.cell_type != "code" or not c.locked or c.solution:
            continue
        try:
            out.append((c, ast.parse(_strip_magics(c.source)[0])))
        except (SyntaxError, ValueError):
            continue
    return out


def protected_names(cells: list[SourceCell]) -> dict[str, str]:
    """Names the locked (non-solution) cells bind with import/def/class, and what they are."""
    out: dict[str, str] = {}
    for c, tree in _parsed_locked_cells(cells):
        out.update(_import_bindings(tree, top_level=True))
        for name in _defined_names(tree):
            out[name] = f"{c.name}:{name}"
        if not c.grade:  # the tests' private state, set up by a locked cell (_RECORDS = {})
            for name, how in _stored_names(tree).items():
                if len(name) > 2 and name.startswith("_") and not name.startswith("__") and how == "assign":
                    out.setdefault(name, f"{c.name}:{name}")
    return out


def definitions(cells: list[SourceCell]) -> dict[str, list[str]]:
    """Per locked (non-solution) code cell, the functions and classes it defines."""
    out: dict[str, list[str]] = {}
    for c, tree in _parsed_locked_cells(cells):
        names = sorted(_defined_names(tree))
        if names:
            out[c.name] = names
    return out


def import_lines(cells: list[SourceCell]) -> str:
    """The top-level import statements of the locked cells, as code."""
    lines: list[str] = []
    for _, tree in _parsed_locked_cells(cells):
        lines += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(lines))


@dataclass
class Assignment:
    """What the gradebook knows of an assignment: its notebooks and their cells."""
    name: str
    notebooks: dict[str, list[SourceCell]]
    files: list[str] = field(default_factory=list)  # non-notebook files of the source folder

    def protected(self, notebook: str) -> dict[str, str]:
        return protected_names(self.notebooks.get(notebook, []))


def notebook_cells(gb: Any, notebook: str, assignment: str, *, begin: str = BEGIN_HIDDEN,
                   end: str = END_HIDDEN) -> list[SourceCell]:
    """The source cells of one notebook of an assignment, from an open ``Gradebook``."""
    nb = gb.find_notebook(notebook, assignment)
    grade = {c.name: c.max_score for c in nb.grade_cells}
    solution = {c.name for c in nb.solution_cells}
    return [SourceCell(name=c.name, cell_type=c.cell_type, locked=bool(c.locked), grade=c.name in grade,
                       solution=c.name in solution, points=grade.get(c.name), source=c.source or "",
                       release=remove_hidden_tests(c.source or "", begin, end), checksum=c.checksum)
            for c in nb.source_cells]


def read_assignment(db_url: str, course_id: str, assignment: str, *, begin: str = BEGIN_HIDDEN,
                    end: str = END_HIDDEN, source_dir: Path | None = None) -> Assignment:
    """The assignment as recorded in the gradebook (no notebooks when it is unknown)."""
    from nbgrader.api import Gradebook, MissingEntry

    notebooks: dict[str, list[SourceCell]] = {}
    with Gradebook(db_url, course_id) as gb:
        try:
            names = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            return Assignment(assignment, {})
        for name in names:
            notebooks[name] = notebook_cells(gb, name, assignment, begin=begin, end=end)
    files = []
    if source_dir is not None and source_dir.is_dir():
        files = sorted(str(p.relative_to(source_dir)) for p in source_dir.rglob("*")
                       if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts
                       and "__pycache__" not in p.parts)
    return Assignment(assignment, notebooks, files)


def _grade_id(cell: dict) -> str | None:
    return ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")


def structure_flags(nb: dict, cells: list[SourceCell]) -> tuple[list[str], list[str]]:
    """(tampering flags, notes) from comparing a submitted notebook with the assignment."""
    flags: list[str] = []
    notes: list[str] = []
    by_name = {c.name: c for c in cells}
    seen: dict[str, int] = {}
    for cell in nb.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        gid = meta.get("grade_id")
        if not gid:
            continue
        seen[gid] = seen.get(gid, 0) + 1
        src = by_name.get(gid)
        if src is None:
            notes.append(f"cell '{gid}' is not part of the assignment")
            continue
        if seen[gid] == 2:
            flags.append(f"duplicated cell '{gid}' (graded once)")
        if cell.get("cell_type") != src.cell_type:
            flags.append(f"changed cell '{gid}' from {src.cell_type} to {cell.get('cell_type')} "
                         f"(nbgrader changed it back)")
        changed = [k for k, v in (("locked", src.locked), ("grade", src.grade), ("solution", src.solution))
                   if bool(meta.get(k, False)) != v]
        if src.grade and meta.get("points") is not None and src.points is not None:
            try:
                if float(meta["points"]) != float(src.points):
                    changed.append("points")
            except (TypeError, ValueError):
                changed.append("points")
        if changed:
            flags.append(f"changed the grading metadata of cell '{gid}' ({', '.join(changed)})")
        if src.locked and not src.solution and normalise_source(cell_source(cell)) not in (
                normalise_source(src.release), normalise_source(src.source)):
            kind = "test cell" if src.grade else "locked cell"
            flags.append(f"edited {kind} '{gid}' (nbgrader graded the original)")
    for c in cells:
        if (c.grade or c.locked) and c.name not in seen:
            if c.grade:
                kind = "answer cell" if c.solution else "test cell"
                flags.append(f"deleted {kind} '{c.name}' (the grader put it back)")
            else:
                flags.append(f"deleted locked cell '{c.name}' (the cells after it ran without it)")
    return flags, notes


def learner_cells(nb: dict, cells: list[SourceCell]) -> list[tuple[str, str]]:
    """(label, code) of the cells whose submitted code really runs when graded."""
    by_name = {c.name: c for c in cells}
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        gid = _grade_id(cell)
        src = by_name.get(gid) if gid else None
        if src is not None and src.locked and not src.solution:
            continue  # nbgrader restores it from the gradebook
        runs_as_code = (src.cell_type == "code") if src is not None else cell.get("cell_type") == "code"
        if runs_as_code:
            out.append((f"'{gid}'" if gid else f"{i + 1}", cell_source(cell)))
    return out


def code_flags(nb: dict, cells: list[SourceCell]) -> list[str]:
    """One flag per learner cell whose code reaches into the grading machinery."""
    protected = protected_names(cells)
    flags = []
    for label, code in learner_cells(nb, cells):
        found = suspicious_code(code, protected=protected)
        if found:
            flags.append(f"suspicious code in cell {label}: {', '.join(found)}")
    return flags


def submission_flags(nb: dict, cells: list[SourceCell]) -> tuple[list[str], list[str]]:
    """Everything a static reading of one submitted notebook finds: (flags, notes)."""
    tamper, notes = structure_flags(nb, cells)
    return [f"tampered: {t}" for t in tamper] + code_flags(nb, cells), notes
