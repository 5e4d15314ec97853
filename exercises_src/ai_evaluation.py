# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exercise 4: evaluating a retrieval system honestly
#
# This exercise follows notebook 08. You will:
#
# 1. tune the knobs of a retrieval question-answering system on a dev split only, and read
#    the test split once, to report its score;
# 2. write your own n-gram contamination check, the one used to find benchmark items in the
#    training data of large language models;
# 3. explain, in a few sentences, what a team's reported score is worth.
#
# **How you are graded.** Each test cell prints lines starting with `Correct:` when your
# function passes, or fails with a message saying what is wrong and how to fix it. When
# your work is graded, hidden tests run your functions again on **a new corpus, new
# questions and new texts generated at grading time**: the test questions are handed to
# you in a `HeldOutSet` that counts every read, the same dev questions are paired with
# other test questions to see whether your choice depends on them, and your contamination
# check is compared with the rule below on many new cases. Hard-coded answers earn
# nothing; any honest implementation earns full marks. Part 3 is graded by hand.
#
# Write your answers in the cells that say `YOUR CODE HERE` (remove the
# `raise NotImplementedError()` line). Do not rename the functions or change their arguments.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# %load_ext leakkit
import re

import numpy as np
import pandas as pd

from leakkit import grading
from leakkit.datasets import make_qa_corpus
from leakkit.llm import HeldOutSet, RetrievalQA, normalize_text, tune


# The knobs of RetrievalQA that the team tunes: 120 configurations (notebook 08).
GRID = {
    "chunk_size": [15, 30, 60],
    "chunk_overlap": [0, 5],
    "top_k": [1],
    "score_threshold": [0.0, 0.05, 0.1, 0.15],
    "rerank_weight": [0.0, 0.15, 0.3, 0.45, 0.6],
}


def make_project(n_dev=40, n_test=40, n_other=120, random_state=0):
    """Town fact sheets and disjoint dev, test and other questions about them."""
    qa = make_qa_corpus(n_documents=60, n_questions=n_dev + n_test + n_other, random_state=random_state)
    q = qa.questions.sample(frac=1.0, random_state=np.random.default_rng(random_state)).reset_index(drop=True)
    return qa.documents, q.iloc[:n_dev], q.iloc[n_dev:n_dev + n_test], q.iloc[n_dev + n_test:]


documents, dev, test_questions, _other = make_project(random_state=0)
print(f"{len(documents)} documents, {len(dev)} dev questions, {len(test_questions)} test questions")
dev.head(3)

# %% [markdown]
# **Stuck?** Every part has hints and a solution, shown only when you ask. Run `part1.hint()`
# for a first nudge, `part1.hint(2)` for a more specific one, and `part1.solution()` to see one
# answer (you never need it to pass: any honest answer earns full marks). The same for
# `part2`, `part3`...

# %% nbgrader={"grade": false, "grade_id": "help", "locked": true, "schema_version": 3, "solution": false, "task": false}
part1, part2, part3 = grading.parts("ai_evaluation")
part1

# %% [markdown]
# ## Part 1: tune on dev, read the test set once (5 points)
#
# `RetrievalQA(documents, **params)` builds a retrieval system with the knobs of `params`;
# its `score(questions)` is the share of questions whose gold document it retrieves
# (notebook 08). `leakkit.llm.tune(documents, param_grid, questions)` tries every
# configuration of a grid on some questions and returns the best one, its score and a
# table of all scores.
#
# Write `tune_then_test(documents, dev, test, param_grid)`:
#
# - `dev` is a DataFrame of questions you may use as often as you like;
# - `test` is a `leakkit.llm.HeldOutSet` of test questions: `test.get()` returns them
#   (a DataFrame), and every read is logged;
# - choose the configuration of `param_grid` (a dict of lists, like `GRID`) with the best
#   accuracy **on dev** (any of them if several tie), then read the test questions
#   **once** and score the chosen configuration on them;
# - return `(best_params, test_score)`: the chosen configuration as a dict with the keys of
#   `param_grid`, and its test accuracy as a float.

