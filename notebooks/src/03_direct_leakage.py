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
# honest*, over five seeds (a new table and a new split each time), computed by
# `leakkit.optimism_gap`.

# %%
# NBVAL_CHECK_OUTPUT
def leak_gap(column):
    return leakkit.optimism_gap(
        lambda seed: validation_auc(HONEST + (column,), seed),
        lambda seed: validation_auc(HONEST, seed),
        seeds=5, name=column,
    )


print("honest columns:", ", ".join(HONEST))
print(f"honest ROC AUC, seed 0: {validation_auc(HONEST, 0):.3f}")

# %% [markdown]
# ## 1. A field from the future
#
# `account_closed_days` counts the days from the snapshot to the account's closure. It
# is filled in only for accounts that did close, that is, for customers who churned: the
# field was written *after* the outcome we want to predict.

# %%
# NBVAL_CHECK_OUTPUT
filled = churn.frame["account_closed_days"].notna()
print("share of rows where account_closed_days is filled, by outcome:")
print(filled.groupby(churn.frame["churned"]).mean().round(2).to_string())

# %% [markdown]
# **Wrong** — add the field from the future.

# %%
# NBVAL_CHECK_OUTPUT
print(f"ROC AUC with account_closed_days: {validation_auc(HONEST + ('account_closed_days',), 0):.3f}")

# %% [markdown]
# **Right** — leave it out.

# %%
# NBVAL_CHECK_OUTPUT
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

# %%
# NBVAL_CHECK_OUTPUT
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

# %%
# NBVAL_CHECK_OUTPUT
print("median customer_id, by outcome:")
print(churn.frame.groupby("churned")["customer_id"].median().to_string())

# %% [markdown]
# **Wrong** — keep the ID as a feature.

# %%
# NBVAL_CHECK_OUTPUT
print(f"ROC AUC with customer_id: {validation_auc(HONEST + ('customer_id',), 0):.3f}")

# %% [markdown]
# **Right** — use the ID to join and group rows, never as a feature.

# %%
# NBVAL_CHECK_OUTPUT
print(f"ROC AUC without it:       {validation_auc(HONEST, 0):.3f}")
id_gap = leak_gap("customer_id")
print(id_gap)

# %% [markdown]
# **Catch it.** `leakkit.detect.id_columns` looks for columns that look like identifiers
# (mostly unique integers or short codes, a name like `*_id`) and tests whether their
# *order* predicts the target, which an honest ID never does.

# %%
# NBVAL_CHECK_OUTPUT
for finding in detect.id_columns(churn.frame, "churned"):
    print(finding)

# %% [markdown]
# ## 3. A variable that appears only after the event
#
# `retention_offer_made` records whether the retention team made the customer an offer.
# The team does that after a customer *asks to cancel*, which is already most of the way
# to churning. The flag is set because of the event we want to predict.

# %%
# NBVAL_CHECK_OUTPUT
print("share with a retention offer, by outcome:")
print(churn.frame.groupby("churned")["retention_offer_made"].mean().round(2).to_string())

# %% [markdown]
# **Wrong** — add the post-event flag.

# %%
# NBVAL_CHECK_OUTPUT
print(f"ROC AUC with retention_offer_made: {validation_auc(HONEST + ('retention_offer_made',), 0):.3f}")

# %% [markdown]
# **Right** — leave it out.

# %%
# NBVAL_CHECK_OUTPUT
print(f"ROC AUC without it:                {validation_auc(HONEST, 0):.3f}")
post_gap = leak_gap("retention_offer_made")
print(post_gap)

# %% [markdown]
# **Catch it.** This flag is not a perfect record of the outcome (some churners got no
# offer, a few stayers did), so on its own it scores well below 1. The scan above still
# failed it, because it stands far above every honest column, as the full ranking
# `detect.feature_power_table` shows:

# %%
# NBVAL_CHECK_OUTPUT
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

# %%
# NBVAL_CHECK_OUTPUT
train, valid = train_test_split(churn.frame, test_size=0.25, random_state=0, stratify=churn.y)
production = churn.production(2000, random_state=1)
rows = []
for extra in [(), ("account_closed_days",), ("customer_id",), ("retention_offer_made",)]:
    cols = list(HONEST + extra)
    model = churn_model(cols).fit(train[cols], train["churned"])
    proba = model.predict_proba(production[cols])[:, 1]
    rows.append({"model": "honest columns" + "".join(f" + {c}" for c in extra),
                 "flagged in production": (proba >= 0.5).mean(),
                 "production ROC AUC": roc_auc_score(production["churned"], proba)})
print(f"true churn share in production: {production['churned'].mean():.2f}")
print(pd.DataFrame(rows).round(3).to_string(index=False))

# %% [markdown]
# The model with the future field flags (almost) nobody: in production the field is
# always empty, which it learned to read as "stays". The ID model flags (almost) everybody:
# new IDs are higher than any it has seen, which it learned to read as "churns". The
# post-event model sees a flag that is always 0 and flags far fewer customers than the
# honest model does.
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

# %%
# NBVAL_CHECK_OUTPUT
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

# %%
NUMERIC = [f"x{i}" for i in range(6)]


def duplicates_auc(frame, seed):
    train, test = train_test_split(frame, test_size=0.25, random_state=seed, stratify=frame["returned"])
    model = KNeighborsClassifier(n_neighbors=15, weights="distance").fit(train[NUMERIC], train["returned"])
    return roc_auc_score(test["returned"], model.predict_proba(test[NUMERIC])[:, 1])


