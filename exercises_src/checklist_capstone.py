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
# # Exercise 5 (capstone): audit a messy project, fix every leak, report the honest score
#
# This exercise follows notebook 09. A team built a model that predicts, when an invoice is
# issued, whether it will be paid late, and reports a near-perfect score. You will:
#
# 1. audit their project with the leakage checklist, and name the columns that must not be
#    model inputs;
# 2. split the invoices so that the test set looks like production: new customers, later dates;
# 3. fit an honest model on the training invoices, read the test set once, and report its score;
# 4. write a short report for the team.
#
# **How you are graded.** Each test cell prints lines starting with `Correct:` when your
# answer passes, or fails with a message saying what is wrong and how to fix it. When your
# work is graded, hidden tests run your functions again on **new projects generated at
# grading time**: your split is checked for shared customers, copies and dates; your model
# is fitted under `leakkit.trace` with the test set in a `HeldOutSet` that counts every
# read; and the score you report is compared with what your model really scores on new
# invoices from production (`project.production(...)`). Hard-coded numbers earn nothing; any
# honest model, split or method earns full marks (keep `n_jobs` at its default: work sent to
# other processes cannot be checked). Part 4 is graded by hand.
#
# Write your answers in the cells that say `YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Do not rename the functions or change their arguments.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# %load_ext leakkit
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, GroupKFold, GroupShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

import leakkit
from leakkit import grading
from leakkit.checklist import audit
from leakkit.datasets import make_messy_project
from leakkit.llm import HeldOutSet


def tidy(df):
    """One spelling per region ("north", "NORTH " -> "North"): a fixed rule, applied row by row."""
    return df.assign(region=df["region"].str.strip().str.title())


TARGET = "paid_late"
project = make_messy_project(n_samples=2000, random_state=7)
frame = project.frame
print(project.description)
frame.head()

# %% [markdown]
# **Stuck?** Every part has hints and a solution, shown only when you ask. Run `part1.hint()`
# for a first nudge, `part1.hint(2)` for a more specific one, and `part1.solution()` to see one
# answer (you never need it to pass: any honest answer earns full marks). The same for
# `part2`, `part3`...

# %% nbgrader={"grade": false, "grade_id": "help", "locked": true, "schema_version": 3, "solution": false, "task": false}
part1, part2, part3, part4 = grading.parts("checklist_capstone")
part1

# %% [markdown]
# ## The team's evaluation
#
# The team used the ready split of the export (`project.train_frame`, `project.test_frame`),
# every column, and a logistic regression whose regularisation they chose by its test score.
# The data platform hands out the test set as a `HeldOutSet`, which logs every read.

# %%
team_features = [c for c in frame.columns if c not in (TARGET, "issue_date")]
team_test = HeldOutSet(project.test_frame, name="the team's test invoices")


def team_evaluation():
    train = project.train_frame
    test = team_test.get("prepare the features")
    numeric = [c for c in team_features if c not in ("customer_segment", "region")]
    prepare = make_column_transformer(
        (make_pipeline(SimpleImputer(), StandardScaler()), numeric),
        (OneHotEncoder(handle_unknown="ignore"), ["customer_segment", "region"]),
    ).fit(pd.concat([train, test])[team_features])
    scores = {}
    for C in (0.01, 0.1, 1.0):
        model = LogisticRegression(C=C, max_iter=1000).fit(prepare.transform(train[team_features]), train[TARGET])
        test = team_test.get(f"score C={C}")
        scores[C] = roc_auc_score(test[TARGET], model.predict_proba(prepare.transform(test[team_features]))[:, 1])
    return max(scores.values())

# %% [markdown]
# ## Part 1: the audit (2 points)
#
# Audit the team's project with `leakkit.checklist.audit`, as in notebook 09: give it the
# training table, the test table, the time and group columns, the team's evaluation
# function and their test set (and `near=True` to look for re-typed copies too).
# The audit runs `team_evaluation` once, under the tracer. Read the report, and
# `project.description`.

