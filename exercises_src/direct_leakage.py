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
# # Exercise 1: direct leakage
#
# This exercise follows notebooks 01 to 03. You will:
#
# 1. name the columns of a churn table that a model could not use at prediction time;
# 2. remove test records that are copies of training records, exact or re-typed;
# 3. train a churn model that keeps its promise: the score you claim for it must match
#    what it really scores on future customers;
# 4. explain, in a few sentences, what makes a column legitimate.
#
# **How you are graded.** Each part is followed by a test cell. Run it: it prints a line
# starting with `Correct:` when your answer passes, or fails with a message saying what
# is wrong and how to fix it. When your work is graded, hidden tests run your functions
# again on **new data, generated at grading time with seeds you have not seen**. Answers
# that hard-code numbers, or that only work on the data below, earn nothing; honest
# code earns full marks whatever model or method you choose. Part 4 is graded by hand.
#
# Write your answers in the cells that say `YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Do not rename the functions, and do not change
# their arguments.

# %% nbgrader={"grade": false, "grade_id": "setup_churn", "locked": true, "schema_version": 3, "solution": false, "task": false}
# %load_ext leakkit
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from leakkit import grading
from leakkit.datasets import make_churn, make_duplicates


churn = make_churn(n_samples=2000, random_state=0)
churn.frame.head()

# %% [markdown]
# **Stuck?** Every part has hints and a solution, shown only when you ask. Run `part1.hint()`
# for a first nudge, `part1.hint(2)` for a more specific one, and `part1.solution()` to see one
# answer (you never need it to pass: any honest answer earns full marks). The same for
# `part2`, `part3`...

# %% nbgrader={"grade": false, "grade_id": "help", "locked": true, "schema_version": 3, "solution": false, "task": false}
part1, part2, part3, part4 = grading.parts("direct_leakage")
part1

# %% [markdown]
# ## Part 1: columns that will not exist at prediction time (2 points)
#
# The churn table above was assembled *after the fact*: a telecom company exported the
# customers of last year, together with whether they left (`churned`, the target). The
# model will be used at the start of each month, to predict which of today's customers
# will leave, so that the retention team can call them first.
#
# `churn.description` tells you how the export was made. Read it, look at the columns,
# and ask of each one: *would this value exist, with the same meaning, at the moment the
# prediction is made?* You may also use `leakkit.detect` (for instance
# `leakkit.detect.feature_power_table` and `leakkit.detect.id_columns`) to find columns
# that predict the target suspiciously well, but decide with the description, not only
# with a score.
#
# Set `leaky_columns` to the list of the names of those columns (order does not matter).

# %%
print(churn.description)

# %% nbgrader={"grade": false, "grade_id": "leaky_columns", "locked": false, "schema_version": 3, "solution": true, "task": false}
# A list of column names of churn.frame, e.g. ["column_a", "column_b"].
### BEGIN SOLUTION
leaky_columns = ["customer_id", "account_closed_days", "retention_offer_made"]
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_leaky_columns", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert isinstance(leaky_columns, (list, tuple, set)), (
    f"leaky_columns should be a list of column names such as ['a', 'b'], not a {type(leaky_columns).__name__}."
)
_unknown = [c for c in grading.plain(list(leaky_columns)) if c not in churn.frame.columns]
assert not _unknown, f"These are not columns of churn.frame: {_unknown}. Copy the names from churn.frame.columns."
assert churn.target not in leaky_columns, (
    f"{churn.target!r} is the target, not a feature: leave it out of leaky_columns."
)
print(f"leaky_columns names {len(leaky_columns)} columns of churn.frame; the graders check which ones.")
### BEGIN HIDDEN TESTS
grading.check_same_set(
    leaky_columns, make_churn(n_samples=100, random_state=0).leaky_columns,
    what="the columns that do not exist, or mean something else, at prediction time",
)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: records copied across the split (3 points)
#
# Here is another table: product sales with a `returned` flag. Some sales were recorded
# twice, and a random split put the two copies of many of them on opposite sides. Some
# copies are exact; others were re-typed: the `product` text differs in upper/lower
# case or white space, and the numbers differ after the 3rd decimal.
#
# Write `drop_test_copies(train, test)`: it returns `test` without every row that has a
# copy in `train`, exact or re-typed, and keeps every other test row (with its index,
# and all the columns). `leakkit.detect.duplicate_rows` can help (read its docstring),
# or write your own comparison.

# %% nbgrader={"grade": false, "grade_id": "setup_products", "locked": true, "schema_version": 3, "solution": false, "task": false}
products = make_duplicates(n_samples=1000, duplicate_fraction=0.2, random_state=0)
products_train, products_test = train_test_split(products.frame, test_size=0.3, random_state=0)
print(f"{len(products_train)} training rows, {len(products_test)} test rows")
products_test.head()

