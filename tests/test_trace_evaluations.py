"""Evaluations, splits made by hand, and "no held-out set" (issue 12 builds on these).

A model scored on rows its own fit did not see has held those rows out, however the split
was made (numpy permutation, slicing, ``.iloc``, ``df.sample``, a boolean mask): the rules
then run on that inferred split as on a splitter's.
"""
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import leakkit

FEATS = list("abcde")


def checks(t):
    return sorted({f.check for f in t.findings})


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    df = pd.DataFrame(X, columns=FEATS)
    df["y"] = y
    return X, y, df


def _perm(X, y, scaler_on_all):
    idx = np.random.default_rng(1).permutation(len(X))
    tr, te = idx[:240], idx[240:]
    if scaler_on_all:
        Xs = StandardScaler().fit_transform(X)
        LogisticRegression().fit(Xs[tr], y[tr]).score(Xs[te], y[te])
    else:
        make_pipeline(StandardScaler(), LogisticRegression()).fit(X[tr], y[tr]).score(X[te], y[te])


def _iloc(df, scaler_on_all):
    train, test = df.iloc[:240], df.iloc[240:]
    sc = StandardScaler().fit(df[FEATS] if scaler_on_all else train[FEATS])
    LogisticRegression().fit(sc.transform(train[FEATS]), train.y).predict_proba(sc.transform(test[FEATS]))


def _sample(df, scaler_on_all):
    train = df.sample(frac=0.8, random_state=0)
    test = df.drop(train.index)
    sc = StandardScaler().fit(df[FEATS] if scaler_on_all else train[FEATS])
    LogisticRegression().fit(sc.transform(train[FEATS]), train.y).score(sc.transform(test[FEATS]), test.y)


def _mask(df, scaler_on_all):
    mask = np.random.default_rng(2).random(len(df)) < 0.8
    train, test = df[mask], df[~mask]
    sc = StandardScaler().fit(df[FEATS] if scaler_on_all else train[FEATS])
    LogisticRegression().fit(sc.transform(train[FEATS]), train.y).predict(sc.transform(test[FEATS]))


@pytest.mark.parametrize("script", ["perm", "iloc", "sample", "mask"])
def test_a_hand_made_split_is_a_split(data, script):
    X, y, df = data
    run = {"perm": lambda leak: _perm(X, y, leak), "iloc": lambda leak: _iloc(df, leak),
           "sample": lambda leak: _sample(df, leak), "mask": lambda leak: _mask(df, leak)}[script]
    with leakkit.trace() as honest:
        run(False)
    assert honest.findings == [] and honest.coverage == []
    ev = honest.evaluations
    assert len(ev) == 1 and ev[0].held_out and ev[0].n_held_out == ev[0].n_rows
    assert ev[0].split == "your hand-made split"
    inferred = [s for s in honest.splits if s.kind == "inferred"]
    assert len(inferred) == 1 and len(inferred[0].folds[0][1]) == ev[0].n_rows
    with leakkit.trace() as leaky:
        run(True)
    assert checks(leaky) == ["fit_saw_held_out"]
    f = leaky.findings[0]
    assert f.evidence["estimator"] == "StandardScaler"
    assert f.evidence["n_held_out_seen"] == f.evidence["n_held_out"] == ev[0].n_rows
    assert "hand-made split" in f.message


def test_hand_split_then_picking_the_best_setting_on_the_test_rows(data):
    X, y, _ = data
    idx = np.random.default_rng(3).permutation(len(X))
    tr, te = idx[:240], idx[240:]
    with leakkit.trace() as t:
        {C: LogisticRegression(C=C).fit(X[tr], y[tr]).score(X[te], y[te]) for C in (0.01, 0.1, 1, 10)}
    assert checks(t) == ["test_reuse"]
    assert t.findings[0].evidence["n_configs"] == 4


def test_hand_split_with_copies_of_training_rows_in_the_test_rows(data):
    X, y, _ = data
    X_tr, y_tr = X[:240], y[:240]
    X_te, y_te = np.vstack([X[240:], X_tr[:6]]), np.concatenate([y[240:], y_tr[:6]])
    with leakkit.trace() as t:
        make_pipeline(StandardScaler(), LogisticRegression()).fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["duplicates_across_split"]
    assert t.findings[0].evidence["n_held_out_seen"] == 6


def test_split_made_then_ignored_is_no_held_out(data):
    X, y, _ = data
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        LogisticRegression().fit(X, y).score(X_tr, y_tr)  # all rows fitted, training rows scored
    assert checks(t) == ["no_held_out"]
    f = t.findings[0]
    assert f.severity == "fail" and "train_test_split" in f.message and t.leaked
    assert [e.held_out for e in t.evaluations] == [False]


