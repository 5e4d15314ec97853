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
# # Leakage in AI engineering: tuning a RAG system on its test set
#
# A retrieval-augmented generation (RAG) system has no `fit` method, yet it is tuned all the
# same: someone rewrites the prompt, picks the chunk size, the weight of a re-ranker, the
# confidence below which it says "I don't know", the few-shot examples. Each choice is made by
# looking at scores on a set of questions. If that set is the one whose score is reported,
# the score is optimistic, exactly as a model tuned on its test set is. And when evaluation
# questions end up inside the prompt, the system is tested on text it has already seen.
#
# **You will learn**
#
# - to tune each of the five usual knobs (prompt, chunk size, re-ranker weight, answer
#   threshold, few-shot examples) in a loop you can read, on a dev set, and report a test
#   set read once;
# - how much tuning on the test set overstates the score, knob by knob, and why the honest
#   protocol does not;
# - how few-shot examples taken from the evaluation set leak the answers, and how n-gram
#   overlap detects it (and what it cannot see);
# - how a held-out set that logs every read turns "we only looked once" into a fact.

# %%
# %load_ext leakkit
import itertools
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from leakkit.datasets import make_qa_corpus
from leakkit.llm import PromptedRAG, make_prompt
from leakkit.plot import COLORS, use_style

qa = make_qa_corpus(n_documents=80, n_questions=640, random_state=0)
documents = qa.documents
print(f"{len(documents)} fact sheets about fictional towns, {len(qa.questions)} questions about them")

# %% [markdown]
# ## The system
#
# `PromptedRAG` runs offline and is deterministic. It cuts the fact sheets into chunks,
# retrieves the `top_k` chunks closest to the question (TF-IDF, plus a re-ranker that rewards
# chunks whose town is named in the question), and hands them, with the question, to a
# *reader* that answers in a few words or says "I don't know".
#
# The reader stands in for a language model: it is a handful of extraction rules, but it
# follows its **prompt**. The template decides where the passages and the question go; a few
# instruction sentences switch its behaviour on (resolve "it" and "the town", read every
# passage, recognise nicknames, say "I don't know" rather than guess, or learn that "who
# governs" asks for the mayor); and every word of the prompt takes room in a context window
# of 170 words that the passages must share. So rewording the prompt really changes the
# answers. Nothing here is a language model, though: its numbers tell you about tuning, not
# about any real model.
#
# The base configuration, and its prompt:

# %%
BASE = dict(prompt=make_prompt("plain", ["coreference", "every passage", "nicknames"]),
            chunk_size=40, top_k=3, rerank_weight=0.3, answer_threshold=0.0)
print(BASE["prompt"])

# %% [markdown]
# Two questions, answered under three prompts: the base prompt; the base prompt plus a hint
# about "who governs"; and a prompt that says "I don't know" when unsure but lacks the
# sentence about "it":

# %% tags=["nbval-check-output"]
variants = {
    "base": BASE["prompt"],
    "base + hint about 'governs'": make_prompt("plain", ["coreference", "every passage", "nicknames", "hint: governs"]),
    "no 'it means', 'I don't know'": make_prompt("plain", ["every passage", "nicknames", "abstain"]),
}
for question in ["Who governs Galdor?", "When was Brenholm founded?"]:
    answers = {name: PromptedRAG(documents, **{**BASE, "prompt": p}).answer(question) for name, p in variants.items()}
    print(question, answers)

# %% [markdown]
# The base prompt does not know that "who governs" asks for the mayor; one sentence fixes
# it. Brenholm's sheet says "It was founded in ...": without the sentence about "it", a
# reader told to say "I don't know" when unsure does exactly that.
#
# **Scoring.** A support bot that answers wrongly does as much harm as a right answer does
# good, and "I don't know" is neither. So each question scores **+1** when answered right,
# **-1** when answered wrong and **0** for "I don't know"; a system's score is the mean,
# between -1 and 1.
#
# ## Dev, test and fresh questions
#
# The team has 640 questions. It keeps 40 aside as a bank of few-shot examples. The others
# are split at random into
#
# - **dev** (40): questions the team looks at as often as it likes while tuning;
# - **test** (40): the questions whose score the team reports as "held out";
# - **fresh** (the remaining 520): questions the system will meet after it ships. Nobody
#   looks at them during development; we use them only to measure what the shipped system
#   really delivers. "Fresh" means this, and only this, in the whole notebook.
#
# Because every configuration is scored on every question once, we can redraw the split as
# often as we like: one draw is what one team would experience.

