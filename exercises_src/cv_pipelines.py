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
# # Exercise 3: cross-validation and pipelines
#
# This exercise follows notebooks 06 and 07. You will write four functions:
#
# 1. `wide_cv_score`: a Pipeline for data with far more columns than rows, and its
#    cross-validated accuracy;
# 2. `grouped_cv_score`: cross-validation that keeps each patient on one side of every split;
# 3. `forward_cv_error`: cross-validation that trains on the past and tests on the future;
# 4. `nested_cv_score`: the honest accuracy of a model tuned with a grid search;
#
# and then explain, in a few sentences, why the best score of a grid search is not the
# score to report.
#
# **How you are graded.** Each test cell prints lines starting with `Correct:` when your
# function passes, or fails with a message saying what is wrong and how to fix it. When
# your work is graded, hidden tests run your functions again on **new data generated at
# grading time**: under `leakkit.trace` (which records every fit and tells whether one saw
# held-out rows), on labels that are pure noise (where an honest score sits at chance), and
# with models that record which rows each fit saw and which rows each prediction scored.
# Hard-coded numbers earn nothing; any honest implementation (another model, scaler,
# splitter, number of folds...) earns full marks. Keep `n_jobs` at its default: work sent
# to other processes cannot be checked. Part 4 is graded by hand.
#
# Write your answers in the cells that say `YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Do not rename the functions or change their arguments.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# %load_ext leakkit
import numpy as np
import pandas as pd
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV, GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit, cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

import leakkit
from leakkit import grading
from leakkit.datasets import make_esl_null, make_patients, make_sales


def make_wide(n_samples=200, n_features=2000, *, signal=True, random_state=0):
    """Wide data (far more columns than rows), half the rows in each class. With signal=True the
    first 10 columns carry the label; with signal=False the labels are pure noise."""
    X, y = make_esl_null(n_samples=n_samples, n_features=n_features, random_state=random_state)
    if signal:
        X[:, :10] += 0.6 * (2 * y[:, None] - 1)
    return X, y


def make_visits(n_patients=60, visits_per_patient=8, *, effect=0.0, shuffle_labels=False, random_state=0):
    """Visits of patients: numeric features X, the diagnosis y, and the patient of each visit.

    Each patient has a personal level of every marker and one diagnosis for all visits.
    `effect` strengthens the link between the diagnosis and four markers; with
    `shuffle_labels=True` each patient gets a random diagnosis (labels that are pure noise)."""
    visits = make_patients(n_patients=n_patients, visits_per_patient=visits_per_patient,
                           random_state=random_state).frame
    diagnosis = visits.groupby("patient_id")["diagnosis"].first()
    if shuffle_labels:
        rng = np.random.default_rng(random_state)
        diagnosis = pd.Series(rng.permutation(diagnosis.to_numpy()), index=diagnosis.index)
    y = visits["patient_id"].map(diagnosis).rename("diagnosis")
    X = visits.drop(columns=["patient_id", "sex", "diagnosis"])
    for j in (1, 2, 3, 4):
        X[f"marker_{j}"] += effect * (2 * y - 1) * (1 if j % 2 else -1)
    return X, y, visits["patient_id"]


def make_days(n_days=730, *, scale=1.0, random_state=0):
    """Daily sales of a shop, in date order: features known a week ahead, and the sales."""
    sales = make_sales(n_days=n_days, random_state=random_state)
    X = sales.frame[sales.honest_columns].copy()
    for column in ["lag_7", "lag_14", "lag_28", "rolling_mean_7_lag_7"]:
        X[column] *= scale
    return X, sales.y * scale


X_wide, y_wide = make_wide(random_state=0)
X_visits, y_visits, patient_of_visit = make_visits(random_state=0)
X_days, y_days = make_days(random_state=0)
print(f"wide data: {X_wide.shape[0]} rows, {X_wide.shape[1]} columns")
print(f"visits: {len(X_visits)} rows of {patient_of_visit.nunique()} patients")
print(f"days: {len(X_days)} days in date order")

# %% [markdown]
# **Stuck?** Every part has hints and a solution, shown only when you ask. Run `part1.hint()`
# for a first nudge, `part1.hint(2)` for a more specific one, and `part1.solution()` to see one
# answer (you never need it to pass: any honest answer earns full marks). The same for
# `part2`, `part3`...

