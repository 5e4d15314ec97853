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
# # Pipelines: the cure, and the proof
#
# Notebooks 04 to 06 showed the rule: every step that learns from data (an imputer's medians,
# a scaler's means, an encoder's categories, a selector's choice of columns) must learn it
# from the training rows only, in every split and every fold. Writing that by hand is
# tedious and easy to get wrong. scikit-learn's `Pipeline` makes it automatic: the whole
# chain of steps becomes one estimator, and cross-validation or grid search fits the whole
# chain inside each fold.
#
# **You will learn**
#
# - how to build a `Pipeline`, then a `ColumnTransformer` for mixed numeric and categorical
#   data with missing values (imputation, scaling, encoding, selection);
# - how to pass it to `cross_validate` and `GridSearchCV`;
# - how to *prove*, with `leakkit.trace`, that no fit saw held-out rows, and draw which rows
#   each fit saw;
# - what happens when one step slips outside the pipeline, and how the tracer catches it even
#   when the score hardly moves.

# %%
# %load_ext leakkit
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.compose import ColumnTransformer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import leakkit
import leakkit.plot
from leakkit.datasets import make_churn, make_noise

# %% [markdown]
# ## The data: customer churn, honest columns only
#
# `make_churn` generates a customer table. It also contains columns that leak directly (an ID,
# a field from the future, a post-event flag: notebook 03); here we keep only the features
# known at prediction time, `honest_X`. They mix numbers and categories, and the satisfaction
# score is missing for some customers, as real data would be.

# %%
churn = make_churn(n_samples=1000, random_state=0)
X, y = churn.honest_X, churn.y
numeric = ["tenure_months", "monthly_charges", "support_calls", "satisfaction_score"]
categorical = ["contract_type", "payment_method", "region"]
print(X.head(3).to_string())
print()
print("rows:", len(X), " churn rate:", round(float(y.mean()), 3))
print("missing values per column:", X.isna().sum()[lambda s: s > 0].to_dict())

# %% [markdown]
# ## Step 1: a Pipeline
#
# Start with the numeric columns. The missing values must be filled (`SimpleImputer`), the
# scales evened out (`StandardScaler`), then a logistic regression fitted. `make_pipeline`
# chains the three into one estimator: its `fit` fits each step on the output of the previous
# one, and its `predict` applies the fitted steps, in order, to new rows.
#
# `cross_validate` clones the pipeline for each fold and calls `fit` on that fold's training
# rows only. The medians and means come from the training rows; the held-out rows are only
# transformed with them.

# %%
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
numeric_model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression())
numeric_scores = cross_validate(numeric_model, X[numeric], y, cv=cv, scoring="roc_auc")["test_score"]
print(f"numeric columns only: ROC AUC {numeric_scores.mean():.3f} ± {numeric_scores.std():.3f}")

# %% [markdown]
# ## Step 2: a ColumnTransformer for mixed data
#
# Categories need different treatment from numbers. A `ColumnTransformer` sends each group of
# columns through its own steps and puts the results side by side: numbers are imputed and
# scaled, categories one-hot encoded (`handle_unknown="ignore"` so a category that a training
# fold happens not to contain does not crash the held-out rows). Then `SelectKBest` keeps the
# columns most related to churn, and the model comes last. Everything is one estimator.

# %%
preprocess = ColumnTransformer([
    ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
    ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
])
model = Pipeline([
    ("preprocess", preprocess),
    ("select", SelectKBest(f_classif, k=8)),
    ("classify", LogisticRegression()),
])
model

# %% [markdown]
# ## Step 3: cross-validation
#
# The whole pipeline goes to `cross_validate`, exactly like a single model.

# %% tags=["nbval-check-output"]
results = cross_validate(model, X, y, cv=cv, scoring="roc_auc")
print(f"all honest columns: ROC AUC {results['test_score'].mean():.3f} ± {results['test_score'].std():.3f}")
print(f"numeric columns only: ROC AUC {numeric_scores.mean():.3f}")

# %% [markdown]
# The categorical columns add a little; the contract type matters for churn.
#
# ## Step 4: tuning with GridSearchCV
#
# Hyper-parameters of any step are reachable as `step__parameter`: the number of columns kept
# (`select__k`) and the regularisation of the model (`classify__C`). The grid search runs its
# own cross-validation on the training rows, fitting the whole pipeline in each inner fold;
# the test set is scored once, at the end, with the chosen model.

# %% tags=["nbval-check-output"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
param_grid = {"select__k": [5, "all"], "classify__C": [0.1, 1.0]}
search = GridSearchCV(model, param_grid, cv=5, scoring="roc_auc")
search.fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"best cross-validated ROC AUC (training rows): {search.best_score_:.3f}")
print(f"ROC AUC on the test set, scored once        : {search.score(X_test, y_test):.3f}")

