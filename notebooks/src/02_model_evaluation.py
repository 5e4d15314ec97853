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
# # Model evaluation: the test set as a simulation of the future
#
# You will learn:
#
# - why a test set should simulate the moment the model will be used;
# - how much a random split flatters a model on time-ordered data, and how a split by
#   time fixes it;
# - how to build features *point-in-time*, from information available at the moment of
#   prediction only (a lag computed with `shift` versus a window that peeks ahead);
# - why the test examples must be ones the model could not have influenced.

# %% [markdown]
# ## The data: daily sales of a shop
#
# A shop orders stock a week in advance, so each day it forecasts the sales of the same
# weekday next week. `leakkit.datasets.make_sales` generates two years of daily sales
# with a trend, weekly and yearly cycles, promotion days (planned ahead, so known), a
# level that drifts, and a competitor who opens somewhere in the second year.

# %%
# %load_ext leakkit
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import mean_absolute_error, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import leakkit.plot
from leakkit import detect
from leakkit.datasets import make_churn, make_sales
from leakkit.evaluate import format_gap

SHOP = 4  # the seed of the shop we walk through
SHOPS = range(10)  # the shops every measurement is repeated on
sales = make_sales(n_days=730, random_state=SHOP)
sales.frame.head()

# %% [markdown]
# The honest features are calendar fields, `promo`, and values known a week ahead: the
# sales 7, 14 and 28 days earlier (`lag_7`, `lag_14`, `lag_28`) and the mean of the 7 days
# ending a week before (`rolling_mean_7_lag_7`). We come back to the last column,
# `rolling_mean_7_centered`, later.

# %% tags=["nbval-check-output"]
FEATURES = sales.honest_columns
print("rows:", len(sales.frame), " from", sales.frame["date"].min().date(), "to", sales.frame["date"].max().date())
print("features:", ", ".join(FEATURES))

# %% [markdown]
# ## The test set simulates the future
#
# A model is used on days it has never seen, all of them *after* the data it was trained
# on. A test set is honest when it simulates that situation.
#
# We play it out. The first 75 % of the days are "the past", the data we have; the last
# 25 % are "the future", which we hide and use only at the very end to see how the model
# really does. Inside the past we need a validation set to *estimate* that future error.
# The model is a gradient-boosted tree ensemble, and the score is the mean absolute error
# (MAE) in units sold per day: lower is better.

# %%
def split_by_time(frame, share=0.75):
    """The first `share` of the rows, and the rest (rows are in date order)."""
    cut = int(round(share * len(frame)))
    return frame.iloc[:cut], frame.iloc[cut:]


def fit(frame, columns=FEATURES):
    # 50 boosting rounds at a learning rate of 0.2: as good as the defaults here, and faster
    model = HistGradientBoostingRegressor(max_iter=50, learning_rate=0.2, random_state=0)
    return model.fit(frame[columns], frame["sales"])


def mae(model, frame, columns=FEATURES):
    return mean_absolute_error(frame["sales"], model.predict(frame[columns]))


past, future = split_by_time(sales.frame)

# %% [markdown]
# **Predict, then run.** The two cells below estimate the same model's error, once on a
# random quarter of the past and once on its last quarter. Which estimate will come closer
# to the error the model really makes in the future, and will the other one be too high or
# too low?
#
# **Wrong** — validate on a random quarter of the past.

# %% tags=["nbval-check-output"]
train_r, valid_r = train_test_split(past, test_size=0.25, random_state=SHOP)
estimate_random = mae(fit(train_r), valid_r)
print(f"random-split estimate of the error: {estimate_random:.2f}")

# %% [markdown]
# **Right** — validate on the last quarter of the past, training on what came before it.

# %% tags=["nbval-check-output"]
train_t, valid_t = split_by_time(past)
estimate_time = mae(fit(train_t), valid_t)
print(f"time-split estimate of the error:   {estimate_time:.2f}")

# %% [markdown]
# Now the moment of truth: fit on the whole past and score on the hidden future.

# %% tags=["nbval-check-output"]
model = fit(past)
future_error = mae(model, future)
print(f"error actually met in the future:   {future_error:.2f}")

