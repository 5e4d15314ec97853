"""Wrong, then right, on the same data, in one long trace: what the live extension sees in
every course notebook (a cell shows the leak, the next one the fix, on the same table). The
right part must add no finding; the wrong part must still be caught whatever ran before it.

Families of false alarm covered: raw data taken for a transform's output whose columns are
unchanged copies of raw columns (selectors, passthrough, identity); data that is itself an
output matched by column to another fit of the same step; derived rows that coincide with
another statistic's derived rows at other labels (a centred window and a lagged one); and a
second model scored on the same test rows with the same settings (not a choice of settings).
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectKBest, VarianceThreshold, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

import leakkit
from leakkit._live import finding_key

sys.path.insert(0, str(Path(__file__).parent / "trace_corpus"))
import run as corpus  # noqa: E402


def keys(t):
    return {finding_key(f) for f in t.findings}


def checks(t):
    return sorted(f.check for f in t.findings)


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    return X, y


# ------------------------------------------------------------------ the whole corpus, in sequence
def _sequence(mod, first: str, second: str):
    """Run ``first()`` then ``second()`` of a corpus script in one trace; (trace, findings after first)."""
    ns = mod.__dict__
    code = compile(f"import leakkit as _lk\nwith _lk.trace() as _trace:\n    {first}()\n"
                   f"    _after_first = list(_trace.findings)\n    {second}()\n", f"<{mod.__name__}>", "exec")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, ns)  # noqa: S102 - the corpus' own scripts
    return ns.pop("_trace"), ns.pop("_after_first")


@pytest.mark.parametrize("path", corpus.scripts(), ids=lambda p: p.stem)
def test_the_right_version_after_the_wrong_one_adds_no_finding(path):
    mod = corpus.load(path)
    t, after_wrong = _sequence(mod, "leaky", "clean")
    assert {f.check for f in after_wrong} == set(mod.EXPECT)  # the wrong version is caught live
    new = [f for f in t.findings if finding_key(f) not in {finding_key(g) for g in after_wrong}]
    assert new == [], f"{path.stem}: the right version was flagged: {[str(f) for f in new]}"


@pytest.mark.parametrize("path", corpus.scripts(), ids=lambda p: p.stem)
def test_the_wrong_version_after_the_right_one_is_still_caught(path):
    mod = corpus.load(path)
    t, after_right = _sequence(mod, "clean", "leaky")
    assert after_right == []
    assert set(mod.EXPECT) <= {f.check for f in t.findings}


# ------------------------------------------------------------------ unchanged copies are raw data
@pytest.mark.parametrize("step", [
    SelectKBest(f_classif, k=3),
    VarianceThreshold(),
    FunctionTransformer(),  # identity
    ColumnTransformer([("s", SelectKBest(f_classif, k=1), [0, 1])], remainder="passthrough"),
], ids=["SelectKBest", "VarianceThreshold", "FunctionTransformer", "ColumnTransformer-passthrough"])
def test_a_demo_on_all_rows_then_an_honest_split_of_the_raw_data_is_silent(xy, step):
    X, y = xy
    with leakkit.trace() as t:
        shown = step.fit_transform(X, y)  # the wrong way, shown, never evaluated
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        make_pipeline(SelectKBest(f_classif, k=3), LogisticRegression()).fit(X_tr, y_tr).score(X_te, y_te)
    assert shown.shape[0] == 200
    assert t.findings == []


def test_raw_columns_passed_through_next_to_a_scaled_one_are_not_the_scaled_output(xy):
    X, y = xy
    df = pd.DataFrame(X, columns=list("abcde"))
    ct = ColumnTransformer([("sc", StandardScaler(), ["a"])], remainder="passthrough")
    with leakkit.trace() as t:
        ct.fit_transform(df)  # a demo on all rows
        tr, te, a, b = train_test_split(df, y, random_state=0)
        make_pipeline(ct, LogisticRegression()).fit(tr, a).score(te, b)
    assert t.findings == []


def test_the_selected_or_passed_through_output_itself_is_still_caught(xy):
    X, y = xy
    df = pd.DataFrame(X, columns=list("abcde"))
    with leakkit.trace() as t:
        X_sel = SelectKBest(f_classif, k=3).fit_transform(X, y)
        cross_val_score(LogisticRegression(), X_sel, y, cv=5)
    assert checks(t) == ["fit_before_split"]
    with leakkit.trace() as t:
        Z = ColumnTransformer([("sc", StandardScaler(), ["a"])], remainder="passthrough").fit_transform(df)
        Z_tr, Z_te, a, b = train_test_split(Z, y, random_state=0)
        LogisticRegression().fit(Z_tr, a).score(Z_te, b)
    assert checks(t) == ["fit_before_split"]
    with leakkit.trace() as t:  # a scaled column written back next to raw ones: still followed
        df2 = df.copy()
        df2[["a"]] = StandardScaler().fit_transform(df2[["a"]])
        tr, te, a, b = train_test_split(df2, y, random_state=0)
        LogisticRegression().fit(tr, a).score(te, b)
    assert checks(t) == ["fit_before_split"]


def test_a_split_output_is_attributed_to_its_own_fit_not_to_an_earlier_fit_of_the_same_step(xy):
    X, y = xy
    df = pd.DataFrame(X, columns=list("abcde")).assign(city=np.random.default_rng(1).choice(list("pqrs"), 200))

    def prep():
        return ColumnTransformer([("sc", StandardScaler(), list("abcde"))])

    with leakkit.trace() as t:
        first = prep().fit(df)  # cell 1: fitted on all rows, used to show its means only
        Z = ColumnTransformer([("sc", StandardScaler(), list("abcde")), ("oh", "passthrough", [])]).fit_transform(df)
        Z_tr, Z_te, a, b = train_test_split(Z, y, random_state=0)
        LogisticRegression().fit(Z_tr, a).score(Z_te, b)
    assert first.transformers_[0][1].mean_.shape == (5,)
    assert [(f.check, f.evidence["method"]) for f in t.findings] == [("fit_before_split", "fit_transform")]


# ------------------------------------------------------------------ coinciding derived rows
def _store_sales():
    rng = np.random.default_rng(1)
    n = 150
    parts = [pd.DataFrame({"day": np.arange(n), "store": s, "promo": rng.integers(0, 2, n),
                           "sales": 100 + np.cumsum(rng.normal(0, 3, n))}) for s in ("n", "s")]
    return pd.concat(parts).sort_values(["day", "store"], kind="stable").reset_index(drop=True)


def test_a_lagged_window_after_a_centred_one_is_not_taken_for_it():
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import TimeSeriesSplit

    df = _store_sales()
    g = df.groupby("store")["sales"]
    with leakkit.trace() as t:
        wrong = df.assign(r=g.transform(lambda s: s.rolling(5, center=True, min_periods=1).mean()))
        cross_val_score(Ridge(), wrong[["promo", "r"]], wrong["sales"], cv=TimeSeriesSplit(3))
        after_wrong = keys(t)
        right = df.assign(r=g.transform(lambda s: s.shift(1).rolling(5, min_periods=1).mean())).dropna()
        cross_val_score(Ridge(), right[["promo", "r"]], right["sales"], cv=TimeSeriesSplit(3))
    assert after_wrong and keys(t) == after_wrong


def test_a_derived_frame_shuffled_and_relabelled_is_still_followed():
    df = _store_sales()
    y = (df["sales"].diff().fillna(0) > 0).astype(int)
    with leakkit.trace() as t:
        d = df.assign(z=(df["sales"] - df["sales"].mean()) / df["sales"].std(), y=y)
        d = d.sample(frac=1.0, random_state=0).reset_index(drop=True)  # new labels 0..n-1
        tr, te = train_test_split(d, random_state=0)
        LogisticRegression().fit(tr[["promo", "z"]], tr["y"]).score(te[["promo", "z"]], te["y"])
    assert checks(t) == ["statistic_saw_held_out"]


# ------------------------------------------------------------------ test reuse is a choice of settings
def _split(xy):
    X, y = xy
    return train_test_split(X, y, random_state=0)


def test_the_same_model_scored_wrong_then_right_on_the_same_rows_is_not_test_reuse(xy):
    X, y = xy
    with leakkit.trace() as t:
        Xs = StandardScaler().fit_transform(X)
        a, b, c, d = train_test_split(Xs, y, random_state=0)
        LogisticRegression(C=0.5).fit(a, c).score(b, d)  # wrong
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        make_pipeline(StandardScaler(), LogisticRegression(C=0.5)).fit(X_tr, y_tr).score(X_te, y_te)  # right
        model = LogisticRegression(C=0.5)  # one object refitted on other columns, same settings
        model.fit(X_tr[:, :3], y_tr).score(X_te[:, :3], y_te)
        model.fit(X_tr[:, :4], y_tr).score(X_te[:, :4], y_te)
    assert checks(t) == ["fit_before_split"]


def test_a_fill_by_hand_then_the_same_fill_in_a_pipeline_is_not_test_reuse(xy):
    X, y = xy
    df = pd.DataFrame(X, columns=list("abcde"))
    df.loc[::6, "b"] = np.nan
    with leakkit.trace() as t:
        filled = df.fillna(df.mean())
        tr, te, a, b = train_test_split(filled, y, random_state=0)
        LogisticRegression().fit(tr, a).score(te, b)
        tr, te, a, b = train_test_split(df, y, random_state=0)
        make_pipeline(SimpleImputer(), LogisticRegression()).fit(tr, a).score(te, b)
    assert checks(t) == ["statistic_saw_held_out"]


@pytest.mark.parametrize("models", [
    [LogisticRegression(C=c) for c in (0.01, 1.0, 100.0)],  # a hyperparameter
    [LogisticRegression(), RandomForestClassifier(n_estimators=20, random_state=0)],  # model families
    [make_pipeline(SelectKBest(f_classif, k=k), LogisticRegression()) for k in (2, 4)],  # a step's setting
    [make_pipeline(s, LogisticRegression()) for s in (StandardScaler(), MinMaxScaler())],  # a step's kind
], ids=["C", "families", "k", "scalers"])
def test_settings_compared_on_the_same_rows_are_still_test_reuse(xy, models):
    X_tr, X_te, y_tr, y_te = _split(xy)
    with leakkit.trace() as t:
        for m in models:
            m.fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["test_reuse"]
    assert t.findings[0].evidence["n_configs"] == len(models)


def test_one_model_refitted_with_set_params_is_still_test_reuse(xy):
    X_tr, X_te, y_tr, y_te = _split(xy)
    model = LogisticRegression()
    with leakkit.trace() as t:
        for c in (0.01, 1.0, 100.0):
            model.set_params(C=c).fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["test_reuse"] and t.findings[0].evidence["n_configs"] == 3


def test_a_wrong_and_two_right_settings_is_test_reuse(xy):
    X, y = xy
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    with leakkit.trace() as t:
        Xs = StandardScaler().fit_transform(X)
        a, b, c, d = train_test_split(Xs, y, random_state=0)
        LogisticRegression().fit(a, c).score(b, d)
        for C in (0.1, 10.0):
            make_pipeline(StandardScaler(), LogisticRegression(C=C)).fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["fit_before_split", "test_reuse"]