# %%
def split_questions(corpus, seed):
    """A pool of 40 few-shot examples, and the other questions (shuffled)."""
    shuffled = corpus.questions.sample(frac=1, random_state=seed).reset_index(drop=True)
    return shuffled.iloc[:40], shuffled.iloc[40:].reset_index(drop=True)


def draw_split(seed, n_questions, n_dev=40, n_test=40):
    """Positions of the dev, test and fresh questions for one draw."""
    order = np.random.default_rng(seed).permutation(n_questions)
    return order[:n_dev], order[n_dev:n_dev + n_test], order[n_dev + n_test:]


def points(**params):
    """The points (+1, 0, -1) the system earns on every question, with BASE changed by ``params``."""
    return PromptedRAG(documents, **{**BASE, **params}).evaluate(questions)["points"].to_numpy()


pool, questions = split_questions(qa, seed=0)
dev, test, fresh = draw_split(0, len(questions))
print(f"dev {len(dev)}, test {len(test)}, fresh {len(fresh)} questions; few-shot pool {len(pool)}")

# %% [markdown]
# ## Knob 1: the prompt
#
# Prompt engineering usually goes like this: read the questions the system got wrong, and add
# a sentence for each kind ("A question about who governs a town asks for its mayor"). The
# team writes five such hints, and tries every subset of them in two templates (context
# first, or question first with the passages listed most relevant last), on top of the four
# instructions it knows it needs. That makes 64 prompts. Each hint helps the few questions
# phrased its way and costs every question a dozen words of context window. The loop scores
# each prompt on every question:

# %%
HINTS = ["hint: governs", "hint: sells", "hint: located", "hint: people", "hint: when"]
PROMPTS = {
    f"{template} | {' + '.join(h[6:] for h in hints) or 'no hint'}":
        make_prompt(template, ["coreference", "every passage", "nicknames", "abstain", *hints])
    for template in ["plain", "question first"]
    for n in range(len(HINTS) + 1) for hints in itertools.combinations(HINTS, n)
}
prompt_points = {name: points(prompt=prompt) for name, prompt in PROMPTS.items()}
print(len(prompt_points), "prompts scored on", len(questions), "questions")

# %% [markdown]
# **Predict, then run.** The team keeps the prompt with the best test score and reports that
# score. Will the fresh questions confirm it?
#
# **Wrong** — choose the prompt on the test questions, report its test score:

# %% tags=["nbval-check-output"]
test_scores = {name: p[test].mean() for name, p in prompt_points.items()}
chosen = max(test_scores, key=test_scores.get)
print(f"chosen on test: {chosen}")
print(f"reported (test) {test_scores[chosen]:+.3f}   delivered (fresh) {prompt_points[chosen][fresh].mean():+.3f}")

# %% [markdown]
# **Right** — choose on the dev questions, then read the test questions once:

# %% tags=["nbval-check-output"]
dev_scores = {name: p[dev].mean() for name, p in prompt_points.items()}
chosen = max(dev_scores, key=dev_scores.get)
print(f"chosen on dev:  {chosen}")
print(f"reported (test) {prompt_points[chosen][test].mean():+.3f}   "
      f"delivered (fresh) {prompt_points[chosen][fresh].mean():+.3f}")

# %% [markdown]
# The wrong protocol reports the *maximum* of 64 test scores. Each is the prompt's true score
# plus the luck of these 40 questions, and the maximum picks the prompt whose luck was best.
# That luck does not carry over to fresh questions. The right protocol reports one score that
# nothing was chosen on: noisy (40 questions is few), but not biased.
#
# One draw of the questions is one team's story. The function below replays both protocols
# on 500 draws and compares, for each, what it reports with what it delivers:

# %%
def tuning_study(knob_points, n_draws=500):
    """Per draw: the reported (test) and delivered (fresh) score of the value chosen on test
    (wrong) and of the value chosen on dev (right)."""
    P = np.array(list(knob_points.values()))  # one row of points per value of the knob
    rows = []
    for seed in range(n_draws):
        dev, test, fresh = draw_split(seed, P.shape[1])
        on_dev, on_test, on_fresh = P[:, dev].mean(axis=1), P[:, test].mean(axis=1), P[:, fresh].mean(axis=1)
        w, r = on_test.argmax(), on_dev.argmax()  # the choice each protocol makes
        rows.append({"wrong reported": on_test[w], "wrong delivered": on_fresh[w],
                     "right reported": on_test[r], "right delivered": on_fresh[r]})
    return pd.DataFrame(rows)


