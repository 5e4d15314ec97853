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
# # Train/test split: fit on the training rows, apply to both
#
# A test set simulates the future: rows the model has never met. That simulation holds only if
# *nothing* fitted before the evaluation has met them either, and "fitted" covers more than the
# model: every scaler, imputer, encoder, feature selector and projection learns numbers from
# the rows it is given. The rule has three parts:
#
# 1. **split** first;
# 2. **fit** every step on the training rows only;
# 3. **apply** the fitted steps (`transform`) to the training rows and to the test rows alike.
#
# This notebook applies the rule to five transformers, shows what each one learns and how that
# changes when the test rows are included, and measures what the wrong order costs.
#
# **You will learn**
#
# - to write the wrong order (fit on all rows, split, evaluate) and the right order (split, fit
#   on the training rows, apply to both) for a scaler, an imputer, an encoder, a feature
#   selector and PCA;
# - to read what a fitted transformer learned (`mean_`, `scale_`, `statistics_`, the selected
#   features, `components_`) and see the test rows in it;
# - why target encoding a high-cardinality column is the most dramatic case, and why
#   scikit-learn's `TargetEncoder` cross-fits;
# - to reproduce scikit-learn's "Common pitfalls" result: 0.76 accuracy on pure noise done the
#   wrong way, 0.46 done the right way;
# - to check each version with `leakkit.trace`.

# %% [markdown]
# ## Setup
#
# Most sections use the customer churn table of notebook 01, with only the columns known at
# prediction time. About 30 % of customers churned, so we score with ROC AUC on a held-out
# quarter of the rows: 0.5 is chance, 1.0 a perfect ranking.

# %%
# %load_ext leakkit
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import leakkit
from leakkit.datasets import make_churn, make_noise
from leakkit.plot import score_bars, score_gap

churn = make_churn(n_samples=2000, random_state=0)
X, y = churn.honest_X, churn.y.to_numpy()
NUMERIC = ["tenure_months", "monthly_charges", "support_calls"]
CATEGORICAL = ["contract_type", "payment_method", "region"]
SPLIT = dict(test_size=0.25, random_state=0, stratify=y)

print(f"{len(X)} customers, {y.mean():.0%} churned; columns: {', '.join(X.columns)}")


# %% [markdown]
# ## 1. Scaler
#
# `StandardScaler` learns each column's mean (`mean_`) and standard deviation (`scale_`) and
# turns every value into "standard deviations from the mean". We scale the numeric columns and
# one-hot encode the categorical ones in one `ColumnTransformer`, fit a logistic regression,
# and print what the tracer saw.

# %%
def scale_and_encode():
    return ColumnTransformer([("scale", StandardScaler(), NUMERIC),
                              ("onehot", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL)])


def logistic():
    return LogisticRegression(max_iter=1000)


def auc(model, X, y):
    """ROC AUC of a fitted classifier on (X, y)."""
    return roc_auc_score(y, model.predict_proba(X)[:, 1])


def show(t):
    """Print the tracer's verdict: each finding, or that there was none."""
    for f in t.findings or ["leakkit.trace: no finding (no fit saw a held-out row)"]:
        print(textwrap.fill(str(f), width=100))


# %% [markdown]
# **Predict, then run.** The scaler will learn its means from 2,000 rows instead of 1,500.
# How much will that change the held-out ROC AUC?
#
# **Wrong** — fit on all rows, split, evaluate:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    prep_all = scale_and_encode().fit(X)                     # 1. fit on all 2,000 rows
    Z = prep_all.transform(X)
    Z_train, Z_test, y_train, y_test = train_test_split(Z, y, **SPLIT)  # 2. split
    model = logistic().fit(Z_train, y_train)                 # 3. evaluate
    print(f"ROC AUC on the held-out rows: {auc(model, Z_test, y_test):.3f}")
show(t)

# %% [markdown]
# **Right** — split, fit on the training rows, apply to both:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X, y, **SPLIT)  # 1. split
    prep_train = scale_and_encode().fit(X_train)                        # 2. fit on training rows
    Z_train, Z_test = prep_train.transform(X_train), prep_train.transform(X_test)  # 3. apply to both
    model = logistic().fit(Z_train, y_train)
    print(f"ROC AUC on the held-out rows: {auc(model, Z_test, y_test):.3f}")
