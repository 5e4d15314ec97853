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
# # Data leakage: a model that looks brilliant and fails in production
#
# You will learn:
#
# - what data leakage is, in one sentence;
# - how a column the model should never have seen makes a validation score look brilliant;
# - why the same model then fails on new data, seen the way production sees it;
# - how a model built only on what is known at prediction time keeps its promise;
# - the map of this course.

# %% [markdown]
# ## The data: a customer churn table
#
# A telecom company wants to know, each month, which customers are about to leave
# (*churn*), so that it can call them before they do. Someone exports a table of past
# customers with the outcome we want to predict, `churned` (1 if the customer left).
#
# `leakkit.datasets.make_churn` generates such a table. It is synthetic and seeded, so
# every run gives the same rows.
#
# The first line of the next cell, `%load_ext leakkit`, switches on leakkit's live checks: from
# then on, a cell that completes a leak shows a box under it naming the leak and its fix
# (`%leakkit off` stops them). Every notebook and exercise of the course starts with it.

# %%
# %load_ext leakkit
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import leakkit.plot
from leakkit.datasets import make_churn
from leakkit.evaluate import format_gap

churn = make_churn(n_samples=2000, random_state=0)
churn.frame[["customer_id", "tenure_months", "monthly_charges", "contract_type",
             "account_closed_days", "retention_offer_made", "churned"]].head()

# %% [markdown]
# Each row is a customer: how long they have been a customer, what they pay, their
# contract, and more columns than fit on the screen (the cell below lists them all: how
# often they called support, how they pay, their region and a satisfaction survey score).
# The last column, `churned`, is the target.

# %% tags=["nbval-check-output"]
print(churn.frame.shape)
print(f"share of customers who churned: {churn.y.mean():.2f}")
print("columns:", ", ".join(churn.X.columns))

# %% [markdown]
# ## A model that looks brilliant
#
# We do what many first projects do: take every column of the table, hold out a quarter
# of the rows for validation, and fit a model on the rest. The model is a logistic
# regression; categories are one-hot encoded and missing numbers imputed (with an
# indicator column saying a value was missing).

# %%
CATEGORICAL = ["contract_type", "payment_method", "region"]


def churn_model(columns):
    """A logistic regression on `columns`: one-hot categories, imputed and scaled numbers."""
    cats = [c for c in columns if c in CATEGORICAL]
    nums = [c for c in columns if c not in CATEGORICAL]
    prep = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), cats),
        (make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()), nums),
    )
    return make_pipeline(prep, LogisticRegression(max_iter=1000))


def scores(model, frame, columns):
    """Accuracy and ROC AUC of a fitted model on `frame`."""
    proba = model.predict_proba(frame[columns])[:, 1]
    return accuracy_score(frame["churned"], proba >= 0.5), roc_auc_score(frame["churned"], proba)


# %% [markdown]
# **Predict, then run.** The model below gets every column of the table. Before you run
# the cell, write down the validation accuracy you expect (a model that always answers
# "stays" gets 0.70), and whether you would trust it.
#
# **Wrong** — every column of the table goes into the model.

# %% tags=["nbval-check-output"]
all_columns = list(churn.X.columns)
train, valid = train_test_split(churn.frame, test_size=0.25, random_state=0, stratify=churn.y)
leaky_model = churn_model(all_columns).fit(train[all_columns], train["churned"])

acc, auc = scores(leaky_model, valid, all_columns)
print(f"validation accuracy: {acc:.3f}   ROC AUC: {auc:.3f}")

# %% [markdown]
# Almost every customer in the validation set is classified correctly. A team seeing this
# would be tempted to ship the model at once.

# %% [markdown]
# ## The same model on new data
#
# In production the model scores customers *at the moment of prediction*: today, for
# customers who are still with us. The scenario can generate such data:
# `churn.production(...)` returns new customers as the production system sees them when
# it predicts. Their outcome `churned` is what happened *later*, so we can score the
# model on it, exactly as a team would a few months after shipping.

# %% tags=["nbval-check-output"]
production = churn.production(2000, random_state=1)

