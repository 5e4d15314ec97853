"""The exercises as a learner alone at night meets them: short, friendly errors in a real
kernel ("Part 2 is not attempted yet"), tiered hints and a solution per part, on request."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from leakkit import grading
from leakkit.grading import _hints, _solutions

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import build_solutions  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(cells: list[str]) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"}})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return nb


def _error(cell) -> dict:
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return {"ename": errors[0].ename, "evalue": errors[0].evalue,
            "text": ANSI.sub("", "\n".join(errors[0].traceback))}


@pytest.fixture(scope="module")
def kernel_run():
    return _run([
        "from leakkit import grading\nimport numpy as np\npart1, part2, part3, part4 = grading.parts('direct_leakage')",
        "def drop_test_copies(train, test):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
        "drop_test_copies(1, 2)",  # 2: a test calling an answer not written yet
        "_ = grading.check_no_leak(drop_test_copies, np.zeros((10, 2)), np.zeros(10))",  # 3: through leakkit
        "# YOUR CODE HERE\nraise NotImplementedError()",  # 4: an answer cell run as released
        "leaky_columns",  # 5: its test cell
        "grading.check_near_chance(0.9, chance=0.5)",  # 6: a check that fails
        "assert 0.5 >= 0.75, 'On this data an honest score is above 0.75; yours is 0.500.'",  # 7: a test's assert
        "churn.frame",  # 8: the setup cell was not run
        "def mine(x):\n    return x + undefined_thing\nmine(1)",  # 9: a bug in the learner's own code
        "np.linalg.inv(np.zeros((2, 2)))",  # 10: an error raised in a library
        "def f():\n    raise NotImplementedError('later')\nf()",  # 11: a learner's own NotImplementedError
    ])


def test_an_unwritten_answer_says_not_attempted_in_one_line_and_still_fails(kernel_run):
    for i in (2, 3):
        err = _error(kernel_run.cells[i])
        assert err["ename"] == "NotImplementedError"  # nbgrader scores the cell as failed, as before
        assert err["text"].count("\n") == 0, err["text"]
        assert "Part 2 is not attempted yet" in err["text"] and "`drop_test_copies`" in err["text"]
        assert "leakkit" not in err["text"] and "Traceback" not in err["text"]
        assert "Part 2 is not attempted yet" in err["evalue"]  # what feedback and Validate show
    err = _error(kernel_run.cells[4])
    assert "replace the `raise NotImplementedError()` line of this cell" in err["text"]
    err = _error(kernel_run.cells[5])
    assert err["ename"] == "NameError" and "Part 1 is not attempted yet: `leaky_columns` is not defined" in err["text"]


def test_failed_checks_and_test_asserts_show_their_message_only(kernel_run):
    err = _error(kernel_run.cells[6])
    assert err["ename"] == "CheckFailed" and err["text"].startswith("CheckFailed: Your reported score is 0.900")
    assert "How to fix it:" in err["text"] and "Traceback" not in err["text"] and "_checks.py" not in err["text"]
    err = _error(kernel_run.cells[7])
    assert err["text"] == "AssertionError: On this data an honest score is above 0.75; yours is 0.500."
    err = _error(kernel_run.cells[8])
    assert "`churn` is not defined yet: run the cells above this one first" in err["text"]


def test_the_learners_own_bugs_keep_their_traceback(kernel_run):
    for i, where in ((9, "undefined_thing"), (10, "_linalg.py"), (11, "raise NotImplementedError('later')")):
        err = _error(kernel_run.cells[i])
        assert "Traceback" in err["text"] and where in err["text"], err["text"]


def test_a_failed_test_cell_still_scores_zero(kernel_run):
    from nbgrader.utils import determine_grade

    for i in (2, 3, 5, 6, 7):
        cell = kernel_run.cells[i]
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"t{i}", "points": 2, "solution": False,
                                     "locked": True, "schema_version": 3}
        assert determine_grade(cell) == (0, 2)


def test_help_objects_exist_in_the_kernel(kernel_run):
    assert not [o for o in kernel_run.cells[0].outputs if o.output_type == "error"]


# --------------------------------------------------------------------------- hints and solutions


def _source_parts(assignment: str) -> list[int]:
    nb = jupytext.read(ROOT / "exercises_src" / f"{assignment}.py")
    return [int(m.group(1)) for c in nb.cells if c.cell_type == "markdown"
            for m in [re.match(r"#+\s*Part\s+(\d+):", c.source)] if m]


ASSIGNMENTS = [p.stem for p in build_solutions.sources()]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_part_has_tiered_hints_and_a_solution(assignment):
    parts = grading.parts(assignment)
    assert [p.number for p in parts] == _source_parts(assignment)
    for p in parts:
        assert len(p.hints) >= 2
        first, second = p.hint_text(1), p.hint_text(2)
        assert first.startswith(f"Hint 1 of {len(p.hints)} for Part {p.number}:") and f"part{p.number}.hint(2)" in first
        assert len(set(p.hints)) == len(p.hints), "each hint says something new"
        assert f"part{p.number}.solution()" in p.hint_text(len(p.hints)), "the last hint points to the solution"
        solution = p.solution_text()
        assert _solutions.SOLUTIONS[assignment][p.number].splitlines()[0] in solution
        for name in _solutions.ANSWERS[assignment][p.number]:
            assert name in solution
        assert "BEGIN SOLUTION" not in solution and "Rubric" not in solution
    # the hints never give away a hidden test's data: they speak of the learner's own objects
    assert set(_hints.HINTS[assignment]) == {p.number for p in parts}


def test_solutions_can_be_turned_off_for_graded_homework():
    part = grading.parts("split_preprocessing", solutions=False)[0]
    text = part.solution_text()
    assert "not available for this assignment" in text and "def honest_score" not in text
    assert "solution()" not in part.hint_text(2) and "solution()" not in repr(part)
    assert "part1.solution()" in repr(grading.parts("split_preprocessing")[0])


def test_help_input_is_checked():
    with pytest.raises(ValueError, match="assignment: expected one of"):
        grading.parts("direct_leak")
    with pytest.raises(TypeError, match="solutions: expected True or False"):
        grading.parts("direct_leakage", solutions="no")
    with pytest.raises(ValueError, match="level: expected 1, 2"):
        grading.parts("direct_leakage")[0].hint_text(0)
    assert "has 2 hints" in grading.parts("direct_leakage")[0].hint_text(3)


def test_the_solutions_module_is_made_from_the_sources():
    assert build_solutions.help_module_is_current(), "run python tools/build_solutions.py"


# --------------------------------------------------------------------------- nbgrader's Validate


def _validate(nb: nbformat.NotebookNode, tmp_path: Path) -> tuple[dict, str]:
    """What the Validate button gets (the result dict) and what `nbgrader validate` prints."""
    import io

    import make_exercises
    from nbgrader.validator import Validator

    path = tmp_path / "a" / "a.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    validator = Validator(config=make_exercises.course_config(ROOT))
    validator.stream = io.StringIO()
    result = validator.validate(str(path))
    if "failed" in result:  # printed as validate_and_print does, without validating twice
        validator._print_num_failed(len(result["failed"]))
        for cell in result["failed"]:
            validator._print_error(cell["source"], cell["raw_error"])
    return result, validator.stream.getvalue()


def _dialog(result: dict) -> list[str]:
    """The lines of JupyterLab's Validation Results dialog, as nbgrader's labextension builds it
    for failed cells: a heading, the cell's source, its error (HTML)."""
    import html

    lines = []
    for failed in result.get("failed", []):
        lines.append("The following cell failed:")
        lines += failed["source"].splitlines()
        lines += html.unescape(re.sub(r"<[^>]+>", "", failed["error"])).splitlines()
    return lines


