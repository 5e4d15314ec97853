# Cross-validates the patients' visits with a shuffled KFold, so every patient is on both sides of each split; loses: test_grouped_folds, test_grouped_noise

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    model = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=20), LogisticRegression())
    return float(cross_val_score(model, X, y, cv=5).mean())

# %% grade_id="grouped_cv_score"
def grouped_cv_score(model, X, y, groups):
    """Mean accuracy of `model` over cross-validation folds that hold out whole groups."""
    cv = KFold(n_splits=5, shuffle=True, random_state=0)  # wrong: ignores the groups
    return float(cross_val_score(model, X, y, cv=cv).mean())

# %% grade_id="forward_cv_error"
def forward_cv_error(model, X, y, *, horizon=7):
    """Mean absolute error of `model` over forward folds: fitted on the past, scored `horizon` rows later or more."""
    cv = TimeSeriesSplit(n_splits=5, gap=horizon)
    return float(-cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error").mean())

# %% grade_id="nested_cv_score"
def nested_cv_score(estimator, param_grid, X, y):
    """Nested cross-validated accuracy of `estimator` tuned over `param_grid`."""
    search = GridSearchCV(estimator, param_grid, cv=3)
    return float(cross_val_score(search, X, y, cv=5).mean())
