# Correct, differently: the rows are shuffled and cut with numpy (no scikit-learn splitter), the steps chained in a Pipeline fitted on the first part; loses: nothing

# %% grade_id="honest_score"
def honest_score(steps, X, y, *, test_size=0.25, random_state=0):
    """Accuracy on held-out rows of `steps` (preprocessing steps, then a classifier) fitted on the other rows."""
    from sklearn.pipeline import Pipeline

    n = len(y)
    order = np.random.RandomState(random_state).permutation(n)
    n_test = int(round(test_size * n))
    test_idx, train_idx = order[:n_test], order[n_test:]
    rows = X.iloc if hasattr(X, "iloc") else X
    labels = np.asarray(y)
    pipe = Pipeline([(f"step{i}", clone(s)) for i, s in enumerate(steps)])
    pipe.fit(rows[train_idx], labels[train_idx])
    return float(pipe.score(rows[test_idx], labels[test_idx]))

# %% [markdown] grade_id="written_does_it_matter"
# Right for a scaler on lots of stable data; wrong for supervised steps like SelectKBest or a target encoder, which let held-out labels pick the inputs. A Pipeline costs nothing, so the question is moot.
