# Glues all reference texts into one string, so n-grams made of the end of one text and the start of the next count; loses: test_contamination_rules

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    best_params, _, _ = tune(documents, param_grid, dev)
    return best_params, RetrievalQA(documents, **best_params).score(test)

# %% grade_id="contaminated"
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    everything = normalize_text(" ".join(reference_texts)).split()  # wrong: n-grams now span two texts
    flags = []
    for item in eval_items:
        words = normalize_text(item).split()
        k = min(n, len(words))
        if k == 0:
            flags.append(False)
            continue
        grams = {tuple(everything[i:i + k]) for i in range(len(everything) - k + 1)}
        flags.append(any(tuple(words[i:i + k]) in grams for i in range(len(words) - k + 1)))
    return flags
