"""Benchmark leakkit.datasets: prints figures, asserts no timings.

(a) Generation time of every generator at its default size (median of 7 runs).
(b) The leak each scenario plants, measured: leaky protocol vs honest protocol, over seeds
    (mean and spread), with the models the notebooks use.
(c) The two reference results the course reproduces: ESL 7.10.2 (select 100 of 5,000 noise
    predictors, 1-NN, CV error) and scikit-learn's "Common pitfalls" (SelectKBest(k=25) on
    200 x 10,000 noise, gradient boosting, accuracy on a held-out quarter).

Usage (from the project root):
    .venv/bin/python benchmarks/bench_datasets.py [--seeds N]
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.compose import make_column_selector, make_column_transformer  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier  # noqa: E402
from sklearn.feature_selection import SelectKBest, f_classif  # noqa: E402
from sklearn.linear_model import RidgeCV  # noqa: E402
from sklearn.metrics import accuracy_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GroupKFold,
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_val_score,
    train_test_split,
)
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OrdinalEncoder, StandardScaler  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leakkit import datasets as D  # noqa: E402


def _hgb():
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    ct = make_column_transformer((enc, make_column_selector(dtype_exclude="number")), remainder="passthrough")
    return make_pipeline(ct, HistGradientBoostingClassifier(random_state=0))


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = (out[c] - pd.Timestamp("2000-01-01")).dt.days
        elif not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = pd.factorize(out[c])[0]
    return out


def timings() -> None:
    churn = D.make_churn()
    calls = {
        "make_churn()": D.make_churn,
        "Scenario.production() [churn]": churn.production,
        "make_duplicates()": D.make_duplicates,
        "make_patients()": D.make_patients,
        "make_sales()": D.make_sales,
        "make_esl_null()": D.make_esl_null,
        "make_noise()": D.make_noise,
        "make_qa_corpus()": D.make_qa_corpus,
        "make_messy_project()": D.make_messy_project,
    }
    print("(a) generation time at default size, median of 7 runs")
    for name, call in calls.items():
        call()
        times = []
        for _ in range(7):
            t = time.perf_counter()
            call()
            times.append(time.perf_counter() - t)
        print(f"    {name:32s} {1000 * np.median(times):7.1f} ms")


def _report(label: str, leaky: list[float], honest: list[float]) -> None:
    gap = np.subtract(leaky, honest)
    print(
        f"    {label:56s} leaky {np.mean(leaky):.3f} ± {np.std(leaky):.3f}   honest {np.mean(honest):.3f} ± "
        f"{np.std(honest):.3f}   gap {np.mean(gap):+.3f} ± {np.std(gap):.3f}"
    )


def leaks(seeds: int) -> None:
    print(f"(b) planted leaks, mean ± sd over {seeds} seeds")
    val, prod = [], []
    for s in range(seeds):
        sc = D.make_churn(random_state=s)
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
        val.append(cross_val_score(_hgb(), sc.X, sc.y, cv=cv, scoring="roc_auc").mean())
        p = sc.production(2000, random_state=s)
        m = _hgb().fit(sc.X, sc.y)
        prod.append(roc_auc_score(p[sc.target], m.predict_proba(p.drop(columns=sc.target))[:, 1]))
    _report("churn: all-column HGB, CV AUC vs production AUC", val, prod)

    rnd, ded = [], []
    for s in range(seeds):
        sc = D.make_duplicates(random_state=s)
        X, y = sc.frame[[f"x{i}" for i in range(6)]].to_numpy(), sc.y.to_numpy()
        keep = np.ones(len(y), bool)
        keep[sc.duplicated_rows["row_b"]] = False
        knn = make_pipeline(StandardScaler(), KNeighborsClassifier(1))
        cv = KFold(5, shuffle=True, random_state=0)
        rnd.append(cross_val_score(knn, X, y, cv=cv).mean())
        ded.append(cross_val_score(knn, X[keep], y[keep], cv=cv).mean())
    _report("duplicates: 1-NN accuracy, random vs deduplicated", rnd, ded)

    kf, gk = [], []
    for s in range(seeds):
        sc = D.make_patients(random_state=s)
        X = _numeric(sc.honest_X)
        knn = make_pipeline(StandardScaler(), KNeighborsClassifier(1))
        kf.append(cross_val_score(knn, X, sc.y, cv=KFold(5, shuffle=True, random_state=0)).mean())
        gk.append(cross_val_score(knn, X, sc.y, cv=GroupKFold(5), groups=sc.frame["patient_id"]).mean())
    _report("patients: 1-NN accuracy, KFold vs GroupKFold", kf, gk)

    sh, ts, lk = [], [], []
    for s in range(seeds):
        sc = D.make_sales(random_state=s)
        sh.append(cross_val_score(RidgeCV(), sc.honest_X, sc.y, cv=KFold(5, shuffle=True, random_state=0)).mean())
        ts.append(cross_val_score(RidgeCV(), sc.honest_X, sc.y, cv=TimeSeriesSplit(5)).mean())
        cols = sc.honest_columns + ["rolling_mean_7_centered"]
        lk.append(cross_val_score(RidgeCV(), sc.frame[cols], sc.y, cv=TimeSeriesSplit(5)).mean())
    _report("sales: ridge R2, shuffled KFold vs TimeSeriesSplit", sh, ts)
    _report("sales: ridge R2 (TSS), + centred mean vs honest", lk, ts)

    split, grouped = [], []
    for s in range(seeds):
        sc = D.make_messy_project(random_state=s)
        X, y = _numeric(sc.frame[sc.honest_columns]), sc.y
        model = HistGradientBoostingClassifier(random_state=0)
        tr, te = sc.train_index, sc.test_index
        split.append(roc_auc_score(y.iloc[te], model.fit(X.iloc[tr], y.iloc[tr]).predict_proba(X.iloc[te])[:, 1]))
        grouped.append(
            cross_val_score(model, X, y, cv=GroupKFold(5), groups=sc.frame["customer_id"], scoring="roc_auc").mean()
        )
    _report("messy_project: honest HGB AUC, given split vs GroupKFold", split, grouped)


def references(seeds: int) -> None:
    print(f"(c) reference results, mean ± sd over {seeds} seeds")
    wrong, right = [], []
    for s in range(seeds):
        X, y = D.make_esl_null(random_state=s)
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
        X_sel = SelectKBest(f_classif, k=100).fit_transform(X, y)
        wrong.append(1 - cross_val_score(KNeighborsClassifier(1), X_sel, y, cv=cv).mean())
        pipe = make_pipeline(SelectKBest(f_classif, k=100), KNeighborsClassifier(1))
        right.append(1 - cross_val_score(pipe, X, y, cv=cv).mean())
    _report("ESL 7.10.2 CV error (book: ~3 % vs 50 %)", wrong, right)
    wrong, right = [], []
    for s in range(seeds):
        X, y = D.make_noise(random_state=s)
        a, b, c, d = train_test_split(SelectKBest(k=25).fit_transform(X, y), y, random_state=42)
        wrong.append(accuracy_score(d, GradientBoostingClassifier(random_state=1).fit(a, c).predict(b)))
        a, b, c, d = train_test_split(X, y, random_state=42)
        pipe = make_pipeline(SelectKBest(k=25), GradientBoostingClassifier(random_state=1))
        right.append(accuracy_score(d, pipe.fit(a, c).predict(b)))
    _report("Common pitfalls accuracy (sklearn: 0.76 vs 0.46)", wrong, right)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per measured gap (default 5)")
    args = parser.parse_args()
    timings()
    leaks(args.seeds)
    references(args.seeds)


if __name__ == "__main__":
    main()
