import numpy as np
import pandas as pd
import pytest
from sklearn.feature_selection import SelectKBest
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression

from leakkit.evaluate import compare_protocols, format_gap, optimism_gap, preprocessing_gap


def test_gap_is_leaky_minus_honest_seed_by_seed():
    r = optimism_gap(lambda s: 0.8 + 0.01 * s, lambda s: 0.5 - 0.01 * s, seeds=[1, 2, 3], name="x")
    np.testing.assert_allclose(r.gaps, [0.32, 0.34, 0.36])
    assert r.gap_mean == pytest.approx(0.34)
    assert r.gap_std == pytest.approx(0.02)
    assert r.seeds == (1, 2, 3)
    assert "gap +0.340 ± 0.020 over 3 seeds, leaky higher on 3" in str(r)
    assert r.n_leaky_ahead == 3
    assert list(r.to_frame().columns) == ["seed", "leaky", "honest", "gap"]


def test_printed_gap_never_shows_a_negative_zero():
    tiny = optimism_gap(lambda s: 0.80000, lambda s: 0.80004, seeds=2, name="scaler")
    # a tiny gap keeps its first significant digit instead of printing "-0.000 ± 0.000"
    assert "0.000 ± 0.000" not in str(tiny) and "gap -0.00004 ± 0.00000 over 2 seeds, leaky higher on 0" in str(tiny)
    same = optimism_gap(lambda s: 0.7, lambda s: 0.7, seeds=4, name="selection, tall")
    assert str(same).endswith("gap 0 on every one of 4 seeds (both protocols scored the same)")
    assert format_gap(-0.0004, 0.0) == "0.000 ± 0.000"
    assert format_gap(-4.4, 1.23456, digits=2) == "-4.40 ± 1.23"


def test_protocols_get_the_same_seeds():
    seen = {"l": [], "h": []}
    optimism_gap(lambda s: seen["l"].append(s) or 0.0, lambda s: seen["h"].append(s) or 0.0, seeds=4)
    assert seen["l"] == seen["h"] == [0, 1, 2, 3]


def test_selection_on_noise_gap_is_large_and_honest_near_chance():
    def noise(seed):
        rng = np.random.default_rng(seed)
        return rng.normal(size=(50, 1000)), rng.permutation([0, 1] * 25)

    r = preprocessing_gap(SelectKBest(k=20), KNeighborsClassifier(1), noise, seeds=4)
    assert r.leaky_mean > 0.85
    assert abs(r.honest_mean - 0.5) < 0.15
    assert r.gap_mean > 0.3


def test_scaler_gap_is_small_on_large_data():
    def data(seed):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(2000, 5))
        return X, (X[:, 0] + rng.normal(size=2000) > 0).astype(int)

    r = preprocessing_gap(StandardScaler(), LogisticRegression(), data, seeds=3)
    assert abs(r.gap_mean) < 0.01


def test_compare_protocols_frame_has_plot_columns():
    df = compare_protocols({"a": (lambda s: 0.9, lambda s: 0.5), "b": (lambda s: 0.6, lambda s: 0.6)}, seeds=3)
    assert list(df.experiment) == ["a", "b"]
    assert {"leaky_mean", "leaky_std", "honest_mean", "honest_std", "gap", "gap_std"} <= set(df.columns)
    assert df.gap.round(6).tolist() == [0.4, 0.0]


@pytest.mark.parametrize("kwargs, err, match", [
    ({"seeds": 0}, ValueError, "seeds"),
    ({"seeds": []}, ValueError, "seeds"),
    ({"seeds": "abc"}, TypeError, "seeds"),
    ({"seeds": [1.5]}, TypeError, "seeds"),
])
def test_bad_seeds(kwargs, err, match):
    with pytest.raises(err, match=match):
        optimism_gap(lambda s: 0.0, lambda s: 0.0, **kwargs)


def test_protocol_must_return_a_finite_number():
    with pytest.raises(TypeError, match="leaky: the protocol must return one number"):
        optimism_gap(lambda s: "0.9", lambda s: 0.5, seeds=1)
    with pytest.raises(ValueError, match="honest"):
        optimism_gap(lambda s: 0.9, lambda s: float("nan"), seeds=1)
    with pytest.raises(TypeError, match="leaky"):
        optimism_gap(0.9, lambda s: 0.5)
    with pytest.raises(ValueError, match="experiments"):
        compare_protocols({})