# %% [markdown]
# The random split promises a smaller error than the model meets in the future; the
# split by time comes much closer on this shop. Why? In a random split, every validation day sits
# between training days from the same week, with the same level, the same season and the
# same drift. The model only has to interpolate between days it has seen. In the future
# it must extrapolate to days after everything it has seen, where the level has moved on.
#
# `leakkit.detect.time_overlap` spots the problem from the two frames alone: it reports
# validation rows dated before the latest training row.

# %% tags=["nbval-check-output"]
for finding in detect.time_overlap(train_r, valid_r, "date"):
    print(finding.severity, "-", finding.message.split(" — ")[0])
print("split by time:", detect.time_overlap(train_t, valid_t, "date"))

# %% [markdown]
# ### Over several seeds
#
# One shop and one split could be a fluke. We repeat the experiment on ten generated
# shops (seeds 0 to 9, the one above is seed 4) and measure each estimate's *optimism*: the
# error met in the future minus the error the estimate promised.

# %% tags=["nbval-check-output"]
def evaluation_run(seed):
    if seed == SHOP:  # already computed above
        return {"seed": seed, "random split": estimate_random, "time split": estimate_time, "future": future_error}
    frame = make_sales(n_days=730, random_state=seed).frame
    past, future = split_by_time(frame)
    tr_r, va_r = train_test_split(past, test_size=0.25, random_state=seed)
    tr_t, va_t = split_by_time(past)
    return {
        "seed": seed,
        "random split": mae(fit(tr_r), va_r),
        "time split": mae(fit(tr_t), va_t),
        "future": mae(fit(past), future),
    }


runs = pd.DataFrame([evaluation_run(seed) for seed in SHOPS]).set_index("seed")
optimism = pd.DataFrame({name: runs["future"] - runs[name] for name in ["random split", "time split"]})
print(runs.round(2))
print()
for name in optimism:
    print(f"{name}: optimism {optimism[name].mean():+.2f} ± {optimism[name].std():.2f}, "
          f"too optimistic on {(optimism[name] > 0).sum()} of {len(optimism)} shops")
leaky_minus_honest = runs["random split"] - runs["time split"]
print(f"estimated error, leaky minus honest: {format_gap(leaky_minus_honest.mean(), leaky_minus_honest.std(), 2)} "
      f"(negative: the random split promises the smaller error, "
      f"on {(leaky_minus_honest < 0).sum()} of {len(runs)} shops)")

# %% [markdown]
# The random split promises about the same small error for every shop, whatever its
# future holds, and it is too optimistic on every shop (the count above). The split by time
# is right *on average* (its mean optimism is much closer to zero) but noisy from shop to
# shop: it can also be too pessimistic, as when the competitor opens inside its validation
# quarter, and no split of the past can foresee a shock that happens only in the future.
# That noise is honest; the random split's optimism is a bias.
#
# The plot shows the shop of the walk-through month by month: the error the model meets
# in each future month, against what each split promised.

# %%
errors = pd.DataFrame({"date": future["date"], "error": np.abs(future["sales"] - model.predict(future[FEATURES]))})
monthly = errors.groupby(errors["date"].dt.to_period("M"))["error"].mean()
over_time = pd.DataFrame({
    "month": monthly.index.to_timestamp(),
    "random-split estimate": estimate_random,
    "time-split estimate": estimate_time,
    "error that month": monthly.to_numpy(),
})
ax = leakkit.plot.scores_over_time(
    over_time, "month", ["random-split estimate", "time-split estimate", "error that month"],
    kinds=["leaky", "honest", "neutral"], metric="mean absolute error (lower is better)",
    title=(f"A random split promised an error of {estimate_random:.1f}; "
           f"the next {len(monthly)} months averaged {future_error:.1f}"),
)
plt.show()

# %% [markdown]
# ### What the optimism costs the shop
#
# The shop plans its stock and its staff around the error it was promised: "we will be
# off by about this many units a day". An average error is exceeded on a minority of days,
# about four in ten for errors shaped like these. On how many of the future days does the
# forecast miss by more than each promise?

