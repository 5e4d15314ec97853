"""The checklist audit: planted leaks of every scenario are found, honest columns are not."""
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, TimeSeriesSplit, cross_validate, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import leakkit
from leakkit.checklist import QUESTIONS, audit
from leakkit.datasets import make_churn, make_duplicates, make_messy_project, make_patients, make_sales
from leakkit.llm import HeldOutSet


def flagged(report):
    return report.flagged_columns()


@pytest.mark.parametrize("seed", [0, 1])
def test_churn_leaks_found_and_honest_columns_silent(seed):
    sc = make_churn(n_samples=1500, random_state=seed)
    r = audit(sc.frame, sc.target)
    assert flagged(r) == set(sc.leaky_columns)
    clean = audit(sc.frame[sc.honest_columns + [sc.target]], sc.target)
    assert clean.status("features") == "pass" and not clean.leaked


def test_messy_project_every_planted_leak_found():
    sc = make_messy_project(random_state=0)
    f = sc.frame
    train, test = f.iloc[sc.train_index], f.iloc[sc.test_index]
    r = audit(train, sc.target, test=test, time_column=sc.time_column, group_column=sc.group_column, cv=KFold(5))
    column_leaks = {c for c, kind in sc.leaks.items() if kind in ("id", "future", "post_event")}
    assert column_leaks <= flagged(r)
    checks = {x.check for x in r.findings if x.severity in ("fail", "warn")}
    assert {"duplicates", "group_overlap", "splitter"} <= checks  # duplicate rows, group, wrong splitter
    assert r.status("cv_pipeline") == "fail"
    d = r.to_dict()
    json.dumps(d)
    assert [q["key"] for q in d["questions"]] == list(QUESTIONS)


def test_patients_and_sales_splitters():
    pt = make_patients(random_state=0)
    r = audit(pt.frame, pt.target, group_column=pt.group_column, cv=KFold(5, shuffle=True, random_state=0))
    assert r.status("cv_pipeline") == "fail"
    assert audit(cv=GroupKFold(5), group_column=None).status("cv_pipeline") == "pass"
    sales = make_sales(random_state=0)
    r = audit(sales.frame, sales.target, time_column=sales.time_column, cv=TimeSeriesSplit(5))
    assert r.status("cv_pipeline") == "pass"
    temporal = {c for c, k in sales.leaks.items() if k == "temporal"}
    assert temporal <= flagged(r)


def test_duplicates_scenario_caught_by_the_evaluation_trace():
    sc = make_duplicates(random_state=0)
    X = sc.X.select_dtypes("number")
    y = sc.y

    def evaluation():
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        return make_pipeline(StandardScaler(), LogisticRegression()).fit(X_tr, y_tr).score(X_te, y_te)

    r = audit(evaluation=evaluation)
    assert r.status("test_data") == "fail"
    assert "duplicates_across_split" in {x.check for x in r["test_data"].findings}


def test_evaluation_code_answers_questions_2_to_4():
    sc = make_churn(n_samples=800, random_state=0)
    X, y = sc.honest_X, sc.y
    num = X.select_dtypes("number").columns.tolist()
    cat = [c for c in X.columns if c not in num]
    pre = ColumnTransformer([("num", make_pipeline(SimpleImputer(), StandardScaler()), num),
                             ("cat", OneHotEncoder(handle_unknown="ignore"), cat)])

    def honest():
        return cross_validate(make_pipeline(pre, LogisticRegression()), X, y, cv=5)

    def leaky():
        Z = pre.fit_transform(X)
        return cross_validate(LogisticRegression(), Z, y, cv=5)

    def tuned_on_test():
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        return [make_pipeline(pre, LogisticRegression(C=c)).fit(X_tr, y_tr).score(X_te, y_te) for c in (0.1, 1, 10)]

    good = audit(evaluation=honest)
    assert [good.status(k) for k in QUESTIONS] == ["not-checked", "pass", "pass", "pass"]
    assert good.status() == "pass" and not good.leaked
    bad = audit(evaluation=leaky)
    assert bad.status("cv_pipeline") == "fail" and bad.status("test_data") == "pass"
    reuse = audit(evaluation=tuned_on_test)
    assert reuse.status("tuning") == "warn"