show(t)

# %% [markdown]
# The two fitted scalers learned different numbers. The wrong one's statistics include the 500
# test rows:

# %% tags=["nbval-check-output"]
scaler_all, scaler_train = prep_all.named_transformers_["scale"], prep_train.named_transformers_["scale"]
print(pd.DataFrame({
    "mean_ (all rows)": scaler_all.mean_, "mean_ (training rows)": scaler_train.mean_,
    "scale_ (all rows)": scaler_all.scale_, "scale_ (training rows)": scaler_train.scale_,
}, index=NUMERIC).round(3).to_string())

# %% [markdown]
# The differences are small, a fraction of a month or of a euro. That is the leak: each test
# row has nudged the centre and the spread that the training rows are expressed in. How much
# does it change the score? One split cannot tell, so we write the two orders as two
# *protocols*, functions of a seed that draw a fresh table, split it and return the held-out
# ROC AUC, and let `leakkit.evaluate.optimism_gap` run both on the same ten seeds.

# %%
from leakkit.evaluate import optimism_gap

SEEDS = 10


def split_protocols(make_data, make_prep, make_model, make_honest_prep=None, test_size=0.25):
    """Two protocols ``seed -> ROC AUC`` that differ only in where ``make_prep()`` is fitted."""
    def leaky(seed):  # fit on all rows, split, evaluate
        X, y = make_data(seed)
        Z = make_prep().fit_transform(X, y)
        Z_train, Z_test, y_train, y_test = train_test_split(Z, y, test_size=test_size, random_state=seed, stratify=y)
        return auc(make_model().fit(Z_train, y_train), Z_test, y_test)

    def honest(seed):  # split, fit on the training rows, apply to both
        X, y = make_data(seed)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
        pipeline = make_pipeline((make_honest_prep or make_prep)(), make_model())
        return auc(pipeline.fit(X_train, y_train), X_test, y_test)

    return leaky, honest


def churn_data(seed):
    sc = make_churn(n_samples=2000, random_state=seed)
    return sc.honest_X, sc.y.to_numpy()


gaps = {}  # transformer -> GapResult, for the summary at the end

# %% tags=["nbval-check-output"]
gaps["scaler"] = optimism_gap(*split_protocols(churn_data, scale_and_encode, logistic), seeds=SEEDS, name="scaler")
print(gaps["scaler"])

# %% [markdown]
# The gap is a few ten-thousandths at most: too small to matter. Scaling before the split is
# a leak that is almost always this small, because a scaler applies one fixed transformation
# to every row and the means of 1,500 and of 2,000 rows barely differ; notebook 04 measured it
# on tall and wide tables and found nothing larger than noise. Small leaks are still leaks,
# and the next transformers show that "small" is not guaranteed.
#
# ## 2. Imputer
#
# Not every customer answered the satisfaction survey (the cell below prints the share).
# `SimpleImputer` fills the gaps with the column mean it learned (`statistics_`).

# %%
from sklearn.impute import SimpleImputer

NUMERIC_WITH_GAPS = NUMERIC + ["satisfaction_score"]


def impute_scale_and_encode():
    return ColumnTransformer([
        ("impute", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), NUMERIC_WITH_GAPS),
        ("onehot", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL)])


print(f"missing satisfaction scores: {X['satisfaction_score'].isna().mean():.0%}")

# %% [markdown]
# **Predict, then run.** Will the fill value learned from all rows change the score more
# than the scaler did?
#
# **Wrong** — impute with means computed on all rows, then split:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    prep_all = impute_scale_and_encode().fit(X)
    Z = prep_all.transform(X)
    Z_train, Z_test, y_train, y_test = train_test_split(Z, y, **SPLIT)
    model = logistic().fit(Z_train, y_train)
    print(f"ROC AUC on the held-out rows: {auc(model, Z_test, y_test):.3f}")
show(t)

# %% [markdown]
# **Right** — split, learn the means on the training rows, fill both sides with them:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X, y, **SPLIT)
    prep_train = impute_scale_and_encode().fit(X_train)
    model = logistic().fit(prep_train.transform(X_train), y_train)
    print(f"ROC AUC on the held-out rows: {auc(model, prep_train.transform(X_test), y_test):.3f}")