acc_prod, auc_prod = scores(leaky_model, production, all_columns)
print(f"production accuracy: {acc_prod:.3f}   ROC AUC: {auc_prod:.3f}")
print(f"customers the model flags as churners: {leaky_model.predict(production[all_columns]).mean():.2f}")
print(f"customers who actually churned:        {production['churned'].mean():.2f}")
print(f"accuracy of always answering 'stays':  {1 - production['churned'].mean():.3f}")

# %% [markdown]
# The model that was right about almost everyone in validation now flags (almost) every
# customer as a churner. Its accuracy falls below that of a "model" that always answers
# "the customer stays", and its ROC AUC drops towards 0.5, the score of a coin flip.
#
# Nothing is wrong with the logistic regression. What changed is the data: some columns
# mean something different at the moment of prediction than they did in the exported
# table.

# %% [markdown]
# ## What went wrong
#
# Compare the three suspicious columns in the exported table and in production, for
# customers who stayed (`churned = 0`) and who left (`churned = 1`).

# %% tags=["nbval-check-output"]
def leak_profile(frame):
    g = frame.groupby("churned")
    return pd.DataFrame({
        "median customer_id": g["customer_id"].median(),
        "account_closed_days filled": g["account_closed_days"].apply(lambda s: s.notna().mean()),
        "retention_offer_made": g["retention_offer_made"].mean(),
    }).round(2)


print("exported table (training data):")
print(leak_profile(churn.frame))
print("\nproduction (at the moment of prediction):")
print(leak_profile(production))

# %% [markdown]
# Each column gives the answer away in the exported table, and none of them can at the
# moment of prediction:
#
# - `account_closed_days` is filled in only once an account has closed: a field **from
#   the future**. In production nobody has closed yet, so it is always empty.
# - `retention_offer_made` is set by the retention team after a customer *asks to
#   cancel*: a variable that appears **only after the event**. In production it is
#   always 0.
# - `customer_id` looks harmless, but churned customers came from a later export and got
#   higher numbers: an **ID that encodes the target**. New customers get new, even higher
#   numbers, which the model reads as "about to churn"; that is why it flags almost
#   everyone.
#
# This is **data leakage**: information that would not be available at the moment of
# prediction gets into training or evaluation, so the measured score is better than the
# model can do for real.

# %% [markdown]
# **Right** — use only the columns known at the moment of prediction. The scenario lists
# them in `churn.honest_columns`.

# %% tags=["nbval-check-output"]
honest_columns = churn.honest_columns
honest_model = churn_model(honest_columns).fit(train[honest_columns], train["churned"])

print("honest columns:", ", ".join(honest_columns))
for name, frame in [("validation", valid), ("production", production)]:
    acc_h, auc_h = scores(honest_model, frame, honest_columns)
    print(f"{name:>10} accuracy: {acc_h:.3f}   ROC AUC: {auc_h:.3f}")

# %% [markdown]
# The honest model scores lower in validation, and keeps nearly all of it in production:
# its validation score was a fair promise.
#
# ## What the leak costs the retention team
#
# The retention team calls every customer the model flags. In production, the calls each
# model would send out:

# %% tags=["nbval-check-output"]
churners = production["churned"] == 1
for name, model, columns in [("every column", leaky_model, all_columns),
                             ("known at prediction time", honest_model, honest_columns)]:
    called = model.predict(production[columns]) == 1
    print(f"{name:<25} {called.sum():>4} calls: {(called & churners).sum():>3} of {churners.sum()} churners reached, "
          f"{(called & ~churners).sum():>4} calls to customers who were staying anyway")

# %% [markdown]
# The leaky model turns the retention team into a call centre that phones everyone: more
# than two thirds of its calls go to customers who were not leaving. The honest model
# reaches fewer churners, but most of its calls are useful, and the team knew in advance
# how well it would do.

# %% [markdown]
# ## Validation against production, over several seeds
#
# One split could be lucky. We repeat the whole story on ten seeds: a new table, a new
# validation split and a new batch of production customers each time, and record the
# validation and production accuracy of both models.

