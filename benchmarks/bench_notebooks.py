"""Time each course notebook from a fresh kernel, one after another in one run.

Prints, per notebook, the wall-clock seconds (kernel start included) and the CPU seconds the
kernel itself used, and whether the wall time is under the 20 s target on this machine. The
notebooks are executed from their committed .ipynb files; the outputs are discarded, nothing
is written.

Wall time depends on what else the machine is doing (the load average is printed); the
kernel's CPU time much less so, which makes it the figure to compare between runs on a
shared machine. CPU time needs psutil (installed with ipykernel); without it, only wall time
is printed.
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from build_notebooks import problems  # noqa: E402

try:
    import psutil
except ImportError:  # pragma: no cover - psutil comes with ipykernel
    psutil = None

TARGET = 20.0


def run(nb: nbformat.NotebookNode, cwd: Path) -> tuple[float, float | None]:
    """Execute ``nb`` in a fresh kernel: (wall seconds, kernel CPU seconds or None)."""
    backend = os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, as for a learner
    try:
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(cwd)}})
        t0 = time.perf_counter()
        with client.setup_kernel():
            kernel = None
            if psutil is not None:
                pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
                kernel = psutil.Process(pid) if pid else None
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            cpu = None
            if kernel is not None:
                times = kernel.cpu_times()
                cpu = times.user + times.system + times.children_user + times.children_system
        return time.perf_counter() - t0, cpu
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend


def main() -> int:
    rows = []
    load_before = os.getloadavg()[0]
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        seconds, cpu = run(nb, path.parent)
        rows.append((path.stem, seconds, cpu, problems(nb)))
    print(f"Notebook execution from a fresh kernel ({os.cpu_count()} cores, OMP_NUM_THREADS="
          f"{os.environ['OMP_NUM_THREADS']}, load average {load_before:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end)")
    print(f"  {'notebook':28s} {'wall':>8} {'kernel CPU':>11}")
    for name, seconds, cpu, bad in rows:
        flag = "ok" if seconds < TARGET and not bad else ("ERRORS" if bad else "SLOW")
        cpu_text = f"{cpu:9.1f} s" if cpu is not None else "      n/a"
        print(f"  {name:28s} {seconds:6.1f} s {cpu_text}   {flag}")
    total = sum(s for _, s, _, _ in rows)
    total_cpu = sum(c for _, _, c, _ in rows if c is not None)
    print(f"  {'total':28s} {total:6.1f} s {total_cpu:9.1f} s   (target: each under {TARGET:.0f} s of wall time)")
    return 1 if any(b for _, _, _, b in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