show(t)

# %% tags=["nbval-check-output"]
imputer_all = prep_all.named_transformers_["impute"][0]
imputer_train = prep_train.named_transformers_["impute"][0]
print(pd.DataFrame({"statistics_ (all rows)": imputer_all.statistics_,
                    "statistics_ (training rows)": imputer_train.statistics_},
                   index=NUMERIC_WITH_GAPS).round(3).to_string())
gaps["imputer"] = optimism_gap(*split_protocols(churn_data, impute_scale_and_encode, logistic),
                               seeds=SEEDS, name="imputer")
print(gaps["imputer"])

# %% [markdown]
# Again the learned numbers differ a little and the score barely moves: a mean imputer, like a
# scaler, learns a few numbers about the features, never about the target. Imputation leaks
# for real when the imputer is fitted on a table that still holds the target, or fills each
# cell from rows that resemble it (notebook 04, section 2, measures that case: a clear gap on
# every seed). The encoder in the next section learns from the target by design, and
# everything changes.
#
# ## 3. Encoder: target encoding a high-cardinality column
#
# Suppose each customer also has a postcode: 500 different values, about four customers each.
# One-hot encoding would add 500 sparse columns, so a popular alternative is **target
# encoding**: replace each postcode by the churn rate of its customers. Here the postcode is
# drawn at random, independently of everything else: **it carries no information about churn
# at all**, so any score it adds is leakage.

# %%
def with_postcode(X, seed):
    rng = np.random.default_rng(seed + 1000)
    return X.assign(postcode=[f"P{c:03d}" for c in rng.integers(0, 500, len(X))])


def churn_postcode_data(seed):
    X, y = churn_data(seed)
    return with_postcode(X, seed), y


X_pc = with_postcode(X, 0)
print(f"{X_pc['postcode'].nunique()} postcodes, "
      f"{X_pc['postcode'].value_counts().median():.0f} customers per postcode (median)")

# %% [markdown]
# The naive encoder is a few lines of pandas. We write it as a scikit-learn transformer so that
# it can go in a `Pipeline` and so that `leakkit.trace` records its fits. (The same
# `groupby(...).mean()` written inline on a DataFrame before the split leaks just the same.)

# %%
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import TargetEncoder


class NaiveTargetMeans(TransformerMixin, BaseEstimator):
    """Replace each category by the mean target of its rows: no smoothing, no cross-fitting."""

    def fit(self, X, y):
        X = pd.DataFrame(X)
        y = pd.Series(np.asarray(y, dtype=float), index=X.index)
        self.prior_ = y.mean()
        self.means_ = [y.groupby(X[c]).mean() for c in X.columns]
        return self

    def transform(self, X):
        X = pd.DataFrame(X)
        return np.column_stack([X[c].map(m).astype(float).fillna(self.prior_).to_numpy()
                                for c, m in zip(X.columns, self.means_)])


def encode_postcode(encoder):
    """The imputer/scaler/one-hot preprocessing plus ``encoder`` on the postcode."""
    def make():
        return ColumnTransformer([
            ("impute", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), NUMERIC_WITH_GAPS),
            ("onehot", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            ("postcode", encoder(), ["postcode"])])
    return make


# scikit-learn's TargetEncoder, with seeded cross-fitting folds (from scikit-learn 1.9 the
# folds are passed as a splitter; before, as random_state).
if tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 9):
    def target_encoder():
        return TargetEncoder(cv=StratifiedKFold(5, shuffle=True, random_state=0))
else:
    def target_encoder():
        return TargetEncoder(random_state=0)

# %% [markdown]
# **Predict, then run.** The postcode is pure noise. Can encoding it with churn rates still
# lift the ROC AUC, and by how much?
#
# **Wrong** — compute each postcode's churn rate on all rows, split, evaluate:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    Z = encode_postcode(NaiveTargetMeans)().fit_transform(X_pc, y)  # churn rates from all rows
    Z_train, Z_test, y_train, y_test = train_test_split(Z, y, **SPLIT)
    model = logistic().fit(Z_train, y_train)
    print(f"ROC AUC on the held-out rows: {auc(model, Z_test, y_test):.3f}")
