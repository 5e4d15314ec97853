"""Overhead of the live tools: ``%load_ext leakkit`` per cell, and ``pytest --leakkit``.

1. Per cell, in one IPython shell: the same cells run with the extension loaded and without
   it, interleaved (off, on, off, on, ...) so that drift in a shared machine's speed hits
   both alike; medians of each cell's paired differences and ratios are printed.
2. As a session grows: modelling cells run one after another with the default history
   bound and with none; the extension's own time per cell at increasing history sizes shows
   what the bound (a restart beyond ``max_records`` records) buys.
3. The nine course notebooks (``--notebooks``): total cell execution time in the kernel
   (from nbclient's timestamps, so kernel start-up noise is left out) with and without
   ``%load_ext leakkit`` (the notebooks' own line taken out, the extension loaded or not in a
   first cell of its own), interleaved, best of two each.
4. pytest: start-up of a run with the plugin loaded (inert) vs ``-p no:leakkit``, and a small
   suite of model tests with ``--leakkit`` vs without; medians of interleaved runs.

Run: ``python benchmarks/bench_live.py [--notebooks] [--repeats N]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

SETUP = """\
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
rng = np.random.default_rng(0)
X = rng.normal(size=(2000, 20)); y = (X[:, :3].sum(axis=1) + rng.normal(size=2000) > 0).astype(int)
"""

# Honest cells of the kinds a notebook has (nothing is shown, so only tracing is timed).
CELLS = {
    "no model (x = sum(range(1000)))": "x = sum(range(1000))",
    "split": "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)",
    "fit scaler on train, transform both": "sc = StandardScaler().fit(X_tr); A, B = sc.transform(X_tr), sc.transform(X_te)",
    "fit a model and score it": "LogisticRegression().fit(A, y_tr).score(B, y_te)",
    "5-fold cross_val_score of a Pipeline": "cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5)",
    "GridSearchCV, 3 settings x 3 folds": ("GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()), "
                                           "{'logisticregression__C': [0.1, 1, 10]}, cv=3).fit(X_tr, y_tr)"),
}


def run(shell, code: str) -> float:
    with capture_output():
        t0 = time.perf_counter()
        shell.run_cell(code, store_history=True)
        return time.perf_counter() - t0


def per_cell(repeats: int) -> None:
    shell = InteractiveShell.instance()
    run(shell, SETUP)
    for code in CELLS.values():  # warm-up: imports, caches
        run(shell, code)
    off: dict[str, list] = {k: [] for k in CELLS}
    on: dict[str, list] = {k: [] for k in CELLS}
    for _ in range(repeats):
        for times, load in ((off, False), (on, True)):
            if load:
                shell.run_line_magic("load_ext", "leakkit")
            for name, code in CELLS.items():
                times[name].append(run(shell, code))
            if load:
                shell.run_line_magic("unload_ext", "leakkit")  # and the history with it: every round alike
    print(f"1. Per cell, %load_ext leakkit vs no extension (2,000 x 20; median of {repeats} interleaved pairs)")
    print(f"   {'cell':40s} {'without':>9s} {'with':>9s} {'added':>9s} {'ratio':>7s}")
    for name in CELLS:
        a, b = statistics.median(off[name]), statistics.median(on[name])
        added = statistics.median([y - x for x, y in zip(off[name], on[name])])
        ratio = statistics.median([y / x for x, y in zip(off[name], on[name])])
        print(f"   {name:40s} {a * 1000:7.2f}ms {b * 1000:7.2f}ms {added * 1000:7.2f}ms {ratio:6.2f}x")
    InteractiveShell.clear_instance()


def growing_session(cells: int) -> None:
    from leakkit import ipython as ext

    print(f"2. A growing session: the extension's own time per modelling cell (median over 10 cells) "
          f"at increasing history")
    sequence = [
        "P = StandardScaler().fit_transform(X + {i})",
        "P_tr, P_te, q_tr, q_te = train_test_split(P, y, random_state={i})",  # a leak, shown under the next cell
        "LogisticRegression().fit(P_tr, q_tr).score(P_te, q_te)",
        "cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5)",
    ]
    results = {}
    for label, limit in ((f"bounded (default, {ext.DEFAULT_MAX_RECORDS} records)", ext.DEFAULT_MAX_RECORDS), ("unbounded", 10**12)):
        InteractiveShell.clear_instance()
        shell = InteractiveShell.instance()
        run(shell, SETUP)
        shell.run_line_magic("load_ext", "leakkit")
        live = ext.live(shell)
        live.max_records, live.max_bytes = limit, 10**15 if limit > 10**6 else live.max_bytes
        spent, rows = [], []
        original = live.post_run_cell

        def timed(result, _orig=original):
            t0 = time.perf_counter()
            _orig(result)
            spent.append(time.perf_counter() - t0)

        shell.events.unregister("post_run_cell", original)
        shell.events.register("post_run_cell", timed)
        for i in range(cells // len(sequence)):
            for code in sequence:
                run(shell, code.format(i=i))
            n = len(spent)
            if n in (40, 100, 200) or n == cells:
                records = sum(__import__("leakkit._live", fromlist=["x"]).activity(live._trace)) if live._trace else 0
                rows.append((n, records, statistics.median(spent[-10:]), live.held_bytes, live.restarts))
        results[label] = rows
        shell.events.unregister("post_run_cell", timed)
        shell.run_line_magic("unload_ext", "leakkit")
    for label, rows in results.items():
        print(f"   {label}:")
        for n, records, t, held, restarts in rows:
            print(f"     after {n:4d} cells: {records:5d} records held, {held / 2**20:6.1f} MB, "
                  f"check {t * 1000:7.1f} ms per cell, {restarts} restarts")
    InteractiveShell.clear_instance()


def notebooks() -> None:
    from datetime import datetime

    import nbformat
    from nbclient import NotebookClient

    def cell_seconds(path: Path, load: bool) -> tuple[float, int]:
        nb = nbformat.read(path, as_version=4)
        for c in nb.cells:  # the notebooks load it in their first cell: take it out of every run...
            if c.cell_type == "code":
                c.source = "\n".join(line for line in c.source.splitlines() if line.strip() != "%load_ext leakkit")
        # ...and load it, when asked, in a cell of its own, left out of the timing.
        nb.cells.insert(0, nbformat.v4.new_code_cell("%load_ext leakkit" if load else "pass"))
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        total, shown = 0.0, 0
        for c in nb.cells[1:]:
            m = c.metadata.get("execution", {}) if c.cell_type == "code" else {}
            if "iopub.execute_input" in m and "shell.execute_reply" in m:
                a = datetime.fromisoformat(m["iopub.execute_input"].replace("Z", "+00:00"))
                b = datetime.fromisoformat(m["shell.execute_reply"].replace("Z", "+00:00"))
                total += (b - a).total_seconds()
            shown += sum(1 for o in c.get("outputs", []) if "application/vnd.leakkit.findings+json" in o.get("data", {}))
        return total, shown

    print("3. Course notebooks: cell execution time in the kernel, without and with %load_ext leakkit "
          "(best of 2 interleaved runs each)")
    tot = [0.0, 0.0]
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        runs = [cell_seconds(path, load) for load in (False, True, False, True)]
        a = min(runs[0][0], runs[2][0])
        b, shown = min(runs[1][0], runs[3][0]), runs[1][1]
        tot[0] += a
        tot[1] += b
        print(f"   {path.stem:28s} {a:6.2f} s -> {b:6.2f} s  ({b / a:4.2f}x; warnings shown: {shown})")
    print(f"   {'all nine':28s} {tot[0]:6.2f} s -> {tot[1]:6.2f} s  ({tot[1] / tot[0]:4.2f}x)")


SUITE = textwrap.dedent("""\
    import numpy as np, pytest
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 20)); y = (X[:, 0] > 0).astype(int)

    @pytest.mark.parametrize("seed", range(20))
    def test_cv(seed):
        assert cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5).mean() > 0.6

    @pytest.mark.parametrize("seed", range(20))
    def test_split(seed):
        a, b, c, d = train_test_split(X, y, random_state=seed)
        assert make_pipeline(StandardScaler(), LogisticRegression()).fit(a, c).score(b, d) > 0.6

    @pytest.mark.parametrize("seed", range(20))
    def test_no_model(seed):
        assert sorted(range(seed, 0, -1)) == list(range(1, seed + 1))
