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
# feature selection, outlier removal and dimensionality reduction**. For each, you run the
# wrong order and the right one yourself, see how much the wrong order inflates the score,
# and learn *when* it matters: some of these leaks are almost always tiny, others can turn
# noise into a convincing model.
#
# **You will learn**
#
# - why a step fitted before the split lets the held-out rows shape the model;
# - which leaks are usually tiny (scaling, mean imputation) and which are not (selection,
#   imputation that sees the target, PCA on wide data, outlier removal);
# - that the size depends on the shape of the data: a leak that is invisible on a tall table
#   (many rows, few features) can dominate on a wide one (more features than rows);
# - how many repetitions it takes to tell a gap of 0.01 from noise;
# - that `leakkit.trace` flags every one of them, whatever its size.

# %% [markdown]
# ## Two tables
#
# We generate the data in the notebook so that you can see exactly what is in it. A **tall**
# table: a bank's 600 loan files with 10 features each. A **wide** table: a lab's 80 tissue
# samples with 2,000 gene-expression values each, the shape of genomics, imaging or text data.
# The labels are binary; the first few features carry the signal (their mean shifts with the
# label); columns come in very different units; and 5 % of the records are corrupted by gross
# errors and carry a random label.

# %%
# %load_ext leakkit
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier, LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import leakkit
from leakkit.evaluate import optimism_gap
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
    X[rng.random(X.shape) < missing] = np.nan  # missing cells, when asked
    return X, y


TALL = dict(n_rows=600, n_features=10, n_informative=3, effect=0.6)
WIDE = dict(n_rows=80, n_features=2000, n_informative=20, effect=0.3)

# %% [markdown]
# Every pair below is measured the same way: 5-fold cross-validation of a 15-nearest-neighbour
# classifier (distance-based, so sensitive to every step we study), once with the step fitted
# on all rows (**Wrong**) and once with the step inside a `Pipeline`, refitted on each
# training part (**Right**).

# %%
def folds(seed):
    return StratifiedKFold(5, shuffle=True, random_state=seed)


knn = KNeighborsClassifier(n_neighbors=15)
scaled_knn = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))


def show(t):
    """Print the tracer's verdict: each finding, or that there was none."""
    if not t.findings:
        print("leakkit.trace: no finding (no fit saw a held-out row)")
    for f in t.findings:
        print(textwrap.fill(str(f), width=100))


# %% [markdown]
# One table is one draw: its two scores differ by chance as well as by leakage. So after each
# pair we run the same two protocols on 12 freshly generated tables (seeds 0 to 11) with
# `leakkit.optimism_gap`, which reports the gap, **leaky minus honest**, with its standard
# deviation over the seeds and the number of seeds on which the leaky protocol scored higher.

# %%
SEEDS = 12
results = {}  # step -> {"usual": GapResult, "grows": GapResult}
wrong_traces, right_traces = {}, {}


def measure(step, regime, data, protocols):
    """Run the (leaky, honest) protocols on SEEDS tables and keep the gap; regime: "usual" or "grows"."""
    r = optimism_gap(*protocols, seeds=SEEDS, name=f"{step}, {data}")
    results.setdefault(step, {})[regime] = r
    print(r)


X, y = make_table(0, **TALL)
X_wide, y_wide = make_table(0, **WIDE)