def without_duplicates(frame):
    """Drop every row that repeats an earlier one, after rounding floats to 3 decimals and
    normalising text (so near copies count as copies)."""
    found = detect.within_duplicates(frame[FEATURES], decimals=3, normalize_text=True)
    repeats = list(found[0].rows) if found else []
    return frame.drop(index=frame.index[repeats])


# %% [markdown]
# **Wrong** — split the table as it is.

# %%
# NBVAL_CHECK_OUTPUT
print(f"ROC AUC, copies on both sides: {duplicates_auc(dups.frame, 0):.3f}")

# %% [markdown]
# **Right** — remove exact and near duplicates first, then split.

# %%
# NBVAL_CHECK_OUTPUT
deduplicated = without_duplicates(dups.frame)
print(f"rows left after removing copies: {len(deduplicated)} of {len(dups.frame)}")
print(f"ROC AUC, no copies:            {duplicates_auc(deduplicated, 0):.3f}")


def duplicate_frame(seed):
    return make_duplicates(n_samples=1000, duplicate_fraction=0.2, near_fraction=0.5, random_state=seed).frame


dup_gap = leakkit.optimism_gap(
    lambda seed: duplicates_auc(duplicate_frame(seed), seed),
    lambda seed: duplicates_auc(without_duplicates(duplicate_frame(seed)), seed),
    seeds=5, name="duplicate rows",
)
print(dup_gap)

# %% [markdown]
# **Catch it.** `leakkit.detect.duplicates(train, test)` lists test rows that also sit in
# train. By default it looks for exact copies; `decimals=` and `normalize_text=True` compare
# after rounding and normalising text, which only works if you guess the rounding (here the
# near copies differ after the 3rd decimal). `leakkit.detect.near_duplicates` needs no guess:
# it counts test rows much closer to a training row than rows usually are to each other. The
# scenario's ground truth says how many test rows really have a copy in train.

# %%
# NBVAL_CHECK_OUTPUT
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

# %%
# NBVAL_CHECK_OUTPUT
with leakkit.trace() as t:
    X_tr, X_te, y_tr, y_te = train_test_split(dups.frame[NUMERIC], dups.y, test_size=0.25, random_state=0,
                                              stratify=dups.y)
    KNeighborsClassifier(n_neighbors=15, weights="distance").fit(X_tr, y_tr).score(X_te, y_te)
for finding in t.findings:
    print(finding)

# %% [markdown]
# ## The four leaks at a glance

# %%
# NBVAL_CHECK_OUTPUT
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
#
# Below, the "known from" column is knowledge about how the data was collected, written by
# hand. The verdict follows from it. The other columns are a cross-check that needs no such
# knowledge: they compare each column in the training table with data generated the way
# production sees it.

# %%
# NBVAL_CHECK_OUTPUT
TIMELINE = ["sign-up", "before the snapshot", "snapshot (prediction)", "after a cancellation request",
            "after the account closes", "when the table was exported"]
PREDICTION_MOMENT = TIMELINE.index("snapshot (prediction)")
known_from = {
    "customer_id": "when the table was exported",  # numbered by the export: churners came later
    "tenure_months": "snapshot (prediction)",
    "monthly_charges": "before the snapshot",
    "support_calls": "before the snapshot",
    "contract_type": "sign-up",
    "payment_method": "sign-up",
    "region": "sign-up",
    "satisfaction_score": "before the snapshot",
    "account_closed_days": "after the account closes",
    "retention_offer_made": "after a cancellation request",
}


def seen_in_training(column):
    """Share of production values (not missing) that training has seen: the same
    category, or a number inside the training range."""
    prod, tr = production[column].dropna(), churn.frame[column].dropna()
    if len(prod) == 0:
        return np.nan
    if column in CATEGORICAL:
        return prod.isin(set(tr)).mean()
    return prod.between(tr.min(), tr.max()).mean()


audit = pd.DataFrame({
    "known from": pd.Series(known_from),
    "missing in training": churn.frame[list(known_from)].isna().mean(),
    "missing in production": production[list(known_from)].isna().mean(),
    "distinct in training": churn.frame[list(known_from)].nunique(),
    "distinct in production": production[list(known_from)].nunique(),
    "production values seen in training": pd.Series({c: seen_in_training(c) for c in known_from}),
})
audit["verdict"] = np.where(audit["known from"].map(TIMELINE.index) <= PREDICTION_MOMENT, "keep", "leak: drop")
with pd.option_context("display.width", 200):
    print(audit.round(2).to_string())

# %% [markdown]
# The cross-check agrees with every "leak: drop" verdict: `account_closed_days` is always
# missing in production, `retention_offer_made` takes a single value there, and no
# production `customer_id` falls inside the training range. The honest columns look the
# same in both. And the rule finds exactly the planted leaks:

# %%
# NBVAL_CHECK_OUTPUT
dropped = sorted(audit.index[audit["verdict"] == "leak: drop"])
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
# - Each leak inflated the validation ROC AUC by roughly 0.1 to 0.2 (the table above), far
#   more than the seed-to-seed spread; in production the leaky models fail.
# - Scans (`detect.feature_power`, `detect.id_columns`, `detect.duplicates`,
#   `leakkit.trace`) point at suspects fast; the rule settles them: *if a feature does not
#   exist at inference time, it is likely a leak.*
#
# Practise now with the exercise in `exercises/direct_leakage/`.
