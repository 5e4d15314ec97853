"""Build the learner-submission fixtures of the grading tests from readable sources.

A fixture is a jupytext percent script ``tests/submissions/src/<assignment>/<student>.py``.
Its first line is one comment saying what the submission does (wrong) and, after
``loses:``, the grade ids of the test cells that must score zero (``loses: nothing`` for a
correct submission); ``tests/test_exercises.py`` asserts exactly that. Two optional parts may
follow: ``; flagged: <grade ids>`` (a cheat whose tests the protection marks "needs manual
grade" for a person) and ``; pending: <grade ids> (why)`` (cells whose expectation waits for
work not merged yet: graded, reported, not asserted). Then come the
learner's answers, one cell per answer, each headed by the ``grade_id`` of the release
cell it replaces::

    # Fits every step on all rows before splitting; loses: test_no_fit_on_held_out, test_noise_vs_signal

    # %% grade_id="honest_score"
    def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
        ...

    # %% [markdown] grade_id="written_does_it_matter"
    # A written answer.

The tool takes the learner release ``exercises/<assignment>/<assignment>.ipynb``, replaces
the source of those cells, and writes ``tests/submissions/<assignment>/<student>.ipynb``,
an ordinary notebook as a learner would submit it. A fixture may also replace a locked
test cell, to show that nbgrader restores it (a cheat).

    python tools/build_submissions.py           # every fixture
    python tools/build_submissions.py --check   # fail if a fixture notebook is out of date
"""
from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
FIXTURES = ROOT / "tests" / "submissions"
SOURCES = FIXTURES / "src"

_LOSES = re.compile(r"\bloses:\s*(.+?)\s*\.?\s*$")
_PART = re.compile(r";\s*(flagged|pending):\s*")


@dataclass(frozen=True)
class Fixture:
    """One learner submission: what it does, which test cells it must lose, its answers."""

    assignment: str
    student: str
    comment: str
    loses: tuple[str, ...]
    answers: dict[str, tuple[str, str]]  # grade_id -> (cell_type, source)
    flagged: tuple[str, ...] = ()  # test cells marked "needs manual grade" by the protection (a cheat)
    pending: tuple[str, ...] = ()  # cells whose expectation waits for work not merged yet (see the comment)

    @property
    def notebook_path(self) -> Path:
        return FIXTURES / self.assignment / f"{self.student}.ipynb"


def read_fixture(path: Path) -> Fixture:
    """Parse ``tests/submissions/src/<assignment>/<student>.py``."""
    nb = jupytext.read(path)
    if not nb.cells or nb.cells[0].metadata.get("grade_id"):
        raise ValueError(f"{path}: the file must start with a one-line comment ending in 'loses: ...'.")
    head = nb.cells[0].source.strip()
    match = _LOSES.search(head)
    if "\n" in head or not head.startswith("#") or not match:
        raise ValueError(f"{path}: the first line must be one comment saying what the submission does wrong, "
                         f"ending in 'loses: <grade ids>' or 'loses: nothing'; got {head!r}.")
    parts = _PART.split(match.group(1))
    extra = {parts[i]: _ids(parts[i + 1]) for i in range(1, len(parts) - 1, 2)}
    loses = () if parts[0].strip() == "nothing" else _ids(parts[0])
    answers: dict[str, tuple[str, str]] = {}
    for cell in nb.cells[1:]:
        grade_id = cell.metadata.get("grade_id")
        if not grade_id:
            raise ValueError(f"{path}: every cell after the first needs a header like "
                             f'# %% grade_id="<id>", naming the release cell it replaces.')
        if grade_id in answers:
            raise ValueError(f"{path}: two cells replace {grade_id!r}.")
        answers[grade_id] = (cell.cell_type, cell.source)
    return Fixture(path.parent.name, path.stem, head.lstrip("# ").strip(), loses, answers,
                   extra.get("flagged", ()), extra.get("pending", ()))


def _ids(text: str) -> tuple[str, ...]:
    """Grade ids in 'a, b and c' (a parenthesised remark after them is dropped)."""
    text = text.split("(")[0]
    return tuple(g.strip() for g in re.split(r",|\band\b", text) if g.strip())


def fixtures(assignment: str | None = None) -> list[Fixture]:
    """Every fixture, or those of one assignment, sorted."""
    pattern = f"{assignment}/*.py" if assignment else "*/*.py"
    return [read_fixture(p) for p in sorted(SOURCES.glob(pattern))]


def release_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(EXERCISES / assignment / f"{assignment}.ipynb", as_version=4)


def test_cell_ids(nb: nbformat.NotebookNode) -> list[str]:
    """Grade ids of the autograded test cells (code cells with points)."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]


def build(fx: Fixture, release: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """The submitted notebook of ``fx``: the release with the fixture's answers in place."""
    nb = copy.deepcopy(release if release is not None else release_notebook(fx.assignment))
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    unknown = sorted(set(fx.answers) - set(cells))
    if unknown:
        raise ValueError(f"{fx.assignment}/{fx.student}: no release cell has grade_id {unknown}.")
    bad_loses = sorted((set(fx.loses) | set(fx.flagged) | set(fx.pending)) - set(test_cell_ids(nb)))
    if bad_loses:
        raise ValueError(f"{fx.assignment}/{fx.student}: 'loses:' names {bad_loses}, which are not autograded "
                         f"test cells ({', '.join(test_cell_ids(nb))}).")
    for grade_id, (cell_type, source) in fx.answers.items():
        cell = cells[grade_id]
        if cell.cell_type != cell_type:
            raise ValueError(f"{fx.assignment}/{fx.student}: cell {grade_id!r} is {cell.cell_type}, "
                             f"the fixture gives {cell_type}.")
        cell.source = source
    return nb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the fixture notebooks are up to date")
    args = ap.parse_args(argv)
    status = 0
    for fx in fixtures():
        text = nbformat.writes(build(fx))
        path = fx.notebook_path
        if args.check:
            if not path.exists() or path.read_text() != text:
                print(f"{path.relative_to(ROOT)} is out of date; run python tools/build_submissions.py")
                status = 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"{path.relative_to(ROOT)}: loses {', '.join(fx.loses) or 'nothing'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
