"""Statistics computed in pandas or numpy on held-out rows (statistic_saw_held_out, LK106),
and rows followed through casts and element-wise steps after a transform.

Each leaky script is caught; each clean twin (the statistic taken on training rows only,
or only printed, or per-row arithmetic) stays silent.
"""
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import leakkit
from leakkit.tracing._match import match_affine, match_lookup, match_replace, match_smoothed, match_topk

NUM = ["age", "inc", "score"]


def checks(t):
    return sorted({f.check for f in t.findings})


@pytest.fixture
def df():
    rng = np.random.default_rng(0)
    n = 300
    d = pd.DataFrame({"age": rng.normal(50, 10, n), "inc": rng.lognormal(10, 0.5, n),
                      "city": rng.choice(list("abcdefgh"), n), "score": rng.normal(size=n)})
    d.loc[rng.choice(n, 40, replace=False), "inc"] = np.nan
    d["target"] = (d.age + rng.normal(0, 10, n) > 50).astype(int)
    return d


def _fit_score(X_tr, X_te, y_tr, y_te):
    LogisticRegression(max_iter=500).fit(X_tr, y_tr).score(X_te, y_te)


def stat_finding(t):
    fs = [f for f in t.findings if f.check == "statistic_saw_held_out"]
    assert len(fs) == 1, t.findings
    return fs[0]


# ------------------------------------------------------------------ fills
def test_fillna_with_the_mean_of_all_rows_before_the_split(df):
    with leakkit.trace() as t:
        d = df.fillna(df.mean(numeric_only=True))
        _fit_score(*train_test_split(d[NUM], d.target, random_state=0))
    f = stat_finding(t)
    assert checks(t) == ["statistic_saw_held_out"] and f.severity == "fail" and t.leaked
    assert f.evidence["estimator"] == "DataFrame.mean" and f.evidence["n_held_out_seen"] == 75
    assert "filled missing values of 'inc'" in f.message and "train_test_split" in f.message


def test_fillna_with_the_mean_of_the_training_rows(df):
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(df[NUM], df.target, random_state=0)
        m = X_tr.mean()
        _fit_score(X_tr.fillna(m), X_te.fillna(m), y_tr, y_te)
    assert t.findings == [] and t.statistics and t.statistics[0].used


def test_statistics_of_all_rows_only_printed_for_eda(df):
    with leakkit.trace() as t:
        df.describe()
        df[NUM].mean(), df[NUM].median(), df["city"].value_counts(), df[NUM].corr()
        X_tr, X_te, y_tr, y_te = train_test_split(df[NUM], df.target, random_state=0)
        m = X_tr.median()
        _fit_score(X_tr.fillna(m), X_te.fillna(m), y_tr, y_te)
    assert t.findings == []
    assert len(t.statistics) >= 6 and not any(s.used for s in t.statistics if s.label == "DataFrame.describe")


def test_per_row_arithmetic_and_get_dummies_beside_eda_statistics(df):
    with leakkit.trace() as t:
        df.describe()
        d = df.dropna().assign(ratio=lambda x: x.inc / x.age, log_inc=lambda x: np.log1p(x.inc))
        d = pd.get_dummies(d, columns=["city"], dtype=float)
        X = d.drop(columns="target")
        _fit_score(*train_test_split(X, d.target, random_state=0))
    assert t.findings == []


def test_median_taken_from_the_test_rows(df):
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(df[NUM], df.target, random_state=0)
        _fit_score(X_tr.fillna(X_tr.median()), X_te.fillna(X_te.median()), y_tr, y_te)
    f = stat_finding(t)
    assert f.evidence["estimator"] == "DataFrame.median" and "rows held out by train_test_split" in f.message


def test_group_median_fill_by_transform(df):
    with leakkit.trace() as t:
        d = df.copy()
        d["inc"] = d["inc"].fillna(d.groupby("city")["inc"].transform("median"))
        cross_val_score(LogisticRegression(max_iter=500), d[NUM], d.target, cv=KFold(4, shuffle=True, random_state=0))
    f = stat_finding(t)
    assert "transform('median')" in f.evidence["estimator"] and f.evidence["n_folds"] == 4


