# Correct, differently: scores each configuration on dev itself, ranks them in a DataFrame (idxmax keeps the first best), reads the test questions once; its contamination check slides a window over each text and compares n-gram hashes; loses: nothing

# %% grade_id="tune_then_test"
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    from itertools import product

    names = list(param_grid)
    configs = [dict(zip(names, combo)) for combo in product(*param_grid.values())]
    results = pd.DataFrame({"config": range(len(configs)),
                            "dev_acc": [RetrievalQA(documents, **c).score(dev) for c in configs]})
    chosen = configs[int(results.loc[results["dev_acc"].idxmax(), "config"])]
    final = test.get(reason="the one read: scoring the chosen configuration")
    return chosen, float(RetrievalQA(documents, **chosen).score(final))

# %% grade_id="contaminated"
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    def tokens(text):
        return re.sub(r"[^0-9a-z\s]", " ", str(text).lower()).split()

    ref_tokens = [tokens(t) for t in reference_texts]

    def windows(words, size):
        return {hash(tuple(words[i:i + size])) for i in range(len(words) - size + 1)}

    seen_by_size = {}
    answer = []
    for item in eval_items:
        words = tokens(item)
        if not words:
            answer.append(False)
            continue
        size = n if len(words) >= n else len(words)
        if size not in seen_by_size:
            seen_by_size[size] = set()
            for ref in ref_tokens:
                seen_by_size[size] |= windows(ref, size)
        answer.append(len(windows(words, size) & seen_by_size[size]) > 0)
    return answer
