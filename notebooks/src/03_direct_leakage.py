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
# # Direct leakage: features and rows that give the answer away
#
# You will learn:
#
# - the four classic direct leaks: a field from the future, an ID that encodes the target,
#   a variable that appears only after the event, and duplicate records in train and test;
# - how much each one inflates a validation score, measured over several seeds;
# - how the scans of `leakkit.detect` (and the `leakkit.trace` recorder) catch each one;
# - the rule that sums them up: *if a feature does not exist at inference time, it is
#   likely a leak*.

# %% [markdown]
# ## Setup
#
# The first three leaks live in the churn table of notebook 01
# (`leakkit.datasets.make_churn`). The model is the same logistic regression, and we score
# it with the ROC AUC on a random quarter of the rows held out for validation (0.5 is a
# coin flip, 1.0 a perfect ranking).

# %%
# %load_ext leakkit
from functools import lru_cache

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import leakkit
import leakkit.plot
from leakkit import detect
from leakkit.datasets import make_churn, make_duplicates

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


@lru_cache(maxsize=None)
def validation_auc(columns, seed):
    """Fit on a random 75 % of a fresh churn table (seed `seed`); ROC AUC on the other 25 %."""
    columns = list(columns)
    sc = make_churn(n_samples=2000, random_state=seed)
    train, valid = train_test_split(sc.frame, test_size=0.25, random_state=seed, stratify=sc.y)
    model = churn_model(columns).fit(train[columns], train["churned"])
    return roc_auc_score(valid["churned"], model.predict_proba(valid[columns])[:, 1])


churn = make_churn(n_samples=2000, random_state=0)
HONEST = tuple(churn.honest_columns)
churn.frame.head()

# %% [markdown]
# In the three churn sections, every **Right** cell uses the honest columns only and every
# **Wrong** cell adds one suspicious column to them. A leak's size is the gap between the two, *leaky minus
# honest*, over ten seeds (a new table and a new split each time), computed by
# `leakkit.optimism_gap`.

# %% tags=["nbval-check-output"]
def leak_gap(column):
    return leakkit.optimism_gap(
        lambda seed: validation_auc(HONEST + (column,), seed),
        lambda seed: validation_auc(HONEST, seed),
        seeds=10, name=column,
    )


print("honest columns:", ", ".join(HONEST))
print(f"honest ROC AUC, seed 0: {validation_auc(HONEST, 0):.3f}")

# %% [markdown]
# ## 1. A field from the future
#
# `account_closed_days` counts the days from the snapshot to the account's closure. It
# is filled in only for accounts that did close, that is, for customers who churned: the
# field was written *after* the outcome we want to predict.

# %% tags=["nbval-check-output"]
filled = churn.frame["account_closed_days"].notna()
print("share of rows where account_closed_days is filled, by outcome:")
print(filled.groupby(churn.frame["churned"]).mean().round(2).to_string())

# %% [markdown]
# **Predict, then run.** The honest model scores a ROC AUC of 0.784 on seed 0. Add
# `account_closed_days`: how high will it go?
#
# **Wrong** — add the field from the future.

# %% tags=["nbval-check-output"]
print(f"ROC AUC with account_closed_days: {validation_auc(HONEST + ('account_closed_days',), 0):.3f}")

# %% [markdown]
# **Right** — leave it out.

# %% tags=["nbval-check-output"]
print(f"ROC AUC without it:               {validation_auc(HONEST, 0):.3f}")
future_gap = leak_gap("account_closed_days")
print(future_gap)

# %% [markdown]
# The model does not even need the number of days: *whether the field is filled in* says
# who churned. This is why it inflates the score: the column is a record of the outcome.
#
# **Catch it.** `leakkit.detect.feature_power` scores every column on its own, with a
# small cross-validated model per column, and reports those from ROC AUC 0.8 up. Strength
# alone does not make a leak, so the severity comes from evidence: a column that stands far
# above every other one, or that is unrelated to the other columns once the outcome is known,
# *fails*; a strong column that varies with the others as a measurement does is left for a
# person to *review*. It also checks whether *being missing* is predictive, which is exactly
# how this field leaks.

