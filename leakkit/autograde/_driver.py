"""``grade_cohort``: every submission of an assignment through nbgrader, N at a time."""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ._course import (
    Course, Journal, Outcome, check_course, default_deadline, ensure_assignment, grading_seed, is_done,
    read_notebook_json, shared_db_url, submitted_students, venv_on_path,
)
from ._pool import Worker, run_workers
from ._report import CohortReport, Progress
from ._summary import failure_reason, protection_record, summary_frame
from .preprocessors import SEED_VARIABLE


def _check_arguments(assignment: Any, jobs: Any, deadline: Any, students: Any) -> None:
    if not isinstance(assignment, str) or not assignment.strip() or "/" in assignment or assignment in (".", ".."):
        raise ValueError(f"ASSIGNMENT: expected the name of an assignment folder, got {assignment!r}.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs: expected a whole number of parallel gradings, 1 or more; got {jobs!r}.")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, (int, float)) or deadline <= 0):
        raise ValueError(f"deadline: expected a positive number of seconds, got {deadline!r}.")
    if students is not None and (isinstance(students, str) or not all(isinstance(s, str) for s in students)):
        raise TypeError("students: expected a list of student ids (str), e.g. ['alice', 'bob'].")


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")  # one kernel per core: no oversubscribed BLAS pools
    env.pop("MPLBACKEND", None)  # the kernels use their own inline backend
    env.pop(SEED_VARIABLE, None)  # the assignment's own secret is handed to the workers
    return env


def _plan(c: Course, assignment: str, spec: Any, cohort: list[str], journal: Journal, force: bool,
          named: bool) -> tuple[list[str], list[str], list[str]]:
    """(to grade, empty, stopped at the deadline before and not retried)."""
    todo, empty, stopped = [], [], []
    last = journal.read()
    for s in cohort:
        if not any(c.path("submitted", s, assignment).glob("*.ipynb")):
            empty.append(s)
        elif force:
            todo.append(s)
        elif not is_done(c, assignment, s, spec, last.get(s, {}).get("kind")):
            # Interrupted or failed: grade it (again). One stopped at the deadline would hang
            # again: it waits for --force or --student.
            hung = last.get(s, {}).get("kind") == "deadline" and not named
            (stopped if hung else todo).append(s)
    return todo, empty, stopped


def _outcome(c: Course, assignment: str, student: str, reply: dict, attempts: int, wall: float) -> Outcome:
    if reply.get("deadline"):
        return Outcome(student, "deadline", wall, "grading took longer than the deadline and was stopped", attempts)
    if reply.get("worker_died"):
        return Outcome(student, "worker_died", wall, f"the grading process died (its log: {reply.get('log_path', '')})",
                       attempts)
    logged = "\n".join(ln for ln in (reply.get("log") or "").splitlines()
                       if ln.startswith("[ERROR]") or ln.startswith("    "))
    events: list = []
    for p in c.path("autograded", student, assignment).glob("*.ipynb"):
        nb, _ = read_notebook_json(p)
        events += protection_record(nb or {}).get("events", [])
    return Outcome(student, "graded" if reply.get("success") else "failed", reply.get("seconds") or wall,
                   ((reply.get("error") or "") + "\n" + logged).strip(), attempts, events)


def _progress_word(outcome: Outcome) -> tuple[str, bool]:
    kinds = {e.get("kind") for e in outcome.events}
    if outcome.kind == "deadline":
        return "stopped at the deadline", True
    if outcome.kind in ("failed", "worker_died"):
        return f"could not be graded ({failure_reason(outcome.error)})", True
    if "crashed" in kinds:
        return "graded (kernel died)", True
    if "timed out" in kinds:
        return "graded (a cell timed out)", True
    if kinds & {"tampered", "restored", "guard"}:
        return "graded (tampering undone)", True
    return f"graded in {outcome.seconds:.1f} s" if outcome.seconds else "graded", False


