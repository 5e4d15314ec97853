"""What the protection records in a notebook, and the gradebook lookups it shares."""
from __future__ import annotations

from typing import Any

from ._assignment import BEGIN_HIDDEN, END_HIDDEN, SourceCell, notebook_cells

SEED_VARIABLE = "LEAKKIT_GRADING_SEED"
KEY = "leakkit"  # the notebook metadata key holding what the protection found

# Error names written into autograded notebooks (nbgrader then scores the cell 0).
KERNEL_DIED = "KernelDied"
KERNEL_STUCK = "KernelUnresponsive"
NOT_RUN = "NotRun"
INTEGRITY = "GradingIntegrityError"
CELL_TIMEOUT = "CellTimeoutError"  # nbgrader's own, for a cell interrupted after Execute.timeout


def delimiters(config: Any) -> tuple[str, str]:
    hidden = config.get("ClearHiddenTests", {}) if config is not None else {}
    return hidden.get("begin_test_delimeter", BEGIN_HIDDEN), hidden.get("end_test_delimeter", END_HIDDEN)


def source_cells(resources: dict, config: Any) -> list[SourceCell]:
    from nbgrader.api import Gradebook, MissingEntry

    info = resources["nbgrader"]
    begin, end = delimiters(config)
    try:
        with Gradebook(info["db_url"]) as gb:
            return notebook_cells(gb, info["notebook"], info["assignment"], begin=begin, end=end)
    except MissingEntry:
        return []


def record(nb: Any) -> dict:
    """The notebook's ``leakkit`` metadata: flags, notes and the guard's events."""
    rec = nb.metadata.setdefault(KEY, {})
    for key in ("flags", "notes", "events"):
        rec.setdefault(key, [])
    return rec


def error_output(ename: str, evalue: str) -> Any:
    from nbformat import NotebookNode

    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