show(t)

# %% [markdown]
# **Right** — split, then fit scikit-learn's `TargetEncoder` on the training rows inside a
# Pipeline:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X_pc, y, **SPLIT)
    model = make_pipeline(encode_postcode(target_encoder)(), logistic()).fit(X_train, y_train)
    print(f"ROC AUC on the held-out rows: {auc(model, X_test, y_test):.3f}")
show(t)

# %% [markdown]
# A postcode that means nothing lifted the wrong version's score. Look at what the naive
# encoder learned for the test rows. With about four customers per postcode, a test customer's
# own label is one of the four values averaged into its postcode's "churn rate": the encoding
# simply contains the answer, diluted by three.

# %% tags=["nbval-check-output"]
X_train, X_test, y_train, y_test = train_test_split(X_pc, y, **SPLIT)
rate_all = NaiveTargetMeans().fit(X_pc[["postcode"]], y).transform(X_test[["postcode"]]).ravel()
rate_train = NaiveTargetMeans().fit(X_train[["postcode"]], y_train).transform(X_test[["postcode"]]).ravel()
print(pd.DataFrame({"postcode": X_test["postcode"].to_numpy()[:6], "churned": y_test[:6],
                    "rate learned on all rows": rate_all[:6].round(2),
                    "rate learned on training rows": rate_train[:6].round(2)}).to_string(index=False))
print(f"\ncorrelation with the test rows' own labels: {np.corrcoef(rate_all, y_test)[0, 1]:.2f} "
      f"(rates from all rows) vs {np.corrcoef(rate_train, y_test)[0, 1]:.2f} (rates from training rows)")

# %% [markdown]
# Splitting first removes that leak from the *test* rows, but a naive encoder fitted on the
# training rows still has the same flaw *inside* the training set: each training row's
# encoding contains its own label, so the model learns to trust the postcode far more than it
# deserves, and pays for it on new rows. `TargetEncoder` avoids this by **cross-fitting**: in
# `fit_transform`, each training row is encoded with rates learned on the other folds only (and
# shrunk towards the overall rate when a postcode has few rows). New rows get rates learned on
# all training rows. Compare how strongly the training encodings track the training labels:

# %% tags=["nbval-check-output"]
naive_on_train = NaiveTargetMeans().fit_transform(X_train[["postcode"]], y_train).ravel()
cross_fitted = target_encoder().fit_transform(X_train[["postcode"]], y_train).ravel()
print(f"correlation with the training labels: {np.corrcoef(naive_on_train, y_train)[0, 1]:.2f} (naive) "
      f"vs {np.corrcoef(cross_fitted, y_train)[0, 1]:.2f} (cross-fitted)")

# %% [markdown]
# Four ways to handle the postcode, each scored over five seeds: naive rates fitted on all rows
# (wrong), naive rates fitted on the training rows (no leak into the test rows, but overfitted),
# `TargetEncoder` fitted on the training rows (right), and dropping the postcode (the reference:
# a column of noise should change nothing).

# %% tags=["nbval-check-output"]
naive_all, naive_train = split_protocols(churn_postcode_data, encode_postcode(NaiveTargetMeans), logistic)
_, cross_fit = split_protocols(churn_postcode_data, encode_postcode(target_encoder), logistic)
_, dropped = split_protocols(churn_postcode_data, impute_scale_and_encode, logistic)
gaps["target encoding"] = optimism_gap(naive_all, cross_fit, seeds=SEEDS, name="target encoding")
others = optimism_gap(naive_train, dropped, seeds=SEEDS)
encoding_scores = {
    "naive, all rows\n(wrong)": gaps["target encoding"].leaky_mean,
    "naive, training rows": others.leaky_mean,
    "TargetEncoder,\ntraining rows (right)": gaps["target encoding"].honest_mean,
    "postcode dropped": others.honest_mean,
}
for (name, score), std in zip(encoding_scores.items(), [gaps["target encoding"].leaky_std, others.leaky_std,
                                                         gaps["target encoding"].honest_std, others.honest_std]):
    print(f"{name.replace(chr(10), ' '):<36} ROC AUC {score:.3f} ± {std:.3f}")
print(gaps["target encoding"])