def grade_cohort(
    assignment: str,
    course: str | os.PathLike = ".",
    *,
    jobs: int = 1,
    students: Sequence[str] | None = None,
    force: bool = False,
    out: str | os.PathLike | None = None,
    progress: TextIO | None = None,
    deadline: float | None = None,
) -> CohortReport:
    """Autograde every submission of ``assignment`` with nbgrader, ``jobs`` at a time.

    Each submission in ``submitted/<student>/<assignment>/`` is graded by nbgrader's
    autograder (as ``nbgrader autograde ASSIGNMENT --student S`` would, with the protection
    of :mod:`leakkit.autograde.preprocessors`), in ``jobs`` worker processes sharing the
    course gradebook. Submissions that nbgrader finished grading are not graded again
    unless ``force``, so an interrupted run is finished by running it again and no grade
    already given changes. A submission that fails for a reason that is the machine's (a
    kernel that did not start, a gradebook write that lost a race) is graded again, up to
    twice, before it is reported not graded. The summary covers the whole cohort (students
    graded by earlier runs included); it, the plot and a journal go to ``out``.

    Parameters
    ----------
    assignment : str
        The assignment's name (a folder of the course's source directory).
    course : path, default "."
        The course folder: the one holding ``nbgrader_config.py``, the source folder and
        ``submitted/``.
    jobs : int, default 1
        Submissions graded at the same time (one kernel each); the number of cores is a
        good choice.
    students : sequence of str, optional
        Grade only these students (the summary keeps every other row as it was).
    force : bool, default False
        Grade again submissions that were already graded (their grades are replaced).
    out : path, optional
        Where to write ``summary.csv``, ``scores.png``, the journal and worker logs
        (default ``<course>/grades/<assignment>/``).
    progress : text stream, optional
        Where to draw the progress line (``sys.stderr`` from the command line); None for silence.
    deadline : float, optional
        Seconds after which one submission's grading is stopped (its worker and kernel
        killed) and recorded as stopped, with no grade. Default: as long as nbgrader could
        take if every code cell reached ``Execute.timeout``, plus 5 minutes.

    Returns
    -------
    CohortReport

    Examples
    --------
    >>> grade_cohort("week1", course="/no/such/course")
    Traceback (most recent call last):
    ...
    ValueError: --course: folder '/no/such/course' not found; pass the course folder (the one holding nbgrader_config.py and submitted/).
    """
    _check_arguments(assignment, jobs, deadline, students)
    t0 = time.perf_counter()
    root = check_course(course)
    venv_on_path()
    env = _worker_env()
    # The workers import nbgrader while the driver reads the course; they get their
    # configuration once it is known (or nothing, and exit, if there is nothing to grade).
    workers = [Worker(env, root) for _ in range(jobs)]
    for w in workers:
        w.start()
    out_dir: Path | None = None
    graded_now: dict[str, float | None] = {}
    try:
        c = Course.load(root)
        spec = ensure_assignment(c, assignment)
        everyone = submitted_students(c, assignment)
        cohort = everyone
        if students is not None:
            unknown = sorted(set(students) - set(everyone))
            if unknown:
                raise ValueError(f"--student: no submission of {assignment!r} from {', '.join(unknown)} in "
                                 f"{c.path('submitted', '*', assignment).parent.parent}.")
            cohort = [s for s in everyone if s in set(students)]
        if not cohort:
            raise ValueError(f"ASSIGNMENT: no submissions of {assignment!r} in "
                             f"{c.path('submitted', '<student>', assignment)}; collect them first "
                             f"(nbgrader collect, or copy each learner's folder there).")
        out_dir = Path(out).expanduser().resolve() if out is not None else c.root / "grades" / assignment
        out_dir.mkdir(parents=True, exist_ok=True)
        journal = Journal(out_dir / "journal.jsonl")
        todo, empty, stopped = _plan(c, assignment, spec, cohort, journal, force, students is not None)
        _register_empty(c, empty, journal)
        graded_now.update({s: None for s in empty})
        for w in workers[len(todo):]:  # more workers than submissions to grade
            w.close()
            w.save_log(None)
        del workers[len(todo):]
        bar = Progress(len(todo), progress, f"grading {assignment}")
        kept = len(cohort) - len(empty) - len(todo) - len(stopped)
        if kept:
            bar.note(f"{kept} submission(s) already graded: kept as they are (use --force to grade them again).")
        if stopped:
            bar.note(f"{len(stopped)} submission(s) stopped at the deadline in an earlier run, not retried: "
                     f"{', '.join(stopped)} (use --student ID to try one again).")

        def on_result(student: str, reply: dict, attempts: int, wall: float) -> None:
            outcome = _outcome(c, assignment, student, reply, attempts, wall)
            journal.write(outcome)
            graded_now[student] = outcome.seconds
            bar.update(student, *_progress_word(outcome))

        spec_line = {"root": str(c.root), "assignment": assignment, "db_url": shared_db_url(c.db_url),
                     "env": {SEED_VARIABLE: grading_seed(out_dir)}}
        limit = float(deadline) if deadline is not None else default_deadline(c, spec)
        run_workers(todo, workers=workers, spec=spec_line, env=env, cwd=c.root, deadline=limit, on_result=on_result)
    finally:
        for i, w in enumerate(workers):
            w.kill()
            w.save_log(out_dir / "logs" / f"worker-{i}.log" if out_dir is not None else None)
    summary = summary_frame(c, assignment, spec, everyone, journal.read(), graded_now)
    report = CohortReport(assignment=assignment, summary=summary, out_dir=out_dir)
    report.seconds = time.perf_counter() - t0
    report.jobs = jobs
    report.write()
    return report


def _register_empty(c: Course, empty: list[str], journal: Journal) -> None:
    """Empty submissions: known to the gradebook (nbgrader export lists them), journaled."""
    if not empty:
        return
    from nbgrader.api import Gradebook

    with Gradebook(c.db_url, c.course_id) as gb:
        for s in empty:
            gb.update_or_create_student(s)
    for s in empty:
        journal.write(Outcome(s, "empty"))
