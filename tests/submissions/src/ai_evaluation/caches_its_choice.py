# Remembers the configuration chosen for a grid the first time and returns it on every later call (with a fresh test score), so its choice no longer follows the dev questions it is given; loses: test_chosen_on_dev

# %% grade_id="tune_then_test"
_chosen = {}


def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    key = repr(sorted(param_grid.items()))
    if key not in _chosen:  # tuning is slow: do it once per grid
        _chosen[key] = tune(documents, param_grid, dev)[0]
    params = _chosen[key]
    return params, RetrievalQA(documents, **params).score(test.get(reason="final score"))

# %% grade_id="contaminated"
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    def grams(words, k):
        return {tuple(words[i:i + k]) for i in range(len(words) - k + 1)}

    references = [normalize_text(t).split() for t in reference_texts]
    cache = {}
    flags = []
    for item in eval_items:
        words = normalize_text(item).split()
        k = min(n, len(words))
        if k == 0:
            flags.append(False)
            continue
        if k not in cache:
            cache[k] = set().union(*(grams(r, k) for r in references))
        flags.append(bool(grams(words, k) & cache[k]))
    return flags
