"""The graded exercises: sources, generated notebooks, and grading through the real nbgrader.

Fast tests check that ``solutions/``, ``exercises/`` and the submission fixtures are built
from their sources and have the shape nbgrader needs. The tests marked ``nbgrader`` run
nbgrader itself in a temporary course directory: ``generate_assignment`` must reproduce the
committed ``exercises/``; every solution notebook must pass ``nbgrader validate``; and ONE
``nbgrader autograde <assignment>`` per assignment grades every fixture in
``tests/submissions/`` at once, after which each submission's per-cell scores, read from the
gradebook, must be what its source file says (the solution gets every point, the blank
release none, each leaky or cheating submission loses exactly the cells it names, and
correct-but-different ones lose nothing).
"""
from __future__ import annotations

import ast
import copy
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import build_solutions  # noqa: E402
import build_submissions  # noqa: E402
import make_exercises  # noqa: E402
import nbgrader_roundtrip as roundtrip  # noqa: E402

from leakkit.autograde import grade_cohort  # noqa: E402

ASSIGNMENTS = [src.stem for src in build_solutions.sources()]
# The corpus added with the protection (honest in other idioms, leaky in pandas and numpy, and
# cheats): graded on both paths, plain `nbgrader autograde` and `leakkit grade`.
BOTH_PATHS = {
    "direct_leakage": ["pandas_by_hand", "numpy_permutation", "fillna_before_split", "boosting_stages_on_test",
                       "best_of_ten_seeds", "split_but_fit_all", "subclass_hides_copies", "frames_the_grader"],
    "split_preprocessing": ["numpy_positions", "best_of_ten_splits", "scores_training_part",
                            "numpy_standardise_first", "patches_the_checks"],
    "cv_pipelines": ["numpy_folds", "correlation_screen", "caches_results", "search_on_all_rows",
                     "patches_trace_findings"],
    "ai_evaluation": ["best_of_top_ten_on_test", "trims_the_read_log", "caches_its_choice", "always_equal_dict",
                      "pandas_idxmax"],
    "checklist_capstone": ["disguised_customers", "tunes_on_private_copy", "numpy_cutoffs", "stages_on_test_invoices"],
}
_PARALLEL_RUNS = 2  # nbgrader autograde runs at once in the round trip (see graded())
WARNING_FIXTURE = ("direct_leakage", "convergence_warning")


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _solution_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def _test_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and _nbgrader(c).get("grade")]


def _written_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown" and _nbgrader(c).get("grade")]


# --------------------------------------------------------------------------- sources


