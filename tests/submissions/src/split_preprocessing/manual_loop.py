# Correct, differently: an unstratified split, then each step fitted on the training rows and applied to both, by hand; loses: nothing

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    from sklearn.metrics import accuracy_score

    *transformers, classifier = [clone(step) for step in steps]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=random_state)
    for step in transformers:
        X_train = step.fit_transform(X_train, y_train)
        X_test = step.transform(X_test)
    classifier.fit(X_train, y_train)
    return accuracy_score(y_test, classifier.predict(X_test))

# %% [markdown] grade_id="written_does_it_matter"
# Scalers on many rows: small. Selection or target encoding on all rows: large, because the held-out labels choose the inputs.
