"""Build the adversarial grading fixtures: a small nbgrader assignment and its cheating,
broken and honest submissions.

    python tests/submissions/adversarial/build_fixtures.py

writes

- ``source/leak_quiz/leak_quiz.ipynb`` and ``source/leak_quiz/visits.csv``: the instructor
  source of a tiny assignment (a data file to read, a function to write, a leak-free
  cross-validation checked with ``leakkit.grading`` on fresh data, a written answer);
- ``<student>.ipynb``: one submission per case, made from the release nbgrader generates
  (so their checksums and metadata are nbgrader's own), then answered or tampered with;
- ``data_modified.visits.csv``: the doctored data file one learner submits;
- ``malformed_json.ipynb``: a notebook cut in the middle of a save.

tests/test_autograde.py grades them all in one cohort run and states each expected
outcome. The empty submission folder is made by the test (git keeps no empty folder).
"""
from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NAME = "leak_quiz"


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict:
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
         "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


def _code(cell_id: str, source: str, **meta) -> nbformat.NotebookNode:
    c = nbformat.v4.new_code_cell(source.strip("\n"), id=cell_id)
    if meta:
        c.metadata = _meta(cell_id, **meta)
    return c


def _md(cell_id: str, source: str, **meta) -> nbformat.NotebookNode:
    c = nbformat.v4.new_markdown_cell(source.strip("\n"), id=cell_id)
    if meta:
        c.metadata = _meta(cell_id, **meta)
    return c


def _fresh_seed(salt: str) -> str:
    """Hidden-test code drawing its data at grading time from the grading secret (the
    driver's per-assignment secret, so a re-grade gives the same scores; random without one)."""
    return (f"_seed = grading.fresh_seeds({salt!r})[0]\n"
            f"print('grading data seed:', _seed)\n"
            f"_rng = np.random.default_rng(_seed)")


def source_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    nb.cells = [
        _md("intro", """
# Leak quiz (a grading fixture)

Three short parts: count patients in `visits.csv`, cross-validate without leaking, and
say why in two sentences."""),
        _code("setup", """
import numpy as np
import pandas as pd

from leakkit import grading


def _fresh_patients(n=300):
    \"\"\"A table of patient ids for the hidden tests, new at grading time.\"\"\"
    seed = grading.fresh_seeds("test_n_patients")[0]
    return pd.DataFrame({"patient": np.random.default_rng(seed).integers(0, 500, n)})


visits = pd.read_csv("visits.csv")
print(f"{len(visits)} visits of {visits['patient'].nunique()} patients")""", locked=True),
        _md("part1", "## Part 1 (1 point)\n\nWrite `n_patients(frame)`: the number of distinct patients in `frame`."),
        _code("n_patients", '''
def n_patients(frame):
    """The number of distinct patients in `frame`."""
    ### BEGIN SOLUTION
    return int(frame["patient"].nunique())
    ### END SOLUTION''', solution=True),
        _code("test_n_patients", '''
assert n_patients(visits) == 30, "visits.csv holds the visits of 30 patients: count each patient once."
print("Correct: 30 patients.")
### BEGIN HIDDEN TESTS
assert n_patients(pd.read_csv("visits.csv")) == 30, "visits.csv holds the visits of 30 patients."
_fresh = _fresh_patients()
assert n_patients(_fresh) == _fresh["patient"].nunique(), "Count each patient once, whatever the table."
### END HIDDEN TESTS''', grade=True, locked=True, points=1),
        _md("part2", """
## Part 2 (3 points)

Write `honest_cv_accuracy(X, y)`: keep the 10 features most related to `y` and return the
5-fold cross-validated accuracy of a classifier on them, without letting the selection
see the rows each fold holds out. The tests run it on labels that are pure noise."""),
        _code("honest_cv_accuracy", '''
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline


def honest_cv_accuracy(X, y):
    """5-fold cross-validated accuracy on the 10 best features, selected inside each fold."""
    ### BEGIN SOLUTION
    model = make_pipeline(SelectKBest(k=10), LogisticRegression(max_iter=1000))
    return float(cross_val_score(model, X, y, cv=5).mean())
    ### END SOLUTION''', solution=True),
        _code("noise", """
_noise = np.random.default_rng(0)
X_noise, y_noise = _noise.normal(size=(80, 1000)), _noise.integers(0, 2, 80)""", locked=True),
        _code("test_cv_no_leak", f'''
_ = grading.check_no_leak(honest_cv_accuracy, X_noise, y_noise)
### BEGIN HIDDEN TESTS
{_fresh_seed("test_cv_no_leak")}
_X, _y = _rng.normal(size=(80, 1000)), _rng.integers(0, 2, 80)
_ = grading.check_no_leak(honest_cv_accuracy, _X, _y)
### END HIDDEN TESTS''', grade=True, locked=True, points=2),
        _code("test_cv_near_chance", f'''
_score = grading.check_no_leak(honest_cv_accuracy, X_noise, y_noise)
grading.check_near_chance(_score, chance=0.5, tol=0.2)
### BEGIN HIDDEN TESTS
{_fresh_seed("test_cv_near_chance")}
_X, _y = _rng.normal(size=(80, 1000)), _rng.integers(0, 2, 80)
_score = grading.check_no_leak(honest_cv_accuracy, _X, _y)
grading.check_near_chance(_score, chance=0.5, tol=0.2)
### END HIDDEN TESTS''', grade=True, locked=True, points=1),
        _md("part3", "## Part 3 (1 point, graded by hand)\n\nIn two sentences: why must the selection happen inside each fold?"),
        _md("written_answer", """
Selecting on all rows lets the held-out rows' labels choose the features, so every fold is
scored on rows that already shaped the model. Inside each fold the held-out rows stay
unseen, as new data will be.""", grade=True, solution=True, points=1),
    ]
    return nb


