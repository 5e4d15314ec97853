"""Grade submissions with the real nbgrader, in a throw-away course directory.

Used by ``tests/test_exercises.py`` (the grading round trip) and by
``benchmarks/bench_grading.py`` (seconds per autograded submission). The steps are the
ones an instructor runs, with this repository's ``nbgrader_config.py``:

1. :func:`make_course` copies ``solutions/`` and the config into a new folder and runs
   ``generate_assignment`` there (its own ``gradebook.db``; the repository stays clean);
2. :func:`submit` places a notebook at ``submitted/<student>/<assignment>/<assignment>.ipynb``;
3. :func:`start_autograde` starts ONE ``nbgrader autograde <assignment>`` for every
   student at once, in a subprocess (several assignments can be graded side by side, each
   in its own copy of the course, see :func:`clone_course`);
4. :func:`read_scores` reads each student's per-cell scores from the gradebook.

The learner's notebooks are built by :mod:`build_submissions`: ``solution_submission``
puts the reference answers into the release, as a learner who got everything right would.
"""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_exercises  # noqa: E402
from leakkit.grading import SEED_VARIABLE  # noqa: E402

ROOT = make_exercises.ROOT
ROUND_TRIP_SEED = "20261128"


@dataclass(frozen=True)
class CellScore:
    """One graded cell of one submission, as the gradebook has it after autograding."""

    auto_score: float | None
    max_score: float
    needs_manual_grade: bool


def make_course(course: Path, assignments: list[str]) -> Path:
    """A course directory with this repository's config and the given assignments generated."""
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    make_exercises.generate(assignments, course)
    return course


def clone_course(course: Path, dest: Path) -> Path:
    """A copy of ``course`` (gradebook included), so two autograde runs never share a database."""
    shutil.copytree(course, dest)
    return dest


def solution_submission(assignment: str) -> nbformat.NotebookNode:
    """The release notebook with every solution cell answered as in ``solutions/``."""
    release = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def submit(course: Path, assignment: str, student: str, notebook: nbformat.NotebookNode | Path) -> Path:
    """Place ``notebook`` where ``nbgrader collect`` would: submitted/<student>/<assignment>/."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    if isinstance(notebook, Path):
        shutil.copy(notebook, path)
    else:
        nbformat.write(notebook, path)
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs alembic and the kernel from here
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    # The hidden tests' "fresh" data derive from this secret (leakkit.grading.fresh_seeds):
    # fixed, so a fixture that is wrong in a subtle way loses the same cells on every run (a
    # case-sensitive n-gram check, say, also misses a few coincidental matches on 3 % of
    # data sets). The solutions meet fresh random data whenever nbval runs them.
    env.setdefault(SEED_VARIABLE, ROUND_TRIP_SEED)
    env.pop("MPLBACKEND", None)
    return env


class AutogradeRun:
    """A running ``nbgrader autograde``; :meth:`wait` returns its exit code, output and
    duration (measured to the moment it ended, even when another run is waited for first)."""

    def __init__(self, course: Path, assignment: str, process: subprocess.Popen) -> None:
        self.course, self.assignment, self.process = course, assignment, process
        self._started = time.perf_counter()
        self._result: tuple[int, str, float] | None = None
        self._thread = threading.Thread(target=self._collect, daemon=True)
        self._thread.start()

    def _collect(self) -> None:
        out, _ = self.process.communicate()
        self._result = (self.process.returncode, out, time.perf_counter() - self._started)

    def done(self) -> bool:
        """Whether the run has ended and its output has been read."""
        return self._result is not None

    def wait(self, timeout: float = 3600) -> tuple[int, str, float]:
        self._thread.join(timeout)
        if self._result is None:
            self.process.kill()
            self._thread.join()
            raise TimeoutError(f"nbgrader autograde {self.assignment} did not finish in {timeout:.0f} s")
        return self._result


def start_autograde(course: Path, assignment: str) -> AutogradeRun:
    """Start ``nbgrader autograde <assignment> --force`` for every submitted student at once."""
    cmd = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force", "--create"]
    proc = subprocess.Popen(cmd, cwd=course, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    return AutogradeRun(course, assignment, proc)


def read_scores(course: Path, assignment: str, students: list[str]) -> dict[str, dict[str, CellScore]]:
    """Per student, per graded cell (grade_id): the autograde score from the gradebook."""
    from nbgrader.api import Gradebook

    course_id = make_exercises.course_config(course).CourseDirectory.course_id
    out: dict[str, dict[str, CellScore]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gb:
        for student in students:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            out[student] = {g.name: CellScore(g.auto_score, g.max_score, bool(g.needs_manual_grade))
                            for g in nb.grades}
    return out