def _customers(seed=0, n=300):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"age": rng.normal(45, 12, n), "income": rng.lognormal(10, 0.5, n),
                       "visits": rng.poisson(5, n).astype(float)})
    df.loc[rng.choice(n, n // 6, replace=False), "income"] = np.nan
    y = ((df["age"] - 45) / 12 + rng.normal(size=n) > 0).astype(int)
    return df, y


def test_statistics_from_held_out_rows_are_placed_like_fits():
    df, y = _customers()

    def fill_then_split():  # a final split: question 2
        filled = df.fillna(df.mean())
        X_tr, X_te, y_tr, y_te = train_test_split(filled, y, random_state=0)
        return LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)

    def fill_then_cv():  # cross-validation folds: question 3
        return cross_validate(LogisticRegression(), df.fillna(df.median()), y, cv=5)["test_score"]

    def fill_after_split():  # honest: the training rows' means, applied to both
        X_tr, X_te, y_tr, y_te = train_test_split(df, y, random_state=0)
        means = X_tr.mean()
        return LogisticRegression().fit(X_tr.fillna(means), y_tr).score(X_te.fillna(means), y_te)

    split = audit(evaluation=fill_then_split)
    assert [split.status(k) for k in QUESTIONS] == ["not-checked", "fail", "pass", "pass"]
    assert [f.code for f in split["test_data"].findings] == ["LK106"]
    assert "statistic" not in str(split["cv_pipeline"].findings)
    cv = audit(evaluation=fill_then_cv)
    assert [cv.status(k) for k in QUESTIONS] == ["not-checked", "pass", "fail", "pass"]
    assert [f.code for f in cv["cv_pipeline"].findings] == ["LK106"]
    assert cv.leaked and "LK106" in str(cv)
    honest = audit(evaluation=fill_after_split)
    assert honest.status() == "pass" and not honest.leaked


def test_an_evaluation_that_held_nothing_out_is_question_2_and_leaves_3_and_4_unchecked():
    df, y = _customers()
    X = df.fillna(0.0)

    def split_then_ignored():
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        return LogisticRegression().fit(X, y).score(X_tr, y_tr)

    def nothing_held_out():
        return LogisticRegression().fit(X, y).score(X, y)

    ignored = audit(evaluation=split_then_ignored)
    assert ignored.status("test_data") == "fail"
    assert [f.code for f in ignored["test_data"].findings] == ["LK107"]
    assert "never scored" in ignored["test_data"].summary
    for key in ("cv_pipeline", "tuning"):
        assert ignored[key].status == "pass"
        assert "held_out_rows" in [n for _, n in ignored[key].not_checked]
    text = str(ignored)
    assert "[PASS] (partly checked) Were parameters tuned" in text and "scored no held-out rows" in text
    none = audit(evaluation=nothing_held_out)
    assert none.status("test_data") == "warn" and "nothing was held out" in none["test_data"].summary
    assert json.dumps(none.to_dict())


def test_what_the_tracer_could_not_see_is_not_checked_not_pass():
    df, y = _customers()
    X = df.fillna(0.0).to_numpy()

    def parallel():
        return cross_validate(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=3, n_jobs=2)

    r = audit(evaluation=parallel)
    assert r.status() == "pass"
    for key in ("test_data", "cv_pipeline", "tuning"):
        items = [(w, n) for w, n in r[key].not_checked if n == "trace_coverage"]
        assert items and "worker_processes" in items[0][0], r[key].not_checked
    assert "(partly checked) Was anything fitted on test data?" in str(r)
    assert "n_jobs=1" in str(r)


def test_every_tracer_check_is_placed_under_a_question():
    from leakkit._codes import CODES

    from leakkit.checklist import place_traced
    from leakkit._findings import Finding

    tracer = [CODES[c].check for c in CODES if c.startswith("LK1")]
    found = [Finding(check, "fail", "m", evidence={"n_folds": 3}) for check in tracer]
    placed = [f.check for part in place_traced(found) for f in part]
    assert sorted(placed) == sorted(tracer)


def test_held_out_reads():
    h = HeldOutSet(pd.DataFrame({"q": ["a", "b"]}), name="test")
    h.get()
    assert audit(held_out_set=h).status("tuning") == "pass"
    h.get()
    assert audit(held_out_set=h).status("tuning") == "fail"


def test_renderings():
    sc = make_churn(n_samples=600, random_state=0)
    r = audit(sc.frame, sc.target)
    text = str(r)
    assert text.startswith("Leakage checklist") and "[FAIL]" in text and "Verdict: leakage found." in text
    html = r._repr_html_()
    assert html.count("<tr>") == 5 and "FAIL" in html and "NOT-CHECKED" in html
    assert repr(r).startswith("<ChecklistReport features=fail")
    assert audit().status() == "not-checked"


@pytest.mark.parametrize("kwargs, err, match", [
    ({"data": pd.DataFrame({"a": [1, 2]})}, ValueError, "target: required"),
    ({"data": pd.DataFrame({"a": [1, 2]}), "target": "b"}, ValueError, "target: column"),
    ({"data": pd.DataFrame({"a": [1, 2], "y": [0, 0]}), "target": "y"}, ValueError, "only one distinct value"),
    ({"data": [[1, 2]], "target": "y"}, TypeError, "data: expected a pandas DataFrame"),
    ({"evaluation": 3}, TypeError, "evaluation"),
    ({"held_out_set": [1, 2]}, TypeError, "held_out_set"),
    ({"test": pd.DataFrame({"a": [1]})}, ValueError, "test: a test frame needs"),
    ({"group_column": "g"}, ValueError, "group_column"),
])
def test_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        audit(**kwargs)


def test_time_and_group_together():
    df = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=40), "g": [i // 4 for i in range(40)],
                       "x": range(40), "y": [0, 1] * 20})
    assert audit(df, "y", time_column="t", group_column="g", cv=TimeSeriesSplit(4)).status("cv_pipeline") == "pass"
    assert audit(df, "y", time_column="t", group_column="g", cv=GroupKFold(5)).status("cv_pipeline") == "warn"
    assert audit(df, "y", time_column="t", group_column="g", cv=KFold(5)).status("cv_pipeline") == "fail"


