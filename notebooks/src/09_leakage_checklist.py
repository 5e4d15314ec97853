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
# # The leakage checklist: auditing a messy project
#
# The previous notebooks took the leaks one at a time. Real projects have several at once,
# written in a hurry, and nobody has labelled them. This notebook boils the course down to
# four questions, asks them of a realistic project with `leakkit.checklist.audit`, fixes
# every finding in turn, and compares the score the project first reported with an honest
# one and with what the model really achieves on new data.
#
# **You will learn**
#
# - the four questions to ask of any evaluation before you believe its score;
# - how `leakkit.checklist.audit` answers them from your data, your test set, your splitter
#   and your evaluation code;
# - how to fix each kind of finding, and re-audit until nothing is left;
# - how far a leaky score can be from the truth;
# - how to run the same checklist on your own project, from Python or from the shell.

# %% [markdown]
# ## The four questions
#
# Every leak in this course turns one of these answers the wrong way: a "no" to questions 1
# and 3, a "yes" to questions 2 and 4.

# %% tags=["nbval-check-output"]
# %load_ext leakkit
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, GroupShuffleSplit, KFold, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from leakkit.checklist import QUESTIONS, audit
from leakkit.datasets import make_messy_project
from leakkit.detect import duplicates, time_overlap, within_duplicates
from leakkit.llm import HeldOutSet
from leakkit.plot import score_bars

for i, question in enumerate(QUESTIONS.values(), 1):
    print(f"{i}. {question}")


def short(report, width=96):
    """The report in short lines: each answer, then one line per finding (its first clause)."""
    for i, answer in enumerate(report.answers, 1):
        print(f"{i}. [{answer.status.upper()}] {answer.question}")
        for f in answer.findings:
            line = f"{f.severity}: {f.check}: {f.message.split(' — ')[0]}"
            print("     " + textwrap.shorten(line, width - 5, placeholder=" ..."))

# %% [markdown]
# 1. A feature that is filled in after the outcome (a payment date, a "reminder sent" flag,
#    an ID handed out by the collections system) is not there when the model has to predict.
# 2. A test row whose copy, customer or future was in the training data, or a scaler fitted
#    on the test rows, makes the test a little less unseen.
# 3. Preprocessing fitted before cross-validation, or folds that split a customer, leak
#    between the folds.
# 4. Every choice made by looking at the test score turns the test set into a validation set.
#
# `leakkit.checklist.audit` answers each question with `pass`, `review` (a person must
# decide), `warn`, `fail` or `not-checked` (when it was not given what it needs), with the
# evidence. It scans the data
# for question 1, compares the training and test tables for question 2, checks your splitter
# for question 3, and runs your evaluation code once under `leakkit.trace` for questions 2 to
# 4. Given a `HeldOutSet` (notebook 08), it also counts how often the test set was read.
#
# ## The project
#
# An accounts-receivable team wants to predict, when an invoice is issued, whether it will be
# paid late, so that it can call the riskiest customers first. The data was pulled together
# from several systems, after the fact:

# %%
project = make_messy_project(n_samples=1500, random_state=0)
print(textwrap.fill(project.description, 100))
TARGET = "paid_late"
frame = project.frame
frame.head()

# %% tags=["nbval-check-output"]
print(f"{len(frame)} invoices from {frame['customer_id'].nunique()} customers, "
      f"{frame['issue_date'].min():%Y-%m-%d} to {frame['issue_date'].max():%Y-%m-%d}; "
      f"{frame[TARGET].mean():.0%} paid late")
print(f"ready split: {len(project.train_index)} training and {len(project.test_index)} test invoices")
print("missing values:", frame.isna().sum()[lambda s: s > 0].to_dict())
print("region as typed:", sorted(frame["region"].unique()))

# %% [markdown]
# The scenario knows which leaks it planted (`project.leaks`), but we will not look until the
# end: the audit has to find them on its own.
#
# ## The project as a hurried team wrote it
#
# **Predict, then run.** Read the team's code below before the audit does. How many leaks can
# you find, and what ROC AUC do you expect it to report?
#
# **Wrong** — the team's evaluation, as written. It uses every column, fits the preprocessing
# on all invoices, cross-validates with shuffled folds, and picks the model's size by its score
# on the test set. The test set is handed out by the data platform as a `HeldOutSet`, which
# logs every read (notebook 08); the team reads it whenever it scores a setting.