def test_assignments_exist_in_every_form():
    assert set(ASSIGNMENTS) >= {"direct_leakage", "split_preprocessing"}
    assert make_exercises.assignments() == sorted(ASSIGNMENTS), "solutions/ and exercises_src/ name other assignments"
    for a in ASSIGNMENTS:
        assert (ROOT / "exercises" / a / f"{a}.ipynb").exists(), f"exercises/{a} is missing: run make exercises"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_notebook_is_built_from_its_source(assignment):
    src = ROOT / "exercises_src" / f"{assignment}.py"
    assert build_solutions.is_current(src), (
        f"solutions/{assignment} differs from exercises_src/{assignment}.py: run python tools/build_solutions.py {assignment}"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_metadata_round_trips_through_jupytext(assignment):
    src = ROOT / "exercises_src" / f"{assignment}.py"
    first = jupytext.read(src)
    again = jupytext.reads(jupytext.writes(first, fmt="py:percent"), fmt="py:percent")
    cells = lambda nb: [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]  # noqa: E731
    assert cells(again) == cells(first)
    assert any(c.metadata.get("nbgrader", {}).get("grade") for c in first.cells), "no nbgrader metadata was read"


_RETURN_VALUES = {"check_no_leak", "check_number"}  # leakkit.grading checks that return something


def _last_statement_yields_value(source: str) -> bool:
    """nbgrader reads a test cell's last expression value as partial credit: a test cell
    ending in, say, ``grading.check_no_leak(...)`` (which returns the score) would be graded
    by that number. Checked for the cell as in the source and as released (hidden tests cut)."""
    released = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", source, flags=re.S)
    for text in (source, released):
        body = ast.parse(text).body
        if not body or not isinstance(body[-1], ast.Expr):
            continue
        func = body[-1].value.func if isinstance(body[-1].value, ast.Call) else None
        if isinstance(func, ast.Name) and (func.id == "print" or func.id.startswith(("_check", "_hidden"))):
            continue
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "grading"
                and func.attr not in _RETURN_VALUES):
            continue
        return True
    return False


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_assignment_has_the_agreed_shape(assignment):
    nb = _solution_notebook(assignment)
    tests, written = _test_cells(nb), _written_cells(nb)
    ids = [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade_id in {assignment}"
    assert len(tests) >= 3, "a few autograded parts"
    assert all(_nbgrader(c).get("points", 0) > 0 and _nbgrader(c).get("locked") for c in tests)
    assert len(written) == 1, "one written answer graded by hand"
    meta = _nbgrader(written[0])
    assert meta["grade_id"].startswith("written_"), "the tests recognise the hand-graded cell by its name"
    assert meta["solution"] and not meta["task"] and meta["points"] > 0
    solutions = [c for c in nb.cells if c.cell_type == "code" and _nbgrader(c).get("solution")]
    assert solutions and all("### BEGIN SOLUTION" in c.source and "### END SOLUTION" in c.source for c in solutions)
    hidden = [c for c in tests if "### BEGIN HIDDEN TESTS" in c.source]
    assert len(hidden) >= len(tests) - 1, "nearly every test cell re-checks on hidden, fresh data"
    drawing = {node.name for c in tests for node in ast.walk(ast.parse(c.source))
               if isinstance(node, ast.FunctionDef) and "grading.fresh_seeds(" in ast.get_source_segment(c.source, node)}
    blocks = [c.source.split("### BEGIN HIDDEN TESTS")[1] for c in hidden]
    assert sum("grading.fresh_seeds(" in b or any(f"{name}(" in b for name in drawing) for b in blocks) >= len(hidden) - 1, (
        "hidden tests draw their seeds at grading time (grading.fresh_seeds)"
    )
    for c in tests:
        assert not _last_statement_yields_value(c.source), (
            f"{_nbgrader(c)['grade_id']}: the last statement is an expression; nbgrader would read its value as "
            f"partial credit. Assign it (_ = ...) instead."
        )


def test_last_statement_rule_catches_a_value():
    assert _last_statement_yields_value("x = 1\ngrading.check_no_leak(f, X)")
    assert not _last_statement_yields_value("_ = grading.check_no_leak(f, X)")
    assert not _last_statement_yields_value("print('ok')")
    assert not _last_statement_yields_value("grading.check_close(a, b, tol=0.1)")
    assert _last_statement_yields_value("grading.check_number(x)\n### BEGIN HIDDEN TESTS\n_ = 1\n### END HIDDEN TESTS")


# --------------------------------------------------------------------------- fixtures

FIXTURES = {a: build_submissions.fixtures(a) for a in ASSIGNMENTS}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_submission_fixtures_cover_the_brief(assignment):
    fxs = FIXTURES[assignment]
    losing = [f for f in fxs if f.loses]
    correct = [f for f in fxs if not f.loses]
    assert len(losing) >= 3, f"{assignment}: at least three leaky or cheating submissions"
    assert len(correct) >= 2, f"{assignment}: at least two correct-but-different submissions"
    tests = build_submissions.test_cell_ids(build_submissions.release_notebook(assignment))
    for fx in fxs:
        assert set(fx.loses) <= set(tests), f"{fx.student}: loses unknown cells"
        assert fx.comment and len(fx.comment) < 300


@pytest.mark.parametrize("fx", [f for fs in FIXTURES.values() for f in fs], ids=lambda f: f"{f.assignment}/{f.student}")
def test_submission_notebook_is_built_from_its_source(fx):
    assert fx.notebook_path.exists(), f"run python tools/build_submissions.py"
    assert fx.notebook_path.read_text() == nbformat.writes(build_submissions.build(fx)), (
        f"{fx.notebook_path.relative_to(ROOT)} is out of date: run python tools/build_submissions.py"
    )


def test_fixture_parser_refuses_a_file_without_its_comment(tmp_path):
    bad = tmp_path / "a" / "x.py"
    bad.parent.mkdir()
    bad.write_text('# %% grade_id="honest_score"\ndef honest_score():\n    pass\n')
    with pytest.raises(ValueError, match="one-line comment"):
        build_submissions.read_fixture(bad)
    bad.write_text('# Does something wrong, but says not which cells lose\n\n# %% grade_id="x"\npass\n')
    with pytest.raises(ValueError, match="loses"):
        build_submissions.read_fixture(bad)
    bad.write_text('# Wrong; loses: test_a and test_b\n\n# %% grade_id="x"\npass\n')
    assert build_submissions.read_fixture(bad).loses == ("test_a", "test_b")


def test_nbgrader_working_folders_stay_git_ignored(tmp_path):
    # The repository's .gitignore, judged by git itself in a scratch repository (so the test
    # also runs from an exported tree that is not a checkout).
    git = shutil.which("git")
    assert git, "git is needed to check .gitignore"
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run([git, "init", "-q"], cwd=tmp_path, check=True)
    names = ["gradebook.db", "submitted/x/a/a.ipynb", "autograded/x/a/a.ipynb", "feedback/x/a/a.html",
             "grades.csv", "grades/a/summary.csv", "grades/a/grading_seed", "downloaded/a/archive/x.zip"]
    kept = ["solutions/a/a.ipynb", "exercises/a/a.ipynb", "leakkit/trace.py"]
    out = subprocess.run([git, "check-ignore", *names, *kept], cwd=tmp_path, capture_output=True, text=True).stdout
    assert sorted(out.split()) == sorted(names)


# --------------------------------------------------------------------------- real nbgrader


@dataclass
class Graded:
    base: Path
    students: dict[str, list[str]] = field(default_factory=dict)
    scores: dict[str, dict] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    returncodes: dict[str, int] = field(default_factory=dict)
    validation: dict[str, dict] = field(default_factory=dict)
    warning_run: nbformat.NotebookNode | None = None
    driver_scores: dict[str, dict] = field(default_factory=dict)  # the same fixtures through `leakkit grade`
    driver_reports: dict[str, object] = field(default_factory=dict)


def _validate(assignment: str) -> dict:
    """``nbgrader validate`` through its Python API (the command exits 0 even on failure)."""
    from nbgrader.validator import Validator

    cfg = make_exercises.course_config(ROOT)
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    with tempfile.TemporaryDirectory() as tmp:  # validate a copy: the run must not touch solutions/
        copy_path = Path(tmp) / path.name
        shutil.copy(path, copy_path)
        return Validator(config=cfg).validate(str(copy_path))


def _run_warning_fixture() -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    assignment, student = WARNING_FIXTURE
    nb = nbformat.read(ROOT / "tests" / "submissions" / assignment / f"{student}.ipynb", as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": tmp}}).execute()
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    """Generate every assignment once, then autograde each one (all its students in ONE run),
    the assignments side by side; validate the solutions meanwhile."""
    base = roundtrip.make_course(tmp_path_factory.mktemp("course") / "base", ASSIGNMENTS)
    out = Graded(base=base)
    runs, courses = {}, {}
    for a in ASSIGNMENTS:
        course = roundtrip.clone_course(base, base.parent / a)
        subs = {"solution": roundtrip.solution_submission(a), "blank": build_submissions.release_notebook(a)}
        subs.update({fx.student: fx.notebook_path for fx in FIXTURES[a]})
        for student, nb in subs.items():
            roundtrip.submit(course, a, student, nb)
        out.students[a] = list(subs)
        courses[a] = course
    # Two autograde runs at a time (two cores; each run grades its students one after the
    # other): more would only make kernels wait for a core and cells run into their timeout.
    pending = list(ASSIGNMENTS)

    def start_next() -> str:
        a = pending.pop(0)
        runs[a] = roundtrip.start_autograde(courses[a], a)
        return a

    for _ in range(min(_PARALLEL_RUNS, len(pending))):
        start_next()
    # While nbgrader grades (in subprocesses), validate the solutions and run the warning fixture here.
    out.validation = {a: _validate(a) for a in ASSIGNMENTS}
    out.warning_run = _run_warning_fixture()
    waiting = dict(runs)
    while waiting:
        done = [a for a, run in waiting.items() if run.done()]
        if not done:
            time.sleep(0.5)
            continue
        for a in done:
            run = waiting.pop(a)
            rc, log, seconds = run.wait()
            out.returncodes[a], out.logs[a], out.seconds[a] = rc, log, seconds
            n = len(out.students[a])
            print(f"\nnbgrader autograde {a}: {n} submissions in {seconds:.1f} s, {seconds / n:.1f} s per submission")
            out.scores[a] = roundtrip.read_scores(run.course, a, out.students[a])
            if pending:
                b = start_next()
                waiting[b] = runs[b]
    # The other grading path: `leakkit grade` (two jobs) on the corpus added with the protection,
    # with the same grading secret, so each cell must score as it did with plain nbgrader.
    for a in ASSIGNMENTS:
        students = ["solution"] + [s for s in BOTH_PATHS.get(a, []) if s in out.students[a]]
        course = roundtrip.clone_course(base, base.parent / f"{a}-driver")
        roundtrip.submit(course, a, "solution", roundtrip.solution_submission(a))
        for fx in FIXTURES[a]:
            if fx.student in students:
                roundtrip.submit(course, a, fx.student, fx.notebook_path)
        (course / "grades" / a).mkdir(parents=True)
        (course / "grades" / a / "grading_seed").write_text(roundtrip.ROUND_TRIP_SEED + "\n")
        t0 = time.perf_counter()
        out.driver_reports[a] = grade_cohort(a, course, jobs=_PARALLEL_RUNS)
        print(f"\nleakkit grade {a}: {len(students)} submissions in {time.perf_counter() - t0:.1f} s")
        out.driver_scores[a] = roundtrip.read_scores(course, a, students)
    return out


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_match_what_generate_assignment_makes(graded, assignment):
    fresh = graded.base / "exercises" / assignment
    committed = ROOT / "exercises" / assignment
    names = lambda d: sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())  # noqa: E731
    assert names(fresh) == names(committed)
    for name in names(fresh):
        new = nbformat.read(fresh / name, as_version=4) if name.endswith(".ipynb") else (fresh / name).read_bytes()
        old = nbformat.read(committed / name, as_version=4) if name.endswith(".ipynb") else (committed / name).read_bytes()
        if name.endswith(".ipynb"):
            view = lambda nb: [(c.cell_type, c.source, c.metadata) for c in nb.cells]  # noqa: E731
            assert view(new) == view(old), f"exercises/{assignment}/{name} is stale: run make exercises"
            assert new.metadata == old.metadata
        else:
            assert new == old, f"exercises/{assignment}/{name} is stale: run make exercises"
    # The release holds no solution and no hidden test.
    text = "\n".join(c.source for c in nbformat.read(committed / f"{assignment}.ipynb", as_version=4).cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "Rubric" not in text


@pytest.mark.nbgrader
def test_generation_is_deterministic(graded, tmp_path):
    again = make_exercises.generate(ASSIGNMENTS[:1], tmp_path / "again")
    a = ASSIGNMENTS[0]
    first = (graded.base / "exercises" / a / f"{a}.ipynb").read_bytes()
    assert (again / a / f"{a}.ipynb").read_bytes() == first


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_nbgrader_validate(graded, assignment):
    result = graded.validation[assignment]
    assert result == {}, f"nbgrader validate found problems in solutions/{assignment}: {result}"


@pytest.mark.nbgrader
def test_validate_result_is_read_so_a_failure_is_seen(tmp_path):
    """`nbgrader validate` exits 0 even when a test fails: the result dict must say so."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"}})
    meta = {"grade": True, "grade_id": "t", "locked": True, "points": 1, "schema_version": 3, "solution": False,
            "task": False}
    failing_check = "from leakkit import grading\ngrading.check_near_chance(0.95, chance=0.5)"  # a leaky score
    nb.cells = [nbformat.v4.new_code_cell(failing_check, metadata={"nbgrader": meta})]
    path = tmp_path / "x" / "x.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    from nbgrader.validator import Validator

    result = Validator(config=make_exercises.course_config(ROOT)).validate(str(path))
    assert [f["source"] for f in result["failed"]] == [failing_check]
    assert "CheckFailed" in result["failed"][0]["error"]


def _expected(assignment: str, student: str, cells: dict) -> dict:
    """The per-cell outcome a submission must get: (auto score, needs manual grade)."""
    if student == "blank":
        return {g: (0.0, False) for g in cells}
    fx = {f.student: f for f in FIXTURES[assignment]}.get(student)
    loses = set(fx.loses) if fx else set()
    flagged = set(fx.flagged) if fx else set()
    out = {}
    for g, score in cells.items():
        if g.startswith("written_"):
            answered = student == "solution" or (fx is not None and g in fx.answers)
            out[g] = (None, True) if answered else (0.0, False)
        else:
            out[g] = (0.0 if g in loses else score.max_score, g in flagged)
    return out


def _pending(assignment: str, student: str) -> set[str]:
    """Cells whose expectation waits for work not merged yet (see the fixture's comment)."""
    fx = {f.student: f for f in FIXTURES[assignment]}.get(student)
    return set(fx.pending) if fx else set()


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment,student", [
    (a, s) for a in ASSIGNMENTS for s in ["solution", "blank"] + [f.student for f in FIXTURES[a]]
])
def test_autograde_scores_each_cell_as_expected(graded, assignment, student):
    assert student in graded.scores[assignment], f"{student} was not graded:\n{graded.logs[assignment][-3000:]}"
    cells = graded.scores[assignment][student]
    got = {g: (s.auto_score, s.needs_manual_grade) for g, s in cells.items()}
    want = _expected(assignment, student, cells)
    pending = _pending(assignment, student)
    wrong = {g: {"got": got[g], "expected": want[g]} for g in cells if got[g] != want[g] and g not in pending}
    assert not wrong, (
        f"{assignment}/{student}: cells scored otherwise than expected: {wrong}\n"
        f"(see the autograded notebook under {graded.base.parent / assignment / 'autograded' / student})\n"
        f"nbgrader's log for {student}:\n{_log_of(graded.logs[assignment], student)}"
    )


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment,student", [
    (a, s) for a in ASSIGNMENTS for s in ["solution"] + BOTH_PATHS.get(a, [])
])
def test_leakkit_grade_scores_each_cell_as_plain_nbgrader_does(graded, assignment, student):
    assert student in graded.driver_scores[assignment], f"{student} was not graded by leakkit grade"
    cells = graded.driver_scores[assignment][student]
    got = {g: (s.auto_score, s.needs_manual_grade) for g, s in cells.items()}
    want = _expected(assignment, student, cells)
    pending = _pending(assignment, student)
    wrong = {g: {"got": got[g], "expected": want[g]} for g in cells if got[g] != want[g] and g not in pending}
    row = graded.driver_reports[assignment].summary.set_index("student").loc[student]
    assert not wrong, f"{assignment}/{student} through leakkit grade: {wrong}\nflags: {row['flags']}"
    fx = {f.student: f for f in FIXTURES[assignment]}.get(student)
    assert row["status"] == "graded" and bool(row["needs_review"]) == bool(fx and fx.flagged), row["flags"]