# %% nbgrader={"grade": false, "grade_id": "help", "locked": true, "schema_version": 3, "solution": false, "task": false}
part1, part2, part3, part4 = grading.parts("cv_pipelines")
part1

# %% [markdown]
# ## Part 1: a Pipeline for wide data (5 points)
#
# `X_wide` has 200 rows and 2,000 columns; only a few columns carry the label. A model
# needs fewer columns than that: keep the columns most related to the label
# (`SelectKBest`), then classify. Notebook 06 showed what goes wrong when the columns are
# chosen on all rows before cross-validation.
#
# Write `wide_cv_score(X, y)`: build a `Pipeline` (scaling if you like, feature selection,
# a classifier), and return its mean **cross-validated accuracy** on `X`, `y` as a float.
# Choose the model, the number of columns kept and the folds yourself; a good pipeline
# reaches an accuracy near 0.9 on this data.

# %% nbgrader={"grade": false, "grade_id": "wide_cv_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    ### BEGIN SOLUTION
    model = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=20), LogisticRegression())
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    return float(cross_val_score(model, X, y, cv=cv).mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_wide_signal", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
def _check_wide_signal(X, y):
    with leakkit.trace() as t:  # records the splits made and the predictions scored
        score = wide_cv_score(X, y)
    assert any(e.n_held_out for e in t.evaluations), (
        "wide_cv_score never scored a model on rows it was not fitted on, so its number does not measure anything. "
        "Return the mean of cross_val_score(your_pipeline, X, y, cv=...)."
    )
    score = grading.check_number(score, what="the accuracy wide_cv_score returned")
    assert 0.65 <= score <= 1.0, (
        f"On this data 10 columns carry the label, so an honest pipeline scores well above chance (0.5); yours "
        f"scores {score:.3f}. Keep the columns most related to the label (SelectKBest) inside the Pipeline, and "
        f"return the mean accuracy of cross_val_score."
    )
    print(f"Correct: with a real signal your pipeline scores {score:.3f}.")


_check_wide_signal(X_wide, y_wide)
_check_wide_signal(*make_wide(random_state=1))  # other data of the same shape: a new evaluation, a new score
### BEGIN HIDDEN TESTS
_check_wide_signal(*make_wide(random_state=grading.fresh_seeds("test_wide_signal")[0]))  # nothing kept in globals
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_wide_no_leak", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# leakkit.trace records every fit: none may have seen the rows of the fold it is scored on.
_ = grading.check_no_leak(wide_cv_score, X_wide, y_wide)
### BEGIN HIDDEN TESTS
_ = grading.check_no_leak(wide_cv_score, *make_wide(random_state=grading.fresh_seeds("test_wide_no_leak")[0]))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_wide_noise", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# With labels that are pure noise nothing can be learned: an honest cross-validated accuracy
# sits at chance (0.5), averaged over a few data sets.
def _check_wide_noise(seeds, tol):
    scores = [wide_cv_score(*make_wide(signal=False, random_state=s)) for s in seeds]
    grading.check_near_chance(np.mean(scores), chance=0.5, tol=tol,
                              what=f"your average accuracy over {len(seeds)} pure-noise data sets")


_check_wide_noise(seeds=[1, 2, 3], tol=0.12)
### BEGIN HIDDEN TESTS
_check_wide_noise(seeds=grading.fresh_seeds("test_wide_noise", 4), tol=0.1)
_check_wide_signal(*make_wide(random_state=grading.fresh_seeds("test_wide_noise_signal")[0]))
### END HIDDEN TESTS

# %% [markdown]
# ## How the next tests watch your code
#
# The models that the tests of parts 2 and 3 hand to your functions are recorded
# Pipelines: they behave exactly like `make_pipeline(...)`, and also note which rows of
# `X` each of their fits saw and which rows each prediction scored (including the
# predictions `cross_val_score` makes). The tests then check what your code really did,
# fold by fold: that no model was scored on a patient it had seen, that no model was
# scored on days before or too soon after the days it was fitted on, that the settings
# were chosen without looking at the rows the chosen model was scored on, and that the
# number you return is the score of those predictions. Pass `X` to the model as it is
# (its steps do the preprocessing), do not change the model's steps, and keep `n_jobs` at
# its default (work done in other processes cannot be watched).

# %% nbgrader={"grade": false, "grade_id": "recorder", "locked": true, "schema_version": 3, "solution": false, "task": false}
_RECORDS, _ROWS, _FIT_IDS = {}, {}, iter(range(1, 10**9))


def recorded(*steps, key):
    """make_pipeline(*steps), recording under `key` what each fit saw and each prediction scored."""
    return _RecordedPipeline([(f"{type(s).__name__.lower()}", s) for s in steps], key=key)


class _RecordedPipeline(Pipeline):
    """A Pipeline that notes, in _RECORDS[key], the rows of X each fit saw and each prediction scored."""

    def __init__(self, steps, *, key="", transform_input=None, memory=None, verbose=False):
        self.key = key
        super().__init__(steps, transform_input=transform_input, memory=memory, verbose=verbose)

    def fit(self, X, y=None, **params):
        super().fit(X, y, **params)
        self._fit_id = next(_FIT_IDS)
        setting = tuple(sorted((k, repr(v)) for k, v in self.get_params(deep=True).items()
                               if "__" in k and not hasattr(v, "get_params")))
        _RECORDS.setdefault(self.key, []).append(("fit", self._fit_id, _row_positions(self.key, X), setting))
        return self

    def predict(self, X, **params):
        predicted = super().predict(X, **params)
        _RECORDS.setdefault(self.key, []).append(
            ("predict", getattr(self, "_fit_id", None), _row_positions(self.key, X), np.asarray(predicted)))
        return predicted

    def score(self, X, y=None, sample_weight=None, **params):
        from sklearn.base import is_classifier
        from sklearn.metrics import accuracy_score, r2_score

        metric = accuracy_score if is_classifier(self) else r2_score
        return metric(y, self.predict(X), sample_weight=sample_weight)


def _start_recording(key, X):
    rows = np.ascontiguousarray(np.asarray(X, dtype=float))
    _ROWS[key] = {row.tobytes(): i for i, row in enumerate(rows)}
    _RECORDS[key] = []


def _row_positions(key, X):
    table = _ROWS.get(key, {})
    rows = np.ascontiguousarray(np.asarray(X, dtype=float))
    return np.array([table.get(row.tobytes(), -1) for row in rows], dtype=int)


def _evaluations(key, y, metric):
    """The recorded predictions on rows their model was not fitted on, in order, as dicts."""
    events = _RECORDS.get(key, [])
    fits = {e[1]: e for e in events if e[0] == "fit"}
    y = np.asarray(y)
    out = []
    for i, (kind, fit_id, rows, extra) in enumerate(events):
        if kind != "predict" or fit_id not in fits:
            continue
        _, _, fit_rows, setting = fits[fit_id]
        assert (rows >= 0).all() and (fit_rows >= 0).all(), (
            "The model received rows that are not rows of X: your code changed X (scaled it, reordered or "
            "dropped columns) before giving it to the model. Pass X (or rows of X) to the model unchanged; "
            "its own steps do the preprocessing."
        )
        seen = np.isin(rows, fit_rows)
        if seen.all():
            continue  # a score on the training rows themselves: not an evaluation
        assert not seen.any(), (
            f"A model was scored on {len(rows)} rows, {int(seen.sum())} of which it had been fitted on. "
            f"Score every model only on rows held out from its fit."
        )
        out.append({"index": i, "rows": rows, "fit_rows": fit_rows, "setting": setting,
                    "score": float(metric(y[rows], extra))})
    assert out, (
        "Your function never scored the model on rows held out from its fit, so the number it returned does "
        "not come from the model. Cross-validate the model you are given (cross_val_score), with X as given. "
        "(With n_jobs=-1 the folds run in other processes, where they cannot be watched: leave n_jobs out.)"
    )
    return out


def _check_claim_is_score(claim, evaluations, what, unit):
    claim = grading.check_number(claim, what=what)
    scores = [e["score"] for e in evaluations]
    assert min(scores) - 1e-9 <= claim <= max(scores) + 1e-9, (
        f"{what[0].upper() + what[1:]} is {claim:.3f}, but the held-out predictions your code made score "
        f"between {min(scores):.3f} and {max(scores):.3f} ({unit}, fold by fold). Return the mean score of "
        f"those folds (e.g. cross_val_score(...).mean(), or its negation for a 'neg_' scorer)."
    )
    print(f"Correct: {what} ({claim:.3f}) comes from the {len(scores)} held-out scores your code made "
          f"({min(scores):.3f} to {max(scores):.3f}).")
    return claim


# %% [markdown]
# ## Part 2: the right splitter for groups and for time (5 points)
#
# **Groups.** `X_visits` holds 480 visits of 60 patients; `patient_of_visit` says whose
# visit each row is, and `y_visits` the patient's diagnosis (the same at every visit). The
# model will be used on *new* patients.
#
# Write `grouped_cv_score(model, X, y, groups)`: cross-validate the (unfitted) `model` so
# that the visits of a patient are never on both sides of a split, and return its mean
# accuracy over the folds, as a float.

# %% nbgrader={"grade": false, "grade_id": "grouped_cv_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def grouped_cv_score(model, X, y, groups):
    """Mean accuracy of `model` over cross-validation folds that hold out whole groups."""
    ### BEGIN SOLUTION
    cv = GroupKFold(n_splits=5)
    return float(cross_val_score(model, X, y, groups=groups, cv=cv).mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_grouped_folds", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# The model records its fits and predictions: no model may be scored on a patient it was fitted on.
def _check_grouped_folds(X, y, groups, key):
    _start_recording(key, X)
    model = recorded(StandardScaler(), KNeighborsClassifier(n_neighbors=5), key=key)
    claim = grouped_cv_score(model, X, y, groups)
    groups = np.asarray(groups)
    evaluations = _evaluations(key, y, lambda truth, predicted: np.mean(truth == predicted))
    for e in evaluations:
        shared = np.intersect1d(groups[e["rows"]], groups[e["fit_rows"]])
        assert len(shared) == 0, (
            f"A model fitted on visits of {len(np.unique(groups[e['fit_rows']]))} patients was scored on "
            f"{len(e['rows'])} visits, {int(np.isin(groups[e['rows']], shared).sum())} of which belong to "
            f"{len(shared)} of those same patients: it can recognise them instead of predicting. Use a "
            f"group-aware splitter (GroupKFold) and pass groups=... to cross_val_score."
        )
    print(f"Correct: in all {len(evaluations)} folds, the model was scored on patients it had never seen.")
    _check_claim_is_score(claim, evaluations, what="the accuracy grouped_cv_score returned", unit="accuracy")


_check_grouped_folds(X_visits, y_visits, patient_of_visit, key="visible")
### BEGIN HIDDEN TESTS
_check_grouped_folds(*make_visits(n_patients=50, visits_per_patient=6,
                                  random_state=grading.fresh_seeds("test_grouped_folds")[0]), key="hidden")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_grouped_noise", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# With diagnoses that are pure noise, a nearest-neighbour model can only recognise patients;
# on new patients it sits at chance (0.5). With a strong signal, it scores well above chance.
def _check_grouped_noise(seeds, tol):
    def knn():
        return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5))

    scores = [grouped_cv_score(knn(), *make_visits(shuffle_labels=True, random_state=s)) for s in seeds]
    grading.check_near_chance(np.mean(scores), chance=0.5, tol=tol,
                              what=f"your average accuracy over {len(seeds)} data sets with noise diagnoses")
    signal = grouped_cv_score(knn(), *make_visits(effect=1.5, random_state=seeds[0]))
    assert signal >= 0.7, (
        f"When four markers carry the diagnosis strongly, the same model scores well above chance on new "
        f"patients, but grouped_cv_score returned {signal:.3f}. Return the mean accuracy over the folds."
    )
    print(f"Correct: with a strong signal the same model scores {signal:.3f} on new patients.")