def report(study, knob):
    """Each protocol's optimism (reported minus delivered): mean ± std over the draws."""
    out = {"knob": knob}
    for protocol in ["wrong", "right"]:
        optimism = study[f"{protocol} reported"] - study[f"{protocol} delivered"]
        out[f"{protocol}: reported - delivered"] = f"{optimism.mean():+.3f} ± {optimism.std():.3f}"
        out[f"{protocol}: optimistic in"] = f"{(optimism > 0).mean():.0%} of draws"
    return out


studies = {"prompt": tuning_study(prompt_points)}
print(pd.Series(report(studies["prompt"], "prompt")).to_string())

# %% [markdown]
# Averaged over 500 draws, the prompt chosen on the test set reports about 0.06 more than it
# delivers, and is optimistic in three draws out of four; the prompt chosen on dev reports
# what it delivers, give or take a few thousandths. The spread (± one standard deviation from
# draw to draw) is wide: with 40 test questions, one team can be lucky or unlucky by 0.1
# either way. That noise is exactly what the wrong protocol selects: many of the 64 prompts
# are nearly as good as the best, and the hints that "work" on the test set are the ones
# whose kind of question happens to be frequent in those 40.
#
# ## Knob 2: chunk size
#
# How many words per chunk: small chunks are precise but may cut a fact away from the
# sentence that names its town; large chunks fill the context window faster.

# %% tags=["nbval-check-output"]
CHUNK_SIZES = range(15, 85, 5)
chunk_points = {size: points(chunk_size=size) for size in CHUNK_SIZES}
studies["chunk size"] = tuning_study(chunk_points)
print(pd.Series(report(studies["chunk size"], "chunk size")).to_string())

# %% [markdown]
# ## Knob 3: re-ranker weight
#
# How much the re-ranker (does the chunk belong to the town the question names?) weighs
# against the TF-IDF score:

# %% tags=["nbval-check-output"]
RERANK_WEIGHTS = np.round(np.arange(0, 0.7, 0.05), 2)
rerank_points = {w: points(rerank_weight=w) for w in RERANK_WEIGHTS}
studies["re-ranker weight"] = tuning_study(rerank_points)
print(pd.Series(report(studies["re-ranker weight"], "re-ranker weight")).to_string())

# %% [markdown]
# ## Knob 4: answer threshold
#
# Below which confidence the system says "I don't know" instead of answering. A higher
# threshold avoids wrong answers and loses right ones:

# %% tags=["nbval-check-output"]
THRESHOLDS = np.round(np.arange(0, 0.35, 0.025), 3)
threshold_points = {t: points(answer_threshold=t) for t in THRESHOLDS}
studies["answer threshold"] = tuning_study(threshold_points)
print(pd.Series(report(studies["answer threshold"], "answer threshold")).to_string())

# %% [markdown]
# ## Knob 5: few-shot examples
#
# Three worked examples (question and answer) in the prompt show the reader how unfamiliar
# phrasings map to answers ("Who governs ...?" asks for a person). The team tries 24 sets of
# three examples drawn from its bank of 40, which holds no dev, test or fresh question:

# %% tags=["nbval-check-output"]
def example_set(pool, seed):
    return list(pool.sample(3, random_state=seed)[["question", "answer"]].itertuples(index=False, name=None))


example_points = {seed: points(examples=example_set(pool, seed)) for seed in range(24)}
studies["few-shot examples"] = tuning_study(example_points)
print(pd.Series(report(studies["few-shot examples"], "few-shot examples")).to_string())

# %% [markdown]
# ## The five knobs side by side

# %% tags=["nbval-check-output"]
summary = pd.DataFrame([report(study, knob) for knob, study in studies.items()]).set_index("knob")
print(summary.to_string())

# %% [markdown]
# For every knob, choosing on the test set makes the reported score higher than what the
# fresh questions deliver, on average over the draws; choosing on dev does not (its mean is
# within a few thousandths of zero, far inside its spread). The size varies with how many
# values are nearly as good as the best, so that the luck of 40 questions decides: largest
# here for the prompt and the chunk size, smallest for the answer threshold.
#
# Are these numbers particular to this corpus? The cell below repeats the five studies on two
# more corpora (new towns, new questions), with 200 draws each, and prints the wrong
# protocol's mean optimism:

