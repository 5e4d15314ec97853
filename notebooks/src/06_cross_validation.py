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
# # Cross-validation: every fold is a mini-experiment
#
# Cross-validation repeats the train/test experiment several times, each time holding out
# a different part of the data. It only measures what it claims to measure if **each
# repetition replays the whole recipe** using its training rows alone: every fit, including
# the preprocessing, and every choice, including the hyper-parameters. And the held-out rows
# must be as new to the model as tomorrow's data will be: another patient, a later day.
#
# **You will learn**
#
# - why feature selection done before cross-validation makes pure noise look predictable
#   (the classic example of *The Elements of Statistical Learning*, section 7.10.2);
# - why the visits of one patient must stay on one side of every split (`GroupKFold`);
# - why time-ordered data needs forward splits with a gap (`TimeSeriesSplit`);
# - why the best score of a grid search is optimistic, and how nested cross-validation
#   gives an honest estimate.

# %%
# %load_ext leakkit
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import (GridSearchCV, GroupKFold, KFold, ParameterGrid, StratifiedKFold,
                                     TimeSeriesSplit, cross_val_score)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

import leakkit
import leakkit.plot
from leakkit.datasets import make_esl_null, make_patients, make_sales
from leakkit.evaluate import format_gap

# %% [markdown]
# ## Preprocessing belongs inside each fold
#
# *The Elements of Statistical Learning* (Hastie, Tibshirani and Friedman, section 7.10.2)
# tells the story of a study with 50 samples in two equal classes and 5,000 predictors.
# The analyst:
#
# 1. picks the 100 predictors most correlated with the class labels, using all 50 samples;
# 2. builds a 1-nearest-neighbour classifier on those 100 predictors;
# 3. estimates its error with 5-fold cross-validation.
#
# Here the predictors are pure noise, independent of the labels, so the true error of any
# classifier is 50 %. `make_esl_null` generates exactly this setup.

# %%
X, y = make_esl_null(n_samples=50, n_features=5000, random_state=0)
print("X:", X.shape, "  samples per class:", np.bincount(y))

# %% [markdown]
# Both protocols below are written as explicit loops over the folds, so you can see where
# each fit happens. `SelectKBest(f_classif, k=100)` ranks predictors by their F statistic,
# which for two classes orders them exactly as the absolute correlation with the label does.
#
# **Predict, then run.** The predictors are pure noise, so any classifier is wrong half the
# time. What cross-validated error will the wrong protocol report: 0.5, 0.3, or less?
#
# **Wrong** — select the predictors once, on all 50 samples, then cross-validate the
# classifier on them. Each fold's held-out samples helped choose the predictors.

# %%
def wrong_way(X, y, cv):
    X_selected = SelectKBest(f_classif, k=100).fit_transform(X, y)  # sees every sample
    errors = []
    for train, test in cv.split(X):
        knn = KNeighborsClassifier(n_neighbors=1).fit(X_selected[train], y[train])
        errors.append(np.mean(knn.predict(X_selected[test]) != y[test]))
    return np.mean(errors)


# %% [markdown]
# **Right** — inside each fold, select on the training samples only, then apply that
# selection to the held-out samples.

# %%
def right_way(X, y, cv):
    errors = []
    for train, test in cv.split(X):
        selector = SelectKBest(f_classif, k=100).fit(X[train], y[train])  # training rows only
        knn = KNeighborsClassifier(n_neighbors=1).fit(selector.transform(X[train]), y[train])
        errors.append(np.mean(knn.predict(selector.transform(X[test])) != y[test]))
    return np.mean(errors)


# %% [markdown]
# One data set gives one number per protocol; to see the spread, ESL repeats the study on
# fresh noise. We run 20 simulations, each with its own data and its own folds.

# %%
N_SIMULATIONS = 20
wrong_errors, right_errors = [], []
for seed in range(N_SIMULATIONS):
    X, y = make_esl_null(n_samples=50, n_features=5000, random_state=seed)
    cv = KFold(n_splits=5, shuffle=True, random_state=seed)
    wrong_errors.append(wrong_way(X, y, cv))
    right_errors.append(right_way(X, y, cv))