_check_grouped_noise(seeds=[1, 2], tol=0.17)
### BEGIN HIDDEN TESTS
_check_grouped_noise(seeds=grading.fresh_seeds("test_grouped_noise", 3), tol=0.14)
### END HIDDEN TESTS

# %% [markdown]
# **Time.** `X_days` holds two years of a shop's days in date order, `y_days` the sales.
# The features are known a week ahead (calendar, promotions, sales of 7 or more days
# before), so the model forecasts `horizon=7` days ahead: a model fitted on the days up to
# some day is used for days at least 7 days later.
#
# Write `forward_cv_error(model, X, y, *, horizon=7)`: cross-validate the (unfitted)
# `model` so that every model is fitted on earlier rows only, and scored on rows that come
# after its last training row with at least `horizon` rows skipped in between; return the
# mean **absolute error** over the folds (a positive number), as a float.

# %% nbgrader={"grade": false, "grade_id": "forward_cv_error", "locked": false, "schema_version": 3, "solution": true, "task": false}
def forward_cv_error(model, X, y, *, horizon=7):
    """Mean absolute error of `model` over forward folds: fitted on the past, scored `horizon` rows later or more."""
    ### BEGIN SOLUTION
    cv = TimeSeriesSplit(n_splits=5, gap=horizon)
    scores = cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error")
    return float(-scores.mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_forward_folds", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# The model records its fits and predictions: each must be fitted on earlier days only, and scored
# on days that come at least `horizon` days after its last training day, skipping `horizon` days.
def _check_forward_folds(X, y, key, horizon=7):
    _start_recording(key, X)
    model = recorded(DecisionTreeRegressor(min_samples_leaf=5, random_state=0), key=key)
    claim = forward_cv_error(model, X, y, horizon=horizon)
    evaluations = _evaluations(key, y, lambda truth, predicted: np.mean(np.abs(truth - predicted)))
    for e in evaluations:
        last_fit, first_scored = e["fit_rows"].max(), e["rows"].min()
        assert first_scored > last_fit, (
            f"A model fitted on days up to day {last_fit} was scored on day {first_scored}, which comes before "
            f"it: it was trained on the future of the days it forecasts. Use a forward splitter "
            f"(TimeSeriesSplit) on the rows in date order."
        )
        assert first_scored - last_fit - 1 >= horizon, (
            f"A model fitted on days up to day {last_fit} was scored from day {first_scored} on, only "
            f"{first_scored - last_fit - 1} days skipped; with a forecast horizon of {horizon} days, skip at "
            f"least {horizon} days between training and test rows: TimeSeriesSplit(..., gap={horizon})."
        )
    print(f"Correct: in all {len(evaluations)} folds, the model was fitted on the past and scored at least "
          f"{horizon} days after its last training day.")
    _check_claim_is_score(claim, evaluations, what="the error forward_cv_error returned",
                          unit="mean absolute error")


_check_forward_folds(X_days, y_days, key="visible")
### BEGIN HIDDEN TESTS
_s = grading.fresh_seeds("test_forward_folds", 2)
_check_forward_folds(*make_days(n_days=600, scale=float(np.random.default_rng(_s[0]).uniform(0.2, 5.0)),
                                random_state=_s[1]), key="hidden")
_check_forward_folds(*make_days(n_days=400, random_state=_s[0]), key="hidden", horizon=14)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: tuning, with nested cross-validation (4 points)
#
# A grid search tries every setting of `param_grid` and keeps the best; its `best_score_`
# is the best of many noisy scores, so it is optimistic (notebook 06).
#
# Write `nested_cv_score(estimator, param_grid, X, y)`: return an **honest estimate of the
# accuracy** of `estimator` tuned over `param_grid` (a dict of lists, as for
# `GridSearchCV`), as a float. The settings must be chosen without looking at the rows the
# chosen model is scored on. `estimator` is an unfitted classifier (a Pipeline).

# %% nbgrader={"grade": false, "grade_id": "nested_cv_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def nested_cv_score(estimator, param_grid, X, y):
    """Nested cross-validated accuracy of `estimator` tuned over `param_grid`."""
    ### BEGIN SOLUTION
    inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    outer = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    search = GridSearchCV(estimator, param_grid, cv=inner)
    return float(cross_val_score(search, X, y, cv=outer).mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_nested_no_leak", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# leakkit.trace: no fit saw the rows it was scored on. (Settings compared on one validation split are
# allowed here: the next test checks that the rows that chose the setting are not the rows you report.)
_GRID = {"selectkbest__k": [5, 50], "logisticregression__C": [0.01, 1.0]}
_ = grading.check_no_leak(nested_cv_score, make_pipeline(SelectKBest(f_classif), LogisticRegression()), _GRID,
                          *make_wide(n_samples=100, n_features=100, random_state=5), allow_test_reuse=True)
### BEGIN HIDDEN TESTS
_ = grading.check_no_leak(nested_cv_score, make_pipeline(StandardScaler(), SelectKBest(f_classif), LogisticRegression()),
                          {"selectkbest__k": [5, 50], "logisticregression__C": [0.01, 1.0]},
                          *make_wide(n_samples=100, n_features=100, random_state=grading.fresh_seeds("test_nested_no_leak")[0]),
                          allow_test_reuse=True)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_nested_honest", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# The recorded model shows which rows chose the settings and which rows scored the chosen model:
# the score must come from models whose settings were chosen without their scored rows.
def _honest_evaluations(evaluations):
    """The evaluations of chosen models. Since the previous one, at least 2 settings were compared,
    on rows the chosen model was then fitted on (or never saw), none of them the rows it is scored on."""
    honest, start = [], 0
    for e in evaluations:
        window = [w for w in evaluations if start <= w["index"] < e["index"]]
        if (len({w["setting"] for w in window}) >= 2
                and not any(np.isin(w["rows"], e["rows"]).any() for w in window)
                and all(np.isin(w["fit_rows"], e["fit_rows"]).all() for w in window)):
            honest.append(e)
            start = e["index"] + 1
    return honest


def _check_nested_honest(X, y, key):
    _start_recording(key, X)
    model = recorded(SelectKBest(f_classif), LogisticRegression(), key=key)
    claim = nested_cv_score(model, _GRID, X, y)
    evaluations = _evaluations(key, y, lambda truth, predicted: np.mean(truth == predicted))
    honest = _honest_evaluations(evaluations)
    assert honest, (
        "Every score your code computed came from a setting that was chosen (or compared) on the very rows it "
        "was scored on, as GridSearchCV's best_score_ or a loop over settings on one test split do. Tune inside "
        "the training part of each outer fold (GridSearchCV inside cross_val_score), and score the chosen "
        "model on the outer held-out rows."
    )
    print(f"Correct: {len(honest)} chosen model(s) were scored on rows that played no part in choosing them.")
    _check_claim_is_score(claim, honest, what="the accuracy nested_cv_score returned", unit="accuracy")


def _check_nested_noise(seeds, tol):
    scores = [nested_cv_score(make_pipeline(SelectKBest(f_classif), LogisticRegression()), _GRID,
                              *make_wide(n_samples=100, n_features=100, signal=False, random_state=s)) for s in seeds]
    grading.check_near_chance(np.mean(scores), chance=0.5, tol=tol,
                              what=f"your average accuracy over {len(seeds)} pure-noise data sets")


_check_nested_honest(*make_wide(n_samples=100, n_features=100, random_state=6), key="visible")
_check_nested_noise(seeds=[7, 8], tol=0.17)
### BEGIN HIDDEN TESTS
_s = grading.fresh_seeds("test_nested_honest", 3)
_check_nested_honest(*make_wide(n_samples=100, n_features=100, random_state=_s[0]), key="hidden")
_check_nested_noise(seeds=_s[1:], tol=0.17)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: which score to report? (2 points, graded by hand)
#
# A colleague tunes a model on the patients' visits with
# `GridSearchCV(model, grid, cv=GroupKFold(5))` over 200 settings, and reports the search's
# `best_score_`, 0.71, as the accuracy to expect on new patients.
#
# In 4 to 6 sentences: they used a group-aware splitter, so what is still wrong with that
# number, and in which direction is it off? What would you report instead, and with which
# splitter in each loop? When is the same number fine to use?

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_which_score", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# The splitter is right, but `best_score_` is the best of 200 cross-validated scores
# measured on the same folds: each is the setting's true accuracy plus the luck of those
# folds, and the maximum picks the luckiest, so the number is biased upwards, the more so
# the more settings are tried and the fewer patients there are. The held-out folds were
# used twice, to choose and to grade. I would report nested cross-validation: an outer
# `GroupKFold` holds out patients, and inside each outer training part a `GridSearchCV`
# with its own `GroupKFold` (on the same patient groups) chooses the setting; the chosen
# model is scored once on the outer patients, and the mean of those scores is the
# estimate. (Equivalently: tune on a training set of patients and score a test set of
# other patients once.) `best_score_` is fine for what it was made for: choosing the
# setting, i.e. comparing settings with each other, not estimating how good the winner is.
#
# Rubric (for the grader): 1 point for "the maximum over many settings on the same folds is
# optimistic (selection bias), and overstates the accuracy"; 1 point for nested CV (or a
# once-read test set) with group-aware splitters in both loops, or for saying that
# `best_score_` is meant for choosing, not reporting.