# %% [markdown]
# ## 1. Normalisation: almost always tiny
#
# A `StandardScaler` learns each column's mean and standard deviation. Fitted on all rows,
# those statistics include the held-out rows: the training data is expressed in units that
# already know where the held-out rows lie.
#
# **Predict, then run.** Will the wrong order raise the accuracy by 0.1, by 0.01, or not at
# all?
#
# **Wrong** — scale all rows, then cross-validate:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_scaled = StandardScaler().fit_transform(X)  # statistics from all 600 rows
    score = cross_val_score(knn, X_scaled, y, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
wrong_traces["normalisation"] = t

# %% [markdown]
# **Right** — the scaler inside the Pipeline, refitted on each training part:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    score = cross_val_score(make_pipeline(StandardScaler(), knn), X, y, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
right_traces["normalisation"] = t

# %% [markdown]
# The same two protocols on 12 tables of each shape:

# %% tags=["nbval-check-output"]
def scaling(shape):
    def leaky(seed):
        X, y = make_table(seed, **shape)
        return cross_val_score(knn, StandardScaler().fit_transform(X), y, cv=folds(seed)).mean()

    def honest(seed):
        X, y = make_table(seed, **shape)
        return cross_val_score(make_pipeline(StandardScaler(), knn), X, y, cv=folds(seed)).mean()

    return leaky, honest


measure("normalisation", "usual", "tall table", scaling(TALL))
measure("normalisation", "grows", "wide table (still noise)", scaling(WIDE))

# %% [markdown]
# On the tall table the gap is a few thousandths, of either sign from seed to seed: the mean
# of 480 training rows and the mean of all 600 rows are nearly the same number, and a scaler
# applies one fixed transformation to every row. On the wide table the gap is a few
# hundredths, with a spread larger than the gap itself: the leaky protocol is ahead on some
# seeds and behind on others, which is noise. Large studies of real tables find the same: scaling before the split almost never
# changes a score by more than noise. Small is not zero, though, and the tracer flags the
# mistake either way.
#
# ### How many seeds does it take to tell a gap of 0.01 from noise?
#
# Suppose a leak added 0.01 of accuracy. Could you see it? It depends on how noisy one
# measurement is. Compare two spreads on the tall table: the spread of one protocol's score
# from table to table, and the spread of the *paired* gap (both protocols on the same table).

# %% tags=["nbval-check-output"]
r = results["normalisation"]["usual"]
print(f"one protocol's score varies by {r.honest_std:.3f} from table to table")
print(f"the paired gap varies by       {r.gap_std:.3f} from table to table")

# %% [markdown]
# The mean of `n` independent measurements has a standard error of `std / sqrt(n)`. A gap
# stands out from noise when it is at least about twice its standard error, so a gap of 0.01
# needs `n >= (2 * std / 0.01) ** 2` seeds:

# %% tags=["nbval-check-output"]
def seeds_needed(std, gap=0.01):
    return int(np.ceil((2 * std / gap) ** 2))


print(f"paired gaps (same tables for both protocols): seeds needed = {seeds_needed(r.gap_std)}")
print(f"two unpaired scores (different tables):       seeds needed = {seeds_needed(np.sqrt(2) * r.honest_std)}")
print(f"one train/test split, accuracy near 0.8:      test rows needed = {int(np.ceil(0.8 * 0.2 / (0.01 / 2) ** 2))}")

# %% [markdown]
# Pairing is what makes a small gap measurable: run both protocols on the same data, and the
# table-to-table noise cancels. Comparing two scores measured on different data needs many
# times more seeds, and a single split needs thousands of test rows before a difference of
# 0.01 means anything. (The last line is the binomial standard error of an accuracy,
# `sqrt(p (1 - p) / n)`, set to half of 0.01.) This is why every gap in this course comes with
# its spread and a count of seeds.

# %% [markdown]
# ## 2. Imputation: tiny, unless the imputer sees the target
#
# Filling a missing cell with its column mean is the most common imputation. Fitted on all
# rows, the fill value is partly computed from held-out rows. In pandas it is one line,
# `df.fillna(df.mean())`. We make 30 % of the cells of the tall table missing.

# %%
X_missing, y_missing = make_table(0, **TALL, missing=0.3)
frame = pd.DataFrame(X_missing, columns=[f"x{i}" for i in range(X_missing.shape[1])])

# %% [markdown]
# **Predict, then run.** Will the pandas one-liner before the split inflate the score? These
# two cells have no `with leakkit.trace()`: the first cell of the notebook ran
# `%load_ext leakkit`, which traces every cell and shows a box under the one that completes a
# leak. Will a box appear?
#
# **Wrong** — fill with the means of all rows, then cross-validate:

# %% tags=["nbval-check-output"]
filled = frame.fillna(frame.mean())  # column means from all 600 rows
score = cross_val_score(scaled_knn, filled, y_missing, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")

# %% [markdown]
# **Right** — a `SimpleImputer` (the same column means) inside the Pipeline:

# %% tags=["nbval-check-output"]
score = cross_val_score(make_pipeline(SimpleImputer(), scaled_knn), frame, y_missing, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")

# %% [markdown]
# The box under the **Wrong** cell is the live check (code LK106, `statistic_saw_held_out`):
# `frame.mean()` read every row, the folds of `cross_val_score` then held some of them out,
# and the filled values reached the model. The tracer follows pandas and numpy statistics
# (means, medians, quantiles, group means, correlations) into the data a model is fitted or
# scored on. No box under the **Right** cell: each fold's `SimpleImputer` computed its means
# from that fold's training rows.

# %% tags=["nbval-check-output"]
def mean_imputation(shape):
    def leaky(seed):
        X, y = make_table(seed, **shape, missing=0.3)
        frame = pd.DataFrame(X)
        return cross_val_score(scaled_knn, frame.fillna(frame.mean()), y, cv=folds(seed)).mean()

    def honest(seed):
        X, y = make_table(seed, **shape, missing=0.3)
        return cross_val_score(make_pipeline(SimpleImputer(), scaled_knn), X, y, cv=folds(seed)).mean()

    return leaky, honest


measure("imputation", "usual", "mean, tall table", mean_imputation(TALL))

# %% [markdown]
# Next to nothing, for the same reason as scaling: a column mean barely moves when a fifth of
# the rows is added, and it never looks at the labels.
#
# Now a common variant. Someone imputes the *whole* table, label column included, with a
# smarter imputer that fills each gap from the most similar rows (`KNNImputer`), and only then
# splits off `X` and `y`. Similar rows now include rows with the same label, so each filled-in
# value carries a little of its own row's label.
#
# **Predict, then run.** Same table, same model, only the imputer differs. Bigger gap or not?
#
# **Wrong** — impute the whole table, target included, then cross-validate:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    table = np.column_stack([X_missing, y_missing])  # the label is one more column
    X_imputed = KNNImputer().fit_transform(table)[:, :-1]
    score = cross_val_score(scaled_knn, X_imputed, y_missing, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
wrong_traces["imputation"] = t

# %% [markdown]
# **Right** — impute the features only, inside the Pipeline (at prediction time nobody knows
# the label, so the imputer cannot use it):

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    score = cross_val_score(make_pipeline(KNNImputer(), scaled_knn), X_missing, y_missing, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
right_traces["imputation"] = t

# %% tags=["nbval-check-output"]
def target_imputation(shape):
    def leaky(seed):
        X, y = make_table(seed, **shape, missing=0.3)
        X_imputed = KNNImputer().fit_transform(np.column_stack([X, y]))[:, :-1]
        return cross_val_score(scaled_knn, X_imputed, y, cv=folds(seed)).mean()

    def honest(seed):
        X, y = make_table(seed, **shape, missing=0.3)
        return cross_val_score(make_pipeline(KNNImputer(), scaled_knn), X, y, cv=folds(seed)).mean()

    return leaky, honest


measure("imputation", "grows", "KNN imputer that sees the target", target_imputation(TALL))

# %% [markdown]
# Now the gap is clear on every seed. The more cells are missing, the more of the label gets
# written into the features. Any imputer fitted on a table that still holds the target leaks
# this way; an imputer that sees only the features, fitted on the training rows, cannot.
#
# ## 3. Feature selection: zero on tall data, large on wide data
#
# `SelectKBest` ranks features by how well each one separates the classes, **using the
# labels**. Fitted on all rows, it keeps the features that happen to agree with the held-out
# labels too. On the lab's wide table it keeps 20 of 2,000 features.
#
# **Predict, then run.** Among 2,000 gene-expression values and 80 samples, how far above
# chance (0.5) will the wrong order's accuracy climb?
#
# **Wrong** — select on all rows, then cross-validate:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_selected = SelectKBest(k=20).fit_transform(X_wide, y_wide)  # ranked with all 80 labels
    score = cross_val_score(scaled_knn, X_selected, y_wide, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
wrong_traces["feature selection"] = t

# %% [markdown]
# **Right** — select inside the Pipeline:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    score = cross_val_score(make_pipeline(SelectKBest(k=20), scaled_knn), X_wide, y_wide, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
right_traces["feature selection"] = t

# %% tags=["nbval-check-output"]
def selection(shape):
    k = shape["n_informative"]  # 3 of 10 on the tall table, 20 of 2,000 on the wide one

    def leaky(seed):
        X, y = make_table(seed, **shape)
        return cross_val_score(scaled_knn, SelectKBest(k=k).fit_transform(X, y), y, cv=folds(seed)).mean()

    def honest(seed):
        X, y = make_table(seed, **shape)
        return cross_val_score(make_pipeline(SelectKBest(k=k), scaled_knn), X, y, cv=folds(seed)).mean()

    return leaky, honest


measure("feature selection", "usual", "tall table", selection(TALL))
measure("feature selection", "grows", "wide table", selection(WIDE))

# %% [markdown]
# The two tables part ways. On the tall table the three informative features stand out so
# clearly that every training part finds the same three: the two protocols select the same
# features and score the same. On the wide table, 2,000 candidate features and 80 rows mean
# that many pure-noise features agree with the labels by chance. Selecting on all rows picks
# those that agree with the *held-out* labels as well, and the accuracy jumps; the honest
# pipeline has to find the signal without that help.
#
# ## 4. Outlier removal: the test set gets easier
#
# An outlier detector decides which rows look abnormal; dropping them before the split does
# two things. The detector's idea of "normal" is learned from the held-out rows, and, more
# important, the held-out rows themselves lose the cases that are hardest to predict. In
# production nobody removes the awkward loan files before the model sees them. The honest
# protocol fits the detector on the training rows, drops training outliers only, and scores
# **every** held-out row.
#
# A detector is not a transformer, so it cannot go in a plain `Pipeline`; the Right version
# writes the folds out.
#
# **Predict, then run.** Will scoring on a cleaned test set raise the accuracy?
#
# **Wrong** — drop outliers found among all rows, then cross-validate:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    keep = LocalOutlierFactor().fit_predict(X) == 1  # judged against all 600 rows
    score = cross_val_score(scaled_knn, X[keep], y[keep], cv=folds(0)).mean()
print(f"{(~keep).sum()} rows removed; cross-validated accuracy on the rest: {score:.3f}")
show(t)
wrong_traces["outlier removal"] = t

# %% [markdown]
# **Right** — in each fold, drop outliers among the training rows only, and score every
# held-out row:

# %% tags=["nbval-check-output"]
def outliers_in_folds(X, y, seed):
    scores = []
    for train, test in folds(seed).split(X, y):
        keep = LocalOutlierFactor().fit_predict(X[train]) == 1  # judged against training rows
        fitted = scaled_knn.fit(X[train][keep], y[train][keep])
        scores.append(fitted.score(X[test], y[test]))  # every held-out row is scored
    return np.mean(scores)


with leakkit.trace() as t:
    score = outliers_in_folds(X, y, 0)
print(f"cross-validated accuracy on every held-out row: {score:.3f}")
show(t)
right_traces["outlier removal"] = t

# %% tags=["nbval-check-output"]
def outliers(shape):
    def leaky(seed):
        X, y = make_table(seed, **shape)
        keep = LocalOutlierFactor().fit_predict(X) == 1
        return cross_val_score(scaled_knn, X[keep], y[keep], cv=folds(seed)).mean()

    def honest(seed):
        X, y = make_table(seed, **shape)
        return outliers_in_folds(X, y, seed)

    return leaky, honest


measure("outlier removal", "usual", "tall table", outliers(TALL))
measure("outlier removal", "grows", "10 % corrupted records", outliers({**TALL, "corrupt": 0.10}))

# %% [markdown]
# With 5 % of corrupted records the gap is small, positive on most seeds but not much larger
# than its spread. The leaky protocol grades itself on a cleaned test set, from which many
# corrupted records (whose labels are random) have gone; the size is roughly the share of rows
# removed times how much worse the model does on them. Double the share of corrupted records
# and the gap is positive on every seed, well above its spread: the dirtier the data, the
# more the wrong order flatters the model.
#
# ## 5. Dimensionality reduction: small on tall data, large on wide data
#
# PCA learns the directions along which the rows vary most. Fitted on all rows, those
# directions are partly defined by the held-out rows. With many more features than rows, this
# matters: directions fitted on the training rows alone capture a *new* row poorly (its
# coordinates shrink towards zero), while a row that helped define the directions sits
# comfortably inside them. The leaky protocol is graded on rows of the second kind.
#
# To show it we need data that PCA is good for: a wide table driven by a few hidden factors,
# here 60 samples with 5,000 features driven by five factors, the first of which decides the
# label.

# %%
def factor_table(seed, n_rows=60, n_features=5000):
    """Features driven by five hidden factors plus noise; the label follows the first factor."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n_rows, 5))
    X = 0.2 * factors @ rng.normal(size=(5, n_features)) + 3 * rng.normal(size=(n_rows, n_features))
    y = (factors[:, 0] + 0.5 * rng.normal(size=n_rows) > 0).astype(int)
    return X, y


def projection(n_components):
    return make_pipeline(StandardScaler(), PCA(n_components=n_components, random_state=0))


knn5 = KNeighborsClassifier(n_neighbors=5)
X_factor, y_factor = factor_table(0)

# %% [markdown]
# **Predict, then run.** PCA never looks at the labels. Can fitting it on all rows still
# inflate the score?
#
# **Wrong** — project all rows on 5 components, then cross-validate:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_projected = projection(5).fit_transform(X_factor)  # directions from all 60 rows
    score = cross_val_score(knn5, X_projected, y_factor, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
wrong_traces["dimensionality reduction"] = t

# %% [markdown]
# **Right** — fit the projection inside the Pipeline:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    score = cross_val_score(make_pipeline(projection(5), knn5), X_factor, y_factor, cv=folds(0)).mean()
print(f"cross-validated accuracy: {score:.3f}")
show(t)
right_traces["dimensionality reduction"] = t

# %% tags=["nbval-check-output"]
def pca(table, n_components, model):
    def leaky(seed):
        X, y = table(seed)
        return cross_val_score(model, projection(n_components).fit_transform(X), y, cv=folds(seed)).mean()

    def honest(seed):
        X, y = table(seed)
        return cross_val_score(make_pipeline(projection(n_components), model), X, y, cv=folds(seed)).mean()

    return leaky, honest


measure("dimensionality reduction", "usual", "tall table, 3 components",
        pca(lambda seed: make_table(seed, **TALL), 3, knn))
measure("dimensionality reduction", "grows", "wide factor table, 5 components", pca(factor_table, 5, knn5))

# %% [markdown]
# On the tall table the principal axes of 480 rows and of 600 rows are nearly the same, and
# the gap is lost in the noise. On the wide factor table the leaky protocol scores higher on
# every seed, by far more than the spread: PCA does not need the labels to leak, it only needs held-out rows to
# shape the space the model works in.

# %% [markdown]
# ## All five, side by side
#
# For each step, the gap (leaky minus honest accuracy, mean ± standard deviation over the 12
# seeds) in the usual case, a tall table, and in the regime where it can grow.

# %% tags=["nbval-check-output"]
summary = pd.DataFrame({
    step: {"usual case": r["usual"].name.split(", ", 1)[1], "gap": r["usual"].gap_text(),
           "where it can grow": r["grows"].name.split(", ", 1)[1], "gap ": r["grows"].gap_text()}
    for step, r in results.items()
}).T
print(summary.to_string())
selection_gap = results["feature selection"]["grows"].gap_mean
print(f"\nselection before the split, per 100 new tissue samples: "
      f"{100 * selection_gap:.0f} more correct diagnoses promised than the model makes")

# %%
short = {"normalisation": "scale", "imputation": "impute", "feature selection": "select",
         "outlier removal": "outliers", "dimensionality reduction": "PCA"}
with use_style():
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
for ax, (regime, label) in zip(axes, [("usual", "The usual case (tall table)"), ("grows", "Where a leak can grow")]):
    frame = pd.DataFrame([{**r[regime].to_dict(), "experiment": short[step]} for step, r in results.items()])
    worst = frame.loc[frame["gap"].idxmax()]
    score_gap(frame, ax=ax, metric="accuracy",
              title=f"{label}: largest gap {worst['gap']:+.2f} ({worst['experiment']})")
plt.show()

# %% [markdown]
# The pattern is the one to remember:
#
# - **Scaling and mean imputation** learn a few numbers about the features. The held-out
#   rows barely change them: the gap is a few thousandths on the tall table, and on the wide
#   one smaller than its own spread.
# - **Steps that learn from the labels** (feature selection here, an imputer fed the target
#   column, target encoding in the next notebook) write the held-out labels into the data. When
#   features outnumber rows, or many cells are filled in, the score inflates by a margin no
#   seed-to-seed noise explains.
# - **PCA** learns only about the features, yet on wide data the held-out rows shape the space
#   the model works in, and the leaky protocol is graded on rows that helped build it.
# - **Outlier removal** changes the test set itself; its gap scales with how much, and how
#   badly, the removed rows would have been predicted.
#
# In the lab's terms: on 100 new tissue samples, the wrong order of feature selection
# promises about 25 more correct diagnoses than the model will make (the last line above).
# A leak you have measured as tiny on one table can be large on the
# next, and you rarely get to measure it on the data you care about. The fix costs nothing:
# fit every step after the split.
#
# ## The tracer does not care about size
#
# The **Wrong** and **Right** cells that used scikit-learn steps ran under `leakkit.trace`.
# The tracer records which rows each fit saw and which rows each split held out, and follows
# rows through transform outputs, so it does not need the leak to be large to see it. The
# cell below collects its verdicts.

# %% tags=["nbval-check-output"]
for step in wrong_traces:
    wrong = sorted({f.check for f in wrong_traces[step].findings}) or ["(nothing)"]
    right = sorted({f.check for f in right_traces[step].findings}) or ["(nothing)"]
    print(f"{step:<26} wrong: {', '.join(wrong):<31} right: {', '.join(right)}")

# %% [markdown]
# Five leaks caught, five correct versions left alone. Doing every preprocessing step with an
# estimator inside a `Pipeline` is what makes the mistake both impossible and checkable.
# Statistics computed by hand (`df.fillna(df.mean())`, a z-score computed with pandas) leak the
# same way; the tracer follows the common forms (the box under the pandas **Wrong** cell of
# section 2), not every one: a statistic bent by more arithmetic before use (`mean + 3 * std`
# as a cap), numpy array methods (`X.mean(axis=0)`) and `scipy.stats.zscore` go unseen. Keep
# them out of the code that runs before the split.
#
# ## Takeaways
#
# - Split first. Fit every preprocessing step (scaler, imputer, selector, outlier detector,
#   PCA) on the training rows only, and apply the fitted step to both sides; a `Pipeline` does
#   this for you, in every fold.
# - Scaling and mean imputation before the split are usually tiny leaks; selection, anything
#   that sees the target, PCA on wide data and outlier removal are not.
# - How much a leak inflates a score depends on the step and on the data's shape: the same
#   mistake can cost nothing on a tall table and a quarter of the accuracy on a wide one.
# - Measure a gap over several seeds, pairing the protocols on the same data: a single split
#   cannot tell a gap of 0.01 from noise.
# - `leakkit.trace` flags a fit that saw held-out rows whatever the size of the damage.
#
# **Next:** notebook 05 walks through the right order transformer by transformer, including
# the dramatic case of target encoding. Then practise both in the exercise
# `exercises/split_preprocessing/`.
