# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Indirect leakage: preprocessing before the split
#
# Direct leakage puts forbidden information in a column. Indirect leakage is quieter: every
# column is legitimate, but a preprocessing step was fitted on *all* the rows before they were
# split. Whatever that step learned (a mean, a list of chosen features, a set of principal
# axes, which rows look odd) was learned partly from the rows that were supposed to stay
# unseen, and it travels into the model through the transformed data.
#
# This notebook takes the five usual suspects one by one: **normalisation, imputation,
# feature selection, outlier removal and dimensionality reduction**. For each we show the
# wrong order and the right one, measure how much the wrong order inflates the score, and
# let `leakkit.trace` catch it.
#
# **You will learn**
#
# - why a step fitted before the split lets the held-out rows shape the model;
# - how large each of the five leaks is, measured over several seeds;
# - that the size depends on the shape of the data: a leak that is invisible on a tall table
#   (many rows, few features) can dominate on a wide one (more features than rows);
# - that `leakkit.trace` flags every one of them, whatever its size.

# %% [markdown]
# ## Setup
#
# We generate the data in the notebook so that you can see exactly what is in it. The labels
# are binary. The first few features carry the signal: their mean shifts with the label.
# Columns come in very different units (as real columns do: euros, days, percentages), 5 % of
# the records are corrupted by gross errors and carry a random label, and, when asked, a
# share of the cells is missing.

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier, LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import leakkit
from leakkit.evaluate import optimism_gap, preprocessing_gap
from leakkit.plot import score_gap, use_style


def make_table(seed, n_rows, n_features, n_informative, effect, missing=0.0, corrupt=0.05):
    """Binary labels; the first ``n_informative`` features shift by ``effect`` with the label."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n_rows) % 2)
    X = rng.normal(size=(n_rows, n_features))
    X[:, :n_informative] += effect * (2 * y[:, None] - 1)
    bad = rng.random(n_rows) < corrupt  # corrupted records: gross errors, label at random
    X[bad] += rng.normal(0, 6, size=(bad.sum(), n_features))
    y[bad] = rng.integers(0, 2, bad.sum())
    X = X * rng.lognormal(0, 1.5, n_features) + rng.normal(0, 10, n_features)  # mixed units
    if missing:
        X[rng.random(X.shape) < missing] = np.nan
    return X, y


TALL = dict(n_rows=600, n_features=10, n_informative=3, effect=0.6)
WIDE = dict(n_rows=80, n_features=2000, n_informative=20, effect=0.3)
SEEDS = 5  # every measurement is repeated on 5 freshly generated tables
CV = 5


def show(t):
    """Print the tracer's verdict: each finding, or that there was none."""
    if not t.findings:
        print("leakkit.trace: no finding (no fit saw a held-out row)")
    for f in t.findings:
        print(textwrap.fill(str(f), width=100))


# %% [markdown]
# Two shapes of the same kind of data: a **tall** table, 600 rows and 10 features (60 rows
# per feature), and a **wide** one, 80 rows and 2,000 features (25 features per row), the
# shape of genomics, imaging or text data.

# %% tags=["nbval-check-output"]
for name, shape in [("tall", TALL), ("wide", WIDE)]:
    X, y = make_table(0, **shape)
    print(f"{name}: {X.shape[0]} rows x {X.shape[1]} features, {y.mean():.0%} positive, "
          f"column standard deviations from {np.nanstd(X, axis=0).min():.2g} to {np.nanstd(X, axis=0).max():.3g}")

# %% [markdown]
# ## How we measure a leak
#
# `leakkit.evaluate.preprocessing_gap` runs two protocols on the same freshly generated table,
# for each of five seeds:
#
# - **leaky**: the step is fitted on all rows, then the model is cross-validated (5 folds) on
#   the transformed data;
# - **honest**: the step and the model form one `Pipeline`, so cross-validation refits the step
#   on the training folds only.
#
# The gap is the leaky accuracy minus the honest one, seed by seed; we report its mean and its
# standard deviation over the five seeds. A gap smaller than its spread is indistinguishable
# from noise at this sample size. The model is a 15-nearest-neighbour classifier, behind a
# `StandardScaler` unless the step under study scales the data itself: distance-based, so it is
# sensitive to every step we study.