# ------------------------------------------------------------------ target and frequency encodings
def test_target_mean_by_group_transform_before_cv(df):
    with leakkit.trace() as t:
        d = df.copy()
        d["city_te"] = d.groupby("city")["target"].transform("mean")
        cross_val_score(LogisticRegression(), d[["age", "score", "city_te"]], d.target, cv=5)
    f = stat_finding(t)
    assert f.evidence["estimator"] == "groupby('city')['target'].transform('mean')"
    assert f.evidence["held_out_seen_per_fold"] == [60] * 5


def test_target_mean_by_map(df):
    with leakkit.trace() as t:
        d = df.copy()
        d["city_te"] = d["city"].map(d.groupby("city")["target"].mean())
        cross_val_score(LogisticRegression(), d[["age", "score", "city_te"]], d.target, cv=5)
    assert stat_finding(t).evidence["estimator"] == "groupby('city')['target'].mean()"


def test_target_encoding_merged_back(df):
    with leakkit.trace() as t:
        enc = df.groupby("city")["target"].agg(["mean", "count"]).add_prefix("city_").reset_index()
        d = df.merge(enc, on="city", how="left")
        X_tr, X_te, y_tr, y_te = train_test_split(d[["age", "city_mean", "city_count"]], d.target, random_state=0)
        _fit_score(X_tr, X_te, y_tr, y_te)
    assert "agg" in stat_finding(t).evidence["estimator"]


def test_smoothed_target_encoding(df):
    with leakkit.trace() as t:
        d = df.copy()
        prior = d["target"].mean()
        st = d.groupby("city")["target"].agg(["mean", "count"])
        smooth = (st["count"] * st["mean"] + 10 * prior) / (st["count"] + 10)
        d["city_te"] = d["city"].map(smooth)
        cross_val_score(LogisticRegression(), d[["age", "city_te"]], d.target, cv=5)
    assert checks(t) == ["statistic_saw_held_out"]


def test_target_encoding_on_training_rows_then_mapped_to_test(df):
    with leakkit.trace() as t:
        tr, te = train_test_split(df, random_state=0)
        means = tr.groupby("city")["target"].mean()
        tr = tr.assign(city_te=tr["city"].map(means))
        te = te.assign(city_te=te["city"].map(means).fillna(tr["target"].mean()))
        _fit_score(tr[["age", "city_te"]], te[["age", "city_te"]], tr.target, te.target)
    assert t.findings == []


def test_frequency_encoding_on_all_rows(df):
    with leakkit.trace() as t:
        d = df.copy()
        d["city_freq"] = d["city"].map(d["city"].value_counts(normalize=True))
        _fit_score(*train_test_split(d[["age", "city_freq"]], d.target, random_state=0))
    assert stat_finding(t).evidence["estimator"] == "'city' value_counts"


# ------------------------------------------------------------------ caps, scaling, bins
def test_cap_taken_from_the_test_rows(df):
    d = df.fillna(0)
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(d[NUM], d.target, random_state=0)
        cap = X_te["inc"].quantile(0.95)
        _fit_score(X_tr.assign(inc=X_tr.inc.clip(upper=cap)), X_te.assign(inc=X_te.inc.clip(upper=cap)), y_tr, y_te)
    f = stat_finding(t)
    assert f.evidence["estimator"] == "'inc' quantile" and "cap or clip" in f.message


def test_cap_taken_from_the_training_rows(df):
    d = df.fillna(0)
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(d[NUM], d.target, random_state=0)
        lo, hi = X_tr["inc"].quantile([0.05, 0.95])
        _fit_score(X_tr.assign(inc=X_tr.inc.clip(lo, hi)), X_te.assign(inc=X_te.inc.clip(lo, hi)), y_tr, y_te)
    assert t.findings == []


