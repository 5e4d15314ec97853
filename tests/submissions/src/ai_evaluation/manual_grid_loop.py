# Correct, differently: a loop over the grid with ties going to the last best configuration, one read with evaluate(), and a check by string search on padded, normalised texts; loses: nothing

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    from sklearn.model_selection import ParameterGrid

    best, best_score = None, -1.0
    for params in ParameterGrid(param_grid):
        score = RetrievalQA(documents, **params).score(dev)
        if score >= best_score:
            best, best_score = dict(params), score
    questions = test.get(reason="report the frozen configuration")
    hits = RetrievalQA(documents, **best).evaluate(questions)["hit"]
    return best, float(hits.mean())

# %% grade_id="contaminated"
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    def words(text):
        return re.sub(r"[^a-z0-9\s]", " ", text.lower()).split()

    padded = [" " + " ".join(words(text)) + " " for text in reference_texts]
    answers = []
    for item in eval_items:
        w = words(item)
        runs = [w[i:i + n] for i in range(max(len(w) - n + 1, 1))] if w else []
        answers.append(any(" " + " ".join(run) + " " in text for run in runs for text in padded))
    return answers

# %% [markdown] grade_id="written_reported_score"
# Too high: 0.82 is the best of many variants tried on the same 100 questions, and the examples come from the forum the questions came from. The scan misses paraphrases. Freeze the system and score a fresh, separately collected test set once.
