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


def test_check_no_leak_requires_something_held_out():
    X, y = noise()
    with pytest.raises(CheckFailed, match="Nothing was held out"):
        grading.check_no_leak(lambda: LogisticRegression().fit(X, y).score(X, y))


def test_a_split_made_and_ignored_holds_nothing_out():
    X, y = noise(p=5)

    def ignores_its_split(X, y):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        return LogisticRegression().fit(X, y).score(X_tr, y_tr)  # fitted on all rows, scored on training rows

    # told by the tracer's no_held_out rule, or by check_no_leak's own evaluations
    with pytest.raises(CheckFailed, match="Nothing was held out|were never scored") as e:
        grading.check_no_leak(ignores_its_split, X, y)
    assert "How to fix it: fit" in str(e.value)


def numpy_split(X, y, shift_all=False):
    """An honest evaluation with a split made by hand (no scikit-learn splitter)."""
    if shift_all:  # a leak in numpy: statistics of every row, the held-out ones included
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    idx = np.random.default_rng(0).permutation(len(y))
    tr, te = idx[:45], idx[45:]
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(X[tr], y[tr]).score(X[te], y[te])


def test_an_honest_split_made_with_numpy_keeps_the_points(capsys):
    X, y = noise(p=5)
    grading.check_no_leak(numpy_split, X, y, influence_arg=0)
    out = capsys.readouterr().out
    assert "1 score on held-out rows" in out and "changing the 15 held-out rows did not change the model" in out


def frame_data(seed=0, n=120):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "city": rng.choice(list("xyz"), n)})
    df.loc[rng.random(n) < 0.2, "a"] = np.nan
    df["target"] = (df["b"] + rng.normal(size=n) > 0).astype(int)
    return df


def pandas_evaluation(frame, leaky):
    frame = frame.copy()
    if leaky:  # the gaps filled with the mean of every row, before the split, in plain Python
        values = [v for v in frame["a"].tolist() if v == v]
        frame["a"] = frame["a"].fillna(sum(values) / len(values))
    train = frame.sample(frac=0.75, random_state=1)
    test = frame.drop(index=train.index)
    from sklearn.impute import SimpleImputer

    model = make_pipeline(SimpleImputer(), LogisticRegression()).fit(train[["a", "b"]], train["target"])
    return model.score(test[["a", "b"]], test["target"])


def test_the_influence_test_catches_a_statistic_of_all_rows_computed_in_pandas():
    df = frame_data()
    grading.check_no_leak(pandas_evaluation, df, False, influence_arg=0, fixed_columns=["target"])
    with pytest.raises(CheckFailed, match=r"When only the values of the \d+ held-out rows changed"):
        grading.check_no_leak(pandas_evaluation, df, True, influence_arg=0, fixed_columns=["target"])
    assert df["a"].isna().any()  # every run got its own copy: the caller's data is untouched


def test_best_of_several_seeds_on_one_hand_made_split_is_test_reuse():
    from sklearn.ensemble import RandomForestClassifier

    X, y = noise(p=5)

    def best_seed(X, y):
        tr, te = slice(0, 45), slice(45, None)
        return max(RandomForestClassifier(n_estimators=5, random_state=s).fit(X[tr], y[tr]).score(X[te], y[te])
                   for s in range(4))

    with pytest.raises(CheckFailed, match="scored by 4 different models or settings"):
        grading.check_no_leak(best_seed, X, y)
    grading.check_no_leak(best_seed, X, y, allow_test_reuse=True)


def test_cross_validation_says_the_influence_test_was_not_possible(capsys):
    X, y = noise(p=50)
    grading.check_no_leak(honest_selection, X, y, influence_arg=0)
    assert "not checked (every row trained one of the models" in capsys.readouterr().out


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


def test_check_no_duplicates_across_aligns_columns_by_name():
    train = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    with pytest.raises(CheckFailed, match="1 of your 1 test rows"):
        grading.check_no_duplicates_across(train, pd.DataFrame({"y": ["b"], "x": [2]}))  # columns reordered
    with pytest.raises(CheckFailed, match="1 of your 1 test rows"):
        grading.check_no_duplicates_across(train, pd.DataFrame({"x": [3], "y": ["c"], "extra": [0]}))  # one more
    grading.check_no_duplicates_across(train, pd.DataFrame({"y": ["a"], "x": [2]}))  # same values, other rows
    with pytest.raises(CheckFailed, match="no column in common"):
        grading.check_no_duplicates_across(train, pd.DataFrame({"z": [1]}))


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


