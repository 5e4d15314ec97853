# Chooses on dev, but scores the test questions for every configuration along the way ("just to watch"); loses: test_test_read_once

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    from sklearn.model_selection import ParameterGrid

    best, best_dev, best_test = None, -1.0, None
    for params in ParameterGrid(param_grid):
        system = RetrievalQA(documents, **params)
        dev_score, test_score = system.score(dev), system.score(test)  # wrong: a read per configuration
        if dev_score > best_dev:
            best, best_dev, best_test = params, dev_score, test_score
    return dict(best), best_test

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