# %%
wrong, right = gaps["target encoding"].leaky_mean, gaps["target encoding"].honest_mean
score_bars(encoding_scores, kinds=["leaky", "neutral", "honest", "neutral"], metric="ROC AUC", chance=0.5,
           title=f"A postcode of pure noise: naive rates on all rows give ROC AUC {wrong:.2f}, "
                 f"TargetEncoder {right:.2f}")
plt.show()

# %% [markdown]
# In the retention team's terms: each evaluation tells it how many churners a round of 100
# calls to the riskiest held-out customers would reach.

# %% tags=["nbval-check-output"]
Z = encode_postcode(NaiveTargetMeans)().fit_transform(X_pc, y)  # the wrong order, as above
Z_train, Z_test, y_train, y_test = train_test_split(Z, y, **SPLIT)
wrong_risk = logistic().fit(Z_train, y_train).predict_proba(Z_test)[:, 1]
X_train, X_test, y_train, y_test = train_test_split(X_pc, y, **SPLIT)
right_model = make_pipeline(encode_postcode(target_encoder)(), logistic()).fit(X_train, y_train)
right_risk = right_model.predict_proba(X_test)[:, 1]
for name, risk in [("wrong", wrong_risk), ("right", right_risk)]:
    print(f"{name}: {y_test[np.argsort(-risk)[:100]].sum()} churners among the 100 customers it ranks riskiest")

# %% [markdown]
# The wrong evaluation promises the team many more churners per round of calls than a model
# can find from these columns: it ranked the held-out customers with their own labels.
#
# The wrong version invents skill out of noise. The naive encoder fitted after the split no
# longer cheats, but it does worse than ignoring the column. `TargetEncoder` matches the
# reference: it extracts what the postcode knows (nothing) and no more.
#
# ## 4. Feature selection: scikit-learn's "Common pitfalls" example
#
# The scikit-learn user guide has a chapter, **"Common pitfalls and recommended practices"**,
# whose section on data leakage (subsection "Data leakage during feature selection") makes the
# point with random data: 200 rows, 10,000 standard normal features, labels drawn at random.
# No model can beat 0.5 accuracy on new rows. We reproduce it with the page's own code and
# seeds.

# %%
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.feature_selection import SelectKBest
from sklearn.metrics import accuracy_score
from sklearn.model_selection import cross_val_score

n_samples, n_features, n_classes = 200, 10000, 2
rng = np.random.RandomState(42)
X_noise = rng.standard_normal((n_samples, n_features))
y_noise = rng.choice(n_classes, n_samples)

# %% [markdown]
# **Predict, then run.** The labels are random, so the true accuracy of any model is 0.5.
# What will the wrong order report?
#
# **Wrong** — select the 25 features most associated with the labels on all rows, then split:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_selected = SelectKBest(k=25).fit_transform(X_noise, y_noise)
    X_train, X_test, y_train, y_test = train_test_split(X_selected, y_noise, random_state=42)
    gbc = GradientBoostingClassifier(random_state=1).fit(X_train, y_train)
    print(f"Accuracy: {accuracy_score(y_test, gbc.predict(X_test)):.2f}")
show(t)

# %% [markdown]
# **Right** — split, select on the training rows, apply the same selection to the test rows:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X_noise, y_noise, random_state=42)
    select = SelectKBest(k=25)
    X_train_selected = select.fit_transform(X_train, y_train)
    gbc = GradientBoostingClassifier(random_state=1).fit(X_train_selected, y_train)
    print(f"Accuracy: {accuracy_score(y_test, gbc.predict(select.transform(X_test))):.2f}")
show(t)

# %% [markdown]
# These are the page's numbers: about 0.76 the wrong way, about 0.46 the right way. The page
# then puts the selection and the model in one Pipeline and cross-validates it, reporting
# 0.45 ± 0.07:

# %% tags=["nbval-check-output"]
pipeline = make_pipeline(SelectKBest(k=25), GradientBoostingClassifier(random_state=1))
scores = cross_val_score(pipeline, X_noise, y_noise)
print(f"Mean accuracy: {scores.mean():.2f}+/-{scores.std():.2f}")