# %%
columns = team_features + ["issue_date", TARGET]
report = audit(project.train_frame[columns], TARGET, test=project.test_frame[columns],
               time_column="issue_date", group_column="customer_id", near=True,
               evaluation=team_evaluation, held_out_set=team_test)
print(report)

# %% [markdown]
# Set `excluded_columns` to the list of the columns of `frame` that must **not** be model
# inputs: those whose value is not known, or means something else, when an invoice is
# issued, and identifiers whose numbers say nothing about a new invoice or a new customer.
# Leave out the target; `issue_date` may be listed or not (a raw date is of little use to
# a model that must predict the future).

# %% nbgrader={"grade": false, "grade_id": "excluded_columns", "locked": false, "schema_version": 3, "solution": true, "task": false}
# A list of column names of frame, e.g. ["column_a", "column_b"].
### BEGIN SOLUTION
excluded_columns = ["invoice_id", "customer_id", "days_to_payment", "reminder_sent"]
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_excluded_columns", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert isinstance(excluded_columns, (list, tuple, set)), (
    f"excluded_columns should be a list of column names such as ['a', 'b'], not a {type(excluded_columns).__name__}."
)
_unknown = [c for c in grading.plain(list(excluded_columns)) if c not in frame.columns]
assert not _unknown, f"These are not columns of frame: {_unknown}. Copy the names from frame.columns."
assert TARGET not in excluded_columns, f"{TARGET!r} is the target, not a feature: leave it out of excluded_columns."
print(f"excluded_columns names {len(excluded_columns)} columns of frame; the graders check which ones.")
### BEGIN HIDDEN TESTS
grading.check_same_set(
    set(grading.plain(list(excluded_columns))) - {"issue_date"}, make_messy_project(n_samples=100, random_state=0).leaky_columns,
    what="the columns that must not be model inputs (unknown at issue time, or identifiers)",
)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: a test set that looks like production (3 points)
#
# The model will score invoices of **new customers**, issued **after** the data it was
# trained on. The ready split is random: the same customers, and copies of the same
# invoices, sit on both sides, and the test invoices are spread over the same two years.
#
# Write `honest_split(frame)`, which returns `(train, test)`, two DataFrames of rows of
# `frame` (all columns, the original index kept, no row in both), such that:
#
# - no customer (`customer_id`) has invoices on both sides;
# - every test invoice is issued strictly after the last training invoice (`issue_date`);
# - the test set holds at least 8 % of the rows, the training set at least 30 %.
#
# Invoices that fit neither side (a training customer's late invoices, a test customer's
# early ones) may be set aside. Copies of one invoice share its customer, so a split by
# customer keeps them on one side.

# %% nbgrader={"grade": false, "grade_id": "honest_split", "locked": false, "schema_version": 3, "solution": true, "task": false}
def honest_split(frame):
    """Split invoices into (train, test): test customers are new, test invoices come later."""
    ### BEGIN SOLUTION
    cutoff = frame["issue_date"].quantile(0.6)
    train_pos, test_pos = next(GroupShuffleSplit(n_splits=1, test_size=0.35, random_state=0)
                               .split(frame, groups=frame["customer_id"]))
    train, test = frame.iloc[train_pos], frame.iloc[test_pos]
    return train[train["issue_date"] < cutoff], test[test["issue_date"] >= cutoff]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_split_customers", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
def _split_of(frame):
    train, test = grading.unpack(honest_split(frame.copy()), 2, what="honest_split")
    for name, part in (("train", train), ("test", test)):
        assert isinstance(part, pd.DataFrame), f"{name} should be a DataFrame, not a {type(part).__name__}."
    train, test = grading.plain(train, what="train"), grading.plain(test, what="test")  # its data, not its methods
    for name, part in (("train", train), ("test", test)):
        assert list(part.columns) == list(frame.columns), f"Keep all the columns of frame in {name}, in order."
        assert part.index.isin(frame.index).all() and not part.index.duplicated().any(), (
            f"{name} should hold rows of frame with their original index (select rows, do not reset the index)."
        )
    assert not train.index.intersection(test.index).size, "Some rows are in both train and test."
    assert len(test) >= 0.08 * len(frame) and len(train) >= 0.3 * len(frame), (
        f"train has {len(train)} rows and test {len(test)}, of {len(frame)}: keep at least 30 % of the rows "
        f"for training and 8 % for testing."
    )
    return train, test


