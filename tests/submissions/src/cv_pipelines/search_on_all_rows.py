# Runs the grid search on all rows first, then cross-validates its best estimator: the outer held-out rows already chose the setting; loses: test_nested_honest

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    model = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=20), LogisticRegression())
    return float(cross_val_score(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean())

# %% grade_id="grouped_cv_score"
def grouped_cv_score(model, X, y, groups):
    """Mean accuracy of `model` over cross-validation folds that hold out whole groups."""
    return float(cross_val_score(model, X, y, groups=groups, cv=GroupKFold(n_splits=5)).mean())

# %% grade_id="forward_cv_error"
def forward_cv_error(model, X, y, *, horizon=7):
    """Mean absolute error of `model` over forward folds: fitted on the past, scored `horizon` rows later or more."""
    cv = TimeSeriesSplit(n_splits=5, gap=horizon)
    return float(-cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error").mean())

# %% grade_id="nested_cv_score"
def nested_cv_score(estimator, param_grid, X, y):
    """Nested cross-validated accuracy of `estimator` tuned over `param_grid`."""
    from sklearn.base import clone

    search = GridSearchCV(estimator, param_grid, cv=5).fit(X, y)
    tuned = clone(estimator).set_params(**search.best_params_)
    return float(cross_val_score(tuned, X, y, cv=5).mean())
