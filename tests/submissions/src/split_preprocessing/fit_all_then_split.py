# Fits every preprocessing step on all rows, then splits and fits the classifier on the training part; loses: test_no_fit_on_held_out, test_noise_vs_signal

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    steps = [clone(step) for step in steps]
    for step in steps[:-1]:
        X = step.fit_transform(X, y)  # wrong: every row, the held-out ones included
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=random_state)
    return float(steps[-1].fit(X_train, y_train).score(X_test, y_test))

# %% [markdown] grade_id="written_does_it_matter"
# The scaler leak is small; feature selection on all rows is not.