# %% tags=["nbval-check-output"]
def wrong_optimism(seed):
    """The five knob loops above on corpus `seed`; the wrong protocol's mean optimism for each."""
    corpus = make_qa_corpus(n_documents=80, n_questions=640, random_state=seed)
    pool, questions = split_questions(corpus, seed)

    def points(**params):
        return PromptedRAG(corpus.documents, **{**BASE, **params}).evaluate(questions)["points"].to_numpy()

    knobs = {"prompt": {name: points(prompt=prompt) for name, prompt in PROMPTS.items()},
             "chunk size": {size: points(chunk_size=size) for size in CHUNK_SIZES},
             "re-ranker weight": {w: points(rerank_weight=w) for w in RERANK_WEIGHTS},
             "answer threshold": {t: points(answer_threshold=t) for t in THRESHOLDS},
             "few-shot examples": {s: points(examples=example_set(pool, s)) for s in range(24)}}
    studies = {knob: tuning_study(knob_points, n_draws=200) for knob, knob_points in knobs.items()}
    return {knob: (st["wrong reported"] - st["wrong delivered"]).mean() for knob, st in studies.items()}


robustness = pd.DataFrame({
    "corpus 0": {knob: (st["wrong reported"] - st["wrong delivered"]).mean() for knob, st in studies.items()},
    "corpus 1": wrong_optimism(1),
    "corpus 2": wrong_optimism(2),
})
print("wrong protocol, reported minus delivered (mean over the draws):")
print(robustness.round(3).to_string())

# %%
wrong = robustness["corpus 0"].to_numpy()
right = [(st["right reported"] - st["right delivered"]).mean() for st in studies.values()]
with use_style():
    fig, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    x = np.arange(len(studies))
    ax.bar(x - 0.2, wrong, 0.4, color=COLORS["leaky"], label="tuned on test")
    ax.bar(x + 0.2, right, 0.4, color=COLORS["honest"], label="tuned on dev, test read once")
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xticks(x, [knob.replace(" ", "\n") for knob in studies])
    ax.set_ylabel("reported minus delivered score")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title(f"Tuning a knob on the test set overstates the score by {wrong.min():+.2f} to {wrong.max():+.2f}; "
                 f"tuning on dev does not", wrap=True)
plt.show()

# %% [markdown]
# Each knob's optimism is positive on all three corpora, and the spread from corpus to
# corpus is small next to it: the effect does not belong to one set of towns. In the support
# bot's terms, a right answer that turns out wrong costs 2 points (+1 becomes -1), so:

# %% tags=["nbval-check-output"]
for knob, value in robustness["corpus 0"].items():
    print(f"tuned on test, {knob:<18}: per 1,000 user questions, about {1000 * value / 2:3.0f} answers "
          f"promised right that come out wrong")
#
# ## The more configurations you try, the larger the gap
#
# Nobody sets out to try 64 prompts on the test set. It happens one tweak at a time, each
# checked against the same questions. How does the wrong protocol's optimism grow with the
# number of prompts tried? For each size `n`, each draw tries a random `n` of the 32:

# %% tags=["nbval-check-output"]
def optimism_by_size(knob_points, sizes, n_draws=300):
    names = list(knob_points)
    P = np.array([knob_points[name] for name in names])
    rows = []
    for n in sizes:
        gaps = []
        for seed in range(n_draws):
            rng = np.random.default_rng(1000 + seed)
            tried = rng.choice(len(names), size=n, replace=False)
            dev, test, fresh = draw_split(seed, P.shape[1])
            on_test, on_dev = P[tried][:, test].mean(axis=1), P[tried][:, dev].mean(axis=1)
            w, r = tried[on_test.argmax()], tried[on_dev.argmax()]
            gaps.append((P[w, test].mean() - P[w, fresh].mean(), P[r, test].mean() - P[r, fresh].mean()))
        gaps = np.array(gaps)
        rows.append({"prompts tried": n, "wrong: reported - delivered": gaps[:, 0].mean(),
                     "right: reported - delivered": gaps[:, 1].mean()})
    return pd.DataFrame(rows)


curve = optimism_by_size(prompt_points, [1, 2, 4, 8, 16, 32, 64])
print(curve.round(3).to_string(index=False))