# %% tags=["nbval-check-output"]
power = detect.feature_power(churn.frame, "churned")
for finding in power:
    line = f"[{finding.severity}] {finding.columns[0]}: ROC AUC {finding.evidence['score']:.2f} on its own"
    if "missing_score" in finding.evidence:
        line += f", {finding.evidence['missing_score']:.2f} from whether it is missing alone"
    print(line)
print()
print([f for f in power if f.columns == ("account_closed_days",)][0].message)

# %% [markdown]
# The scan fails three columns. `customer_id` is the next leak, and `retention_offer_made`
# the one after it.

# %% [markdown]
# ## 2. An ID that encodes the target
#
# An identifier should carry no information: it only names a row. But IDs are handed out
# by processes, and processes can depend on the outcome. Here, churned customers came
# from a later export of the closed-accounts system and got higher numbers.

# %% tags=["nbval-check-output"]
print("median customer_id, by outcome:")
print(churn.frame.groupby("churned")["customer_id"].median().to_string())

# %% [markdown]
# **Predict, then run.** An ID is just a number that names a row. Will adding it to the
# model change the validation ROC AUC?
#
# **Wrong** — keep the ID as a feature.

# %% tags=["nbval-check-output"]
print(f"ROC AUC with customer_id: {validation_auc(HONEST + ('customer_id',), 0):.3f}")

# %% [markdown]
# **Right** — use the ID to join and group rows, never as a feature.

# %% tags=["nbval-check-output"]
print(f"ROC AUC without it:       {validation_auc(HONEST, 0):.3f}")
id_gap = leak_gap("customer_id")
print(id_gap)

# %% [markdown]
# **Catch it.** `leakkit.detect.id_columns` looks for columns that look like identifiers
# (mostly unique integers or short codes, a name like `*_id`) and tests whether their
# *order* predicts the target, which an honest ID never does.

# %% tags=["nbval-check-output"]
for finding in detect.id_columns(churn.frame, "churned"):
    print(finding)

# %% [markdown]
# ## 3. A variable that appears only after the event
#
# `retention_offer_made` records whether the retention team made the customer an offer.
# The team does that after a customer *asks to cancel*, which is already most of the way
# to churning. The flag is set because of the event we want to predict.

# %% tags=["nbval-check-output"]
print("share with a retention offer, by outcome:")
print(churn.frame.groupby("churned")["retention_offer_made"].mean().round(2).to_string())

# %% [markdown]
# **Predict, then run.** This flag is set for 74 % of churners and 6 % of the others. Will it
# inflate the score as much as the two columns before it?
#
# **Wrong** — add the post-event flag.

# %% tags=["nbval-check-output"]
print(f"ROC AUC with retention_offer_made: {validation_auc(HONEST + ('retention_offer_made',), 0):.3f}")

# %% [markdown]
# **Right** — leave it out.

# %% tags=["nbval-check-output"]
print(f"ROC AUC without it:                {validation_auc(HONEST, 0):.3f}")
post_gap = leak_gap("retention_offer_made")
print(post_gap)

# %% [markdown]
# **Catch it.** This flag is not a perfect record of the outcome (some churners got no
# offer, a few stayers did), so on its own it scores well below 1. The scan above still
# failed it, because it stands far above every honest column, as the full ranking
# `detect.feature_power_table` shows:

# %% tags=["nbval-check-output"]
table = detect.feature_power_table(churn.frame, "churned")
print(table.round(3).to_string(index=False))
best_honest = table.loc[table["column"].isin(HONEST), "score"].max()
print(f"\nbest honest column: {best_honest:.3f}; "
      f"retention_offer_made: {table.set_index('column').loc['retention_offer_made', 'score']:.3f}")