# %% [markdown]
# ## The proof: trace every fit
#
# A score cannot tell you whether a fit saw held-out rows: leaks can be small, and honest
# scores can be high. `leakkit.trace` answers the question directly. Inside a `with` block it
# records every `fit`, `transform` and prediction of every scikit-learn estimator, and every
# split, and it follows each row by its content through the transforms. When the block ends,
# `t.findings` lists every fit that saw rows held out from it; an empty list means none did.
# With `detail="all"` it also records the rows seen by each step inside the pipeline.

# %% tags=["nbval-check-output"]
with leakkit.trace(detail="all") as t:
    results = cross_validate(model, X, y, cv=cv, scoring="roc_auc")
print("findings:", t.findings)
print(t.summary())

# %% [markdown]
# Every step, in every fold, was fitted on 800 rows: the training part of a fold, never the
# 1,000 rows of the whole table. The largest fit per step, from the tracer's records:

# %% tags=["nbval-check-output"]
steps = ["ColumnTransformer", "SimpleImputer", "StandardScaler", "OneHotEncoder", "SelectKBest", "LogisticRegression"]
fits = t.fits_frame()
largest = fits[fits["estimator"].isin(steps)].groupby("estimator", sort=False)["n_rows"].max()
print(largest.rename("most rows seen by one fit").to_string())
print("rows in the table:", len(X))

# %% [markdown]
# The fold diagram draws it: one band per fold (light: training rows, dark: held-out rows),
# then one band per pipeline fit with the rows it saw. The rows are sorted by the fold that
# holds them out, so each fold's held-out block is contiguous. Each fit stays inside its
# fold's training rows, so nothing is red.

# %%
diagram = t.fold_diagram_data()
pipeline_fits = [(f"pipeline fit {i + 1}", seen)
                 for i, (label, seen) in enumerate(f for f in diagram["fits"] if f[0].startswith("Pipeline.fit #"))]
by_fold = np.concatenate([test for _, test in diagram["folds"]])  # rows sorted by their held-out fold
leakkit.plot.fold_diagram(diagram["folds"], diagram["n_samples"], fits=pipeline_fits, order=by_fold)
plt.show()

# %% [markdown]
# The grid search and the final test score pass the same check: the grid search's inner folds
# hold out rows from each candidate's fit, and the test rows were never fitted on.

# %% tags=["nbval-check-output"]
with leakkit.trace() as t_search:
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    search = GridSearchCV(model, param_grid, cv=5, scoring="roc_auc").fit(X_train, y_train)
    test_auc = search.score(X_test, y_test)
print("findings:", t_search.findings)
print(t_search.summary())

# %% [markdown]
# ## One step outside the pipeline
#
# Now the same code with one change that looks harmless: the preprocessing is fitted once, on
# the whole table, "to prepare the data", and only selection and model are cross-validated.
#
# **Predict, then run.** Will the score move when the preprocessing is fitted on all rows?
# Will the tracer notice?
#
# **Wrong** — `preprocess.fit_transform(X)` before cross-validation. The medians, means and
# categories now come from all 1,000 rows, including each fold's held-out rows.

# %% tags=["nbval-check-output"]
with leakkit.trace(detail="all") as t_leaky:
    X_prepared = preprocess.fit_transform(X)  # fitted on every row
    leaky_results = cross_validate(make_pipeline(SelectKBest(f_classif, k=8), LogisticRegression()),
                                   X_prepared, y, cv=cv, scoring="roc_auc")
print(f"ROC AUC {leaky_results['test_score'].mean():.3f}")
print("leaked:", t_leaky.leaked)
for finding in t_leaky.findings:
    print(f"[{finding.severity}] {finding.check}: {finding.message}")

# %% [markdown]
# **Right** — the whole chain inside the pipeline, as in the proof above: no findings.

# %% tags=["nbval-check-output"]
print(f"ROC AUC {results['test_score'].mean():.3f}")
print("leaked:", t.leaked, " findings:", t.findings)

# %% [markdown]
# The tracer followed the rows through the transform: the data that was cross-validated came
# out of a `ColumnTransformer` whose fit had seen every held-out row. In the fold diagram the
# first fit band is red where it covers held-out rows.

# %%
leaky_diagram = t_leaky.fold_diagram_data()
leaky_fits = [("preprocess on all rows" if label.startswith("ColumnTransformer") else label.split(" #")[0], seen)
              for label, seen in leaky_diagram["fits"]
              if label.startswith("ColumnTransformer") or label.startswith("Pipeline.fit #")]
leaky_fits = [(name if i == 0 else f"pipeline fit {i}", seen) for i, (name, seen) in enumerate(leaky_fits)]
by_fold = np.concatenate([test for _, test in leaky_diagram["folds"]])
leakkit.plot.fold_diagram(leaky_diagram["folds"], leaky_diagram["n_samples"], fits=leaky_fits, order=by_fold)
plt.show()

