"""leakkit.detect (data-only scans for direct leakage) and leakkit._findings.Finding."""
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leakkit.detect._exact  # noqa: F401  (monkeypatched below)
from leakkit import detect
from leakkit._findings import ROWS_CAP, Finding, capped_rows
from leakkit.detect import (
    duplicate_rows,
    duplicates,
    feature_power,
    feature_power_table,
    group_overlap,
    id_columns,
    time_overlap,
    within_duplicates,
)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def churn_frame(n=600, seed=0):
    """A churn table with one planted future field, one honest modest feature and noise."""
    rng = np.random.default_rng(seed)
    churned = rng.integers(0, 2, n)
    return pd.DataFrame({
        "tenure_months": rng.normal(24, 6, n) - 4 * churned,                      # honest, AUC about 0.7
        "noise": rng.normal(size=n),
        "plan": rng.choice(["basic", "plus", "pro"], n),                          # honest-looking, unrelated
        "account_closed_days": np.where(churned == 1, rng.integers(1, 90, n), np.nan),  # the leak
        "churned": churned,
    })


# --------------------------------------------------------------------------- Finding


class TestFinding:
    def test_to_dict_is_plain_json_and_converts_numpy(self):
        f = Finding("x", "warn", "m", columns=("a",), rows=(np.int64(3), 4),
                    evidence={"score": np.float64(0.5), "n": np.int32(2), "nan": float("nan"),
                              "arr": np.array([1, 2]), "nested": {"ok": np.bool_(True)}, 7: "int key"})
        d = f.to_dict()
        assert json.loads(json.dumps(d, allow_nan=False)) == d
        assert d["rows"] == [3, 4] and type(d["rows"][0]) is int
        assert d["evidence"] == {"score": 0.5, "n": 2, "nan": None, "arr": [1, 2], "nested": {"ok": True},
                                 "7": "int key"}

    def test_bad_fields_raise_naming_the_field(self):
        with pytest.raises(ValueError, match="severity"):
            Finding("x", "error", "m")
        with pytest.raises(TypeError, match="message"):
            Finding("x", "fail", "")
        with pytest.raises(TypeError, match="columns"):
            Finding("x", "fail", "m", columns="abc")
        with pytest.raises(TypeError, match="rows"):
            Finding("x", "fail", "m", rows=(1.5,))
        with pytest.raises(TypeError, match=r"evidence\['when'\]"):
            Finding("x", "fail", "m", evidence={"when": object()})

    def test_frozen_hashable_and_printable(self):
        f = Finding("dup", "fail", "copies", rows=[1, 2])
        assert f.rows == (1, 2)
        with pytest.raises(AttributeError):
            f.severity = "info"
        assert len({f, Finding("dup", "fail", "copies", rows=(1, 2))}) == 1
        assert str(f) == "[FAIL] dup: copies"

    def test_capped_rows(self):
        assert capped_rows(np.arange(ROWS_CAP + 50)) == tuple(range(ROWS_CAP))
        assert capped_rows([np.int64(5)]) == (5,)


# --------------------------------------------------------------------------- feature power