# %% [markdown]
# With one prompt there is nothing to choose and both protocols report what they deliver,
# give or take a few thousandths. The wrong protocol's optimism then grows with every
# doubling of the number of prompts tried, by about a hundredth each time; the right
# protocol's stays within a few thousandths of zero, slightly below it, whatever the number.
# Every tweak checked against the test set adds a little of its luck to the report.
#
# ## Pitfall 2: few-shot examples taken from the evaluation set
#
# A common design is *dynamic* few-shot prompting: keep a bank of worked examples and, for
# each question, put the three most similar ones in the prompt (`PromptedRAG(examples=bank)`
# does this). The bank must not hold questions that are evaluated. If someone pastes the
# evaluation questions into it, the most similar example to a test question is that very
# question, and the reader, like a language model, repeats its answer.
#
# **Predict, then run.** The bank is the 40 test questions with their answers. What will the
# test score become, and the fresh score?
#
# **Wrong** — the bank is the test questions:

# %% tags=["nbval-check-output"]
test_pairs = list(questions.iloc[test][["question", "answer"]].itertuples(index=False, name=None))
leaky = PromptedRAG(documents, **BASE, examples=test_pairs).evaluate(questions)["points"].to_numpy()
print(f"test {leaky[test].mean():+.3f}   fresh {leaky[fresh].mean():+.3f}")

# %% [markdown]
# **Right** — the bank is the 40 questions kept aside for it:

# %% tags=["nbval-check-output"]
bank = list(pool[["question", "answer"]].itertuples(index=False, name=None))
honest = PromptedRAG(documents, **BASE, examples=bank).evaluate(questions)["points"].to_numpy()
print(f"test {honest[test].mean():+.3f}   fresh {honest[fresh].mean():+.3f}")

# %% [markdown]
# Over 20 draws of the test questions (leaky minus honest):

# %% tags=["nbval-check-output"]
rows = []
for seed in range(20):
    dev_s, test_s, fresh_s = draw_split(seed, len(questions))
    pairs = list(questions.iloc[test_s][["question", "answer"]].itertuples(index=False, name=None))
    p = PromptedRAG(documents, **BASE, examples=pairs).evaluate(questions)["points"].to_numpy()
    rows.append({"test": p[test_s].mean() - honest[test_s].mean(), "fresh": p[fresh_s].mean() - honest[fresh_s].mean()})
contaminated = pd.DataFrame(rows)
for column in contaminated:
    gap = contaminated[column]
    print(f"{column:<5} score, leaky minus honest: {gap.mean():+.3f} ± {gap.std():.3f}")

# %% [markdown]
# The test score jumps: every test question finds its own answer in the prompt. On fresh
# questions the bank of test questions is no better than the honest bank (a few hundredths
# worse here, a small fraction of the jump): the gain was recall of seen answers, not a better
# system. The team would report a near-perfect score for a system that delivers no more than
# the honest one.
#
# ## Detecting contamination: n-gram overlap
#
# In real projects evaluation items reach prompts and training data by roundabout paths: a
# prompt template copied from a notebook that printed eval items, a fine-tuning set scraped
# from a forum that discussed the benchmark, a pretraining crawl that contains the benchmark's
# web page.
#
# The standard check is **n-gram overlap**: cut every evaluation item and every reference
# text (prompt, examples, training data) into sequences of `n` consecutive words after
# normalisation (lower case, no punctuation), and flag an item when one of its n-grams occurs
# in the references. GPT-3's report (Brown et al., 2020) used `n = 13` to find benchmark items
# present in its training data and compared scores on the full and the "clean" items; many
# later LLM reports use variants of the same check. `leakkit.llm.ngram_overlap` implements it;
# an item shorter than `n` words counts as one n-gram made of all its words, so a short
# question copied verbatim is still caught.
#
# The two example sets, written as they would appear in a prompt:

# %% tags=["nbval-check-output"]
from leakkit.llm import contamination, ngram_overlap

test_questions = questions.iloc[test]
leaky_prompt = [f"Q: {q} A: {a}" for q, a in test_pairs]
honest_prompt = [f"Q: {q} A: {a}" for q, a in bank]
overlap = ngram_overlap(test_questions["question"], leaky_prompt, n=13)
print(overlap[["n_words", "n_ngrams", "n_shared", "contaminated", "example"]].head(4).to_string())
print(f"contaminated test items: leaky prompt {overlap['contaminated'].sum()} of {len(test_questions)}, "
      f"honest prompt {ngram_overlap(test_questions['question'], honest_prompt, n=13)['contaminated'].sum()} "
      f"of {len(test_questions)}")

