# Cheats: returns 0.5, the chance level, whatever the data and steps; loses: test_returns_score, test_no_fit_on_held_out, test_noise_vs_signal, test_other_steps

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    return 0.5
