# Keeps the ten best configurations on dev, reads the test questions once, then picks the one of the ten that does best on them: one read, but the test set made the final choice; loses: test_chosen_on_dev

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    _, _, table = tune(documents, param_grid, dev)
    shortlist = table.sort_values("score", ascending=False).head(10)
    questions = test.get(reason="final check of the shortlist")
    keys = list(param_grid)
    best, best_test = None, -1.0
    for row in shortlist.to_dict("records"):
        params = {k: row[k] for k in keys}
        score = RetrievalQA(documents, **params).score(questions)
        if score > best_test:
            best, best_test = params, score
    return best, best_test

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