# %% nbgrader={"grade": false, "grade_id": "tune_then_test", "locked": false, "schema_version": 3, "solution": true, "task": false}
def tune_then_test(documents, dev, test, param_grid):
    """Choose the configuration with the best dev accuracy; return it and its accuracy on the test set, read once."""
    ### BEGIN SOLUTION
    best_params, _, _ = tune(documents, param_grid, dev)
    test_score = RetrievalQA(documents, **best_params).score(test.get(reason="final score"))
    return best_params, float(test_score)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_tuning_result", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
def _run_tune_then_test(documents, dev, test_questions, grid):
    """Call tune_then_test with the test questions in a HeldOutSet that counts its reads; return
    (params, score, held-out set), read as plain values."""
    held_out = grading.watched_held_out(test_questions, name="test questions")
    params, score = grading.unpack(tune_then_test(documents, dev.copy(), held_out, grid), 2, what="tune_then_test")
    assert isinstance(params, dict), f"best_params should be a dict, not a {type(params).__name__}."
    params = grading.plain(params, what="best_params")
    assert set(params) == set(grid), (
        f"best_params should be a dict with exactly the keys of param_grid ({sorted(grid)}); got {params!r}."
    )
    for key, value in params.items():
        assert value in grid[key], f"best_params[{key!r}] is {value!r}, which is not one of {grid[key]}."
    return params, score, held_out


# The tests use smaller grids than GRID, so that they run fast even when your code tries the
# configurations one by one.
_GRID_A = {"chunk_size": [15, 30, 60], "top_k": [1], "score_threshold": [0.0, 0.1], "rerank_weight": [0.0, 0.3]}
_GRID_B = {"chunk_size": [20, 40], "top_k": [1, 2], "score_threshold": [0.0, 0.05], "rerank_weight": [0.0, 0.2, 0.4]}


def _check_tuning_result(documents, dev, test_questions, grid):
    params, score, _ = _run_tune_then_test(documents, dev, test_questions, grid)
    score = grading.check_number(score, what="the test score tune_then_test returned")
    actual = RetrievalQA(documents, **params).score(test_questions)
    assert abs(score - actual) < 1e-9, (
        f"The configuration you chose scores {actual:.3f} on the test questions, but you returned {score:.3f}. "
        f"Return the accuracy of best_params on the test questions: RetrievalQA(documents, **best_params).score(...)."
    )
    print(f"Correct: you return a configuration of the grid and its test accuracy ({score:.3f}).")


_check_tuning_result(documents, dev, test_questions, _GRID_A)
### BEGIN HIDDEN TESTS
def _hidden_tuning_result():
    documents, dev, test, _ = make_project(n_dev=40, n_test=37, random_state=grading.fresh_seeds("test_tuning_result")[0])
    _check_tuning_result(documents, dev, test, _GRID_B)


_hidden_tuning_result()
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_test_read_once", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# The HeldOutSet counts the reads of the test questions (and the test counts them too, so an
# edited read log is seen): exactly one is allowed.
def _check_read_once(documents, dev, test_questions, grid):
    _, _, held_out = _run_tune_then_test(documents, dev, test_questions, grid)
    grading.check_read_once(held_out, what="tune_then_test")


_check_read_once(documents, dev, test_questions, _GRID_A)
### BEGIN HIDDEN TESTS
def _hidden_read_once():
    documents, dev, test, _ = make_project(random_state=grading.fresh_seeds("test_test_read_once")[0])
    _check_read_once(documents, dev, test, _GRID_B)


_hidden_read_once()
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_chosen_on_dev", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# The configuration must be one of the best on dev, and must stay the same when only the test
# questions change: here they are replaced by questions that other configurations answer and the
# chosen one misses (the dev questions come in another order, as new objects). With other dev
# questions, the choice must follow them: nothing is carried over from an earlier call.
def _best_on_dev(documents, params, dev, grid, what):
    _, best_dev, table = tune(documents, grid, dev)
    dev_score = RetrievalQA(documents, **params).score(dev)
    assert dev_score >= best_dev - 1e-9, (
        f"{what}, your configuration scores {dev_score:.3f} on dev, but {int((table['score'] > dev_score).sum())} "
        f"configurations of the grid score more (the best, {best_dev:.3f}). Choose the configuration with the best "
        f"dev accuracy, computed from the dev questions of this call."
    )
    return table


