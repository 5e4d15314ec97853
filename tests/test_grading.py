"""leakkit.grading: each check passes quietly (one 'Correct:' line on stdout, nothing on
stderr) or fails with a message that says what is wrong and how to fix it."""
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, TimeSeriesSplit, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from leakkit import grading
from leakkit.grading import CheckFailed


def noise(seed=0, n=60, p=500):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, p)), rng.permutation([0, 1] * (n // 2))


def leaky_selection(X, y):
    Xk = SelectKBest(k=20).fit_transform(X, y)
    return cross_val_score(KNeighborsClassifier(1), Xk, y, cv=5).mean()


def honest_selection(X, y):
    return cross_val_score(make_pipeline(SelectKBest(k=20), KNeighborsClassifier(1)), X, y, cv=5).mean()


def test_check_no_leak_passes_an_honest_function_and_returns_its_result(capsys):
    X, y = noise()
    score = grading.check_no_leak(honest_selection, X, y)
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.startswith("Correct: no fit saw held-out rows")
    assert 0.0 <= score <= 1.0


def test_check_no_leak_names_the_leaky_step_and_the_rows(capsys):
    X, y = noise()
    with pytest.raises(CheckFailed) as e:
        grading.check_no_leak(leaky_selection, X, y)
    msg = str(e.value)
    assert "SelectKBest" in msg and "held-out rows" in msg and "12 of the 12" in msg
    assert "How to fix it:" in msg and "Pipeline" in msg
    assert capsys.readouterr().err == ""


def test_check_no_leak_requires_a_split():
    X, y = noise()
    with pytest.raises(CheckFailed, match="never split the data"):
        grading.check_no_leak(lambda: LogisticRegression().fit(X, y).score(X, y))


def test_check_no_leak_flags_test_reuse_unless_allowed():
    X, y = noise(p=5)

    def pick_on_test():
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        return max(LogisticRegression(C=c).fit(X_tr, y_tr).score(X_te, y_te) for c in (0.1, 1, 10))

    with pytest.raises(CheckFailed, match="3 different models or settings"):
        grading.check_no_leak(pick_on_test)
    grading.check_no_leak(pick_on_test, allow_test_reuse=True)


def test_near_chance_separates_honest_from_leaky_on_noise():
    X, y = noise(seed=3)
    grading.check_near_chance(honest_selection(X, y), chance=0.5, tol=0.2)
    with pytest.raises(CheckFailed, match="pure noise"):
        grading.check_near_chance(leaky_selection(X, y), chance=0.5, tol=0.2)


@pytest.mark.parametrize("bad", ["0.8", np.array([0.5, 0.6]), None, float("nan"), True])
def test_numbers_are_checked(bad):
    with pytest.raises(CheckFailed):
        grading.check_number(bad)


def test_check_close_explains_direction():
    with pytest.raises(CheckFailed, match="too optimistic"):
        grading.check_close(0.95, 0.70, tol=0.05)
    with pytest.raises(CheckFailed, match="lower than it really is"):
        grading.check_close(0.50, 0.70, tol=0.05)
    grading.check_close(np.float64(0.72), 0.70, tol=0.05)


def test_check_same_set_ignores_order_and_reports_missing_and_extra():
    grading.check_same_set(("b", "a"), ["a", "b"])
    with pytest.raises(CheckFailed, match=r"1 column\(s\) missing and 1 column\(s\) that should not be there \('c'\)"):
        grading.check_same_set(["a", "c"], ["a", "b"])
    with pytest.raises(CheckFailed, match="expected a list"):
        grading.check_same_set(3, ["a"])


def test_check_no_duplicates_across_with_near_copies():
    train = pd.DataFrame({"name": ["Ann Lee", "Bo"], "x": [1.0001, 2.0]})
    test = pd.DataFrame({"name": ["ann  lee"], "x": [1.0]})
    grading.check_no_duplicates_across(train, test)  # exact: different
    with pytest.raises(CheckFailed, match="1 of your 1 test rows"):
        grading.check_no_duplicates_across(train, test, decimals=2, normalize_text=True)


def test_check_splitter():
    grading.check_splitter(GroupKFold(3), kind="group")
    grading.check_splitter(TimeSeriesSplit(3, gap=2), kind="time")
    with pytest.raises(CheckFailed, match="does not know about groups"):
        grading.check_splitter(KFold(5, shuffle=True), kind="group")
    with pytest.raises(CheckFailed, match="mixes past and future"):
        grading.check_splitter(5, kind="time")
    with pytest.raises(ValueError, match="kind"):
        grading.check_splitter(KFold(), kind="space")


def test_explain_covers_every_tracer_check():
    import leakkit

    X, y = noise(p=5)
    Xd = np.vstack([X, X[:10]])
    yd = np.concatenate([y, y[:10]])
    with leakkit.trace() as t:
        Xs = StandardScaler().fit_transform(Xd)
        X_tr, X_te, y_tr, y_te = train_test_split(Xs, yd, random_state=0)
        LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
    texts = {f.check: grading.explain(f) for f in t.findings}
    assert set(texts) == {"fit_before_split", "duplicates_across_split"}
    assert texts["fit_before_split"].startswith("Your StandardScaler was fitted before the split")
    assert "identical" in texts["duplicates_across_split"]


def test_fresh_seeds_follow_the_grading_secret(monkeypatch):
    monkeypatch.setenv("LEAKKIT_GRADING_SEED", "987654321")
    a = grading.fresh_seeds("test_x", 3)
    assert a == grading.fresh_seeds("test_x", 3)
    assert a != grading.fresh_seeds("test_y", 3)
    assert len(set(a)) == 3 and all(isinstance(s, int) and 0 <= s < 2**31 - 1 for s in a)
    monkeypatch.setenv("LEAKKIT_GRADING_SEED", "987654322")
    assert grading.fresh_seeds("test_x", 3) != a
    monkeypatch.delenv("LEAKKIT_GRADING_SEED")
    assert grading.fresh_seeds("test_x", 3) != grading.fresh_seeds("test_x", 3)


def test_fresh_seeds_bad_input(monkeypatch):
    with pytest.raises(TypeError, match="salt"):
        grading.fresh_seeds(3)
    with pytest.raises(ValueError, match="n: expected"):
        grading.fresh_seeds("t", 0)
    monkeypatch.setenv("LEAKKIT_GRADING_SEED", "abc")
    with pytest.raises(ValueError, match="LEAKKIT_GRADING_SEED"):
        grading.fresh_seeds("t")