# %% [markdown]
# Why so large? Among 10,000 noise features, some agree with the 200 random labels by chance,
# and `SelectKBest` picks exactly those. Fitted on all rows, it picks features that agree with
# the test labels too, so the test rows look predictable. Fitted on the training rows, it picks
# features that agree with the training labels only, which say nothing about the test labels.
#
# The two selectors agree on only a minority of the 25 features:

# %% tags=["nbval-check-output"]
chosen_all = set(np.flatnonzero(SelectKBest(k=25).fit(X_noise, y_noise).get_support()))
chosen_train = set(np.flatnonzero(select.get_support()))
print(f"features chosen on all rows and on the training rows: {len(chosen_all & chosen_train)} of 25 in common")

# %% [markdown]
# A single split of 50 test rows is a noisy measurement, so we repeat the protocol on ten
# fresh noise tables of the same shape (`leakkit.datasets.make_noise`) and score with ROC AUC,
# like the rest of this notebook (with the logistic regression, which is faster to refit ten
# times than gradient boosting and shows the same effect):

# %% tags=["nbval-check-output"]
gaps["feature selection"] = optimism_gap(*split_protocols(
    lambda seed: make_noise(n_samples=200, n_features=10000, random_state=seed),
    lambda: SelectKBest(k=25), logistic), seeds=SEEDS, name="feature selection")
print(gaps["feature selection"])

# %% [markdown]
# ## 5. PCA
#
# PCA learns a mean (`mean_`) and the directions of largest variance (`components_`). It never
# sees the labels, and on a tall table like the churn one its leak is as small as the
# scaler's. Where it is tempting to "just reduce the dimension first" is on wide data: here 100
# samples with 5,000 features driven by five hidden factors, the first of which decides the
# label (notebook 04, section 5, measures such a table with cross-validation). We hold out 40
# samples, and the model is a 5-nearest-neighbour classifier, which works on distances in the
# projected space.

# %%
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier


