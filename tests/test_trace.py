"""The tracer on a corpus of small leaky and clean scripts.

Each leaky script must give the expected finding; each clean one must give none. The
scripts use numpy arrays, pandas frames and sparse text matrices.
"""
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GridSearchCV, GroupKFold, KFold, TimeSeriesSplit, cross_val_predict, cross_val_score, cross_validate,
    train_test_split,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder

import leakkit
from leakkit.tracing._patching import _METHODS


def checks(t):
    return sorted({f.check for f in t.findings})


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 6))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    return X, y


@pytest.fixture
def frame():
    rng = np.random.default_rng(1)
    n = 240
    df = pd.DataFrame({
        "age": rng.normal(50, 10, n),
        "income": rng.lognormal(10, 0.5, n),
        "city": rng.choice(["a", "b", "c", "d"], n),
        "score": rng.normal(size=n),
    })
    df.loc[rng.choice(n, 20, replace=False), "income"] = np.nan
    df["target"] = (df["age"] + rng.normal(0, 10, n) > 50).astype(int)
    return df


def texts(n=120, seed=0):
    rng = np.random.default_rng(seed)
    words = np.array("apple banana cherry delta echo fox golf hotel india juliet kilo lima mike".split())
    docs = [" ".join(rng.choice(words, 8)) + f" doc{i}" for i in range(n)]
    y = np.array([int("apple" in d) for d in docs])
    return docs, y


# ------------------------------------------------------------------ leaky scripts: caught
def test_scaler_fitted_before_train_test_split(xy):
    X, y = xy
    with leakkit.trace() as t:
        Xs = StandardScaler().fit_transform(X)
        X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, test_size=0.25, random_state=0)
        LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["fit_before_split"]
    f = t.findings[0]
    assert f.evidence["estimator"] == "StandardScaler"
    assert f.evidence["n_held_out_seen"] == 50 == f.evidence["n_held_out"]
    assert "StandardScaler" in f.message and "Pipeline" in f.message


def test_selection_before_cross_val_score_on_wide_noise():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 2000)), rng.permutation([0, 1] * 25)
    with leakkit.trace() as t:
        Xk = SelectKBest(f_classif, k=20).fit_transform(X, y)
        cross_val_score(KNeighborsClassifier(1), Xk, y, cv=5)
    assert checks(t) == ["fit_before_split"]
    ev = t.findings[0].evidence
    assert ev["estimator"] == "SelectKBest" and ev["n_folds"] == 5
    assert ev["held_out_seen_per_fold"] == [10] * 5


def test_scaler_fitted_on_all_rows_after_the_split(frame):
    X, y = frame[["age", "score"]], frame["target"]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    with leakkit.trace() as t:
        X_tr2, X_te2, y_tr2, y_te2 = train_test_split(X, y, random_state=0)
        sc = StandardScaler().fit(X)  # all rows: leaks
        model = LogisticRegression().fit(sc.transform(X_tr2), y_tr2)
        model.score(sc.transform(X_te2), y_te2)
    assert checks(t) == ["fit_saw_held_out"]
    assert t.findings[0].evidence["estimator"] == "StandardScaler"
    assert t.findings[0].evidence["n_held_out_seen"] == len(X_te)


def test_imputer_fitted_on_a_column_subset_of_the_split_frame(frame):
    num = ["age", "income"]
    with leakkit.trace() as t:
        train, test = train_test_split(frame, test_size=0.3, random_state=0)
        imp = SimpleImputer().fit(frame[num])  # every row, including test
        model = LogisticRegression().fit(imp.transform(train[num]), train["target"])
        model.score(imp.transform(test[num]), test["target"])
    assert checks(t) == ["fit_saw_held_out"]
    assert t.findings[0].evidence["estimator"] == "SimpleImputer"
    assert t.findings[0].evidence["n_held_out_seen"] == 72


def test_preprocessing_outside_grid_search(xy):
    X, y = xy
    with leakkit.trace() as t:
        Xs = StandardScaler().fit_transform(X)
        GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3).fit(Xs, y)
    assert "fit_before_split" in checks(t)
    assert any("GridSearchCV" in f.message for f in t.findings)