wrong_errors, right_errors = np.array(wrong_errors), np.array(right_errors)

# %% tags=["nbval-check-output"]
print(f"{N_SIMULATIONS} simulations, 5-fold CV error of 1-nearest-neighbour (true error: 0.50)")
print(f"  wrong way (select on all samples): mean {wrong_errors.mean():.3f}, std {wrong_errors.std():.3f}, "
      f"max {wrong_errors.max():.2f}")
print(f"  right way (select inside folds)  : mean {right_errors.mean():.3f}, std {right_errors.std():.3f}, "
      f"min {right_errors.min():.2f}")
print(f"  gap in error (leaky minus honest): {np.mean(wrong_errors - right_errors):+.3f} "
      f"± {np.std(wrong_errors - right_errors):.3f}")
print("  ESL's ranges hold (wrong mean <= 0.10, right mean >= 0.40):",
      wrong_errors.mean() <= 0.10 and right_errors.mean() >= 0.40)

# %% [markdown]
# The wrong way reports an error close to zero for a classifier that is guessing (the book
# quotes 3 %). The right way lands around 50 %, the truth.

# %%
leakkit.plot.distribution_comparison(
    {"wrong way: select on all samples": wrong_errors, "right way: select inside each fold": right_errors},
    kinds=["leaky", "honest"], reference=0.5, reference_label="true error", bins=20,
    xlabel="5-fold cross-validated error",
    title=(f"On pure noise, selecting before CV reports an error of {wrong_errors.mean():.2f}; "
           f"selecting inside each fold reports {right_errors.mean():.2f}"),
)
plt.show()

# %% [markdown]
# Why does it work so well on noise? With 5,000 noise predictors and only 50 samples, some
# predictors separate the two classes *by chance* — on these 50 samples, including the 10
# that a fold will later hold out. Choosing predictors with all 50 samples picks exactly those
# that happen to classify the held-out samples correctly, so the held-out fold is no longer
# new to the model. Selecting within each fold picks predictors that fit the 40 training
# samples by chance, and chance does not carry over to the other 10.
#
# The same rule covers every step that learns something from data: scaling, imputation,
# encoding, dimensionality reduction, outlier removal. In scikit-learn you do not write the
# loop yourself: put the steps in a `Pipeline` and give it to `cross_val_score`, which fits
# the whole pipeline inside each fold. On the first simulated data set, with the same folds,
# the pipeline gives the right-way number and the pre-selected data the wrong-way number:

# %% tags=["nbval-check-output"]
X, y = make_esl_null(n_samples=50, n_features=5000, random_state=0)
cv = KFold(n_splits=5, shuffle=True, random_state=0)
pipeline = make_pipeline(SelectKBest(f_classif, k=100), KNeighborsClassifier(n_neighbors=1))
pipeline_error = 1 - cross_val_score(pipeline, X, y, cv=cv).mean()
preselected_error = 1 - cross_val_score(
    KNeighborsClassifier(n_neighbors=1), SelectKBest(f_classif, k=100).fit_transform(X, y), y, cv=cv
).mean()
print(f"Pipeline in cross_val_score: {pipeline_error:.3f}   (right-way loop: {right_errors[0]:.3f})")
print(f"selection before cross_val_score: {preselected_error:.3f}   (wrong-way loop: {wrong_errors[0]:.3f})")

# %% [markdown]
# Notebook 07 builds such pipelines for real, mixed-type data, and proves with a tracer that
# no fit saw held-out rows.
#
# ## Groups: the same patient in train and test
#
# Cross-validation assumes the held-out rows are new. When one patient contributes several
# visits, a random split puts some of their visits in training and others in the held-out
# fold: the model can recognise the patient (their personal levels of every marker) and
# recall their diagnosis, instead of learning what the diagnosis does to the markers.
#
# `make_patients` makes 60 patients with 8 visits each; the diagnosis moves two markers only a
# little, so what generalises to new patients is weak, while each patient's signature is strong.

