"""Help for each part of an exercise, on request: tiered hints, then a solution.

>>> part1, part2, part3, part4 = parts("direct_leakage")
>>> part2
Part 2 of direct_leakage: records copied across the split. Help: part2.hint(), part2.hint(2), part2.solution()
>>> part2.hint_text(2).startswith("Hint 2 of 2 for Part 2: `leakkit.detect.duplicate_rows")
True
>>> print(parts("direct_leakage", solutions=False)[1].solution_text())
Part 2: solutions are not available for this assignment (your instructor turned them off). The hints are: part2.hint(), then part2.hint(2).

Hints come first as a nudge, then more specific; the solution is one honest answer (taken
from the course's reference solution), shown only when asked, and never needed to pass:
the tests check behaviour, so any honest answer earns full marks. An instructor who
releases graded homework turns solutions off at release (``solutions=False`` in the
release's help cell, written by ``python tools/make_exercises.py --no-solutions`` or the
``LeakkitHelp.solutions = False`` setting of ``nbgrader_config.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ._hints import HINTS
from ._solutions import ANSWERS, SOLUTIONS, TITLES

_CURRENT: list[str] = []  # the assignment whose parts were asked for last, in this kernel


def _show(text: str) -> None:
    """Markdown in a notebook, plain text elsewhere."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython comes with the course extra
        shell = None
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        from IPython.display import Markdown, display

        display(Markdown(text))
    else:
        print(text)


@dataclass(frozen=True)
class Part:
    """One part of an assignment: ``hint()``, ``hint(2)``..., ``solution()``."""

    assignment: str
    number: int
    solutions: bool = True

    @property
    def name(self) -> str:
        return f"part{self.number}"

    @property
    def title(self) -> str:
        return TITLES[self.assignment][self.number]

    @property
    def hints(self) -> tuple[str, ...]:
        return tuple(HINTS[self.assignment][self.number])

    def __repr__(self) -> str:
        n = self.name
        more = "".join(f", {n}.hint({i})" for i in range(2, len(self.hints) + 1))
        return (f"Part {self.number} of {self.assignment}: {self.title.rstrip('.?!')}. Help: {n}.hint(){more}"
                f"{f', {n}.solution()' if self.solutions else ''}")

    def hint_text(self, level: int = 1) -> str:
        """The text :meth:`hint` shows."""
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise ValueError(f"level: expected 1, 2, ... (the hint's number), got {level!r}; "
                             f"call {self.name}.hint() for the first hint.")
        hints = self.hints
        if level > len(hints):
            then = f"; {self.name}.solution() shows an answer" if self.solutions else ""
            return f"Part {self.number} has {len(hints)} hints: {self.name}.hint({len(hints)}) is the last{then}."
        nxt = (f"\n\n(More specific: `{self.name}.hint({level + 1})`.)" if level < len(hints)
               else f"\n\n(Still stuck? `{self.name}.solution()` shows one answer.)" if self.solutions else "")
        return f"Hint {level} of {len(hints)} for Part {self.number}: {hints[level - 1]}{nxt}"

    def hint(self, level: int = 1) -> None:
        """Show hint number ``level``: 1 is a nudge, the next ones are more specific."""
        _show(self.hint_text(level))

    def solution_text(self) -> str:
        """The text :meth:`solution` shows."""
        if not self.solutions:
            return (f"Part {self.number}: solutions are not available for this assignment (your instructor turned "
                    f"them off). The hints are: {self.name}.hint(), then {self.name}.hint(2).")
        body = SOLUTIONS[self.assignment][self.number]
        written = not ANSWERS[self.assignment][self.number]
        block = "\n".join(f"> {line}" for line in body.splitlines()) if written else f"```python\n{body}\n```"
        return (f"One answer for Part {self.number} ({self.title}). Any honest answer earns full marks: read it, "
                f"then write your own version in the answer cell.\n\n{block}")

    def solution(self) -> None:
        """Show one honest answer (never needed to pass)."""
        _show(self.solution_text())


def parts(assignment: str, *, solutions: bool = True) -> tuple[Part, ...]:
    """The parts of ``assignment``, in order, each with ``hint()`` and ``solution()``.

    >>> [p.number for p in parts("split_preprocessing")]
    [1, 2]
    """
    if assignment not in HINTS:
        raise ValueError(f"assignment: expected one of {sorted(HINTS)}, got {assignment!r}.")
    if not isinstance(solutions, bool):
        raise TypeError(f"solutions: expected True or False, got {solutions!r}.")
    _CURRENT[:] = [assignment]
    return tuple(Part(assignment, n, solutions) for n in sorted(HINTS[assignment]))


def part_of(name: str) -> int | None:
    """The number of the part whose answer defines ``name`` (a function or variable), in
    the assignment asked for last, else in the one assignment that has such an answer."""
    found = [(a, p) for a, by_part in ANSWERS.items() for p, names in by_part.items() if name in names]
    current = [p for a, p in found if _CURRENT and a == _CURRENT[0]]
    if current:
        return current[0]
    return found[0][1] if len({a for a, _ in found}) == 1 else None