def test_tfidf_fitted_on_all_documents_sparse():
    docs, y = texts()
    with leakkit.trace() as t:
        Z = TfidfVectorizer().fit_transform(docs)
        Z_tr, Z_te, y_tr, y_te = train_test_split(Z, y, random_state=0)
        LogisticRegression().fit(Z_tr, y_tr).score(Z_te, y_te)
    assert checks(t) == ["fit_before_split"]
    assert t.findings[0].evidence["estimator"] == "TfidfVectorizer"


def test_duplicates_across_the_split(xy):
    X, y = xy
    Xd = np.vstack([X, X[:40]])
    yd = np.concatenate([y, y[:40]])
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(Xd, yd, random_state=0)
        make_pipeline(StandardScaler(), LogisticRegression()).fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["duplicates_across_split"]
    assert 0 < t.findings[0].evidence["n_held_out_seen"] <= 40


def test_test_set_reused_to_pick_c(xy):
    X, y = xy
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        scores = {C: LogisticRegression(C=C).fit(X_tr, y_tr).score(X_te, y_te) for C in (0.01, 0.1, 1, 10)}
        max(scores, key=scores.get)
    assert checks(t) == ["test_reuse"]
    assert t.findings[0].severity == "warn"
    assert t.findings[0].evidence["n_configs"] == 4
    assert not t.leaked


def test_pca_before_manual_kfold_loop(xy):
    X, y = xy
    with leakkit.trace() as t:
        Z = PCA(n_components=3).fit_transform(X)
        for tr, te in KFold(4, shuffle=True, random_state=0).split(Z):
            LogisticRegression().fit(Z[tr], y[tr]).score(Z[te], y[te])
    assert checks(t) == ["fit_before_split"]
    assert t.findings[0].evidence["held_out_seen_per_fold"] == [50] * 4


def test_outliers_removed_before_split(xy):
    X, y = xy
    with leakkit.trace() as t:
        keep = IsolationForest(random_state=0, contamination=0.1).fit_predict(X) == 1
        X_tr, X_te, y_tr, y_te = train_test_split(X[keep], y[keep], random_state=0)
        LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["outliers_removed_before_split"]
    assert t.findings[0].evidence["n_removed"] == 20


class Winsorizer(TransformerMixin, BaseEstimator):
    """A user-written transformer: clips each column to quantiles learned in fit."""

    def __init__(self, q=0.05):
        self.q = q

    def fit(self, X, y=None):
        self.lo_, self.hi_ = np.quantile(X, self.q, axis=0), np.quantile(X, 1 - self.q, axis=0)
        return self

    def transform(self, X):
        return np.clip(X, self.lo_, self.hi_)


def test_user_subclass_fitted_before_split(xy):
    X, y = xy
    with leakkit.trace() as t:
        Z = Winsorizer().fit_transform(X)
        cross_val_score(LogisticRegression(), Z, y, cv=KFold(5))
    assert checks(t) == ["fit_before_split"]
    assert t.findings[0].evidence["estimator"] == "Winsorizer"


def test_model_fitted_on_all_rows_then_scored_on_test(xy):
    X, y = xy
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        model = LogisticRegression().fit(X, y)
        model.score(X_te, y_te)
    assert checks(t) == ["fit_saw_held_out"]
    assert t.findings[0].evidence["estimator"] == "LogisticRegression"


def test_target_encoder_fitted_on_all_rows_before_cv(frame):
    rng = np.random.default_rng(3)
    cats = pd.DataFrame({"zip": rng.choice([f"z{i}" for i in range(150)], 240), "x": rng.normal(size=240)})
    y = rng.integers(0, 2, 240)
    enc = ColumnTransformer([("te", TargetEncoder(cv=KFold(5, shuffle=True, random_state=0)), ["zip"])],
                            remainder="passthrough")
    with leakkit.trace() as t:
        Z = enc.fit_transform(cats, y)
        cross_val_score(LogisticRegression(), Z, y, cv=5)
    assert checks(t) == ["fit_before_split"]
    assert t.findings[0].evidence["estimator"] == "ColumnTransformer"


