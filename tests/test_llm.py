"""leakkit.llm: n-gram contamination, the logged held-out set, the retrieval evaluator and tuning gap."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakkit._findings import Finding
from leakkit.llm import (
    HeldOutBudgetExceeded,
    HeldOutSet,
    RetrievalQA,
    contamination,
    default_param_grid,
    ngram_overlap,
    normalize_text,
    tune,
    tuning_gap,
)


# ----------------------------------------------------------------------------- a corpus
def make_corpus(n_docs: int = 24, n_questions: int = 72, random_state: int = 0):
    """Fact sheets about made-up places with shared filler vocabulary, and questions
    answered by exactly one sheet; names are sometimes abbreviated in questions, so
    lexical retrieval is good but not perfect."""
    rng = np.random.default_rng(random_state)
    syll = ["va", "ro", "kel", "mi", "to", "sa", "ber", "lin", "qua", "dor", "fen", "gal"]
    names: set[str] = set()
    while len(names) < n_docs:
        names.add("".join(rng.choice(syll, 3)).capitalize())
    names_l = sorted(names)
    common = [f"w{i}" for i in range(150)]
    attrs = ["river", "export", "founder", "festival", "mountain", "bridge"]
    docs, facts = [], []
    for d, name in enumerate(names_l):
        sents = []
        for a in attrs:
            v = f"v{int(rng.integers(0, 120))}"
            facts.append((d, name, a, v))
            sents.append(f"The {a} of {name} is {v}. " + " ".join(rng.choice(common, int(rng.integers(5, 14)))) + ".")
        docs.append({"doc_id": f"d{d}", "title": name, "text": " ".join(sents[i] for i in rng.permutation(len(sents)))})
    pick = rng.choice(len(facts), n_questions, replace=False)
    qs = []
    for i, k in enumerate(pick):
        d, name, a, v = facts[k]
        nm = name if rng.random() < 0.6 else name.lower()[:4]
        qs.append({"question_id": f"q{i}", "question": f"What is the {a} of {nm} {' '.join(rng.choice(common, 3))}?",
                   "answer": v, "doc_id": f"d{d}"})
    return pd.DataFrame(docs), pd.DataFrame(qs)


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


TOY_DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c"],
        "title": ["Varno", "Kell", "Ostmark"],
        "text": [
            "Varno is a river town. It exports copper and wool to the coast every summer.",
            "Kell is a mountain village. Its people make goat cheese and carve wooden bowls.",
            "Ostmark holds a lantern festival each winter. Boats sail down the river with lights.",
        ],
    }
)


# ----------------------------------------------------------------------------- n-grams
def _brute_force(item: str, refs: list[str], n: int) -> tuple[int, int]:
    toks = normalize_text(item).split()
    ref_toks = [normalize_text(r).split() for r in refs]
    if not toks:
        return 0, 0
    if len(toks) < n:
        k = len(toks)
        grams = {tuple(r[i : i + k]) for r in ref_toks for i in range(len(r) - k + 1)}
        return 1, int(tuple(toks) in grams)
    grams = {tuple(r[i : i + n]) for r in ref_toks for i in range(len(r) - n + 1)}
    windows = [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return len(windows), sum(w in grams for w in windows)


def test_normalize_text_lowercases_strips_punctuation_and_collapses_space():
    assert normalize_text("  Hello,\tWORLD!!  state-of-the-art_x ") == "hello world state of the art x"
    with pytest.raises(TypeError, match="text"):
        normalize_text(3)


def test_ngram_overlap_counts_shared_ngrams_and_first_example():
    table = ngram_overlap(["the cat sat on the mat today", "dogs bark loudly at night"], ["yesterday the cat sat on the mat"], n=3)
    assert list(table.columns) == ["n_words", "n_ngrams", "n_shared", "overlap", "contaminated", "example"]
    assert table.loc[0, "n_ngrams"] == 5 and table.loc[0, "n_shared"] == 4
    assert table.loc[0, "overlap"] == pytest.approx(0.8)
    assert table.loc[0, "example"] == "the cat sat"
    assert not table.loc[1, "contaminated"] and table.loc[1, "n_shared"] == 0 and table.loc[1, "example"] == ""


def test_ngram_overlap_normalisation_matters():
    item = ["What is the Capital of France? Paris!"]
    ref = ["what is the capital of france paris"]
    assert ngram_overlap(item, ref, n=4)["contaminated"].iloc[0]
    assert not ngram_overlap(item, ref, n=4, normalize=False)["contaminated"].iloc[0]


def test_ngrams_never_span_two_texts():
    # "b c" exists only across the boundary between two references / two items
    assert not ngram_overlap(["b c"], ["a b", "c d"], n=2)["contaminated"].iloc[0]
    table = ngram_overlap(["x a", "b y"], ["a b"], n=2)
    assert table["n_shared"].tolist() == [0, 0]


def test_short_items_match_as_a_whole_on_word_boundaries():
    refs = ["the concatenate function joins arrays"]
    table = ngram_overlap(["concatenate function", "cat", "joins arrays quickly", "", "!!!"], refs, n=13)
    assert table["n_ngrams"].tolist() == [1, 1, 1, 0, 0]
    assert table["contaminated"].tolist() == [True, False, False, False, False]
    assert table["overlap"].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_series_index_is_kept():
    items = pd.Series(["a b c d", "e f g h"], index=["q7", "q9"])
    table = ngram_overlap(items, ["x e f g h y"], n=4)
    assert list(table.index) == ["q7", "q9"]
    assert table["contaminated"].to_dict() == {"q7": False, "q9": True}


words = st.sampled_from(["a", "b", "c", "d", "e"])
texts = st.lists(words, min_size=0, max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(items=st.lists(texts, min_size=1, max_size=6), refs=st.lists(texts, min_size=1, max_size=4), n=st.integers(1, 5))
def test_ngram_overlap_matches_brute_force(items, refs, n):
    table = ngram_overlap(items, refs, n=n)
    for i, item in enumerate(items):
        n_grams, n_shared = _brute_force(item, refs, n)
        assert table["n_ngrams"].iloc[i] == n_grams
        assert table["n_shared"].iloc[i] == n_shared
        assert table["contaminated"].iloc[i] == (n_shared > 0)


@settings(max_examples=40, deadline=None)
@given(ref=st.lists(words, min_size=13, max_size=40), data=st.data())
def test_a_copied_passage_is_always_contaminated(ref, data):
    start = data.draw(st.integers(0, len(ref) - 13))
    stop = data.draw(st.integers(start + 13, len(ref)))
    item = " ".join(ref[start:stop]).upper() + "?"
    table = ngram_overlap([item], ["noise words here", " ".join(ref)])
    assert table["contaminated"].iloc[0] and table["overlap"].iloc[0] == 1.0


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"eval_items": "one string", "reference_texts": ["x"]}, TypeError, "eval_items"),
        ({"eval_items": ["x"], "reference_texts": "one string"}, TypeError, "reference_texts"),
        ({"eval_items": [], "reference_texts": ["x"]}, ValueError, "eval_items"),
        ({"eval_items": ["x"], "reference_texts": []}, ValueError, "reference_texts"),
        ({"eval_items": ["x", None], "reference_texts": ["x"]}, ValueError, "item 1"),
        ({"eval_items": ["x", 3], "reference_texts": ["x"]}, TypeError, "item 1"),
        ({"eval_items": pd.DataFrame({"q": ["x"]}), "reference_texts": ["x"]}, TypeError, "one text column"),
        ({"eval_items": ["x"], "reference_texts": ["x"], "n": 0}, ValueError, "n"),
        ({"eval_items": ["x"], "reference_texts": ["x"], "normalize": "yes"}, TypeError, "normalize"),
    ],
)
def test_ngram_overlap_rejects_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ngram_overlap(**kwargs)


def test_contamination_findings():
    clean = [f"question number {i} about topic {i} asked in plain words" for i in range(40)]
    prompt = ["Examples: " + clean[3] + " Answer: yes. " + clean[17] + " Answer: no."]
    assert contamination(clean, ["nothing in common at all"], n=5) == []
    findings = contamination(clean, prompt, n=5)
    assert len(findings) == 1
    f = findings[0]
    assert isinstance(f, Finding) and f.check == "llm_contamination"
    assert f.rows == (3, 17)
    assert f.severity == "fail"  # 2 of 40 = 5 %
    assert f.evidence["n_rows"] == 2 and f.evidence["n_items"] == 40
    assert "2 of 40" in f.message
    json.dumps(f.to_dict())
    # one contaminated item in 40 is below 5 %: a warning
    (one,) = contamination(clean, [clean[3]], n=5)
    assert one.severity == "warn" and one.rows == (3,) and one.evidence["share"] == pytest.approx(1 / 40)


# ----------------------------------------------------------------------------- HeldOutSet
def test_heldout_logs_every_kind_of_read_with_caller_and_reason():
    data = pd.DataFrame({"question": ["q1", "q2", "q3"], "doc_id": ["a", "b", "c"]})
    held = HeldOutSet(data, name="test")
    assert held.n_reads == 0 and len(held) == 3 and "read 0 times" in repr(held)
    got = held.get(reason="final score")
    _ = held["question"]
    rows = list(held)
    _ = held.frame
    assert held.n_reads == 4
    log = held.reads
    assert list(log.columns) == ["read", "time", "how", "caller", "reason", "granted"]
    assert log["how"].tolist() == ["get", "['question']", "iter", "frame"]
    assert log["reason"].tolist()[0] == "final score"
    assert log["caller"].str.contains("test_heldout_logs_every_kind_of_read").all()
    assert log["granted"].all() and log["time"].is_monotonic_increasing
    assert [r["question"] for r in rows] == ["q1", "q2", "q3"]
    # copies: editing what you read does not change the held-out set
    got.loc[0, "question"] = "edited"
    assert held.get()["question"].iloc[0] == "q1"
    assert "read 5 times" in repr(held)


def test_heldout_budget_refuses_and_logs_the_refusal():
    held = HeldOutSet(["q1", "q2"], budget=2)
    assert held.get() == ["q1", "q2"] and held[0] == "q1"
    assert held.remaining == 0
    with pytest.raises(HeldOutBudgetExceeded) as info:
        held.get(reason="one more tweak")
    assert isinstance(info.value, RuntimeError)
    msg = str(info.value)
    assert "read 2 times" in msg and "validation set" in msg and "dev split" in msg
    assert held.n_reads == 2
    assert held.reads["granted"].tolist() == [True, True, False]
    assert held.reads["reason"].iloc[-1] == "one more tweak"
    with pytest.raises(HeldOutBudgetExceeded):
        list(held)


@pytest.mark.parametrize(
    "data, kwargs, exc, match",
    [
        (pd.DataFrame(), {}, ValueError, "empty"),
        ([], {}, ValueError, "empty"),
        ("abc", {}, TypeError, "data"),
        ({"a": 1}, {}, TypeError, "data"),
        ([1, 2], {"budget": 0}, ValueError, "budget"),
        ([1, 2], {"budget": "1"}, TypeError, "budget"),
        ([1, 2], {"name": ""}, TypeError, "name"),
    ],
)
def test_heldout_rejects_bad_input(data, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        HeldOutSet(data, **kwargs)


def test_heldout_frame_of_a_sequence_and_reason_type():
    held = HeldOutSet(("x", "y"))
    assert held.frame["item"].tolist() == ["x", "y"]
    with pytest.raises(TypeError, match="reason"):
        held.get(reason=3)


# ----------------------------------------------------------------------------- RetrievalQA
def test_chunking_sizes_and_overlap():
    docs = pd.DataFrame({"doc_id": [1], "title": ["T"], "text": [" ".join(f"w{i}" for i in range(10))]})
    assert RetrievalQA(docs, chunk_size=4).chunks["text"].tolist() == ["w0 w1 w2 w3", "w4 w5 w6 w7", "w8 w9"]
    chunks = RetrievalQA(docs, chunk_size=4, chunk_overlap=2).chunks
    assert chunks["text"].tolist() == ["w0 w1 w2 w3", "w2 w3 w4 w5", "w4 w5 w6 w7", "w6 w7 w8 w9"]
    assert chunks["chunk_id"].tolist() == ["1#0", "1#1", "1#2", "1#3"]


def test_retrieve_answer_threshold_and_topk():
    qa = RetrievalQA(TOY_DOCS, chunk_size=8, top_k=2)
    top = qa.retrieve("Which town exports copper and wool?")
    assert list(top.columns) == ["rank", "chunk_id", "doc_id", "title", "score", "text"]
    assert top["doc_id"].iloc[0] == "a" and len(top) <= 2
    assert top["score"].is_monotonic_decreasing and top["rank"].tolist() == list(range(1, len(top) + 1))
    assert "copper" in qa.answer("Which town exports copper and wool?")
    strict = RetrievalQA(TOY_DOCS, chunk_size=8, score_threshold=0.99)
    assert strict.retrieve("copper").empty and strict.answer("copper") is None
    assert RetrievalQA(TOY_DOCS).retrieve("zzz unknown words").empty  # nothing scores above 0


def test_rerank_weight_uses_titles():
    docs = pd.DataFrame({"doc_id": [1, 2], "title": ["Kell", "Varno"],
                         "text": ["Varno Varno festival boats lights", "wool copper summer coast"]})
    q = "Varno"
    assert RetrievalQA(docs, top_k=1).retrieve(q)["doc_id"].iloc[0] == 1
    assert RetrievalQA(docs, top_k=1, rerank_weight=0.9).retrieve(q)["doc_id"].iloc[0] == 2


def test_score_equals_per_question_retrieval(corpus):
    docs, qs = corpus
    for params in [dict(chunk_size=10, top_k=1), dict(chunk_size=25, chunk_overlap=5, top_k=2, rerank_weight=0.4),
                   dict(chunk_size=15, top_k=3, score_threshold=0.2),
                   dict(chunk_size=15, few_shot=list(zip(qs.question[:10], qs.answer[:10])), few_shot_k=2)]:
        qa = RetrievalQA(docs, **params)
        manual = np.mean([gold in set(qa.retrieve(q)["doc_id"]) for q, gold in zip(qs.question, qs.doc_id)])
        assert qa.score(qs) == pytest.approx(manual)
        ev = qa.evaluate(qs)
        assert list(ev.index) == list(qs.index) and ev["hit"].mean() == pytest.approx(manual)


def test_configurations_matter_on_the_corpus(corpus):
    docs, qs = corpus
    scores = {k: RetrievalQA(docs, chunk_size=12, top_k=k).score(qs) for k in (1, 3)}
    assert 0.2 < scores[1] < scores[3] <= 1.0


def test_few_shot_from_the_eval_set_inflates_the_score(corpus):
    docs, qs = corpus
    dev, test = qs.iloc[:36], qs.iloc[36:]
    base = dict(chunk_size=12, top_k=1)
    clean = RetrievalQA(docs, **base, few_shot=list(zip(dev.question, dev.answer))).score(test)
    leaky = RetrievalQA(docs, **base, few_shot=list(zip(test.question, test.answer))).score(test)
    assert leaky > clean + 0.05
    # and the contamination check sees it
    prompt = [f"Q: {q} A: {a}" for q, a in zip(test.question, test.answer)]
    assert ngram_overlap(test.question, prompt)["contaminated"].all()
    assert not ngram_overlap(test.question, [f"Q: {q} A: {a}" for q, a in zip(dev.question, dev.answer)])["contaminated"].any()


def test_heldout_questions_are_read_once_per_score(corpus):
    docs, qs = corpus
    held = HeldOutSet(qs, budget=1)
    qa = RetrievalQA(docs)
    s = qa.score(held)
    assert 0 <= s <= 1 and held.n_reads == 1
    with pytest.raises(HeldOutBudgetExceeded):
        qa.score(held)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"chunk_size": 0}, ValueError, "chunk_size"),
        ({"chunk_size": 5, "chunk_overlap": 5}, ValueError, "chunk_overlap"),
        ({"top_k": 0}, ValueError, "top_k"),
        ({"top_k": 1.5}, TypeError, "top_k"),
        ({"score_threshold": 1.5}, ValueError, "score_threshold"),
        ({"rerank_weight": -0.1}, ValueError, "rerank_weight"),
        ({"few_shot": "Q: a A: b"}, TypeError, "few_shot"),
        ({"few_shot": [("q", "a", "x")]}, TypeError, "few_shot"),
        ({"few_shot": []}, ValueError, "few_shot"),
        ({"few_shot_k": 0}, ValueError, "few_shot_k"),
    ],
)
def test_retrievalqa_rejects_bad_params(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        RetrievalQA(TOY_DOCS, **kwargs)


def test_retrievalqa_rejects_bad_documents_and_questions():
    with pytest.raises(ValueError, match="documents.*'title'"):
        RetrievalQA(TOY_DOCS.drop(columns="title"))
    with pytest.raises(ValueError, match="doc_id must be unique"):
        RetrievalQA(pd.concat([TOY_DOCS, TOY_DOCS]))
    with pytest.raises(TypeError, match="'text'"):
        RetrievalQA(TOY_DOCS.assign(text=[None, "x", "y"]))
    with pytest.raises(ValueError, match="empty"):
        RetrievalQA(TOY_DOCS.iloc[:0])
    with pytest.raises(ValueError, match="no text, e.g. doc_id 'b'"):
        RetrievalQA(TOY_DOCS.assign(text=["words here", "  ", "more words"]))
    with pytest.raises(ValueError, match="no indexable words"):
        RetrievalQA(TOY_DOCS.assign(text=["the and", "of it", "is a"]))
    qa = RetrievalQA(TOY_DOCS)
    with pytest.raises(ValueError, match="questions.*not in documents"):
        qa.score(pd.DataFrame({"question": ["x"], "doc_id": ["zz"]}))
    with pytest.raises(ValueError, match="questions.*'doc_id'"):
        qa.score(pd.DataFrame({"question": ["x"]}))
    with pytest.raises(TypeError, match="question"):
        qa.retrieve(["not", "a", "string"])


# ----------------------------------------------------------------------------- tune
def test_tune_returns_the_best_configuration_and_a_full_table(corpus):
    docs, qs = corpus
    grid = {"chunk_size": [10, 20], "top_k": [1, 2, 3], "rerank_weight": [0.0, 0.5]}
    best, score, results = tune(docs, grid, qs)
    assert len(results) == 12 and results["config"].tolist() == list(range(12))
    assert score == results["score"].max()
    first_best = results.loc[results["score"].idxmax()]
    assert best == {k: first_best[k] for k in grid}
    assert (results.loc[results["score"] == score, "rank"] == 1).all()
    # the fast path agrees with building every evaluator from scratch
    _, _, slow = tune(lambda **p: RetrievalQA(docs, **p), grid, qs)
    np.testing.assert_allclose(slow["score"], results["score"])


def test_tune_on_a_heldout_set_reads_it_once_per_configuration(corpus):
    docs, qs = corpus
    held = HeldOutSet(qs, name="test questions")
    tune(docs, {"top_k": [1, 2, 3]}, held)
    assert held.n_reads == 3 and held.reads["reason"].str.startswith("tune: configuration").all()
    assert held.reads["caller"].str.contains("test_tune_on_a_heldout_set_reads_it_once").all()
    with pytest.raises(HeldOutBudgetExceeded, match="test questions"):
        tune(docs, {"top_k": [1, 2]}, HeldOutSet(qs, budget=1, name="test questions"))


@pytest.mark.parametrize(
    "grid, exc, match",
    [
        ({"chunksize": [10]}, ValueError, "unknown parameter.*'chunksize'"),
        ({"top_k": 3}, ValueError, "non-empty list"),
        ({"top_k": []}, ValueError, "non-empty list"),
        ("top_k", TypeError, "param_grid"),
        ({"top_k": [0]}, ValueError, "top_k"),
    ],
)
def test_tune_rejects_bad_grids(grid, exc, match):
    with pytest.raises(exc, match=match):
        tune(TOY_DOCS, grid, pd.DataFrame({"question": ["copper"], "doc_id": ["a"]}))


def test_tune_rejects_an_unusable_evaluator():
    with pytest.raises(TypeError, match="evaluator"):
        tune("documents.csv", {"top_k": [1]}, pd.DataFrame({"question": ["x"], "doc_id": ["a"]}))


# ----------------------------------------------------------------------------- tuning_gap
def test_tuning_gap_properties(corpus):
    docs, qs = corpus
    dev, test = qs.iloc[:36], qs.iloc[36:]
    grid = default_param_grid()
    table = tuning_gap(docs, dev, test, grid, n_repeats=30, random_state=1)
    assert list(table.columns) == ["n_configs", "tuned_on_test_score", "tuned_on_test_std", "fresh_test_score",
                                   "fresh_test_std", "gap", "gap_std", "n_repeats"]
    assert table["n_configs"].tolist() == [1, 2, 4, 8, 16, 32, 64, 72]
    # one configuration: nothing was selected, so both protocols report the same number
    assert table["gap"].iloc[0] == 0 and table["gap_std"].iloc[0] == 0
    # the leaky number is a maximum over a growing (nested) set: never below honest, never falling
    assert (table["gap"] >= 0).all()
    assert table["tuned_on_test_score"].is_monotonic_increasing
    assert table["gap"].iloc[-1] > 0.01
    assert table["gap"].iloc[-1] > table["gap"].iloc[1]
    again = tuning_gap(docs, dev, test, grid, n_repeats=30, random_state=1)
    pd.testing.assert_frame_equal(table, again)


def test_tuning_gap_rejects_bad_sizes(corpus):
    docs, qs = corpus
    with pytest.raises(ValueError, match="n_configs_list.*larger than the grid"):
        tuning_gap(docs, qs[:30], qs[30:], {"top_k": [1, 2]}, n_configs_list=[1, 3])
    with pytest.raises(ValueError, match="n_configs_list"):
        tuning_gap(docs, qs[:30], qs[30:], {"top_k": [1, 2]}, n_configs_list=[0])
    with pytest.raises(ValueError, match="n_repeats"):
        tuning_gap(docs, qs[:30], qs[30:], {"top_k": [1, 2]}, n_repeats=0)
    with pytest.raises(TypeError, match="HeldOutSet"):
        tuning_gap(docs, qs[:30], HeldOutSet(qs[30:]), {"top_k": [1, 2]})


def test_works_on_the_course_corpus():
    from leakkit import datasets

    qa = datasets.make_qa_corpus(n_documents=30, n_questions=80, random_state=0)
    dev, test = qa.split(test_size=0.5, random_state=0)
    best, dev_score, results = tune(qa.documents, default_param_grid(), dev)
    assert len(results) == 72 and 0.5 < dev_score <= 1.0
    assert 0.3 < RetrievalQA(qa.documents, **best).score(test) <= 1.0
    table = tuning_gap(qa.documents, dev, test, default_param_grid(), n_repeats=20)
    assert (table["gap"] >= 0).all() and table["gap"].iloc[-1] > 0
