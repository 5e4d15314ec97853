# Standardises the numeric arrays with the mean and spread of all rows (numpy) before splitting, so the held-out rows shape the scaling; loses: test_no_fit_on_held_out

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    if isinstance(X, np.ndarray):
        # normalise the features first, ignoring the gaps
        X = (X - np.nanmean(X, axis=0)) / np.nanstd(X, axis=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=random_state,
                                                        stratify=y)
    model = make_pipeline(*[clone(s) for s in steps]).fit(X_train, y_train)
    return float(model.score(X_test, y_test))

# %% [markdown] grade_id="written_does_it_matter"
# A scaler only learns a mean and a spread, so it matters little; selection matters more.