# %%
train = project.train_frame
test_set = HeldOutSet(project.test_frame, name="test invoices")

team_features = [c for c in frame.columns if c not in (TARGET, "issue_date")]  # "use everything"
CATEGORICAL = ["customer_segment", "region"]


def preprocessor(features):
    numeric = [c for c in features if c not in CATEGORICAL]
    return ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
        ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), CATEGORICAL),
    ])


def boosting(**params):
    return HistGradientBoostingClassifier(max_iter=60, random_state=0, **params)


team = {}  # what the team's evaluation reports


def team_evaluation():
    test = test_set.get("prepare the features")
    prep = preprocessor(team_features).fit(pd.concat([train, test])[team_features])  # all invoices
    X_train, y_train = prep.transform(train[team_features]), train[TARGET]
    team["cv_auc"] = cross_val_score(boosting(), X_train, y_train, scoring="roc_auc",
                                     cv=KFold(4, shuffle=True, random_state=0)).mean()

    def test_auc(model):
        test = test_set.get("score a setting")
        return roc_auc_score(test[TARGET], model.predict_proba(prep.transform(test[team_features]))[:, 1])

    models = {leaves: boosting(max_leaf_nodes=leaves).fit(X_train, y_train) for leaves in (7, 15, 31)}
    scores = {leaves: test_auc(model) for leaves, model in models.items()}
    best = max(scores, key=scores.get)  # the best setting on the test set
    team.update(max_leaf_nodes=best, test_auc=scores[best], model=models[best], prep=prep)

# %% [markdown]
# Now let the audit look. We give it everything it can use: the training table, the test table (the audit reads its own
# copy, so only the team's reads are counted), the time and group columns, the team's
# splitter, the team's evaluation function and the logged test set. The audit runs the
# evaluation once, under the tracer, so the team's numbers come out of the same run.

# %%
team_columns = team_features + ["issue_date", TARGET]
report = audit(train[team_columns], TARGET, test=project.test_frame[team_columns],
               time_column="issue_date", group_column="customer_id", cv=KFold(4, shuffle=True, random_state=0),
               evaluation=team_evaluation, held_out_set=test_set)
short(report)

# %% [markdown]
# Each line above is the first clause of a finding; `print(report)` gives the full text, with
# the evidence and the fix, and in a notebook `report` alone renders as a table. Let us count
# them per question, since we are going to fix them one question at a time:

# %% tags=["nbval-check-output"]
for i, answer in enumerate(report.answers, 1):
    flagged = [f for f in answer.findings if f.severity in ("fail", "warn", "review")]
    print(f"question {i}: {answer.status.upper():<4} {len(flagged)} finding(s): "
          + ", ".join(f"{f.check} ({', '.join(map(str, f.columns)) or 'code'})" for f in flagged))

# %% [markdown]
# Four questions, four failures. And the team's own numbers:

# %% tags=["nbval-check-output"]
print(f"team: cross-validated ROC AUC {team['cv_auc']:.3f}; test ROC AUC {team['test_auc']:.3f} "
      f"(max_leaf_nodes={team['max_leaf_nodes']}, chosen on the test set)")
print(f"the test set was read {test_set.n_reads} times")

# %% [markdown]
# A ROC AUC of 1 on invoices whose lateness depends on customers' habits is the first clue:
# nothing real predicts human behaviour that well. The report says why. Let us fix the
# findings one at a time, re-auditing after each.
#
# ## Fix 1: features that cannot exist at prediction time
#
# Question 1 flags three columns, each for a different reason. Two are failures, established
# from the data alone; the third, `days_to_payment`, is a *review* item: a strong column the
# data cannot convict, so the audit asks a person whether it exists when the invoice is issued.
#
# - `invoice_id` is an identifier, yet its order predicts lateness: late invoices were
#   re-exported from the collections system and received new, higher numbers. A new invoice
#   gets its number before anyone knows whether it will be paid late.
# - `days_to_payment` is known only once the invoice is paid: a field from the future.
# - `reminder_sent` is set after the due date passes unpaid, because of the very event we
#   want to predict: a post-event flag.
#
# The team also fed `customer_id` to the model as a number. It is not flagged here, because we
# declared it as the group column; it is no feature either: the number of a new customer says
# nothing. We keep it to split by customer. Region names typed in different ways ("north",
# "NORTH ") are cleaned too; that is a fixed rule applied row by row, so it learns nothing
# from any row and cannot leak.
#
# The audit points at suspects; the "when is each column written" template of notebook 03
# settles them. Filled in for invoices, with what the accounts team says about each column:

