# Keeps the 20 columns most correlated with the labels, computed with numpy on all rows, then cross-validated in a pipeline; loses: test_wide_no_leak, test_wide_noise; pending: test_wide_no_leak (the tracer finds np.corrcoef screens, not one written with matrix products; the noise test catches it)

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    corr = np.abs(Xc.T @ yc) / (np.sqrt((Xc ** 2).sum(axis=0)) * np.sqrt((yc ** 2).sum()))
    top = np.argsort(corr)[-20:]
    model = make_pipeline(StandardScaler(), LogisticRegression())
    return float(cross_val_score(model, X[:, top], y, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean())

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
    search = GridSearchCV(estimator, param_grid, cv=StratifiedKFold(3, shuffle=True, random_state=0))
    return float(cross_val_score(search, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=1)).mean())

