"""Build the nbgrader instructor notebooks from their readable sources.

Each assignment is written as a jupytext "percent" script ``exercises_src/<assignment>.py``
whose cell headers carry the nbgrader metadata (``# %% nbgrader={"grade": true, ...}``).
This tool converts it, executes it top to bottom in a fresh kernel (cwd
``solutions/<assignment>/``, so hidden tests run too), refuses errors and anything on
stderr, and writes ``solutions/<assignment>/<assignment>.ipynb`` with clean metadata and
stable cell ids, *without outputs*: the hidden tests draw fresh seeds at every run, so
stored outputs would change at every build.

    python tools/build_solutions.py                    # every assignment
    python tools/build_solutions.py direct_leakage     # only these
    python tools/build_solutions.py --check            # fail if a notebook differs from its source

After a build, run ``python tools/make_exercises.py`` to regenerate the learner releases.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import jupytext
import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import clean, execute, problems, report  # noqa: E402  (shared with the course notebooks)

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "exercises_src"
OUT = ROOT / "solutions"


def sources(only: list[str] | None = None) -> list[Path]:
    """The assignment sources (every ``exercises_src/*.py``), optionally filtered by name."""
    found = sorted(p for p in SRC.glob("*.py") if not p.name.startswith("_"))
    return [p for p in found if not only or p.stem in only]


def convert(src: Path) -> nbformat.NotebookNode:
    """The notebook of ``src``: cells, nbgrader metadata, stable ids; no outputs."""
    nb = jupytext.read(src)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb = clean(nb, src.stem)
    for i, cell in enumerate(nb.cells):
        # Stable, readable ids: the nbgrader grade_id where there is one.
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell.id = grade_id if grade_id else f"cell-{i:03d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    ids = [c.id for c in nb.cells]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"{src.name}: grade_id used by more than one cell: {dup}")
    return nb


def build(src: Path) -> tuple[float, list[str]]:
    """Execute the converted notebook; write it (without outputs) only when it ran clean."""
    nb = convert(src)
    ran = nbformat.from_dict(json.loads(json.dumps(nb)))  # a copy to execute
    out_dir = OUT / src.stem
    out_dir.mkdir(parents=True, exist_ok=True)
    seconds = execute(ran, out_dir)
    bad = problems(ran)
    if not bad:
        nbformat.write(nb, out_dir / f"{src.stem}.ipynb")
    return seconds, bad


def is_current(src: Path) -> bool:
    """Whether ``solutions/<a>/<a>.ipynb`` holds exactly the cells of ``src``."""
    built = OUT / src.stem / f"{src.stem}.ipynb"
    if not built.exists():
        return False
    return nbformat.writes(convert(src)) == nbformat.writes(nbformat.read(built, as_version=4))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="assignment names to build (default: all)")
    ap.add_argument("--check", action="store_true", help="only check that solutions/ matches exercises_src/")
    args = ap.parse_args(argv)
    srcs = sources(args.only)
    if not srcs:
        print(f"no assignment sources matched {args.only} in {SRC}", file=sys.stderr)
        return 2
    status = 0
    for src in srcs:
        if args.check:
            if not is_current(src):
                print(f"{src.name}: solutions/{src.stem}/{src.stem}.ipynb is out of date; "
                      f"run python tools/build_solutions.py {src.stem}")
                status = 1
            continue
        seconds, bad = build(src)
        status |= report(src.stem, seconds, bad)
    return status


if __name__ == "__main__":
    sys.exit(main())