def test_both_paths_grade_a_corpus_of_at_least_fifteen_new_submissions():
    named = [(a, s) for a, students in BOTH_PATHS.items() for s in students]
    assert len(named) >= 15 and len(set(named)) == len(named)
    known = {(a, f.student) for a in ASSIGNMENTS for f in FIXTURES[a]}
    assert set(named) <= known, set(named) - known
    assert {a for a, _ in named} == set(ASSIGNMENTS)


def _log_of(log: str, student: str) -> str:
    """The part of one ``nbgrader autograde`` log about one student (it grades them in turn),
    errors and tracebacks included."""
    lines, keep, out = log.splitlines(), False, []
    for line in lines:
        if "student with ID" in line:
            keep = f"'{student}'" in line
        if keep or (student in line and "ERROR" in line):
            out.append(line)
    return "\n".join(out[-200:]) or log[-3000:]


@pytest.mark.nbgrader
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_autograde_run_graded_everyone(graded, assignment):
    log = graded.logs[assignment]
    assert graded.returncodes[assignment] == 0, log[-3000:]
    assert len(re.findall(r"Autograding .*\.ipynb", log)) == len(graded.students[assignment])
    # The solution's autograded test cells wrote nothing to stderr and left no value that
    # nbgrader could mistake for partial credit.
    nb = nbformat.read(graded.base.parent / assignment / "autograded" / "solution" / assignment / f"{assignment}.ipynb",
                       as_version=4)
    for cell in _test_cells(nb):
        kinds = {(o.output_type, o.get("name")) for o in cell.outputs}
        assert ("stream", "stderr") not in kinds and ("execute_result", None) not in kinds, cell.source[:200]
        assert any(o.get("name") == "stdout" and "Correct:" in o.get("text", "") for o in cell.outputs)
    total = sum(s.max_score for g, s in graded.scores[assignment]["solution"].items() if not g.startswith("written_"))
    assert total == sum(_nbgrader(c)["points"] for c in _test_cells(_solution_notebook(assignment)))
    # nbgrader warns "Attribute 'checksum' ... has changed!" only for test cells a submission edited:
    # the hidden tests it puts back are restored silently for everyone else.
    tests = set(build_submissions.test_cell_ids(build_submissions.release_notebook(assignment)))
    untouched = ["solution"] + [f.student for f in FIXTURES[assignment] if not set(f.answers) & tests]
    for student in untouched:
        assert "Attribute 'checksum'" not in _log_of(log, student), f"{student}: {_log_of(log, student)[-2000:]}"