def _release(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def _check_short(result: dict, printed: str, sources: list[str]) -> list[str]:
    lines = _dialog(result)
    text = "\n".join(lines)
    for bad in ("Traceback", "leakkit/grading", "File ", "_check_", "grading.check_"):
        assert bad not in text and bad not in printed, (bad, text)
    for source in sources:  # no test's code is repeated
        for line in source.splitlines():
            if len(line.strip()) > 25:
                assert line.strip() not in text and line.strip() not in printed, line
    return lines


@pytest.mark.nbgrader
def test_validate_on_a_blank_release_is_one_short_entry_per_test(tmp_path):
    nb = _release("direct_leakage")
    tests = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    result, printed = _validate(nb, tmp_path)
    lines = _check_short(result, printed, [c.source for c in tests])
    assert len(result["failed"]) == len(tests) + 1  # every test, and the written answer
    assert len(lines) <= 26, "\n".join(lines)
    for part in (1, 2, 3):
        assert f"Part {part} is not attempted yet" in "\n".join(lines)
    labels = [f["source"] for f in result["failed"]]
    assert labels[:2] == ["Part 1 · test_leaky_columns (2 points)", "Part 2 · test_exact_copies (1 point)"]


@pytest.mark.nbgrader
def test_validate_on_a_half_done_notebook_says_what_is_wrong_and_what_is_left(tmp_path):
    """Part 1 right, Part 2 keeps the re-typed copies, Part 3 not attempted."""
    nb = nbformat.read(ROOT / "tests" / "submissions" / "direct_leakage" / "exact_copies_only.ipynb", as_version=4)
    release = {c.metadata["nbgrader"]["grade_id"]: c for c in _release("direct_leakage").cells
               if c.metadata.get("nbgrader", {}).get("grade_id")}
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "train_honest_model":
            cell.source = release["train_honest_model"].source
    tests = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    result, printed = _validate(nb, tmp_path)
    lines = _check_short(result, printed, [c.source for c in tests])
    labels = [f["source"] for f in result["failed"]]
    assert labels == ["Part 2 · test_near_copies (2 points)", "Part 3 · test_model_runs (1 point)",
                      "Part 3 · test_no_leak (2 points)", "Part 3 · test_claim_matches_production (3 points)",
                      "YOUR ANSWER HERE: write your answer in this cell."], labels
    text = " ".join(lines)
    assert "test rows also appear in the training rows (after normalising text and rounding)" in text
    assert "How to fix it:" in text and "Part 3 is not attempted yet" in text
    assert len(lines) <= 20, text


@pytest.mark.nbgrader
def test_validate_still_reports_an_edited_test_cell(tmp_path):
    nb = _release("split_preprocessing")
    edited = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_returns_score")
    edited.source = "print('Correct: trust me')"
    result, _ = _validate(nb, tmp_path)
    assert [c["source"] for c in result["changed"]] == ["print('Correct: trust me')"]


@pytest.mark.nbgrader
def test_an_instructor_can_release_without_solutions(tmp_path):
    import make_exercises

    release = make_exercises.generate(["split_preprocessing"], tmp_path / "course", solutions=False)
    nb = nbformat.read(release / "split_preprocessing" / "split_preprocessing.ipynb", as_version=4)
    help_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "help")
    assert 'grading.parts("split_preprocessing", solutions=False)' in help_cell.source
    # the committed release (solutions on) differs only there; the checksum is nbgrader's own
    committed = {c.id: c.source for c in _release("split_preprocessing").cells}
    assert {c.id for c in nb.cells if committed.get(c.id) != c.source} == {help_cell.id}
    from nbgrader.utils import compute_checksum

    assert help_cell.metadata["nbgrader"]["checksum"] == compute_checksum(help_cell)
    shown = _run([help_cell.source.replace("part1, part2", "from leakkit import grading\npart1, part2"),
                  "print(part1.solution_text())"])
    assert "not available for this assignment" in shown.cells[1].outputs[0]["text"]


