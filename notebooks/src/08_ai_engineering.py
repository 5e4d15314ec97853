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
# # Leakage in AI engineering: tuning RAG systems and LLM evaluations on the test set
#
# A retrieval-augmented generation (RAG) system has no `fit` method, yet it is tuned all the
# same: someone picks the chunk size, how many passages to retrieve, a score threshold, how
# much weight a re-ranker gets, which few-shot examples go into the prompt. Each choice is
# made by looking at scores on a set of questions. If that set is the one whose score is then
# reported, the score is optimistic, exactly as a model tuned on its test set is. And when
# evaluation questions end up inside the prompt or the training data, the system is tested on
# text it has already seen: benchmark contamination.
#
# This notebook shows both leaks on a small retrieval question-answering system that runs
# entirely offline (TF-IDF retrieval, no language model, no download), measures how much they
# inflate the score, and shows the tools that catch them.
#
# **You will learn**
#
# - why choosing a configuration on the evaluation set inflates the score you report, and
#   that the inflation grows with the number of configurations tried;
# - how to tune on a dev split and touch the test split once;
# - how few-shot examples drawn from the evaluation set leak the answers;
# - how to detect contamination with n-gram overlap (the 13-gram rule of LLM benchmark
#   reports), and what it cannot see;
# - how a held-out set that logs every read, with a budget, turns "we only looked once" into
#   something you can check.

# %% [markdown]
# ## Setup: a small retrieval QA system
#
# `leakkit.datasets.make_qa_corpus` writes fact sheets about fictional towns and questions
# about them, each answered by exactly one sheet. Sheets mention other towns, some towns share
# a name stem ("Korvale" and "North Korvale"), and a third of the questions use a town's
# nickname, so retrieval is good but not perfect.

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import leakkit
from leakkit.checklist import audit
from leakkit.datasets import make_qa_corpus
from leakkit.llm import (
    HeldOutBudgetExceeded,
    HeldOutSet,
    RetrievalQA,
    contamination,
    ngram_overlap,
    tune,
    tuning_gap,
)
from leakkit.plot import gap_vs_configs, score_gap

SEEDS = range(5)  # every measurement is repeated on 5 corpora
N_DEV, N_TEST = 40, 40


def make_project(seed):
    """One corpus and its questions, split into dev, test and fresh (unseen) questions."""
    qa = make_qa_corpus(n_documents=60, n_questions=200, random_state=seed)
    order = np.random.default_rng(seed).permutation(len(qa.questions))
    q = qa.questions.iloc[order].reset_index(drop=True)
    return qa.documents, q.iloc[:N_DEV], q.iloc[N_DEV:N_DEV + N_TEST], q.iloc[N_DEV + N_TEST:]


documents, dev, test, fresh = make_project(0)
print(f"{len(documents)} documents, {len(dev)} dev questions, {len(test)} test questions, "
      f"{len(fresh)} fresh questions")
print(textwrap.fill(documents["text"].iloc[0], 100))

# %% [markdown]
# We split the questions three ways:
#
# - **dev** (40): the questions the team may look at as often as it likes while building;
# - **test** (40): the questions whose score the team reports as "held out";
# - **fresh** (120): questions nobody looks at during development. They stand for the
#   questions users will ask later, and give us the true quality of whatever gets shipped.
#   A real team does not have them; we use them only to check which reported number was true.

# %%
print(test[["question", "answer", "doc_id", "refers_by"]].head(5).to_string(index=False))

# %% [markdown]
# `leakkit.llm.RetrievalQA` cuts the documents into chunks, indexes them with TF-IDF, and
# retrieves the `top_k` best chunks for a question. A question counts as answered when a
# retrieved chunk belongs to its gold document. Here is one question and what comes back:

# %%
qa_system = RetrievalQA(documents, chunk_size=30, top_k=1)
question = test.iloc[0]
print(question["question"], "-> gold", question["doc_id"])
print(qa_system.retrieve(question["question"])[["rank", "doc_id", "title", "score"]].round(3).to_string(index=False))