def test_near_duplicates_of_the_messy_project():
    sc = make_messy_project(random_state=0)
    train, test = sc.frame.iloc[sc.train_index], sc.frame.iloc[sc.test_index]
    crossing = sc.duplicated_rows[sc.duplicated_rows["crosses_split"]]
    exact = audit(train, sc.target, test=test)
    near = audit(train, sc.target, test=test, near=True)
    n_exact = [f.evidence["n_rows"] for f in exact.findings if f.check == "duplicates"][0]
    assert not any(f.check == "near_duplicates" for f in exact.findings)
    [f] = [f for f in near.findings if f.check == "near_duplicates"]
    assert f.code == "LK205" and f.severity == "fail"
    # exact and near copies together are the planted copies that cross the split, no more
    assert n_exact < int(len(crossing)) and n_exact + f.evidence["n_rows"] == int(len(crossing))


def test_test_frame_is_held_out_for_the_evaluation_trace():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(400, 4)), columns=list("abcd"))
    df["y"] = rng.integers(0, 2, 400)
    train, test = df.iloc[:300], df.iloc[300:]
    feats = list("abcd")

    def by_hand():
        sc = StandardScaler().fit(df[feats])  # every row, test included
        m = LogisticRegression().fit(sc.transform(train[feats]), train["y"])
        return m.score(sc.transform(test[feats]), test["y"])

    r = audit(train, "y", test=test, evaluation=by_hand)
    assert r.status("test_data") == "fail"
    assert any(f.check == "fit_saw_held_out" for f in r["test_data"].findings)


# --------------------------------------------------------------------------- precision on real tables

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from leak_corpus import clean_cases, planted_cases  # noqa: E402

SUBSET = ("iris", "wine", "breast_cancer", "diabetes")


def _audit(case):
    return audit(case.train, case.target, test=case.test, time_column=case.time_column,
                 group_column=case.group_column, near=case.near)


@pytest.mark.parametrize("case", [c for c in clean_cases() if c.table in SUBSET],
                         ids=lambda c: f"{c.table}-{c.variant}")
def test_clean_bundled_tables_have_no_fail(case):
    r = _audit(case)
    assert not r.leaked and r.exit_code() == 0, [str(f) for f in r.findings if f.severity == "fail"]


@pytest.mark.parametrize("case", [c for c in planted_cases() if c.table in ("iris", "breast_cancer", "diabetes")],
                         ids=lambda c: f"{c.table}-{c.variant}")