# %% tags=["nbval-check-output"]
TIMELINE = ["customer onboarding", "invoice issued (prediction)", "due date passes unpaid", "invoice paid",
            "collections export"]
PREDICTION_MOMENT = "invoice issued (prediction)"
WHEN_WRITTEN = {  # column: (when its value is written, who or what writes it)
    "invoice_id": ("collections export", "the collections system, which renumbered late invoices"),
    "customer_id": ("customer onboarding", "the customer register"),
    "customer_segment": ("customer onboarding", "sales"),
    "region": ("customer onboarding", "sales, typed by hand"),
    "customer_credit_limit": ("customer onboarding", "credit control"),
    "amount": ("invoice issued (prediction)", "billing"),
    "payment_terms_days": ("invoice issued (prediction)", "billing"),
    "discount_pct": ("invoice issued (prediction)", "billing"),
    "prior_invoices": ("invoice issued (prediction)", "billing, counted at issue"),
    "days_to_payment": ("invoice paid", "the bank reconciliation"),
    "reminder_sent": ("due date passes unpaid", "the dunning job"),
}


def column_timeline(when_written, timeline, prediction_moment):
    """One row per column: when it is written, by whom, and whether the model may use it."""
    table = pd.DataFrame(when_written, index=["known from", "written by"]).T
    late = table["known from"].map(timeline.index) > timeline.index(prediction_moment)
    table["verdict"] = np.where(late, "leak: drop", "keep")
    return table


timeline = column_timeline(WHEN_WRITTEN, TIMELINE, PREDICTION_MOMENT)
print(timeline["verdict"].to_string())

# %% [markdown]
# **Right** — keep only what is known when the invoice is issued (and `customer_id` as the
# group key, not as a feature), and re-audit question 1:

# %% tags=["nbval-check-output"]
not_at_prediction_time = list(timeline.index[timeline["verdict"] == "leak: drop"])
features = [c for c in team_features if c not in not_at_prediction_time + ["customer_id"]]
print("dropped:", not_at_prediction_time, "and customer_id as a feature")
print("features:", features)


def clean(df):
    """Row-by-row cleaning: one spelling per region."""
    return df.assign(region=df["region"].str.strip().str.title())


answer = audit(clean(train)[features + [TARGET]], TARGET)["features"]
print(f"question 1: {answer.status.upper()} - {answer.summary}")

# %% [markdown]
# ## Fix 2: re-recorded invoices
#
# Question 2 has six findings. One is the team's preprocessing, fitted on the test invoices
# too (fix 4 puts it in a pipeline). Two are about the ready split itself, customers and dates
# on both sides (fix 3). The other three are copies: test invoices, and invoices of the team's
# cross-validation folds, with an exact copy among the invoices the model was trained on. Some
# invoices were entered twice, and a model that has memorised the copy is graded on a row it
# has seen. The audit compares rows exactly, so it only counts perfect copies. Some re-entered invoices
# differ a little (a region retyped, an amount saved with a trailing fraction of a cent);
# rounding amounts to the cent and normalising text finds those as well:

# %% tags=["nbval-check-output"]
test_frame = project.test_frame
for label, options in [("exact copies", {}), ("after rounding to cents and normalising text",
                                              dict(decimals=2, normalize_text=True))]:
    [found] = duplicates(train, test_frame, **options)
    print(f"test invoices with a copy in train, {label}: {found.evidence['n_rows']}")

# %% [markdown]
# **Right** — copies have to go *before* the split, or a new split will scatter them again.
# We look for repeats within the whole table, with the same tolerance, and keep the first of
# each:

# %% tags=["nbval-check-output"]
[repeats] = within_duplicates(frame, decimals=2, normalize_text=True)
deduplicated = frame.drop(index=frame.index[list(repeats.rows)])
print(f"{repeats.evidence['n_rows']} re-recorded invoices dropped; {len(deduplicated)} invoices left")