# %% [markdown]
# ## The knobs
#
# These are the settings a RAG team tunes:
#
# - `chunk_size` and `chunk_overlap`: how documents are cut (in words);
# - `top_k`: how many chunks are passed on to the reader;
# - `score_threshold`: chunks scoring at or below it are dropped (an "I don't know" option);
# - `rerank_weight`: how much a second, lexical re-ranker (question words found in the
#   document's title) weighs against the TF-IDF score;
# - `few_shot`: example question-answer pairs added to the query (later in this notebook).
#
# How many chunks to pass on matters most. The cell below tries every combination of the other
# knobs with one and with two chunks on the dev questions, and prints the spread of accuracy
# for each.

# %%
# NBVAL_CHECK_OUTPUT
GRID = {
    "chunk_size": [15, 30, 60],
    "chunk_overlap": [0, 5],
    "top_k": [1],
    "score_threshold": [0.0, 0.05, 0.1, 0.15],
    "rerank_weight": [0.0, 0.15, 0.3, 0.45, 0.6],
}
n_configs = int(np.prod([len(values) for values in GRID.values()]))
_, _, dev_results = tune(documents, {**GRID, "top_k": [1, 2]}, dev)
spread = dev_results.groupby("top_k")["score"].describe()[["count", "min", "50%", "max"]]
print(spread.rename(columns={"count": "configurations", "50%": "median"}).round(3).to_string())

# %% [markdown]
# With two chunks, the median configuration is almost as good as the best one: whatever you
# choose, retrieval is nearly solved and there is little to tune. With one chunk, the
# configurations spread out more below the best, so the choice matters. We fix `top_k=1`
# (only the best chunk reaches the reader) and tune the other knobs: the 120 configurations
# of `GRID` (the `top_k=1` row above). The question is only *where* to tune them.

# %% [markdown]
# ## Pitfall 1: tuning the knobs on the evaluation set
#
# **Wrong** — try every configuration on the test questions, keep the best, and report its
# test score as the held-out score:

# %%
# NBVAL_CHECK_OUTPUT
best_wrong, reported_wrong, _ = tune(documents, GRID, test)
print("chosen on test:", best_wrong)
print(f"reported test accuracy:      {reported_wrong:.3f}")
print(f"accuracy on fresh questions: {RetrievalQA(documents, **best_wrong).score(fresh):.3f}")

# %% [markdown]
# **Right** — choose the configuration on the dev questions, then score the test questions
# once, with the configuration already frozen:

# %%
# NBVAL_CHECK_OUTPUT
best_right, _, _ = tune(documents, GRID, dev)
print("chosen on dev: ", best_right)
print(f"reported test accuracy:      {RetrievalQA(documents, **best_right).score(test):.3f}")
print(f"accuracy on fresh questions: {RetrievalQA(documents, **best_right).score(fresh):.3f}")

# %% [markdown]
# The wrong protocol reports the *maximum* of 120 test scores. Every one of them is the
# configuration's true accuracy plus the luck of these 40 questions, and the maximum picks
# the configuration whose luck was best. That luck does not carry over to new questions. The
# right protocol reports one score that nothing was chosen on: it is noisy (40 questions is
# few) but not biased.
#
# One corpus is one draw. The cell below repeats both protocols on five corpora and prints
# the gap (wrong minus right) with its spread, on the test questions (what each protocol
# reports) and on the fresh questions (what each delivers).

# %%
# NBVAL_CHECK_OUTPUT
def both_protocols(seed):
    docs, dev_q, test_q, fresh_q = make_project(seed)
    wrong, wrong_reported, _ = tune(docs, GRID, test_q)
    right, _, _ = tune(docs, GRID, dev_q)
    return {
        "seed": seed,
        "wrong_reported": wrong_reported,
        "right_reported": RetrievalQA(docs, **right).score(test_q),
        "wrong_fresh": RetrievalQA(docs, **wrong).score(fresh_q),
        "right_fresh": RetrievalQA(docs, **right).score(fresh_q),
    }


