"""Tracer overhead, measured side by side in one process.

1. The README's benchmark: 5-fold ``cross_validate`` of a 3-step Pipeline on 10,000 x 20
   (a numpy array, then a DataFrame), with and without ``leakkit.trace()``.
2. A run that exercises pandas group statistics: feature engineering on a 20,000-row frame
   (a group median fill, a frequency encoding, a group z-score, a lag per store), then
   5-fold ``cross_validate``; the tracer records each statistic and recognises it in the
   data (the statistics are taken on all rows, so it reports a leak).

Runs are interleaved (plain, traced, plain, traced, ...) after a garbage collection, so that
drift in the machine's speed hits both alike. The whole measurement runs twice, each time in a
fresh process: with the C library's default allocator settings, and with glibc's adaptive
``mmap`` threshold fixed (``MALLOC_MMAP_THRESHOLD_=131072``). Under the adaptive default, any
code that allocates and frees large arrays (the tracer's row hashes) raises the threshold, and
later *plain* runs get faster: the paired ratio then also measures that side effect. With the
threshold fixed, both arms allocate alike (the figure to compare across tracer versions). Printed per workload: the ratio of the best
runs (wall clock), the median of the ratios of neighbouring pairs (wall clock), and the
median of the paired ratios of process CPU time (least sensitive to other work on a busy,
shared machine), with the CPU time added per run in milliseconds (a ratio depends on how fast
the machine runs the plain workload; the added time does not), and for the first workload the
peak memory Python allocated during one run with and without the trace. The target is an overhead
under 15 % on the first workload, read on the median of paired CPU times (a best-run ratio
divides two minima taken at different moments, so it moves with the machine's drift). The
analysis (``t.findings``) is part of the measured time.
"""
import gc
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.feature_selection import SelectKBest  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import cross_validate  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import leakkit  # noqa: E402


def pipeline_cv(X, y):
    pipe = make_pipeline(StandardScaler(), SelectKBest(k=10), LogisticRegression(max_iter=200))
    return cross_validate(pipe, X, y, cv=5)


def group_features_cv(df):
    d = df.copy()
    g = d.groupby("city")["income"]
    d["income"] = d["income"].fillna(g.transform("median"))
    d["city_freq"] = d["city"].map(d["city"].value_counts(normalize=True))
    g = d.groupby("city")["income"]
    d["income_z_city"] = (d["income"] - g.transform("mean")) / g.transform("std")
    d["visits_lag"] = d.groupby("store")["visits"].shift(1).fillna(0)
    X = d[["age", "income", "visits", "city_freq", "income_z_city", "visits_lag"]]
    return cross_validate(LogisticRegression(max_iter=300), X, d["churn"], cv=5)


def measure(run, repeats: int) -> dict:
    wall_p, wall_t, cpu_p, cpu_t, n_findings = [], [], [], [], set()
    run()  # warm-up
    for _ in range(repeats):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        run()
        wall_p.append(time.perf_counter() - w0)
        cpu_p.append(time.process_time() - c0)
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        with leakkit.trace() as t:
            run()
        n_findings.add(len(t.findings))  # the analysis is part of the measured time
        wall_t.append(time.perf_counter() - w0)
        cpu_t.append(time.process_time() - c0)
        del t
    wall_p, wall_t, cpu_p, cpu_t = map(np.array, (wall_p, wall_t, cpu_p, cpu_t))
    return {"plain_s": wall_p.min(), "traced_s": wall_t.min(), "overhead": wall_t.min() / wall_p.min() - 1,
            "overhead_paired_median": float(np.median(wall_t / wall_p)) - 1,
            "overhead_cpu_paired_median": float(np.median(cpu_t / cpu_p)) - 1,
            "extra_cpu_ms": 1000 * float(np.median(cpu_t - cpu_p)), "findings": sorted(n_findings)}


def peak_mib(run) -> tuple[float, float]:
    """Peak memory Python allocated during one run (tracemalloc), without and with the trace,
    after one traced run (the tracer's buffers kept from one trace to the next are counted
    in neither)."""
    import tracemalloc

    def traced():
        with leakkit.trace() as t:
            run()
        t.findings

    traced()
    out = []
    for f in (run, traced):
        gc.collect()
        tracemalloc.start()
        f()
        out.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return out[0], out[1]


def _frame(n: int = 20_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "age": rng.normal(45, 12, n), "income": rng.lognormal(10.5, 0.6, n), "visits": rng.poisson(6, n),
        "city": rng.choice([f"c{i}" for i in range(40)], n), "store": rng.choice([f"s{i}" for i in range(25)], n),
    })
    df.loc[rng.choice(n, n // 10, replace=False), "income"] = np.nan
    df["churn"] = (0.04 * (df["age"] - 45) - 0.15 * df["visits"] + rng.normal(0, 1, n) > -0.6).astype(int)
    return df


def _print(label: str, r: dict, repeats: int) -> None:
    print(f"  {label}:")
    print(f"    without trace: {r['plain_s'] * 1000:8.1f} ms (best of {repeats})")
    print(f"    with trace():  {r['traced_s'] * 1000:8.1f} ms (best of {repeats}, findings: {r['findings']})")
    print(f"    overhead:      {100 * r['overhead']:8.1f} % of the best runs, "
          f"{100 * r['overhead_paired_median']:.1f} % median of paired runs, "
          f"{100 * r['overhead_cpu_paired_median']:.1f} % median of paired CPU times "
          f"({r['extra_cpu_ms']:.1f} ms of CPU added per run)")


def main(repeats: int = 15) -> dict:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 20))
    y = (X[:, :3].sum(axis=1) + rng.normal(size=10_000) > 0).astype(int)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    df = _frame()
    results = {}
    print("Tracer overhead (target: under 15 % on 1.)")
    print("1. 5-fold cross_validate, Pipeline(StandardScaler, SelectKBest, LogisticRegression), 10,000 x 20")
    for label, data in (("numpy array", X), ("DataFrame", frame)):
        results[label] = measure(lambda data=data: pipeline_cv(data, y), repeats)
        _print(label, results[label], repeats)
        plain, traced = peak_mib(lambda data=data: pipeline_cv(data, y))
        results[label]["peak_mib"] = (plain, traced)
        print(f"    peak memory:   {plain:8.1f} MiB without trace, {traced:.1f} MiB with trace() (one run, tracemalloc)")
    print("2. pandas group statistics (group median fill, frequency encoding, group z-score, lag per store) "
          "on 20,000 rows, then 5-fold cross_validate")
    results["group statistics"] = measure(lambda: group_features_cv(df), repeats)
    _print("DataFrame", results["group statistics"], repeats)
    return results


def _both_allocator_settings() -> None:
    import subprocess
    import sys

    for title, extra in (("allocator defaults (adaptive mmap threshold)", {}),
                         ("mmap threshold fixed at 128 KiB (MALLOC_MMAP_THRESHOLD_=131072)",
                          {"MALLOC_MMAP_THRESHOLD_": "131072"})):
        print(f"=== {title}", flush=True)
        env = dict(os.environ, LEAKKIT_BENCH_CHILD="1", **extra)
        subprocess.run([sys.executable, __file__], env=env, check=True)


if __name__ == "__main__":
    if os.environ.get("LEAKKIT_BENCH_CHILD"):
        main()
    else:
        _both_allocator_settings()