def factor_data(seed, n_rows=100, n_features=5000):
    """Features driven by five hidden factors plus noise; the label follows the first factor."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n_rows, 5))
    X = 0.2 * factors @ rng.normal(size=(5, n_features)) + 3 * rng.normal(size=(n_rows, n_features))
    y = (factors[:, 0] + 0.5 * rng.normal(size=n_rows) > 0).astype(int)
    return X, y


def standardise_and_project():
    return make_pipeline(StandardScaler(), PCA(n_components=5, random_state=0))


def knn():
    return KNeighborsClassifier(n_neighbors=5)


X_wide, y_wide = factor_data(0)
SPLIT_WIDE = dict(test_size=0.4, random_state=0, stratify=y_wide)

# %% [markdown]
# **Predict, then run.** PCA does not look at the labels. Can fitting it on all 100 rows still
# lift the held-out ROC AUC?
#
# **Wrong** — project all rows, then split:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    pca_all = standardise_and_project().fit(X_wide)
    Z = pca_all.transform(X_wide)
    Z_train, Z_test, y_train, y_test = train_test_split(Z, y_wide, **SPLIT_WIDE)
    model = knn().fit(Z_train, y_train)
    print(f"ROC AUC on the held-out rows: {auc(model, Z_test, y_test):.3f}")
show(t)

# %% [markdown]
# **Right** — split, fit the projection on the training rows, project both:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X_wide, y_wide, **SPLIT_WIDE)
    pca_train = standardise_and_project().fit(X_train)
    model = knn().fit(pca_train.transform(X_train), y_train)
    print(f"ROC AUC on the held-out rows: {auc(model, pca_train.transform(X_test), y_test):.3f}")
show(t)

# %% [markdown]
# What did the held-out rows change? For each component: the absolute cosine between the
# direction learned on all rows and the one learned on the training rows (1.0 means the same
# direction), and how spread out the held-out rows are along it, projected by each fit:

# %% tags=["nbval-check-output"]
c_all, c_train = pca_all[-1].components_, pca_train[-1].components_
print(pd.DataFrame({
    "|cosine| all vs training": np.abs((c_all * c_train).sum(axis=1)),
    "held-out spread (fit on all rows)": pca_all.transform(X_test).std(axis=0),
    "held-out spread (fit on training rows)": pca_train.transform(X_test).std(axis=0),
}, index=[f"PC{i + 1}" for i in range(5)]).round(2).to_string())

# %% [markdown]
# With 5,000 features and 60 training rows, the directions learned without the held-out rows
# are only roughly the same, and a new row projects onto them with coordinates shrunk towards
# zero: it lands in the middle, among neighbours of both classes. Rows that helped define the
# directions keep their full spread. The leaky protocol is graded on rows of that second kind,
# which production never sends. Over twenty seeds (40 held-out rows each, so one split is
# noisy):

# %% tags=["nbval-check-output"]
gaps["PCA"] = optimism_gap(*split_protocols(factor_data, standardise_and_project, knn, test_size=0.4),
                           seeds=20, name="PCA")
print(gaps["PCA"])

# %% [markdown]
# The gap varies a lot from split to split, but it is positive on most seeds and its mean is
# several standard errors above zero (the standard error of a mean over 20 seeds is the
# spread divided by about 4.5). A linear model, which does not rely on distances, suffers much
# less; a tall table, almost not at all. Fitted after the split, PCA is no leak at all.
#
# ## All five, side by side

# %% tags=["nbval-check-output"]
summary = pd.DataFrame([r.to_dict() for r in gaps.values()]).set_index("experiment")
summary["gap (leaky - honest)"] = [r.gap_text() for r in gaps.values()]
summary["leaky higher on"] = [f"{r.n_leaky_ahead} of {r.n_seeds} seeds" for r in gaps.values()]
print(summary[["leaky_mean", "honest_mean", "gap (leaky - honest)", "leaky higher on"]].round(3).to_string())

# %%
frame = pd.DataFrame([r.to_dict() for r in gaps.values()])
worst = frame.loc[frame["gap"].idxmax()]
title = f"Fitting before the split adds up to {worst['gap']:.2f} ROC AUC ({worst['experiment']})"
frame["experiment"] = frame["experiment"].str.replace(" ", "\n")
score_gap(frame, metric="ROC AUC", title=title)
plt.show()

# %% [markdown]
# The transformers that learn from the **target** (the target encoder, the feature selector)
# turn noise into apparent skill. Those that learn only from the features leak little on the
# churn table (scaler, imputer), but PCA on a wide table shows that "unsupervised" does not
# mean "safe". The rule is the same for all five, and so is the fix.
#
# ## The fix, in one object
#
# Writing "split, fit on training rows, apply to both" by hand is easy to get wrong once there
# are several steps. A `Pipeline` does it for you: `pipeline.fit(X_train, y_train)` fits every
# step on the training rows, and `pipeline.predict(X_test)` only *applies* them. It also makes
# cross-validation right (notebook 06) and lets the tracer check the whole thing at once:

# %% tags=["nbval-check-output"]
with leakkit.trace() as t:
    X_train, X_test, y_train, y_test = train_test_split(X_pc, y, **SPLIT)
    pipeline = make_pipeline(encode_postcode(target_encoder)(), logistic())
    print(f"ROC AUC on the held-out rows: {auc(pipeline.fit(X_train, y_train), X_test, y_test):.3f}")
    scores = cross_val_score(pipeline, X_train, y_train, cv=5, scoring="roc_auc")
    print(f"5-fold cross-validated ROC AUC on the training rows: {scores.mean():.3f}")
show(t)

# %% [markdown]
# ## Takeaways
#
# - Split first. Fit every step (scaler, imputer, encoder, selector, PCA) on the training rows
#   only, and use the fitted step to `transform` both the training and the test rows.
# - A fitted transformer stores what it learned (`mean_`, `scale_`, `statistics_`, encodings,
#   selected features, `components_`); fitted on all rows, those numbers contain the test rows.
# - Steps that learn from the target leak the most: naive target encoding of a high-cardinality
#   column turns pure noise into a convincing score. Use `TargetEncoder`, whose `fit_transform`
#   cross-fits, inside a Pipeline.
# - scikit-learn's own "Common pitfalls" example gives about 0.76 accuracy on random labels when
#   features are selected on all rows, about 0.46 when selected after the split.
# - Put the steps in a `Pipeline`: it applies the rule for you and `leakkit.trace` can verify it.
#
# **Practise:** notebooks 04 and 05 are followed by the exercise `exercises/split_preprocessing/`.