def test_every_planted_leak_is_found(case):
    r = _audit(case)
    for check, column in case.expect:
        hits = [f for f in r.findings if f.check == check and (column is None or column in f.columns)]
        assert hits and hits[0].severity in ("fail", "warn"), [str(f)[:200] for f in r.findings]
    assert r.exit_code(strict=True) == 1


def test_review_does_not_fail_the_gate_unless_strict():
    sc = make_churn(n_samples=1500, random_state=0)
    honest = sc.frame[sc.honest_columns + [sc.target]].copy()
    tenure = (honest["tenure_months"] - honest["tenure_months"].mean()) / honest["tenure_months"].std()
    # strong, standing out, but varying with tenure inside each class as a measurement does
    honest["strong_signal"] = sc.frame[sc.target] * 2.0 + tenure + np.random.default_rng(0).normal(0, 0.2, len(honest))
    r = audit(honest, sc.target)
    assert {f.severity for f in r.findings} == {"review"} and r.status("features") == "review"
    assert not r.leaked and r.exit_code() == 0 and r.exit_code(strict=True) == 1
    assert "strong_signal" in r.flagged_columns() and not r.flagged_columns(("fail", "warn"))


def test_baseline_and_ignore_from_python(tmp_path):
    sc = make_churn(n_samples=1500, random_state=0)
    r = audit(sc.frame, sc.target, ignore=["LK201:account_closed_days", "LK201:retention_offer_made"])
    assert r.leaked and {c for f in r.findings if f.severity == "fail" for c in f.columns} == {"customer_id"}
    assert sorted(c for f in r.accepted for c in f.columns) == ["account_closed_days", "retention_offer_made"]
    (tmp_path / "leakkit.toml").write_text(
        'ignore = ["LK202"]\n\n[[reviewed]]\ncode = "LK201"\ncolumn = "account_closed_days"\n'
        'reason = "known at prediction time in this product"\n')
    r2 = audit(sc.frame, sc.target, baseline=tmp_path / "leakkit.toml", ignore=["LK201:retention_offer_made"])
    assert not r2.leaked and r2.status("features") == "pass" and len(r2.accepted) == 3
    assert "Accepted by the baseline" in str(r2) and r2.to_dict()["accepted"][0]["code"] in ("LK201", "LK202")


@pytest.mark.parametrize("kwargs, err, match", [
    ({"cv": "5"}, TypeError, "cv: expected a number of folds"),
    ({"cv": 1}, ValueError, "cv: needs at least 2 folds"),
    ({"cv": True}, TypeError, "cv: expected a number of folds"),
    ({"feature_threshold": 2}, ValueError, "feature_threshold: must be between 0.0 and 1.0, got 2"),
    ({"feature_threshold": "0.9"}, TypeError, "feature_threshold"),
    ({"near": 1}, TypeError, "near: expected True or False"),
    ({"random_state": None}, TypeError, "random_state: got None"),
    ({"random_state": -1}, ValueError, "random_state: a seed must be at least 0"),
    ({"ignore": ["LK999"]}, ValueError, "ignore: unknown check code 'LK999'"),
    ({"ignore": 201}, TypeError, "ignore: expected a list"),
    ({"baseline": 3}, TypeError, "baseline: expected the path"),
])
def test_every_option_is_validated(kwargs, err, match):
    with pytest.raises(err, match=match):
        audit(**kwargs)


def test_report_vocabulary_matches_trace():
    sc = make_churn(n_samples=600, random_state=0)
    r = audit(sc.frame, sc.target)
    with leakkit.trace() as t:
        pass
    assert isinstance(r.leaked, bool) and isinstance(t.leaked, bool)  # both: any fail
    d = r.to_dict()
    assert d["leaked"] is True and all("code" in f for f in d["findings"])
    assert all(hasattr(a, "to_dict") for a in r.answers)


def test_every_data_and_llm_code_has_a_page():
    from leakkit._codes import CODES

    docs = Path(__file__).resolve().parents[1] / "docs" / "codes"
    for code, c in CODES.items():
        if code.startswith(("LK2", "LK3")):
            page = (docs / f"{code}.md").read_text()
            assert page.startswith(f"# {code} `{c.check}`")
            assert all(h in page for h in ("## The leak", "## Example", "## The fix"))
