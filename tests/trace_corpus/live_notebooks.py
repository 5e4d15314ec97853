"""The course notebooks through ``%load_ext leakkit``: every box the live extension shows,
cell by cell, and which of them sit under a cell whose markdown says **Right**.

A notebook shows the wrong way, then the right way, on the same data, in one kernel: exactly
what the live extension sees in every course notebook. A box under a **Right** cell is a false
alarm unless it is justified (listed in ``JUSTIFIED`` with the reason).

Each notebook's code cells run, in order, in one IPython shell with the extension loaded (the
working directory is ``notebooks/``, as when a learner opens it). Usage::

    .venv/bin/python tests/trace_corpus/live_notebooks.py [01 05 ...]
"""
from __future__ import annotations

import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

#: Boxes under a Right cell that are not false alarms: (notebook stem, check) -> why.
JUSTIFIED: dict[tuple[str, str], str] = {}

#: Boxes a learner must see under a **Wrong** cell (one written in plain code, without its own
#: ``with leakkit.trace()``): notebook stem -> the checks shown there.
EXPECTED_UNDER_WRONG: dict[str, set[str]] = {
    "03_direct_leakage": {"duplicates_across_split"},  # copies of test rows among the training rows
    "04_indirect_leakage": {"statistic_saw_held_out"},  # df.fillna(df.mean()) before cross-validation
}


@dataclass
class Cell:
    index: int  # position among the notebook's cells
    count: int | None  # execution count in the shell
    role: str  # "wrong", "right" or ""
    boxes: list = field(default_factory=list)  # "SEVERITY CODE check" per finding shown
    findings: list = field(default_factory=list)  # the JSON findings
    error: str = ""
    seconds: float = 0.0
    traces_itself: bool = False  # opens its own ``with leakkit.trace()`` (and prints its verdict)


def role_of(markdown: str) -> str:
    """'right' / 'wrong' when the markdown cell just above a code cell says so."""
    if re.search(r"\*\*Right\b", markdown):
        return "right"
    if re.search(r"\*\*Wrong\b", markdown):
        return "wrong"
    return ""


def run_notebook(path: Path) -> list[Cell]:
    """Run ``path``'s code cells under the live extension; one :class:`Cell` per code cell."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from leakkit import ipython as ext

    nb = nbformat.read(path, as_version=4)
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance()
    here = os.getcwd()
    os.chdir(path.parent)
    out: list[Cell] = []
    try:
        shell.run_line_magic("load_ext", "leakkit")
        shell.run_cell("import matplotlib; matplotlib.use('Agg')", store_history=False)
        above = ""
        for i, c in enumerate(nb.cells):
            if c.cell_type == "markdown":
                above = c.source
                continue
            if c.cell_type != "code":
                continue
            cell = Cell(index=i, count=None, role=role_of(above),
                        traces_itself=bool(re.search(r"^\s*with leakkit\.trace\(", c.source, re.M)))
            above = ""
            t0 = time.perf_counter()
            with capture_output() as cap, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = shell.run_cell(c.source, store_history=True)
            cell.seconds = time.perf_counter() - t0
            cell.count = result.execution_count
            if result.error_in_exec is not None or result.error_before_exec is not None:
                cell.error = repr(result.error_in_exec or result.error_before_exec)
            for o in cap.outputs:
                payload = o.data.get(ext.MIME)
                if payload:
                    for f in payload["findings"]:
                        cell.findings.append(f)
                        cell.boxes.append(f"{f['severity'].upper()} {f.get('code') or ''} {f['check']}")
            out.append(cell)
        shell.run_line_magic("unload_ext", "leakkit")
    finally:
        os.chdir(here)
        InteractiveShell.clear_instance()
    return out


def false_alarms(stem: str, cells: list[Cell]) -> list[tuple[Cell, dict]]:
    """Boxes under Right cells that are not justified."""
    return [(c, f) for c in cells if c.role == "right" for f in c.findings
            if (stem, f["check"]) not in JUSTIFIED]


def missed(stem: str, cells: list[Cell]) -> set[str]:
    """Checks of :data:`EXPECTED_UNDER_WRONG` that no Wrong cell of the notebook showed."""
    shown = {f["check"] for c in cells if c.role == "wrong" for f in c.findings}
    return EXPECTED_UNDER_WRONG.get(stem, set()) - shown


def main(argv: list[str]) -> int:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if argv:
        paths = [p for p in paths if any(p.name.startswith(a) for a in argv)]
    total_boxes = total_right = total_false = 0
    for p in paths:
        cells = run_notebook(p)
        bad = false_alarms(p.stem, cells)
        boxes = sum(len(c.findings) for c in cells)
        right = sum(len(c.findings) for c in cells if c.role == "right")
        total_boxes, total_right, total_false = total_boxes + boxes, total_right + right, total_false + len(bad)
        wrong = [c for c in cells if c.role == "wrong"]
        print(f"{p.stem}: {len(cells)} code cells, {boxes} findings shown, {right} under Right cells "
              f"({len(bad)} unjustified); {len(wrong)} Wrong cells, {sum(bool(c.findings) for c in wrong)} with a "
              f"box, {sum(c.traces_itself for c in wrong)} tracing themselves; {sum(c.seconds for c in cells):.1f} s")
        lost = missed(p.stem, cells)
        total_false += len(lost)
        if lost:
            print(f"    MISSED: no Wrong cell showed {sorted(lost)}")
        for c in cells:
            if c.findings or c.error:
                tag = c.role.upper() or "-"
                for f in c.findings:
                    print(f"    cell {c.index:>3} [{tag:5}] {f['severity'].upper()} {f.get('code')} {f['check']}: "
                          f"{f['message'][:150]}")
                if c.error:
                    print(f"    cell {c.index:>3} [{tag:5}] ERROR {c.error[:150]}")
    print(f"total: {total_boxes} findings shown, {total_right} under Right cells; "
          f"{total_false} unjustified or missed")
    return 0 if total_false == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