class TestFeaturePower:
    def test_planted_leak_found_and_honest_columns_silent(self):
        df = churn_frame()
        findings = feature_power(df, "churned")
        assert [f.columns for f in findings] == [("account_closed_days",)]
        f = findings[0]
        assert f.check == "feature_power" and f.severity == "fail"
        assert "`account_closed_days` alone predicts `churned` with ROC AUC" in f.message
        assert "prediction time" in f.message
        assert f.evidence["score"] >= 0.99 and f.evidence["metric"] == "roc_auc"
        # Only the gaps carry the signal here (values among churners are random): said so.
        assert f.evidence["missing_score"] >= 0.99 and "missing" in f.message

    def test_table_is_sorted_and_honest_signal_is_moderate(self):
        df = churn_frame()
        table = feature_power_table(df, "churned")
        assert list(table.columns) == ["column", "score", "metric"]
        assert "churned" not in set(table["column"])
        assert table["score"].is_monotonic_decreasing
        scores = dict(zip(table["column"], table["score"]))
        assert scores["account_closed_days"] > 0.99
        assert 0.6 < scores["tenure_months"] < 0.9
        assert scores["noise"] < 0.62 and scores["plan"] < 0.62

    def test_missingness_alone_is_a_signal(self):
        rng = np.random.default_rng(1)
        y = rng.integers(0, 2, 800)
        # Values are pure noise; only *whether* the field is filled tells the outcome.
        df = pd.DataFrame({"refund_amount": np.where(y == 1, rng.normal(size=800), np.nan)})
        [f] = feature_power(df, y)
        assert f.evidence["missing_fraction"] == pytest.approx((y == 0).mean(), abs=1e-3)
        assert "Whether it is missing already predicts" in f.message

    def test_categorical_leak_and_unique_text_column(self):
        rng = np.random.default_rng(2)
        y = rng.integers(0, 2, 600)
        df = pd.DataFrame({
            "closure_reason": np.where(y == 1, rng.choice(["price", "moved", "service"], 600), "none"),
            "email": [f"user{i}@example.com" for i in range(600)],   # unique text: no signal out of fold
            "region": rng.choice(list("ABCDEFG"), 600),
        })
        scores = dict(zip(*feature_power_table(df, y)[["column", "score"]].to_numpy().T))
        assert scores["closure_reason"] > 0.99
        assert scores["email"] < 0.6 and scores["region"] < 0.62
        assert [f.columns[0] for f in feature_power(df, y)] == ["closure_reason"]

    def test_inverse_predictor_counts(self):
        rng = np.random.default_rng(3)
        y = rng.integers(0, 2, 400)
        df = pd.DataFrame({"days_to_cancel": np.where(y == 1, 1.0, 50.0) + rng.random(400)})
        assert feature_power_table(df, y)["score"].iloc[0] > 0.99

    def test_multiclass_uses_macro_ovr_auc(self):
        rng = np.random.default_rng(4)
        y = rng.choice(["low", "mid", "high"], 900)
        codes = pd.Series(y).map({"low": 0, "mid": 1, "high": 2}).to_numpy()
        df = pd.DataFrame({"final_grade": codes * 10 + rng.random(900), "noise": rng.normal(size=900)})
        table = feature_power_table(df, y)
        assert set(table["metric"]) == {"roc_auc_ovr_macro"}
        assert table.iloc[0]["column"] == "final_grade" and table.iloc[0]["score"] > 0.99
        assert table.iloc[1]["score"] < 0.62
        [f] = feature_power(df, y)
        assert "macro one-vs-rest" in f.message and f.evidence["metric"] == "roc_auc_ovr_macro"

    def test_regression_uses_out_of_fold_r2(self):
        rng = np.random.default_rng(5)
        y = rng.normal(100, 20, 800)
        df = pd.DataFrame({"invoice_total": y + rng.normal(0, 1, 800), "noise": rng.normal(size=800),
                           "honest": y / 20 + rng.normal(0, 1.5, 800)})
        table = feature_power_table(df, y)
        assert set(table["metric"]) == {"r2"}
        scores = dict(zip(table["column"], table["score"]))
        assert scores["invoice_total"] > 0.95
        assert scores["noise"] < 0.05
        assert 0.1 < scores["honest"] < 0.8
        [f] = feature_power(df, y)
        assert f.columns == ("invoice_total",) and "R²" in f.message

    def test_task_auto_and_explicit(self):
        rng = np.random.default_rng(6)
        n = 300
        df = pd.DataFrame({"x": rng.normal(size=n)})
        assert feature_power_table(df, rng.integers(0, 3, n))["metric"][0] == "roc_auc_ovr_macro"
        assert feature_power_table(df, rng.integers(0, 1000, n))["metric"][0] == "r2"
        assert feature_power_table(df, rng.normal(size=n))["metric"][0] == "r2"
        assert feature_power_table(df, rng.integers(0, 2, n).astype(bool))["metric"][0] == "roc_auc"
        assert feature_power_table(df, rng.integers(0, 1000, n), task="regression")["metric"][0] == "r2"

    def test_dates_and_booleans_are_scored(self):
        rng = np.random.default_rng(7)
        y = rng.integers(0, 2, 500)
        start = pd.Timestamp("2024-01-01")
        df = pd.DataFrame({
            "cancelled_on": start + pd.to_timedelta(np.where(y == 1, 200, 0) + rng.integers(0, 100, 500), unit="D"),
            "is_closed": y.astype(bool),
            "signup": start + pd.to_timedelta(rng.integers(0, 300, 500), unit="D"),
        })
        df.loc[rng.choice(500, 20, replace=False), "cancelled_on"] = pd.NaT
        flagged = {f.columns[0] for f in feature_power(df, y)}
        assert flagged == {"cancelled_on", "is_closed"}

    def test_numpy_inputs_name_columns_x0(self):
        rng = np.random.default_rng(8)
        y = rng.integers(0, 2, 400)
        X = np.column_stack([rng.normal(size=400), y + 0.01 * rng.random(400)])
        [f] = feature_power(X, y)
        assert f.columns == ("x1",) and "the target" in f.message
        assert feature_power(X, pd.Series(y, name="label"))[0].message.count("`label`") == 1

    def test_subsampling_is_stratified_seeded_and_keeps_rare_classes(self):
        rng = np.random.default_rng(9)
        n = 5000
        y = np.where(rng.random(n) < 0.01, 1, 0)
        df = pd.DataFrame({"leak": y + 0.1 * rng.random(n), "noise": rng.normal(size=n)})
        a = feature_power(df, y, max_rows=1000, random_state=3)
        b = feature_power(df, y, max_rows=1000, random_state=3)
        assert a == b
        [f] = a
        assert f.columns == ("leak",)
        assert 1000 <= f.evidence["n_rows_scored"] <= 1010 and f.evidence["n_rows_total"] == n
        t1 = feature_power_table(df, y, max_rows=1000, random_state=1)
        t2 = feature_power_table(df, y, max_rows=1000, random_state=2)
        assert not t1["score"].equals(t2["score"])  # a different subsample and folds

    def test_threshold_is_respected(self):
        df = churn_frame()
        found = {f.columns[0] for f in feature_power(df, "churned", threshold=0.6)}
        assert found == {"account_closed_days", "tenure_months"}
        assert feature_power(df, "churned", columns=["noise", "plan"], threshold=0.9) == []

    @FAST
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(200, 600), kind=st.sampled_from(["float", "int", "text"]))
    def test_independent_column_stays_below_threshold(self, seed, n, kind):
        rng = np.random.default_rng(seed)
        y = rng.integers(0, 2, n)
        if kind == "float":
            x = rng.normal(size=n)
        elif kind == "int":
            x = rng.integers(0, 10, n)
        else:
            x = rng.choice(["a", "b", "c", "d", "e"], n)
        table = feature_power_table(pd.DataFrame({"x": x}), y, random_state=seed % 1000)
        assert table["score"].iloc[0] < 0.75
        assert feature_power(pd.DataFrame({"x": x}), y) == []