def test_no_split_at_all_is_a_warning(data):
    X, y, _ = data
    with leakkit.trace() as t:
        LogisticRegression().fit(X, y).score(X, y)
    assert [(f.check, f.severity) for f in t.findings] == [("no_held_out", "warn")]
    assert not t.leaked


def test_training_score_beside_a_held_out_score_is_fine(data):
    X, y, _ = data
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        m = LogisticRegression().fit(X_tr, y_tr)
        m.score(X_tr, y_tr)
        m.score(X_te, y_te)
    assert t.findings == []
    assert [(e.held_out, e.split) for e in t.evaluations] == [(False, None), (True, "train_test_split")]


def test_refit_on_all_rows_after_cv_then_predicting_training_rows_is_fine(data):
    X, y, _ = data
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    with leakkit.trace() as t:
        cross_validate(pipe, X, y, cv=5)
        pipe.fit(X, y).predict(X)
    assert t.findings == []


def test_fitting_all_rows_then_scoring_test_rows_is_not_also_no_held_out(data):
    X, y, _ = data
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        LogisticRegression().fit(X, y).score(X_te, y_te)
    assert checks(t) == ["fit_saw_held_out"]


def test_unsupervised_models_are_not_evaluations(data):
    X, _, _ = data
    with leakkit.trace() as t:
        KMeans(3, n_init=2, random_state=0).fit(X).predict(X)
    assert t.findings == []


def test_a_model_fitted_before_the_block_is_named_in_coverage(data):
    X, y, _ = data
    model = LogisticRegression().fit(X[:200], y[:200])
    with leakkit.trace() as t:
        model.score(X[200:], y[200:])
    assert t.findings == []
    assert [e.n_held_out for e in t.evaluations] == [None]
    assert [(g.kind, g.what) for g in t.coverage] == [("fitted_outside", "LogisticRegression")]
    assert "Not seen" in t.summary()
    with pytest.raises(leakkit.tracing.CoverageError, match="fitted_outside"):
        with leakkit.trace(strict=True):
            model.score(X[200:], y[200:])


def test_evaluations_serialise(data):
    import json

    X, y, _ = data
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
    d = json.loads(json.dumps(t.to_dict()))
    assert d["evaluations"][0]["held_out"] is True and d["evaluations"][0]["n_held_out"] == 75
    assert d["splits"][0]["splitter"] == "train_test_split" and d["findings"] == [] and d["coverage"] == []


def test_boosting_stages_chosen_on_the_test_rows_is_test_reuse(data):
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import log_loss

    X, y, _ = data
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        gb = GradientBoostingClassifier(n_estimators=30, random_state=0).fit(X_tr, y_tr)
        losses = [log_loss(y_te, p) for p in gb.staged_predict_proba(X_te)]
        int(np.argmin(losses)) + 1
    assert [(f.check, f.severity, f.evidence.get("staged")) for f in t.findings] == [("test_reuse", "warn", True)]
    with leakkit.trace() as t:  # stages chosen on a validation split carved from the training rows
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        X_fit, X_val, y_fit, y_val = train_test_split(X_tr, y_tr, random_state=1)
        gb = GradientBoostingClassifier(n_estimators=30, random_state=0).fit(X_fit, y_fit)
        best = int(np.argmin([log_loss(y_val, p) for p in gb.staged_predict_proba(X_val)])) + 1
        GradientBoostingClassifier(n_estimators=best, random_state=0).fit(X_tr, y_tr).score(X_te, y_te)
    assert t.findings == []


def test_settings_compared_on_the_test_rows_then_refit_on_everything_is_still_test_reuse(data):
    X, y, _ = data
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        scores = {C: LogisticRegression(C=C).fit(X_tr, y_tr).score(X_te, y_te) for C in (0.01, 1.0, 100.0)}
        LogisticRegression(C=max(scores, key=scores.get)).fit(X, y)  # the model to ship
    assert [f.check for f in t.findings] == ["test_reuse"]
    with leakkit.trace() as t:  # the same comparison on a validation split of the training rows
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        X_fit, X_val, y_fit, y_val = train_test_split(X_tr, y_tr, random_state=1)
        scores = {C: LogisticRegression(C=C).fit(X_fit, y_fit).score(X_val, y_val) for C in (0.01, 1.0, 100.0)}
        LogisticRegression(C=max(scores, key=scores.get)).fit(X_tr, y_tr).score(X_te, y_te)
    assert t.findings == []