def test_split_of_indistinct_rows_is_described_not_judged(xy):
    X, y = xy
    with leakkit.trace() as t:
        for tr, te in KFold(4).split(np.zeros(len(y))):
            LogisticRegression().fit(X[tr], y[tr]).score(X[te], y[te])
    assert t.findings == []
    # The KFold of zeros is only described; each fold's scoring is a split made by hand, inferred.
    assert [(s.splitter, s.kind) for s in t.splits if s.kind != "inferred"] == [("KFold", "splitter")]
    assert len([s for s in t.splits if s.kind == "inferred"]) == 4
    assert all(e.held_out for e in t.evaluations)


# ------------------------------------------------------------------ clean scripts: silent
def test_pipeline_inside_cross_validate(xy):
    X, y = xy
    with leakkit.trace() as t:
        cross_validate(make_pipeline(StandardScaler(), SelectKBest(k=3), LogisticRegression()), X, y, cv=5,
                       return_train_score=True)
    assert t.findings == []
    assert sum(f.outermost for f in t.fits) == 5
    assert len(t.predictions) == 10


def test_column_transformer_in_grid_search_on_a_frame(frame):
    X, y = frame.drop(columns="target"), frame["target"]
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income", "score"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["city"]),
    ])
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        gs = GridSearchCV(make_pipeline(pre, LogisticRegression()), {"logisticregression__C": [0.1, 1, 10]}, cv=3)
        gs.fit(X_tr, y_tr)
        gs.score(X_te, y_te)
    assert t.findings == []


def test_nested_cross_validation(xy):
    X, y = xy
    with leakkit.trace() as t:
        inner = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()),
                             {"logisticregression__C": [0.1, 1]}, cv=3)
        cross_validate(inner, X, y, cv=KFold(4, shuffle=True, random_state=0))
    assert t.findings == []
    assert len([s for s in t.splits if s.inside_search]) == 4


def test_fit_on_train_then_transform_test(frame):
    X, y = frame[["age", "score"]], frame["target"]
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        sc = StandardScaler().fit(X_tr)
        LogisticRegression().fit(sc.transform(X_tr), y_tr).score(sc.transform(X_te), y_te)
    assert t.findings == []


def test_target_encoder_cross_fitting_inside_pipeline():
    rng = np.random.default_rng(3)
    cats = pd.DataFrame({"zip": rng.choice([f"z{i}" for i in range(150)], 300), "x": rng.normal(size=300)})
    y = rng.integers(0, 2, 300)
    with leakkit.trace() as t:
        pipe = make_pipeline(
            ColumnTransformer([("te", TargetEncoder(cv=KFold(5, shuffle=True, random_state=0)), ["zip"])], remainder="passthrough"),
            LogisticRegression(),
        )
        cross_validate(pipe, cats, y, cv=5, return_train_score=True)
    assert t.findings == []
    assert any(s.internal for s in t.splits), "TargetEncoder's own folds are recorded as internal"


def test_sparse_text_pipeline_in_cv():
    docs, y = texts()
    with leakkit.trace() as t:
        cross_val_predict(make_pipeline(TfidfVectorizer(), LogisticRegression()), docs, y, cv=4)
    assert t.findings == []


def test_refit_on_all_rows_after_cv_is_not_a_leak(xy):
    X, y = xy
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    with leakkit.trace() as t:
        cross_validate(pipe, X, y, cv=5)
        pipe.fit(X, y)
        pipe.predict(X[:10])
    assert t.findings == []


def test_early_stopping_internal_split_and_groups_and_time():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] > 0).astype(int)
    groups = np.repeat(np.arange(30), 10)
    with leakkit.trace() as t:
        cross_val_score(HistGradientBoostingClassifier(early_stopping=True, max_iter=20, random_state=0),
                        X, y, cv=GroupKFold(3), groups=groups)
        cross_val_score(make_pipeline(StandardScaler(), Ridge()), X, y, cv=TimeSeriesSplit(4, gap=5))
    assert t.findings == []
    assert any(s.internal for s in t.splits)


