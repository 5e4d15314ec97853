"""Seed-proof grading: catch and pass rates of every test, over many grading secrets.

The hidden tests draw their data from the grading secret (``leakkit.grading.fresh_seeds``),
so whether a submission keeps a test's points could depend on the day it is graded. This
script grades each submission fixture of ``tests/submissions/<assignment>/`` (and the
reference solution) under ``--seeds`` different secrets and counts, per test cell:

- **catch rate**: for a test the fixture must lose (its ``loses:`` line), the share of
  secrets under which it lost it;
- **pass rate**: for every other test, the share of secrets under which it kept it.

It runs the very cells nbgrader runs: the submitted notebook, with every locked cell put back
as the instructor's source has it (hidden tests included, as nbgrader's OverwriteCells does),
executed top to bottom in a fresh namespace, one process per fixture (so one fixture's state
never reaches another's). It does not start a Jupyter kernel or the kernel guard (the cheats
that the guard undoes are graded by tests/test_autograde.py and tests/test_exercises.py, not
here). A test cell "kept" its points when it raised nothing.

    python benchmarks/bench_seeds.py                          # every assignment, 20 secrets
    python benchmarks/bench_seeds.py --seeds 40 --jobs 2
    python benchmarks/bench_seeds.py --assignment split_preprocessing --fixture fit_all_then_split

Prints one line per (fixture, test) that is not 100 %, a table of the lowest rates per
assignment, and the overall minimum catch and pass rates; exits 1 if either is under
``--target`` (default 0.99).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import io
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))


def _cells(assignment: str, fixture: str) -> list[tuple[str | None, bool, str]]:
    """(grade_id, is_test, code) of the cells nbgrader would run for this submission."""
    import nbformat

    import build_submissions

    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    src = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in source.cells}
    if fixture == "solution":
        nb = source
    else:
        fx = next(f for f in build_submissions.fixtures(assignment) if f.student == fixture)
        nb = build_submissions.build(fx)
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid is not None and gid in src and src[gid].metadata["nbgrader"].get("locked") and not src[gid].metadata["nbgrader"].get("solution"):
            cell = src[gid]  # nbgrader restores locked cells from the source, hidden tests included
            meta = cell.metadata["nbgrader"]
        if cell.cell_type != "code":
            continue
        code = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
        out.append((gid, bool(meta.get("grade")) and cell.cell_type == "code", code))
    return out


def grade_fixture(assignment: str, fixture: str, seeds: list[int]) -> dict:
    """In a worker process: the failed test cells of ``fixture`` under each secret."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    warnings.simplefilter("ignore")
    from leakkit import grading

    cells = _cells(assignment, fixture)
    os.chdir(ROOT / "solutions" / assignment)
    failed: dict[str, int] = {}
    tests = [gid for gid, is_test, _ in cells if is_test]
    t0 = time.perf_counter()
    for seed in seeds:
        grading._receive_secret(str(seed))
        ns: dict = {"__name__": "__main__", "display": print}
        for gid, is_test, code in cells:
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    exec(compile(code, f"<{gid}>", "exec"), ns)  # noqa: S102 - the course's own notebooks
            except BaseException as exc:  # noqa: BLE001 - a failed cell is what we count
                if isinstance(exc, KeyboardInterrupt):
                    raise
                if is_test:
                    failed[gid] = failed.get(gid, 0) + 1
    return {"assignment": assignment, "fixture": fixture, "tests": tests, "failed": failed, "n": len(seeds),
            "seconds": time.perf_counter() - t0}


def _fixture(assignment: str, fixture: str):
    import build_submissions

    return next((f for f in build_submissions.fixtures(assignment) if f.student == fixture), None)


def _expected(assignment: str, fixture: str) -> tuple[set[str], set[str]]:
    """(test cells the fixture must lose, cells whose expectation is pending other work)."""
    fx = _fixture(assignment, fixture)
    return (set(fx.loses), set(fx.pending)) if fx is not None else (set(), set())


