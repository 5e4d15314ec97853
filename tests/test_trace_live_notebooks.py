"""The course notebooks through ``%load_ext leakkit``: no box under a cell whose markdown says
**Right** (each notebook shows the wrong way, then the right way, on the same data, in one
kernel), and the boxes a learner must see under the **Wrong** cells written in plain code are
there. Boxes elsewhere are listed by ``tests/trace_corpus/live_notebooks.py``."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "trace_corpus"))
import live_notebooks  # noqa: E402

NOTEBOOKS = sorted(live_notebooks.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def test_roles_are_read_from_the_markdown_above():
    assert live_notebooks.role_of("**Right** — split, then fit") == "right"
    assert live_notebooks.role_of("Predict first.\n\n**Wrong** — fit on all rows") == "wrong"
    assert live_notebooks.role_of("The right way is below.") == ""


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_no_box_under_a_right_cell(path):
    cells = live_notebooks.run_notebook(path)
    assert [c for c in cells if c.error] == [], [(c.index, c.error) for c in cells if c.error]
    assert sum(c.role == "right" for c in cells) >= 1  # the notebook has Right cells to check
    bad = live_notebooks.false_alarms(path.stem, cells)
    assert bad == [], [(c.index, f["check"], f["message"][:200]) for c, f in bad]
    assert live_notebooks.missed(path.stem, cells) == set(), [(c.index, c.role, c.boxes) for c in cells if c.boxes]


def test_every_expected_wrong_box_names_a_course_notebook():
    stems = {p.stem for p in NOTEBOOKS}
    assert set(live_notebooks.EXPECTED_UNDER_WRONG) <= stems