def _rival_tests(documents, params, table, grid, other, k=3):
    """Test sets on which another configuration of the grid beats the chosen one: the other
    questions it answers and the chosen one misses."""
    missed = ~RetrievalQA(documents, **params).evaluate(other)["hit"].to_numpy()
    tests = []
    for row in table.sort_values("score", ascending=False, kind="stable").to_dict("records"):
        rival = {key: row[key] for key in grid}
        if len(tests) == k or rival == params:
            continue
        hits = RetrievalQA(documents, **rival).evaluate(other)["hit"].to_numpy() & missed
        if hits.sum() >= 3:
            tests.append(other[hits])
    return tests or [other[missed] if missed.any() else other.iloc[::2]]


def _check_chosen_on_dev(documents, dev, test_questions, other, grid):
    params, _, _ = _run_tune_then_test(documents, dev, test_questions, grid)
    table = _best_on_dev(documents, params, dev, grid, "With the dev questions given")
    print(f"Correct: your configuration is one of the best on dev ({RetrievalQA(documents, **params).score(dev):.3f}).")
    rivals = _rival_tests(documents, params, table, grid, other)
    variants = [(dev, test_questions)] + [(dev.sample(frac=1.0, random_state=i), t) for i, t in enumerate(rivals)]
    grading.check_unchanged(
        lambda d, t: _run_tune_then_test(documents, d, t, grid)[0], variants, probe=lambda p: p,
        what="tune_then_test", changed="only the test questions changed (the dev questions were the same)",
        fix="choose on dev only, then read the test questions once, for the score (they may not be looked at "
            "before the choice is made).")
    print(f"Correct: with {len(rivals)} other sets of test questions, each favouring another configuration, your "
          f"choice stayed the same.")
    # Other dev questions, on which the chosen configuration answers nothing and a rival answers some.
    params2, _, _ = _run_tune_then_test(documents, rivals[0], test_questions, grid)
    _best_on_dev(documents, params2, rivals[0], grid, "With other dev questions")
    print("Correct: with other dev questions, your choice followed them.")


_check_chosen_on_dev(documents, dev, test_questions, _other, _GRID_A)
### BEGIN HIDDEN TESTS
def _hidden_chosen_on_dev():
    _check_chosen_on_dev(*make_project(random_state=grading.fresh_seeds("test_chosen_on_dev")[0]), _GRID_B)


_hidden_chosen_on_dev()
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: an n-gram contamination check (4 points)
#
# When evaluation items end up in a prompt, a retrieval index or a fine-tuning set, the
# system is tested on text it has already seen. Write
# `contaminated(eval_items, reference_texts, n=13)`, which returns one `True`/`False` per
# evaluation item (a list, in the order of `eval_items`), with this rule:
#
# 1. **Words.** Normalise every text: lower case, every character that is not a letter, a
#    digit or white space becomes a space, then split on white space
#    (`leakkit.llm.normalize_text` does the first two steps: use it, or write your own).
#    So `"The Mayor (2024), re-elected!"` has the words `the mayor 2024 re elected`.
# 2. **n-grams.** An item is contaminated when some run of `n` consecutive words of the
#    item also occurs as `n` consecutive words of **one** reference text. A run never
#    spans two reference texts: the end of one and the start of the next do not make an
#    n-gram.
# 3. **Short items.** An item of fewer than `n` words (but at least one) is contaminated
#    when all its words occur, consecutively and in the same order, in one reference text.
#    An item without words is never contaminated.
#
# `eval_items` and `reference_texts` are lists (or Series) of strings. Write it yourself
# (Python sets of tuples are enough); you may compare your answers with
# `leakkit.llm.ngram_overlap`, which implements the same rule.

