# Ignores the steps it is given and always fits its own imputer, scaler, selector and logistic regression, which fail on a table with text columns; loses: test_no_fit_on_held_out, test_other_steps

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    model = make_pipeline(SimpleImputer(), StandardScaler(), SelectKBest(k=20), LogisticRegression())
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=random_state)
    return float(model.fit(X_train, y_train).score(X_test, y_test))