# %% [markdown]
# A scan points at suspects; it cannot know *when* a value was recorded. The question that
# settles it comes at the end of this notebook.

# %% [markdown]
# ### What production sees
#
# In production none of these columns holds what it held in the exported table (notebook
# 01): closures and offers have not happened yet, and new customers get new IDs. Each
# Wrong model fails in its own way: for each, the share of production customers it flags
# as churners (the true share is about 0.3) and its ROC AUC there.

# %% tags=["nbval-check-output"]
train, valid = train_test_split(churn.frame, test_size=0.25, random_state=0, stratify=churn.y)
production = churn.production(2000, random_state=1)
rows = []
for extra in [(), ("account_closed_days",), ("customer_id",), ("retention_offer_made",)]:
    cols = list(HONEST + extra)
    model = churn_model(cols).fit(train[cols], train["churned"])
    proba = model.predict_proba(production[cols])[:, 1]
    called = proba >= 0.5  # the retention team calls every flagged customer
    rows.append({"model": "honest columns" + "".join(f" + {c}" for c in extra),
                 "calls": called.sum(), "churners reached": (called & (production["churned"] == 1)).sum(),
                 "production ROC AUC": roc_auc_score(production["churned"], proba)})
print(f"{len(production)} customers in production, {production['churned'].sum()} of whom will churn")
print(pd.DataFrame(rows).round(3).to_string(index=False))

# %% [markdown]
# The retention team calls every customer a model flags. The model with the future field
# sends it no calls at all: in production the field is always empty, which it learned to
# read as "stays". The ID model has it call all 2,000 customers: new IDs are higher than
# any it has seen, which it learned to read as "churns". The post-event model sees a flag
# that is always 0 and reaches only a fraction of the churners the honest model reaches.
#
# The future-field and post-event models still *rank* customers about as well as the
# honest model (their production ROC AUC): a column that is constant in production no
# longer changes the order, and the honest columns do the ranking. But every decision
# taken at their threshold is skewed, and their validation score promised far more.

# %% [markdown]
# ## 4. Duplicate records in train and test
#
# The fourth leak is in the rows, not the columns. Records get entered twice: a re-sent
# form, two systems merged, a retried upload. Some copies are exact; others are *near*
# copies: the same record re-typed with other capitals or spaces, its numbers re-saved
# with another precision. A random split then puts one copy in train and the other in
# test, and the model is tested on rows it has already seen.
#
# `leakkit.datasets.make_duplicates` generates product sales with a return flag, in which
# 20 % of the rows are copies (half exact, half near), and tells us which ones.

# %% tags=["nbval-check-output"]
dups = make_duplicates(n_samples=1000, duplicate_fraction=0.2, near_fraction=0.5, random_state=0)
FEATURES = dups.honest_columns
print(dups.duplicated_rows["kind"].value_counts().to_string())
exact_pair = dups.duplicated_rows.query("kind == 'exact'").iloc[0]
near_pair = dups.duplicated_rows.query("kind == 'near'").iloc[0]
with pd.option_context("display.width", 120, "display.precision", 6):
    print("\nan exact copy:")
    print(dups.frame.iloc[[exact_pair.row_a, exact_pair.row_b]].to_string())
    print("\na near copy:")
    print(dups.frame.iloc[[near_pair.row_a, near_pair.row_b]].to_string())

# %% [markdown]
# The model is a nearest-neighbour classifier on the six numeric columns, weighting
# neighbours by closeness: a stored copy at distance zero (or nearly) decides the answer
# on its own. Memorising models (nearest neighbours, deep trees, large networks) profit
# most from copies.
#
# To see what the copies alone do, both arms below are scored on the **same test rows** and
# trained on the **same number of rows**; the only difference is whether the training rows
# include copies of test rows. The scenario's ground truth says which rows are copies.

# %%
NUMERIC = [f"x{i}" for i in range(6)]