# %% [markdown]
# `leakkit.llm.contamination` turns the same scan into a finding, with a severity and advice,
# like every other check in `leakkit`:

# %% tags=["nbval-check-output"]
for finding in contamination(test_questions["question"], leaky_prompt):
    print(textwrap.fill(str(finding), 100))
print("honest prompt:", contamination(test_questions["question"], honest_prompt))

# %% [markdown]
# ### Choosing `n`
#
# Too short an n-gram flags phrasing that any two questions share ("what is the", "who is
# the"), which is not contamination. The cell below scans the test questions against the
# *honest* prompt, which holds none of them, for several values of `n`:

# %% tags=["nbval-check-output"]
for n in (3, 5, 8, 13):
    flagged = ngram_overlap(test_questions["question"], honest_prompt, n=n)
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

# %% tags=["nbval-check-output"]
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
#
# **Predict, then run.** The budget is one read. How far will the prompt loop get?
#
# **Wrong** — the prompt loop again, on a locked test set (if it raises, we catch the error
# to print its message):

# %% tags=["nbval-check-output"]
from leakkit.checklist import audit
from leakkit.llm import HeldOutBudgetExceeded, HeldOutSet

locked_test = HeldOutSet(test_questions, budget=1, name="test questions")
try:
    for prompt in PROMPTS.values():
        PromptedRAG(documents, **{**BASE, "prompt": prompt}).score(locked_test)
except HeldOutBudgetExceeded as err:
    print(textwrap.fill(f"HeldOutBudgetExceeded: {err}", 100))
print(locked_test.reads[["read", "how", "reason", "granted"]].to_string(index=False))

# %% [markdown]
# The log also has a `time` and a `caller` column (the file, line and function that read the
# set); they are left out above only because they change from run to run.
#
# **Right** — choose on dev, then read the locked test set once, for the report:

# %% tags=["nbval-check-output"]
locked_test = HeldOutSet(test_questions, budget=1, name="test questions")
dev_questions = questions.iloc[dev]
best = max(PROMPTS.values(), key=lambda p: PromptedRAG(documents, **{**BASE, "prompt": p}).score(dev_questions))
final = PromptedRAG(documents, **{**BASE, "prompt": best}).score(locked_test)
print(f"final test score {final:+.3f}")
print(locked_test)

# %% [markdown]
# Without a budget a `HeldOutSet` still counts. The leakage checklist (notebook 09) asks
# "were parameters tuned on the final evaluation set?" and answers it from that count:

# %% tags=["nbval-check-output"]
counted = HeldOutSet(test_questions, name="test questions")
for prompt in PROMPTS.values():  # the wrong protocol again: 64 reads
    PromptedRAG(documents, **{**BASE, "prompt": prompt}).score(counted)
read_once = HeldOutSet(test_questions, name="test questions")
PromptedRAG(documents, **{**BASE, "prompt": best}).score(read_once)  # the right one: 1 read
for label, held in [("tuned on test", counted), ("tuned on dev", read_once)]:
    answer = audit(held_out_set=held)["tuning"]
    print(f"{label:<14} {answer.status.upper():<5} {textwrap.shorten(answer.summary, 90)}")

# %% [markdown]
# ## The same leaks in real LLM work
#
# With a real language model behind the retriever, every knob is tuned the same way, and the
# same two leaks appear:
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
#   A private set of questions written after the model's training data was collected is
#   the only held-out set you can be sure of.
#
# ## Takeaways
#
# - Tuning a RAG system (prompt, chunk size, re-ranker weight, answer threshold, few-shot
#   examples) is fitting. Do it on a dev split, and report a test split that no decision was
#   based on.
# - The best of `n` variants on one question set is optimistic, more so the more variants
#   are close to the best; the score of a variant chosen on dev is not.
# - With 40 test questions one team's score can be off by 0.1 either way: say how many
#   questions and how many variants stand behind a number.
# - Few-shot examples, prompts and fine-tuning data must not contain evaluation items: the
#   answer rides along. Scan for contamination with word n-gram overlap (13-grams by
#   default); it catches copies, not paraphrases.
# - Wrap the test set in a `HeldOutSet` with a budget: reads are logged, and the one read too
#   many fails loudly.
#
# **Next:** practise on the exercise `exercises/ai_evaluation/`, then see notebook 09, where
# the four questions of the leakage checklist are asked of a whole project at once.