# ------------------------------------------------------------------ mechanics
def _snapshot():
    from sklearn.base import BaseEstimator
    from sklearn.model_selection import BaseCrossValidator
    from sklearn.model_selection._split import BaseShuffleSplit
    from leakkit.tracing._patching import _all_subclasses

    snap = {}
    for base in (BaseEstimator, BaseCrossValidator, BaseShuffleSplit):
        for cls in [base] + _all_subclasses(base):
            for name in _METHODS + ("split",):
                if name in cls.__dict__:
                    snap[(cls, name)] = cls.__dict__[name]
    return snap


def test_every_patched_method_is_restored_exactly_even_after_an_error(xy):
    X, y = xy
    before = _snapshot()
    with pytest.raises(ZeroDivisionError):
        with leakkit.trace():
            assert type(StandardScaler.__dict__["fit"]).__name__ == "_TracedMethod"
            StandardScaler().fit(X)
            1 / 0
    after = _snapshot()
    assert before.keys() == after.keys()
    assert all(before[k] is after[k] for k in before)


def test_nested_traces_both_record_and_restore(xy):
    X, y = xy
    before = _snapshot()
    with leakkit.trace() as outer:
        with leakkit.trace() as inner:
            Xs = StandardScaler().fit_transform(X)
        cross_val_score(LogisticRegression(), Xs, y, cv=3)
    assert inner.findings == [] and checks(outer) == ["fit_before_split"]
    assert all(before[k] is v for k, v in _snapshot().items())


def test_available_if_methods_keep_their_meaning():
    with leakkit.trace():
        pipe = make_pipeline(StandardScaler(), Ridge())
        assert not hasattr(pipe, "predict_proba")
        assert hasattr(make_pipeline(StandardScaler(), LogisticRegression()), "predict_proba")


def test_bad_arguments():
    with pytest.raises(ValueError, match="detail"):
        leakkit.trace(detail="everything")
    with pytest.raises(ValueError, match="test_reuse_min_configs"):
        leakkit.trace(test_reuse_min_configs=1)


def test_fold_diagram_data_with_detail_all(xy):
    X, y = xy
    with leakkit.trace(detail="all") as t:
        cross_validate(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=4)
    d = t.fold_diagram_data()
    assert d["n_samples"] == 200 and len(d["folds"]) == 4
    labels = [lab for lab, _ in d["fits"]]
    assert any(lab.startswith("StandardScaler") for lab in labels)
    for (tr, te), (_, seen) in zip(d["folds"], [f for f in d["fits"] if f[0].startswith("Pipeline")]):
        assert set(seen) == set(tr)
    assert "No fit saw held-out rows" in t.summary()


def test_one_cross_val_score_per_setting_reuses_the_same_folds(xy):
    X, y = xy
    with leakkit.trace() as t:
        scores = {C: cross_val_score(LogisticRegression(C=C), X, y, cv=5).mean() for C in (0.01, 1, 100)}
        max(scores, key=scores.get)
    assert checks(t) == ["test_reuse"]
    assert t.findings[0].evidence["n_configs"] == 3


def test_the_same_pipeline_cross_validated_twice_is_not_reuse(xy):
    X, y = xy
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    with leakkit.trace() as t:
        cross_validate(pipe, X, y, cv=5, scoring="accuracy")
        cross_validate(pipe, X, y, cv=5, scoring="roc_auc")
    assert t.findings == []


def test_detail_all_follows_rows_through_every_pipeline_step():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    X[rng.random(100) < 0.2, 0] = np.nan
    y = rng.integers(0, 2, 100)
    with leakkit.trace(detail="all") as t:
        cross_validate(make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression()), X, y, cv=KFold(5))
    assert t.findings == []
    seen = {}
    for label, rows in t.fold_diagram_data()["fits"]:
        seen.setdefault(label.split(".")[0], []).append(len(rows))
    assert seen.keys() >= {"Pipeline", "SimpleImputer", "StandardScaler", "LogisticRegression"}
    assert all(n == 80 for sizes in seen.values() for n in sizes)


