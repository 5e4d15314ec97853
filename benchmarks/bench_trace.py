"""Tracer overhead: 5-fold cross_validate of a 3-step Pipeline on 10,000 x 20, with and
without ``leakkit.trace()``, measured side by side (best of several repeats each)."""
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.feature_selection import SelectKBest  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import cross_validate  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import leakkit  # noqa: E402


def run(X, y):
    pipe = make_pipeline(StandardScaler(), SelectKBest(k=10), LogisticRegression(max_iter=200))
    return cross_validate(pipe, X, y, cv=5)


def main(repeats: int = 7) -> dict:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 20))
    y = (X[:, :3].sum(axis=1) + rng.normal(size=10_000) > 0).astype(int)
    plain, traced = [], []
    run(X, y)  # warm-up
    for _ in range(repeats):  # interleaved, so drift hits both alike
        t0 = time.perf_counter()
        run(X, y)
        plain.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with leakkit.trace() as t:
            run(X, y)
        findings = t.findings
        traced.append(time.perf_counter() - t0)
    p, q = min(plain), min(traced)
    print("Tracer overhead: 5-fold cross_validate, Pipeline(StandardScaler, SelectKBest, LogisticRegression), 10,000 x 20")
    print(f"  without trace: {p * 1000:8.1f} ms (best of {repeats})")
    print(f"  with trace():  {q * 1000:8.1f} ms (best of {repeats}, findings computed: {len(findings)})")
    print(f"  overhead:      {100 * (q / p - 1):8.1f} %   (target: under 15 %)")
    return {"plain_s": p, "traced_s": q, "overhead": q / p - 1}


if __name__ == "__main__":
    main()