# %% [markdown]
# ## Fix 3: customers and dates on both sides of the split
#
# Two more findings of question 2 are about the ready split itself. It is random, so
#
# - every test customer also has invoices in training. Customers pay late by habit, and the
#   model can recognise a customer (its credit limit is as good as a name), so it is graded on
#   customers it knows. The team will use the model on new customers.
# - test invoices are spread over the same two years as the training ones: the model is
#   trained on the future of the invoices it is tested on. It will predict next month's
#   invoices from last month's.
#
# **Right** — make the test set look like production: invoices of customers the model has
# never seen, issued after the last training invoice. We hold out 30 % of the customers and
# cut the time line on 1 April 2024. Invoices of training customers after the cut, and of test
# customers before it, are set aside: that is the price of a test set that means something.

# %% tags=["nbval-check-output"]
CUTOFF = pd.Timestamp("2024-04-01")
data = clean(deduplicated)
train_pos, test_pos = next(GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=0)
                           .split(data, groups=data["customer_id"]))
new_train = data.iloc[train_pos].query("issue_date < @CUTOFF")
new_test = data.iloc[test_pos].query("issue_date >= @CUTOFF")
print(f"training: {len(new_train)} invoices of {new_train['customer_id'].nunique()} customers, "
      f"up to {new_train['issue_date'].max():%Y-%m-%d}")
print(f"test:     {len(new_test)} invoices of {new_test['customer_id'].nunique()} other customers, "
      f"from {new_test['issue_date'].min():%Y-%m-%d}")
print(f"set aside: {len(data) - len(new_train) - len(new_test)} invoices")

# %% [markdown]
# Re-audit questions 1 and 2 on the new tables:

# %% tags=["nbval-check-output"]
columns = features + ["customer_id", "issue_date", TARGET]
step = audit(new_train[columns], TARGET, test=new_test[columns], time_column="issue_date",
             group_column="customer_id")
for key in ("features", "test_data"):
    print(f"{QUESTIONS[key]:<52} {step.status(key).upper()}")

# %% [markdown]
# ## Fix 4: the whole pipeline inside cross-validation, forward in time and by customer
#
# Question 3 found the team's cross-validation wrong in two ways. The `ColumnTransformer`
# (imputer, scaler, encoder) was fitted on all invoices before cross-validation, so every
# validation fold had been seen by it. And shuffled `KFold` validates on invoices issued
# *before* some of those it trains on, of customers it trains on too. The fix for the first
# is the one from notebooks 06 and 07: put the preprocessing and the model in one `Pipeline`.
#
# For the second, the folds must look like the test set we just built: later invoices of
# customers the model has not seen. Notebook 06's rule for time-ordered data is forward folds
# (`TimeSeriesSplit`); for grouped data, group-aware folds (`GroupKFold`). Here both hold, and
# no scikit-learn splitter does both, so we write one: a `TimeSeriesSplit` on the invoices
# sorted by date, whose training part leaves out every customer of its validation part.

# %%
class LaterInvoicesOfNewCustomers(TimeSeriesSplit):
    """Forward folds on rows sorted by time; each training part drops the customers of its
    validation part, so every fold validates on later invoices of customers it has not seen."""

    def split(self, X, y=None, groups=None):
        groups = np.asarray(groups)
        for train, test in super().split(X, y):
            yield train[~np.isin(groups[train], groups[test])], test


new_train = new_train.sort_values("issue_date", kind="stable")
folds = LaterInvoicesOfNewCustomers(n_splits=4, test_size=60)  # 4 folds of 60 invoices

# %% tags=["nbval-check-output"]
ids, dates = new_train["customer_id"].to_numpy(), new_train["issue_date"].to_numpy()
for k, (fit_rows, check_rows) in enumerate(folds.split(new_train, groups=ids), 1):
    print(f"fold {k}: trains on {len(fit_rows):>3} invoices up to {str(dates[fit_rows].max())[:10]}, "
          f"validates on {len(check_rows):>3} later ones; customers in both: "
          f"{len(set(ids[fit_rows]) & set(ids[check_rows]))}")

# %% [markdown]
# ## Fix 5: tune inside cross-validation, read the test set once
#
# Question 4 counted the team's reads of the test set: one to prepare features, and one for
# each setting it compared. The choice of `max_leaf_nodes` belongs inside cross-validation on
# the training invoices (`GridSearchCV` with the same folds); the test set is read once, at
# the end, for the report. This time we lock it: a `HeldOutSet` with a budget of one read.
#
# **Right** — fixes 4 and 5 together:

