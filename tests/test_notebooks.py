"""The shape of the committed course notebooks, read without running them (nbval runs them).

What a learner and JupyterLab see: no test markers in the code, key results output-checked
through cell tags, a "predict, then run" question before every Wrong cell, outputs of a
clean run, and the metadata JupyterLab would write itself (so a notebook opens without the
unsaved-changes dot).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))

from build_notebooks import code_of  # noqa: E402


def _read(path):
    return nbformat.read(path, as_version=4)


def test_nine_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"0{i}" for i in range(1, 10)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_matches_its_source(path):
    source = ROOT / "notebooks" / "src" / f"{path.stem}.py"
    assert code_of(jupytext.read(source)) == code_of(_read(path)), (
        f"{path.name} is out of date; run: python tools/build_notebooks.py {path.stem[:2]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_test_markers_in_learner_code_and_key_results_tagged(path):
    nb = _read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    marked = [i for i, c in enumerate(code) if re.search(r"^\s*#\s*(NBVAL_|PYTEST_VALIDATE_)", c.source, re.M)]
    assert not marked, f"{path.name}: nbval comment markers in code cells {marked}; use cell tags"
    checked = [c for c in code if "nbval-check-output" in c.metadata.get("tags", [])]
    assert len(checked) >= 5, f"{path.name}: only {len(checked)} cells are output-checked by nbval"
    assert all(c.outputs for c in checked), f"{path.name}: a checked cell has no output to check"
    for c in code:
        tags = c.metadata.get("tags", [])
        assert set(tags) <= {"nbval-check-output", "nbval-ignore-output", "nbval-skip", "raises-exception"}, tags


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_metadata_is_what_jupyterlab_writes(path):
    nb = _read(path)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert nb.metadata["kernelspec"] == {"display_name": "Python 3 (ipykernel)", "language": "python",
                                         "name": "python3"}
    info = nb.metadata["language_info"]
    # JupyterLab replaces language_info with the kernel's own when the notebook opens; a bare
    # {"name": "python"} differs from it, which marks the notebook modified.
    assert {"name", "version", "mimetype", "file_extension", "codemirror_mode", "pygments_lexer",
            "nbconvert_exporter"} <= set(info), info
    assert set(nb.metadata) == {"kernelspec", "language_info"}
    for i, cell in enumerate(nb.cells):
        assert cell.id == f"{path.stem[:2]}-{i:03d}"
        assert set(cell.metadata) <= {"tags", "nbgrader"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_of_a_clean_run(path):
    code = [c for c in _read(path).cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    for c in code:
        kinds = [(o.output_type, o.get("name")) for o in c.outputs]
        assert not any(a == b and a[0] == "stream" for a, b in zip(kinds, kinds[1:])), (
            f"{path.name}: split stream outputs (the build merges them so rebuilds do not churn): {c.source[:60]}")
        for out in c.outputs:
            assert out.output_type != "error", (path.name, c.source[:80])
            assert not (out.output_type == "stream" and out.name == "stderr"), (path.name, c.source[:80])
            text = "".join(out.get("text", ""))
            assert "-0.000 ±" not in text and "-0.00 ±" not in text, (path.name, text[:200])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_prediction_is_asked_before_every_wrong_cell(path):
    cells = _read(path).cells
    wrong = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.search(r"\*\*Wrong\*\* —", c.source)]
    for i in wrong:
        before = "".join(c.source for c in cells[max(0, i - 2):i + 1] if c.cell_type == "markdown")
        assert re.search(r"\*\*Predict, then run\.\*\*|before reading on, try to list", before, re.I), (
            f"{path.name}: the Wrong cell {i} has no 'predict, then run' question before it")


def test_the_course_opens_on_a_table_that_fits_and_states_the_leaky_minus_honest_gap():
    nb01 = _read(ROOT / "notebooks" / "01_data_leakage.ipynb")
    head = next(c for c in nb01.cells if c.cell_type == "code" and ".head()" in c.source)
    html = head.outputs[0]["data"]["text/html"]
    for column in ("customer_id", "account_closed_days", "retention_offer_made", "churned"):
        assert f">{column}<" in html, f"{column} is not in notebook 01's first table"
    assert html.count("<th") <= 16, "notebook 01's first table has too many columns to fit a laptop screen"
    texts = "".join("".join(o.get("text", "")) for c in nb01.cells if c.cell_type == "code" for o in c.outputs)
    assert "leaky minus honest" in texts
