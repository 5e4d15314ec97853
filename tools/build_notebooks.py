"""Build the course notebooks from their readable sources.

Each notebook is written as a jupytext "percent" script in ``notebooks/src/NN_name.py``.
This tool converts it, executes it top to bottom in a fresh kernel (cwd ``notebooks/``),
refuses outputs with errors or anything on stderr (warnings included), strips volatile
metadata, gives cells stable ids, and writes ``notebooks/NN_name.ipynb``.

Test markers are cell tags written in the source's cell header, e.g.
``# %% tags=["nbval-check-output"]`` (nbval checks that cell's output even under
``--nbval-lax``), never ``# NBVAL_...`` comments in the code a learner reads; a source that
still has one is refused.

The notebook metadata keeps the ``kernelspec`` and the full ``language_info`` that the
kernel reported while building: JupyterLab writes both from the running kernel when a
notebook opens, and marks the notebook modified when they differ from what the file holds
(so a notebook with a bare ``{"name": "python"}`` would open with the unsaved-changes dot).

    python tools/build_notebooks.py            # every notebook
    python tools/build_notebooks.py 04 05      # those whose name starts with 04 or 05
    python tools/build_notebooks.py --check    # fail if a committed notebook's code differs from its source

It prints each notebook's execution time (the README quotes them; benchmarks/bench_notebooks.py
measures them side by side).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "notebooks" / "src"
OUT = ROOT / "notebooks"


KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb: nbformat.NotebookNode, stem: str) -> nbformat.NotebookNode:
    """Stable ids, only tags/nbgrader cell metadata, and the metadata JupyterLab would write itself."""
    language_info = dict(nb.metadata.get("language_info") or {"name": "python"})  # as the kernel reported it
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": language_info}
    for i, cell in enumerate(nb.cells):
        cell.id = f"{stem[:2]}-{i:03d}"
        keep = {k: v for k, v in cell.get("metadata", {}).items() if k in ("tags", "nbgrader")}
        cell.metadata = keep
        if cell.cell_type == "code":
            cell.outputs = _coalesce_streams(cell.get("outputs", []))
            for out in cell.outputs:
                out.pop("metadata", None) if out.get("output_type") == "stream" else None
                if "metadata" in out and not out["metadata"]:
                    out["metadata"] = {}
    return nb


def _coalesce_streams(outputs: list) -> list:
    """Merge consecutive stdout (or stderr) chunks into one output: how the kernel happened to
    flush its prints must not change the committed notebook from one build to the next."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def problems(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if re.search(r"^\s*#\s*(NBVAL_|PYTEST_VALIDATE_)", cell.source, flags=re.M):
            found.append(f"cell {i}: an nbval comment marker in the learner's code; use a cell tag, "
                         f'e.g. `# %% tags=["nbval-check-output"]`')
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: error {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"cell {i}: wrote to stderr: {out.get('text', '')[:300]!r}")
    return found


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> float:
    env_backup = os.environ.pop("MPLBACKEND", None)  # let the kernel use its inline backend
    try:
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
                       allow_errors=True).execute()
        return time.perf_counter() - t0
    finally:
        if env_backup is not None:
            os.environ["MPLBACKEND"] = env_backup


def build(src: Path) -> tuple[float, list[str]]:
    nb = jupytext.read(src)
    nb.nbformat, nb.nbformat_minor = 4, 5
    seconds = execute(nb, OUT)
    bad = problems(nb)
    if not bad:
        nbformat.write(clean(nb, src.stem), OUT / f"{src.stem}.ipynb")
    return seconds, bad


def code_of(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source.strip() for c in nb.cells if c.cell_type in ("code", "markdown")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="prefixes of notebook names to build (default: all)")
    ap.add_argument("--check", action="store_true", help="only check that notebooks match their sources")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sources = sorted(p for p in SRC.glob("*.py") if not args.only or any(p.stem.startswith(o) for o in args.only))
    if not sources:
        print(f"no notebook sources matched {args.only} in {SRC}", file=sys.stderr)
        return 2
    status = 0
    for src in sources:
        if args.check:
            built = OUT / f"{src.stem}.ipynb"
            if not built.exists() or code_of(jupytext.read(src)) != code_of(nbformat.read(built, as_version=4)):
                print(f"{src.name}: notebooks/{built.name} is out of date; run make notebooks ARGS={src.stem[:2]}")
                status = 1
            continue
        seconds, bad = build(src)
        status |= report(src.stem, seconds, bad)
    return status


def report(name: str, seconds: float, bad: list[str]) -> int:
    """Print one built notebook's time, or why it was not written; 1 if it was not."""
    if not bad:
        print(f"{name}: {seconds:.1f} s")
        return 0
    print(f"{name}: NOT written ({seconds:.1f} s)")
    for line in bad:
        print(f"    {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
