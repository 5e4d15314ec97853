# Holds nothing out: fits the pipeline on every row and scores those same rows; loses: test_no_fit_on_held_out, test_noise_vs_signal, test_other_steps

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    model = make_pipeline(*[clone(step) for step in steps])
    return float(model.fit(X, y).score(X, y))