@pytest.mark.nbgrader
def test_ignore_pattern_keeps_full_marks_when_a_library_warns(graded):
    """The fixture's LogisticRegression prints a ConvergenceWarning to stderr inside the test
    cells. Without IgnorePattern nbgrader would score those cells zero; with the course's
    configuration they keep full marks."""
    from nbgrader.preprocessors import IgnorePattern
    from nbgrader.utils import determine_grade

    cfg = make_exercises.course_config(ROOT)
    warned = [c for c in _test_cells(graded.warning_run)
              if any(o.get("name") == "stderr" and "ConvergenceWarning" in o.get("text", "") for o in c.outputs)]
    assert warned, "the fixture should print a ConvergenceWarning in its test cells"
    ignore = IgnorePattern(config=cfg)
    assert ignore.enabled
    for cell in warned:
        score, max_score = determine_grade(cell)
        assert score == 0, "without IgnorePattern nbgrader scores a cell that wrote to stderr as failed"
        cleaned, _ = ignore.preprocess_cell(copy.deepcopy(cell), {}, 0)
        assert determine_grade(cleaned) == (max_score, max_score)
    assignment, student = WARNING_FIXTURE
    autograded = graded.scores[assignment][student]
    assert all(s.auto_score == s.max_score for g, s in autograded.items() if not g.startswith("written_"))