@pytest.mark.parametrize("how", ["zscore", "minmax", "center", "share"])
def test_scaling_by_hand_with_statistics_of_all_rows(df, how):
    d = df.fillna(0)[NUM]
    with leakkit.trace() as t:
        if how == "zscore":
            d = (d - d.mean()) / d.std()
        elif how == "minmax":
            d = (d - d.min()) / (d.max() - d.min())
        elif how == "center":
            d = d.assign(age=d.age - d.age.median())
        else:
            d = d.assign(inc=d.inc / d.inc.sum())
        _fit_score(*train_test_split(d, df.target, random_state=0))
    assert checks(t) == ["statistic_saw_held_out"]


def test_scaling_by_hand_with_statistics_of_the_training_rows(df):
    d = df.fillna(0)[NUM]
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(d, df.target, random_state=0)
        mu, sd = X_tr.mean(), X_tr.std()
        _fit_score((X_tr - mu) / sd, (X_te - mu) / sd, y_tr, y_te)
    assert t.findings == []


def test_quantile_bins_on_all_rows(df):
    d = df.fillna(0)
    with leakkit.trace() as t:
        d["inc_bin"] = pd.qcut(d["inc"], 5, labels=False)
        _fit_score(*train_test_split(d[["age", "inc_bin"]], d.target, random_state=0))
    assert "qcut" in stat_finding(t).evidence["estimator"]


def test_quantile_bins_from_the_training_rows(df):
    d = df.fillna(0)
    with leakkit.trace() as t:
        tr, te = train_test_split(d, random_state=0)
        _, edges = pd.qcut(tr["inc"], 5, retbins=True)
        edges[0], edges[-1] = -np.inf, np.inf
        tr = tr.assign(inc_bin=pd.cut(tr["inc"], edges, labels=False))
        te = te.assign(inc_bin=pd.cut(te["inc"], edges, labels=False))
        _fit_score(tr[["age", "inc_bin"]], te[["age", "inc_bin"]], tr.target, te.target)
    assert t.findings == []


def test_percentile_rank_of_all_rows(df):
    d = df.fillna(0)
    with leakkit.trace() as t:
        d["inc_rank"] = d["inc"].rank(pct=True)
        _fit_score(*train_test_split(d[["age", "inc_rank"]], d.target, random_state=0))
    assert stat_finding(t).evidence["estimator"] == "'inc' rank"


# ------------------------------------------------------------------ correlation screens
@pytest.mark.parametrize("how", ["corrwith", "corr", "series_corr", "np_corrcoef", "np_corrcoef_loop"])
def test_columns_most_correlated_with_y_on_all_rows_before_cv(how):
    rng = np.random.default_rng(0)
    W = pd.DataFrame(rng.normal(size=(60, 300)), columns=[f"f{i}" for i in range(300)])
    y = pd.Series(rng.integers(0, 2, 60), name="y")
    with leakkit.trace() as t:
        if how == "corrwith":
            X = W[W.corrwith(y).abs().nlargest(10).index]
        elif how == "corr":
            X = W[W.assign(y=y).corr()["y"].drop("y").abs().sort_values().index[-10:]]
        elif how == "series_corr":
            c = pd.Series({col: W[col].corr(y) for col in W.columns})
            X = W[c.abs().nlargest(10).index]
        elif how == "np_corrcoef":
            A = W.to_numpy()
            X = A[:, np.argsort(-np.abs(np.corrcoef(A.T, y.to_numpy())[-1, :-1]))[:10]]
        else:
            A = W.to_numpy()
            c = np.array([np.corrcoef(A[:, j], y.to_numpy())[0, 1] for j in range(A.shape[1])])
            X = A[:, np.argsort(-np.abs(c))[:10]]
        cross_val_score(LogisticRegression(), X, y, cv=5)
    f = stat_finding(t)
    assert f.severity == "fail" and "10 columns most correlated" in f.message
    assert f.evidence["held_out_seen_per_fold"] == [12] * 5


def test_correlation_screen_inside_each_fold_is_clean():
    rng = np.random.default_rng(0)
    A, y = rng.normal(size=(60, 300)), rng.integers(0, 2, 60)
    with leakkit.trace() as t:
        np.corrcoef(A.T, y)  # printed for EDA on all rows
        for tr, te in KFold(5, shuffle=True, random_state=0).split(A):
            c = np.corrcoef(A[tr].T, y[tr])[-1, :-1]
            idx = np.argsort(-np.abs(c))[:10]
            LogisticRegression().fit(A[tr][:, idx], y[tr]).score(A[te][:, idx], y[te])
    assert t.findings == []