# %%
patients = make_patients(n_patients=60, visits_per_patient=8, random_state=0)
features = [c for c in patients.honest_columns if c != "sex"]  # numeric features only
print(patients.frame[["patient_id", "visit", "age", "marker_1", "marker_2", "diagnosis"]].head(4).to_string())
print("rows:", len(patients.frame), " patients:", patients.frame["patient_id"].nunique())

# %% [markdown]
# **Predict, then run.** The diagnosis moves two markers only a little. With shuffled folds,
# will the accuracy be close to a coin flip or close to perfect?
#
# **Wrong** — shuffled `KFold`: the held-out visits belong to patients seen in training.

# %%
model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5))


def patients_kfold(seed):
    sc = make_patients(n_patients=60, visits_per_patient=8, random_state=seed)
    cv = KFold(n_splits=5, shuffle=True, random_state=seed)
    return cross_val_score(model, sc.frame[features], sc.y, cv=cv).mean()


# %% [markdown]
# **Right** — `GroupKFold` on `patient_id`: all visits of a patient are held out together,
# so every fold is scored on patients the model has never seen.

# %%
def patients_groupkfold(seed):
    sc = make_patients(n_patients=60, visits_per_patient=8, random_state=seed)
    cv = GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    return cross_val_score(model, sc.frame[features], sc.y, cv=cv, groups=sc.frame["patient_id"]).mean()


# %% [markdown]
# How many held-out visits belong to a patient who is also in the training part? For the first
# fold of each splitter:

# %% tags=["nbval-check-output"]
pid = patients.frame["patient_id"].to_numpy()
for name, cv in [("KFold", KFold(5, shuffle=True, random_state=0)),
                 ("GroupKFold", GroupKFold(5, shuffle=True, random_state=0))]:
    train, test = next(cv.split(patients.frame, groups=pid if name == "GroupKFold" else None))
    shared = np.isin(pid[test], pid[train]).sum()
    print(f"{name:>10}: {shared} of {len(test)} held-out visits are of patients also in training")

# %% [markdown]
# `leakkit.optimism_gap` runs both protocols on the same five seeds (new patients each time)
# and reports the gap, leaky minus honest, with its spread.

# %% tags=["nbval-check-output"]
groups_gap = leakkit.optimism_gap(patients_kfold, patients_groupkfold, seeds=5, name="patients")
print(f"accuracy, shuffled KFold: {groups_gap.leaky_mean:.3f} ± {groups_gap.leaky_std:.3f}")
print(f"accuracy, GroupKFold    : {groups_gap.honest_mean:.3f} ± {groups_gap.honest_std:.3f}")
print(f"gap (leaky minus honest): {groups_gap.gap_text()} over {groups_gap.n_seeds} seeds")
print(f"per 100 new patients: {100 * (1 - groups_gap.leaky_mean):.0f} misdiagnoses promised, "
      f"{100 * (1 - groups_gap.honest_mean):.0f} to expect")

# %%
leakkit.plot.score_gap(
    pd.DataFrame([groups_gap.to_dict()]), metric="accuracy", labels=("shuffled KFold", "GroupKFold"),
    title=f"Visits of one patient on both sides inflate accuracy by {groups_gap.gap_mean:.2f}",
)
plt.show()

# %% [markdown]
# Near-perfect accuracy with random folds, only a little better than a coin with patient-wise
# folds: the model had learnt to recognise patients. A clinic trusting the shuffled folds would
# plan for a handful of misdiagnoses per hundred new patients and get about forty. Whenever rows come in groups (patients,
# customers, machines, sessions, images of the same object) and the model will meet *new*
# groups, split by group.
#
# ## Time: training on the future
#
# `make_sales` gives two years of a shop's daily sales with a trend, weekly and yearly cycles,
# promotions, a drifting level and a competitor opening. The honest features are calendar
# fields, the promotion flag and lags of at least 7 days, so the model forecasts one week
# ahead. We keep the last 20 % of the days aside as "the future", and estimate the error of a
# decision tree on the first 80 %.

