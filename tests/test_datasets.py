"""leakkit.datasets: seeded scenarios whose planted leaks are real, and only where declared."""
from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import RidgeCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from leakkit._rows import row_fingerprints
from leakkit.datasets import (
    LEAK_KINDS,
    ROWS,
    QACorpus,
    Scenario,
    make_churn,
    make_duplicates,
    make_esl_null,
    make_messy_project,
    make_noise,
    make_patients,
    make_qa_corpus,
    make_sales,
)

SCENARIO_MAKERS = {
    "churn": lambda rs: make_churn(n_samples=300, random_state=rs),
    "duplicates": lambda rs: make_duplicates(n_samples=200, random_state=rs),
    "patients": lambda rs: make_patients(n_patients=12, visits_per_patient=3, random_state=rs),
    "sales": lambda rs: make_sales(n_days=90, random_state=rs),
    "messy_project": lambda rs: make_messy_project(n_samples=300, random_state=rs),
}


# ----------------------------------------------------------------------------- helpers
def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Model-ready copy: text columns to integer codes, datetimes to day numbers."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = (out[c] - pd.Timestamp("2000-01-01")).dt.days
        elif not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = pd.factorize(out[c])[0]
    return out


def _single_column_auc(frame: pd.DataFrame, column: str, y: pd.Series) -> float:
    """Cross-validated ROC AUC of a depth-3 tree on one column (missing values as -1)."""
    x = _numeric(frame[[column]]).fillna(-1)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    return float(cross_val_score(DecisionTreeClassifier(max_depth=3, random_state=0), x, y, cv=cv, scoring="roc_auc").mean())


def _hgb():
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    ct = make_column_transformer((enc, make_column_selector(dtype_exclude="number")), remainder="passthrough")
    return make_pipeline(ct, HistGradientBoostingClassifier(max_iter=50, random_state=0))


def _check_duplicate_truth(frame: pd.DataFrame, pairs: pd.DataFrame, target: str) -> None:
    """Listed pairs are what they claim, and there are no other (near-)duplicates."""
    assert list(pairs.columns[:3]) == ["row_a", "row_b", "kind"]
    assert set(pairs["kind"]) <= {"exact", "near"}
    raw = row_fingerprints(frame)
    norm = row_fingerprints(frame, decimals=3, normalize_text=True)
    for a, b, kind in pairs[["row_a", "row_b", "kind"]].itertuples(index=False):
        assert a != b
        assert frame[target].iloc[a] == frame[target].iloc[b]
        assert norm[a] == norm[b], f"pair ({a}, {b}) is not even a near duplicate"
        if kind == "exact":
            pd.testing.assert_series_equal(frame.iloc[a], frame.iloc[b], check_names=False)
        else:
            assert raw[a] != raw[b], f"near pair ({a}, {b}) is an exact copy"
    # Each copy is one row, so the number of distinct (normalised) rows is n - copies.
    assert len(np.unique(norm)) == len(frame) - len(pairs)
    assert pairs["row_b"].is_unique


# ----------------------------------------------------------------------------- all scenarios
@pytest.mark.parametrize("name", sorted(SCENARIO_MAKERS))
def test_scenarios_are_deterministic_and_seed_dependent(name):
    make = SCENARIO_MAKERS[name]
    a, b, c = make(0), make(0), make(1)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not a.frame.equals(c.frame)
    if a.duplicated_rows is not None:
        pd.testing.assert_frame_equal(a.duplicated_rows, b.duplicated_rows)


@pytest.mark.parametrize("name", sorted(SCENARIO_MAKERS))
def test_scenario_ground_truth_is_consistent(name):
    sc = SCENARIO_MAKERS[name](0)
    assert isinstance(sc, Scenario) and sc.name == name
    assert set(sc.leaks.values()) <= set(LEAK_KINDS)
    assert sc.target not in sc.honest_columns
    assert not set(sc.honest_columns) & set(sc.leaks)
    for role in (sc.time_column, sc.group_column, sc.id_column):
        assert role is None or role not in sc.honest_columns
    assert list(sc.X.columns) == [c for c in sc.frame.columns if c != sc.target]
    pd.testing.assert_series_equal(sc.y, sc.frame[sc.target])
    assert list(sc.honest_X.columns) == sc.honest_columns
    assert sc.leaky_columns == [c for c in sc.leaks if c != ROWS]
    assert (ROWS in sc.leaks) == (sc.duplicated_rows is not None)
    assert sc.frame.index.equals(pd.RangeIndex(len(sc.frame)))
    # The summary names every planted leak in words.
    text = repr(sc)
    for key, kind in sc.leaks.items():
        assert f"({kind})" in text
        assert key == ROWS or repr(key) in text
    assert "<pre>" in sc._repr_html_()