# %% nbgrader={"grade": false, "grade_id": "contaminated", "locked": false, "schema_version": 3, "solution": true, "task": false}
def contaminated(eval_items, reference_texts, n=13):
    """For each evaluation item, whether it shares a word n-gram with one of the reference texts."""
    ### BEGIN SOLUTION
    def words(text):
        return normalize_text(text).split()

    reference_grams = set()
    by_length = {}  # short items: their whole word sequence, looked up among the references' k-grams
    for text in reference_texts:
        w = words(text)
        reference_grams.update(tuple(w[i:i + n]) for i in range(len(w) - n + 1))
    flags = []
    for item in eval_items:
        w = words(item)
        if not w:
            flags.append(False)
        elif len(w) >= n:
            flags.append(any(tuple(w[i:i + n]) in reference_grams for i in range(len(w) - n + 1)))
        else:
            k = len(w)
            if k not in by_length:
                by_length[k] = {tuple(r[i:i + k]) for r in map(words, reference_texts) for i in range(len(r) - k + 1)}
            flags.append(tuple(w) in by_length[k])
    return flags
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_contamination_copies", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
from leakkit.llm import ngram_overlap as _ngram_overlap


def _benchmark(documents, rng, n_items=40):
    """Evaluation items: runs of three consecutive sentences of the fact sheets (about 25 words)."""
    items = []
    for text in documents["text"]:
        sentences = re.findall(r"[^.]+\.", text)
        items += [" ".join(s.strip() for s in sentences[i:i + 3]) for i in range(0, len(sentences) - 2, 3)]
    return [items[i] for i in rng.choice(len(items), size=n_items, replace=False)]


def _crawl(items, documents, rng, *, share=0.3, retype=None):
    """Reference texts: archive pages of sentences of the fact sheets, some with an evaluation item
    pasted in (retyped)."""
    sentences = [s.strip() for text in documents["text"] for s in re.findall(r"[^.]+\.", text)]
    texts, copied = [], rng.random(len(items)) < share
    for page, (item, copy) in enumerate(zip(items, copied)):
        filler = [sentences[i] for i in rng.choice(len(sentences), size=4, replace=False)]
        if copy:
            filler.insert(2, retype(item, rng) if retype else item)
        texts.append(f"Archive page {page}: " + " ".join(filler) + f" (end of page {page})")
    return texts


def _check_contamination(items, references, n, what):
    expected = _ngram_overlap(items, references, n=n)["contaminated"].to_numpy()
    got = contaminated(list(items), list(references), n=n)
    assert isinstance(got, (list, tuple, np.ndarray, pd.Series)), (
        f"contaminated should return a list of True/False, not a {type(got).__name__}.")
    got = grading.plain(list(got), what="the answers contaminated returned")
    assert len(got) == len(items), f"contaminated returned {len(got)} answers for {len(items)} evaluation items."
    assert all(isinstance(g, (bool, int)) for g in got), "contaminated should return True or False for each item."
    got = np.asarray([bool(g) for g in got])
    wrong = np.flatnonzero(got != expected)
    if len(wrong):
        i = wrong[0]
        raise AssertionError(
            f"{len(wrong)} of {len(items)} answers are wrong ({what}, n={n}). For instance item {i}, "
            f"{items[i]!r}: you said {bool(got[i])}, the rule says {bool(expected[i])}. Check the rule step by step "
            f"(normalised words, runs of n words inside one reference text, items shorter than n)."
        )
    print(f"Correct: all {len(items)} answers follow the rule ({what}, n={n}; {int(expected.sum())} contaminated).")


_rng = np.random.default_rng(0)
_items = _benchmark(documents, _rng)
_check_contamination(_items, _crawl(_items, documents, _rng), n=13, what="items pasted verbatim")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(grading.fresh_seeds("test_contamination_copies")[0])
_d = make_project(random_state=int(_rng.integers(2**31)))[0]
_items = _benchmark(_d, _rng, n_items=60)
_check_contamination(_items, _crawl(_items, _d, _rng, share=0.4), n=13, what="items pasted verbatim")
_check_contamination(_items, _crawl(_items, _d, _rng, share=0.4), n=10, what="items pasted verbatim")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_contamination_normalised", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Items pasted after retyping: other letter case, punctuation and white space.
def _retype(text, rng):
    words = text.split()
    out = []
    for w in words:
        r = rng.random()
        w = w.upper() if r < 0.15 else w.lower() if r < 0.4 else w
        w = w.rstrip(".,") + rng.choice(["", "", ",", ";", " -", "!"]) if rng.random() < 0.3 else w
        out.append(w)
    return rng.choice(["  ", "\n", " ", " ", "\t"]).join(out) + rng.choice(["", "?", " (sic)"])


