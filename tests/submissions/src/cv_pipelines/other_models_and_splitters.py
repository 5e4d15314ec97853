# Correct, differently: min-max scaling and a ridge classifier, StratifiedGroupKFold, forward folds of 60 days with a longer gap, cross_validate with other inner and outer folds; loses: nothing

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    from sklearn.linear_model import RidgeClassifier
    from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate
    from sklearn.preprocessing import MinMaxScaler

    model = Pipeline([("scale", MinMaxScaler()), ("select", SelectKBest(f_classif, k=15)),
                      ("classify", RidgeClassifier(alpha=10.0))])
    cv = RepeatedStratifiedKFold(n_splits=4, n_repeats=2, random_state=3)
    return cross_validate(model, X, y, cv=cv)["test_score"].mean()

# %% grade_id="grouped_cv_score"
def grouped_cv_score(model, X, y, groups):
    """Mean accuracy of `model` over cross-validation folds that hold out whole groups."""
    from sklearn.model_selection import StratifiedGroupKFold, cross_validate

    cv = StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=0)
    return cross_validate(model, X, y, groups=groups, cv=cv, scoring="accuracy")["test_score"].mean()

# %% grade_id="forward_cv_error"
def forward_cv_error(model, X, y, *, horizon=7):
    """Mean absolute error of `model` over forward folds: fitted on the past, scored `horizon` rows later or more."""
    from sklearn.model_selection import cross_validate

    cv = TimeSeriesSplit(n_splits=4, test_size=60, gap=horizon + 3)
    result = cross_validate(model, X, y, cv=cv, scoring="neg_mean_absolute_error")
    return abs(result["test_score"].mean())

# %% grade_id="nested_cv_score"
def nested_cv_score(estimator, param_grid, X, y):
    """Nested cross-validated accuracy of `estimator` tuned over `param_grid`."""
    from sklearn.model_selection import cross_validate

    search = GridSearchCV(estimator, param_grid, cv=KFold(n_splits=4, shuffle=True, random_state=5))
    outer = StratifiedKFold(n_splits=4, shuffle=True, random_state=6)
    return cross_validate(search, X, y, cv=outer)["test_score"].mean()

# %% [markdown] grade_id="written_which_score"
# The best of 200 scores on the same folds is biased upwards (the winner is partly the luckiest). Report nested cross-validation, GroupKFold in both loops; best_score_ is only for choosing.