# %%
locked_test = HeldOutSet(new_test, budget=1, name="test invoices (new customers, after the cut)")
honest = {}


def honest_evaluation():
    pipeline = make_pipeline(preprocessor(features), boosting())
    search = GridSearchCV(pipeline, {"histgradientboostingclassifier__max_leaf_nodes": [7, 15, 31]},
                          cv=folds, scoring="roc_auc")
    search.fit(new_train[features], new_train[TARGET], groups=new_train["customer_id"])
    test = locked_test.get("final score")  # the one read
    honest.update(cv_auc=search.best_score_, cv_results=search.cv_results_, model=search,
                  max_leaf_nodes=search.best_params_["histgradientboostingclassifier__max_leaf_nodes"],
                  test_auc=roc_auc_score(test[TARGET], search.predict_proba(test[features])[:, 1]),
                  test=test)

# %% [markdown]
# ## The final audit
#
# The whole audit again, on the fixed tables, with both roles declared (time and customer),
# the new splitter, the honest evaluation and the locked test set:

# %% tags=["nbval-check-output"]
final = audit(new_train[columns], TARGET, test=new_test[columns], time_column="issue_date", group_column="customer_id",
              cv=folds, evaluation=honest_evaluation, held_out_set=locked_test)
short(final)
print(locked_test)

# %% [markdown]
# ## The honest score, the original score, and the truth
#
# Both models can now be scored on what neither has seen: invoices of new customers as the
# company's systems show them when the invoice is issued (`project.production`). There, the
# payment date is not yet known, no reminder has been sent, and invoice numbers come from the
# ordinary numbering. This is the score each model would really achieve.

# %% tags=["nbval-check-output"]
production = project.production(3000, random_state=1)
team_risk = team["model"].predict_proba(team["prep"].transform(production[team_features]))[:, 1]
honest_risk = honest["model"].predict_proba(clean(production)[features])[:, 1]
team_prod, honest_prod = roc_auc_score(production[TARGET], team_risk), roc_auc_score(production[TARGET], honest_risk)

rng = np.random.default_rng(0)  # bootstrap the honest test score: 200 resamples of the test invoices
y_test, p_test = honest["test"][TARGET].to_numpy(), honest["model"].predict_proba(honest["test"][features])[:, 1]
boot = [roc_auc_score(y_test[i], p_test[i]) for i in (rng.integers(0, len(y_test), len(y_test)) for _ in range(200))]

print(f"{'':<8}{'cross-validated':>17}{'test (reported)':>17}{'production':>12}")
print(f"{'team':<8}{team['cv_auc']:>17.3f}{team['test_auc']:>17.3f}{team_prod:>12.3f}")
print(f"{'honest':<8}{honest['cv_auc']:>17.3f}{honest['test_auc']:>17.3f}{honest_prod:>12.3f}")
print(f"honest test AUC: {honest['test_auc']:.3f} ± {np.std(boot):.3f} (bootstrap standard error, "
      f"{len(y_test)} test invoices)")
print(f"team's report minus its production score: {team['test_auc'] - team_prod:+.3f}")
print(f"honest report minus its production score: {honest['test_auc'] - honest_prod:+.3f}")

# %% [markdown]
# The team reported a near-perfect model; on new invoices it is not far from a coin toss (ROC
# AUC 0.5), because the columns it relied on are empty or meaningless at issue time.
#
# The honest pipeline reports a modest score, and delivers about that. Its three numbers
# differ by a few hundredths, in both directions, which is the noise of sets this small: the
# test score's bootstrap standard error is printed above, and each validation fold holds only
# 60 invoices. Two reasons could have made the cross-validated number too high, and it is
# worth knowing them even when they do not show: `best_score_` is the best of three settings
# on the same folds (the optimism notebook 06 measured), and folds that ignored time or
# customers would have flattered it, as the team's did. Forward folds of new customers asked
# the same question as the test set and production, so they got about the same answer.
#
# In the collections team's terms: it calls the riskiest invoices first. Of the 300 new
# invoices each model ranks riskiest, how many are really paid late?