class TestFeaturePowerErrors:
    def test_bad_inputs_name_the_argument(self):
        df = churn_frame(n=100)
        with pytest.raises(ValueError, match="target: column.*'nope'"):
            feature_power(df, "nope")
        with pytest.raises(ValueError, match="columns: column.*'nope'"):
            feature_power(df, "churned", columns=["nope"])
        with pytest.raises(ValueError, match="columns: contains the target"):
            feature_power(df, "churned", columns=["noise", "churned"])
        with pytest.raises(ValueError, match="target: .*one distinct value"):
            feature_power(df, np.zeros(len(df)))
        with pytest.raises(ValueError, match="target: .*missing"):
            feature_power(df.drop(columns="churned"), np.r_[np.nan, np.ones(99)])
        with pytest.raises(ValueError, match="data and target: lengths differ"):
            feature_power(df, np.r_[0, 1, 0])
        with pytest.raises(TypeError, match="data: expected a pandas DataFrame"):
            feature_power(df.to_numpy().tolist(), "churned")
        with pytest.raises(ValueError, match="data: the DataFrame is empty"):
            feature_power(df.iloc[:0], "churned")
        with pytest.raises(ValueError, match="threshold: must be between"):
            feature_power(df, "churned", threshold=1.5)
        with pytest.raises(ValueError, match="cv: must be at least 2"):
            feature_power(df, "churned", cv=1)
        with pytest.raises(ValueError, match="task: expected one of"):
            feature_power(df, "churned", task="ranking")
        with pytest.raises(TypeError, match="target: task='regression' needs a numeric target"):
            feature_power_table(df[["noise"]], np.array(["a", "b"] * 50), task="regression")
        with pytest.raises(ValueError, match="data: .*too few for cv=5"):
            feature_power(df.iloc[:6], df["churned"].iloc[:6].to_numpy())
        with pytest.raises(ValueError, match="data: expected a 2-D array"):
            feature_power(np.zeros(10), np.r_[0, 1] .repeat(5))
        with pytest.raises(TypeError, match="random_state"):
            feature_power(df, "churned", random_state="seed")


# --------------------------------------------------------------------------- ID columns


