# Splits once, scores every setting on the test rows and reports the best of them; loses: test_nested_honest

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    model = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=20), LogisticRegression())
    return float(cross_val_score(model, X, y, cv=5).mean())

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
    from sklearn.model_selection import ParameterGrid, train_test_split

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    scores = []
    for params in ParameterGrid(param_grid):
        model = clone(estimator).set_params(**params).fit(X_train, y_train)
        scores.append(model.score(X_test, y_test))  # wrong: the test rows pick the winner
    return float(max(scores))