# %%
model = KNeighborsClassifier(n_neighbors=15)
scaled_model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))
results = {}  # step -> {"tall": GapResult, "wide": GapResult}
wrong_traces, right_traces = {}, {}


def measure(label, make_step, model, missing=0.0):
    """The gap for one step on both tables; ``make_step(shape)`` builds the step for a table."""
    results[label] = {}
    for regime, shape in [("tall", TALL), ("wide", WIDE)]:
        r = preprocessing_gap(make_step(shape), model, lambda seed: make_table(seed, **shape, missing=missing),
                              seeds=SEEDS, cv=CV, name=f"{label}, {regime}")
        results[label][regime] = r
        print(r)


# %% [markdown]
# For the demonstrations of the wrong and the right order we use one tall table and a single
# train/test split, under `leakkit.trace`. A single split is one draw: its two scores differ by
# chance as much as by leakage, which is why the measurement over seeds follows each pair.

# %%
X, y = make_table(0, **TALL)

# %% [markdown]
# ## 1. Normalisation
#
# A `StandardScaler` learns each column's mean and standard deviation. Fitted on all rows, those
# statistics include the test rows: the training data is expressed in units that already know
# where the test rows lie.
#
# **Wrong** — scale all rows, then split:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_scaled = StandardScaler().fit_transform(X)  # statistics from all 600 rows
    X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, random_state=0)
    score = model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
wrong_traces["normalisation"] = t

# %% [markdown]
# **Right** — split, then let a Pipeline fit the scaler on the training rows and apply it to both:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    score = scaled_model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
right_traces["normalisation"] = t

# %% [markdown]
# How much does it matter? The cell below prints both protocols and the gap, on both tables.

# %% tags=["nbval-check-output"]
measure("normalisation", lambda shape: StandardScaler(), model)

# %% [markdown]
# On the tall table the gap is within a few thousandths of zero: the mean of 480 training rows
# and the mean of all 600 rows are nearly the same number. On the wide table it is noisier,
# but still small next to its own spread. Small is not zero, though, and the tracer flags the
# mistake either way.
#
# ## 2. Imputation
#
# `SimpleImputer` fills a missing cell with its column's mean. Fitted on all rows, the fill
# value is partly computed from test rows. We make 20 % of the cells missing.
#
# **Wrong** — impute all rows, then split:

# %% tags=["nbval-check-output"]
X_missing, y_missing = make_table(0, **TALL, missing=0.2)
with leakkit.trace() as t:
    X_filled = SimpleImputer().fit_transform(X_missing)  # column means from all rows
    X_train, X_test, y_train, y_test = train_test_split(X_filled, y_missing, random_state=0)
    score = scaled_model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
wrong_traces["imputation"] = t

# %% [markdown]
# **Right** — split, then impute inside the Pipeline:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X_missing, y_missing, random_state=0)
    imputed_model = make_pipeline(SimpleImputer(), StandardScaler(), KNeighborsClassifier(n_neighbors=15))
    score = imputed_model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
right_traces["imputation"] = t

# %% tags=["nbval-check-output"]
measure("imputation", lambda shape: SimpleImputer(), scaled_model, missing=0.2)

# %% [markdown]
# Mean imputation leaks little for the same reason scaling does: a column mean barely moves
# when a quarter of the rows is added. Neither step looks at the labels.
#
# ## 3. Feature selection
#
# `SelectKBest` ranks features by how well each one separates the classes, **using the
# labels**. Fitted on all rows, it keeps the features that happen to agree with the test rows'
# labels too. On the tall table it keeps 3 of 10 features; on the wide one, 20 of 2,000.
#
# **Wrong** — select on all rows, then split:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_selected = SelectKBest(k=3).fit_transform(X, y)  # ranked with all 600 labels
    X_train, X_test, y_train, y_test = train_test_split(X_selected, y, random_state=0)
    score = scaled_model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
wrong_traces["feature selection"] = t

# %% [markdown]
# **Right** — split, then select inside the Pipeline:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    selected_model = make_pipeline(SelectKBest(k=3), StandardScaler(), KNeighborsClassifier(n_neighbors=15))
    score = selected_model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
right_traces["feature selection"] = t

# %% tags=["nbval-check-output"]
measure("feature selection", lambda shape: SelectKBest(k=shape["n_informative"]), scaled_model)