def test_transform_output_written_back_into_the_frame_then_split():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(200, 4)), columns=list("abcd"))
    y = rng.integers(0, 2, 200)
    with leakkit.trace() as t:
        df[["a", "b"]] = StandardScaler().fit_transform(df[["a", "b"]])
        X_tr, X_te, y_tr, y_te = train_test_split(df, y, random_state=0)
        LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["fit_before_split"]
    assert t.findings[0].evidence["n_held_out_seen"] == 50


def test_subset_fit_with_rows_equal_on_the_subset_is_not_a_false_alarm():
    df = pd.DataFrame({"a": np.arange(100.0), "c": np.linspace(0, 1, 100)})
    df.loc[1, "a"] = df.loc[0, "a"]
    y = np.arange(100) % 2
    for seed in range(30):
        with leakkit.trace() as t:
            X_tr, X_te, y_tr, y_te = train_test_split(df, y, test_size=0.25, random_state=seed)
            s = StandardScaler().fit(X_tr[["a"]])
            LogisticRegression().fit(s.transform(X_tr[["a"]]), y_tr).score(s.transform(X_te[["a"]]), y_te)
        assert t.findings == [], (seed, t.findings)
    with leakkit.trace() as t:  # the leaky variant is still caught
        X_tr, X_te, y_tr, y_te = train_test_split(df, y, test_size=0.25, random_state=22)
        s = StandardScaler().fit(df[["a"]])
        LogisticRegression().fit(s.transform(X_tr[["a"]]), y_tr).score(s.transform(X_te[["a"]]), y_te)
    assert checks(t) == ["fit_saw_held_out"]


def test_chance_coincidences_on_coarse_columns_are_a_warning():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 60, 2000), rng.integers(0, 10, 2000), rng.normal(size=2000).round(2)])
    y = rng.integers(0, 2, 2000)
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        make_pipeline(StandardScaler(), LogisticRegression()).fit(X_tr, y_tr).score(X_te, y_te)
    dup = [f for f in t.findings if f.check == "duplicates_across_split"]
    assert dup and dup[0].severity == "warn" and not t.leaked


def test_declared_held_out_rows_for_a_split_made_by_hand():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(400, 5)), rng.integers(0, 2, 400)
    tr, te = np.arange(300), np.arange(300, 400)
    with leakkit.trace(held_out=X[te]) as t:
        sc = StandardScaler().fit(X)
        Xtr, Xte = sc.transform(X[tr]), sc.transform(X[te])
        {C: LogisticRegression(C=C).fit(Xtr, y[tr]).score(Xte, y[te]) for C in (0.01, 0.1, 1, 10)}
    assert checks(t) == ["fit_saw_held_out", "test_reuse"]
    assert {f.evidence.get("estimator") for f in t.findings if f.check == "fit_saw_held_out"} == {"StandardScaler"}
    with leakkit.trace() as t2:  # the honest version, declared inside the block
        t2.hold_out(X[te])
        sc = StandardScaler().fit(X[tr])
        LogisticRegression().fit(sc.transform(X[tr]), y[tr]).score(sc.transform(X[te]), y[te])
    assert t2.findings == []
    with pytest.raises(TypeError, match="held_out"):
        leakkit.trace(held_out=3)


def test_declared_test_set_with_copies_in_train_reports_duplicates_once():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(300, 4)), rng.integers(0, 2, 300)
    X_tr, X_te, y_tr, y_te = X[:240], X[240:], y[:240], y[240:]
    X_tr = np.vstack([X_tr, X_te[:5]])
    y_tr = np.concatenate([y_tr, y_te[:5]])
    with leakkit.trace(held_out=X_te) as t:
        for C in (1.0,):
            pipe = make_pipeline(StandardScaler(), LogisticRegression(C=C)).fit(X_tr, y_tr)
            pipe.score(X_te, y_te)
    assert checks(t) == ["duplicates_across_split"]
    assert t.findings[0].evidence["n_held_out_seen"] == 5