# %%
sales = make_sales(n_days=730, random_state=0)
X_sales, y_sales = sales.frame[sales.honest_columns], sales.y
cut = int(0.8 * len(X_sales))
print("development days:", cut, " future days:", len(X_sales) - cut - 7, "(after a gap of 7 days)")
print("features:", ", ".join(sales.honest_columns))

# %% [markdown]
# **Predict, then run.** Which of the two estimates below will come closer to the error the
# model makes on the days after the development period?
#
# **Wrong** — shuffled `KFold`: to predict a held-out day the model trains on days before *and
# after* it, which share its drifting level and its regime.
#
# **Right** — `TimeSeriesSplit` with `gap=7`: each fold trains on the past only, skips 7 days
# (the forecast horizon: the shortest lag is 7 days), and tests on the next 60 days. This is
# what deployment looks like.

# %%
tree = DecisionTreeRegressor(min_samples_leaf=5, random_state=0)
kfold = KFold(n_splits=5, shuffle=True, random_state=0)
forward = TimeSeriesSplit(n_splits=5, test_size=60, gap=7)


def sales_errors(seed):
    sc = make_sales(n_days=730, random_state=seed)
    X, y = sc.frame[sc.honest_columns], sc.y
    X_dev, y_dev = X.iloc[:cut], y.iloc[:cut]
    mae = {}
    for name, cv in [("shuffled KFold", KFold(5, shuffle=True, random_state=seed)), ("TimeSeriesSplit", forward)]:
        mae[name] = -cross_val_score(tree, X_dev, y_dev, cv=cv, scoring="neg_mean_absolute_error").mean()
    fitted = tree.fit(X_dev, y_dev)  # then used for the future, a week after the last training day
    mae["actual future"] = mean_absolute_error(y.iloc[cut + 7:], fitted.predict(X.iloc[cut + 7:]))
    return mae


# %%
leakkit.plot.fold_diagram(
    list(forward.split(X_sales.iloc[:cut])), cut,
    title="TimeSeriesSplit: each fold trains on the past, skips 7 days, tests on the next 60",
)
plt.show()

# %% tags=["nbval-check-output"]
time_results = pd.DataFrame([sales_errors(seed) for seed in range(10)])
summary = time_results.agg(["mean", "std"]).T
print(f"mean absolute error of the forecast, {len(time_results)} shops (lower is better)")
print(summary.round(2).to_string())
time_gap = time_results["shuffled KFold"] - time_results["TimeSeriesSplit"]
print(f"estimated error, leaky minus honest: {format_gap(time_gap.mean(), time_gap.std(), 2)} "
      f"(negative: the shuffled folds promise the smaller error, on {(time_gap < 0).sum()} of {len(time_gap)} shops)")
understated = time_results["actual future"] - time_results["shuffled KFold"]
print(f"shuffled KFold understates the future error by {understated.mean():.2f} units a day "
      f"({understated.mean() / time_results['actual future'].mean():.0%} of it)")

# %%
means = summary["mean"]
leakkit.plot.score_bars(
    {"shuffled KFold": means["shuffled KFold"], "TimeSeriesSplit, gap 7": means["TimeSeriesSplit"],
     "actual future": means["actual future"]},
    kinds=["leaky", "honest", "neutral"], metric="mean absolute error",
    title=(f"Shuffled folds promise an error of {means['shuffled KFold']:.1f}; forward folds "
           f"say {means['TimeSeriesSplit']:.1f}; the future delivered {means['actual future']:.1f}"),
)
plt.show()

# %% [markdown]
# The forward folds predict the error the model really makes on later days; the shuffled
# folds promise less error than the future delivers. (Their spread over seeds is larger: each
# forward fold scores a shorter, harder stretch of time, which is the honest price of asking
# the right question.)
#
# ## Tuning on the folds you report
#
# A grid search tries many settings and keeps the one with the best cross-validated score.
# That best score is the maximum of many noisy estimates, so it is biased upwards: the winner
# won partly by luck on *these* folds. Reporting it as the model's performance is using the
# held-out folds twice, once to choose and once to grade.
#
# Nested cross-validation keeps the two apart: an outer loop holds out a fold, an inner grid
# search tunes on the remaining rows only, and the tuned model is scored once on the outer fold.
# To see the bias clearly we use balanced pure noise: `make_esl_null` with 48 samples and 10
# predictors, labels independent of them. With stratified folds every held-out part is half
# of each class, so the true accuracy of every setting is exactly what a coin gets: 0.5. We
# tune an RBF support vector machine over 9 settings and repeat the experiment on fresh noise.