runs = pd.DataFrame([both_protocols(seed) for seed in SEEDS]).set_index("seed")
seeds = tuple(runs.index)
reported = leakkit.GapResult("reported (test)", seeds, runs["wrong_reported"].to_numpy(),
                             runs["right_reported"].to_numpy())
delivered = leakkit.GapResult("delivered (fresh)", seeds, runs["wrong_fresh"].to_numpy(),
                              runs["right_fresh"].to_numpy())
print(runs.round(3).to_string())
print(reported)
print(delivered)
print("gap on the test questions, corpus by corpus:", np.round(reported.gaps, 3))
optimism = runs["wrong_reported"] - runs["wrong_fresh"]
print(f"wrong protocol, reported minus delivered: {optimism.mean():+.3f} ± {optimism.std():.3f}")
honest_error = runs["right_reported"] - runs["right_fresh"]
print(f"right protocol, reported minus delivered: {honest_error.mean():+.3f} ± {honest_error.std():.3f}")

# %% [markdown]
# On the test questions the wrong protocol never reports less than the right one, and usually
# more. On the fresh questions the configurations the two protocols chose are about equally
# good: the extra points were the luck of the 40 test questions, selected. The last two lines
# compare each protocol's report with what it delivers: the wrong protocol's report overstates
# it on average, while the right protocol's is off by noise in either direction, about zero on
# average. The spreads are wide because 40 questions make a noisy test set; that noise is
# exactly what the wrong protocol selects.

# %%
frame = pd.DataFrame([reported.to_dict(), delivered.to_dict()])
score_gap(frame, metric="accuracy", labels=("tuned on test", "tuned on dev, test read once"),
          title=f"Tuning on the test set adds {reported.gap_mean:+.2f} to the reported accuracy; "
                f"on fresh questions the difference is {delivered.gap_mean:+.2f}")
plt.show()

# %% [markdown]
# ## The more configurations you try, the larger the gap
#
# Nobody sets out to try 120 configurations on the test set. It happens one tweak at a time:
# a chunk size here, a threshold there, each checked against the same questions.
# `leakkit.llm.tuning_gap` measures what that costs. For a number `n` of configurations, it
# draws `n` of them at random (50 times), and compares
#
# - **tuned on test**: the best test score among the `n`;
# - **fresh**: the test score of the one that was best on dev.
#
# We average over the five corpora.

# %%
# NBVAL_CHECK_OUTPUT
sizes = [1, 2, 4, 8, 16, 32, 64, n_configs]
tables = []
for seed in SEEDS:
    docs, dev_q, test_q, _ = make_project(seed)
    tables.append(tuning_gap(docs, dev_q, test_q, GRID, n_configs_list=sizes, n_repeats=50, random_state=seed))
curve = pd.concat(tables).groupby("n_configs").mean().reset_index()
curve["tuned_on_test_std"] = pd.concat(tables).groupby("n_configs")["tuned_on_test_score"].std().to_numpy()
curve["fresh_test_std"] = pd.concat(tables).groupby("n_configs")["fresh_test_score"].std().to_numpy()
print(curve[["n_configs", "tuned_on_test_score", "fresh_test_score", "gap"]].round(3).to_string(index=False))

# %% [markdown]
# With one configuration there is nothing to choose and no gap. As more configurations are
# tried, both scores rise at first, because choosing on dev does find genuinely better
# configurations. Then the honest score levels off, while the tuned-on-test score keeps
# climbing above it: from there on, what is being selected is the test questions' luck. (At
# 120 configurations this is the comparison of the previous section, except that ties on dev
# are broken at random here rather than by grid order, so the gap differs slightly.)