def test_a_few_columns_that_happen_to_be_the_strongest_is_only_a_warning():
    rng = np.random.default_rng(1)
    W = pd.DataFrame(rng.normal(size=(80, 6)), columns=list("abcdef"))
    y = pd.Series((W.a + W.b + rng.normal(size=80) > 0).astype(int))
    with leakkit.trace() as t:
        print(W.corrwith(y))
        cross_val_score(LogisticRegression(), W[["a", "b"]], y, cv=5)
    f = stat_finding(t)
    assert f.severity == "warn" and not t.leaked  # 1 chance in 15 to pick the two best by luck


# ------------------------------------------------------------------ numpy
def test_numpy_nanmean_fill_before_the_split(df):
    with leakkit.trace() as t:
        X = df[NUM].to_numpy().copy()
        X = np.where(np.isnan(X), np.nanmean(X, axis=0), X)
        _fit_score(*train_test_split(X, df.target.to_numpy(), random_state=0))
    assert stat_finding(t).evidence["estimator"] == "np.nanmean"


def test_numpy_cap_from_the_test_rows_written_in_place(df):
    X = df[NUM].fillna(0).to_numpy()
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, df.target.to_numpy(), random_state=0)
        cap = np.percentile(X_te[:, 1], 95)
        X_tr[:, 1] = np.clip(X_tr[:, 1], None, cap)
        X_te[:, 1] = np.clip(X_te[:, 1], None, cap)
        _fit_score(X_tr, X_te, y_tr, y_te)
    assert stat_finding(t).evidence["estimator"] == "np.percentile"


def test_numpy_cap_from_the_training_rows(df):
    X = df[NUM].fillna(0).to_numpy()
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, df.target.to_numpy(), random_state=0)
        cap = np.percentile(X_tr[:, 1], 95)
        X_tr[:, 1] = np.clip(X_tr[:, 1], None, cap)
        X_te[:, 1] = np.clip(X_te[:, 1], None, cap)
        _fit_score(X_tr, X_te, y_tr, y_te)
    assert t.findings == []


# ------------------------------------------------------------------ casts and element-wise steps
@pytest.mark.parametrize("step", [lambda Z: Z.astype(np.float32), lambda Z: np.round(Z, 3), lambda Z: np.round(Z, 1),
                                  lambda Z: np.clip(Z, -2, 2), lambda Z: pd.DataFrame(Z).round(2)],
                         ids=["float32", "round3", "round1", "clip", "frame_round"])
def test_rows_survive_element_wise_steps_after_a_fit(step):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 5)), rng.integers(0, 2, 200)
    with leakkit.trace() as t:
        Z = step(StandardScaler().fit_transform(X))
        cross_val_score(LogisticRegression(), Z, y, cv=5)
    assert checks(t) == ["fit_before_split"]
    assert t.findings[0].evidence["held_out_seen_per_fold"] == [40] * 5


def test_log1p_after_min_max_scaling():
    rng = np.random.default_rng(0)
    X, y = rng.lognormal(size=(200, 4)), rng.integers(0, 2, 200)
    with leakkit.trace() as t:
        Z = np.log1p(MinMaxScaler().fit_transform(X))
        _fit_score(*train_test_split(Z, y, random_state=0))
    assert checks(t) == ["fit_before_split"] and t.findings[0].evidence["estimator"] == "MinMaxScaler"


@pytest.mark.parametrize("step", [lambda X: np.round(X, 1), lambda X: X.astype(np.float32), np.log1p],
                         ids=["round1", "float32", "log1p"])
def test_raw_data_re_expressed_is_never_taken_for_a_transform_output(step):
    rng = np.random.default_rng(0)
    X, y = np.abs(rng.normal(size=(200, 5))), rng.integers(0, 2, 200)
    with leakkit.trace() as t:
        StandardScaler().fit_transform(X)  # fitted on all rows, but its output is not used
        cross_val_score(LogisticRegression(), step(X), y, cv=5)
    assert t.findings == []


