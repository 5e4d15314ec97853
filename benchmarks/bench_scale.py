"""Benchmark: `leakkit audit` on a table larger than memory (Parquet), peak memory printed.

Writes (once, cached under ~/.cache/leakkit-bench/scale) a training table of 20,000,000 x 20
floats plus a binary target and a test table of 5,000,000 rows of which 10,000 are copies of
training rows, as Parquet. Then, each in its own process so peak memory is that process's
own (ru_maxrss of the child):

- `leakkit audit train.parquet --target y --test test.parquet` (the out-of-core engine, chosen
  automatically for tables of this size);
- the same exact-copy count by DuckDB alone (hash semi join under the same memory limit) and
  by polars' streaming engine (scan_parquet, semi join, collect(engine="streaming")), the
  measurements behind the choice of DuckDB as the engine; "not run" when not installed.

Usage: nice -n 5 .venv/bin/python benchmarks/bench_scale.py [--rows N] [--test-rows N] [--shared N]
Asserts no timings; exits 1 only if the counts disagree.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "leakkit-bench" / "scale"
LEAKKIT = Path(sys.executable).with_name("leakkit")

DUCKDB_ONLY = r'''
import duckdb, json, sys
con = duckdb.connect(); con.execute("SET memory_limit='1GB'"); con.execute("SET threads=2")
train, test = sys.argv[1], sys.argv[2]
cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{train}')").fetchall() if r[0] != "y"]
on = " AND ".join(f'a."{c}" = b."{c}"' for c in cols)
n = con.execute(f"SELECT count(*) FROM read_parquet('{test}') b SEMI JOIN read_parquet('{train}') a ON {on}").fetchone()[0]
print(json.dumps({"count": int(n)}))
'''

POLARS_STREAMING = r'''
import polars as pl, json, sys
train, test = sys.argv[1], sys.argv[2]
cols = [c for c in pl.scan_parquet(train).collect_schema().names() if c != "y"]
lazy = pl.scan_parquet(test).join(pl.scan_parquet(train), on=cols, how="semi").select(pl.len())
try:
    n = lazy.collect(engine="streaming").item()
except TypeError:
    n = lazy.collect(streaming=True).item()
print(json.dumps({"count": int(n)}))
'''


def write_tables(n_rows: int, n_test: int, n_shared: int, n_cols: int = 20, chunk: int = 1_000_000) -> tuple[Path, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = CACHE / f"{n_rows}x{n_cols}_{n_test}_{n_shared}"
    train, test = folder / "train.parquet", folder / "test.parquet"
    if train.exists() and test.exists():
        return train, test
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"c{i}" for i in range(n_cols)]
    rng = np.random.default_rng(0)
    w = np.linspace(1.0, 0.1, n_cols) / np.sqrt(n_cols)
    copied = np.sort(rng.choice(n_rows, n_shared, replace=False))
    copies = []
    print(f"  writing {train} ({n_rows:,} rows)...", flush=True)
    with pq.ParquetWriter(str(train) + ".tmp", pa.schema([(c, pa.float64()) for c in names] + [("y", pa.int8())])) as out:
        for start in range(0, n_rows, chunk):
            x = rng.standard_normal((min(chunk, n_rows - start), n_cols))
            y = (x @ w + rng.normal(0, 1, len(x)) > 0).astype(np.int8)
            pick = copied[(copied >= start) & (copied < start + len(x))] - start
            copies.append(x[pick])
            out.write_table(pa.table({**{c: x[:, i] for i, c in enumerate(names)}, "y": y}))
    copies = np.vstack(copies)
    print(f"  writing {test} ({n_test:,} rows)...", flush=True)
    where = np.sort(rng.choice(n_test, n_shared, replace=False))
    with pq.ParquetWriter(str(test) + ".tmp", pa.schema([(c, pa.float64()) for c in names] + [("y", pa.int8())])) as out:
        k = 0
        for start in range(0, n_test, chunk):
            x = rng.standard_normal((min(chunk, n_test - start), n_cols))
            pick = where[(where >= start) & (where < start + len(x))] - start
            x[pick] = copies[k:k + len(pick)]
            k += len(pick)
            y = (x @ w + rng.normal(0, 1, len(x)) > 0).astype(np.int8)
            out.write_table(pa.table({**{c: x[:, i] for i, c in enumerate(names)}, "y": y}))
    Path(str(train) + ".tmp").rename(train)
    Path(str(test) + ".tmp").rename(test)
    return train, test


_WRAPPER = (  # runs one tool as its only child and reports that child's peak resident memory
    "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
    "print('PEAK_KIB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)"
)


def run_child(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``cmd`` in a wrapper process of its own; its wall time and peak resident memory (MiB)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("PEAK_KIB ")]
    return proc, seconds, (int(peak[-1]) / 1024 if peak else float("nan"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--test-rows", type=int, default=5_000_000)
    ap.add_argument("--shared", type=int, default=10_000)
    args = ap.parse_args(argv)
    try:
        train, test = write_tables(args.rows, args.test_rows, args.shared)
    except ImportError:
        print("not run: writing Parquet needs pyarrow (pip install 'leakkit[scale]')")
        return 0
    size = (train.stat().st_size + test.stat().st_size) / 2**30
    print(f"train {args.rows:,} x 20 floats + target, test {args.test_rows:,} rows ({args.shared:,} copied): "
          f"{size:.1f} GiB of Parquet, about {(args.rows + args.test_rows) * 21 * 8 / 2**30:.1f} GiB in memory")
    results = {}
    # Each tool in its own process, its peak measured by a wrapper whose only child it is.
    for name, cmd in [
        ("polars streaming semi join", [sys.executable, "-c", POLARS_STREAMING, str(train), str(test)]),
        ("DuckDB semi join (1 GB limit)", [sys.executable, "-c", DUCKDB_ONLY, str(train), str(test)]),
        ("leakkit audit (out of core)", [str(LEAKKIT), "audit", str(train), "--target", "y", "--test", str(test),
                                         "--format", "json"]),
    ]:
        proc, seconds, peak = run_child(cmd)
        if name.startswith("leakkit"):
            ok = proc.returncode in (0, 1)
            count = next((f["evidence"]["n_rows"] for f in json.loads(proc.stdout)["findings"]
                          if f["check"] == "duplicates"), 0) if ok else None
        else:
            ok = proc.returncode == 0
            count = json.loads(proc.stdout.strip().splitlines()[-1])["count"] if ok else None
        if not ok:
            last = ([x for x in proc.stderr.strip().splitlines() if not x.startswith("PEAK_KIB")] or ["?"])[-1]
            print(f"    {name:<32} not run ({last[:120]})")
            continue
        results[name] = count
        print(f"    {name:<32} {seconds:7.1f} s   peak memory {peak:7.0f} MiB   copied test rows found: {count:,}")
    ok = all(c == args.shared for c in results.values())
    print(f"    counts agree with the {args.shared:,} planted: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