def visits_csv() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    patient = np.repeat(np.arange(101, 131), 4)
    return pd.DataFrame({
        "patient": patient,
        "visit": np.tile(np.arange(1, 5), 30),
        "systolic": np.round(rng.normal(128, 12, 120), 1),
        "age": np.repeat(rng.integers(25, 80, 30), 4),
        "readmitted": rng.integers(0, 2, 120),
    })


def release(source_dir: Path) -> nbformat.NotebookNode:
    """The learner release nbgrader generates from the source (in a throwaway course)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        (course / "source").mkdir()
        import shutil

        shutil.copytree(source_dir, course / "source" / NAME)
        # The course's own configuration, so stubs and checksums are what the course makes.
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
        cfg.CourseDirectory.root = str(course)
        cfg.CourseDirectory.source_directory = "source"
        cfg.CourseDirectory.release_directory = "release"
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        res = api.generate_assignment(NAME, force=True, create=True)
        if not res["success"]:
            raise RuntimeError(res.get("error") or res.get("log"))
        return nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", as_version=4)


# ---------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------
Q1_HONEST = '''
def n_patients(frame):
    """The number of distinct patients in `frame`."""
    return int(frame["patient"].nunique())'''

Q1_WRONG = '''
def n_patients(frame):
    """The number of distinct patients in `frame`."""
    return len(frame)  # counts visits, not patients'''

Q1_HARD_CODED = '''
def n_patients(frame):
    return 30'''

Q2_IMPORTS = '''
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
'''

Q2_HONEST = Q2_IMPORTS + '''

def honest_cv_accuracy(X, y):
    """5-fold cross-validated accuracy on the 10 best features, selected inside each fold."""
    model = make_pipeline(SelectKBest(k=10), LogisticRegression(max_iter=1000))
    return float(cross_val_score(model, X, y, cv=5).mean())'''

Q2_LEAKY = Q2_IMPORTS + '''

def honest_cv_accuracy(X, y):
    """Select on all rows, then cross-validate: the selection saw every held-out label."""
    X_best = SelectKBest(k=10).fit_transform(X, y)
    return float(cross_val_score(LogisticRegression(max_iter=1000), X_best, y, cv=5).mean())'''

Q2_HARD_CODED = Q2_IMPORTS + '''

def honest_cv_accuracy(X, y):
    return 0.5'''

Q2_DIFFERENT = '''
from sklearn.feature_selection import SelectPercentile, f_classif
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def honest_cv_accuracy(X, y):
    pipe = Pipeline([("scale", StandardScaler()), ("select", SelectPercentile(f_classif, percentile=1)),
                     ("knn", KNeighborsClassifier(n_neighbors=7))])
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=3)
    return cross_validate(pipe, X, y, cv=cv)["test_score"].mean()'''

Q2_WARNINGS = Q2_IMPORTS + '''

def honest_cv_accuracy(X, y):
    """Honest, but its logistic regression stops early: scikit-learn warns on stderr."""
    model = make_pipeline(SelectKBest(k=10), LogisticRegression(max_iter=1))
    return float(cross_val_score(model, X, y, cv=5).mean())'''

WRITTEN = ("The held-out rows' labels would pick the features, so each fold is scored on rows that "
           "shaped the model. Selecting inside each fold keeps them unseen, as new data will be.")


def _find(nb: nbformat.NotebookNode, grade_id: str) -> int:
    for i, c in enumerate(nb.cells):
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def _answer(nb, grade_id: str, source: str) -> None:
    nb.cells[_find(nb, grade_id)].source = source.strip("\n")


def _insert_after(nb, grade_id: str, source: str, cell_id: str) -> None:
    nb.cells.insert(_find(nb, grade_id) + 1, nbformat.v4.new_code_cell(source.strip("\n"), id=cell_id))


def _honest(nb) -> None:
    _answer(nb, "n_patients", Q1_HONEST)
    _answer(nb, "honest_cv_accuracy", Q2_HONEST)
    _answer(nb, "written_answer", WRITTEN)


def fixtures(rel: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    out: dict[str, nbformat.NotebookNode] = {}

    def make(name: str):
        nb = copy.deepcopy(rel)
        out[name] = nb
        return nb

    _honest(make("honest"))

    nb = make("different_but_correct")
    _answer(nb, "n_patients", 'def n_patients(frame):\n    return len(set(frame["patient"]))')
    _answer(nb, "honest_cv_accuracy", Q2_DIFFERENT)
    _answer(nb, "written_answer", WRITTEN)
    _insert_after(nb, "setup", '''
import matplotlib.pyplot as plt

pd.options.display.max_rows = 20
plt.rcParams["figure.figsize"] = (5, 3)
visits.groupby("patient").size().plot.hist(title="visits per patient")
plt.show()''', "explore")

    make("blank")

    nb = make("leaky")
    _answer(nb, "n_patients", Q1_HONEST)
    _answer(nb, "honest_cv_accuracy", Q2_LEAKY)

    nb = make("hard_coded")
    _answer(nb, "n_patients", Q1_HARD_CODED)
    _answer(nb, "honest_cv_accuracy", Q2_HARD_CODED)

    nb = make("edited_test")  # wrong answer, test cell rewritten to pass
    _answer(nb, "n_patients", Q1_WRONG)
    _answer(nb, "honest_cv_accuracy", Q2_HONEST)
    nb.cells[_find(nb, "test_n_patients")].source = 'print("Correct: 30 patients.")'

    nb = make("deleted_test")  # leaky answer, its test cell deleted
    _answer(nb, "n_patients", Q1_HONEST)
    _answer(nb, "honest_cv_accuracy", Q2_LEAKY)
    del nb.cells[_find(nb, "test_cv_no_leak")]

    nb = make("duplicated_cell")  # honest, but a test cell and an answer cell pasted twice
    _honest(nb)
    i = _find(nb, "test_n_patients")
    nb.cells.insert(i + 1, copy.deepcopy(nb.cells[i]))
    j = _find(nb, "n_patients")
    nb.cells.insert(j + 1, copy.deepcopy(nb.cells[j]))
    for k, c in enumerate(nb.cells):
        c.id = f"{c.id}-{k}" if sum(x.id == c.id for x in nb.cells) > 1 else c.id

    nb = make("cell_type_changed")  # leaky answer, its tests turned into markdown
    _answer(nb, "n_patients", Q1_HONEST)
    _answer(nb, "honest_cv_accuracy", Q2_LEAKY)
    for gid in ("test_cv_no_leak", "test_cv_near_chance"):
        c = nb.cells[_find(nb, gid)]
        nb.cells[_find(nb, gid)] = nbformat.v4.new_markdown_cell(c.source, id=c.id, metadata=c.metadata)

    nb = make("monkeypatch_grading")  # leaky answer, the checks replaced by no-ops
    _answer(nb, "n_patients", Q1_HONEST)
    _answer(nb, "honest_cv_accuracy", Q2_LEAKY)
    _insert_after(nb, "honest_cv_accuracy", '''
import leakkit.grading

leakkit.grading.check_no_leak = lambda func, *args, **kwargs: func(*args, **kwargs)
leakkit.grading.check_near_chance = lambda *args, **kwargs: None''', "patch")

    nb = make("rebinds_grading")  # leaky answer, `grading` replaced by an object that passes everything
    _answer(nb, "n_patients", Q1_HONEST)
    _answer(nb, "honest_cv_accuracy", Q2_LEAKY)
    _insert_after(nb, "honest_cv_accuracy", '''
class _AlwaysPasses:
    def __getattr__(self, name):
        return lambda *args, **kwargs: 0.5


grading = _AlwaysPasses()''', "rebind")

    nb = make("patch_during_test")  # the answer itself disables the checks when the tests call it
    _answer(nb, "n_patients", Q1_HONEST)
    _answer(nb, "honest_cv_accuracy", Q2_IMPORTS + '''

def honest_cv_accuracy(X, y):
    import leakkit.grading as g

    g.check_no_leak = lambda func, *args, **kwargs: func(*args, **kwargs)
    g.check_near_chance = lambda *args, **kwargs: None
    X_best = SelectKBest(k=10).fit_transform(X, y)
    return float(cross_val_score(LogisticRegression(max_iter=1000), X_best, y, cv=5).mean())''')

    nb = make("traceback_hooks")  # blank answers, IPython's error display switched off
    _insert_after(nb, "setup", '''
from IPython.core.interactiveshell import InteractiveShell

ip = get_ipython()
ip.showtraceback = lambda *args, **kwargs: None
InteractiveShell.showtraceback = lambda *args, **kwargs: None
ip.set_custom_exc((Exception,), lambda shell, etype, evalue, tb, tb_offset=None: None)''', "hooks")

    nb = make("swallow_errors")  # blank answers, every later cell wrapped in try/except
    _insert_after(nb, "setup", '''
def _swallow(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\n    pass\\nexcept BaseException:\\n    pass\\n"]


get_ipython().input_transformers_post.append(_swallow)''', "swallow")

    nb = make("infinite_loop")  # honest answers, then a loop that never ends
    _honest(nb)
    nb.cells[_find(nb, "honest_cv_accuracy")].source += "\n\n\nwhile True:  # forgot to stop\n    pass"

    nb = make("unstoppable_loop")  # Part 1 honest, then a loop that ignores the interrupt
    _honest(nb)
    _insert_after(nb, "test_n_patients", '''
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass''', "spin")

    nb = make("print_flood")  # honest answers, a debugging print left in a loop
    _honest(nb)
    _insert_after(nb, "n_patients", 'for i in range(100_000):\n    print("checking row", i)', "flood")

    nb = make("kernel_killed")  # Part 1 honest, then the kernel is killed
    _honest(nb)
    nb.cells[_find(nb, "honest_cv_accuracy")].source += "\n\n\nimport os\n\nos._exit(1)"

    _honest(make("data_deleted"))  # honest; the test copies no visits.csv into this submission

    nb = make("data_modified")  # wrong answer + a doctored visits.csv that makes it look right
    _answer(nb, "n_patients", Q1_WRONG)
    _answer(nb, "honest_cv_accuracy", Q2_HONEST)

    nb = make("data_rewritten")  # wrong answer + code that rewrites visits.csv while graded
    _answer(nb, "n_patients", Q1_WRONG)
    _answer(nb, "honest_cv_accuracy", Q2_HONEST)
    _insert_after(nb, "n_patients", '''
visits = visits.drop_duplicates("patient")
visits.to_csv("visits.csv", index=False)''', "rewrite")

    nb = make("redefines_helper")  # hard-coded answer + the tests' data helper replaced by the visible table
    _answer(nb, "n_patients", Q1_HARD_CODED)
    _answer(nb, "honest_cv_accuracy", Q2_HONEST)
    _insert_after(nb, "n_patients", "def _fresh_patients(n=300):\n    return visits", "helper")

    nb = make("warnings_on_stderr")  # honest; scikit-learn prints ConvergenceWarnings to stderr
    _honest(nb)
    _answer(nb, "honest_cv_accuracy", Q2_WARNINGS)
    return out


def main() -> int:
    src_dir = HERE / "source" / NAME
    src_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), src_dir / f"{NAME}.ipynb")
    visits = visits_csv()
    visits.to_csv(src_dir / "visits.csv", index=False)
    visits.drop_duplicates("patient").to_csv(HERE / "data_modified.visits.csv", index=False)
    rel = release(src_dir)
    for name, nb in fixtures(rel).items():
        nbformat.validate(nb)
        nbformat.write(nb, HERE / f"{name}.ipynb")
    text = nbformat.writes(fixtures(rel)["honest"])
    (HERE / "malformed_json.ipynb").write_text(text[: len(text) // 2], encoding="utf-8")
    print(f"wrote {len(fixtures(rel)) + 1} submissions and the {NAME} source to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