def test_the_help_cell_of_every_release_names_every_part():
    for assignment in ASSIGNMENTS:
        cells = [c for c in _release(assignment).cells if c.metadata.get("nbgrader", {}).get("grade_id") == "help"]
        assert len(cells) == 1 and cells[0].metadata["nbgrader"]["locked"]
        names = ", ".join(f"part{n}" for n in _source_parts(assignment))
        assert cells[0].source.startswith(f'{names} = grading.parts("{assignment}")\n')


# --------------------------------------------------------------------------- advice fits the mistake


def _learner_view(fx) -> dict[str, dict]:
    """Run a submission fixture as its learner would (the release with their answers: visible
    tests only); per test cell, what it printed and whether it failed."""
    from nbclient import NotebookClient

    nb = nbformat.read(fx.notebook_path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(fx.notebook_path.parent)}}).execute()
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            out[meta["grade_id"]] = {
                "stdout": "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"),
                "failed": any(o.output_type == "error" for o in cell.outputs)}
    return out


def _honest_mistakes():
    """Fixtures that make a learner's mistake (not a cheat, which a learner makes on purpose)."""
    import build_submissions

    return [fx for a in ASSIGNMENTS for fx in build_submissions.fixtures(a)
            if fx.loses and not fx.flagged and not fx.comment.lower().startswith("cheats")]


@pytest.mark.slow
@pytest.mark.nbgrader
def test_a_visible_test_never_says_correct_for_the_rule_a_mistake_breaks():
    """Each leaky fixture, run as its learner sees it: a test cell it loses at grading never
    passes with a "Correct:" line (it fails, or says nothing), and a failing cell tells why."""
    from concurrent.futures import ThreadPoolExecutor

    fixtures = _honest_mistakes()
    assert len(fixtures) >= 25
    with ThreadPoolExecutor(2) as pool:
        views = dict(zip([f"{fx.assignment}/{fx.student}" for fx in fixtures], pool.map(_learner_view, fixtures)))
    wrong = []
    for fx in fixtures:
        view = views[f"{fx.assignment}/{fx.student}"]
        for grade_id in set(fx.loses) - set(fx.pending):
            cell = view[grade_id]
            if not cell["failed"] and "Correct" in cell["stdout"]:
                wrong.append(f"{fx.assignment}/{fx.student} {grade_id}: {cell['stdout'].strip()[-200:]}")
    assert not wrong, "\n".join(wrong)
    caught = sum(view[g]["failed"] for fx in fixtures for g in set(fx.loses) - set(fx.pending)
                 for view in [views[f"{fx.assignment}/{fx.student}"]])
    total = sum(len(set(fx.loses) - set(fx.pending)) for fx in fixtures)
    print(f"\n{caught} of {total} lost test cells already fail in the learner's own run")


@pytest.mark.slow
@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_work_passes_every_visible_test_and_says_so(assignment):
    import build_submissions

    honest = [fx for fx in build_submissions.fixtures(assignment) if not fx.loses][:1]
    for fx in honest:
        for grade_id, cell in _learner_view(fx).items():
            assert not cell["failed"], f"{fx.student} {grade_id}"
            assert cell["stdout"].strip(), f"{fx.student} {grade_id} passed without saying so"