# %% tags=["nbval-check-output"]
late = production[TARGET].to_numpy()
print(f"share paid late among all {len(late)} new invoices: {late.mean():.0%}")
for name, risk in [("team", team_risk), ("honest", honest_risk)]:
    print(f"{name:<6} model, its 300 riskiest: {late[np.argsort(-risk, kind='stable')[:300]].mean():.0%} paid late")

# %% [markdown]
# The team's model, promised as near-perfect, sends the callers to invoices about as likely to
# be late as any other; the honest model's list is richer in late payers, as its modest score
# said it would be. A modest, true number is worth more than a brilliant, false one: it tells
# the team that this model helps a little, and that much of what makes an invoice late is not
# in the columns known when it is issued.

# %%
score_bars({"team: reported": team["test_auc"], "team: production": team_prod,
            "honest: reported": honest["test_auc"], "honest: production": honest_prod},
           kinds=["leaky", "leaky", "honest", "honest"], chance=0.5, metric="ROC AUC",
           title=f"The team reported {team['test_auc']:.2f} and delivers {team_prod:.2f}; "
                 f"the honest pipeline reported {honest['test_auc']:.2f} and delivers {honest_prod:.2f}")
plt.show()

# %% [markdown]
# ## What the audit found, against what was planted
#
# Now we can open the scenario's answer key and check the checklist itself.

# %% tags=["nbval-check-output"]
for line in project.describe_leaks():
    print(textwrap.fill("- " + line, 100, subsequent_indent="  "))

# %% tags=["nbval-check-output"]
by_check = {f.check: f for f in report.findings}
caught = {
    "invoice_id (id)": "invoice_id" in report.flagged_columns(),
    "days_to_payment (future)": "days_to_payment" in report.flagged_columns(),
    "reminder_sent (post-event)": "reminder_sent" in report.flagged_columns(),
    "customer_id (group)": "group_overlap" in by_check,
    "duplicated rows": "duplicates" in by_check,
    "preprocessing before CV (team's code)": "fit_before_split" in by_check,
    "tuning on the test set (team's code)": "held_out_reads" in by_check,
}
for leak, found in caught.items():
    print(f"{leak:<40} {'caught' if found else 'MISSED'}")
crossing = project.duplicated_rows["crosses_split"].sum()
print(f"duplicates: the audit's exact scan counted {by_check['duplicates'].evidence['n_rows']} test rows; "
      f"{crossing} planted copies cross the split")
time_findings = [f"question {i}: {f.check}" for i, a in enumerate(report.answers, 1)
                 for f in a.findings if f.columns == ("issue_date",)]
print("flagged about time order, which was not planted:", "; ".join(time_findings))

# %% [markdown]
# Every planted leak was caught, and both mistakes in the team's code. Two things to notice:
#
# - The duplicate scan counted only exact copies, fewer than were planted: `audit(..., near=True)`
#   (`leakkit audit --near`) also counts near copies. The audit is a floor, not a ceiling: after
#   it fires, look at the copies yourself, as in fix 2.
# - The time findings were not planted: this scenario's lateness does not drift over the two
#   years. The audit cannot know that, and splitting by time is the safe default; it cost us
#   training invoices, not accuracy we could measure.
#
# The audit also has blind spots that this project did not exercise. Its tracer follows the
# statistics people usually compute by hand before the split (a pandas mean in `fillna`, a group
# mean of the target, a quantile used as a cap, a correlation screen), but not every form: numpy
# array methods (`X.mean(axis=0)`), a statistic bent by more arithmetic before use
# (`mean + 3 * std` as a bound), functions that fit and transform in one call
# (`scipy.stats.zscore`), rows *chosen* by a statistic (`df[df.x < df.x.quantile(0.99)]` keeps
# the values unchanged) and statistics computed before the evaluation started go unseen.
# What it saw but could not judge it lists as "not checked", never as a pass; read the rest
# yourself. A split made by indexing with ready-made positions calls no splitter either;
# the audit declares the `test=` frame as held out, and in your own code
# `leakkit.trace(held_out=X_test)` does the same. A feature can also leak without
# being strong enough, alone, to be flagged; question 1 still has to be asked column by
# column, by someone who knows when each column is written.
#
# ## Run the checklist on your own project
#
# In Python, give `audit` whatever you have; each question it cannot answer is marked
# `not-checked` and says what it needs:
#
# ```python
# from leakkit.checklist import audit
# from leakkit.llm import HeldOutSet
#
# test_set = HeldOutSet(test_frame, budget=1)       # read it once, at the end
# report = audit(train_frame, "target", test=test_frame,
#                time_column="date", group_column="customer_id",   # the roles your data has
#                cv=GroupKFold(5),                    # the splitter you use
#                evaluation=my_evaluation,            # a function of no arguments
#                held_out_set=test_set)
# report              # HTML in a notebook; print(report) in a terminal; report.to_dict() for code
# ```
#
# From the shell, `leakkit audit` runs the data checks (questions 1 and 2) on CSV or Parquet
# files; what it cannot check (it runs none of your code) it reports as "not checked". It
# prints the report, sends progress to stderr, and exits with 0 when no finding fails, 1 when
# one does (with `--strict`, also one that warns or asks for review) and 2 on bad input, so it
# can stop a CI job. Findings a team has reviewed go in a baseline file (`leakkit.toml`) or
# `--ignore LK201:column`, and only what is new fails. Here it is on the team's
# tables, written as CSV files to a temporary folder. In a terminal, or in a notebook cell
# starting with `!`, you would type the command itself; we start it with `subprocess` (the
# `leakkit` script installed next to this Python) to show its exit code.