# %% nbgrader={"grade": false, "grade_id": "drop_test_copies", "locked": false, "schema_version": 3, "solution": true, "task": false}
def drop_test_copies(train, test):
    """Return the rows of `test` that have no copy (exact or re-typed) in `train`."""
    ### BEGIN SOLUTION
    from leakkit.detect import duplicate_rows

    # Re-typed copies agree once text is lower-cased with white space collapsed and
    # numbers are rounded to 3 decimals.
    pairs = duplicate_rows(train, test, decimals=3, normalize_text=True)
    copied = test.index[np.unique(pairs["test_row"].to_numpy())]
    return test.drop(index=copied)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_exact_copies", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
from leakkit.detect import duplicate_rows as _duplicate_rows


def _check_drop_test_copies(train, test, *, near):
    clean = drop_test_copies(train.copy(), test.copy())
    assert isinstance(clean, pd.DataFrame), f"drop_test_copies should return a DataFrame, not a {type(clean).__name__}."
    clean = grading.plain(clean, what="the table drop_test_copies returned")
    assert list(clean.columns) == list(test.columns), "Keep all the columns of test, in the same order."
    assert clean.index.isin(test.index).all(), (
        "Return a subset of the test rows with their original index (test[mask] or test.drop(index=...)), "
        "not a re-indexed copy."
    )
    pairs = _duplicate_rows(train, test, decimals=3, normalize_text=True)
    must_keep = test.index.difference(test.index[np.unique(pairs["test_row"].to_numpy())])
    removed_too_many = must_keep.difference(clean.index)
    assert len(removed_too_many) == 0, (
        f"You removed {len(removed_too_many)} test rows that have no copy in train. Remove only the copies: "
        f"a row is a copy when it equals a training row once text is normalised and numbers are rounded."
    )
    if near:
        grading.check_no_duplicates_across(train, clean, decimals=3, normalize_text=True)
    else:
        grading.check_no_duplicates_across(train, clean)


_check_drop_test_copies(products_train, products_test, near=False)
### BEGIN HIDDEN TESTS
def _hidden_copies(salt, **options):
    """Fresh tables made here, so nothing but the two tables reaches drop_test_copies."""
    s = grading.fresh_seeds(salt, 2)
    train, test = train_test_split(make_duplicates(n_samples=1500, duplicate_fraction=0.3, random_state=s[0],
                                                   **options).frame, test_size=0.25, random_state=s[1])
    _check_drop_test_copies(train, test, near=bool(options))


_hidden_copies("test_exact_copies")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_near_copies", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
_check_drop_test_copies(products_train, products_test, near=True)
### BEGIN HIDDEN TESTS
_hidden_copies("test_near_copies", near_fraction=0.7)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: a model that keeps its promise (6 points)
#
# Write `train_honest_model(frame)`. It receives a churn table like `churn.frame` (every
# column, the target `churned` included) and returns a pair `(model, claimed_auc)`:
#
# - `model` is fitted, and its `predict_proba` accepts a table with the same columns as
#   `frame` minus `churned` (so it must itself ignore the columns it should not use: a
#   `ColumnTransformer` that selects columns does that);
# - `claimed_auc` is the ROC AUC you expect the model to reach on customers it has never
#   seen, measured on rows the model was not fitted on.
#
# The tests score your model on future customers, as production sees them:
# `churn.production(n, random_state=...)` generates such customers (their `churned`
# column tells what happened to them later), so you can check your claim yourself. At
# grading time your function runs on new tables, one of them much harder to predict than
# this one, and your claim must still match. Any honest model will do.

