# Uses TimeSeriesSplit without a gap, so each model is scored on the day right after its last training day, though it forecasts a week ahead; loses: test_forward_folds

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    model = make_pipeline(SelectKBest(f_classif, k=10), LogisticRegression(C=0.1))
    return float(cross_val_score(model, X, y, cv=StratifiedKFold(4, shuffle=True, random_state=2)).mean())

# %% grade_id="grouped_cv_score"
def grouped_cv_score(model, X, y, groups):
    """Mean accuracy of `model` over cross-validation folds that hold out whole groups."""
    return float(cross_val_score(model, X, y, groups=groups, cv=GroupKFold(n_splits=4)).mean())

# %% grade_id="forward_cv_error"
def forward_cv_error(model, X, y, *, horizon=7):
    """Mean absolute error of `model` over forward folds: fitted on the past, scored `horizon` rows later or more."""
    cv = TimeSeriesSplit(n_splits=5)  # wrong: no gap, the horizon is ignored
    return float(-cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error").mean())

# %% grade_id="nested_cv_score"
def nested_cv_score(estimator, param_grid, X, y):
    """Nested cross-validated accuracy of `estimator` tuned over `param_grid`."""
    search = GridSearchCV(estimator, param_grid, cv=StratifiedKFold(3))
    return float(cross_val_score(search, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean())