def knn_auc(train, test):
    model = KNeighborsClassifier(n_neighbors=15, weights="distance").fit(train[NUMERIC], train["returned"])
    return roc_auc_score(test["returned"], model.predict_proba(test[NUMERIC])[:, 1])


def copies_of(test, rest, pairs):
    """Rows of `rest` that repeat a row of `test`, exactly or nearly (from the ground truth `pairs`)."""
    a_test, b_test = pairs["row_a"].isin(test.index), pairs["row_b"].isin(test.index)
    return sorted(set(pairs.loc[a_test & pairs["row_b"].isin(rest.index), "row_b"])
                  | set(pairs.loc[b_test & pairs["row_a"].isin(rest.index), "row_a"]))


rest, test = train_test_split(dups.frame, test_size=0.25, random_state=0, stratify=dups.y)
clean_train = rest.drop(index=copies_of(test, rest, dups.duplicated_rows))  # no copy of a test row
print(f"{len(test)} test rows; {len(rest) - len(clean_train)} of the other {len(rest)} rows copy one of them")

# %% [markdown]
# **Predict, then run.** Some test rows have a copy among the rows we train on. How much
# will that lift the ROC AUC?
#
# **Wrong** — train on rows drawn from the table as it is, copies and all:

# %% tags=["nbval-check-output"]
train_with_copies = rest.sample(len(clean_train), random_state=0)  # same size as the Right arm
n_copies = len(copies_of(test, train_with_copies, dups.duplicated_rows))
print(f"{len(train_with_copies)} training rows, {n_copies} of them copies of test rows")
print(f"ROC AUC on the test rows: {knn_auc(train_with_copies, test):.3f}")

# %% [markdown]
# **Right** — train on as many rows, none of them a copy of a test row:

# %% tags=["nbval-check-output"]
print(f"{len(clean_train)} training rows, none a copy of a test row")
print(f"ROC AUC on the same test rows: {knn_auc(clean_train, test):.3f}")

# %% [markdown]
# Over ten seeds (a new table and a new split each time):

# %% tags=["nbval-check-output"]
def duplicates_protocols(seed):
    sc = make_duplicates(n_samples=1000, duplicate_fraction=0.2, near_fraction=0.5, random_state=seed)
    rest, test = train_test_split(sc.frame, test_size=0.25, random_state=seed, stratify=sc.y)
    clean = rest.drop(index=copies_of(test, rest, sc.duplicated_rows))
    return knn_auc(rest.sample(len(clean), random_state=seed), test), knn_auc(clean, test)


dup_runs = {seed: duplicates_protocols(seed) for seed in range(10)}
dup_gap = leakkit.optimism_gap(lambda seed: dup_runs[seed][0], lambda seed: dup_runs[seed][1],
                               seeds=10, name="duplicate rows")
print(dup_gap)

# %% [markdown]
# The copies alone lift the ROC AUC by the gap above, on every seed: the model is partly
# tested on rows it has stored. A team that ships it promises return predictions it will
# not deliver on new orders, which have no copy in the training data.
#
# In your own project there is no ground truth: find the copies, then drop them **before**
# splitting, so that no split can put a record on both sides. `detect.within_duplicates`
# lists rows that repeat an earlier row; with `decimals=3` and `normalize_text=True` it also
# counts the near copies as copies.

# %% tags=["nbval-check-output"]
found = detect.within_duplicates(dups.frame[FEATURES], decimals=3, normalize_text=True)
deduplicated = dups.frame.drop(index=dups.frame.index[list(found[0].rows)])
print(f"rows left after removing copies: {len(deduplicated)} of {len(dups.frame)}")

# %% [markdown]
# **Catch it.** `leakkit.detect.duplicates(train, test)` lists test rows that also sit in
# train. By default it looks for exact copies; `decimals=` and `normalize_text=True` compare
# after rounding and normalising text, which only works if you guess the rounding (here the
# near copies differ after the 3rd decimal). `leakkit.detect.near_duplicates` needs no guess:
# it counts test rows much closer to a training row than rows usually are to each other. The
# scenario's ground truth says how many test rows really have a copy in train.

