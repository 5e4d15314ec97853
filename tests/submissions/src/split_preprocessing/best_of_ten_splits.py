# Tries ten random splits and returns the best held-out accuracy ("the luckiest split"), which sits well above chance on noise; loses: test_noise_vs_signal

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    scores = []
    for attempt in range(10):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=random_state + attempt,
                                                  stratify=y)
        model = make_pipeline(*[clone(s) for s in steps]).fit(X_tr, y_tr)
        scores.append(model.score(X_te, y_te))
    return max(scores)

# %% [markdown] grade_id="written_does_it_matter"
# Small for scalers, large for selection.
