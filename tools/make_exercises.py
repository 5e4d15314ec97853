"""Generate the learner releases ``exercises/<assignment>/`` from ``solutions/`` with nbgrader.

Runs nbgrader's ``generate_assignment`` (its Python API, with this repository's
``nbgrader_config.py``) for every assignment in ``solutions/``, inside a temporary course
directory with its own gradebook, so no ``gradebook.db`` is left in the repository. The
result is normalised so that it is the same from run to run: notebooks are re-serialised
by nbformat, notebook metadata keeps only ``kernelspec`` and ``language_info``, and cell
metadata only what nbgrader needs in a release (``nbgrader``, ``deletable``,
``editable``, ``tags``).

    python tools/make_exercises.py                  # every assignment
    python tools/make_exercises.py direct_leakage   # only these
    python tools/make_exercises.py --check          # fail if exercises/ differs from what nbgrader makes
    python tools/make_exercises.py --no-solutions   # graded homework: part1.solution() is not available

``make exercises`` runs the first form. Build ``solutions/`` first with
``python tools/build_solutions.py``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"

_NB_METADATA = ("kernelspec", "language_info")
_CELL_METADATA = ("nbgrader", "deletable", "editable", "tags")


def assignments(only: list[str] | None = None) -> list[str]:
    """Names of the assignments in ``solutions/`` (folders holding a notebook)."""
    found = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    return [a for a in found if not only or a in only]


def _venv_on_path() -> None:
    """nbgrader runs ``alembic`` in a subprocess: it must come from this interpreter's venv."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def course_config(course: Path, *, solutions: bool | None = None):
    """This repository's nbgrader configuration, pointed at the course directory ``course``;
    ``solutions=False`` releases without ``partN.solution()`` (``ReleaseHelp.solutions``)."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    cfg.CourseDirectory.root = str(course)
    if solutions is not None:
        cfg.ReleaseHelp.solutions = solutions
    return cfg


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep only what a release needs, so that two generations compare equal."""
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in _NB_METADATA}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in _CELL_METADATA}
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def generate(names: list[str], course: Path, *, solutions: bool | None = None) -> Path:
    """Run nbgrader's generate_assignment for ``names`` in the course directory ``course``
    (created if needed, ``solutions/<name>/`` copied into it). Returns the release folder
    ``course/exercises``, whose notebooks are normalised in place."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _venv_on_path()
    course.mkdir(parents=True, exist_ok=True)
    cfg = course_config(course, solutions=solutions)
    for name in names:
        dest = course / "solutions" / name
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(SOLUTIONS / name, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    for name in names:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.get('log', '')}\n"
                               f"{result.get('error', '')}")
    release = course / "exercises"
    for path in sorted(release.rglob("*.ipynb")):
        nbformat.write(normalise(nbformat.read(path, as_version=4)), path)
    return release


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(names: list[str]) -> list[str]:
    """What differs between ``exercises/`` and a fresh generation, one line per file."""
    with tempfile.TemporaryDirectory(prefix="leakage-course-") as tmp:
        release = generate(names, Path(tmp))
        out = []
        for name in names:
            fresh, committed = _files(release / name), _files(EXERCISES / name) if (EXERCISES / name).exists() else {}
            for f in sorted(set(fresh) | set(committed)):
                if f not in committed:
                    out.append(f"exercises/{name}/{f}: missing")
                elif f not in fresh:
                    out.append(f"exercises/{name}/{f}: not made from solutions/ (stale?)")
                elif fresh[f] != committed[f]:
                    out.append(f"exercises/{name}/{f}: differs from what generate_assignment makes")
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="assignment names (default: every folder of solutions/)")
    ap.add_argument("--check", action="store_true", help="only check that exercises/ is up to date")
    ap.add_argument("--no-solutions", action="store_true",
                    help="release without partN.solution() (graded homework); the hints stay")
    args = ap.parse_args(argv)
    names = assignments(args.only)
    if not names:
        print(f"no assignment matched {args.only} in {SOLUTIONS}", file=sys.stderr)
        return 2
    if args.check:
        diffs = differences(names)
        for d in diffs:
            print(d)
        if diffs:
            print("run: python tools/make_exercises.py")
        return 1 if diffs else 0
    with tempfile.TemporaryDirectory(prefix="leakage-course-") as tmp:
        release = generate(names, Path(tmp), solutions=False if args.no_solutions else None)
        for name in names:
            target = EXERCISES / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(release / name, target)
            print(f"exercises/{name}/: " + ", ".join(sorted(_files(target))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
