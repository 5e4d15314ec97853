"""Time each course notebook from a fresh kernel, one after another in one run.

Prints seconds per notebook (kernel start included) and whether it is under the 20 s
target on this machine. The notebooks are executed from their committed .ipynb files; the
outputs are discarded, nothing is written.
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import nbformat  # noqa: E402

from build_notebooks import execute, problems  # noqa: E402

TARGET = 20.0


def main() -> int:
    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        seconds = execute(nb, path.parent)
        bad = problems(nb)
        rows.append((path.stem, seconds, bad))
    print(f"Notebook execution from a fresh kernel ({os.cpu_count()} cores, OMP_NUM_THREADS="
          f"{os.environ['OMP_NUM_THREADS']}, load average {os.getloadavg()[0]:.1f} at the end)")
    for name, seconds, bad in rows:
        flag = "ok" if seconds < TARGET and not bad else ("ERRORS" if bad else "SLOW")
        print(f"  {name:28s} {seconds:6.1f} s   {flag}")
    total = sum(s for _, s, _ in rows)
    print(f"  {'total':28s} {total:6.1f} s   (target: each under {TARGET:.0f} s)")
    return 1 if any(b for _, _, b in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
