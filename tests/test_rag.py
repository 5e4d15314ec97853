"""leakkit.rag: the prompted question-answering stand-in of notebook 08."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from leakkit.datasets import make_qa_corpus
from leakkit.llm import HeldOutSet
from leakkit.rag import IDK, INSTRUCTIONS, TEMPLATES, PromptedRAG, RuleReader, make_prompt

DOCS = pd.DataFrame({
    "doc_id": ["D1", "D2", "D3"],
    "title": ["Varno", "Kell", "North Kell"],
    "text": [
        "Varno, known as the Copper Gate, is a town in the Ash province. Its main export is copper. "
        "The current mayor is Ada Lind. It was founded in 1204.",
        "Kell, known as the Salt Bridge, is a town in the Fen province. Its main export is salt. "
        "The mayor of North Kell visited the town last spring.",
        "North Kell, known as the Wool Tower, is a town in the Moor province. The mayor of North Kell is Bo Stenn.",
    ],
})
FULL = ["coreference", "every passage", "nicknames", "abstain"]


def answer(question, instructions=FULL, template="plain", **kwargs):
    return PromptedRAG(DOCS, prompt=make_prompt(template, instructions), **kwargs).answer(question)


def test_each_instruction_changes_the_answers_it_is_about():
    # "it" is resolved only with the coreference sentence
    assert answer("When was Varno founded?") == "1204"
    assert answer("When was Varno founded?", ["every passage", "abstain"]) == IDK
    # a nickname is understood only when the prompt says towns have them
    assert answer("What is the main export of the Salt Bridge?") == "salt"
    assert answer("What is the main export of the Salt Bridge?", ["coreference", "every passage", "abstain"]) == IDK
    # "who governs" is not a phrasing the reader knows, until a hint teaches it
    assert answer("Who governs North Kell?") == IDK
    assert answer("Who governs North Kell?", FULL + ["hint: governs"]) == "Bo Stenn"
    # one word: a two-word name is cut
    assert answer("Who is the mayor of Varno?", FULL + ["one word"]) == "Ada"
    # a template without {context} leaves the reader without evidence
    assert answer("Who is the mayor of Varno?", template="no context") == IDK


def test_a_town_is_not_confused_with_a_town_of_the_same_stem():
    # Kell's sheet mentions the mayor of North Kell; that is not Kell's mayor
    assert answer("Who is the mayor of Kell?") == IDK
    assert answer("Who is the mayor of North Kell?") == "Bo Stenn"


def test_without_abstain_the_reader_guesses_with_low_confidence():
    rag = PromptedRAG(DOCS, prompt=make_prompt("plain", ["every passage"]), top_k=1)
    r = rag.evaluate(pd.DataFrame({"question": ["When was Varno founded?"], "answer": ["1204"]}))
    assert r.loc[0, "answer"] == "1204" and 0 < r.loc[0, "confidence"] < 0.2  # a guess, scaled by 0.3
    strict = PromptedRAG(DOCS, prompt=make_prompt("plain", ["every passage"]), top_k=1, answer_threshold=0.2)
    assert strict.answer("When was Varno founded?") == IDK


def test_a_longer_prompt_leaves_less_room_for_the_passages():
    prompt = make_prompt("plain", FULL)  # 52 words; with the role, think and concise sentences, 84
    passages = [("Varno", DOCS.loc[0, "text"], 0.5)]  # 29 words; the founding year is in the last sentence
    assert RuleReader(prompt, context_window=107).read("When was Varno founded?", passages)[0] == "1204"
    crowded = RuleReader(make_prompt("plain", FULL + ["role", "think", "concise"]), context_window=107)
    assert crowded.read("When was Varno founded?", passages)[0] == IDK
    assert crowded.read("What is the main export of Varno?", passages)[0] == "copper"  # an early sentence still fits
    roomy = RuleReader(make_prompt("plain", FULL + ["role", "think", "concise"]), context_window=200)
    assert roomy.read("When was Varno founded?", passages)[0] == "1204"


def test_question_first_template_lists_passages_most_relevant_last():
    reader = RuleReader(make_prompt("question first", ["coreference", "nicknames", "abstain"]))  # first passage only
    passages = [("Varno", DOCS.loc[0, "text"], 0.6), ("Kell", DOCS.loc[1, "text"], 0.2)]
    assert reader.read("What is the main export of Varno?", passages) == (IDK, 0.0)
    assert RuleReader(make_prompt("plain", ["coreference"])).read("What is the main export of Varno?", passages)[0] == "copper"


def test_dynamic_few_shot_shows_the_most_similar_examples_and_copies_an_asked_one():
    bank = [("Who governs Zed?", "Una Moss"), ("What does Zed export?", "tin"), ("When was Zed founded?", "1100"),
            ("Who governs Kell?", "Wrong Name")]
    reader = RuleReader(make_prompt("plain", FULL), examples=bank, n_examples=2)
    assert reader.shown_examples("Who governs Varno?") == [("Who governs Zed?", "Una Moss"),
                                                          ("Who governs Kell?", "Wrong Name")]
    # the example's phrasing teaches that "who governs" asks for a person
    passages = [("Varno", DOCS.loc[0, "text"], 0.5)]
    assert reader.read("Who governs Varno?", passages)[0] == "Ada Lind"
    # asked an example's own question, it repeats the example's answer, whatever the passages say
    assert reader.read("Who governs Kell?", passages) == ("Wrong Name", 1.0)


def test_points_score_and_held_out_set():
    questions = pd.DataFrame({"question": ["Who is the mayor of Varno?", "When was Varno founded?",
                                           "Who is the mayor of Kell?"],
                              "answer": ["Ada Lind", "1205", "anyone"]})
    rag = PromptedRAG(DOCS, prompt=make_prompt("plain", FULL))
    r = rag.evaluate(questions)
    assert r["points"].tolist() == [1, -1, 0]
    assert rag.score(questions) == pytest.approx(0.0)
    held = HeldOutSet(questions, name="test")
    assert rag.score(held) == pytest.approx(0.0) and held.n_reads == 1


def test_results_are_deterministic_and_caches_keep_corpora_apart():
    qa0 = make_qa_corpus(n_documents=20, n_questions=60, random_state=0)
    qa1 = make_qa_corpus(n_documents=20, n_questions=60, random_state=1)
    prompt = make_prompt("plain", FULL)
    first = PromptedRAG(qa0.documents, prompt=prompt).evaluate(qa0.questions)
    PromptedRAG(qa1.documents, prompt=prompt).evaluate(qa1.questions)  # same settings, other corpus
    again = PromptedRAG(qa0.documents.copy(), prompt=prompt).evaluate(qa0.questions.copy())
    pd.testing.assert_frame_equal(first, again)
    # a document edited in place is a new corpus, not a cached one
    edited = qa0.documents.copy()
    edited["text"] = edited["text"].str.replace(r"founded in \d+", "founded in 1001", regex=True)
    founded = qa0.questions[qa0.questions["attribute"] == "founded"]
    answers = PromptedRAG(edited, prompt=prompt).evaluate(founded)["answer"]
    assert set(answers) <= {"1001", IDK} and "1001" in set(answers)


def test_a_good_prompt_answers_far_more_questions_than_a_bare_one_and_rarely_wrongly():
    qa = make_qa_corpus(n_documents=40, n_questions=200, random_state=3)
    good = PromptedRAG(qa.documents, prompt=make_prompt("plain", FULL), chunk_size=40).evaluate(qa.questions)
    bare = PromptedRAG(qa.documents, prompt=make_prompt("plain", ["abstain"]), chunk_size=40).evaluate(qa.questions)
    assert good["correct"].mean() > bare["correct"].mean() + 0.2
    assert (good.loc[~good["abstained"], "correct"]).mean() > 0.9  # when it answers, it is mostly right
    # every hint at once fills the context window: more instructions are not always better
    crowded = PromptedRAG(qa.documents, prompt=make_prompt("plain", FULL + [h for h in INSTRUCTIONS if h.startswith("hint")]),
                          chunk_size=40).evaluate(qa.questions)
    assert crowded["points"].mean() < good["points"].mean() + 0.05


def test_tuning_on_test_overstates_and_tuning_on_dev_does_not():
    qa = make_qa_corpus(n_documents=40, n_questions=300, random_state=5)
    qs = qa.questions
    base = FULL
    hints = [h for h in INSTRUCTIONS if h.startswith("hint")]
    prompts = [make_prompt(t, base + [h for h, on in zip(hints, mask) if on])
               for t in ("plain", "question first") for mask in np.ndindex(*(2,) * len(hints))]
    P = np.array([PromptedRAG(qa.documents, prompt=p, chunk_size=40).evaluate(qs)["points"] for p in prompts])
    wrong, right = [], []
    for seed in range(300):
        order = np.random.default_rng(seed).permutation(len(qs))
        dev, test, fresh = order[:40], order[40:80], order[80:]
        w, r = P[:, test].mean(1).argmax(), P[:, dev].mean(1).argmax()
        wrong.append(P[w, test].mean() - P[w, fresh].mean())
        right.append(P[r, test].mean() - P[r, fresh].mean())
    assert np.mean(wrong) > 0.02
    assert abs(np.mean(right)) < 0.015


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"prompt": "Answer: {context}"}, ValueError, "prompt: no {question}"),
    ({"prompt": 3}, TypeError, "prompt"),
    ({"examples": [("only a question",)]}, TypeError, "examples"),
    ({"chunk_size": 10, "chunk_overlap": 10}, ValueError, "chunk_overlap"),
    ({"answer_threshold": 2}, ValueError, "answer_threshold"),
    ({"top_k": 0}, ValueError, "top_k"),
])
def test_bad_arguments_name_the_argument(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        PromptedRAG(DOCS, **kwargs)


def test_bad_prompt_parts_and_questions():
    with pytest.raises(ValueError, match="template"):
        make_prompt("fancy")
    with pytest.raises(ValueError, match="instructions: unknown"):
        make_prompt("plain", ["be smart"])
    with pytest.raises(TypeError, match="instructions"):
        make_prompt("plain", "abstain")
    rag = PromptedRAG(DOCS)
    with pytest.raises(ValueError, match="'answer'"):
        rag.evaluate(pd.DataFrame({"question": ["Who?"]}))
    with pytest.raises(TypeError, match="question"):
        rag.answer(["Who?"])
    assert set(TEMPLATES) == {"plain", "question first", "no context"}


def test_importable_from_llm_whichever_module_loads_first():
    for first in ("leakkit.rag", "leakkit.llm"):
        code = f"import {first}; from leakkit.llm import PromptedRAG, make_prompt; print(PromptedRAG.__module__)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "leakkit.rag"