""")


def pytest_overhead(repeats: int) -> None:
    def timed(args, cwd) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=cwd,
                       capture_output=True, check=False)
        return time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_suite.py").write_text(SUITE)
        Path(tmp, "test_empty.py").write_text("def test_nothing():\n    pass\n")
        pairs = {"start-up (one empty test)": (["test_empty.py", "-p", "no:leakkit"], ["test_empty.py"]),
                 "60 model tests": (["test_suite.py"], ["test_suite.py", "--leakkit"])}
        print(f"4. pytest (median of {repeats} interleaved runs, in subprocesses)")
        for name, (a_args, b_args) in pairs.items():
            a, b = [], []
            for _ in range(repeats):
                a.append(timed(a_args, tmp))
                b.append(timed(b_args, tmp))
            what = ("without the plugin -> plugin loaded, inert" if "start" in name
                    else "without --leakkit -> with --leakkit")
            print(f"   {name:28s} {statistics.median(a):6.2f} s -> {statistics.median(b):6.2f} s  ({what}; "
                  f"ratio {statistics.median([y / x for x, y in zip(a, b)]):4.2f}x)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--notebooks", action="store_true", help="also time the nine course notebooks (a few minutes)")
    args = ap.parse_args()
    print(f"(machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, OMP_NUM_THREADS="
          f"{os.environ['OMP_NUM_THREADS']})")
    per_cell(args.repeats)
    growing_session(200)
    if args.notebooks:
        notebooks()
    pytest_overhead(max(3, args.repeats // 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