# %%
last = curve.iloc[-1]
gap_vs_configs(curve, logx=True, metric="test accuracy",
               title=f"Trying {int(last['n_configs'])} configurations on the test set overstates "
                     f"its score by {last['gap']:.2f}")
plt.show()

# %% [markdown]
# The band around each line is the spread over the five corpora. A few points of accuracy is
# exactly the kind of improvement a team would happily believe, and nothing in the wrong
# protocol's own numbers shows that it is not real.
#
# ## Pitfall 2: few-shot examples taken from the evaluation set
#
# A dynamic few-shot prompt adds to each question the most similar worked examples from a
# pool. `RetrievalQA(few_shot=pairs)` does the same with (question, answer) pairs: the
# closest example's question *and answer* are appended to the query. If the pool holds the
# evaluation questions themselves, the closest example to a test question is that very
# question, and its answer rides along.
#
# **Wrong** — the pool is built from the evaluation questions (someone pasted the eval set
# into the example bank):

# %%
# NBVAL_CHECK_OUTPUT
def pairs(questions):
    return list(zip(questions["question"], questions["answer"]))


SETTINGS = dict(chunk_size=30, top_k=1)
no_examples = RetrievalQA(documents, **SETTINGS).score(test)
leaky_pool = RetrievalQA(documents, **SETTINGS, few_shot=pairs(test))
print(f"no few-shot examples:           test accuracy {no_examples:.3f}")
print(f"few-shot pool = test questions: test accuracy {leaky_pool.score(test):.3f}")

# %% [markdown]
# **Right** — the pool comes from questions that are not evaluated (the dev set), so no test
# question can find itself in it:

# %%
# NBVAL_CHECK_OUTPUT
honest_pool = RetrievalQA(documents, **SETTINGS, few_shot=pairs(dev))
print(f"few-shot pool = dev questions:  test accuracy {honest_pool.score(test):.3f}")
print(f"on fresh questions: test-question pool {leaky_pool.score(fresh):.3f}, "
      f"dev pool {honest_pool.score(fresh):.3f}, no examples {RetrievalQA(documents, **SETTINGS).score(fresh):.3f}")

# %% [markdown]
# With the leaky pool, few-shot examples look like a clear gain. Honestly measured, they
# *hurt* this retriever: another town's question and answer, appended to the query, pull
# retrieval towards the wrong document. On fresh questions, which are in neither pool, both
# pools do about equally badly, well below no examples at all. A team trusting the leaky
# number would have shipped a feature that makes the system worse.
#
# Over five corpora:

# %%
# NBVAL_CHECK_OUTPUT
def few_shot_scores(seed):
    docs, dev_q, test_q, fresh_q = make_project(seed)
    leaky = RetrievalQA(docs, **SETTINGS, few_shot=pairs(test_q))
    honest = RetrievalQA(docs, **SETTINGS, few_shot=pairs(dev_q))
    return leaky.score(test_q), honest.score(test_q), leaky.score(fresh_q), honest.score(fresh_q)


fs = np.array([few_shot_scores(seed) for seed in SEEDS])
few_reported = leakkit.GapResult("reported (test)", seeds, fs[:, 0], fs[:, 1])
few_delivered = leakkit.GapResult("delivered (fresh)", seeds, fs[:, 2], fs[:, 3])
print(few_reported)
print(few_delivered)

# %%
score_gap(pd.DataFrame([few_reported.to_dict(), few_delivered.to_dict()]), metric="accuracy",
          labels=("pool = test questions", "pool = dev questions"),
          title=f"Few-shot examples from the test set add {few_reported.gap_mean:+.2f} to the test score "
                f"and {few_delivered.gap_mean:+.2f} on fresh questions")
plt.show()