# %%
rows = []
for seed in range(10):
    sc = make_churn(n_samples=2000, random_state=seed)
    tr, va = train_test_split(sc.frame, test_size=0.25, random_state=seed, stratify=sc.y)
    prod = sc.production(2000, random_state=seed + 1)
    for name, columns in [("every column", all_columns), ("known at prediction time", honest_columns)]:
        model = churn_model(columns).fit(tr[columns], tr["churned"])
        rows.append({"model": name, "seed": seed,
                     "validation": scores(model, va, columns)[0], "production": scores(model, prod, columns)[0]})
runs = pd.DataFrame(rows)

# %% [markdown]
# For each model: the mean accuracy over the ten seeds (± its standard deviation), and what
# it promised minus what it delivered.

# %% tags=["nbval-check-output"]
runs["promised - delivered"] = runs["validation"] - runs["production"]
summary = runs.groupby("model", sort=False)[["validation", "production", "promised - delivered"]].agg(["mean", "std"])
print(summary.to_string(float_format="{:.3f}".format))

# %% [markdown]
# The leaky model's promise misses by about 0.7 on every seed. The honest model's misses by
# nothing on average (a few thousandths, well inside its spread from seed to seed): some
# seeds it delivers a little less than it promised, some a little more. Compared with each
# other (leaky minus honest), the leaky model looks better in validation and is far worse
# in production:

# %% tags=["nbval-check-output"]
by_seed = runs.pivot(index="seed", columns="model", values=["validation", "production"])
for score in ["validation", "production"]:
    gap = by_seed[score]["every column"] - by_seed[score]["known at prediction time"]
    print(f"{score:<10} accuracy, leaky minus honest: {format_gap(gap.mean(), gap.std())} over {len(gap)} seeds")

# %%
means, stds = summary.xs("mean", axis=1, level=1), summary.xs("std", axis=1, level=1)
leaky, honest = means.loc["every column"], means.loc["known at prediction time"]
leakkit.plot.score_gap(
    # each row is a model; score_gap draws its first (validation) and second (production) score
    pd.DataFrame({"experiment": means.index, "leaky_mean": means["validation"], "leaky_std": stds["validation"],
                  "honest_mean": means["production"], "honest_std": stds["production"]}),
    kinds=["leaky", "honest"], labels=("validation", "production"), metric="accuracy",
    title=(f"The leaky model promised {leaky['validation']:.2f} accuracy and delivered "
           f"{leaky['production']:.2f}; the honest one promised {honest['validation']:.2f} "
           f"and kept {honest['production']:.2f}"),
)
plt.show()

# %% [markdown]
# ## The course map
#
# The rest of the course looks at where leakage hides and how to keep it out:
#
# | notebook | topic |
# |---|---|
# | 01 | what leakage is: a model that looks brilliant in validation and fails in production (this notebook) |
# | 02 | model evaluation: the test set as a simulation of the future; point-in-time features |
# | 03 | direct leakage: a field from the future, an ID that encodes the target, a post-event variable, duplicate rows |
# | 04 | indirect leakage: scaling, imputation, feature selection, outlier removal and PCA done before the split |
# | 05 | train/test split: fit on the training part only, then apply to both |
# | 06 | cross-validation: preprocessing inside each fold; groups and time; nested CV for tuning |
# | 07 | pipelines: one object that cross-validation and grid search can refit without leaking, proven by tracing |
# | 08 | AI engineering: tuning prompts, chunks and thresholds on the evaluation set; benchmark contamination |
# | 09 | the leakage checklist: an automated audit of a messy project, then the fixes |

# %% [markdown]
# ## Takeaways
#
# - Data leakage is information that would not be available at the moment of prediction
#   reaching training or evaluation; the score it produces is a promise the model cannot
#   keep.
# - A validation score is only as honest as the data behind it: a random split of a leaky
#   table is leaky too.
# - The question to ask of every column: *would I know this value at the moment I need
#   the prediction?*
# - A score that looks too good is a reason to investigate, not to celebrate.
#
# After notebooks 01 to 03, practise with the exercise in `exercises/direct_leakage/`.
