"""Tests for leakkit.autograde, the cohort grading driver behind ``leakkit grade``.

Fast tests (no kernel): the static reading of submissions, the report, the progress bar
and the command's bad-input errors. Tests marked ``nbgrader`` grade real notebooks: every
adversarial and broken submission of tests/submissions/adversarial/ in ONE cohort run
(with the course's own nbgrader_config.py, Execute.timeout shortened for the loops), then
a re-run, a forced re-grade, an interrupted run and a deadline.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakkit import autograde
from leakkit._codescan import _HARMLESS_STORES
from leakkit.autograde import CohortReport, add_grade_parser, grade_cohort, run_grade, suspicious_code
from leakkit.autograde import _assignment, _course, _guard, _report
from leakkit.autograde import _summary as summary_module

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "submissions" / "adversarial"
ASSIGNMENT = "leak_quiz"
TIMEOUT = 30  # Execute.timeout for the test course: the loops cost this much; honest cells need a few seconds, on a busy machine too


# =====================================================================================
# Static reading of learner code
# =====================================================================================
@pytest.mark.parametrize("code, expected", [
    ("from leakkit import grading\ngrading.check_no_leak = lambda *a, **k: None", "replaces grading.check_no_leak"),
    ("import leakkit.grading as g\ng.check_close = print", "replaces g.check_close"),
    ("import leakkit\nsetattr(leakkit.grading, 'check_close', print)", "replaces an attribute of leakkit.grading"),
    ("import sklearn.metrics\ndel sklearn.metrics.roc_auc_score", "deletes sklearn.metrics.roc_auc_score"),
    ("get_ipython().showtraceback = None", "reaches into IPython (get_ipython)"),
    ("ip = get_ipython()\nip.input_transformers_post.append(f)", "changes how IPython runs or reports cells"),
    ("from IPython.core.interactiveshell import InteractiveShell", "reaches into IPython"),
    ("import os\nos._exit(0)", "kills the kernel (os._exit)"),
    ("from os import _exit\n_exit(1)", "kills the kernel (os._exit)"),
    ("import sys\nsys.modules['leakkit.grading'] = None", "touches sys.modules"),
    ("import builtins\nbuiltins.print = None", "changes Python's builtins"),
    ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)", "changes signal handlers"),
    ("globals()['grading'] = None", "writes into a namespace through globals()"),
    ("exec('x = 1')", "runs generated code (exec)"),
    ("from leakkit.trace import _unpatch", "uses leakkit internals"),
    ("import leakkit.autograde", "touches the grading driver"),
    ("!rm visits.csv", "runs a shell command"),
    ("%%bash\nrm visits.csv", "runs a %%bash cell"),
    ("def f():\n    global np\n    np = None", "redefines np, which the tests use"),
    ("grading = object()", "redefines grading, which the tests use"),
    ("def grading():\n    pass", "redefines grading, which the tests use"),
    ("import numpy as grading", "redefines grading, which the tests use"),
])
def test_suspicious_code_flags_what_changes_grading(code, expected):
    protected = {"grading": "leakkit.grading", "np": "numpy", "_check": "test_x:_check"}
    found = suspicious_code(code, protected=protected)
    assert any(expected in f for f in found), found


@pytest.mark.parametrize("code", [
    "import numpy as np\nscores = np.arange(3)\nprint(scores.mean())",
    "from leakkit import grading\nfrom leakkit.detect import duplicate_rows",  # re-importing what the tests import
    "import pandas as pd\npd.options.display.max_rows = 20",
    "import matplotlib.pyplot as plt\nplt.rcParams['figure.figsize'] = (5, 3)\nplt.show()",
    "%matplotlib inline\nimport numpy as np",
    "from sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression()\nmodel.C = 2.0",
    "import numpy as np\nnp.random.seed(0)",
    "def f(x):\n    y = x + 1\n    return y",
    "this is not python (",  # nbgrader scores syntax errors itself
    (FIXTURES / "build_fixtures.py").read_text().split("Q2_DIFFERENT = '''")[1].split("'''")[0],
])
def test_suspicious_code_is_silent_on_honest_code(code):
    assert suspicious_code(code, protected={"grading": "leakkit.grading", "np": "numpy"}) == []


@given(alias=st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
       attrs=st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=3))
@settings(max_examples=60, deadline=None)
def test_any_store_into_an_imported_module_is_flagged(alias, attrs):
    import keyword

    target = ".".join([alias, *attrs])
    if keyword.iskeyword(alias) or any(keyword.iskeyword(a) for a in attrs) or _HARMLESS_STORES.search(target):
        return  # not Python, or a display setting (pd.options..., rcParams) that honest code changes
    found = suspicious_code(f"import leakkit.grading as {alias}\n{target} = None")
    assert f"replaces {target}" in found


@given(name=st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True), n=st.integers(0, 10**6),
       func=st.sampled_from(["arange", "zeros", "ones", "sqrt", "log1p"]))
@settings(max_examples=60, deadline=None)
def test_ordinary_assignments_raise_nothing(name, n, func):
    import keyword

    if keyword.iskeyword(name) or name in ("np", "grading", "exec", "eval", "compile", "get_ipython"):
        return
    code = f"import numpy as np\n{name} = np.{func}({n})\nprint({name})"
    assert suspicious_code(code, protected={"np": "numpy", "grading": "leakkit.grading"}) == []


@given(st.text(max_size=300))
@settings(max_examples=100, deadline=None)
def test_suspicious_code_never_raises_on_any_text(text):
    found = suspicious_code(text)
    assert isinstance(found, list) and all(isinstance(f, str) for f in found)


def test_suspicious_code_rejects_bad_input():
    with pytest.raises(TypeError, match="source"):
        suspicious_code(b"import os")
    with pytest.raises(TypeError, match="protected"):
        suspicious_code("x = 1", protected=["grading"])


# =====================================================================================
# Comparing a submission with the assignment
# =====================================================================================
def _cells():
    C = _assignment.SourceCell
    return [
        C("setup", "code", True, False, False, None, "import numpy as np", "import numpy as np"),
        C("answer", "code", False, False, True, None, "x = 1", "raise NotImplementedError()"),
        C("test_x", "code", True, True, False, 2.0, "assert x == 1\n### BEGIN HIDDEN TESTS\nassert x\n"
          "### END HIDDEN TESTS", "assert x == 1"),
    ]


def _nb(*cells):
    def cell(gid, source, cell_type="code", **meta):
        m = {"grade_id": gid, "locked": gid != "answer", "grade": gid == "test_x", "solution": gid == "answer",
             "schema_version": 3}
        if gid == "test_x":
            m["points"] = 2
        m.update(meta)
        return {"cell_type": cell_type, "source": source, "metadata": {"nbgrader": m}}

    return {"cells": [cell(*c[:2], **(c[2] if len(c) > 2 else {})) for c in cells]}


def test_structure_flags_an_untouched_submission_is_clean():
    nb = _nb(("setup", "import numpy as np"), ("answer", "x = 1"), ("test_x", "assert x == 1\n"))
    assert _assignment.structure_flags(nb, _cells()) == ([], [])


@pytest.mark.parametrize("cells, expected", [
    ([("setup", "import numpy as np"), ("answer", "x = 1"), ("test_x", "pass")], "edited test cell 'test_x'"),
    ([("setup", "import numpy as np"), ("answer", "x = 1")], "deleted test cell 'test_x'"),
    ([("answer", "x = 1"), ("test_x", "assert x == 1")], "deleted locked cell 'setup'"),
    ([("setup", "import numpy as np"), ("answer", "x = 1"), ("test_x", "assert x == 1"), ("test_x", "assert x == 1")],
     "duplicated cell 'test_x'"),
    ([("setup", "import numpy as np"), ("answer", "x = 1"), ("test_x", "assert x == 1", {"points": 20})],
     "changed the grading metadata of cell 'test_x' (points)"),
    ([("setup", "import numpy as np"), ("answer", "x = 1"), ("test_x", "assert x == 1", {"locked": False})],
     "changed the grading metadata of cell 'test_x' (locked)"),
])
def test_structure_flags_find_tampering(cells, expected):
    flags, _ = _assignment.structure_flags(_nb(*cells), _cells())
    assert any(expected in f for f in flags), flags


def test_structure_flags_a_changed_cell_type():
    nb = _nb(("setup", "import numpy as np"), ("answer", "x = 1"), ("test_x", "assert x == 1"))
    nb["cells"][2]["cell_type"] = "markdown"
    flags, _ = _assignment.structure_flags(nb, _cells())
    assert flags == ["changed cell 'test_x' from code to markdown (nbgrader changed it back)"]


def test_only_cells_that_really_run_are_scanned():
    nb = _nb(("setup", "import os; os._exit(0)"), ("answer", "x = 1"), ("test_x", "assert x == 1"))
    nb["cells"].append({"cell_type": "code", "source": "y = 2", "metadata": {}})
    nb["cells"].append({"cell_type": "markdown", "source": "os._exit(0)", "metadata": {}})
    labels = [label for label, _ in _assignment.learner_cells(nb, _cells())]
    assert labels == ["'answer'", "4"]  # the locked cell is restored by nbgrader; markdown never runs


# =====================================================================================
# The kernel guard's restore step (the kernel side, on a hand-made state)
# =====================================================================================
def _guard_state():
    import types

    mod = types.ModuleType("fake_checks")
    exec("def check(x):\n    return x > 0\n", mod.__dict__)  # noqa: S102
    mod.check.__module__ = "fake_checks"

    class Shell:
        pass

    shell = Shell()
    shell.user_ns = {"checks": mod}
    shell.events = types.SimpleNamespace(callbacks={"pre_run_cell": []})
    shell.custom_exceptions = ()
    for name in _guard.SHELL_LISTS:
        setattr(shell, name, [])
    state = {
        "entries": [(mod, "check", mod.check, "fake_checks.check")],
        "class_keys": {Shell: set(vars(Shell))},
        "shell": shell,
        "shell_attrs": {"custom_exceptions": ()},
        "lists": {name: [] for name in _guard.SHELL_LISTS},
        "events": {"pre_run_cell": []},
        "sys": {"excepthook": sys.excepthook, "stdout": sys.stdout, "stderr": sys.stderr,
                "trace": sys.gettrace(), "profile": sys.getprofile()},
        "bound": {"checks": mod},
    }
    return state, mod, shell


def test_guard_restores_what_was_replaced_and_says_what():
    state, mod, shell = _guard_state()
    original = mod.check
    assert _guard.restore(state) == []
    mod.check = lambda x: True
    shell.user_ns["checks"] = object()
    shell.input_transformers_post.append(lambda lines: lines)
    shell.custom_exceptions = (Exception,)
    changes = _guard.restore(state)
    assert mod.check is original and shell.user_ns["checks"] is mod
    assert shell.input_transformers_post == [] and shell.custom_exceptions == ()
    assert "fake_checks.check was replaced" in changes
    assert "checks (set by the assignment's locked cells) was rebound" in changes
    assert "IPython's input_transformers_post were changed" in changes
    assert "the IPython shell's custom_exceptions was replaced" in changes
    del mod.check
    assert _guard.restore(state) == ["fake_checks.check was deleted"] and mod.check is original


def test_guard_accepts_a_reloaded_module_as_unchanged():
    state, mod, _ = _guard_state()
    exec("def check(x):\n    return x > 0\n", mod.__dict__)  # noqa: S102 - what importlib.reload does
    mod.check.__module__ = "fake_checks"
    reloaded = mod.check
    assert _guard.restore(state) == []
    assert mod.check is reloaded  # kept, and now the reference
    mod.check = lambda x: True
    assert _guard.restore(state) == ["fake_checks.check was replaced"] and mod.check is reloaded


# =====================================================================================
# The report, the progress bar, the command's errors
# =====================================================================================
def _summary():
    rows = []
    for i, (status, pct, review) in enumerate([("graded", 100.0, False), ("graded", 100.0, False),
                                                ("graded", 25.0, False), ("crashed", 25.0, True),
                                                ("failed", None, True)]):
        rows.append({"student": f"s{i}", "status": status, "score": None if pct is None else pct / 25,
                     "max_score": 5.0, "auto_score": None if pct is None else pct / 25, "auto_max_score": 4.0,
                     "auto_percent": pct, "failed_tests": "", "manual_cells": int(not review), "needs_review": review,
                     "flags": "crashed: the kernel died; tampered: x" if review else "", "notes": "",
                     "seconds": 3.0, "graded_now": True})
    return pd.DataFrame(rows)


def test_report_states_the_finding_and_writes_csv_and_plot(tmp_path):
    report = CohortReport("week1", _summary(), out_dir=tmp_path)
    assert report.headline() == ("2 of 4 graded submissions passed every automatic test (median 62 %); 1 not graded; "
                                 "2 need a human look")
    csv, png = report.write()
    back = pd.read_csv(csv)
    assert list(back.columns) == summary_module.SUMMARY_COLUMNS
    assert list(back["student"]) == ["s0", "s1", "s2", "s3", "s4"]
    assert png.stat().st_size > 5000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = report.plot()
    assert ax.get_title(loc="left") == report.headline().replace("; ", "\n")
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == 4  # every graded submission is in one bar; the one not graded is in none
    text = str(report)
    assert "Needs a human look (2):" in text and "s3" in text and "tampered: x" in text
    # the statistics leave out the submission without a grade, and say so
    assert "Automatic tests (4 graded submissions): mean 62 %, median 62 %, 0 at zero." in text
    assert "Not graded, left out of these figures (1): s4." in text
    assert "Needs manual grading: 3 answer cells in 3 submissions (grade them in nbgrader's formgrader): s0, s1, s2." in text
    assert len(report.needs_review) == 2 and len(report.needs_manual_grading) == 3


def test_report_rejects_a_frame_without_the_columns():
    with pytest.raises(ValueError, match="missing columns"):
        CohortReport("week1", pd.DataFrame({"student": ["a"]}))
    with pytest.raises(TypeError, match="DataFrame"):
        CohortReport("week1", [{"student": "a"}])


def test_progress_bar_is_plain_text_one_line_per_submission_off_a_terminal():
    out = io.StringIO()
    bar = _report.Progress(3, out, "grading week1")
    bar.update("ada", "graded in 2.0 s", False)
    bar.update("bo", "graded (kernel died)", True)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("grading week1 [########................] 1/3 ada: graded in 2.0 s")
    assert "2/3 bo: graded (kernel died)" in lines[1] and "(1 to look at)" in lines[1]


def test_grading_seed_is_a_private_stable_secret(tmp_path):
    seed = _course.grading_seed(tmp_path / "grades")
    assert seed.isdigit() and int(seed) > 0
    assert _course.grading_seed(tmp_path / "grades") == seed  # the same on every run
    if os.name == "posix":
        assert (tmp_path / "grades" / "grading_seed").stat().st_mode & 0o077 == 0  # not readable by others


def test_grade_parser_and_bad_input_errors(tmp_path):
    ap = argparse.ArgumentParser(prog="leakkit")
    add_grade_parser(ap.add_subparsers(dest="command"))
    args = ap.parse_args(["grade", "week1", "--jobs", "3", "--course", str(tmp_path), "--student", "a",
                          "--student", "b", "--force"])
    assert (args.jobs, args.student, args.force) == (3, ["a", "b"], True)
    with pytest.raises(ValueError, match=r"^--course: folder .* not found") as e:
        run_grade(ap.parse_args(["grade", "week1", "--course", str(tmp_path / "nope")]))
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match=r"^ASSIGNMENT: no assignment 'week1' in ") as e:
        run_grade(ap.parse_args(["grade", "week1", "--course", str(tmp_path)]))
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="--jobs"):
        grade_cohort("week1", tmp_path, jobs=0)
    with pytest.raises(ValueError, match="ASSIGNMENT"):
        grade_cohort("../x", tmp_path)


def test_leakkit_grade_command_exits_2_with_one_line(tmp_path, capsys):
    from leakkit import cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert "grade" in sub.choices, "leakkit.cli must offer the grade subcommand"
    for argv in (["grade", "week1", "--course", str(tmp_path / "nope")], ["grade", "week1", "--course", str(tmp_path)]):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("leakkit grade: error: ")


# =====================================================================================
# Grading real notebooks
# =====================================================================================
def _make_course(course: Path, students: list[str], *, timeout: int = TIMEOUT) -> Path:
    """A course folder with the leak_quiz source and the given fixture submissions, using
    the repository's nbgrader_config.py (IgnorePattern, LimitOutput...) with a short timeout."""
    (course / "solutions").mkdir(parents=True)
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(ROOT / 'nbgrader_config.py')!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.Execute.timeout = {timeout}\n")
    # The hidden tests' "fresh" data come from this secret (made at random on a first run):
    # fixed here, so the suite grades the same data every time.
    (course / "grades" / ASSIGNMENT).mkdir(parents=True)
    (course / "grades" / ASSIGNMENT / "grading_seed").write_text("20261128\n")
    for s in students:
        d = course / "submitted" / s / ASSIGNMENT
        d.mkdir(parents=True)
        if s == "empty_submission":
            continue  # an empty folder: git cannot keep one, so it is made here
        shutil.copy(FIXTURES / f"{s}.ipynb", d / f"{ASSIGNMENT}.ipynb")
        if s == "data_modified":
            shutil.copy(FIXTURES / "data_modified.visits.csv", d / "visits.csv")
        elif s != "data_deleted":
            shutil.copy(FIXTURES / "source" / ASSIGNMENT / "visits.csv", d / "visits.csv")
    return course