# %% [markdown]
# ## Detecting contamination: n-gram overlap
#
# The leaky pool is easy to spot here because we built it. In real projects the evaluation
# items reach the prompt or the training data by roundabout paths: a prompt template
# copied from a notebook that printed eval items, a fine-tuning set scraped from a forum that
# discussed the benchmark, a pretraining crawl that contains the benchmark's web page.
#
# The standard check is **n-gram overlap**: cut every evaluation item and every reference
# text (prompt, examples, training data) into sequences of `n` consecutive words after
# normalisation (lower case, no punctuation), and flag an item when one of its n-grams occurs
# in the references. GPT-3's report (Brown et al., 2020) used `n = 13` to find benchmark items
# present in its training data and compared scores on the full and the "clean" items; many
# later LLM reports use variants of the same check. `leakkit.llm.ngram_overlap` implements
# it; an item shorter than `n` words counts as one n-gram made of all its words, so a short
# question copied verbatim is still caught.
#
# The few-shot pools, written as they would appear in a prompt:

# %%
# NBVAL_CHECK_OUTPUT
leaky_prompt = [f"Q: {q} A: {a}" for q, a in pairs(test)]
honest_prompt = [f"Q: {q} A: {a}" for q, a in pairs(dev)]
overlap = ngram_overlap(test["question"], leaky_prompt, n=13)
print(overlap[["n_words", "n_ngrams", "n_shared", "contaminated", "example"]].head(4).to_string())
print(f"contaminated test items: leaky prompt {overlap['contaminated'].sum()} of {len(test)}, "
      f"honest prompt {ngram_overlap(test['question'], honest_prompt, n=13)['contaminated'].sum()} of {len(test)}")

# %% [markdown]
# `leakkit.llm.contamination` turns the same scan into a finding, with a severity and advice,
# like every other check in `leakkit`:

# %%
# NBVAL_CHECK_OUTPUT
for finding in contamination(test["question"], leaky_prompt):
    print(textwrap.fill(str(finding), 100))
print("honest prompt:", contamination(test["question"], honest_prompt))

# %% [markdown]
# ### Choosing `n`
#
# Too short an n-gram flags phrasing that any two questions share ("what is the", "who is
# the"), which is not contamination. The cell below scans the test questions against the
# *honest* prompt, which holds none of them, for several values of `n`:

# %%
# NBVAL_CHECK_OUTPUT
for n in (3, 5, 8, 13):
    flagged = ngram_overlap(test["question"], honest_prompt, n=n)
    examples = flagged.loc[flagged["contaminated"], "example"].head(2).tolist()
    print(f"n={n:>2}: {flagged['contaminated'].mean():5.0%} of test items flagged  e.g. {examples}")

# %% [markdown]
# Short n-grams raise false alarms on shared templates. Long ones are specific: a 13-word
# sequence in common is almost never a coincidence.
#
# ### What n-gram overlap cannot see
#
# It compares words, not meaning. A paraphrase of an evaluation item, or the same fact asked
# another way, passes unflagged:

# %%
# NBVAL_CHECK_OUTPUT
item = ["Who leads the town council of Old Belwick?"]
for reference in ["Q: Who leads the town council of Old Belwick? A: Hana Vance",
                  "Q: Who is the mayor of Old Belwick? A: Hana Vance"]:
    row = ngram_overlap(item, [reference], n=13).iloc[0]
    print(f"contaminated={row['contaminated']!s:<5}  reference: {reference}")

# %% [markdown]
# So a clean n-gram scan is evidence, not proof. It is worth running on every text that goes
# into a prompt, a fine-tuning set or a retrieval index, and it is cheap: `ngram_overlap`
# hashes the references' n-grams once and looks each item's n-grams up, so the cost grows
# about linearly with the number of words. The stronger protection is organisational: keep the
# evaluation items out of everything the system is built from, and keep track of who reads
# them.
#
# ## A held-out set that logs every read
#
# "We only looked at the test set once" is usually believed, rarely checked.
# `leakkit.llm.HeldOutSet` wraps the test questions, records every read (when, from which
# line of code, why), and with a `budget` refuses the read after the last one allowed.
# `tune` reads a `HeldOutSet` once per configuration it tries, since each is a look.
#
# **Wrong** — tune on the locked test set. The second configuration is refused (we catch the
# error to print its message):

