"""The course folder as nbgrader lays it out, and the driver's own records in it."""
from __future__ import annotations

import copy
import json
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._assignment import Assignment, read_assignment


def venv_on_path() -> None:
    """nbgrader runs ``alembic`` in a subprocess: it must come from this interpreter's environment."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def course_config(root: Path) -> Any:
    """The course's ``nbgrader_config.py`` (an empty config without one), rooted at ``root``."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = Config()
    if (root / "nbgrader_config.py").exists():
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    cfg.CourseDirectory.root = str(root)
    return cfg


def check_course(course: Any) -> Path:
    """The course folder's absolute path, or a ValueError saying what is wrong."""
    if not isinstance(course, (str, os.PathLike)):
        raise TypeError(f"course: expected the path of the course folder, got {type(course).__name__}.")
    root = Path(course).expanduser()
    if not root.exists():
        raise ValueError(f"--course: folder {str(course)!r} not found; pass the course folder "
                         f"(the one holding nbgrader_config.py and submitted/).")
    if not root.is_dir():
        raise ValueError(f"--course: {str(course)!r} is a file; pass the course folder "
                         f"(the one holding nbgrader_config.py and submitted/).")
    return root.resolve()


@dataclass
class Course:
    root: Path
    cfg: Any
    coursedir: Any

    @classmethod
    def load(cls, course: Any) -> "Course":
        from nbgrader.coursedir import CourseDirectory

        root = check_course(course)
        cfg = course_config(root)
        return cls(root, cfg, CourseDirectory(config=cfg))

    def path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(getattr(self.coursedir, f"{step}_directory"), student, assignment))

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    @property
    def timeout(self) -> Any:
        return self.cfg.get("Execute", {}).get("timeout", 30)


def shared_db_url(db_url: str, timeout: float = 120.0) -> str:
    """The gradebook URL with a long SQLite busy timeout, so parallel workers wait for
    each other's short write transactions instead of failing."""
    if db_url.startswith("sqlite:") and "?" not in db_url:
        return f"{db_url}?timeout={timeout:g}"
    return db_url


def ensure_assignment(course: Course, assignment: str) -> Assignment:
    """The assignment as the gradebook knows it; if the gradebook does not know it yet,
    nbgrader's generate_assignment fills it in from the source folder (its release is
    written to a temporary folder, so the committed one is not touched)."""
    hidden = course.cfg.get("ClearHiddenTests", {})
    kw = {"begin": hidden.get("begin_test_delimeter", "BEGIN HIDDEN TESTS"),
          "end": hidden.get("end_test_delimeter", "END HIDDEN TESTS")}
    source = course.path("source", ".", assignment)
    spec = read_assignment(course.db_url, course.course_id, assignment, source_dir=source, **kw)
    if spec.notebooks:
        return spec
    if not source.is_dir() or not any(source.glob("*.ipynb")):
        known = sorted(p.parent.name for p in course.path("source", ".", "*").parent.glob("*/*.ipynb"))
        hint = f" The assignments there are: {', '.join(dict.fromkeys(known))}." if known else ""
        raise ValueError(f"ASSIGNMENT: no assignment {assignment!r} in {course.root}: {source} holds no notebook "
                         f"and the gradebook does not know it.{hint}")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="leakkit-release-") as tmp:
        cfg = copy.deepcopy(course.cfg)
        cfg.merge(Config({"CourseDirectory": {"release_directory": tmp}}))
        res = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg).generate_assignment(
            assignment, force=True, create=True)
    if not res.get("success"):
        last = (res.get("error") or res.get("log") or "").strip().splitlines()[-1:]
        raise ValueError(f"ASSIGNMENT: nbgrader could not read the source of {assignment!r} "
                         f"({last[0] if last else 'no details'}); fix {source} and run again.")
    return read_assignment(course.db_url, course.course_id, assignment, source_dir=source, **kw)


def submitted_students(course: Course, assignment: str) -> list[str]:
    pattern = course.path("submitted", "*", assignment)
    excluded = set(filter(None, (course.coursedir.student_id_exclude or "").split(",")))
    found = sorted(p.parent.name for p in pattern.parent.parent.glob(f"*/{assignment}") if p.is_dir())
    return [s for s in found if s not in excluded and not s.startswith(".")]


def read_notebook_json(path: Path) -> tuple[dict | None, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read ({type(exc).__name__})"
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"is not valid notebook JSON (line {exc.lineno}, column {exc.colno})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "is not a notebook (no list of cells)"
    return nb, None


def executed(path: Path) -> bool:
    nb, _ = read_notebook_json(path)
    if nb is None:
        return False
    code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    return not code or any(c.get("execution_count") is not None or c.get("outputs") for c in code)


def is_done(course: Course, assignment: str, student: str, spec: Assignment, last_kind: str | None = None) -> bool:
    """Whether nbgrader finished this submission: every notebook it submitted (and the
    assignment knows) has an executed autograded copy. nbgrader writes the sanitized,
    not yet executed, notebook there first, so a grading killed mid-way leaves one
    behind; the journal's last word (stopped at the deadline, worker died) settles it."""
    if last_kind in ("deadline", "worker_died", "failed"):
        return False
    sub = course.path("submitted", student, assignment)
    out = course.path("autograded", student, assignment)
    names = [p.stem for p in sub.glob("*.ipynb") if p.stem in spec.notebooks]
    if not names or not out.is_dir():
        return False
    return all(executed(out / f"{n}.ipynb") for n in names)


@dataclass
class Outcome:
    """What one run of the driver learnt about one submission."""
    student: str
    kind: str  # "graded", "failed", "deadline", "worker_died", "empty"
    seconds: float | None = None
    error: str = ""
    attempts: int = 1  # more than 1 when an infrastructure failure made it be graded again
    events: list[dict[str, str]] = field(default_factory=list)


class Journal:
    """Append-only record of each submission's last grading."""

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def read(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interruption
                if isinstance(rec, dict) and "student" in rec:
                    out[rec["student"]] = rec
        return out

    def write(self, outcome: Outcome) -> None:
        rec = {"student": outcome.student, "kind": outcome.kind, "seconds": outcome.seconds,
               "error": outcome.error, "attempts": outcome.attempts, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def grading_seed(out: Path) -> str:
    """The assignment's grading secret, made once and kept (readable by its owner only)."""
    path = out / "grading_seed"
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value.isdigit():
            return value
    out.mkdir(parents=True, exist_ok=True)
    value = str(secrets.randbelow(2**31 - 1) + 1)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a secret: the hidden tests' data
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


def default_deadline(course: Course, spec: Assignment) -> float:
    """Longest a submission may take: every code cell hitting nbgrader's cell timeout,
    plus kernel start-up (with its retries) and nbgrader's own work. Only a hung nbgrader reaches it."""
    timeout = course.timeout or 0
    n_code = sum(c.cell_type == "code" for cells in spec.notebooks.values() for c in cells)
    if not timeout or timeout < 0:
        return 3600.0 * max(1, len(spec.notebooks))
    return float(timeout) * (n_code + 4) + 300.0