# ------------------------------------------------------------------ the matchers on their own
def test_match_replace_needs_every_changed_value_explained():
    raw = np.array([1.0, np.nan, 9.0, 3.0])
    assert match_replace(raw, np.array([1.0, 2.0, 5.0, 3.0]), [(1, {2.0}), (2, {5.0})], [])[1] == [(1,), (2,)]
    assert match_replace(raw, np.array([1.0, 2.0, 4.0, 3.0]), [(1, {2.0})], []) is None  # 9 -> 4: unexplained
    assert match_replace(raw, np.array([1.0, 2.0, 9.0, 7.0]), [(1, {2.0, 7.0})], []) is None  # 3 -> 7: not a cap


def test_match_affine_recognises_centre_and_scale_but_not_other_arithmetic():
    r = np.array([1.0, 2.0, 4.0, 8.0])
    assert match_affine(r, (r - 3.75) / 3.0, [(5, {3.75}), (6, {3.0})]) == [(5,), (6,)]
    assert match_affine(r, r * 2.0 + 1.0, [(5, {3.75})]) is None
    assert match_affine(r, np.log(r), [(5, {3.75})]) is None


def test_match_lookup_smoothed_and_topk():
    keys = np.array(["a", "b", "a", "c"], dtype=object)
    mapping = pd.Series({"a": 0.2, "b": 0.9})
    expected = mapping.reindex(pd.Index(keys)).to_numpy()
    assert match_lookup(np.array([0.2, 0.9, 0.2, 0.5]), expected, [(3, {0.5})]) == (True, [(3,)])
    assert match_lookup(np.array([0.2, 0.8, 0.2, 0.5]), expected, [(3, {0.5})])[0] is False
    m, n = np.array([0.2, 0.9, 0.4, 0.7]), np.array([10.0, 3.0, 7.0, 1.0])
    assert match_smoothed((n * m + 5 * 0.5) / (n + 5), m, n)
    assert not match_smoothed(m * 0.9, m, n)
    scores = {f"c{i}": s for i, s in enumerate([0.9, -0.8, 0.1, 0.05, 0.3, -0.02, 0.2, 0.01, 0.0, 0.04])}
    assert match_topk({"c0", "c1", "c4"}, scores) == "weak"
    assert match_topk({"c0", "c2"}, scores) is None


# ------------------------------------------------------------------ statistics read per row or per group
def _visits():
    rng = np.random.default_rng(4)
    n_cust, per = 60, 6
    d = pd.DataFrame({"customer": np.repeat([f"u{i}" for i in range(n_cust)], per),
                      "amount": rng.lognormal(3, 0.5, n_cust * per)})
    d["bought"] = (d["amount"] + rng.normal(0, 10, len(d)) > 22).astype(int)
    return d


def test_per_customer_aggregate_with_a_split_by_customer_is_clean():
    from sklearn.model_selection import GroupKFold

    d = _visits()
    with leakkit.trace() as t:
        d["cust_mean_amount"] = d.groupby("customer")["amount"].transform("mean")
        cross_val_score(LogisticRegression(), d[["amount", "cust_mean_amount"]], d["bought"],
                        cv=GroupKFold(5), groups=d["customer"])
    assert t.findings == []
    with leakkit.trace() as t:  # the same feature with rows of one customer on both sides
        d["cust_mean_amount"] = d.groupby("customer")["amount"].transform("mean")
        cross_val_score(LogisticRegression(), d[["amount", "cust_mean_amount"]], d["bought"],
                        cv=KFold(5, shuffle=True, random_state=0))
    assert checks(t) == ["statistic_saw_held_out"]


def test_target_encoding_of_the_split_key_leaks_the_held_out_rows_own_labels():
    from sklearn.model_selection import GroupKFold

    d = _visits()
    with leakkit.trace() as t:
        d["cust_rate"] = d.groupby("customer")["bought"].transform("mean")
        cross_val_score(LogisticRegression(), d[["amount", "cust_rate"]], d["bought"],
                        cv=GroupKFold(5), groups=d["customer"])
    assert checks(t) == ["statistic_saw_held_out"]  # a held-out row's own label is in its feature