@pytest.mark.parametrize("name", sorted(SCENARIO_MAKERS))
def test_scenarios_pickle(name):
    import pickle

    sc = SCENARIO_MAKERS[name](0)
    back = pickle.loads(pickle.dumps(sc))
    pd.testing.assert_frame_equal(back.frame, sc.frame)
    assert back.leaks == sc.leaks and back.honest_columns == sc.honest_columns
    if sc.has_production:
        pd.testing.assert_frame_equal(back.production(20, random_state=1), sc.production(20, random_state=1))


def test_random_state_conventions():
    a = make_churn(n_samples=50, random_state=np.random.default_rng(3)).frame
    b = make_churn(n_samples=50, random_state=np.random.default_rng(3)).frame
    pd.testing.assert_frame_equal(a, b)
    gen = np.random.default_rng(3)
    first, second = make_churn(50, random_state=gen).frame, make_churn(50, random_state=gen).frame
    assert not first.equals(second)  # a Generator is advanced, not reset
    r1 = make_churn(50, random_state=np.random.RandomState(5)).frame
    r2 = make_churn(50, random_state=np.random.RandomState(5)).frame
    pd.testing.assert_frame_equal(r1, r2)
    pd.testing.assert_frame_equal(make_churn(50, random_state=np.int64(4)).frame, make_churn(50, random_state=4).frame)


