"""Tracer overhead: 5-fold cross_validate of a 3-step Pipeline on 10,000 x 20, with and
without ``leakkit.trace()``, measured side by side in one process.

Runs are interleaved (plain, traced, plain, traced, ...) so that drift in the machine's
speed hits both alike. Two figures are printed: the ratio of the best runs, and the median
of the ratios of neighbouring pairs (robust to a noisy, shared machine). The target is an
overhead under 15 %. The same measurement is repeated on a pandas DataFrame.
"""
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


def run(X, y):
    pipe = make_pipeline(StandardScaler(), SelectKBest(k=10), LogisticRegression(max_iter=200))
    return cross_validate(pipe, X, y, cv=5)


def measure(X, y, repeats: int) -> dict:
    plain, traced, n_findings = [], [], set()
    run(X, y)  # warm-up
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(X, y)
        plain.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with leakkit.trace() as t:
            run(X, y)
        n_findings.add(len(t.findings))  # the analysis is part of the measured time
        traced.append(time.perf_counter() - t0)
    plain, traced = np.array(plain), np.array(traced)
    return {"plain_s": plain.min(), "traced_s": traced.min(), "overhead": traced.min() / plain.min() - 1,
            "overhead_paired_median": float(np.median(traced / plain)) - 1, "findings": sorted(n_findings)}


def main(repeats: int = 15) -> dict:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 20))
    y = (X[:, :3].sum(axis=1) + rng.normal(size=10_000) > 0).astype(int)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    results = {}
    print("Tracer overhead: 5-fold cross_validate, Pipeline(StandardScaler, SelectKBest, LogisticRegression), 10,000 x 20")
    for label, data in (("numpy array", X), ("DataFrame", frame)):
        r = results[label] = measure(data, y, repeats)
        print(f"  {label}:")
        print(f"    without trace: {r['plain_s'] * 1000:8.1f} ms (best of {repeats})")
        print(f"    with trace():  {r['traced_s'] * 1000:8.1f} ms (best of {repeats}, findings: {r['findings']})")
        print(f"    overhead:      {100 * r['overhead']:8.1f} % of the best runs, "
              f"{100 * r['overhead_paired_median']:.1f} % median of paired runs   (target: under 15 %)")
    return results


if __name__ == "__main__":
    main()