# %% tags=["nbval-check-output"]
miss = np.abs(future["sales"] - model.predict(future[FEATURES]))  # units off, each future day
for name, promised_error in [("random split", estimate_random), ("time split", estimate_time)]:
    print(f"promised by the {name:<12} {promised_error:4.1f} units a day; missed by more on "
          f"{(miss > promised_error).sum():>3} of {len(future)} days ({(miss > promised_error).mean():.0%})")

# %% [markdown]
# With the time split's promise, the bad days come about as often as planned. With the random
# split's, two days in three are worse than the shop was told to expect.
#
# ## Point-in-time features
#
# A split by time is not enough: each *feature* must also be what we would know at the
# moment of prediction. Here a forecast for day `t` is made on day `t - 7`, so a feature of
# day `t` may only use sales up to day `t - 7`.
#
# Three features computed from the sales column with pandas:
#
# - `shift(7)`: the sales 7 days earlier, known a week ahead;
# - `shift(7).rolling(7).mean()`: the mean of days `t - 13` to `t - 7`, known a week ahead;
# - `rolling(7, center=True).mean()`: the mean of days `t - 3` to `t + 3`. It smooths
#   nicely, and it contains day `t` itself (the target) and three days after it.
#
# To see which days each one uses, apply them to a toy series whose value on each day is
# the day's number: a feature's value on day 14 is then the (mean) day number it read.

# %% tags=["nbval-check-output"]
def point_in_time_features(s):
    return pd.DataFrame({
        "lag_7": s.shift(7),
        "rolling_mean_7_lag_7": s.shift(7).rolling(7).mean(),
        "rolling_mean_7_centered": s.rolling(7, center=True).mean(),
    })


day_numbers = pd.Series(np.arange(21, dtype=float))
print("value on day 14 (= mean day number it uses):")
print(point_in_time_features(day_numbers).loc[14].to_string())

# %% [markdown]
# The lag reads day 7 and the trailing mean days 1 to 7 (mean 4), both a week or more
# before day 14. The centered mean reads days 11 to 17 (mean 14): day 14 itself and three
# days of its future. These are exactly the columns of the sales table:

# %% tags=["nbval-check-output"]
built = point_in_time_features(sales.frame["sales"]).round(3)
for col in built:
    known = built[col].notna()
    same = np.allclose(built.loc[known, col], sales.frame.loc[known, col].round(3))
    print(f"{col:<24} equals the table's column where defined: {same}")

# %% [markdown]
# Now suppose we add the centered mean to the features. We even use the honest split by
# time: train on the past, score on the future. The question is which value of the feature
# we score with.

# %%
WITH_CENTERED = FEATURES + ["rolling_mean_7_centered"]
peeking_model = fit(past, WITH_CENTERED)


def as_production_sees_it(frame):
    """The centered mean as production can compute it on day t - 7: the most recent
    complete 7-day window, days t - 13 to t - 7, which is `rolling_mean_7_lag_7`."""
    out = frame.copy()
    out["rolling_mean_7_centered"] = frame["rolling_mean_7_lag_7"]
    return out


# %% [markdown]
# **Predict, then run.** The model was trained with the centered mean. Will its error in the
# future be better or worse when we feed it the value production can really compute, and
# by how much?
#
# **Wrong** — score with the column as the table stores it.

# %% tags=["nbval-check-output"]
promised = mae(peeking_model, future, WITH_CENTERED)
print(f"future error, centered mean from the table:       {promised:.2f}")

# %% [markdown]
# **Right** — score with the value production can compute. On day `t - 7` the centered
# window of day `t` has not happened yet; the same formula applied to the latest data gives
# the most recent complete window, days `t - 13` to `t - 7` (the generous choice: a careless
# pipeline would pass a missing value instead).

# %% tags=["nbval-check-output"]
delivered = mae(peeking_model, as_production_sees_it(future), WITH_CENTERED)
print(f"future error, centered mean as production has it: {delivered:.2f}")
print(f"gap, leaky minus honest: {promised - delivered:+.2f}")

# %% [markdown]
# A split by time did not protect us: the leak is inside the rows themselves, each of which
# carries a little of its own target. Over the ten shops, with the honest model of the
# previous section (point-in-time features only) for reference:

