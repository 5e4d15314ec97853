"""leakkit.plot: the course's figures (Agg backend, every figure closed after its test)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from sklearn.model_selection import KFold, TimeSeriesSplit  # noqa: E402

from leakkit.plot import (  # noqa: E402
    COLORS,
    STYLE,
    distribution_comparison,
    fold_diagram,
    gap_vs_configs,
    score_bars,
    score_gap,
    score_over_time,
    score_strips,
    scores_over_time,
    use_style,
)

LEAKY, HONEST = COLORS["leaky"].lower(), COLORS["honest"].lower()


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


def _bar_colors(ax):
    return [to_hex(p.get_facecolor()) for p in ax.patches]


def _covered(ax, band, category):
    """Row positions drawn in ``category`` for the band labelled ``band``."""
    out = set()
    for coll in ax.collections:
        if coll.get_gid() == band and coll.get_label().lstrip("_") == category:
            for path in coll.get_paths():
                xs = path.vertices[:, 0]
                out |= set(range(int(round(xs.min())), int(round(xs.max()))))
    return out


def _colors_of(ax, band, category):
    return {to_hex(c) for coll in ax.collections if coll.get_gid() == band and coll.get_label().lstrip("_") == category
            for c in coll.get_facecolor()}


RESULTS = pd.DataFrame(
    {
        "experiment": ["select before CV", "scale before split", "impute"],
        "leaky_mean": [0.76, 0.81, 0.70],
        "leaky_std": [0.03, 0.02, np.nan],
        "honest_mean": [0.46, 0.80, 0.69],
        "honest_std": [0.04, 0.02, 0.01],
        "gap": [0.30, 0.01, 0.01],
    }
)


# ----------------------------------------------------------------------------- style
def test_use_style_applies_and_restores():
    before = plt.rcParams["axes.spines.top"]
    with use_style():
        assert plt.rcParams["axes.spines.top"] is STYLE["axes.spines.top"] is False
    assert plt.rcParams["axes.spines.top"] == before


def test_functions_draw_on_a_given_axes_without_new_figures():
    fig, ax = plt.subplots()
    n_before = len(plt.get_fignums())
    assert score_gap(RESULTS, ax=ax) is ax
    assert len(plt.get_fignums()) == n_before
    with pytest.raises(TypeError, match="ax"):
        score_bars({"a": 1.0}, title="t", ax=fig)


# ----------------------------------------------------------------------------- score_gap
def test_score_gap_bars_colours_errorbars_and_title():
    ax = score_gap(RESULTS, metric="accuracy", title="Selecting features before CV inflates accuracy by 0.30")
    assert ax.get_title() == "Selecting features before CV inflates accuracy by 0.30"
    assert len(ax.patches) == 6
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [0.76, 0.81, 0.70, 0.46, 0.80, 0.69])
    assert _bar_colors(ax) == [LEAKY] * 3 + [HONEST] * 3
    bar_containers = [c for c in ax.containers if hasattr(c, "errorbar")]
    assert len(bar_containers) == 2 and all(c.errorbar is not None for c in bar_containers)
    # error bar half-lengths are the stds (NaN std: no bar, i.e. zero length)
    segs = bar_containers[0].errorbar.lines[2][0].get_segments()
    np.testing.assert_allclose([abs(s[1, 1] - s[0, 1]) / 2 for s in segs], [0.03, 0.02, 0.0], atol=1e-12)
    # each tick names the experiment and its gap, leaky minus honest (never "-0.00")
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "select before CV\ngap +0.30", "scale before split\ngap +0.01", "impute\ngap +0.01"]
    assert ax.get_ylabel() == "accuracy"
    assert tuple(map(float, ax.get_ylim())) == (0.0, 1.0)  # scores in [0, 1]: the axis stops at 1


def test_score_gap_signs_and_unbounded_axes():
    errors = pd.DataFrame({"experiment": ["random split", "same"], "leaky_mean": [9.8, 5.0], "leaky_std": [0.5, 0.1],
                           "honest_mean": [14.2, 5.001], "honest_std": [1.0, 0.1]})
    ax = score_gap(errors, metric="mean absolute error")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["random split\ngap -4.40", "same\ngap 0.00"]
    assert ax.get_ylim()[1] > 14.2 + 1.0  # an error is not a [0, 1] score: the axis fits the data


def test_score_gap_kinds_colour_each_pair_by_its_model():
    # rows are models scored two ways: the honest model must not be drawn red anywhere
    models = pd.DataFrame({"experiment": ["every column", "honest columns"], "leaky_mean": [0.98, 0.80],
                           "leaky_std": [0.01, 0.02], "honest_mean": [0.55, 0.79], "honest_std": [0.02, 0.02]})
    ax = score_gap(models, labels=("validation", "production"), kinds=["leaky", "honest"], metric="accuracy",
                   title="The leaky model promised 0.98 and delivered 0.55")
    bars = ax.patches[:4]  # validation bars (solid), then production bars (hatched)
    assert [to_hex(p.get_facecolor()) for p in bars[:2]] == [LEAKY, HONEST]
    assert [to_hex(p.get_edgecolor()) for p in bars[2:]] == [LEAKY, HONEST]
    assert all(p.get_hatch() for p in bars[2:]) and not any(p.get_hatch() for p in bars[:2])
    assert HONEST in {to_hex(p.get_facecolor()) for p in bars if p.get_x() > 0.5}
    assert LEAKY not in {to_hex(c) for p in bars if p.get_x() > 0.5 for c in (p.get_facecolor(), p.get_edgecolor())}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["validation", "production"]
    with pytest.raises(ValueError, match="kinds"):
        score_gap(models, kinds=["leaky"])


def test_score_gap_accepts_gap_result_objects():
    class Result:  # the shape of leakkit.evaluate.GapResult
        def __init__(self, name, lm, hm):
            self.name, self.leaky_mean, self.honest_mean = name, lm, hm

        def to_dict(self):
            return {"experiment": self.name, "leaky_mean": self.leaky_mean, "leaky_std": 0.01,
                    "honest_mean": self.honest_mean, "honest_std": 0.02}

    ax = score_gap([Result("a", 0.9, 0.5), Result("b", 0.7, 0.6)])
    assert len(ax.patches) == 4 and "by up to 0.40" in ax.get_title()
    assert len(score_gap(Result("a", 0.9, 0.5)).patches) == 2


def test_score_gap_with_compare_protocols_output():
    from leakkit.evaluate import compare_protocols

    frame = compare_protocols({"a": (lambda s: 0.8 + 0.01 * s, lambda s: 0.6)}, seeds=3)
    ax = score_gap(frame, metric="accuracy")
    assert len(ax.patches) == 2 and ax.get_title().startswith("The leaky protocol overstates accuracy by 0.2")


def test_score_gap_builds_a_title_stating_the_finding():
    assert score_gap(RESULTS.iloc[:1], metric="accuracy").get_title() == "The leaky protocol overstates accuracy by 0.30"
    assert "by up to 0.30 (3 of 3 experiments)" in score_gap(RESULTS).get_title()


@pytest.mark.parametrize(
    "results, exc, match",
    [
        (RESULTS.drop(columns="honest_std"), ValueError, "'honest_std'"),
        (RESULTS.iloc[:0], ValueError, "empty"),
        (RESULTS.assign(leaky_mean=[0.7, np.nan, 0.6]), ValueError, "leaky_mean"),
        (RESULTS.assign(honest_std=[0.1, -0.1, 0.1]), ValueError, "honest_std"),
        (RESULTS.assign(leaky_mean=["a", "b", "c"]), TypeError, "leaky_mean"),
        ({"leaky_mean": 0.7}, TypeError, "results"),
    ],
)
def test_score_gap_rejects_bad_results(results, exc, match):
    with pytest.raises(exc, match=match):
        score_gap(results)


# ----------------------------------------------------------------------------- score_bars
def test_score_bars():
    ax = score_bars({"validation": 0.97, "production": 0.61}, kinds=["leaky", "honest"], chance=0.5,
                    title="Validation promised 0.97; production delivered 0.61")
    assert ax.get_title() == "Validation promised 0.97; production delivered 0.61"
    assert len(ax.patches) == 2 and _bar_colors(ax) == [LEAKY, HONEST]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["validation", "production"]
    assert any(np.allclose(line.get_ydata(), 0.5) for line in ax.lines)  # the chance line
    assert {t.get_text() for t in ax.texts} >= {"0.97", "0.61"}
    assert tuple(map(float, ax.get_ylim())) == (0.0, 1.0)
    assert score_bars({"MAE": 9.8, "future": 14.2}, title="t").get_ylim()[1] > 14.2


def test_score_strips_draws_trials_as_dots_never_joined():
    ax = score_strips({"best grid-search score": [0.62, 0.58, 0.65, 0.58], "nested CV": [0.49, 0.52, 0.47, 0.5]},
                      kinds=["leaky", "honest"], reference=0.5, reference_label="true accuracy", metric="accuracy",
                      title="On noise the best grid-search score beats a coin; nested CV does not")
    assert len(ax.collections) == 2  # one scatter per protocol
    np.testing.assert_allclose(sorted(ax.collections[0].get_offsets()[:, 1]), [0.58, 0.58, 0.62, 0.65])
    assert len(set(ax.collections[0].get_offsets()[:, 0])) == 4  # equal scores stay visible side by side
    assert [to_hex(c.get_facecolor()[0]) for c in ax.collections] == [LEAKY, HONEST]
    # the only lines: one short mean bar per column and the reference; no line runs through the trials
    assert all(len(line.get_xdata()) == 2 for line in ax.lines)
    means = sorted(round(float(line.get_ydata()[0]), 4) for line in ax.lines[:2])
    assert means == [0.495, 0.6075]
    assert tuple(map(float, ax.get_ylim())) == (0.0, 1.0)
    with pytest.raises(ValueError, match="samples"):
        score_strips({}, title="t")
    with pytest.raises(ValueError, match="NaN"):
        score_strips({"a": [np.nan]}, title="t")


@pytest.mark.parametrize(
    "args, exc, match",
    [
        (({}, ), ValueError, "scores"),
        (([0.5, 0.6], ), TypeError, "scores"),
        (({"a": np.nan}, ), ValueError, "NaN"),
        (({"a": 0.5}, ), ValueError, "title"),  # title=None
    ],
)
def test_score_bars_rejects_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        score_bars(*args, title=None if match == "title" else "t")


def test_titles_are_required_and_non_empty():
    with pytest.raises(TypeError):
        score_bars({"a": 0.5})  # no title at all
    with pytest.raises(ValueError, match="title"):
        score_bars({"a": 0.5}, title="   ")
    with pytest.raises(TypeError, match="title"):
        score_bars({"a": 0.5}, title=3)
    with pytest.raises(ValueError, match="kinds"):
        score_bars({"a": 0.5, "b": 0.4}, title="t", kinds=["leaky"])
    with pytest.raises(ValueError, match="unknown kind"):
        score_bars({"a": 0.5}, title="t", kinds=["red"])


# ----------------------------------------------------------------------------- fold_diagram
def test_fold_diagram_marks_a_fit_on_all_rows_as_leaky_and_fold_fits_as_clean():
    folds = list(KFold(5).split(np.zeros((50, 1))))
    fits = [("scaler on all rows", np.arange(50))] + [(f"model {i}", tr) for i, (tr, _) in enumerate(folds)]
    ax = fold_diagram(folds, 50, fits=fits)
    assert ax.get_title() == "1 of 6 fits saw held-out rows (50 rows leaked)"
    assert _covered(ax, "scaler on all rows", "leaked") == set(range(50))
    assert _colors_of(ax, "scaler on all rows", "leaked") == {LEAKY}
    for i, (tr, te) in enumerate(folds):
        assert _covered(ax, f"model {i}", "leaked") == set()
        assert _covered(ax, f"model {i}", "seen") == set(tr.tolist())
        assert _covered(ax, f"fold {i + 1}", "held out") == set(te.tolist())
        assert _covered(ax, f"fold {i + 1}", "train") == set(tr.tolist())
    assert [t.get_text() for t in ax.get_yticklabels()][:5] == [f"fold {i}" for i in range(1, 6)]
    assert ax.get_legend() is not None


def test_fold_diagram_with_stated_folds_and_a_custom_title():
    folds = list(TimeSeriesSplit(3).split(np.zeros((40, 1))))
    tr0, te0 = folds[0]
    # a model fitted in fold 0 that also saw the first 4 test rows of fold 0
    fits = [("peeking model", np.r_[tr0, te0[:4]], 0), ("clean model", tr0, 0)]
    ax = fold_diagram(folds, 40, fits=fits, title="One model peeked at four future rows")
    assert ax.get_title() == "One model peeked at four future rows"
    assert _covered(ax, "peeking model", "leaked") == set(te0[:4].tolist())
    assert _covered(ax, "clean model", "leaked") == set()
    # rows never used by the first fold are left blank
    assert _covered(ax, "fold 1", "train") | _covered(ax, "fold 1", "held out") == set(np.r_[tr0, te0].tolist())


def test_fold_diagram_order_and_overlapping_folds():
    order = np.arange(10)[::-1]
    folds = [(np.arange(0, 6), np.arange(5, 10))]  # row 5 is in both parts
    ax = fold_diagram(folds, 10, order=order)
    # row r is drawn at position 9 - r
    assert _covered(ax, "fold 1", "held out") == {9 - r for r in range(6, 10)}
    assert _covered(ax, "fold 1", "leaked") == {9 - 5}
    assert _colors_of(ax, "fold 1", "leaked") == {LEAKY}
    assert "test on their own training rows" in ax.get_title()
    assert ax.get_xlabel() == "row (in the given order)"


def test_fold_diagram_title_without_leaks():
    folds = list(KFold(2).split(np.zeros((10, 1))))
    ax = fold_diagram(folds, 10, fits=[("m", folds[0][0])])
    assert ax.get_title().startswith("No fit saw held-out rows")
    assert fold_diagram(folds, 10).get_title() == "2 folds over 10 rows, 5 held out per fold on average"


@pytest.mark.parametrize(
    "folds, n, kwargs, exc, match",
    [
        ([], 10, {}, ValueError, "folds"),
        ([(np.arange(5), np.arange(5, 11))], 10, {}, ValueError, "out of range"),
        ([(np.arange(5), np.arange(-1, 2))], 10, {}, ValueError, "out of range"),
        ([(np.ones(10, bool), np.arange(5))], 10, {}, TypeError, "boolean mask"),
        ([(np.arange(5.0), np.arange(5, 10))], 10, {}, TypeError, "integers"),
        ([(np.arange(5),)], 10, {}, ValueError, "pair"),
        ([(np.arange(5), np.arange(5, 10))], 0, {}, ValueError, "n_samples"),
        ([(np.arange(5), np.arange(5, 10))], 10.0, {}, TypeError, "n_samples"),
        ([(np.arange(5), np.arange(5, 10))], 10, {"order": np.arange(9)}, ValueError, "order"),
        ([(np.arange(5), np.arange(5, 10))], 10, {"order": np.zeros(10, int)}, ValueError, "permutation"),
        ([(np.arange(5), np.arange(5, 10))], 10, {"fits": [("a",)]}, ValueError, "fits"),
        ([(np.arange(5), np.arange(5, 10))], 10, {"fits": [("a", np.arange(3), 2)]}, ValueError, "fold"),
        ([(np.arange(5), np.arange(5, 10))], 10, {"fits": [("a", np.arange(12))]}, ValueError, "fits\\[0\\]"),
        ("folds", 10, {}, TypeError, "folds"),
    ],
)
def test_fold_diagram_rejects_bad_input(folds, n, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fold_diagram(folds, n, **kwargs)


# ----------------------------------------------------------------------------- over time
def test_score_over_time():
    months = pd.date_range("2024-01-01", periods=6, freq="MS")
    ax = score_over_time(months, [0.9, 0.88, 0.84, 0.8, 0.77, 0.71], title="Accuracy falls", label="time split")
    assert ax.get_title() == "Accuracy falls" and len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.9, 0.88, 0.84, 0.8, 0.77, 0.71])
    assert to_hex(ax.lines[0].get_color()) == HONEST
    assert ax.get_legend() is not None
    with pytest.raises(ValueError, match="lengths differ"):
        score_over_time(months, [0.9, 0.8], title="t")
    with pytest.raises(ValueError, match="dates"):
        score_over_time([], [], title="t")
    with pytest.raises(ValueError, match="title"):
        score_over_time(months, np.ones(6), title="")


def test_scores_over_time_sorts_by_time_and_colours_by_kind():
    f = pd.DataFrame({"month": [3, 1, 2], "random split": [0.91, 0.9, 0.92], "time split": [0.7, 0.8, 0.75]})
    ax = scores_over_time(f, "month", ["random split", "time split"], kinds=["leaky", "honest"], title="t")
    assert [line.get_label() for line in ax.lines] == ["random split", "time split"]
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.8, 0.75, 0.7])
    assert [to_hex(line.get_color()) for line in ax.lines] == [LEAKY, HONEST]
    with pytest.raises(ValueError, match="'nope'"):
        scores_over_time(f, "month", ["nope"], title="t")
    with pytest.raises(ValueError, match="time_col"):
        scores_over_time(f, "week", ["time split"], title="t")
    with pytest.raises(ValueError, match="series_cols"):
        scores_over_time(f, "month", [], title="t")
    with pytest.raises(ValueError, match="empty"):
        scores_over_time(f.iloc[:0], "month", ["time split"], title="t")


# ----------------------------------------------------------------------------- distributions
def test_distribution_comparison():
    rng = np.random.default_rng(0)
    samples = {"wrong": rng.normal(0.03, 0.02, 50), "right": rng.normal(0.5, 0.07, 50)}
    ax = distribution_comparison(samples, kinds=["leaky", "honest"], reference=0.5, reference_label="true error",
                                 title="CV error 0.03 the wrong way; the true error is 0.50")
    assert len(ax.patches) == 2
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == [LEAKY, HONEST]
    ref = [line for line in ax.lines if np.allclose(line.get_xdata(), 0.5)]
    assert len(ref) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lab.startswith("wrong (mean 0.0") for lab in labels) and "true error (0.50)" in labels
    with pytest.raises(ValueError, match="samples"):
        distribution_comparison({}, title="t")
    with pytest.raises(ValueError, match="samples\\['b'\\]"):
        distribution_comparison({"a": [1.0], "b": []}, title="t")
    with pytest.raises(ValueError, match="bins"):
        distribution_comparison({"a": [1.0]}, title="t", bins=0)


# ----------------------------------------------------------------------------- tuning curves
def test_gap_vs_configs_with_bands():
    t = pd.DataFrame({"n_configs": [1, 8, 64], "tuned_on_test_score": [0.6, 0.68, 0.72], "tuned_on_test_std": [0.05, 0.03, 0.0],
                      "fresh_test_score": [0.6, 0.62, 0.62], "fresh_test_std": [0.05, 0.04, 0.04]})
    ax = gap_vs_configs(t, title="Tuning on the test set adds 0.10", logx=True)
    assert ax.get_title() == "Tuning on the test set adds 0.10"
    assert len(ax.lines) == 2 and [to_hex(line.get_color()) for line in ax.lines] == [LEAKY, HONEST]
    assert len(ax.collections) == 2  # one std band per series
    assert ax.get_xscale() == "log"
    ax2 = gap_vs_configs(t.drop(columns=["tuned_on_test_std", "fresh_test_std"]), title="t", kinds=None, labels=None)
    assert len(ax2.collections) == 0 and [line.get_label() for line in ax2.lines] == ["tuned_on_test_score", "fresh_test_score"]
    with pytest.raises(ValueError, match="y_cols"):
        gap_vs_configs(t, y_cols=["nope"], title="t")
    with pytest.raises(ValueError, match="kinds"):
        gap_vs_configs(t, y_cols=["fresh_test_score"], title="t")
    with pytest.raises(ValueError, match="empty"):
        gap_vs_configs(t.iloc[:0], title="t")


def test_gap_vs_configs_on_tuning_gap_output():
    from leakkit.llm import tuning_gap

    docs = pd.DataFrame({"doc_id": [1, 2], "title": ["Varno", "Kell"],
                         "text": ["Varno is a river town exporting copper.", "Kell is a village making cheese."]})
    q = pd.DataFrame({"question": ["Which town exports copper?", "Who makes cheese?"], "doc_id": [1, 2]})
    table = tuning_gap(docs, q, q, {"top_k": [1, 2]}, n_repeats=2)
    ax = gap_vs_configs(table, title="No gap on a trivial corpus")
    assert len(ax.lines) == 2


def test_no_figures_leak_when_closed():
    score_bars({"a": 0.5}, title="t")
    fold_diagram([(np.arange(3), np.arange(3, 5))], 5)
    assert len(plt.get_fignums()) == 2
    plt.close("all")
    assert plt.get_fignums() == []
