"""Benchmark leakkit.detect: prints figures and ratios, asserts no timings.

(a) Duplicate scan, 1,000,000 x 20 float train vs 250,000 test sharing 10,000 rows, measured
    side by side in one process, in interleaved rounds (the best of each): leakkit's scan
    (detect.duplicate_rows: confirmed pairs) and finding (detect.duplicates: with the check of
    which copies hold distinctive values), beside what a user would pick for speed: pandas
    hash_pandas_object(...).isin(...), a polars semi join and a DuckDB semi join on 2 threads
    (each skipped with "not run" when not installed), plus a plain pandas merge for counts and
    peak memory.
(b) The same frames through deepchecks' TrainTestSamplesMix, run in its own virtualenv
    (~/.cache/leakkit-bench/venv-deepchecks, created on first use; needs PyPI). --no-deepchecks skips it.
(c) Single-feature power scan (leakkit.feature_power) on 100,000 x 50 mixed columns.

Usage (from the project root):
    .venv/bin/python benchmarks/bench_detect.py [--no-deepchecks] [--rows N] [--test-rows N] [--shared N]

Peak memory is measured with tracemalloc (numpy and pandas report their buffers to it) in a
separate run from the timed one, so tracing does not slow the timings. The script exits with
status 1 only if the methods disagree on the count of shared rows.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from leakkit.detect import duplicate_rows, duplicates, feature_power  # noqa: E402

# Outside the repository: a separate, throw-away environment (deepchecks needs older pins).
VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "leakkit-bench" / "venv-deepchecks"
DEEPCHECKS_REQS = ["deepchecks", "scikit-learn<1.6", "pandas<2.3", "numpy<2", "category-encoders<2.7"]

# Runs inside the deepchecks virtualenv: loads the .npy frames, times TrainTestSamplesMix.
DEEPCHECKS_RUNNER = r'''
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
from deepchecks.tabular import Dataset
from deepchecks.tabular.checks import TrainTestSamplesMix
folder = sys.argv[1]
cols = [f"c{i}" for i in range(np.load(f"{folder}/train.npy", mmap_mode="r").shape[1])]
train = pd.DataFrame(np.load(f"{folder}/train.npy"), columns=cols)
test = pd.DataFrame(np.load(f"{folder}/test.npy"), columns=cols)
t0 = time.perf_counter()
train_ds = Dataset(train, cat_features=[])
test_ds = Dataset(test, cat_features=[])
t1 = time.perf_counter()
result = TrainTestSamplesMix().run(train_ds, test_ds, with_display=False)
t2 = time.perf_counter()
ratio = float(result.value["ratio"])
import deepchecks
print(json.dumps({"seconds_check": t2 - t1, "seconds_total": t2 - t0, "ratio": ratio,
                  "count": int(round(ratio * len(test))), "version": deepchecks.__version__}))
'''


def make_frames(n_train: int, n_test: int, n_shared: int, n_cols: int = 20, seed: int = 0):
    rng = np.random.default_rng(seed)
    cols = [f"c{i}" for i in range(n_cols)]
    train = pd.DataFrame(rng.standard_normal((n_train, n_cols)), columns=cols)
    test_values = rng.standard_normal((n_test, n_cols))
    where = rng.choice(n_test, n_shared, replace=False)
    test_values[where] = train.to_numpy()[rng.choice(n_train, n_shared, replace=False)]
    return train, pd.DataFrame(test_values, columns=cols)


def pandas_merge_count(train: pd.DataFrame, test: pd.DataFrame) -> int:
    """Test rows with an exact copy in train, the plain-pandas way."""
    merged = test.reset_index().merge(train, on=list(train.columns), how="inner")
    return int(merged["index"].nunique())


def leakkit_count(train: pd.DataFrame, test: pd.DataFrame) -> int:
    found = duplicates(train, test)
    return found[0].evidence["n_rows"] if found else 0


def leakkit_scan(train: pd.DataFrame, test: pd.DataFrame) -> int:
    return int(duplicate_rows(train, test)["test_row"].nunique())


def pandas_hash_count(train: pd.DataFrame, test: pd.DataFrame) -> int:
    h_train = pd.util.hash_pandas_object(train, index=False)
    return int(pd.util.hash_pandas_object(test, index=False).isin(h_train).sum())


def competitors(train: pd.DataFrame, test: pd.DataFrame) -> dict:
    """The fast ways a user would count test rows copied from train, by name (None: not installed)."""
    out = {"pandas hash_pandas_object.isin": pandas_hash_count}
    try:
        import polars as pl

        ptr, pte = pl.from_pandas(train), pl.from_pandas(test)
        out["polars semi join"] = lambda a, b: pte.join(ptr, on=list(train.columns), how="semi").height
    except ImportError:
        out["polars semi join"] = None
    try:
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads=2")
        con.register("train_df", train)
        con.register("test_df", test)
        on = " AND ".join(f'a."{c}" = b."{c}"' for c in train.columns)
        sql = f"SELECT count(*) FROM test_df b SEMI JOIN train_df a ON {on}"
        out["DuckDB semi join (2 threads)"] = lambda a, b: con.execute(sql).fetchone()[0]
    except ImportError:
        out["DuckDB semi join (2 threads)"] = None
    return out


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def peak_bytes(fn, *args) -> int:
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def ensure_deepchecks_venv() -> Path:
    python = VENV / "bin" / "python"
    if python.exists():
        probe = subprocess.run([str(python), "-c", "import deepchecks"], capture_output=True, text=True)
        if probe.returncode == 0:
            return python
    base = shutil.which("python3") or sys.executable
    print(f"    creating {VENV} with {base} and installing {' '.join(DEEPCHECKS_REQS)} "
          f"(a few minutes, once)...", flush=True)
    if not python.exists():
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    log = VENV / "pip-install.log"
    with open(log, "w") as fh:
        proc = subprocess.run([str(python), "-m", "pip", "install", *DEEPCHECKS_REQS],
                              stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-15:])
        raise RuntimeError(f"pip install into {VENV} failed (exit {proc.returncode}); last lines of {log}:\n{tail}")
    return python


def bench_duplicates(args) -> dict:
    print(f"(a) duplicate scan: train {args.rows:,} x 20 floats, test {args.test_rows:,} x 20, "
          f"{args.shared:,} test rows copied from train; best of {args.rounds} interleaved rounds")
    train, test = make_frames(args.rows, args.test_rows, args.shared)
    input_bytes = int(train.memory_usage(deep=True).sum() + test.memory_usage(deep=True).sum())
    methods = {"leakkit detect.duplicate_rows (scan)": leakkit_scan,
               "leakkit detect.duplicates (finding)": leakkit_count, **competitors(train, test)}
    best: dict[str, float] = {}
    counts: dict[str, int] = {}
    for _ in range(args.rounds):  # interleaved: each method sees the same load on a shared machine
        for name, fn in methods.items():
            if fn is None:
                continue
            n, t = timed(fn, train, test)
            counts[name] = n
            best[name] = min(best.get(name, float("inf")), t)
    duck = best.get("DuckDB semi join (2 threads)")
    for name, fn in methods.items():
        if fn is None:
            print(f"    {name:<38} not run (not installed; pip install 'leakkit[scale]' polars)")
            continue
        ratio = f"   ratio to DuckDB {best[name] / duck:5.2f}" if duck else ""
        print(f"    {name:<38} {best[name]:7.3f} s   shared test rows: {counts[name]:,}{ratio}")
    n_merge, t_merge = timed(pandas_merge_count, train, test)
    print(f"    {'pandas merge on all columns':<38} {t_merge:7.3f} s   shared test rows: {n_merge:,}")
    t_leakkit = best["leakkit detect.duplicates (finding)"]
    p_leakkit = peak_bytes(leakkit_count, train, test)
    p_merge = peak_bytes(pandas_merge_count, train, test)
    print(f"    input frames         {input_bytes / 2**20:8.0f} MiB")
    print(f"    peak extra memory    leakkit {p_leakkit / 2**20:.0f} MiB ({p_leakkit / input_bytes:.2f} x input), "
          f"pandas merge {p_merge / 2**20:.0f} MiB ({p_merge / input_bytes:.2f} x input)")
    ok = all(n == args.shared for n in counts.values()) and n_merge == args.shared
    print(f"    counts agree with each other and with the {args.shared:,} planted: {ok}")
    return {"train": train, "test": test, "t_leakkit": t_leakkit, "n_leakkit": counts[
        "leakkit detect.duplicates (finding)"], "ok": ok}


def bench_deepchecks(res: dict) -> bool:
    print("(b) deepchecks TrainTestSamplesMix on the same frames (own virtualenv)")
    try:
        python = ensure_deepchecks_venv()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        print(f"    skipped: could not set up deepchecks: {exc}")
        return True
    with tempfile.TemporaryDirectory() as tmp:
        np.save(f"{tmp}/train.npy", res["train"].to_numpy())
        np.save(f"{tmp}/test.npy", res["test"].to_numpy())
        runner = Path(tmp) / "run_deepchecks.py"
        runner.write_text(DEEPCHECKS_RUNNER)
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        proc = subprocess.run([str(python), str(runner), tmp], capture_output=True, text=True, env=env,
                              timeout=3600)
    if proc.returncode != 0:
        print(f"    deepchecks failed (exit {proc.returncode}):\n" + "\n".join(proc.stderr.splitlines()[-15:]))
        return True
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"    deepchecks {out['version']}: check {out['seconds_check']:.2f} s "
          f"(with Dataset set-up {out['seconds_total']:.2f} s)   shared test rows: {out['count']:,}")
    print(f"    leakkit speed-up vs deepchecks: {out['seconds_check'] / res['t_leakkit']:.1f} x")
    ok = out["count"] == res["n_leakkit"]
    print(f"    counts agree: {ok}")
    return ok


def feature_frame(n: int = 100_000, n_cols: int = 50, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    cols: dict[str, np.ndarray] = {}
    for i in range(n_cols - 8):
        cols[f"num_{i}"] = rng.standard_normal(n)
    cols["tenure"] = rng.normal(24, 6, n) - 3 * y                                   # honest, modest
    cols["monthly_fee"] = rng.gamma(2, 20, n) + 5 * y                               # honest, modest
    cols["plan"] = rng.choice(["basic", "plus", "pro", "family"], n)
    cols["city"] = rng.choice([f"city_{i}" for i in range(300)], n)
    cols["signup"] = (pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")).to_numpy()
    cols["customer_id"] = rng.permutation(n)
    cols["account_closed_days"] = np.where(y == 1, rng.integers(1, 90, n), np.nan)  # leak: a future field
    cols["cancel_reason"] = np.where(y == 1, rng.choice(["price", "moved", "service"], n), "none")  # leak
    return pd.DataFrame(cols), y


def bench_features() -> None:
    X, y = feature_frame()
    print(f"(c) single-feature power scan: {X.shape[0]:,} x {X.shape[1]} (numbers, categories, dates, an ID, "
          f"two planted leaks)")
    found, t = timed(feature_power, X, y)
    print(f"    leakkit.feature_power {t:7.2f} s   flagged: {[f.columns[0] for f in found]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-deepchecks", action="store_true", help="skip (b)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--test-rows", type=int, default=250_000)
    parser.add_argument("--shared", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} cores, single-threaded")
    res = bench_duplicates(args)
    ok = res["ok"]
    if not args.no_deepchecks:
        ok = bench_deepchecks(res) and ok
    del res
    bench_features()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
