# Correct, differently: the mean of a 5-fold cross-validation of a Pipeline instead of one split; loses: nothing

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state)
    return cross_val_score(make_pipeline(*steps), X, y, cv=cv).mean()
