# Correct, differently: ranks the results table of tune() and keeps the last of the best, passes the HeldOutSet itself to score(); loses: nothing

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    _, _, table = tune(documents, param_grid, dev)
    best_row = table[table["rank"] == 1].iloc[-1]
    best = {key: best_row[key] for key in param_grid}
    best = {key: type(param_grid[key][0])(value) for key, value in best.items()}
    return best, RetrievalQA(documents, **best).score(test)

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