# ------------------------------------------------------------------ fast paths change nothing
# Inside cross-validation the tracer reads a fold's fingerprints off the split's (after an
# exact, value-by-value comparison) and answers fold membership without sorting. These
# scripts are traced with and without those shortcuts: the findings must be identical.
def _smuggled_row(X, y):
    for tr, te in KFold(4, shuffle=True, random_state=0).split(X):
        X_tr = X[tr].copy()
        X_tr[7] = X[te[0]]  # one held-out row, at a position the first probe does not look at
        LogisticRegression().fit(X_tr, y[tr]).score(X[te], y[te])


def _scaled_then_cv(X, y):
    Z = StandardScaler().fit_transform(X)
    cross_val_score(LogisticRegression(), Z, y, cv=5)


def _clean_cv(X, y):
    cross_validate(make_pipeline(StandardScaler(), SelectKBest(k=3), LogisticRegression()), X, y, cv=5)


def _per_setting_cv(X, y):
    for C in (0.1, 1, 10):
        cross_val_score(LogisticRegression(C=C), X, y, cv=KFold(4))


def _grid_then_refit(X, y):
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    grid = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()), {"logisticregression__C": [0.1, 1]})
    grid.fit(X_tr, y_tr).score(X_te, y_te)


def _duplicates_in_cv(X, y):
    cross_val_score(LogisticRegression(), np.vstack([X, X[:30]]), np.concatenate([y, y[:30]]), cv=5)


def _frame_cv(X, y):
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    df.iloc[::7, 1] = np.nan  # the imputer fills something (with no gap it would change nothing)
    imputed = pd.DataFrame(SimpleImputer().fit_transform(df), columns=df.columns)
    cross_val_score(LogisticRegression(), imputed, y, cv=KFold(5, shuffle=True, random_state=1))


def _summary(t):
    return [(f.check, f.severity, f.evidence, list(f.rows) if f.rows is not None else None) for f in t.findings]


@pytest.mark.parametrize("script", [_smuggled_row, _scaled_then_cv, _clean_cv, _per_setting_cv, _grid_then_refit,
                                    _duplicates_in_cv, _frame_cv])
def test_fold_shortcuts_give_the_same_findings_as_the_full_computation(xy, script, monkeypatch):
    X, y = xy
    with leakkit.trace() as fast:
        script(X, y)
    expected = _summary(fast)
    from leakkit.tracing._analysis import SplitIndex
    from leakkit.tracing._rowbook import RowBook

    monkeypatch.setattr(RowBook, "rows_of_a_fold", lambda self, H: None)
    monkeypatch.setattr(SplitIndex, "fold_side", lambda self, roots: None)
    with leakkit.trace() as slow:
        script(X, y)
    assert _summary(slow) == expected
    leaky = script not in (_clean_cv, _grid_then_refit)
    assert bool(expected) == leaky


def test_a_fold_copy_with_one_changed_value_is_not_taken_for_the_fold(xy):
    X, y = xy
    from leakkit._rows import column_hashes, combine
    changed = X[150:].copy()
    changed[5, 2] += 1e-9  # not a probed row
    with leakkit.trace() as t:
        tr, te = next(KFold(4).split(X))  # the first fold holds out rows 0-49
        H = column_hashes(X[tr])[1]
        assert np.array_equal(t._book.rows_of_a_fold(H), combine(H))
        Hc = column_hashes(np.vstack([X[50:150], changed]))[1]
        assert t._book.rows_of_a_fold(Hc) is None
    assert not np.array_equal(combine(Hc), t.splits[-1].rows[tr])


def test_data_changed_in_place_after_the_split_is_not_mistaken_for_the_split_rows(xy):
    X, y = xy
    X = X.copy()
    with leakkit.trace() as t:
        tr, te = next(KFold(4).split(X))
        X[:] = StandardScaler().fit_transform(X)  # written into the split array afterwards
        LogisticRegression().fit(X[tr], y[tr])
    split = t.splits[-1]
    fit = next(f for f in t.fits if f.estimator == "LogisticRegression" and f.outermost)
    assert fit.rows is not None and len(fit.rows) == len(tr)
    assert not np.isin(fit.rows, split.rows).any()  # new values, new rows