# %% [markdown]
# Here the two tables part ways. On the tall table the three informative features stand out so
# clearly that every training fold finds the same three: the gap is zero. On the wide table, 2,000
# candidate features and 80 rows mean that many pure-noise features agree with the labels by
# chance. Selecting on all rows picks those that agree with the *test* labels as well, and the
# cross-validated accuracy jumps; the honest pipeline has to find the signal without that help.
#
# ## 4. Outlier removal
#
# An outlier detector decides which rows look abnormal; dropping them before the split does two
# things. The detector's idea of "normal" is learned from the test rows, and, more important,
# the test set itself loses the rows that are hardest to predict. In production nobody removes
# the awkward cases before the model sees them. The honest protocol fits the detector on the
# training rows, drops training outliers only, and scores **every** test row.
#
# **Wrong** — drop outliers found among all rows, then split:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    keep = LocalOutlierFactor().fit_predict(X) == 1  # judged against all 600 rows
    X_train, X_test, y_train, y_test = train_test_split(X[keep], y[keep], random_state=0)
    score = scaled_model.fit(X_train, y_train).score(X_test, y_test)
print(f"{(~keep).sum()} rows removed; accuracy on the remaining held-out rows: {score:.3f}")
show(t)
wrong_traces["outlier removal"] = t

# %% [markdown]
# **Right** — split, then drop outliers among the training rows only:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    keep = LocalOutlierFactor().fit_predict(X_train) == 1  # judged against training rows
    score = scaled_model.fit(X_train[keep], y_train[keep]).score(X_test, y_test)
print(f"{(~keep).sum()} training rows removed; accuracy on all {len(y_test)} held-out rows: {score:.3f}")
show(t)
right_traces["outlier removal"] = t

# %% [markdown]
# A detector is not a transformer, so it cannot go in a plain `Pipeline`; we write the two
# protocols out and hand them to `leakkit.evaluate.optimism_gap`, which runs both on the same
# seeds.

# %% tags=["nbval-check-output"]
def outliers_leaky(shape):
    def protocol(seed):
        X, y = make_table(seed, **shape)
        keep = LocalOutlierFactor().fit_predict(X) == 1
        return cross_val_score(scaled_model, X[keep], y[keep], cv=CV).mean()
    return protocol


def outliers_honest(shape):
    def protocol(seed):
        X, y = make_table(seed, **shape)
        scores = []
        for train, test in StratifiedKFold(CV).split(X, y):
            keep = LocalOutlierFactor().fit_predict(X[train]) == 1
            fitted = scaled_model.fit(X[train][keep], y[train][keep])
            scores.append(fitted.score(X[test], y[test]))  # every test row is scored
        return np.mean(scores)
    return protocol


results["outlier removal"] = {}
for regime, shape in [("tall", TALL), ("wide", WIDE)]:
    r = optimism_gap(outliers_leaky(shape), outliers_honest(shape), seeds=SEEDS,
                     name=f"outlier removal, {regime}")
    results["outlier removal"][regime] = r
    print(r)

# %% [markdown]
# On the tall table this is the most consistent of the small gaps: the leaky protocol grades
# itself on a cleaned test set, from which most corrupted records (whose labels are random)
# have gone. Its size is roughly the share of rows removed times how much worse the model does
# on them, so it grows with dirtier data. On the wide table, with a handful of corrupted rows
# among 80, the effect is lost in the noise.
#
# ## 5. Dimensionality reduction
#
# PCA learns the directions along which the rows vary most. Fitted on all rows, those
# directions are partly defined by the test rows, which then sit comfortably inside the learned
# subspace. With more features than rows, directions fitted on the training rows alone capture
# a new row less well than directions that saw it, so the leak can favour the leaky protocol.
# We standardise first, then keep 3 components on the tall table and 20 on the wide one.
#
# **Wrong** — project all rows, then split:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_projected = make_pipeline(StandardScaler(), PCA(n_components=3)).fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X_projected, y, random_state=0)
    score = model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
wrong_traces["dimensionality reduction"] = t

# %% [markdown]
# **Right** — split, then fit the projection inside the Pipeline:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    projected_model = make_pipeline(StandardScaler(), PCA(n_components=3), KNeighborsClassifier(n_neighbors=15))
    score = projected_model.fit(X_train, y_train).score(X_test, y_test)
print(f"accuracy on the held-out rows: {score:.3f}")
show(t)
right_traces["dimensionality reduction"] = t