@pytest.mark.parametrize(
    "call, exc, pattern",
    [
        (lambda: make_churn(n_samples="100"), TypeError, r"n_samples: expected an int"),
        (lambda: make_churn(n_samples=100.0), TypeError, r"n_samples: expected an int"),
        (lambda: make_churn(n_samples=True), TypeError, r"n_samples"),
        (lambda: make_churn(n_samples=-5), ValueError, r"n_samples: must be at least 10"),
        (lambda: make_churn(random_state=None), TypeError, r"random_state: got None"),
        (lambda: make_churn(random_state="0"), TypeError, r"random_state: expected an int seed"),
        (lambda: make_churn(random_state=-1), ValueError, r"random_state: a seed must be at least 0"),
        (lambda: make_duplicates(duplicate_fraction=1.5), ValueError, r"duplicate_fraction: must be between 0.0 and 0.9"),
        (lambda: make_duplicates(duplicate_fraction=0.95), ValueError, r"duplicate_fraction"),
        (lambda: make_duplicates(near_fraction=-0.1), ValueError, r"near_fraction: must be between"),
        (lambda: make_duplicates(near_fraction="half"), TypeError, r"near_fraction: expected a number"),
        (lambda: make_duplicates(duplicate_fraction=float("nan")), ValueError, r"duplicate_fraction"),
        (lambda: make_patients(n_patients=1), ValueError, r"n_patients: must be at least 2"),
        (lambda: make_patients(visits_per_patient=0), ValueError, r"visits_per_patient: must be at least 1"),
        (lambda: make_sales(n_days=10), ValueError, r"n_days: must be at least 30"),
        (lambda: make_sales(n_days=365.0), TypeError, r"n_days"),
        (lambda: make_esl_null(n_samples=1), ValueError, r"n_samples: must be at least 2"),
        (lambda: make_esl_null(n_features=0), ValueError, r"n_features: must be at least 1"),
        (lambda: make_noise(n_features=-3), ValueError, r"n_features"),
        (lambda: make_qa_corpus(n_documents=1), ValueError, r"n_documents: must be at least 2"),
        (lambda: make_qa_corpus(n_documents=5, n_questions=41), ValueError, r"n_questions: each document answers at most 8"),
        (lambda: make_qa_corpus().split(test_size=1.0), ValueError, r"test_size: must be strictly between 0 and 1"),
        (lambda: make_qa_corpus().split(test_size=2), ValueError, r"test_size"),
        (lambda: make_messy_project(n_samples=10), ValueError, r"n_samples: must be at least 50"),
        (lambda: make_churn(50).production(n_samples=0), ValueError, r"n_samples: must be at least 1"),
        (lambda: make_churn(50).production(random_state=None), TypeError, r"random_state"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_scenario_validates_its_ground_truth_and_is_frozen():
    frame = pd.DataFrame({"a": [1, 2], "y": [0, 1]})
    with pytest.raises(ValueError, match="leaks: kind 'sneaky'"):
        Scenario(frame=frame, target="y", leaks={"a": "sneaky"}, honest_columns=[])
    with pytest.raises(ValueError, match="leaks: 'b' is not a column"):
        Scenario(frame=frame, target="y", leaks={"b": "id"}, honest_columns=["a"])
    with pytest.raises(ValueError, match="reserved for kind 'duplicate'"):
        Scenario(frame=frame, target="y", leaks={ROWS: "id"}, honest_columns=["a"])
    with pytest.raises(ValueError, match="target: 'z'"):
        Scenario(frame=frame, target="z", leaks={}, honest_columns=["a"])
    with pytest.raises(ValueError, match="honest_columns"):
        Scenario(frame=frame, target="y", leaks={}, honest_columns=["nope"])
    sc = Scenario(frame=frame, target="y", leaks={}, honest_columns=["a"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        sc.target = "a"
    with pytest.raises(NotImplementedError, match="no production data"):
        sc.production(5)
    with pytest.raises(AttributeError, match="ships no train/test split"):
        sc.train_frame


# ----------------------------------------------------------------------------- churn
@pytest.fixture(scope="module")
def churn():
    return make_churn(random_state=0)


def test_churn_shapes_dtypes_and_missing_values(churn):
    f = churn.frame
    assert f.shape == (2000, 11)
    assert churn.target == "churned" and churn.id_column == "customer_id"
    assert set(f["churned"].unique()) == {0, 1} and 0.25 <= f["churned"].mean() <= 0.35
    assert set(f["contract_type"]) == {"monthly", "annual", "two_year"}
    for c in ("contract_type", "payment_method", "region"):
        assert pd.api.types.is_string_dtype(f[c])
    for c in ("tenure_months", "support_calls", "customer_id", "retention_offer_made"):
        assert pd.api.types.is_integer_dtype(f[c])
    assert f["customer_id"].is_unique
    assert 0.05 < f["satisfaction_score"].isna().mean() < 0.3
    # The future field exists only for churners.
    assert f.loc[f["churned"] == 0, "account_closed_days"].isna().all()
    assert f.loc[f["churned"] == 1, "account_closed_days"].notna().mean() > 0.9


def test_churn_each_leak_alone_predicts_and_honest_columns_do_not(churn):
    aucs = {c: _single_column_auc(churn.frame, c, churn.y) for c in churn.X.columns}
    assert aucs["customer_id"] > 0.85
    assert aucs["account_closed_days"] > 0.9
    assert aucs["retention_offer_made"] > 0.8
    for c in churn.honest_columns:
        assert aucs[c] < 0.72, (c, aucs[c])


def test_churn_honest_features_are_moderately_predictive(churn):
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder

    ct = make_column_transformer(
        (OneHotEncoder(), make_column_selector(dtype_exclude="number")),
        (make_pipeline(SimpleImputer(), StandardScaler()), make_column_selector(dtype_include="number")),
    )
    model = make_pipeline(ct, LogisticRegression(max_iter=1000))
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    auc = cross_val_score(model, churn.honest_X, churn.y, cv=cv, scoring="roc_auc").mean()
    assert 0.70 <= auc <= 0.82


def test_churn_leaky_model_is_brilliant_in_validation_and_fails_in_production(churn):
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    validation = cross_val_score(_hgb(), churn.X, churn.y, cv=cv, scoring="roc_auc").mean()
    prod = churn.production(2000, random_state=1)
    leaky = _hgb().fit(churn.X, churn.y)
    honest = _hgb().fit(churn.honest_X, churn.y)
    prod_leaky = roc_auc_score(prod["churned"], leaky.predict_proba(prod.drop(columns="churned"))[:, 1])
    prod_honest = roc_auc_score(prod["churned"], honest.predict_proba(prod[churn.honest_columns])[:, 1])
    assert validation > 0.95
    assert prod_leaky < 0.8
    assert validation - prod_leaky > 0.2
    assert prod_honest > prod_leaky


def test_churn_production_frame_has_no_leak_signal(churn):
    prod = churn.production(1500, random_state=7)
    assert list(prod.columns) == list(churn.frame.columns)
    assert prod["account_closed_days"].isna().all()
    assert (prod["retention_offer_made"] == 0).all()
    assert prod["customer_id"].is_unique
    assert prod["customer_id"].min() > churn.frame["customer_id"].max()
    assert abs(roc_auc_score(prod["churned"], prod["customer_id"]) - 0.5) < 0.06
    # Same honest distribution as the training table.
    for c in ("tenure_months", "monthly_charges", "support_calls"):
        assert stats.ks_2samp(prod[c], churn.frame[c]).pvalue > 0.001
    assert abs(prod["churned"].mean() - churn.y.mean()) < 0.05
    # Seeded, and a different stream from the training rows of the same seed.
    pd.testing.assert_frame_equal(prod, churn.production(1500, random_state=7))
    assert not churn.production(50, random_state=0)[churn.honest_columns].equals(churn.frame[churn.honest_columns].head(50))
    assert len(churn.production()) == len(churn.frame)


# ----------------------------------------------------------------------------- duplicates
def test_duplicates_ground_truth_matches_the_rows():
    sc = make_duplicates(random_state=0)
    assert sc.frame.shape == (1000, 9)
    assert len(sc.duplicated_rows) == 200
    assert (sc.duplicated_rows["kind"] == "near").sum() == 100
    assert sc.leaks == {ROWS: "duplicate"}
    _check_duplicate_truth(sc.frame, sc.duplicated_rows, sc.target)
    # Near copies differ in the text column and in the floats past the 3rd decimal.
    near = sc.duplicated_rows[sc.duplicated_rows["kind"] == "near"]
    a, b = sc.frame.iloc[near["row_a"]], sc.frame.iloc[near["row_b"]]
    assert (a["product"].to_numpy() != b["product"].to_numpy()).all()
    diff = np.abs(a[["x0", "x1"]].to_numpy() - b[["x0", "x1"]].to_numpy())
    assert (diff > 0).any() and (diff < 1e-3).all()


def test_duplicates_inflate_a_memorising_models_score():
    sc = make_duplicates(random_state=0)
    X = sc.frame[[f"x{i}" for i in range(6)]].to_numpy()
    y = sc.y.to_numpy()
    keep = np.ones(len(y), dtype=bool)
    keep[sc.duplicated_rows["row_b"]] = False
    knn = make_pipeline(StandardScaler(), KNeighborsClassifier(1))
    cv = KFold(5, shuffle=True, random_state=0)
    random_split = cross_val_score(knn, X, y, cv=cv).mean()
    deduplicated = cross_val_score(knn, X[keep], y[keep], cv=cv).mean()
    assert random_split - deduplicated > 0.06
    assert deduplicated < 0.7  # the honest signal is weak


# ----------------------------------------------------------------------------- patients
def test_patients_group_leak_kfold_vs_groupkfold():
    sc = make_patients(random_state=0)
    f = sc.frame
    assert f.shape == (480, 13) and sc.group_column == "patient_id"
    assert sc.leaks == {"patient_id": "group"}
    assert (f.groupby("patient_id")["diagnosis"].nunique() == 1).all()
    assert (f.groupby("patient_id").size() == 8).all()
    assert f["diagnosis"].mean() == 0.5
    X = _numeric(sc.honest_X)
    knn = make_pipeline(StandardScaler(), KNeighborsClassifier(1))
    random_cv = cross_val_score(knn, X, sc.y, cv=KFold(5, shuffle=True, random_state=0)).mean()
    default_cv = cross_val_score(knn, X, sc.y, cv=5).mean()  # unshuffled folds mix patients too
    grouped = cross_val_score(knn, X, sc.y, cv=GroupKFold(5), groups=f["patient_id"]).mean()
    assert random_cv > 0.9 and default_cv > 0.9
    assert grouped < 0.75
    assert random_cv - grouped > 0.25


# ----------------------------------------------------------------------------- sales
@pytest.fixture(scope="module")
def sales():
    return make_sales(random_state=0)


def test_sales_is_time_ordered_and_complete(sales):
    f = sales.frame
    assert len(f) == 730 and sales.task == "regression" and sales.time_column == "date"
    assert pd.api.types.is_datetime64_any_dtype(f["date"])
    assert f["date"].is_monotonic_increasing and f["date"].diff().dropna().eq(pd.Timedelta(days=1)).all()
    assert not f.isna().any().any()
    assert sales.leaks == {"rolling_mean_7_centered": "temporal"}


def test_sales_lags_look_back_and_the_leak_looks_ahead(sales):
    s = sales.frame["sales"]
    np.testing.assert_allclose(sales.frame["lag_7"].iloc[7:], s.shift(7).iloc[7:])
    np.testing.assert_allclose(sales.frame["lag_28"].iloc[28:], s.shift(28).iloc[28:])
    centred = s.rolling(7, center=True).mean()
    np.testing.assert_allclose(sales.frame["rolling_mean_7_centered"].iloc[3:-3], centred.iloc[3:-3], atol=1e-3)


def test_sales_shuffled_kfold_is_optimistic_vs_time_series_split(sales):
    X, y = sales.honest_X, sales.y
    shuffled = cross_val_score(RidgeCV(), X, y, cv=KFold(5, shuffle=True, random_state=0), scoring="r2").mean()
    forward = cross_val_score(RidgeCV(), X, y, cv=TimeSeriesSplit(5), scoring="r2").mean()
    assert shuffled - forward > 0.15
    # The centred mean adds a lot even when the split respects time: it sees the future.
    leaky_X = sales.frame[sales.honest_columns + ["rolling_mean_7_centered"]]
    leaky_forward = cross_val_score(RidgeCV(), leaky_X, y, cv=TimeSeriesSplit(5), scoring="r2").mean()
    assert leaky_forward - forward > 0.1


# ----------------------------------------------------------------------------- null setups
def test_esl_null_is_balanced_noise():
    X, y = make_esl_null(random_state=0)
    assert X.shape == (50, 5000) and X.dtype == np.float64 and y.shape == (50,)
    assert np.bincount(y).tolist() == [25, 25]
    assert abs(X.mean()) < 0.02 and abs(X.std() - 1) < 0.02
    # Per-feature t-tests: about 5 % significant at the 5 % level, as chance predicts.
    p = stats.ttest_ind(X[y == 0], X[y == 1]).pvalue
    assert 0.03 < np.mean(p < 0.05) < 0.07
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    r = np.abs(Xs.T @ ((y - y.mean()) / y.std())) / len(y)
    assert r.max() < 0.75  # the expected maximum of 5000 null correlations is about 0.6


def test_esl_reference_result_wrong_vs_right_selection():
    X, y = make_esl_null(random_state=0)
    knn = KNeighborsClassifier(1)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    X_sel = SelectKBest(f_classif, k=100).fit_transform(X, y)  # wrong: selects on all rows
    wrong_error = 1 - cross_val_score(knn, X_sel, y, cv=cv).mean()
    right_error = 1 - cross_val_score(make_pipeline(SelectKBest(f_classif, k=100), knn), X, y, cv=cv).mean()
    assert wrong_error < 0.15
    assert right_error > 0.3


def test_noise_matches_the_common_pitfalls_setup():
    X, y = make_noise(random_state=0)
    assert X.shape == (200, 10000) and X.dtype == np.float64
    assert set(np.unique(y)) == {0, 1} and 0.4 < y.mean() < 0.6
    np.testing.assert_array_equal(make_noise(random_state=0)[1], y)
    assert not np.array_equal(make_noise(random_state=1)[0], X)


# ----------------------------------------------------------------------------- QA corpus
@pytest.fixture(scope="module")
def qa():
    return make_qa_corpus(random_state=0)


def test_qa_corpus_structure_and_answers(qa):
    docs, qs = qa.documents, qa.questions
    assert isinstance(qa, QACorpus)
    assert list(docs.columns) == ["doc_id", "title", "text"] and len(docs) == 60
    assert list(qs.columns) == ["question_id", "question", "answer", "doc_id", "attribute", "refers_by"]
    assert len(qs) == 120 and set(qs["refers_by"]) == {"name", "alias"}
    assert docs["doc_id"].is_unique and docs["title"].is_unique and qs["question_id"].is_unique
    assert not qs.duplicated(["doc_id", "attribute"]).any()
    text = docs.set_index("doc_id")["text"]
    title = docs.set_index("doc_id")["title"]
    for q in qs.itertuples():
        assert q.answer in text[q.doc_id]
        if q.refers_by == "name":
            assert title[q.doc_id] in q.question
        else:  # the nickname is introduced in the first sentence of its own document only
            alias = re.search(r"known as (the [A-Z]\w+ [A-Z]\w+),", text[q.doc_id]).group(1)
            assert alias in q.question
            assert sum(alias + "," in t for t in text) == 1
    # Some towns share a name stem ("Korvale" / "North Korvale"): lexical distractors.
    stems = docs["title"].str.split().str[-1]
    assert stems.duplicated().sum() >= 5


def test_qa_corpus_retrieval_is_good_but_imperfect(qa):
    docs, qs = qa.documents, qa.questions
    vec = TfidfVectorizer().fit(docs["text"])
    scores = (vec.transform(qs["question"]) @ vec.transform(docs["text"]).T).toarray()
    ranked = docs["doc_id"].to_numpy()[np.argsort(-scores, axis=1)]
    top1 = np.mean(ranked[:, 0] == qs["doc_id"].to_numpy())
    top5 = np.mean([g in r[:5] for g, r in zip(qs["doc_id"], ranked)])
    assert 0.5 < top1 < 0.95
    assert top5 > top1
    # Sentence-sized chunks often lose the town's name: chunk size matters.
    sents = [(d, s) for d, t in zip(docs["doc_id"], docs["text"]) for s in re.split(r"(?<=\.) ", t)]
    cvec = TfidfVectorizer().fit([s for _, s in sents])
    best = (cvec.transform(qs["question"]) @ cvec.transform([s for _, s in sents]).T).toarray().argmax(axis=1)
    hit = np.mean([sents[j][0] == g and a in sents[j][1] for j, g, a in zip(best, qs["doc_id"], qs["answer"])])
    assert hit < top1 - 0.2


def test_qa_split_is_disjoint_complete_and_seeded(qa):
    dev, test = qa.split(test_size=0.25, random_state=3)
    assert len(test) == 30 and len(dev) == 90
    assert set(dev["question_id"]).isdisjoint(test["question_id"])
    assert set(dev["question_id"]) | set(test["question_id"]) == set(qa.questions["question_id"])
    pd.testing.assert_frame_equal(test, qa.split(test_size=0.25, random_state=3)[1])
    assert not test.equals(qa.split(test_size=0.25, random_state=4)[1])
    pd.testing.assert_frame_equal(qa.questions, make_qa_corpus(random_state=0).questions)
    assert "120 questions" in repr(qa)


# ----------------------------------------------------------------------------- messy project
@pytest.fixture(scope="module")
def messy():
    return make_messy_project(random_state=0)


def test_messy_project_plants_every_kind_and_ships_a_split(messy):
    f = messy.frame
    assert f.shape == (1500, 13)
    assert messy.leaks == {
        "invoice_id": "id",
        "days_to_payment": "future",
        "reminder_sent": "post_event",
        "customer_id": "group",
        ROWS: "duplicate",
    }
    assert (messy.time_column, messy.group_column, messy.id_column) == ("issue_date", "customer_id", "invoice_id")
    tr, te = messy.train_index, messy.test_index
    assert len(np.intersect1d(tr, te)) == 0 and len(tr) + len(te) == len(f)
    assert len(te) == 375
    assert len(messy.train_frame) == len(tr) and len(messy.test_frame) == len(te)
    # Group leak: the same customers on both sides of the split.
    shared = set(f["customer_id"].iloc[tr]) & set(f["customer_id"].iloc[te])
    assert len(shared) > 0.5 * f["customer_id"].nunique()
    # Messy: inconsistent region spelling, missing values.
    assert f["region"].nunique() > f["region"].str.strip().str.lower().nunique()
    assert f["discount_pct"].isna().any() and f["amount"].isna().any()


def test_messy_project_duplicates_cross_the_split(messy):
    pairs = messy.duplicated_rows
    _check_duplicate_truth(messy.frame, pairs, messy.target)
    in_test = np.isin(np.arange(len(messy.frame)), messy.test_index)
    np.testing.assert_array_equal(pairs["crosses_split"], in_test[pairs["row_a"]] != in_test[pairs["row_b"]])
    assert pairs["crosses_split"].sum() >= 20
    ids = messy.frame["invoice_id"]
    assert ids.duplicated().sum() == len(pairs)  # a re-entered invoice keeps its number


def test_messy_project_leaks_predict_and_vanish_in_production(messy):
    aucs = {c: _single_column_auc(messy.frame, c, messy.y) for c in messy.X.columns}
    for c in ("invoice_id", "days_to_payment", "reminder_sent"):
        assert aucs[c] > 0.85, (c, aucs[c])
    for c in messy.honest_columns:
        assert aucs[c] < 0.72, (c, aucs[c])
    prod = messy.production(800, random_state=2)
    assert list(prod.columns) == list(messy.frame.columns)
    assert prod["days_to_payment"].isna().all() and (prod["reminder_sent"] == 0).all()
    assert prod["invoice_id"].min() > messy.frame["invoice_id"].max()
    assert not set(prod["customer_id"]) & set(messy.frame["customer_id"])  # new customers


def test_messy_project_random_split_is_optimistic_vs_new_customers(messy):
    X = _numeric(messy.frame[messy.honest_columns])
    y = messy.y
    model = HistGradientBoostingClassifier(max_iter=50, random_state=0)
    tr, te = messy.train_index, messy.test_index
    split_auc = roc_auc_score(y.iloc[te], model.fit(X.iloc[tr], y.iloc[tr]).predict_proba(X.iloc[te])[:, 1])
    grouped = cross_val_score(model, X, y, cv=GroupKFold(5), groups=messy.frame["customer_id"], scoring="roc_auc").mean()
    assert split_auc - grouped > 0.04


# ----------------------------------------------------------------------------- properties
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    n=st.integers(10, 120),
    frac=st.floats(0.0, 0.9),
    near=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_duplicates_invariants(n, frac, near, seed):
    sc = make_duplicates(n_samples=n, duplicate_fraction=frac, near_fraction=near, random_state=seed)
    n_dup = int(round(frac * n))
    assert len(sc.frame) == n and len(sc.duplicated_rows) == n_dup
    assert (sc.duplicated_rows["kind"] == "near").sum() == int(round(near * n_dup))
    _check_duplicate_truth(sc.frame, sc.duplicated_rows, sc.target)


@FAST
@given(n=st.integers(10, 200), seed=st.integers(0, 2**32 - 1), prod_seed=st.integers(0, 1000))
def test_property_churn_invariants(n, seed, prod_seed):
    sc = make_churn(n_samples=n, random_state=seed)
    f = sc.frame
    assert len(f) == n and f["customer_id"].is_unique
    assert set(f["churned"].unique()) <= {0, 1}
    assert f.loc[f["churned"] == 0, "account_closed_days"].isna().all()
    assert f["tenure_months"].between(1, 72).all() and f["monthly_charges"].between(18, 120).all()
    prod = sc.production(n, random_state=prod_seed)
    assert list(prod.columns) == list(f.columns)
    assert prod["account_closed_days"].isna().all() and (prod["retention_offer_made"] == 0).all()
    assert prod["customer_id"].min() > f["customer_id"].max()


@FAST
@given(n=st.integers(2, 60), p=st.integers(1, 30), seed=st.integers(0, 2**32 - 1))
def test_property_null_setups(n, p, seed):
    X, y = make_esl_null(n_samples=n, n_features=p, random_state=seed)
    assert X.shape == (n, p) and np.isfinite(X).all()
    assert (y == 0).sum() == n // 2 and (y == 1).sum() == n - n // 2
    Xn, yn = make_noise(n_samples=n, n_features=p, random_state=seed)
    assert Xn.shape == (n, p) and set(np.unique(yn)) == {0, 1}


@FAST
@given(n_docs=st.integers(2, 25), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_property_qa_corpus_answers_live_in_their_document(n_docs, seed, data):
    n_q = data.draw(st.integers(1, 8 * n_docs))
    qa = make_qa_corpus(n_documents=n_docs, n_questions=n_q, random_state=seed)
    text = qa.documents.set_index("doc_id")["text"]
    assert len(qa.questions) == n_q and qa.documents["title"].is_unique
    assert not qa.questions.duplicated(["doc_id", "attribute"]).any()
    assert set(qa.questions["refers_by"]) <= {"name", "alias"}
    for q in qa.questions.itertuples():
        assert q.answer in text[q.doc_id]