# %%
param_grid = {"C": [0.1, 1, 10], "gamma": [0.01, 0.1, 1]}


def tuning_trial(seed):
    X, y = make_esl_null(n_samples=48, n_features=10, random_state=seed)
    inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    outer = StratifiedKFold(n_splits=4, shuffle=True, random_state=seed + 1000)
    search = GridSearchCV(SVC(), param_grid, cv=inner)
    # Wrong: tune and report on the same folds.
    best_score = search.fit(X, y).best_score_
    # Right: nested CV; the outer folds never take part in tuning.
    nested_score = cross_val_score(search, X, y, cv=outer).mean()
    return best_score, nested_score


# %% [markdown]
# **Wrong** is `search.fit(X, y).best_score_`; **Right** is `cross_val_score(search, X, y,
# cv=outer)`: the same search object, cloned and refitted inside each outer training part.
#
# **Predict, then run.** The labels are random. Will the best of nine settings report an
# accuracy above 0.5, and will nested CV?

# %% tags=["nbval-check-output"]
trials = pd.DataFrame([tuning_trial(seed) for seed in range(20)], columns=["best grid-search score", "nested CV"])
trials.insert(0, "trial", np.arange(1, len(trials) + 1))
print(trials.head(5).round(3).to_string(index=False), f"\n... {len(trials)} trials in all")
tuning_gap = trials["best grid-search score"] - trials["nested CV"]
print(f"mean best grid-search score {trials['best grid-search score'].mean():.3f}, "
      f"above 0.5 in {int((trials['best grid-search score'] > 0.5).sum())} of {len(trials)} trials")
print(f"mean nested CV score {trials['nested CV'].mean():.3f}")
print(f"gap (leaky minus honest): {format_gap(tuning_gap.mean(), tuning_gap.std())} over {len(trials)} trials;"
      f" best score above nested in {int((tuning_gap > 0).sum())} of {len(trials)}")

# %%
leakkit.plot.score_strips(  # one dot per trial: the trials are independent, so nothing joins them
    {"best grid-search score": trials["best grid-search score"], "nested CV": trials["nested CV"]},
    kinds=["leaky", "honest"], reference=0.5, reference_label="true accuracy", metric="accuracy",
    title=(f"On noise, the best of {len(ParameterGrid(param_grid))} settings scores "
           f"{trials['best grid-search score'].mean():.2f} on average; nested CV says {trials['nested CV'].mean():.2f}"),
)
plt.show()

# %% [markdown]
# The best grid-search score sits above 0.5 in most trials, though no setting can beat a
# coin on random labels; nested CV scatters around the truth, about 0.5 on average. A team
# reporting the grid search's number would announce a model that "beats chance" when it is a
# coin. The more settings you try
# and the smaller the data, the larger this optimism. Use the grid search to *choose* the
# model; use nested CV (or a test set touched once, after all choices) to *report* it.
#
# ## Takeaways
#
# - Cross-validation replays the whole experiment in each fold: every step that learns from
#   data (selection, scaling, imputation, encoding, tuning) must be fitted on that fold's
#   training rows only. A `Pipeline` in `cross_val_score` does this for you.
# - Feature selection on all rows makes noise look like signal: ESL's 5,000 noise predictors
#   give a cross-validated error close to 0 % instead of 50 %.
# - Held-out rows must be new in the way production data is new: split by patient (or
#   customer, machine...) with `GroupKFold`, and by time with `TimeSeriesSplit` and a gap as
#   long as the forecast horizon.
# - The best score of a grid search is optimistic; report nested CV or a once-used test set.
#
# Next: notebook 07 builds the cure, pipelines for mixed data, and proves with `leakkit.trace`
# that no fit saw held-out rows. Then practise with the exercise in
# `exercises/cv_pipelines/`.
