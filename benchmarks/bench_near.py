"""Benchmark: near copies across the split, recall and precision beside cleanlab's check.

A training table of 1,000,000 rows (8 continuous columns, 2 small counts, a city name) and
a test table of 250,000 rows, of which 2,000 are copies of training rows with 0.1 %
multiplicative noise on every number, 2,000 copies rounded to 3 decimals, and 1,000 copies
with the city re-typed (case, spaces). Printed: time, recall (planted test rows found) and
precision (found test rows that were planted) of leakkit.detect.near_duplicates (plus its
exact scan, which near_duplicates leaves out), and of rounding (the old `--near 3`).

cleanlab's near-duplicate check (Datalab, issue type "near_duplicate") builds a
nearest-neighbour graph of one data set, quadratic at this size: it runs in its own
throw-away virtualenv under ~/.cache/leakkit-bench on a sample (--cleanlab-rows, default
20,000 train + 5,000 test with the same shares of copies), beside leakkit on the same
sample; "not run" when it cannot be installed.

Usage: nice -n 5 .venv/bin/python benchmarks/bench_near.py [--rows N] [--test-rows N] [--no-cleanlab]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _venvs import CACHE, venv_python  # noqa: E402

from leakkit.detect import duplicate_rows, near_duplicate_rows  # noqa: E402

VENV = CACHE / "venv-cleanlab"
CITIES = [f"City {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(50)]

CLEANLAB_RUNNER = r'''
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
from cleanlab import Datalab
folder = sys.argv[1]
train, test = pd.read_parquet(f"{folder}/train.parquet"), pd.read_parquet(f"{folder}/test.parquet")
both = pd.concat([train, test], ignore_index=True)
num = both.select_dtypes("number")
X = ((num - num.mean()) / num.std()).to_numpy()
X = np.hstack([X, pd.get_dummies(both["city"].str.lower().str.split().str.join(" ")).to_numpy(float)])
t0 = time.perf_counter()
lab = Datalab(data={"y": np.zeros(len(both))}, label_name="y")
lab.find_issues(features=X, issue_types={"near_duplicate": {}})
issues = lab.get_issues("near_duplicate")
seconds = time.perf_counter() - t0
n_train = len(train)
found = []
for i in range(n_train, len(both)):
    if issues["is_near_duplicate_issue"].iloc[i] and any(j < n_train for j in issues["near_duplicate_sets"].iloc[i]):
        found.append(i - n_train)
import cleanlab
print(json.dumps({"found": found, "seconds": seconds, "version": cleanlab.__version__}))
'''


def make_tables(n_train: int, n_test: int, n_noisy: int, n_rounded: int, n_retyped: int, seed: int = 0):
    rng = np.random.default_rng(seed)

    def table(n: int) -> pd.DataFrame:
        cols = {f"x{i}": rng.gamma(2.0 + i, 10.0, n) for i in range(4)}
        cols.update({f"z{i}": rng.normal(50 * i, 1 + i, n) for i in range(4)})
        cols["visits"] = rng.poisson(3, n).astype(float)
        cols["children"] = rng.integers(0, 4, n).astype(float)
        cols["city"] = rng.choice(CITIES, n)
        return pd.DataFrame(cols)

    train, test = table(n_train), table(n_test)
    k = n_noisy + n_rounded + n_retyped
    where = rng.choice(n_test, k, replace=False)
    src = train.iloc[rng.choice(n_train, k, replace=False)].reset_index(drop=True)
    num = [c for c in train.columns if c != "city"]
    noisy = src.iloc[:n_noisy].copy()
    noisy[num] = noisy[num].to_numpy() * (1 + rng.normal(0, 0.001, (n_noisy, len(num))))
    rounded = src.iloc[n_noisy:n_noisy + n_rounded].copy()
    rounded[num] = rounded[num].round(3)
    retyped = src.iloc[n_noisy + n_rounded:].copy()
    retyped["city"] = ["  " + c.upper() if i % 2 else c.lower() + " " for i, c in enumerate(retyped["city"])]
    test.iloc[where] = pd.concat([noisy, rounded, retyped]).to_numpy()
    test[num] = test[num].astype(float)
    return train, test, set(where.tolist())


def score(found: set, planted: set) -> tuple[float, float]:
    tp = len(found & planted)
    return tp / len(planted), (tp / len(found) if found else 1.0)


def leakkit_found(train: pd.DataFrame, test: pd.DataFrame) -> tuple[set, float]:
    """Test rows with an exact or near copy in train (the row scans behind the two findings)."""
    t0 = time.perf_counter()
    rows = set(duplicate_rows(train, test)["test_row"]) | set(near_duplicate_rows(train, test)["test_row"])
    return rows, time.perf_counter() - t0


def rounding_found(train: pd.DataFrame, test: pd.DataFrame, decimals: int = 3) -> set:
    return set(duplicate_rows(train, test, decimals=decimals, normalize_text=True)["test_row"])


def cleanlab_python() -> Path | None:
    return venv_python(VENV, ["cleanlab[datalab]", "pyarrow"], "cleanlab")


def report(name: str, found: set, planted: set, seconds: float | None) -> None:
    recall, precision = score(found, planted)
    t = f"{seconds:7.2f} s" if seconds is not None else "        "
    print(f"    {name:<44} {t}   recall {recall:6.1%}   precision {precision:6.1%}   ({len(found):,} flagged)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--test-rows", type=int, default=250_000)
    ap.add_argument("--cleanlab-rows", type=int, default=20_000)
    ap.add_argument("--no-cleanlab", action="store_true")
    args = ap.parse_args(argv)
    per = args.test_rows // 50  # 2 % noisy, 2 % rounded, 1 % re-typed by default
    train, test, planted = make_tables(args.rows, args.test_rows, per, per, per // 2)
    print(f"train {len(train):,} rows, test {len(test):,} rows, {len(planted):,} planted copies "
          f"(noisy 0.1 %, rounded to 3 decimals, city re-typed)")
    found, seconds = leakkit_found(train, test)
    report("leakkit duplicates + near_duplicates", found, planted, seconds)
    t0 = time.perf_counter()
    report("rounding to 3 decimals (old --near 3)", rounding_found(train, test), planted, time.perf_counter() - t0)
    report("rounding to 2 decimals (old --near 2)", rounding_found(train, test, 2), planted, None)
    if args.no_cleanlab:
        return 0
    n_small = args.cleanlab_rows
    tr, te, pl = make_tables(n_small, n_small // 4, n_small // 100, n_small // 100, n_small // 200, seed=1)
    print(f"sample for cleanlab: train {len(tr):,} rows, test {len(te):,} rows, {len(pl):,} planted copies")
    found_s, seconds_s = leakkit_found(tr, te)
    report("leakkit duplicates + near_duplicates", found_s, pl, seconds_s)
    python = cleanlab_python()
    if python is None:
        print("    cleanlab                                     not run (could not be installed)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tr.to_parquet(f"{tmp}/train.parquet")
        te.to_parquet(f"{tmp}/test.parquet")
        runner = Path(tmp) / "run.py"
        runner.write_text(CLEANLAB_RUNNER)
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        proc = subprocess.run([str(python), str(runner), tmp], capture_output=True, text=True, env=env, timeout=7200)
    if proc.returncode != 0:
        print("    cleanlab failed: " + " | ".join(proc.stderr.strip().splitlines()[-3:]))
        return 0
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    report(f"cleanlab {out['version']} Datalab near_duplicate", set(out["found"]), pl, out["seconds"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