_rng = np.random.default_rng(1)
_items = _benchmark(documents, _rng)
_check_contamination(_items, _crawl(_items, documents, _rng, retype=_retype), n=13, what="items retyped")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(grading.fresh_seeds("test_contamination_normalised")[0])
_d = make_project(random_state=int(_rng.integers(2**31)))[0]
_items = _benchmark(_d, _rng, n_items=60)
_check_contamination(_items, _crawl(_items, _d, _rng, share=0.5, retype=_retype), n=13, what="items retyped")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_contamination_rules", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Made-up words, so every case is deliberate: n-grams found inside one text or only across two
# texts, near misses (n - 1 shared words), items shorter than n, empty items.
def _rule_cases(rng, n):
    vocabulary = [f"w{i}" for i in range(300)]
    def text(k):
        return " ".join(rng.choice(vocabulary, size=k))
    items, references = [], []
    for case in rng.permutation(np.repeat(["inside", "across", "near", "short_in", "short_across", "none"], 4)):
        item = text(int(rng.integers(n + 2, n + 8)) if not case.startswith("short") else int(rng.integers(1, n)))
        w = item.split()
        start = int(rng.integers(0, max(len(w) - n, 0) + 1))
        gram = w[start:start + n] if len(w) >= n else w
        if case in ("inside", "short_in"):
            references.append(f"{text(5)} {' '.join(gram)} {text(5)}")
        elif case in ("across", "short_across"):
            cut = int(rng.integers(1, len(gram))) if len(gram) > 1 else 1
            references += [f"{text(5)} {' '.join(gram[:cut])}", f"{' '.join(gram[cut:])} {text(5)}"]
        elif case == "near":
            references.append(f"{text(5)} {' '.join(gram[:n - 1])} {text(5)}")
        items.append(item)
    items.append("")
    return items, references


for _n in (3, 5, 8):
    _check_contamination(*_rule_cases(np.random.default_rng(_n), _n), n=_n, what="made-up cases")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(grading.fresh_seeds("test_contamination_rules")[0])
for _n in (2, 4, 6, 13):
    _check_contamination(*_rule_cases(_rng, _n), n=_n, what="made-up cases")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: what is the reported score worth? (2 points, graded by hand)
#
# A team reports "0.82 accuracy on our 100-question evaluation set" for their RAG
# assistant. While building it they tried about 40 prompt variants, 3 re-rankers and
# several chunk sizes, each time checking the score on those 100 questions. Their few-shot
# examples were written from questions that users had posted on a support forum, where the
# evaluation questions were collected too. A 13-gram scan of the prompt against the
# evaluation set found nothing.
#
# In 4 to 6 sentences: is 0.82 likely to be too high or too low, and why (two reasons)?
# What does the clean 13-gram scan prove, and what does it not? What would you ask them to
# do to get a number you can trust?

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_reported_score", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Probably too high. First, the 100 questions chose the prompt, the re-ranker and the
# chunk size among well over a hundred variants: the reported number is the best of many
# noisy scores on the same questions, so it includes the luck of those questions, and it
# is really a validation score, not a test score. Second, the few-shot examples and the
# evaluation questions come from the same forum, so some examples are likely the same
# questions, or paraphrases of them, and the answer rides along in the prompt. The clean
# 13-gram scan only proves that no evaluation question was copied word for word (13 words
# in a row) into the prompt; paraphrases, shorter questions with a different wording, or the
# same facts asked another way pass unseen, so it is evidence, not proof. To get a number I
# can trust: freeze the system, build a fresh test set of questions collected separately
# from the examples (e.g. later, from other users), scan it for overlap with everything the
# system was built from, read it once, and report that score, saying how many variants were
# tried on the old set (which from now on is a dev set).
#
# Rubric (for the grader): 1 point for "too high" with both reasons (selection among many
# variants on the same set; examples from the same source as the evaluation questions);
# 1 point for what the n-gram scan misses (paraphrases, short or reworded items) and a fresh,
# separately collected test set read once.