@pytest.mark.parametrize("call, match", [
    (lambda: grading.check_near_chance(0.5, chance=0.5, tol=-1), "^tol: expected a number above 0"),
    (lambda: grading.check_near_chance(0.5, chance="0.5"), "^chance: expected a number"),
    (lambda: grading.check_near_chance(0.5, chance=0.5, tol=float("nan")), "^tol: expected a finite number"),
    (lambda: grading.check_close(0.5, 0.5, tol=0), "^tol: expected a number above 0"),
    (lambda: grading.check_number(0.5, what=3), "^what: expected a non-empty str"),
    (lambda: grading.check_no_duplicates_across(pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [2]}), decimals=-1),
     "^decimals: expected"),
    (lambda: grading.check_no_leak(print, 1, influence_arg=3), "^influence_arg: expected"),
])
def test_bad_options_get_one_line_errors(call, match):
    with pytest.raises((ValueError, TypeError), match=match) as e:
        call()
    assert "\n" not in str(e.value) and not isinstance(e.value, CheckFailed)


def test_plain_reads_values_not_methods():
    class Always(dict):
        def __eq__(self, other):
            return True

    class Liar(float):
        def __float__(self):
            return 0.5

    class Hides(pd.DataFrame):
        @property
        def _constructor(self):
            return Hides

        def __getitem__(self, key):
            return super().__getitem__(key) + 100 if key == "id" else super().__getitem__(key)

    assert grading.plain(Always(a=1)) != {"a": 2} and type(grading.plain(Always(a=1))) is dict
    assert grading.plain(Liar(0.9)) == 0.9 and type(grading.plain(Liar(0.9))) is float
    frame = grading.plain(Hides({"id": [1, 2]}))
    assert type(frame) is pd.DataFrame and frame["id"].tolist() == [1, 2]
    assert grading.check_number(Liar(0.9)) == 0.9
    with pytest.raises(CheckFailed, match="cannot compare"):
        grading.plain({"model": LogisticRegression()})
    assert grading.unpack([1, 2], 2, what="f") == (1, 2)
    with pytest.raises(CheckFailed, match="should return 2 items"):
        grading.unpack((1,), 2, what="f")


def test_a_read_log_edited_by_the_learner_is_seen():
    test = grading.watched_held_out(pd.DataFrame({"q": [1, 2]}), name="test questions")
    for _ in range(3):
        test.get()
    del test._log[1:]
    assert test.n_reads == 1  # the log now says one read...
    with pytest.raises(CheckFailed, match="read log of the test questions was changed"):
        grading.check_read_once(test, what="f")  # ...but three were counted
    twice = grading.watched_held_out(pd.DataFrame({"q": [1]}), name="test questions")
    twice.get(), twice.get()
    with pytest.raises(CheckFailed, match="read the test questions 2 times"):
        grading.check_read_once(twice, what="f")
    with pytest.raises(TypeError, match="watched_held_out"):
        grading.check_read_once(object(), what="f")


def test_check_unchanged_tells_influence_from_randomness():
    def tuned_on_test(dev, test):
        return max(test, key=test.get)

    def honest(dev, test):
        return max(dev, key=dev.get)

    def unseeded(dev, test):
        return float(np.random.default_rng().random())

    variants = [({"a": 1, "b": 0}, {"a": 0, "b": 1}), ({"a": 1, "b": 0}, {"a": 1, "b": 0})]
    assert grading.check_unchanged(honest, variants, probe=lambda r: r, what="f", changed="c", fix="x") == ["a", "a"]
    with pytest.raises(CheckFailed, match="When c, f chose differently"):
        grading.check_unchanged(tuned_on_test, variants, probe=lambda r: r, what="f", changed="c", fix="x")
    with pytest.raises(CheckFailed, match="different results when run twice on the same data"):
        grading.check_unchanged(unseeded, variants, probe=lambda r: r, what="f", changed="c", fix="x")


def test_a_grading_kernel_draws_each_salt_once(monkeypatch):
    from leakkit.grading import _seeds

    monkeypatch.setenv("LEAKKIT_GRADING_SEED", "1")  # ignored once the guard handed over a secret
    monkeypatch.setattr(_seeds, "_SECRET", _seeds._Secret())
    grading._receive_secret("987654321")
    first = grading.fresh_seeds("test_x", 2)
    assert first == grading.fresh_seeds("test_x", 2, secret=987654321)
    with pytest.raises(CheckFailed, match="asked for twice"):
        grading.fresh_seeds("test_x", 2)  # code other than the test drew them
    assert grading.fresh_seeds("test_y") == grading.fresh_seeds("test_y", secret=987654321)