def test_rolling_mean_of_the_target_that_includes_the_row_itself():
    rng = np.random.default_rng(5)
    s = pd.DataFrame({"promo": rng.integers(0, 2, 200), "sales": rng.normal(100, 10, 200)})
    from sklearn.linear_model import Ridge

    with leakkit.trace() as t:
        s["roll3"] = s["sales"].rolling(3, min_periods=1).mean()  # today's sales included
        X_tr, X_te, y_tr, y_te = train_test_split(s[["promo", "roll3"]], s["sales"], shuffle=False)
        Ridge().fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["statistic_saw_held_out"]
    with leakkit.trace() as t:
        s["roll3"] = s["sales"].shift(1).rolling(3, min_periods=1).mean()
        s2 = s.dropna()
        X_tr, X_te, y_tr, y_te = train_test_split(s2[["promo", "roll3"]], s2["sales"], shuffle=False)
        Ridge().fit(X_tr, y_tr).score(X_te, y_te)
    assert t.findings == []


# ------------------------------------------------------------------ other styles
def _styles_fit(d):
    _fit_score(*train_test_split(d[NUM], d["target"], random_state=0))


@pytest.mark.parametrize("style", ["mode0", "apply", "loc", "where", "max", "apply_lambda", "flag"])
def test_leaks_written_in_other_styles(df, style):
    with leakkit.trace() as t:
        d = df.copy()
        if style == "mode0":
            d["inc"] = d["inc"].fillna(d["inc"].mode()[0])
        elif style == "apply":
            d[NUM] = d[NUM].apply(lambda col: col.fillna(col.median()))
        elif style == "loc":
            d.loc[d["inc"].isna(), "inc"] = d["inc"].median()
        else:
            d = d.dropna()
            if style == "where":
                q = d[NUM].quantile(0.95)
                d[NUM] = d[NUM].where(d[NUM] < q, q, axis=1)
            elif style == "max":
                d["inc"] = d["inc"] / d["inc"].max()
            elif style == "apply_lambda":
                m = d["inc"].mean()
                d["inc"] = d["inc"].apply(lambda v: v - m)
            else:
                d["age"] = (d["inc"] > d["inc"].median()).astype(int)
        _styles_fit(d)
    assert checks(t) == ["statistic_saw_held_out"]


def test_flag_against_the_training_median_is_clean(df):
    with leakkit.trace() as t:
        d = df.dropna()
        tr, te = train_test_split(d, random_state=0)
        cut = tr["inc"].median()
        tr, te = (x.assign(rich=(x["inc"] > cut).astype(int)) for x in (tr, te))
        _fit_score(tr[["age", "rich"]], te[["age", "rich"]], tr["target"], te["target"])
    assert t.findings == []


def test_honest_code_beside_statistics_of_all_rows_stays_silent(df):
    from sklearn.compose import make_column_transformer
    from sklearn.impute import KNNImputer, SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    with leakkit.trace() as t:
        df.describe(), df[NUM].corr(), df.groupby("city")[NUM].mean(), df[NUM].quantile([0.25, 0.5, 0.75])
        df.groupby("city")["target"].mean(), df["city"].value_counts()
        pre = make_column_transformer((make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUM),
                                      (OneHotEncoder(handle_unknown="ignore"), ["city"]))
        cross_val_score(make_pipeline(pre, LogisticRegression(max_iter=1000)), df[NUM + ["city"]], df["target"], cv=5)
        d = df.assign(inc_per_age=lambda x: x.inc / x.age, log_inc=lambda x: np.log1p(x.inc),
                      old=lambda x: np.where(x.age > 60, 1, 0), score_capped=lambda x: x.score.clip(-2, 2),
                      city_code=lambda x: x.city.astype("category").cat.codes)
        X = pd.get_dummies(d.drop(columns=["target"]), columns=["city"], dtype=float)
        X_tr, X_te, y_tr, y_te = train_test_split(X, d["target"], random_state=0, stratify=d["target"])
        make_pipeline(KNNImputer(), StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_tr, y_tr).score(X_te, y_te)
    assert t.findings == []
