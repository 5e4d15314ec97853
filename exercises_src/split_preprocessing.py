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
# # Exercise 2: split first, then preprocess
#
# This exercise follows notebooks 04 and 05. You will write one function,
# `honest_score`, that evaluates *any* list of scikit-learn steps honestly: every
# imputer, scaler, encoder and selector is fitted on training rows only, and the score
# comes from rows that no step has seen. Then you will explain, in a few sentences, when
# preprocessing before the split matters.
#
# **How you are graded.** Each test cell prints a line starting with `Correct:` when your
# function passes, or fails with a message saying what is wrong and how to fix it. When
# your work is graded, hidden tests run `honest_score` again on **new data generated at
# grading time**: under `leakkit.trace` (which records every fit and tells whether one saw
# held-out rows), on labels that are pure noise (where an honest score sits at chance),
# and with other steps than the ones below. Hard-coded numbers earn nothing; any honest
# implementation earns full marks. Part 2 is graded by hand.
#
# Write your answers in the cells that say `YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Do not rename the function or change its arguments.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# %load_ext leakkit
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.feature_selection import SelectKBest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder

from leakkit import grading
from leakkit.datasets import make_noise


def make_signal(n_samples=400, n_features=2000, random_state=0):
    """Like make_noise, but the first 10 features carry the label, and 2 % of values are missing."""
    X, y = make_noise(n_samples=n_samples, n_features=n_features, random_state=random_state)
    X[:, :10] += 0.6 * (2 * y[:, None] - 1)
    X[np.random.default_rng(random_state).random(X.shape) < 0.02] = np.nan
    return X, y


