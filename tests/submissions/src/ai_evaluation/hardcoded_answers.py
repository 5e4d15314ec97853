# Cheats: returns a configuration and a score copied from an earlier run, and flags every item as clean; loses: test_tuning_result, test_test_read_once, test_chosen_on_dev, test_contamination_copies, test_contamination_normalised, test_contamination_rules

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    return {"chunk_size": 15, "rerank_weight": 0.3}, 0.925

# %% grade_id="contaminated"
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    return [False] * len(eval_items)
