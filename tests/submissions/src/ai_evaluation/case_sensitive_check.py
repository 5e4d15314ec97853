# Compares words as typed, without lower-casing or removing punctuation, so retyped copies go unnoticed; loses: test_contamination_normalised

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    best_params, _, _ = tune(documents, param_grid, dev)
    return best_params, RetrievalQA(documents, **best_params).score(test)

# %% grade_id="contaminated"
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    flags = []
    references = [text.split() for text in reference_texts]  # wrong: "Mayor," and "mayor" differ
    for item in eval_items:
        words = item.split()
        k = min(n, len(words))
        item_grams = {tuple(words[i:i + k]) for i in range(len(words) - k + 1)} if k else set()
        flags.append(any(tuple(r[i:i + k]) in item_grams for r in references for i in range(len(r) - k + 1)))
    return flags