# %% [markdown]
# ## Does the score show the leak? Not reliably
#
# How much did pulling the preprocessing out change the score? Over several seeds (new
# customers each time) the gap is tiny: medians and means of 1,000 rows barely move when 200
# are added. That is exactly why leaks survive: the score looks fine. But a leaky step is not
# always this mild. Pull the *selection* out of a pipeline on wide, pure-noise data (here 200
# rows, 2,000 columns and random labels; notebook 06 showed the same effect on the 50 × 5,000
# table of *The Elements of Statistical Learning*) and the same mistake turns a coin flip into
# a convincing model.
#
# Each protocol below is run under the tracer for every seed, so we measure the gap *and*
# count how often the tracer flagged a leak.

# %%
def traced(protocol, flags):
    """Run protocol(seed) under leakkit.trace and record whether it leaked."""
    def run(seed):
        with leakkit.trace() as tr:
            score = protocol(seed)
        flags.append(tr.leaked)
        return score
    return run


def churn_data(seed):
    sc = make_churn(n_samples=1000, random_state=seed)
    return sc.honest_X, sc.y


def churn_leaky(seed):
    X, y = churn_data(seed)
    X_prepared = preprocess.fit_transform(X)
    rest = make_pipeline(SelectKBest(f_classif, k=8), LogisticRegression())
    return cross_validate(rest, X_prepared, y, cv=cv, scoring="roc_auc")["test_score"].mean()


def churn_honest(seed):
    X, y = churn_data(seed)
    return cross_validate(model, X, y, cv=cv, scoring="roc_auc")["test_score"].mean()


def noise_leaky(seed):
    X, y = make_noise(n_samples=200, n_features=2000, random_state=seed)
    X_selected = SelectKBest(f_classif, k=20).fit_transform(X, y)
    return cross_validate(LogisticRegression(), X_selected, y, cv=cv, scoring="roc_auc")["test_score"].mean()


def noise_honest(seed):
    X, y = make_noise(n_samples=200, n_features=2000, random_state=seed)
    pipe = make_pipeline(SelectKBest(f_classif, k=20), LogisticRegression())
    return cross_validate(pipe, X, y, cv=cv, scoring="roc_auc")["test_score"].mean()


# %% tags=["nbval-check-output"]
flags = {name: [] for name in ("churn leaky", "churn honest", "noise leaky", "noise honest")}
gaps = [
    leakkit.optimism_gap(traced(churn_leaky, flags["churn leaky"]), traced(churn_honest, flags["churn honest"]),
                         seeds=5, name="churn: preprocessing outside"),
    leakkit.optimism_gap(traced(noise_leaky, flags["noise leaky"]), traced(noise_honest, flags["noise honest"]),
                         seeds=5, name="noise: selection outside"),
]
for g in gaps:
    print(f"{g.name}: ROC AUC leaky {g.leaky_mean:.3f}, honest {g.honest_mean:.3f}, "
          f"gap (leaky minus honest) {g.gap_text()} over {g.n_seeds} seeds")
for name, f in flags.items():
    print(f"tracer flagged '{name}' in {sum(f)} of {len(f)} runs")

# %%
gap_table = pd.DataFrame([g.to_dict() for g in gaps])
leakkit.plot.score_gap(
    gap_table, metric="ROC AUC", labels=("step outside the pipeline", "everything inside"),
    title=(f"A step outside the pipeline moved ROC AUC by {gaps[0].gap_text()} on churn and "
           f"{gaps[1].gap_mean:+.2f} on noise; the tracer flagged every leaky run"
           if all(flags["churn leaky"] + flags["noise leaky"]) else "The tracer missed a leaky run"),
)
plt.show()

# %% [markdown]
# The gap depends on the data and on the step: negligible for the churn table's imputation
# and scaling, enormous for selection among thousands of noise columns. The tracer's verdict
# does not depend on either: it flagged every leaky run and none of the honest ones. So do not
# judge a protocol by whether its score looks plausible; check what each fit saw.
#
# ## Takeaways
#
# - Put every step that learns from data in one `Pipeline`; use a `ColumnTransformer` to give
#   numeric and categorical columns their own imputation, scaling and encoding.
# - Pass the whole pipeline to `cross_validate` and `GridSearchCV`: each fold, and each inner
#   fold of the search, then fits every step on its training rows only. Score the test set
#   once, at the end.
# - A step fitted outside the pipeline leaks, whether the score moves by less than a thousandth
#   (churn) or by a third (selection among noise columns), as printed above; the score alone
#   cannot tell you.
# - `with leakkit.trace() as t:` around your evaluation gives the proof: `t.findings == []`
#   when no fit saw held-out rows, and a message naming the step and the rows when one did.
#
# Practise with the exercise in `exercises/cv_pipelines/`: build an honest pipeline for a new
# data set; the grader runs it under `leakkit.trace` on data you have not seen.
