"""At release: whether the exercises' ``part1.solution()`` shows an answer.

For graded homework an instructor turns solutions off when generating the release, in the
course's ``nbgrader_config.py``::

    c.ReleaseHelp.solutions = False

(or ``python tools/make_exercises.py --no-solutions``). :class:`ReleaseHelp`, first among
nbgrader's ``GenerateAssignment.preprocessors``, then writes ``solutions=False`` into the
release's help cell (``grading.parts("<assignment>", solutions=False)``), before nbgrader
computes the locked cells' checksums; ``part1.solution()`` then says that solutions are not
available for this assignment, and the hints stay. The reference solutions are still in this
public repository and in the installed ``leakkit`` package: turning them off keeps them out
of the learner's way, it does not make them secret.
"""
from __future__ import annotations

import re
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool

HELP_CALL = re.compile(r"grading\.parts\((?P<args>[^()]*)\)")


def set_solutions(source: str, solutions: bool) -> str:
    """``source`` with every ``grading.parts(...)`` call given ``solutions=<solutions>``.

    >>> set_solutions('part1, part2 = grading.parts("split_preprocessing")', False)
    'part1, part2 = grading.parts("split_preprocessing", solutions=False)'
    """
    def one(m: re.Match) -> str:
        args = re.sub(r",\s*solutions\s*=\s*\w+", "", m.group("args")).strip()
        return f"grading.parts({args})" if solutions else f"grading.parts({args}, solutions=False)"

    return HELP_CALL.sub(one, source)


class ReleaseHelp(NbGraderPreprocessor):
    """Write the instructor's choice (``ReleaseHelp.solutions``) into the release's help cell."""

    solutions = Bool(True, help="Whether learners may call partN.solution() in the release "
                                "(False for graded homework: hints only).").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.cell_type == "code" and "grading.parts(" in cell.source:
            cell.source = set_solutions(cell.source, self.solutions)
        return cell, resources


def configure(c: Any) -> Any:
    """Put :class:`ReleaseHelp` first in ``GenerateAssignment.preprocessors`` (idempotent)."""
    from nbgrader.converters.generate_assignment import GenerateAssignment

    if "GenerateAssignment" in c and "preprocessors" in c.GenerateAssignment:
        current = list(c.GenerateAssignment.preprocessors)
    else:
        current = list(GenerateAssignment.class_traits()["preprocessors"].default())
    c.GenerateAssignment.preprocessors = [ReleaseHelp] + [p for p in current if p is not ReleaseHelp]
    return c