# %%
def leakkit_command():
    """The `leakkit` script installed next to this Python (or the module, if it is not there)."""
    script = Path(sys.executable).with_name("leakkit.exe" if os.name == "nt" else "leakkit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "leakkit.cli"]


ARGS = ["audit", "train.csv", "--target", TARGET, "--test", "test.csv", "--time", "issue_date",
        "--group", "customer_id"]

# %% tags=["nbval-check-output"]
with tempfile.TemporaryDirectory() as tmp:
    train[team_columns].to_csv(Path(tmp, "train.csv"), index=False)
    project.test_frame[team_columns].to_csv(Path(tmp, "test.csv"), index=False)
    done = subprocess.run(leakkit_command() + ARGS, cwd=tmp, capture_output=True, text=True)
print(f"$ leakkit {' '.join(ARGS)}")
for line in done.stdout.rstrip().splitlines():  # shortened here; done.stderr holds the progress messages
    indent = line[: len(line) - len(line.lstrip())]
    print(indent + textwrap.shorten(line, 100 - len(indent), placeholder=" ..."))
print(f"exit code: {done.returncode}")

# %% [markdown]
# The command calls the same `audit` function with the same arguments as the cell of fix 3
# above; on the fixed tables it passes both questions it can check, and would exit with 0:

# %% tags=["nbval-check-output"]
print(step)
print(f"exit code of `leakkit audit` on the fixed tables: {step.exit_code()}")

# %% [markdown]
# ### The checklist, to keep
#
# 1. **Could every feature exist at prediction time?** For each column, ask when and by whom
#    it is written. Suspect any column that predicts the target almost alone, and any ID whose
#    order does (`audit(data, target)`, `leakkit audit`).
# 2. **Was anything fitted on test data?** Split first, and drop copies before splitting.
#    Split by entity when rows of one entity are alike, and by time when the model will
#    predict the future (`audit(test=..., group_column=..., time_column=...)`).
# 3. **Did cross-validation include the whole pipeline?** Put every step that learns anything
#    in one `Pipeline`, and use a splitter that respects groups or time
#    (`audit(cv=..., evaluation=...)`).
# 4. **Were parameters tuned on the final evaluation set?** Tune inside cross-validation or on
#    a dev split, and read the test set once; lock it with a `HeldOutSet(budget=1)`
#    (`audit(held_out_set=...)`).
#
# ## Takeaways
#
# - Four questions cover the leaks of this course: features from the future, test data seen
#   by a fit, preprocessing outside the folds, and tuning on the test set.
# - A messy project has several leaks of different kinds at once; fix them one at a time and
#   re-audit after each fix.
# - The honest score is lower than the leaky one and close to what the model delivers on new
#   data; the leaky score is close to neither.
# - An automated audit finds a lot, fast, but it is a floor: follow up on near copies, code
#   the tracer cannot follow (hand-written statistics, indexed splits), and columns only a
#   domain expert can date; the "when is each column written" template does the last part.
# - `leakkit audit` in a CI job fails the build when a table leaks, before anyone trusts
#   a score computed on it.
#
# **Next:** the capstone exercise `exercises/checklist_capstone/` gives you another messy
# project to audit and fix on your own.