# %% tags=["nbval-check-output"]
def point_in_time_run(seed):
    if seed == SHOP:  # already computed above
        return {"seed": seed, "promised (table's column)": promised, "delivered (point-in-time)": delivered,
                "honest features only": future_error}
    frame = make_sales(n_days=730, random_state=seed).frame
    past, future = split_by_time(frame)
    peeking = fit(past, WITH_CENTERED)
    return {
        "seed": seed,
        "promised (table's column)": mae(peeking, future, WITH_CENTERED),
        "delivered (point-in-time)": mae(peeking, as_production_sees_it(future), WITH_CENTERED),
        "honest features only": runs.loc[seed, "future"],
    }


pit = pd.DataFrame([point_in_time_run(seed) for seed in SHOPS]).set_index("seed")
print(pit.round(2))
gap = pit["promised (table's column)"] - pit["delivered (point-in-time)"]
print(f"\nerror, leaky minus honest: {format_gap(gap.mean(), gap.std(), 2)}, "
      f"promise too good on {(gap < 0).sum()} of {len(gap)} shops")
edge = pit["delivered (point-in-time)"] - pit["honest features only"]
print(f"peeking model fed point-in-time values, minus the honest model: {format_gap(edge.mean(), edge.std(), 2)}, "
      f"smaller error on {(edge < 0).sum()} of {len(edge)} shops")

# %% [markdown]
# The table's column makes the promise too good on every shop (the count above).
#
# The last line is a surprise: fed its point-in-time substitute, the peeking model still
# makes a smaller future error than the honest model on most shops. Is the peeking column
# secretly useful? An **ablation** answers it: change one thing, keep the rest. First, train
# the same model with the point-in-time value in that slot during training as well:

# %% tags=["nbval-check-output"]
def no_peek_in_training(seed):
    past, future = split_by_time(make_sales(n_days=730, random_state=seed).frame)
    model = fit(as_production_sees_it(past), WITH_CENTERED)  # point-in-time values, in training too
    return mae(model, as_production_sees_it(future), WITH_CENTERED)


ablation = pd.Series({seed: no_peek_in_training(seed) for seed in SHOPS})
same = np.allclose(ablation, pit["honest features only"])
print(f"mean future error: {ablation.mean():.2f}; identical to the honest model on every shop: {same}")

# %% [markdown]
# The edge is gone: what helped was *training* on the peeking column, not anything
# production can feed the model. Training on the centered mean taught the trees to lean on
# the recent sales level, which follows drift and shocks, instead of on calendar columns
# that cannot extrapolate past the training years. That lesson can be taught honestly:
# forecast the *change* from the last level known at prediction time.

# %% tags=["nbval-check-output"]
def relative_to_level(seed):
    past, future = split_by_time(make_sales(n_days=730, random_state=seed).frame)
    level = "rolling_mean_7_lag_7"  # known a week ahead
    change = HistGradientBoostingRegressor(max_iter=50, learning_rate=0.2, random_state=0).fit(
        past[FEATURES], past["sales"] - past[level])
    return mean_absolute_error(future["sales"], future[level] + change.predict(future[FEATURES]))


pit["honest, relative to level"] = [relative_to_level(seed) for seed in SHOPS]
compared = ["delivered (point-in-time)", "honest features only", "honest, relative to level"]
print(pit[compared].mean().round(2).to_string())

# %% [markdown]
# The honest model that forecasts relative to the last known level makes, on average, a
# smaller error than the peeking model, with no column that peeks. So the peeking model's
# edge was a hint about *how* to model these sales, and an ablation turned the hint into an
# honest model. Without the ablation we could not have told a useful hint from a leak that
# happened to help.
#
# A single-column scan would not have caught this leak: on its own, the centered mean
# predicts sales less well than `lag_7` does. What gives it away is how it is computed, so
# read feature code with one question in mind: *which days does this value use?*

# %% [markdown]
# ## Examples the model could not have influenced
#
# The last property of an honest test set is easy to forget: its outcomes must not have
# been changed by the model itself.
#
# Back to churn. A churn model goes live; each quarter the retention team calls the 20 %
# of customers it rates most at risk, and a call keeps some of those who would have left.
# A quarter later the team scores the model on what happened. But the customers the model
# caught best were *saved by the call*: they now show up as "stayed", and the model looks
# wrong about them.
#
# We simulate it with the churn scenario, where we also know what *would* have happened
# without calls (a luxury real life does not offer).

