"""nbgrader's Validate, readable in ten seconds: one label and one line per failed test.

nbgrader's Validate button (and ``nbgrader validate``) lists each failed test cell with
its whole source and its whole traceback. Two things make it short, both active only while
nbgrader validates (it sets ``NBGRADER_VALIDATING=1``, which the kernel inherits):

- in the kernel, :mod:`leakkit.grading._notebook` reports *every* error of a test cell as one
  message: what is wrong and what to do next ("Part 2 is not attempted yet: write your code
  in ...", a check's "How to fix it", or "TypeError: ... in `your_function`, line 4: run this
  test cell to see the full traceback"), wrapped at :data:`WIDTH`;
- :func:`label_test_cell`, the validating executor's ``on_cell_complete`` hook (set in the
  course's ``nbgrader_config.py``), replaces the source of each test cell, once the kernel
  has received it, by its label: ``Part 2 · test_exact_copies (1 point)``.

Autograding and feedback never see either change. A test cell the learner edited keeps its
source, so Validate still reports "the following cell has changed". Nothing is hidden: every
failed cell is still listed and still fails.
"""
from __future__ import annotations

import os
from typing import Any

WIDTH = 100  # messages are wrapped at this width; nbgrader_config.py sets Validator.width above it


def validating() -> bool:
    """Whether nbgrader is validating (in its process, and in the kernel it started)."""
    return os.environ.get("NBGRADER_VALIDATING") == "1"


def label(meta: dict) -> str:
    """``Part 2 · test_exact_copies (1 point)`` for a test cell's nbgrader metadata.

    >>> label({"grade_id": "test_exact_copies", "points": 1})
    'Part 2 · test_exact_copies (1 point)'
    """
    from ._solutions import TESTS

    grade_id, points = meta.get("grade_id", "test"), meta.get("points", 0)
    parts = {TESTS[a][grade_id] for a in TESTS if grade_id in TESTS[a]}
    part = f"Part {parts.pop()} · " if len(parts) == 1 else ""
    return f"{part}{grade_id} ({points:g} point{'s' if points != 1 else ''})"


def label_test_cell(cell: Any = None, cell_index: Any = None, **_: Any) -> None:
    """``on_cell_complete`` hook: while nbgrader validates, a test cell's source (already sent
    to the kernel) becomes its label, so Validate does not print the test's code."""
    if cell is None or not validating():
        return
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if cell.get("cell_type") != "code" or not meta.get("grade"):
        return
    from nbgrader.utils import compute_checksum

    if meta.get("checksum") != compute_checksum(cell):
        return  # edited by the learner: Validate reports the change with the cell's source
    cell.source = label(meta)
    meta["checksum"] = compute_checksum(cell)
