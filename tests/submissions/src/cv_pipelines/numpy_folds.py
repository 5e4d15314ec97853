# Correct, differently: every split made with numpy index arithmetic (shuffled folds, patients dealt into folds, an expanding window with a gap, tuning on an inner hold-out), models cloned and scored by hand; loses: nothing

# %% grade_id="wide_cv_score"
def wide_cv_score(X, y):
    """Cross-validated accuracy of a feature-selection + classifier Pipeline on wide data."""
    from sklearn.base import clone

    pipe = make_pipeline(SelectKBest(f_classif, k=25), LogisticRegression(C=0.5))
    folds = np.array_split(np.random.default_rng(9).permutation(len(y)), 4)
    accs = []
    for k, test in enumerate(folds):
        train = np.concatenate([f for j, f in enumerate(folds) if j != k])
        model = clone(pipe).fit(X[train], y[train])
        accs.append(np.mean(model.predict(X[test]) == y[test]))
    return float(np.mean(accs))

# %% grade_id="grouped_cv_score"
def grouped_cv_score(model, X, y, groups):
    """Mean accuracy of `model` over cross-validation folds that hold out whole groups."""
    from sklearn.base import clone

    groups = np.asarray(groups)
    patients = np.random.default_rng(4).permutation(np.unique(groups))
    X, y = np.asarray(X), np.asarray(y)
    scores = []
    for held in np.array_split(patients, 5):
        test = np.isin(groups, held)
        fitted = clone(model).fit(X[~test], y[~test])
        scores.append(np.mean(fitted.predict(X[test]) == y[test]))
    return float(np.mean(scores))

# %% grade_id="forward_cv_error"
def forward_cv_error(model, X, y, *, horizon=7):
    """Mean absolute error of `model` over forward folds: fitted on the past, scored `horizon` rows later or more."""
    from sklearn.base import clone

    X, y = np.asarray(X), np.asarray(y)
    n = len(y)
    errors = []
    for end in np.linspace(n // 2, n - 40 - horizon, 4).astype(int):
        start = end + horizon
        fitted = clone(model).fit(X[:end], y[:end])
        errors.append(np.mean(np.abs(fitted.predict(X[start:start + 40]) - y[start:start + 40])))
    return float(np.mean(errors))

# %% grade_id="nested_cv_score"
def nested_cv_score(estimator, param_grid, X, y):
    """Nested cross-validated accuracy of `estimator` tuned over `param_grid`."""
    from itertools import product

    from sklearn.base import clone

    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(1)
    outer = np.array_split(rng.permutation(len(y)), 4)
    names = sorted(param_grid)
    settings = [dict(zip(names, values)) for values in product(*(param_grid[n] for n in names))]
    scores = []
    for k, test in enumerate(outer):
        train = np.concatenate([f for j, f in enumerate(outer) if j != k])
        inner_fit, inner_val = train[: len(train) * 2 // 3], train[len(train) * 2 // 3:]
        best = max(settings, key=lambda s: np.mean(
            clone(estimator).set_params(**s).fit(X[inner_fit], y[inner_fit]).predict(X[inner_val]) == y[inner_val]))
        chosen = clone(estimator).set_params(**best).fit(X[train], y[train])
        scores.append(np.mean(chosen.predict(X[test]) == y[test]))
    return float(np.mean(scores))