class TestIdColumns:
    def test_id_that_encodes_the_target_is_flagged_and_honest_ids_are_silent(self):
        rng = np.random.default_rng(0)
        n = 800
        y = rng.integers(0, 2, n)
        # Churned accounts were re-numbered into a new range: the leak.
        account_id = np.where(y == 1, 500_000, 100_000) + rng.permutation(n)
        df = pd.DataFrame({
            "account_id": account_id,
            "ticket_key": [f"T{i:06d}" for i in rng.permutation(n)],   # honest: random order
            "uuid": [f"{v:032x}" for v in rng.integers(0, 2**62, n)],  # honest: random hex
            "spend": rng.normal(size=n) + y,                            # a measurement, not an ID
            "churned": y,
        })
        findings = id_columns(df, "churned")
        assert [f.columns for f in findings] == [("account_id",)]
        f = findings[0]
        assert f.check == "id_column" and f.severity == "fail" and f.evidence["score"] > 0.95
        assert "looks like an identifier" in f.message and "Drop `account_id`" in f.message
        assert "its name looks like an identifier" in f.evidence["reasons"]

    def test_text_ids_are_ordered_by_the_number_inside(self):
        n = 600
        y = np.repeat([0, 1], n // 2)
        # Not zero-padded: alphabetical order would put C10 before C9; the number inside is used.
        df = pd.DataFrame({"customer": [f"C{i}" for i in range(n)], "x": np.zeros(n)})
        [f] = id_columns(df, y)
        assert f.columns == ("customer",) and f.evidence["encoding"] == "digits"
        assert f.evidence["unique_fraction"] == 1.0

    def test_counter_with_repeats_found_by_name_or_row_order(self):
        rng = np.random.default_rng(1)
        n = 1000
        y = np.repeat([0, 1], n // 2)
        batch_no = np.repeat(np.arange(n // 2), 2)       # 50 % unique, counts up with rows
        df = pd.DataFrame({"batch_no": batch_no, "score": rng.normal(size=n)})
        [f] = id_columns(df, y)
        assert f.columns == ("batch_no",)
        assert "it rises or falls with the row order, like a counter" in f.evidence["reasons"]
        assert f.evidence["row_order_spearman"] > 0.99

    def test_threshold_and_non_id_columns(self):
        rng = np.random.default_rng(2)
        n = 600
        y = rng.integers(0, 2, n)
        weak = np.argsort(np.argsort(y + rng.normal(0, 1.2, n)))  # an ID with a weak trend
        df = pd.DataFrame({"order_id": weak, "price": rng.random(n) + 2 * y})
        assert id_columns(df, y) == []                        # below 0.75, and price is no ID
        assert [f.columns for f in id_columns(df, y, threshold=0.55)] == [("order_id",)]

    def test_bad_inputs(self):
        df = pd.DataFrame({"id": range(20), "y": [0, 1] * 10})
        with pytest.raises(ValueError, match="unique_fraction"):
            id_columns(df, "y", unique_fraction=2)
        with pytest.raises(ValueError, match="target: column"):
            id_columns(df, "label")


# --------------------------------------------------------------------------- duplicates


def brute_force_pairs(train, test, cols):
    """All (train_row, test_row) position pairs with equal values, via pandas merge."""
    a = train[cols].reset_index(drop=True).rename_axis("train_row").reset_index()
    b = test[cols].reset_index(drop=True).rename_axis("test_row").reset_index()
    m = a.merge(b, on=cols, how="inner")
    return sorted(zip(m["train_row"], m["test_row"]))


def frame_with_copies(seed=0, n_train=300, n_test=120, n_copies=15):
    rng = np.random.default_rng(seed)
    train = pd.DataFrame({"amount": rng.normal(size=n_train).round(3), "city": rng.choice(["Oslo", "Rome", "Lima"], n_train),
                          "visits": rng.integers(0, 1000, n_train)})
    test = pd.DataFrame({"amount": rng.normal(size=n_test).round(3), "city": rng.choice(["Oslo", "Rome", "Lima"], n_test),
                         "visits": rng.integers(0, 1000, n_test)})
    where = rng.choice(n_test, n_copies, replace=False)
    src = rng.choice(n_train, n_copies, replace=False)
    test.iloc[where] = train.iloc[src].to_numpy()
    test["visits"] = test["visits"].astype(int)
    return train, test, np.sort(where)


class TestDuplicates:
    def test_planted_copies_found(self):
        train, test, where = frame_with_copies()
        [f] = duplicates(train, test)
        assert f.check == "duplicates" and f.severity == "fail"
        assert f.rows == tuple(where)
        assert f.evidence["n_rows"] == 15 and f.evidence["fraction"] == pytest.approx(15 / 120)
        assert f.columns == ("amount", "city", "visits")
        assert "15 of 120 test rows" in f.message and "drop duplicates before splitting" in f.message
        pairs = duplicate_rows(train, test)
        assert list(pairs.columns) == ["train_row", "test_row"]
        assert sorted(zip(pairs.train_row, pairs.test_row)) == brute_force_pairs(train, test, list(train.columns))
        assert pairs.attrs["n_test_rows_with_copy"] == 15 and pairs.attrs["n_pairs"] == len(pairs)

    def test_clean_frames_are_silent(self):
        rng = np.random.default_rng(0)
        train = pd.DataFrame(rng.normal(size=(200, 4)))
        test = pd.DataFrame(rng.normal(size=(50, 4)))
        assert duplicates(train, test) == []
        assert len(duplicate_rows(train, test)) == 0

    def test_numpy_inputs_and_column_order(self):
        train, test, where = frame_with_copies(seed=1)
        num_train = train[["amount", "visits"]].to_numpy()
        num_test = test[["amount", "visits"]].to_numpy()
        [f] = duplicates(num_train, num_test)
        assert f.columns == ("x0", "x1") and set(where) <= set(f.rows)
        # Same columns in another order compare by name.
        [g] = duplicates(train, test[["visits", "city", "amount"]])
        assert g.rows == tuple(where)

    def test_int_and_float_columns_holding_equal_numbers_match(self):
        train = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
        test = pd.DataFrame({"a": [2.0, np.nan, 3.5], "b": ["y", "y", "z"]})
        [f] = duplicates(train, test)
        assert f.rows == (0,)

    def test_bool_column_with_a_gap_matches_a_gap_free_one(self):
        # A gap turns a bool column into object (or "boolean") dtype on one side only.
        train = pd.DataFrame({"flag": [True, False], "n": [1, 2]})
        for flags in ([True, None], pd.array([True, None], dtype="boolean")):
            test = pd.DataFrame({"flag": flags, "n": [1, 2]})
            assert duplicate_rows(train, test).to_dict("list") == {"train_row": [0], "test_row": [0]}

    def test_missing_values_equal_each_other(self):
        train = pd.DataFrame({"a": [1.0, np.nan], "b": ["x", None]})
        test = pd.DataFrame({"a": [np.nan, np.nan], "b": [None, "x"]})
        assert duplicate_rows(train, test).to_dict("list") == {"train_row": [1], "test_row": [0]}

    def test_near_duplicates(self):
        train = pd.DataFrame({"name": ["Ann Lee", "Bo Diaz"], "score": [0.123456789, 5.0]})
        test = pd.DataFrame({"name": ["  ann LEE ", "bo diaz"], "score": [0.1234568, 5.0]})
        assert duplicates(train, test) == []
        assert duplicates(train, test, normalize_text=True)[0].rows == (1,)
        [f] = duplicates(train, test, decimals=6, normalize_text=True)
        assert f.rows == (0, 1) and f.evidence["decimals"] == 6
        assert "rounding floats to 6 decimals and normalising text" in f.message
        assert duplicates(train, test, decimals=9, normalize_text=True)[0].rows == (1,)
        # normalize_text has one meaning in leakkit: leakkit.llm.normalize_text (punctuation too)
        assert duplicates(pd.DataFrame({"t": ["St. Mary's"]}), pd.DataFrame({"t": ["st marys"]}),
                          normalize_text=True) == []
        assert duplicates(pd.DataFrame({"t": ["St. Mary-Ann"]}), pd.DataFrame({"t": ["st mary ann"]}),
                          normalize_text=True)[0].rows == (0,)

    def test_columns_subset_and_mismatched_columns(self):
        train, test, where = frame_with_copies(seed=2)
        train["id"] = np.arange(len(train))
        test["id"] = np.arange(len(test)) + 10_000   # the copies got new IDs
        assert duplicates(train, test) == []
        [f] = duplicates(train, test, columns=["amount", "city", "visits"])
        assert f.rows == tuple(where)
        with pytest.raises(ValueError, match="train and test: their columns differ.*'extra'"):
            duplicates(train.assign(extra=1), test)
        with pytest.raises(ValueError, match="columns: column.*'nope'.*not found in train"):
            duplicates(train, test, columns=["nope"])
        with pytest.raises(ValueError, match="columns: column.*'id2'.*not found in test"):
            duplicates(train.assign(id2=1), test, columns=["id2"])

    def test_small_share_is_a_warning(self):
        rng = np.random.default_rng(3)
        train = pd.DataFrame(rng.normal(size=(500, 3)))
        test = pd.DataFrame(rng.normal(size=(1000, 3)))
        test.iloc[7] = train.iloc[0].to_numpy()
        [f] = duplicates(train, test)
        assert f.severity == "warn" and f.rows == (7,)
        assert duplicates(train, test, fail_fraction=0.001)[0].severity == "fail"

    def test_many_copies_of_one_row_count_every_pair(self):
        train = pd.DataFrame({"a": [1, 1, 1, 2, 2, 2]})
        test = pd.DataFrame({"a": [1, 1, 3]})
        pairs = duplicate_rows(train, test)
        assert len(pairs) == 6 and pairs.attrs["n_train_rows_with_copy"] == 3
        [f] = duplicates(train, test)
        assert f.evidence["n_rows"] == 2 and f.evidence["n_pairs"] == 6
        assert f.evidence["n_rows_distinctive"] == 2 and f.severity == "fail"  # value 1 only in those copies

    def test_copies_made_of_common_values_only_warn(self):
        # Coarse measurements (iris-like): a test row equal to a training row whose every value
        # also occurs in other training rows may be a genuine repeat, not a copied record.
        rng = np.random.default_rng(0)
        train = pd.DataFrame({"a": rng.integers(0, 5, 200) / 10, "b": rng.integers(0, 5, 200) / 10})
        test = pd.DataFrame({"a": [train.a[0], 9.9], "b": [train.b[0], 9.9]})
        [f] = duplicates(train, test)
        assert f.severity == "warn" and f.evidence["n_rows_distinctive"] == 0
        assert "genuine repeats" in f.message
        # a continuous column makes the same copy distinctive: established
        train["c"], test["c"] = rng.normal(size=200), [train.c[0] if "c" in train else 0.0, 1.0]
        test.loc[0, "c"] = train.loc[0, "c"]
        [g] = duplicates(train, test)
        assert g.severity == "fail" and g.evidence["n_rows_distinctive"] == 1

    def test_rows_are_capped_but_counted(self):
        train = pd.DataFrame({"a": np.arange(3000)})
        test = pd.DataFrame({"a": np.arange(2500)})
        [f] = duplicates(train, test)
        assert len(f.rows) == ROWS_CAP and f.evidence["n_rows"] == 2500

    @pytest.mark.parametrize("fake", ["constant", "parity"])
    def test_hash_collisions_are_rejected_by_comparing_values(self, monkeypatch, fake):
        train, test, where = frame_with_copies(seed=4, n_train=80, n_test=40, n_copies=6)
        test.iloc[1] = train.iloc[5].to_numpy()     # a copy whose train row repeats below
        train.iloc[9] = train.iloc[5].to_numpy()
        test["visits"] = test["visits"].astype(int)
        train["visits"] = train["visits"].astype(int)
        expected = brute_force_pairs(train, test, list(train.columns))

        def colliding(X, *, decimals=None, normalize_text=False):
            v = np.asarray(X.iloc[:, 2] if isinstance(X, pd.DataFrame) else X[:, 2], dtype=np.int64)
            return (np.zeros(len(v)) if fake == "constant" else v % 2).astype(np.uint64)

        monkeypatch.setattr(detect._exact, "row_fingerprints", colliding)

        def alike(a, b, decimals, normalize_text):  # every row a candidate, fingerprints colliding
            return np.arange(len(a)), colliding(a), np.arange(len(b)), colliding(b)

        monkeypatch.setattr(detect._exact, "_alike_rows", alike)
        pairs = duplicate_rows(train, test)
        assert sorted(zip(pairs.train_row, pairs.test_row)) == expected
        [f] = duplicates(train, test)
        assert f.evidence["n_rows"] == len({t for _, t in expected})
        assert f.evidence["collisions_rejected"] > 0
        [w] = within_duplicates(train)
        assert w.rows == (9,)

    def test_within_duplicates(self):
        df = pd.DataFrame({"a": [1, 2, 1, 1, 3], "b": ["x", "y", "x", "X ", "z"]})
        [f] = within_duplicates(df)
        assert f.check == "within_duplicates" and f.rows == (2,) and f.severity == "warn"
        assert within_duplicates(df, normalize_text=True)[0].rows == (2, 3)
        assert within_duplicates(df, columns=["b"])[0].rows == (2,)
        assert within_duplicates(df.iloc[[0, 1, 4]]) == []

    def test_bad_inputs(self):
        df = pd.DataFrame({"a": [1.0, 2.0]})
        with pytest.raises(TypeError, match="train: expected a pandas DataFrame"):
            duplicates([[1.0]], df)
        with pytest.raises(ValueError, match="test: the DataFrame is empty"):
            duplicates(df, df.iloc[:0])
        with pytest.raises(TypeError, match="decimals: expected an int"):
            duplicates(df, df, decimals=0.5)
        with pytest.raises(TypeError, match="normalize_text: expected True or False"):
            duplicates(df, df, normalize_text="yes")
        with pytest.raises(TypeError, match="near"):  # rounding shorthand removed: see near_duplicates
            duplicate_rows(df, df, near=True)
        with pytest.raises(ValueError, match="decimals: must be at least 0"):
            duplicates(df, df, decimals=-1)
        with pytest.raises(ValueError, match="fail_fraction"):
            duplicates(df, df, fail_fraction=-0.1)
        with pytest.raises(ValueError, match="train: column name.*'a'.*more than once"):
            duplicates(pd.DataFrame([[1, 2]], columns=["a", "a"]), df)

    @FAST
    @given(data=st.data())
    def test_pairs_match_a_brute_force_merge(self, data):
        seed = data.draw(st.integers(0, 2**32 - 1))
        n_train = data.draw(st.integers(1, 40))
        n_test = data.draw(st.integers(1, 40))
        rng = np.random.default_rng(seed)

        def frame(n):
            return pd.DataFrame({
                "i": rng.integers(0, 3, n),
                "f": rng.choice([0.5, 1.0, -0.0, np.nan], n),
                "s": rng.choice(["a", "b"], n),
            })

        train, test = frame(n_train), frame(n_test)
        k = data.draw(st.integers(0, min(n_train, n_test)))
        if k:
            test.iloc[rng.choice(n_test, k, replace=False)] = train.iloc[rng.choice(n_train, k, replace=False)].to_numpy()
            test["i"] = test["i"].astype(int)
            test["f"] = test["f"].astype(float)
        if data.draw(st.booleans()):
            test["i"] = test["i"].astype(float)   # int on one side, float on the other
        cols = ["i", "f", "s"]
        expected = brute_force_pairs(train, test, cols)
        pairs = duplicate_rows(train, test)
        assert sorted(zip(pairs.train_row, pairs.test_row)) == expected
        found = duplicates(train, test)
        n_expected = len({t for _, t in expected})
        assert (found[0].evidence["n_rows"] if found else 0) == n_expected
        w = within_duplicates(train)
        n_repeats = int(train.duplicated().sum())
        assert (w[0].evidence["n_rows"] if w else 0) == n_repeats


# --------------------------------------------------------------------------- time and groups


def dated(n, seed, start="2023-01-01", days=365):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"date": pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D"),
                         "store": rng.choice([f"s{i}" for i in range(30)], n), "sales": rng.normal(size=n)})


class TestTimeOverlap:
    def test_random_split_overlaps_time_split_does_not(self):
        df = dated(400, 0)
        shuffled = df.sample(frac=1.0, random_state=0)
        train, test = shuffled.iloc[:300], shuffled.iloc[300:]
        [f] = time_overlap(train, test, "date")
        expected = int((test["date"] < train["date"].max()).sum())
        assert f.evidence["n_rows"] == expected and expected > 80
        assert f.severity == "warn" and f.code == "LK206" and f.columns == ("date",)  # likely, not proven
        assert f.rows == tuple(np.flatnonzero((test["date"] < train["date"].max()).to_numpy()))
        assert f.evidence["train_max"] == train["date"].max().isoformat()
        assert "dated before the latest training row" in f.message and "TimeSeriesSplit" in f.message
        ordered = df.sort_values("date")
        assert time_overlap(ordered.iloc[:300], ordered.iloc[300:], "date") == []

    def test_numeric_time_and_a_small_overlap(self):
        train = pd.DataFrame({"day": np.arange(100)})
        test = pd.DataFrame({"day": np.r_[50, np.arange(100, 300)]})
        [f] = time_overlap(train, test, "day")
        assert f.severity == "info" and f.rows == (0,) and f.evidence["n_train_rows_after_test_start"] == 49
        assert time_overlap(train, test, "day", warn_fraction=0.001)[0].severity == "warn"

    def test_bad_inputs(self):
        train = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-02-01"]), "s": ["a", "b"]})
        with pytest.raises(TypeError, match="time_column: .*'s' of train.*pd.to_datetime"):
            time_overlap(train, train, "s")
        with pytest.raises(ValueError, match="time_column: column.*'when'.*not found in train"):
            time_overlap(train, train, "when")
        with pytest.raises(ValueError, match="test: column 'd' has 1 missing"):
            time_overlap(train, train.assign(d=[pd.NaT, pd.Timestamp("2024-01-01")]), "d")
        with pytest.raises(TypeError, match="time_column: .*in train but.*in test"):
            time_overlap(train, train.assign(d=[1, 2]), "d")
        with pytest.raises(TypeError, match="time_column: .*in train but.*in test"):
            time_overlap(train, train.assign(d=train["d"].dt.tz_localize("UTC")), "d")


class TestGroupOverlap:
    def test_shared_groups_counted(self):
        train = pd.DataFrame({"patient": ["p1", "p1", "p2", "p3", "p3"]})
        test = pd.DataFrame({"patient": ["p3", "p4", "p1", "p5"]})
        [f] = group_overlap(train, test, "patient")
        ev = f.evidence
        assert (ev["n_shared_groups"], ev["n_test_groups"], ev["n_train_groups"]) == (2, 4, 3)
        assert ev["n_rows"] == 2 and ev["n_train_rows_in_shared_groups"] == 4 and f.rows == (0, 2)
        assert sorted(ev["example_groups"]) == ["p1", "p3"]
        assert "2 of 4 `patient` groups in test also appear in train" in f.message and "GroupKFold" in f.message

    def test_group_split_is_silent_and_numeric_groups_work(self):
        train = pd.DataFrame({"g": [1, 2, 3]})
        assert group_overlap(train, pd.DataFrame({"g": [4, 5]}), "g") == []
        [f] = group_overlap(train, pd.DataFrame({"g": [3.0, 7.0]}), "g")
        assert f.evidence["example_groups"] == [3.0]

    def test_bad_inputs(self):
        df = pd.DataFrame({"g": ["a", None]})
        with pytest.raises(ValueError, match="train: column 'g' has 1 missing"):
            group_overlap(df, df.dropna(), "g")
        with pytest.raises(ValueError, match="group_column: column.*'patient'"):
            group_overlap(df.dropna(), df.dropna(), "patient")
        with pytest.raises(TypeError, match="group_column: expected a column name"):
            group_overlap(df.dropna(), df.dropna(), ["g"])


@FAST
@given(seed=st.integers(0, 2**32 - 1))
def test_permuting_rows_does_not_change_overlap_counts(seed):
    rng = np.random.default_rng(seed)
    df = dated(120, seed)
    df["sales"] = df["sales"].round(0)
    cut = int(rng.integers(20, 100))
    train, test = df.iloc[:cut], df.iloc[cut:]
    p_train = train.sample(frac=1.0, random_state=int(rng.integers(1000)))
    p_test = test.sample(frac=1.0, random_state=int(rng.integers(1000)))

    def counts(a, b):
        out = []
        for found in (duplicates(a, b), time_overlap(a, b, "date"), group_overlap(a, b, "store")):
            out.append(found[0].evidence["n_rows"] if found else 0)
        out.append(len(duplicate_rows(a, b)))
        return out

    assert counts(train, test) == counts(p_train, p_test)


# ---------------------------------------------------------------- future_information
def _series(n=500, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = pd.Series(10 + np.sin(2 * np.pi * t / 7) + 0.01 * t + rng.normal(size=n)).rolling(2, min_periods=1).mean()
    promo = (rng.random(n) < 0.2).astype(float)
    y = y + 2 * promo
    return pd.DataFrame({"day": t, "y": y, "promo": promo, "dow": t % 7,
                         "lag_7": y.shift(7).bfill(), "trail_7": y.shift(1).rolling(7, min_periods=1).mean().bfill()})


def test_future_information_flags_look_ahead_aggregates_only():
    from leakkit.detect import future_information

    df = _series()
    assert future_information(df, "y", "day") == []  # lags, trailing means, drivers, calendar: honest
    df["centred"] = df["y"].rolling(7, center=True, min_periods=1).mean()
    df["next_3"] = df["y"].shift(-1).rolling(3, min_periods=1).mean().ffill()
    df["label_shifted"] = df["y"].shift(-1).ffill()
    found = {f.columns[0]: f for f in future_information(df, "y", "day")}
    assert set(found) == {"centred", "next_3", "label_shifted"}
    assert found["centred"].evidence["r2_with_future"] > 0.99 > found["centred"].evidence["r2_past"]


def test_future_information_is_order_invariant_and_validates():
    from leakkit.detect import future_information

    df = _series(seed=1)
    df["centred"] = df["y"].rolling(5, center=True, min_periods=1).mean()
    shuffled = df.sample(frac=1.0, random_state=0)
    assert [f.columns for f in future_information(shuffled, "y", "day")] == [("centred",)]
    with pytest.raises(ValueError, match="time_column: 'promo' has repeated values"):
        future_information(df, "y", "promo")
    with pytest.raises(ValueError, match="too few"):
        future_information(df.head(30), "y", "day")
    with pytest.raises(ValueError, match="time_column"):
        future_information(df, "y", "nope")


# --------------------------------------------------------------------------- near copies


class TestNearDuplicates:
    def planted(self, seed=0, n=3000, d=6):
        rng = np.random.default_rng(seed)
        cols = [f"m{i}" for i in range(d)]
        train = pd.DataFrame(rng.gamma(3.0, 10.0, (n, d)), columns=cols)
        train["city"] = rng.choice(["Lyon", "Paris", "Nice"], n)
        test = pd.DataFrame(rng.gamma(3.0, 10.0, (n // 4, d)), columns=cols)
        test["city"] = rng.choice(["Lyon", "Paris", "Nice"], n // 4)
        src = train.sample(60, random_state=seed).reset_index(drop=True)
        noisy = src.iloc[:20].copy()
        noisy[cols] = noisy[cols] * (1 + rng.normal(0, 0.001, (20, d)))   # 0.1 % noise
        rounded = src.iloc[20:40].copy()
        rounded[cols] = rounded[cols].round(3)
        retyped = src.iloc[40:].copy()
        retyped["city"] = [" " + c.upper() + "  " for c in retyped["city"]]
        where = rng.choice(len(test), 60, replace=False)
        test.iloc[where] = pd.concat([noisy, rounded, retyped]).to_numpy()
        test[cols] = test[cols].astype(float)
        return train, test, set(where.tolist())

    def test_noisy_rounded_and_retyped_copies_are_found_and_nothing_else(self):
        train, test, planted = self.planted()
        pairs = detect.near_duplicate_rows(train, test)
        assert set(pairs["test_row"]) == planted
        [f] = detect.near_duplicates(train, test)
        assert f.code == "LK205" and f.severity == "fail" and f.evidence["n_rows"] == 60
        # rounding finds only what its rounding happens to reach: not a similarity measure
        rounded = set(duplicate_rows(train, test, decimals=3, normalize_text=True)["test_row"])
        assert rounded < planted and len(rounded) <= 40

    def test_exact_copies_are_left_to_duplicates(self):
        train, test, planted = self.planted(seed=1)
        test.iloc[0] = train.iloc[7].to_numpy()
        [f] = detect.near_duplicates(train, test)
        assert 0 not in f.rows and f.evidence["n_rows"] == len(planted - {0})

    @pytest.mark.parametrize("d", [1, 2, 4, 8])
    def test_clean_continuous_data_of_any_dimension_does_not_fail(self, d):
        rng = np.random.default_rng(d)
        train, test = pd.DataFrame(rng.normal(size=(8000, d))), pd.DataFrame(rng.normal(size=(2000, d)))
        assert not [f for f in detect.near_duplicates(train, test) if f.severity == "fail"]

    def test_bad_inputs(self):
        df = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
        with pytest.raises(ValueError, match="tolerance: must be between"):
            detect.near_duplicates(df, df, tolerance=2)
        with pytest.raises(TypeError, match="random_state: got None"):
            detect.near_duplicates(df, df, random_state=None)
        with pytest.raises(ValueError, match="n_grids: must be at least 1"):
            detect.near_duplicates(df, df, n_grids=0)