def _check_split_customers(frame):
    train, test = _split_of(frame)
    shared = np.intersect1d(train["customer_id"], test["customer_id"])
    assert len(shared) == 0, (
        f"{len(shared)} customers have invoices in both train and test ({int(test['customer_id'].isin(shared).sum())} "
        f"test invoices): the model would be scored on customers it knows. Choose the test customers first "
        f"(GroupShuffleSplit with groups=frame['customer_id']), and keep each customer on one side."
    )
    print(f"Correct: the {test['customer_id'].nunique()} test customers have no invoice in train.")
    grading.check_no_duplicates_across(train, test, decimals=2, normalize_text=True)


_check_split_customers(frame)
### BEGIN HIDDEN TESTS
_check_split_customers(make_messy_project(n_samples=2500, random_state=grading.fresh_seeds("test_split_customers")[0]).frame)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_split_time", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
def _check_split_time(frame):
    train, test = _split_of(frame)
    last_train = train["issue_date"].max()
    early = int((test["issue_date"] <= last_train).sum())
    assert early == 0, (
        f"{early} test invoices were issued on or before the last training invoice ({last_train:%Y-%m-%d}): the "
        f"model would be trained on their future. Choose a cut-off date: train before it, test after it."
    )
    print(f"Correct: every test invoice was issued after {last_train:%Y-%m-%d}, the last training invoice.")


_check_split_time(frame)
### BEGIN HIDDEN TESTS
_check_split_time(make_messy_project(n_samples=2500, random_state=grading.fresh_seeds("test_split_time")[0]).frame)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: an honest model and its score (6 points)
#
# Write `fit_and_report(train, test)`:
#
# - `train` is a DataFrame of training invoices (every column, the target included);
# - `test` is a `leakkit.llm.HeldOutSet` of test invoices: `test.get()` returns them;
# - fit a model that predicts `paid_late` from the columns known when an invoice is issued
#   (its `predict_proba` must accept a table with the columns of `frame` minus the target,
#   as production sends them, with regions spelled any way: put `FunctionTransformer(tidy)`
#   in your Pipeline, or select the columns in a `ColumnTransformer`). Tune it if you like,
#   with the training invoices only (split by customer);
# - then read the test set **once**, and return `(model, test_auc)`: the fitted model and its
#   ROC AUC on the test invoices, as a float.
#
# You can try it on your own split: `fit_and_report(train, HeldOutSet(test))`. The tests
# use a split of their own, and compare your reported score with the ROC AUC your model
# really gets on invoices from production (`project.production(n, random_state=...)`: new
# customers, as their invoices look on the day they are issued).

