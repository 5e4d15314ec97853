# Correct, differently: every loop written by hand (folds, patient-wise splits, an expanding window, and tuning on a validation part inside each outer fold, without refitting); loses: nothing

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    from sklearn.base import clone

    model = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=25), LogisticRegression(C=0.5))
    scores = []
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=7).split(X, y):
        fitted = clone(model).fit(X[train], y[train])
        scores.append(fitted.score(X[test], y[test]))
    return float(np.mean(scores))

# %% grade_id="grouped_cv_score"
def grouped_cv_score(model, X, y, groups):
    """Mean accuracy of `model` over cross-validation folds that hold out whole groups."""
    from sklearn.base import clone
    from sklearn.model_selection import GroupShuffleSplit

    truth, predicted = [], []
    for train, test in GroupShuffleSplit(n_splits=5, test_size=0.25, random_state=0).split(X, y, groups):
        fitted = clone(model).fit(X.iloc[train], y.iloc[train])
        predicted.append(fitted.predict(X.iloc[test]))
        truth.append(y.iloc[test].to_numpy())
    return float(np.mean(np.concatenate(truth) == np.concatenate(predicted)))

# %% grade_id="forward_cv_error"
def forward_cv_error(model, X, y, *, horizon=7):
    """Mean absolute error of `model` over forward folds: fitted on the past, scored `horizon` rows later or more."""
    from sklearn.base import clone

    n, errors = len(X), []
    for end in range(n // 2, n - horizon - 30, 50):  # train on rows [0, end), skip horizon rows, test 50
        test = slice(end + horizon, min(end + horizon + 50, n))
        fitted = clone(model).fit(X.iloc[:end], y.iloc[:end])
        errors.append(np.mean(np.abs(y.iloc[test].to_numpy() - fitted.predict(X.iloc[test]))))
    return float(np.mean(errors))

# %% grade_id="nested_cv_score"
def nested_cv_score(estimator, param_grid, X, y):
    """Nested cross-validated accuracy of `estimator` tuned over `param_grid`."""
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid, train_test_split

    scores = []
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(X, y):
        X_fit, X_val, y_fit, y_val = train_test_split(X[train], y[train], test_size=0.3, stratify=y[train],
                                                      random_state=0)
        best, best_score = None, -1.0
        for params in ParameterGrid(param_grid):
            model = clone(estimator).set_params(**params).fit(X_fit, y_fit)
            score = model.score(X_val, y_val)
            if score > best_score:
                best, best_score = model, score
        scores.append(best.score(X[test], y[test]))  # the chosen model, scored once on the outer fold
    return float(np.mean(scores))