def main(argv: list[str] | None = None) -> int:
    import build_solutions
    import build_submissions

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20, help="grading secrets per fixture (default 20)")
    ap.add_argument("--first-seed", type=int, default=1, help="the first secret (then +1, +2, ...)")
    ap.add_argument("--assignment", action="append", help="only these assignments")
    ap.add_argument("--fixture", action="append", help="only these fixtures (and the solution)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--target", type=float, default=0.99, help="minimum catch and pass rate (default 0.99)")
    ap.add_argument("--json", metavar="PATH", help="also write the raw counts to this file")
    args = ap.parse_args(argv)
    assignments = [p.stem for p in build_solutions.sources(args.assignment)]
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    # Cheats that tamper with the grader (their `flagged:` cells) are undone by the kernel guard,
    # which this in-process run does not start: they are graded by the test suite, not here.
    jobs = [(a, f) for a in assignments for f in ["solution"] + [fx.student for fx in build_submissions.fixtures(a)
                                                                 if not fx.flagged]
            if not args.fixture or f in args.fixture or f == "solution"]
    print(f"{len(jobs)} submissions x {len(seeds)} grading secrets, {args.jobs} process(es)", flush=True)
    t0 = time.perf_counter()
    results = []
    with cf.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(grade_fixture, a, f, seeds): (a, f) for a, f in jobs}
        for fut in cf.as_completed(futures):
            r = fut.result()
            results.append(r)
            print(f"  {r['assignment']}/{r['fixture']}: {r['seconds'] / r['n']:.1f} s per grading", flush=True)
    catch, keep, lines, waiting = [], [], [], []
    for r in sorted(results, key=lambda r: (r["assignment"], r["fixture"])):
        loses, pending = _expected(r["assignment"], r["fixture"])
        for t in r["tests"]:
            lost = r["failed"].get(t, 0)
            if t in pending:
                waiting.append(f"{r['assignment']:<20} {r['fixture']:<28} {t:<32} lost {lost / r['n']:6.1%} "
                               f"(pending: {'loses' if t in loses else 'keeps'} once other work lands)")
                continue
            rate = lost / r["n"] if t in loses else 1 - lost / r["n"]
            (catch if t in loses else keep).append((rate, r["assignment"], r["fixture"], t))
            if rate < 1:
                kind = "catch" if t in loses else "pass"
                lines.append(f"{r['assignment']:<20} {r['fixture']:<28} {t:<32} {kind} rate {rate:6.1%}")
    print(f"\nGraded {len(results)} submissions x {len(seeds)} secrets in {time.perf_counter() - t0:.0f} s.")
    print("\nTests below 100 % (fixture, test, rate):" if lines else "\nEvery test at 100 %.")
    print("\n".join(lines))
    if waiting:
        print("\nPending expectations (not counted):")
        print("\n".join(waiting))
    print("\nPer test: catch rate (fixtures that must lose it) and pass rate (submissions that must keep it),"
          " pooled over fixtures and secrets, with the lowest single fixture's rate")
    print(f"  {'assignment':<20} {'test':<32} {'catch':>22} {'pass':>22}")
    tests = sorted({(x[1], x[3]) for x in catch + keep})
    for a, t in tests:
        c = [x[0] for x in catch if (x[1], x[3]) == (a, t)]
        k = [x[0] for x in keep if (x[1], x[3]) == (a, t)]
        fmt = lambda v: f"{np.mean(v):6.1%} (min {min(v):6.1%}, {len(v):2d})" if v else f"{'-':>22}"  # noqa: E731
        print(f"  {a:<20} {t:<32} {fmt(c):>22} {fmt(k):>22}")
    print("\nPer assignment: (test cells that must be lost) lowest catch rate; (kept) lowest pass rate")
    for a in assignments:
        c = [x[0] for x in catch if x[1] == a]
        k = [x[0] for x in keep if x[1] == a]
        print(f"  {a:<22} catch {min(c) if c else float('nan'):6.1%} over {len(c):3d}   "
              f"pass {min(k) if k else float('nan'):6.1%} over {len(k):3d}")
    low_c = min((x[0] for x in catch), default=1.0)
    low_k = min((x[0] for x in keep), default=1.0)
    print(f"\nOverall: lowest catch rate {low_c:.1%} ({len(catch)} (fixture, test) pairs that must lose), "
          f"lowest pass rate {low_k:.1%} ({len(keep)} that must keep), over {len(seeds)} secrets each.")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0 if low_c >= args.target and low_k >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