# %%
CATEGORICAL = ["contract_type", "payment_method", "region"]


def churn_model(columns):
    cats = [c for c in columns if c in CATEGORICAL]
    nums = [c for c in columns if c not in CATEGORICAL]
    prep = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), cats),
        (make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()), nums),
    )
    return make_pipeline(prep, LogisticRegression(max_iter=1000))


churn = make_churn(n_samples=2000, random_state=0)
risk_model = churn_model(churn.honest_columns).fit(churn.honest_X, churn.y)


def next_quarter(seed, call_share=0.2, control_share=0.2, call_success=0.6):
    """One quarter after deployment: ROC AUC of the model on three kinds of outcomes."""
    rng = np.random.default_rng(seed)
    customers = churn.production(4000, random_state=seed)
    would_churn = customers["churned"].to_numpy()
    risk = risk_model.predict_proba(customers[churn.honest_columns])[:, 1]
    control = rng.random(len(customers)) < control_share  # nobody calls these, whatever the model says
    called = ~control & (risk >= np.quantile(risk[~control], 1 - call_share))
    saved = called & (would_churn == 1) & (rng.random(len(customers)) < call_success)
    observed = np.where(saved, 0, would_churn)
    return {
        "seed": seed,
        "without calls (truth)": roc_auc_score(would_churn, risk),
        "wrong: population it acted on": roc_auc_score(observed[~control], risk[~control]),
        "right: control group": roc_auc_score(observed[control], risk[control]),
    }


# %% [markdown]
# We simulate five quarters (seeds 1 to 5). In each, the model's ROC AUC is computed three
# ways: against what would have happened without any calls (the truth, known only in a
# simulation), on the customers it acted on, and on a random control group.

# %% tags=["nbval-check-output"]
quarters = pd.DataFrame([next_quarter(seed) for seed in range(1, 6)]).set_index("seed")
truth = quarters["without calls (truth)"]
print(quarters.round(3).to_string())

# %% [markdown]
# **Predict, then run.** Scored on the customers it acted on, will the model look better or
# worse than it really is?
#
# **Wrong** — score the model on the customers whose outcomes it changed.

# %% tags=["nbval-check-output"]
wrong = quarters["wrong: population it acted on"]
print(f"ROC AUC where it acted:   {wrong.mean():.3f}, "
      f"minus truth: {(wrong - truth).mean():+.3f} ± {(wrong - truth).std():.3f}")

# %% [markdown]
# **Right** — keep a random control group out of every action the model drives, and score
# the model there.

# %% tags=["nbval-check-output"]
right = quarters["right: control group"]
print(f"ROC AUC on the control group: {right.mean():.3f}, "
      f"minus truth: {(right - truth).mean():+.3f} ± {(right - truth).std():.3f}")
print(f"ROC AUC, leaky minus honest: {format_gap((wrong - right).mean(), (wrong - right).std())} "
      f"over {len(quarters)} quarters")

# %% [markdown]
# Scored on the customers it acted on, the model looks worse than it is, by the margin
# printed above: a team reading that number could retire a model that works. The control
# group's estimate is on target on average (it is noisier, being smaller). The bias can just as well run the other way: when labels are collected
# only where the model looked (only flagged transactions are investigated for fraud), the
# model is graded on the cases it chose and looks better than it is. Either way, the
# evaluation no longer simulates the future the model faces.

# %% [markdown]
# ## Takeaways
#
# - A test set is a simulation of the moment the model will be used: later data, the
#   features as known at that moment, and outcomes the model did not shape.
# - On time-ordered data, a random split lets the model interpolate between neighbours and
#   promises too small an error; split by time (train before a cutoff, test after it).
#   `leakkit.detect.time_overlap` flags test rows older than the training data.
# - Build every feature as of the prediction moment: `shift` before `rolling`, never
#   `center=True` or any window that reaches past that moment. A correct split does not
#   fix a feature that peeks.
# - When a model's predictions drive actions, keep a random control group untouched by it
#   and evaluate there.
#
# After notebooks 01 to 03, practise with the exercise in `exercises/direct_leakage/`.