def make_customers(n_samples=2000, random_state=0):
    """A customer table (numbers with gaps, a plan, a city) and whether each customer bought."""
    rng = np.random.default_rng(random_state)
    city_effect = rng.normal(0.0, 1.0, size=60)
    city = rng.integers(0, 60, n_samples)
    plan = rng.choice(["basic", "plus", "pro"], size=n_samples, p=[0.5, 0.3, 0.2])
    age = rng.normal(45.0, 12.0, n_samples).round(1)
    income = rng.lognormal(10.0, 0.4, n_samples).round(2)
    minutes = rng.gamma(2.0, 150.0, n_samples).round(2)
    logit = (0.04 * (age - 45) + 0.8 * (plan == "pro") - 0.5 * (plan == "basic") + city_effect[city]
             + 1.5 * (np.log(income) - 10.0))
    bought = (rng.random(n_samples) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({"age": age, "income": income, "minutes": minutes, "plan": plan,
                      "city": [f"city_{c:02d}" for c in city]})
    X.loc[rng.random(n_samples) < 0.1, "age"] = np.nan
    X.loc[rng.random(n_samples) < 0.1, "income"] = np.nan
    return X, pd.Series(bought, name="bought")


def customer_preprocessing():
    """Impute and scale the numbers, one-hot encode the plan, target-encode the city."""
    return make_column_transformer(
        (make_pipeline(SimpleImputer(), StandardScaler()), ["age", "income", "minutes"]),
        (OneHotEncoder(handle_unknown="ignore"), ["plan"]),
        (TargetEncoder(), ["city"]),
    )


X_demo, y_demo = make_signal(random_state=0)
X_demo.shape

# %% [markdown]
# **Stuck?** Every part has hints and a solution, shown only when you ask. Run `part1.hint()`
# for a first nudge, `part1.hint(2)` for a more specific one, and `part1.solution()` to see one
# answer (you never need it to pass: any honest answer earns full marks). The same for
# `part2`, `part3`...

# %% nbgrader={"grade": false, "grade_id": "help", "locked": true, "schema_version": 3, "solution": false, "task": false}
part1, part2 = grading.parts("split_preprocessing")
part1

# %% [markdown]
# ## Part 1: `honest_score` (9 points)
#
# Write `honest_score(steps, X, y, *, test_size=0.25, random_state=0)`:
#
# - `steps` is a list of **unfitted** scikit-learn estimators: zero or more
#   preprocessing steps (imputers, scalers, encoders, selectors, a `ColumnTransformer`...)
#   followed by a classifier, for instance
#   `[SimpleImputer(), StandardScaler(), SelectKBest(k=20), LogisticRegression()]`;
# - `X`, `y` are the data (an array or a DataFrame, and the labels);
# - hold out a share `test_size` of the rows (use `random_state` for the split), fit
#   every step on the **training rows only**, and return the classifier's score (its
#   `score` method: accuracy) on the held-out rows, as a float.
#
# Do not change the estimators you are given: fit copies of them (`sklearn.base.clone`).

# %% nbgrader={"grade": false, "grade_id": "honest_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    ### BEGIN SOLUTION
    model = make_pipeline(*[clone(step) for step in steps])
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    model.fit(X_train, y_train)
    return float(model.score(X_test, y_test))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_returns_score", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
def _check_returns_score(X, y):
    steps = [SimpleImputer(), StandardScaler(), SelectKBest(k=20), LogisticRegression()]
    score = grading.check_number(honest_score(steps, X, y), what="the score honest_score returned")
    assert 0.75 <= score <= 1.0, (
        f"On this data the first 10 features carry the label, so an honest accuracy is well above 0.75; "
        f"yours is {score:.3f}. Return the classifier's score on the held-out rows, after fitting every step."
    )
    assert not hasattr(steps[-1], "classes_"), (
        "honest_score fitted the LogisticRegression object it was given: fit copies (sklearn.base.clone), "
        "so the caller's estimators stay unfitted."
    )
    print(f"Correct: on data with a signal your honest score is {score:.3f}, well above chance.")


_check_returns_score(X_demo, y_demo)
### BEGIN HIDDEN TESTS
_check_returns_score(*make_signal(random_state=grading.fresh_seeds("test_returns_score")[0]))  # nothing kept in globals
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_no_fit_on_held_out", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# leakkit.trace records every fit: none may have seen a held-out row, and some rows must be held
# out (scored by a model that was not fitted on them), however you split them.
# Then the held-out rows' values are changed and honest_score runs again: the model scored on
# them must not change. The same on a table with gaps and categories.
_ = grading.check_no_leak(
    honest_score, [SimpleImputer(), StandardScaler(), SelectKBest(k=20), LogisticRegression()], X_demo, y_demo,
    influence_arg=1,
)
_ = grading.check_no_leak(honest_score, [customer_preprocessing(), LogisticRegression()],
                          *make_customers(n_samples=2000, random_state=0), test_size=0.3, influence_arg=1)
### BEGIN HIDDEN TESTS
# Then the held-out rows' values are changed and honest_score runs again: the model scored on
# them must not change (a mean, a scaling or a selection computed on all rows would).
def _hidden_no_fit_on_held_out():
    s = grading.fresh_seeds("test_no_fit_on_held_out", 3)
    _ = grading.check_no_leak(
        honest_score, [SimpleImputer(), StandardScaler(), SelectKBest(k=20), LogisticRegression()],
        *make_signal(random_state=s[0]), random_state=s[1] % 1000, influence_arg=1,
    )
    # A table with gaps and categories: imputer, scaler, one-hot and target encoder in a ColumnTransformer.
    _ = grading.check_no_leak(
        honest_score, [customer_preprocessing(), LogisticRegression()],
        *make_customers(n_samples=2000, random_state=s[2]), test_size=0.3, influence_arg=1,
    )


_hidden_no_fit_on_held_out()
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_noise_vs_signal", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# With labels that are pure noise, nothing can be learned: an honest score sits at chance
# (0.5), averaged over several data sets (the best of several tries does not). With a real
# signal, the same steps score high.
def _check_noise_vs_signal(seeds, tol):
    def steps():
        return [SimpleImputer(), StandardScaler(), SelectKBest(k=20), LogisticRegression()]

    noise = [honest_score(steps(), *make_noise(n_samples=200, n_features=2000, random_state=s), random_state=s)
             for s in seeds]
    grading.check_near_chance(np.mean(noise), chance=0.5, tol=tol,
                              what=f"your average score over {len(seeds)} pure-noise data sets")
    signal = grading.check_number(honest_score(steps(), *make_signal(n_samples=200, random_state=seeds[0])),
                                  what="your score on data with a signal")
    assert signal >= 0.75, (
        f"With a real signal the same steps should score well above chance, but honest_score returned "
        f"{signal:.3f}. Fit the given steps on the training rows and return their score on the held-out rows."
    )
    print(f"Correct: with a real signal the same steps score {signal:.3f}.")


_check_noise_vs_signal(seeds=list(range(20)), tol=0.06)
### BEGIN HIDDEN TESTS
# 20 data sets: an honest average has a standard deviation of about 0.017 (3.5 of them: 0.06),
# while the best of several splits or seeds sits 0.08 to 0.1 above chance.
_check_noise_vs_signal(seeds=grading.fresh_seeds("test_noise_vs_signal", 20), tol=0.06)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_other_steps", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# honest_score must work for any steps and data, not only the ones above. Its result is
# compared with a reference honest score (the average of three other random splits).
def _reference_score(make_steps, X, y, test_size=0.25):
    scores = []
    for seed in (101, 102, 103):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
        scores.append(make_pipeline(*make_steps()).fit(X_tr, y_tr).score(X_te, y_te))
    return float(np.mean(scores))


def _check_other_steps(X, y, named_steps):
    for name, make_steps in named_steps.items():
        score = grading.check_number(honest_score(make_steps(), X, y), what=f"your score with steps {name}")
        reference = _reference_score(make_steps, X, y)
        assert abs(score - reference) <= 0.08, (
            f"With steps {name}, honest_score returned {score:.3f}, but an honest evaluation of these steps on "
            f"this data gives about {reference:.3f}. Fit copies of exactly the steps you are given on the "
            f"training rows, and score the held-out rows."
        )
        print(f"Correct: with steps {name} your score ({score:.3f}) is close to an honest reference "
              f"({reference:.3f}).")


from sklearn.neighbors import KNeighborsClassifier as _KNeighborsClassifier

X_customers, y_customers = make_customers(n_samples=4000, random_state=0)
_check_other_steps(X_customers, y_customers, {
    "[customer_preprocessing(), LogisticRegression()]": lambda: [customer_preprocessing(), LogisticRegression()],
    "[customer_preprocessing(), KNeighborsClassifier(n_neighbors=1)]":
        lambda: [customer_preprocessing(), _KNeighborsClassifier(n_neighbors=1)],
})
### BEGIN HIDDEN TESTS
def _hidden_other_steps():
    from sklearn.dummy import DummyClassifier
    from sklearn.neighbors import KNeighborsClassifier

    _check_other_steps(*make_customers(n_samples=4000, random_state=grading.fresh_seeds("test_other_steps")[0]), {
        "[DummyClassifier()]": lambda: [DummyClassifier(strategy="most_frequent")],
        "[customer_preprocessing(), LogisticRegression()]": lambda: [customer_preprocessing(), LogisticRegression()],
        "[customer_preprocessing(), KNeighborsClassifier(n_neighbors=1)]":
            lambda: [customer_preprocessing(), KNeighborsClassifier(n_neighbors=1)],
    })


_hidden_other_steps()
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: does it matter? (2 points, graded by hand)
#
# A colleague standardises the whole data set before splitting it, and argues: "a scaler
# only learns a mean and a standard deviation per column, so the leak is negligible."
#
# In 4 to 6 sentences: when are they right, when are they badly wrong (name a step for
# which the same habit changes the score a lot, and say why, using what you measured in
# notebooks 04 and 05), and why is the argument beside the point in practice?

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_does_it_matter", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# For a scaler on many rows of stable data they are nearly right: the mean and standard
# deviation of all rows barely differ from those of the training rows, so the score moves
# by a fraction of a point. They are badly wrong for steps that look at the labels or at
# few rows: selecting the features most correlated with the target on all rows (the ESL
# example: a cross-validated error of a few percent on pure noise, where the truth is
# 50 %), or target-encoding a category with many levels, lets the held-out labels choose
# the model's inputs, and the score becomes a measure of memory. With few rows, or data
# that drifts over time, even a scaler or an imputer carries noticeable information from
# the future. In practice the argument is beside the point: a Pipeline fitted inside the
# split costs nothing, removes the question, and the evaluation then simulates what
# production will do, where statistics come from past data only.
#
# Rubric (for the grader): 1 point for "small for unsupervised steps on many rows" with
# a reason; 1 point for naming a supervised step (selection or target encoding) or small
# or drifting data where the gap is large, and why (held-out labels/rows shape the model).