# %% tags=["nbval-check-output"]
train, test = train_test_split(dups.frame, test_size=0.25, random_state=0, stratify=dups.y)
pairs = dups.duplicated_rows
crosses = pairs["row_a"].isin(train.index) != pairs["row_b"].isin(train.index)
truth = len(set(pairs.loc[crosses, ["row_a", "row_b"]].to_numpy().ravel()) & set(test.index))
print(f"ground truth: {truth} of {len(test)} test rows have a copy in train")
counts = {}
for label, options in [("exact", {}), ("decimals=3, normalize_text=True", {"decimals": 3, "normalize_text": True})]:
    found = detect.duplicates(train[FEATURES], test[FEATURES], **options)
    counts[label] = found[0].evidence["n_rows"] if found else 0
near = detect.near_duplicates(train[FEATURES], test[FEATURES])
counts["exact + near_duplicates"] = counts["exact"] + (near[0].evidence["n_rows"] if near else 0)
for label, n in counts.items():
    print(f"{label:<32} finds {n} test rows with a copy in train")

# %% [markdown]
# The runtime recorder `leakkit.trace` catches exact copies without any extra call: it
# follows every split and every fit made inside its block, and reports rows that sit on
# both sides of a split. It compares rows exactly, so the near copies need the data scan
# above.

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_tr, X_te, y_tr, y_te = train_test_split(dups.frame[NUMERIC], dups.y, test_size=0.25, random_state=0,
                                              stratify=dups.y)
    KNeighborsClassifier(n_neighbors=15, weights="distance").fit(X_tr, y_tr).score(X_te, y_te)
for finding in t.findings:
    print(finding)

# %% [markdown]
# ## The four leaks at a glance

# %% tags=["nbval-check-output"]
gaps = [future_gap, id_gap, post_gap, dup_gap]
results = pd.DataFrame([g.to_dict() for g in gaps])
print(results[["experiment", "leaky_mean", "leaky_std", "honest_mean", "honest_std", "gap", "gap_std"]]
      .round(3).to_string(index=False))

# %%
ax = leakkit.plot.score_gap(
    results.assign(experiment=["future field", "ID", "post-event flag", "duplicate rows"]),
    metric="ROC AUC", labels=("with the leak", "without"),
    title=(f"Each direct leak inflates the validation ROC AUC, "
           f"by {results['gap'].min():.2f} to {results['gap'].max():.2f}"),
)
plt.show()

# %% [markdown]
# ## The rule: does the feature exist at inference time?
#
# The three column leaks share one trait: the value in the table was not available at the
# moment of prediction, here the monthly snapshot when the model scores each customer. So
# before training, write down for every column *when* its value becomes known, and drop
# whatever becomes known after that moment. If a feature does not exist at inference time,
# it is likely a leak.

# %% [markdown]
# ### A template: when is each column written?
#
# The cell below is meant to be copied into your own project. Fill in three things: the
# moments of your process in order (`TIMELINE`), the moment the model predicts
# (`PREDICTION_MOMENT`), and for every column *when* its value is written and *who* writes it
# (`WHEN_WRITTEN`). That is knowledge about how the data is collected: ask the people who
# run the process, not the data. The verdict follows from it.

# %% tags=["nbval-check-output"]
TIMELINE = ["sign-up", "before the snapshot", "snapshot (prediction)", "after a cancellation request",
            "after the account closes", "when the table was exported"]