def _grades(course: Path) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "data-leakage") as gb:
        for sub in gb.find_assignment(ASSIGNMENT).submissions:
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[(sub.student.id, g.name)] = (g.auto_score, g.manual_score, g.needs_manual_grade)
    return out


def _autograded_stamps(course: Path) -> dict:
    return {str(p.relative_to(course)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted((course / "autograded").rglob("*.ipynb"))}


# (automatically graded points out of 4, status, needs a human look, a phrase of its flags)
EXPECTED = {
    # honest work, however it is written, keeps full marks and raises nothing
    "honest": (4, "graded", False, ""),
    "different_but_correct": (4, "graded", False, ""),
    "warnings_on_stderr": (4, "graded", False, ""),  # IgnorePattern drops scikit-learn's warnings
    "print_flood": (4, "graded", False, ""),  # LimitOutput truncates; a note, not a flag
    "data_deleted": (4, "graded", False, ""),  # nbgrader grades with the released file
    # wrong or leaky work earns what its answers earn
    "blank": (0, "graded", False, ""),
    "leaky": (1, "graded", False, ""),
    "hard_coded": (0, "graded", False, ""),  # the hidden tests use data made at grading time
    "data_modified": (3, "graded", False, ""),  # the doctored file is replaced by the original
    # tampering: no more than the same answers earn honestly, and a flag
    "edited_test": (3, "graded", True, "edited test cell 'test_n_patients'"),
    "deleted_test": (1, "graded", True, "deleted test cell 'test_cv_no_leak'"),
    "duplicated_cell": (4, "graded", True, "duplicated cell 'test_n_patients'"),
    "cell_type_changed": (1, "graded", True, "changed cell 'test_cv_no_leak' from code to markdown"),
    "monkeypatch_grading": (1, "graded", True, "leakkit.grading.check_no_leak was replaced"),
    "rebinds_grading": (1, "graded", True, "grading (set by the assignment's locked cells) was rebound"),
    "redefines_helper": (3, "graded", True, "_fresh_patients (set by the assignment's locked cells) was rebound"),
    "patch_during_test": (1, "graded", True, "while test 'test_cv_near_chance' ran (the test scored 0)"),
    "traceback_hooks": (0, "graded", True, "showtraceback was replaced"),
    "swallow_errors": (0, "graded", True, "input_transformers_post were changed"),
    "data_rewritten": (3, "graded", True, "the code changed visits.csv while it was being graded"),
    # broken: graded as far as possible, flagged, and the cohort goes on
    "infinite_loop": (4, "timed out", True, f"cell 'honest_cv_accuracy' ran past {TIMEOUT} s and was interrupted"),
    "unstoppable_loop": (1, "timed out", True, "ignored the interrupt, so the kernel was stopped"),
    "kernel_killed": (1, "crashed", True, "the kernel died in cell 'honest_cv_accuracy'"),
    # no grade at all: left out of the statistics, listed
    "malformed_json": (None, "failed", True, "leak_quiz.ipynb is not valid notebook JSON"),
    "empty_submission": (None, "empty", True, "empty submission"),
}
# The fixture whose answers (without the cheat) are the same: a cheat earns no more.
SAME_ANSWERS = {"monkeypatch_grading": "leaky", "rebinds_grading": "leaky", "patch_during_test": "leaky",
                "deleted_test": "leaky", "cell_type_changed": "leaky", "traceback_hooks": "blank",
                "swallow_errors": "blank", "hard_coded": "honest", "duplicated_cell": "honest",
                "infinite_loop": "honest", "kernel_killed": "honest", "unstoppable_loop": "honest",
                "data_deleted": "honest", "warnings_on_stderr": "honest",
                "print_flood": "honest", "redefines_helper": "data_modified"}


def test_every_fixture_has_an_expected_outcome():
    made = {p.stem for p in FIXTURES.glob("*.ipynb")} | {"empty_submission"}
    assert made == set(EXPECTED)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    course = _make_course(tmp_path_factory.mktemp("course"), sorted(EXPECTED))
    progress = io.StringIO()
    report = grade_cohort(ASSIGNMENT, course, jobs=2, progress=progress)
    return course, report, progress.getvalue()


@pytest.mark.nbgrader
@pytest.mark.slow
def test_adversarial_cohort_in_one_run(cohort):
    course, report, progress = cohort
    s = report.summary.set_index("student")
    assert sorted(s.index) == sorted(EXPECTED)
    problems = []
    for student, (points, status, review, phrase) in EXPECTED.items():
        row = s.loc[student]
        got = (None if pd.isna(row["auto_score"]) else row["auto_score"], row["status"], bool(row["needs_review"]))
        if got != (points, status, review) or phrase not in row["flags"]:
            problems.append(f"{student}: expected {(points, status, review, phrase)}, got {got} {row['flags']!r}")
        if not review and row["flags"]:
            problems.append(f"{student}: unexpected flags {row['flags']!r}")
    assert not problems, "\n".join(problems)
    for cheat, same in SAME_ANSWERS.items():
        assert s.loc[cheat, "auto_score"] <= s.loc[same, "auto_score"], cheat
    assert (s["auto_max_score"] == 4).all() and (s["max_score"] == 5).all()
    # the written answer is left to a person; an unanswered one is scored 0 by nbgrader
    assert s.loc["honest", "manual_cells"] == 1 and s.loc["blank", "manual_cells"] == 0
    assert "differs from the released one" in s.loc["data_modified", "notes"]
    assert "missing from the submission" in s.loc["data_deleted", "notes"]
    assert "output truncated" in s.loc["print_flood", "notes"]
    assert s.loc["honest", "failed_tests"] == "" and s.loc["leaky", "failed_tests"] == "test_cv_no_leak test_cv_near_chance"
    # the hidden tests drew their data from the assignment's grading secret, which the kernel's
    # environment never held (the kernel guard handed it to leakkit.grading)
    from leakkit.grading import fresh_seeds

    explored = json.loads((course / "autograded" / "different_but_correct" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in explored["cells"] for o in c.get("outputs", []))
    assert f"grading data seed: {fresh_seeds('test_cv_no_leak', secret=20261128)[0]}" in printed
    assert s.loc[list(s.index.difference(["malformed_json", "empty_submission"])), "auto_score"].notna().all()
    assert "Not graded, left out of these figures (2): empty_submission, malformed_json." in str(report)
    # what nbgrader itself recorded agrees
    g = _grades(course)
    assert g[("honest", "test_cv_no_leak")] == (2.0, None, False)
    # a test around which the guard undid something is left to a person ("needs manual grade")
    assert g[("monkeypatch_grading", "test_cv_no_leak")] == (0.0, None, True)
    assert g[("leaky", "test_cv_no_leak")] == (0.0, None, False)
    assert g[("honest", "written_answer")][2] is True  # nbgrader: needs manual grading
    # outputs: the report, the plot, a progress line per submission on the stream
    assert (course / "grades" / ASSIGNMENT / "summary.csv").exists()
    assert (course / "grades" / ASSIGNMENT / "scores.png").stat().st_size > 5000
    assert progress.count(f"grading {ASSIGNMENT} [") == len(EXPECTED) - 1  # the empty one needs no grading
    assert f"{len(EXPECTED) - 1}/{len(EXPECTED) - 1}" in progress
    assert f"Needs a human look ({sum(v[2] for v in EXPECTED.values())}):" in str(report)


@pytest.mark.nbgrader
@pytest.mark.slow
def test_the_warning_that_ignorepattern_drops_is_real():
    """warnings_on_stderr earns full marks above only because the course's IgnorePattern
    removes scikit-learn's warning from the test cells' stderr: the warning is there."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    nb = json.loads((FIXTURES / "warnings_on_stderr.ipynb").read_text())
    code = next("".join(c["source"]) for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == "honest_cv_accuracy")
    ns: dict = {}
    exec(code, ns)  # noqa: S102 - our own fixture
    import numpy as np

    rng = np.random.default_rng(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ns["honest_cv_accuracy"](rng.normal(size=(80, 1000)), rng.integers(0, 2, 80))
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
    import re

    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert cfg.IgnorePattern.enabled and re.search(cfg.IgnorePattern.pattern, "ConvergenceWarning: lbfgs failed")


# The same protection on the other grading path: plain `nbgrader autograde` (what the
# formgrader's button runs), with the course's nbgrader_config.py and nothing else.
PLAIN_PATH = ["honest", "different_but_correct", "leaky", "monkeypatch_grading", "rebinds_grading",
              "patch_during_test", "redefines_helper", "edited_test", "traceback_hooks", "swallow_errors"]


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    course = _make_course(tmp_path_factory.mktemp("plain"), PLAIN_PATH, timeout=120)
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
               LEAKKIT_GRADING_SEED="20261128")
    cmd = [sys.executable, "-m", "nbgrader"]
    gen = subprocess.run(cmd + ["generate_assignment", ASSIGNMENT, "--force"], cwd=course, env=env,
                         capture_output=True, text=True, timeout=600)
    assert gen.returncode == 0, gen.stdout + gen.stderr
    run = subprocess.run(cmd + ["autograde", ASSIGNMENT, "--force", "--create"], cwd=course, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    feedback = subprocess.run(cmd + ["generate_feedback", ASSIGNMENT, "--force"], cwd=course, env=env,
                              capture_output=True, text=True, timeout=600)
    assert feedback.returncode == 0, (feedback.stdout + feedback.stderr)[-4000:]
    return course, run.stdout + run.stderr


def _record(course: Path, student: str) -> dict:
    nb = json.loads((course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    return nb["metadata"].get("leakkit", {})


@pytest.mark.nbgrader
@pytest.mark.slow
def test_plain_nbgrader_autograde_applies_the_same_protection(plain_run, cohort):
    course, log = plain_run
    plain = _grades(course)
    driver = _grades(cohort[0])
    for student in PLAIN_PATH:
        for cell in ("test_n_patients", "test_cv_no_leak", "test_cv_near_chance"):
            assert plain[(student, cell)] == driver[(student, cell)], (student, cell, plain[(student, cell)])
    # cheats keep no more than the same answers earn honestly, and are flagged for a person
    for cheat in ("monkeypatch_grading", "rebinds_grading", "patch_during_test"):
        assert plain[(cheat, "test_cv_no_leak")][0] == 0.0 and plain[(cheat, "test_cv_near_chance")][0] == 0.0
        assert any(plain[(cheat, c)][2] for c in ("test_cv_no_leak", "test_cv_near_chance")), cheat
        assert _record(course, cheat)["review"], cheat
        assert f"leakkit: {cheat} needs a human look" in log
    assert "leakkit.grading.check_no_leak was replaced" in " ".join(_record(course, "monkeypatch_grading")["review"])
    # honest work: nothing flagged, nothing left to a person but the written answer
    for honest in ("honest", "different_but_correct"):
        assert _record(course, honest)["review"] == [] and _record(course, honest)["guard"] == "on"
        assert not any(v[2] for k, v in plain.items() if k[0] == honest and k[1].startswith("test_"))
        assert f"leakkit: {honest} needs" not in log
    # nbgrader warns about an edited test cell, but not about the honest ones' test cells
    assert "Attribute 'checksum' for cell test_" in _log_of(log, "edited_test")
    for honest in ("honest", "different_but_correct", "leaky"):
        assert "Attribute 'checksum'" not in _log_of(log, honest), _log_of(log, honest)


def _log_of(log: str, student: str) -> str:
    """The part of an `nbgrader autograde` log about one student (it grades them in turn)."""
    out, keep = [], False
    for line in log.splitlines():
        if "Autograding" in line or "student with ID" in line or "Sanitizing" in line:
            keep = f"/{student}/" in line or f"'{student}'" in line
        if keep:
            out.append(line)
    return "\n".join(out)


@pytest.mark.nbgrader
@pytest.mark.slow
def test_feedback_shows_results_and_messages_but_no_hidden_test_code(plain_run):
    course, _ = plain_run
    source = json.loads((FIXTURES / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    hidden = []
    for cell in source["cells"]:
        text = "".join(cell["source"])
        if "BEGIN HIDDEN TESTS" in text:
            block = text.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden += [ln.strip() for ln in block.splitlines() if len(ln.strip()) > 12]
    assert len(hidden) >= 5
    import html

    for student in ("honest", "leaky", "edited_test"):
        page = html.unescape((course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text())
        text = " ".join(page.split())
        shown = [ln for ln in hidden if " ".join(ln.split()) in text]
        assert not shown, f"{student}'s feedback shows hidden-test code: {shown}"
        assert "BEGIN HIDDEN TESTS" not in text and "hidden tests: their code is not shown" in text
        assert "Correct:" in text  # the results and learner-facing messages are there
    leaky = html.unescape((course / "feedback" / "leaky" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text())
    assert "CheckFailed" in leaky and "How to fix it:" in leaky and "SelectKBest" in leaky


@pytest.mark.nbgrader
@pytest.mark.slow
def test_rerun_grades_nothing_and_changes_no_grade(cohort):
    course, first, _ = cohort
    grades, stamps = _grades(course), _autograded_stamps(course)
    again = grade_cohort(ASSIGNMENT, course, jobs=2)
    s = again.summary.set_index("student")
    # only the submissions nbgrader could not grade are tried again (and fail again)
    assert set(s.index[s["graded_now"]]) == {"malformed_json", "empty_submission"}
    assert _grades(course) == grades
    assert _autograded_stamps(course) == stamps
    cols = ["status", "auto_score", "needs_review", "flags"]
    pd.testing.assert_frame_equal(s[cols], first.summary.set_index("student")[cols])


@pytest.mark.nbgrader
@pytest.mark.slow
def test_grading_again_gives_the_same_scores(cohort):
    course, first, _ = cohort
    some = ["honest", "leaky", "hard_coded", "rebinds_grading"]
    again = grade_cohort(ASSIGNMENT, course, jobs=2, students=some, force=True)
    s, f = again.summary.set_index("student"), first.summary.set_index("student")
    assert s.loc[some, "auto_score"].tolist() == f.loc[some, "auto_score"].tolist()
    # --student grades those students and keeps every other row of the summary as it was
    assert sorted(s.index) == sorted(f.index) and set(s.index[s["graded_now"]]) == set(some)
    others = [x for x in f.index if x not in some]
    cols = ["status", "auto_score", "needs_review", "flags"]
    pd.testing.assert_frame_equal(s.loc[others, cols], f.loc[others, cols])
    written = pd.read_csv(course / "grades" / ASSIGNMENT / "summary.csv")
    assert sorted(written["student"]) == sorted(f.index)
    assert (course / "grades" / ASSIGNMENT / "grading_seed").read_text().strip() == "20261128"  # kept


@pytest.mark.nbgrader
@pytest.mark.slow
def test_an_interrupted_run_is_finished_by_the_next_and_keeps_its_grades(tmp_path):
    # Graded in name order, one at a time: the interrupt comes after the first, and the
    # infinite loop (stopped after TIMEOUT s) keeps the run busy long enough on a loaded machine.
    students = ["blank", "honest", "infinite_loop", "leaky"]
    course = _make_course(tmp_path / "course", students)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # Ctrl-C in a terminal: SIGINT delivered and handled by Python. The child must not inherit
    # an ignored or blocked SIGINT from this test process (xdist workers, libraries).
    code = ("import argparse, signal, sys\n"
            "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})\n"
            "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "from leakkit.autograde import run_grade\n"
            f"sys.exit(run_grade(argparse.Namespace(assignment={ASSIGNMENT!r}, course={str(course)!r}, jobs=1)))")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    journal = course / "grades" / ASSIGNMENT / "journal.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_text().count("\n") >= 1:
            break
        time.sleep(0.2)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (f"{err}\n(this process: SIGINT handler {signal.getsignal(signal.SIGINT)!r}, "
                                    f"blocked {signal.pthread_sigmask(signal.SIG_BLOCK, set())!r})")
    assert "interrupted" in err and "run the same command again" in err
    done = [json.loads(line)["student"] for line in journal.read_text().splitlines()]
    # interrupted after the first submission, during the second or the third (the loop)
    assert done in (["blank"], ["blank", "honest"])
    grades, stamps = _grades(course), _autograded_stamps(course)
    kept_grades = {k: v for k, v in grades.items() if k[0] in done}
    kept_files = {k: v for k, v in stamps.items() if k.split(os.sep)[1] in done}
    assert len(kept_files) == len(done)

    report = grade_cohort(ASSIGNMENT, course, jobs=2)
    s = report.summary.set_index("student")
    assert set(s.index[~s["graded_now"]]) == set(done)
    assert list(s.loc[students, "auto_score"]) == [0.0, 4.0, 4.0, 1.0]
    assert s["status"].to_dict() == {"blank": "graded", "honest": "graded", "infinite_loop": "timed out",
                                     "leaky": "graded"}
    after = _grades(course)
    assert {k: v for k, v in after.items() if k[0] in done} == kept_grades
    assert {k: v for k, v in _autograded_stamps(course).items() if k.split(os.sep)[1] in done} == kept_files


@pytest.mark.nbgrader
@pytest.mark.slow
def test_a_submission_past_the_deadline_is_stopped_and_not_retried_by_default(tmp_path):
    course = _make_course(tmp_path / "course", ["unstoppable_loop", "blank"], timeout=600)
    # A generous deadline: the blank submission must be graded within it on a busy machine too.
    report = grade_cohort(ASSIGNMENT, course, jobs=2, deadline=60)
    s = report.summary.set_index("student")
    assert s.loc["unstoppable_loop", "status"] == "stopped"
    assert "stopped at the deadline" in s.loc["unstoppable_loop", "flags"]
    assert pd.isna(s.loc["unstoppable_loop", "auto_score"])  # nothing recorded: no grade, not a zero
    # nbgrader wrote its sanitized copy before running it: that is not a graded notebook
    assert (course / "autograded" / "unstoppable_loop" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert s.loc["blank", "status"] == "graded"  # the other submission was graded all the same
    out = io.StringIO()
    again = grade_cohort(ASSIGNMENT, course, jobs=1, progress=out)
    assert not again.summary["graded_now"].any()
    assert "stopped at the deadline in an earlier run, not retried: unstoppable_loop" in out.getvalue()


# =====================================================================================
# Failures that are the machine's, not the learner's, are retried
# =====================================================================================
def test_infrastructure_failures_are_told_from_the_learners():
    from leakkit.autograde._pool import is_infrastructure_failure

    assert is_infrastructure_failure({"success": False, "error": "RuntimeError: Kernel died before replying to kernel_info"})
    assert is_infrastructure_failure({"success": False, "log": "sqlite3.OperationalError: database is locked"})
    assert is_infrastructure_failure({"worker_died": True})
    assert not is_infrastructure_failure({"success": False, "error": "NotJSONError: Notebook does not appear to be JSON"})
    assert not is_infrastructure_failure({"deadline": True})  # a hung submission would hang again
    assert not is_infrastructure_failure({"success": True})


def test_run_workers_grades_again_after_an_infrastructure_failure(monkeypatch):
    from leakkit.autograde import _pool

    replies = {"ada": [{"success": False, "error": "Kernel died before replying to kernel_info"},
                       {"success": True, "student": "ada"}],
               "bo": [{"success": False, "error": "Kernel died before replying to kernel_info"}] * 5}

    class FakeWorker:
        def __init__(self, env=None, cwd=None):
            self.log = Path("/dev/null")

        def configure(self, spec):
            pass

        def grade(self, student, deadline):
            return dict(replies[student].pop(0))

        def close(self):
            pass

        def kill(self):
            pass

    monkeypatch.setattr(_pool, "Worker", FakeWorker)
    got = {}
    _pool.run_workers(["ada", "bo"], workers=[FakeWorker(), FakeWorker()], spec={}, env={}, cwd=Path("."),
                      deadline=10, on_result=lambda s, reply, attempts, wall: got.update({s: (reply["success"], attempts)}))
    assert got == {"ada": (True, 2), "bo": (False, _pool.RETRIES + 1)}  # bo: reported not graded after the retries


def test_a_kernel_that_fails_to_start_is_started_again(monkeypatch):
    import contextlib

    from leakkit.autograde._execute import GuardedExecute

    ex = GuardedExecute(kernel_start_retries=2)
    starts = []

    @contextlib.contextmanager
    def setup_kernel(**kwargs):
        starts.append(kwargs["env"])
        if len(starts) < 3:
            raise RuntimeError("Kernel died before replying to kernel_info")
        ex.kc = type("KC", (), {"kernel_info": lambda self: "id"})()  # what a started kernel gives
        yield

    monkeypatch.setattr(ex, "setup_kernel", setup_kernel)
    monkeypatch.setattr(ex, "wait_for_reply", lambda msg: {"content": {"language_info": {"name": "python"}}})
    monkeypatch.setattr(time, "sleep", lambda s: None)
    ex.km = None
    ex.nb = type("NB", (), {"metadata": {}})()
    ex._record = {"notes": [], "events": []}
    monkeypatch.setenv("LEAKKIT_GRADING_SEED", "123")
    ex._start_kernel()
    assert len(starts) == 3 and len(ex._record["notes"]) == 2
    assert all("LEAKKIT_GRADING_SEED" not in env for env in starts)  # the secret stays out of the kernel


def test_the_course_config_installs_the_protection_on_every_path():
    """Plain `nbgrader autograde` and the formgrader's button load nbgrader_config.py, as
    `leakkit grade` does: the protection is in nbgrader's own lists there."""
    from traitlets.config.loader import PyFileConfigLoader

    from leakkit.autograde import preprocessors as pp

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    sanitize, grading_steps = cfg.Autograde.sanitize_preprocessors, cfg.Autograde.autograde_preprocessors
    assert sanitize[0] is pp.ReadSubmission and pp.RestoreCells in sanitize
    assert grading_steps[0] is pp.GuardedExecute and pp.FlagForReview in grading_steps
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    assert Execute not in grading_steps
    assert grading_steps.index(pp.FlagForReview) == grading_steps.index(SaveAutoGrades) + 1
    assert pp.HideHiddenTests in cfg.GenerateFeedback.preprocessors
    assert cfg.OverwriteCells.add_missing_cells is False
