"""Autograding cost: seconds per submission of ``nbgrader autograde``, per assignment.

For each assignment, a temporary course gets ``--students`` submissions (the reference
solution, the blank release and the test fixtures, repeated to reach that number), then
ONE ``nbgrader autograde <assignment>`` grades them all, alone on the machine (the
assignments one after the other). Printed: wall time, seconds per submission, and the
time to execute the solution notebook once in a fresh kernel (the floor of each
submission's cost, which includes kernel start-up and imports).

    python benchmarks/bench_grading.py               # 10 submissions per assignment
    python benchmarks/bench_grading.py --students 30
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import nbformat  # noqa: E402

import build_notebooks  # noqa: E402
import build_submissions  # noqa: E402
import make_exercises  # noqa: E402
import nbgrader_roundtrip as roundtrip  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=10, help="submissions per assignment (default 10)")
    args = ap.parse_args(argv)
    assignments = make_exercises.assignments()
    figures = {}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Autograding cost, {os.cpu_count()} cores, load average {load:.1f} at start, "
          f"{args.students} submissions per assignment, one autograde run each")
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        t0 = time.perf_counter()
        base = roundtrip.make_course(Path(tmp) / "base", assignments)
        print(f"  generate_assignment (all {len(assignments)}, new gradebook): {time.perf_counter() - t0:6.1f} s")
        for a in assignments:
            nb = nbformat.read(ROOT / "solutions" / a / f"{a}.ipynb", as_version=4)
            floor = build_notebooks.execute(nb, Path(tmp))
            pool = [roundtrip.solution_submission(a), build_submissions.release_notebook(a)]
            pool += [fx.notebook_path for fx in build_submissions.fixtures(a)]
            course = roundtrip.clone_course(base, Path(tmp) / a)
            for i in range(args.students):
                roundtrip.submit(course, a, f"student{i:03d}", pool[i % len(pool)])
            rc, log, seconds = roundtrip.start_autograde(course, a).wait()
            if rc:
                print(log[-3000:])
                raise SystemExit(f"nbgrader autograde {a} failed")
            per = seconds / args.students
            figures[a] = per
            print(f"  {a:22s} {seconds:7.1f} s for {args.students} submissions = {per:5.1f} s per submission "
                  f"(solution notebook alone in a fresh kernel: {floor:4.1f} s)")
    return figures


if __name__ == "__main__":
    main()