# %%
# NBVAL_CHECK_OUTPUT
locked_test = HeldOutSet(test, budget=1, name="test questions")
try:
    tune(documents, GRID, locked_test)
except HeldOutBudgetExceeded as err:
    print(textwrap.fill(f"HeldOutBudgetExceeded: {err}", 100))
print(locked_test.reads[["read", "how", "reason", "granted"]].to_string(index=False))

# %% [markdown]
# The log also has a `time` and a `caller` column (the file, line and function that read the
# set); they are left out above only because they change from run to run.
#
# **Right** — tune on dev, then read the locked test set once, for the report:

# %%
# NBVAL_CHECK_OUTPUT
locked_test = HeldOutSet(test, budget=1, name="test questions")
best, _, _ = tune(documents, GRID, dev)
final = RetrievalQA(documents, **best).score(locked_test)
print(f"final test accuracy {final:.3f}")
print(locked_test)
print(locked_test.reads[["read", "how", "reason", "granted"]].to_string(index=False))

# %% [markdown]
# Without a budget a `HeldOutSet` still counts. The leakage checklist (notebook 09) asks
# "were parameters tuned on the final evaluation set?" and answers it from that count:

# %%
# NBVAL_CHECK_OUTPUT
counted = HeldOutSet(test, name="test questions")
tune(documents, GRID, counted)  # the wrong protocol again: 120 reads
read_once = HeldOutSet(test, name="test questions")
RetrievalQA(documents, **best).score(read_once)  # the right one: 1 read
for label, held in [("tuned on test", counted), ("tuned on dev", read_once)]:
    answer = audit(held_out_set=held)["tuning"]
    print(f"{label:<14} {answer.status.upper():<5} {textwrap.shorten(answer.summary, 90)}")

# %% [markdown]
# ## The same leaks in real LLM work
#
# Nothing above depends on TF-IDF. With a real language model behind the retriever, every
# knob is tuned the same way, and the same two leaks appear:
#
# - **Tuning on the evaluation set.** Prompt wording, the system message, chunking, top-k,
#   re-ranker choice, temperature, the judge prompt of an LLM-as-a-judge metric: each is
#   usually picked by looking at scores on a question set. If that set is also the one
#   reported, the report is the best of many noisy tries. Keep a dev set for iterating and a
#   test set you read once, and say how many variants were tried.
# - **Contamination.** Few-shot examples, retrieval indexes, fine-tuning data and pretraining
#   crawls can all contain evaluation items. LLM reports check this with n-gram overlap
#   between benchmark items and training data (13-grams in GPT-3's report) and publish
#   scores on the clean subset next to the full one. For your own system, scan every text
#   that enters a prompt, an index or a fine-tuning set against your evaluation items with
#   `ngram_overlap`, and report on the clean items.
# - **Public benchmarks age.** Once a benchmark is on the web, later models may have read it.
#   A fresh, private set of questions written after the model's training data was collected is
#   the only held-out set you can be sure of.
#
# ## Takeaways
#
# - Tuning a RAG system (chunks, top-k, thresholds, re-ranker weights, prompts) is fitting.
#   Do it on a dev split, and report a test split that no decision was based on.
# - The score of the best of `n` configurations on one question set is optimistic, and more
#   so the more configurations you try; the honest score does not climb.
# - Few-shot examples, prompts and fine-tuning data must not contain evaluation items: the
#   answer rides along, and a harmful feature can look like an improvement.
# - Scan for contamination with word n-gram overlap (13-grams by default). It catches copies,
#   not paraphrases.
# - Wrap the test set in a `HeldOutSet` with a budget: reads are logged, and the one read too
#   many fails loudly.
#
# **Next:** practise on the exercise `exercises/ai_evaluation/`, then see notebook 09, where
# the four questions of the leakage checklist are asked of a whole project at once.