# %% tags=["nbval-check-output"]
measure("dimensionality reduction",
        lambda shape: make_pipeline(StandardScaler(), PCA(n_components=shape["n_informative"], random_state=0)),
        model)

# %% [markdown]
# PCA does not see the labels, so its leak is indirect twice over. Here its gap is small on both
# tables and no larger than its own spread. With other data, other models or more components
# it can be larger, of either sign; the only way to know is to measure, and the only way not
# to care is to fit PCA after the split.
#
# ## All five, side by side
#
# The table collects the gaps (leaky minus honest accuracy, mean and standard deviation over
# the five seeds), and the chart shows both scores for every step and table.

# %% tags=["nbval-check-output"]
summary = pd.DataFrame({
    regime: {step: f"{r[regime].gap_mean:+.3f} ± {r[regime].gap_std:.3f}" for step, r in results.items()}
    for regime in ["tall", "wide"]
})
summary.columns = ["tall table (600 x 10)", "wide table (80 x 2,000)"]
print(summary.to_string())

# %%
short = {"normalisation": "scale", "imputation": "impute", "feature selection": "select",
         "outlier removal": "outliers", "dimensionality reduction": "PCA"}
with use_style():
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained")
for ax, (regime, label) in zip(axes, [("tall", "Tall table, 600 x 10"), ("wide", "Wide table, 80 x 2,000")]):
    frame = pd.DataFrame([{**results[step][regime].to_dict(), "experiment": short[step]} for step in results])
    worst = frame.loc[frame["gap"].idxmax()]
    score_gap(frame, ax=ax, metric="accuracy",
              title=f"{label}: largest gap {worst['gap']:+.2f} ({worst['experiment']})")
plt.show()

# %% [markdown]
# The pattern is the one to remember:
#
# - **Unsupervised steps** (scaling, imputation, PCA) learn only about the features. On a tall
#   table the test rows barely change what they learn, and the gap vanishes. On a wide table
#   the gaps are small and noisy, sometimes of either sign.
# - **Supervised steps** (feature selection here; target encoding in the next notebook) learn
#   from the labels. When features outnumber rows the labels of the test rows steer the choice,
#   and the score inflates by a margin no seed-to-seed noise explains.
# - **Outlier removal** changes the test set itself; its gap scales with how much, and how
#   badly, the removed rows would have been predicted.
#
# A leak you have measured as tiny on one table can be large on the next, and you rarely get
# to measure it on the data you care about. The fix costs nothing: fit every step after the
# split.
#
# ## The tracer does not care about size
#
# Every **Wrong** cell above ran under `leakkit.trace`, and so did every **Right** one. The
# tracer records which rows each fit saw and which rows each split held out, and follows rows
# through transform outputs, so it does not need the leak to be large to see it. The cell below
# collects its verdicts.

# %% tags=["nbval-check-output"]
for step in wrong_traces:
    wrong = sorted({f.check for f in wrong_traces[step].findings}) or ["(nothing)"]
    right = sorted({f.check for f in right_traces[step].findings}) or ["(nothing)"]
    print(f"{step:<26} wrong: {', '.join(wrong):<31} right: {', '.join(right)}")

# %% [markdown]
# Five leaks caught, five correct versions left alone. The tracer only sees scikit-learn
# estimators, though: a mean computed with pandas (`df.fillna(df.mean())`) or a hand-written
# z-score filter before the split is invisible to it. Doing every preprocessing step with an
# estimator inside a `Pipeline` is what makes the mistake both impossible and checkable.
#
# ## Takeaways
#
# - Split first. Fit every preprocessing step (scaler, imputer, selector, outlier detector,
#   PCA) on the training rows only, and apply the fitted step to both sides; a `Pipeline` does
#   this for you, in every fold.
# - How much a leak inflates a score depends on the step and on the data's shape: unsupervised
#   steps on tall data are close to harmless, supervised steps on wide data are not.
# - Removing outliers before the split also grades the model on an easier test set than
#   production will send it.
# - Measure a gap over several seeds; a single split cannot tell a small leak from noise.
# - `leakkit.trace` flags a fit that saw held-out rows whatever the size of the damage.
#
# **Next:** notebook 05 walks through the right order transformer by transformer, including
# the dramatic case of target encoding. Then practise both in the exercise
# `exercises/split_preprocessing/`.