# %% nbgrader={"grade": false, "grade_id": "train_honest_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_honest_model(frame):
    """Fit a churn model on `frame`; return (fitted model, ROC AUC expected on new customers)."""
    ### BEGIN SOLUTION
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = ["tenure_months", "monthly_charges", "support_calls", "satisfaction_score"]
    categorical = ["contract_type", "payment_method", "region"]
    model = make_pipeline(
        make_column_transformer(  # every other column is dropped
            (make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            (OneHotEncoder(handle_unknown="ignore"), categorical),
        ),
        LogisticRegression(max_iter=1000),
    )
    X, y = frame.drop(columns="churned"), frame["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    model.fit(X_train, y_train)
    claimed_auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
    return model, claimed_auc
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_model_runs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
def _check_model_runs(scenario):
    model, claimed = grading.unpack(train_honest_model(scenario.frame.copy()), 2, what="train_honest_model")
    claimed = grading.check_number(claimed, what="your claimed ROC AUC")
    assert 0.0 <= claimed <= 1.0, f"A ROC AUC lies between 0 and 1; yours is {claimed:.3f}."
    new = scenario.production(300, random_state=1)
    proba = grading.plain(np.asarray(model.predict_proba(new.drop(columns=scenario.target))), what="predict_proba")
    assert proba.shape == (300, 2), (
        f"model.predict_proba on 300 new customers should give a (300, 2) array, got shape {proba.shape}."
    )
    print("Correct: the model predicts new customers from a table with the same columns.")


_check_model_runs(churn)
### BEGIN HIDDEN TESTS
def _hidden_model_runs():
    _check_model_runs(make_churn(n_samples=1500, random_state=grading.fresh_seeds("test_model_runs")[0]))


_hidden_model_runs()
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_no_leak", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Re-runs your function under leakkit's tracer: no fit may see the rows you score on, something
# must be held out, and changing the held-out rows' values must not change the model scored on them.
_ = grading.check_no_leak(train_honest_model, churn.frame.copy(), influence_arg=0,
                          fixed_columns=["churned", "customer_id"])
### BEGIN HIDDEN TESTS
def _hidden_no_leak():
    frame = make_churn(n_samples=2000, random_state=grading.fresh_seeds("test_no_leak")[0]).frame
    _ = grading.check_no_leak(train_honest_model, frame, influence_arg=0, fixed_columns=["churned", "customer_id"])


_hidden_no_leak()
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_claim_matches_production", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def _auc_in_production(model, scenario, *, flip=0.0, n=5000, random_state=1):
    new = scenario.production(n, random_state=random_state)
    y_new = new.pop(scenario.target).to_numpy()
    if flip:
        y_new = np.where(np.random.default_rng(random_state).random(len(y_new)) < flip, 1 - y_new, y_new)
    proba = grading.plain(np.asarray(model.predict_proba(new)), what="predict_proba")
    return roc_auc_score(y_new, proba[:, 1])


model, claimed_auc = grading.unpack(train_honest_model(churn.frame.copy()), 2, what="train_honest_model")
grading.check_close(claimed_auc, _auc_in_production(model, churn), tol=0.08, what="your claimed ROC AUC")
### BEGIN HIDDEN TESTS
def _hidden_claim(salt, *, flip, what):
    """A fresh table (with a share `flip` of its outcomes turned into noise); only the table reaches
    train_honest_model. Production is drawn after it returns, from seeds drawn then."""
    seed = grading.fresh_seeds(salt)[0]
    frame = make_churn(n_samples=4000, random_state=seed).frame
    if flip:
        noisy = np.random.default_rng([seed, 1]).random(len(frame)) < flip
        frame["churned"] = np.where(noisy, 1 - frame["churned"], frame["churned"])
    model, claimed = grading.unpack(train_honest_model(frame), 2, what="train_honest_model")
    claimed = grading.check_number(claimed, what=what)
    production_seed = grading.fresh_seeds(salt + "/production")[0]
    actual = _auc_in_production(model, make_churn(n_samples=4000, random_state=seed), flip=flip,
                                random_state=production_seed)
    grading.check_close(claimed, actual, tol=0.08, what=what)


_hidden_claim("test_claim_matches_production", flip=0.0, what="your claimed ROC AUC on a new table")
# A harder world: 40 % of the outcomes are noise, in the table and in production alike.
# A claim copied from an earlier run cannot match both.
_hidden_claim("test_claim_matches_production/noisy", flip=0.4,
              what="your claimed ROC AUC on a table with noisy outcomes")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: when is a column legitimate? (2 points, graded by hand)
#
# The retention team objects: "`retention_offer_made` is our best predictor. We only
# want the model for customers who have *already called to cancel*, and by then we know
# whether we made them an offer. So the column is fine."
#
# In 4 to 6 sentences: are they right? Say what decides whether a column may be used,
# what you would check in the data before using `retention_offer_made`, and how their
# plan changes which rows you train and evaluate on.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_legitimate_column", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# They can be right, but only for a different question than the one this table was
# built for. What decides is not the column but its timing: a value may be used only if
# it exists, with the same meaning, at the moment the prediction is made. Here the
# prediction would be made after the cancellation call, so the offer must have been
# made *before* that moment, and the table must record it as it was then (a point-in-time
# snapshot), not as filled in later. I would check the timestamps of the call, the offer
# and the closure, and whether offers were made only to customers who had already decided
# to leave (then the flag is a consequence of the outcome, not a cause). Training and
# evaluation must then use only customers who called to cancel, as production will, and
# the evaluation must be a later period than the training, so the score answers "among
# callers, who still leaves?" rather than "who leaves?".
#
# Rubric (for the grader): 1 point for "available at prediction time, with the same
# meaning" (timing, point in time); 1 point for a concrete check (timestamps of offer vs
# prediction, or offers caused by the outcome) *and* restricting the training and
# evaluation rows to the population the model will score.
