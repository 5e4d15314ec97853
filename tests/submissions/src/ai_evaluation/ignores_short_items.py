# Never flags an item shorter than n words, so short questions pasted into a prompt pass as clean; loses: test_contamination_rules

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    best_params, _, _ = tune(documents, param_grid, dev)
    return best_params, RetrievalQA(documents, **best_params).score(test)

# %% grade_id="contaminated"
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    grams = set()
    for text in reference_texts:
        words = normalize_text(text).split()
        grams.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    flags = []
    for item in eval_items:
        words = normalize_text(item).split()  # wrong: fewer than n words gives no n-gram, so never flagged
        flags.append(any(tuple(words[i:i + n]) in grams for i in range(len(words) - n + 1)))
    return flags
