# Splits the data, then scores the model on its own training part by mistake (X_train instead of X_test): nothing is held out; loses: test_no_fit_on_held_out, test_noise_vs_signal, test_other_steps

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=random_state)
    model = make_pipeline(*(clone(s) for s in steps))
    model.fit(X_train, y_train)
    return float(model.score(X_train, y_train))

# %% [markdown] grade_id="written_does_it_matter"
# It depends on the step.