# %% nbgrader={"grade": false, "grade_id": "fit_and_report", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fit_and_report(train, test):
    """Fit a late-payment model on `train`; read `test` (a HeldOutSet) once; return (model, test ROC AUC)."""
    ### BEGIN SOLUTION
    numeric = ["customer_credit_limit", "amount", "payment_terms_days", "discount_pct", "prior_invoices"]
    categorical = ["customer_segment", "region"]
    model = make_pipeline(
        FunctionTransformer(tidy),
        make_column_transformer(  # every other column is dropped
            (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (OneHotEncoder(handle_unknown="ignore"), categorical),
        ),
        LogisticRegression(max_iter=1000),
    )
    model.fit(train.drop(columns=TARGET), train[TARGET])
    invoices = test.get(reason="final score")
    test_auc = roc_auc_score(invoices[TARGET], model.predict_proba(invoices.drop(columns=TARGET))[:, 1])
    return model, float(test_auc)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_report_runs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
def _test_split(frame, seed):
    """The tests' own honest split: 40 % of the customers, invoices after the 55 % quantile of dates."""
    cutoff = frame["issue_date"].quantile(0.55)
    train_pos, test_pos = next(GroupShuffleSplit(n_splits=1, test_size=0.4, random_state=seed)
                               .split(frame, groups=frame["customer_id"]))
    train, test = frame.iloc[train_pos], frame.iloc[test_pos]
    return train[train["issue_date"] < cutoff], test[test["issue_date"] >= cutoff]


def _report(train, test):
    """Call fit_and_report with the test invoices in a HeldOutSet that counts its reads; return
    (model, claim, held-out set, trace)."""
    held_out = grading.watched_held_out(test, name="test invoices")
    with leakkit.trace(held_out=test) as t:
        result = fit_and_report(train.copy(), held_out)
    model, claim = grading.unpack(result, 2, what="fit_and_report")
    claim = grading.check_number(claim, what="the test ROC AUC fit_and_report returned")
    return model, claim, held_out, t


def _auc(model, invoices):
    proba = grading.plain(np.asarray(model.predict_proba(invoices.drop(columns=TARGET))), what="predict_proba")
    assert proba.shape == (len(invoices), 2), (
        f"model.predict_proba on {len(invoices)} invoices should give a ({len(invoices)}, 2) array, got {proba.shape}."
    )
    return roc_auc_score(invoices[TARGET], proba[:, 1])


def _check_report_runs(project, seed):
    train, test = _test_split(project.frame, seed)
    model, claim, _, _ = _report(train, test)
    _auc(model, project.production(300, random_state=seed))
    print("Correct: the model scores invoices as production sends them.")
    actual = _auc(model, test)
    assert abs(claim - actual) < 1e-6, (
        f"The model you return has a ROC AUC of {actual:.3f} on the test invoices, but you reported {claim:.3f}. "
        f"Report the ROC AUC of the returned model on the test invoices (probabilities of paid_late = 1)."
    )
    print(f"Correct: the score you report ({claim:.3f}) is your model's ROC AUC on the test invoices.")


_check_report_runs(project, seed=0)
### BEGIN HIDDEN TESTS
_s = grading.fresh_seeds("test_report_runs", 2)
_check_report_runs(make_messy_project(n_samples=2000, random_state=_s[0]), seed=_s[1] % 1000)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_read_test_once", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# The test set may serve the report only. The HeldOutSet counts the reads of the test invoices
# (the test counts them too), leakkit.trace watches every fit and every score, and then the
# test invoices' outcomes are reversed and fit_and_report runs again: the model it returns must
# not change, however (and however often) the test set was read.
def _check_read_once(project, seed):
    train, test = _test_split(project.frame, seed)
    _, _, held_out, t = _report(train, test)
    grading.check_read_once(held_out, what="fit_and_report")
    leaks = [f for f in t.findings if f.evidence.get("splitter") == "held_out"
             and (f.severity == "fail" or f.check == "test_reuse")]
    assert not leaks, (
        "Information from the test invoices reached your model:\n"
        + "\n".join(f"- {grading.explain(f)}" for f in leaks)
        + "\nFit and choose everything (imputer, scaler, encoder, model, settings) with the training invoices "
          "only; score the test invoices once, with the model you return."
    )
    print("Correct: no fit saw a test invoice, and no two models were compared on them.")
    reversed_outcomes = test.assign(**{TARGET: 1 - test[TARGET]})
    probe = project.production(400, random_state=seed).drop(columns=TARGET)
    grading.check_unchanged(
        lambda invoices: _report(train, invoices)[0], [(test,), (reversed_outcomes,)],
        probe=lambda model: grading.plain(np.asarray(model.predict_proba(probe), dtype=float)[:, 1]),
        what="fit_and_report", changed="only the test invoices' outcomes were reversed",
        fix="choose the model and its settings with the training invoices only (GridSearchCV with GroupKFold), "
            "then read the test set once, for the report.")
    print("Correct: with the test invoices' outcomes reversed, your model stayed the same.")


_check_read_once(project, seed=1)
### BEGIN HIDDEN TESTS
def _hidden_read_once():
    s = grading.fresh_seeds("test_read_test_once", 2)
    _check_read_once(make_messy_project(n_samples=2000, random_state=s[0]), seed=s[1] % 1000)


_hidden_read_once()
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_score_matches_production", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# The score you report must be close to what your model really scores on new invoices from production.
def _check_matches_production(project, seed, *, flip=0.0, what="your reported ROC AUC", production_seed=None):
    """`production_seed`: a function drawing it, called after fit_and_report returns (default: `seed`)."""
    rng = np.random.default_rng(seed)
    frame = project.frame.copy()
    if flip:  # a harder world: a share of the outcomes is noise, in the data and in production alike
        frame[TARGET] = np.where(rng.random(len(frame)) < flip, 1 - frame[TARGET], frame[TARGET])
    train, test = _test_split(frame, seed)
    model, claim, _, _ = _report(train, test)
    assert abs(claim - _auc(model, test)) < 1e-6, (
        f"You reported {claim:.3f}, which is not the ROC AUC of the model you return on the test invoices "
        f"({_auc(model, test):.3f}). Report the score of the returned model on the test invoices."
    )
    # Production is drawn once fit_and_report has returned (its seed too, in the hidden tests).
    production_seed = production_seed() if callable(production_seed) else seed
    production = project.production(5000, random_state=production_seed)
    if flip:
        noise = np.random.default_rng([production_seed, 1]).random(len(production)) < flip
        production[TARGET] = np.where(noise, 1 - production[TARGET], production[TARGET])
    grading.check_close(claim, _auc(model, production), tol=0.12, what=what)


_check_matches_production(project, seed=2)
### BEGIN HIDDEN TESTS
def _hidden_matches_production(salt, *, flip, what):
    s = grading.fresh_seeds(salt, 2)
    _check_matches_production(make_messy_project(n_samples=3000, random_state=s[0]), seed=s[1] % 1000, flip=flip,
                              what=what, production_seed=lambda: grading.fresh_seeds(salt + "/production")[0])


_hidden_matches_production("test_score_matches_production", flip=0.0, what="your reported ROC AUC on a new project")
_hidden_matches_production("test_score_matches_production/noisy", flip=0.25,
                           what="your reported ROC AUC on a project with noisy outcomes")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: your report to the team (2 points, graded by hand)
#
# Write the short report you would send the team (5 to 8 sentences): the score they
# reported and the one you found (run `fit_and_report` on your own split; you may also
# check your model on `project.production(...)`), each leak the audit found and what you
# did about it, and what the honest score means for their plan to call the riskiest
# customers first.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_report", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# You reported a test ROC AUC of about 1.0; evaluated honestly, the model reaches about 0.7
# (on invoices of new customers issued after the training period, and about the same on
# production invoices). The near-perfect score came from leaks: `days_to_payment` and
# `reminder_sent` are only known after the due date, so they state the answer;
# `invoice_id` was renumbered for late invoices by the collections system, and
# `customer_id` says nothing about a new customer, so I dropped all four from the inputs.
# The random split put the same customers, and re-entered copies of the same invoices, on
# both sides, and mixed the two years: I split by customer and by date, so the test set
# holds new customers and later invoices, as production will. The preprocessing was fitted
# on the test invoices and the regularisation was chosen by reading the test set for every
# setting: I fitted everything inside a pipeline on the training invoices and read the test
# set once. An AUC of 0.7 means the model ranks invoices better than chance but far from
# perfectly: it is useful to order the calls (the riskiest first), not to decide alone who
# will pay late; much of what makes an invoice late (the customer's habit) is not known for
# a new customer at issue time.
#
# Rubric (for the grader): 1 point for the two numbers (reported near 1, honest near 0.7)
# and the leaky columns with why; 1 point for the split (customers, copies, time), the
# preprocessing and the tuning on the test set, each with its fix, and a sensible reading
# of the honest score.