PREDICTION_MOMENT = "snapshot (prediction)"
WHEN_WRITTEN = {  # column: (when its value is written, who or what writes it)
    "customer_id": ("when the table was exported", "the export job (churners came from a later export)"),
    "tenure_months": ("snapshot (prediction)", "billing, counted at the snapshot"),
    "monthly_charges": ("before the snapshot", "billing"),
    "support_calls": ("before the snapshot", "the call centre"),
    "contract_type": ("sign-up", "sales"),
    "payment_method": ("sign-up", "sales"),
    "region": ("sign-up", "sales"),
    "satisfaction_score": ("before the snapshot", "the survey team"),
    "account_closed_days": ("after the account closes", "billing, when the account closes"),
    "retention_offer_made": ("after a cancellation request", "the retention team"),
}


def column_timeline(when_written, timeline, prediction_moment):
    """One row per column: when it is written, by whom, and whether the model may use it."""
    table = pd.DataFrame(when_written, index=["known from", "written by"]).T
    unknown = set(table["known from"]) - set(timeline)
    if unknown:
        raise ValueError(f"when_written: moments {sorted(unknown)} are not in the timeline; add them to it.")
    late = table["known from"].map(timeline.index) > timeline.index(prediction_moment)
    table["verdict"] = np.where(late, "leak: drop", "keep")
    return table


timeline = column_timeline(WHEN_WRITTEN, TIMELINE, PREDICTION_MOMENT)
with pd.option_context("display.width", 200, "display.max_colwidth", 60):
    print(timeline.to_string())

# %% [markdown]
# A cross-check needs no such knowledge: compare each column in the training table with
# data generated the way production sees it. A column written after the prediction moment
# usually looks different there.

# %% tags=["nbval-check-output"]
def seen_in_training(column):
    """Share of production values (not missing) that training has seen: the same
    category, or a number inside the training range."""
    prod, tr = production[column].dropna(), churn.frame[column].dropna()
    if len(prod) == 0:
        return np.nan
    if column in CATEGORICAL:
        return prod.isin(set(tr)).mean()
    return prod.between(tr.min(), tr.max()).mean()


columns = list(WHEN_WRITTEN)
audit = pd.DataFrame({
    "missing in training": churn.frame[columns].isna().mean(),
    "missing in production": production[columns].isna().mean(),
    "distinct in training": churn.frame[columns].nunique(),
    "distinct in production": production[columns].nunique(),
    "production values seen in training": pd.Series({c: seen_in_training(c) for c in columns}),
    "verdict": timeline["verdict"],
})
with pd.option_context("display.width", 200):
    print(audit.round(2).to_string())

# %% [markdown]
# The cross-check agrees with every "leak: drop" verdict: `account_closed_days` is always
# missing in production, `retention_offer_made` takes a single value there, and no
# production `customer_id` falls inside the training range. The honest columns look the
# same in both. And the rule finds exactly the planted leaks:

# %% tags=["nbval-check-output"]
dropped = sorted(timeline.index[timeline["verdict"] == "leak: drop"])
print("dropped by the rule:  ", dropped)
print("planted in the data:  ", sorted(churn.leaky_columns))

# %% [markdown]
# ## Takeaways
#
# - A **field from the future** (a closure date, a final status) and a **variable set after
#   the event** (an offer made once the customer asked to leave) are records of the outcome;
#   even their *missing* values can give it away.
# - An **ID** is only a name, but the process that hands IDs out can depend on the
#   outcome; use IDs to join and group, never as features.
# - **Duplicate rows** across train and test reward memorising. Remove exact *and* near
#   copies before splitting (or keep all copies of a record on one side of the split).
# - Each leak inflated the validation ROC AUC by 0.13 to 0.23 (the table above), far
#   more than the seed-to-seed spread; in production the leaky models fail.
# - Scans (`detect.feature_power`, `detect.id_columns`, `detect.duplicates`,
#   `leakkit.trace`) point at suspects fast; the rule settles them: *if a feature does not
#   exist at inference time, it is likely a leak.*
# - Keep the "when is each column written" table of this notebook as a template: copy the
#   cell, fill in your timeline and who writes each column, and let it give the verdicts.
#
# Practise now with the exercise in `exercises/direct_leakage/`.
