"""A question-answering system with a prompt, offline and deterministic: the stand-in that
the course tunes in notebook 08.

:class:`PromptedRAG` retrieves passages with TF-IDF (the retriever of
:class:`leakkit.llm.RetrievalQA`: chunk size, overlap, top-k, a title re-ranker), hands them
with the question to a *reader*, and the reader answers with a short string or says
"I don't know". Answers are scored against the gold answer.

The reader, :class:`RuleReader`, stands in for a language model. It is a handful of
extraction rules, but it reads its **prompt** the way a model follows instructions: the
template decides where the passages and the question go (and whether the passages are there
at all), and a fixed list of instruction phrases (:data:`INSTRUCTIONS`) switches its
behaviour on or off: read every passage or only the first, resolve "it" and "the town",
recognise nicknames, say "I don't know" instead of guessing, answer in one word. Few-shot
examples in the prompt teach it how new phrasings map to answer types, and, like a real
model, it repeats an example's answer when it is asked that very question. So prompt
variants really change the answers, and tuning them on a question set overfits it the way
tuning a real prompt does; but nothing here is a language model, and no result about real
models should be read into its numbers.

>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["D1", "D2"], "title": ["Varno", "Kell"],
...     "text": ["Varno, known as the Copper Gate, is a town in the Ash province. Its main export is "
...              "copper. The current mayor is Ada Lind.",
...              "Kell, known as the Salt Bridge, is a town in the Fen province. Its main export is salt."]})
>>> rag = PromptedRAG(docs, prompt=make_prompt(instructions=["coreference"]), top_k=1)
>>> rag.answer("What is the main export of Varno?")
'copper'
>>> PromptedRAG(docs, prompt=make_prompt(instructions=["abstain"]), top_k=1).answer("What is the main export of Varno?")
"I don't know"
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from leakkit._validation import check_fraction, check_int
from leakkit.llm import HeldOutSet, _check_documents, _ChunkIndex, _top

__all__ = ["TEMPLATES", "INSTRUCTIONS", "make_prompt", "RuleReader", "PromptedRAG", "IDK"]

#: What the system answers when it does not answer.
IDK = "I don't know"

#: Prompt templates: where the passages (``{context}``) and the question go.
TEMPLATES: dict[str, str] = {
    "plain": "Context:\n{context}\n\nQuestion: {question}\nAnswer:",
    "question first": "Question: {question}\n\nUse these passages, the most relevant last:\n{context}\nAnswer:",
    "no context": "You are a helpful assistant for a travel guide.\nQuestion: {question}\nAnswer:",
}

#: The instruction phrases the reader recognises (key: the sentence to put in a prompt).
#: "role", "think" and "concise" change no behaviour: like any words in a prompt, they only
#: take up room. The hints each teach the reader one phrasing it does not know by itself.
INSTRUCTIONS: dict[str, str] = {
    "coreference": "When a passage says 'it', 'its' or 'the town', it means the town the passage is about.",
    "every passage": "Read every passage before answering, not only the first.",
    "nicknames": "Towns are sometimes called by their nickname ('known as the ...').",
    "abstain": "If the passages do not say, answer 'I don't know'.",
    "one word": "Answer in one word.",
    "role": "You are a careful assistant who answers questions about towns for a travel guide.",
    "think": "Think about what the question asks before you answer.",
    "concise": "Keep the answer short and do not explain it.",
    "hint: governs": "A question about who governs or leads a town asks for its mayor.",
    "hint: sells": "A question about what a town sells abroad asks for its main export.",
    "hint: located": "A question about where a town is located asks for its province.",
    "hint: people": "A question about how many people live in a town asks for its population.",
    "hint: when": "A question about when a town holds its festival asks for the month.",
}
# What each hint teaches: question words that trigger it, and the kind of answer they ask for.
_HINTS: dict[str, tuple[tuple[str, ...], str]] = {
    "hint: governs": (("governs", "leads"), "mayor"),
    "hint: sells": (("selling", "sells"), "export"),
    "hint: located": (("located",), "province"),
    "hint: people": (("people",), "population"),
    "hint: when": (("when does",), "festival_month"),
}

#: The reader's context window, in words: prompt, examples, question and passages together.
CONTEXT_WINDOW = 170

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
# What each kind of answer looks like in a sentence: the reader's knowledge of English.
_VALUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "festival_month": re.compile(r"\b(" + "|".join(_MONTHS) + r")\b"),
    "founded": re.compile(r"\bfounded in (\d{3,4})\b"),
    "population": re.compile(r"\bpopulation of (\d{1,3}(?:,\d{3})+|\d+)\b"),
    "mayor": re.compile(r"\bmayor (?:of [A-Z][\w' ]*? )?is ([A-Z][a-z]+ [A-Z][a-z]+)"),
    "export": re.compile(r"\bexport (?:of [A-Z][\w' ]*? )?is (\w+)"),
    "river": re.compile(r"\bthe ([A-Z]\w+) river\b"),
    "festival": re.compile(r"\bthe ([A-Z]\w+) festival\b"),
    "province": re.compile(r"\bin the ([A-Z]\w+) province\b"),
}
# Question words the reader understands without examples (a deliberately partial list).
_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("month", "festival_month"), ("founded", "founded"), ("established", "founded"),
    ("population", "population"), ("export", "export"), ("mayor", "mayor"), ("river", "river"),
    ("province", "province"), ("festival", "festival"),
)
_PRONOUN_START = re.compile(r"^(?:It|Its|The town|The current|The festival|Every year the town)\b")
_NAME_RUN = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_ALIAS_INTRO = re.compile(r"([A-Z][a-z]+(?: [A-Z][a-z]+)*), known as the ([A-Z][a-z]+ [A-Z][a-z]+)")
_QUESTION_WORDS = {"Which", "What", "Who", "When", "Where", "How", "In", "On"}


def make_prompt(template: str = "plain", instructions: Iterable[str] = ()) -> str:
    """A prompt: the instruction sentences, then the template.

    >>> print(make_prompt("plain", ["abstain"]))
    If the passages do not say, answer 'I don't know'.
    Context:
    {context}
    <BLANKLINE>
    Question: {question}
    Answer:
    """
    if template not in TEMPLATES:
        raise ValueError(f"template: unknown template {template!r}; choose from {', '.join(map(repr, TEMPLATES))}.")
    if isinstance(instructions, str):
        raise TypeError("instructions: expected a list of instruction names, e.g. ['abstain'], got a str.")
    names = list(instructions)
    unknown = [n for n in names if n not in INSTRUCTIONS]
    if unknown:
        raise ValueError(f"instructions: unknown {unknown[0]!r}; choose from {', '.join(map(repr, INSTRUCTIONS))}.")
    return "\n".join([INSTRUCTIONS[n] for n in names] + [TEMPLATES[template]])


@lru_cache(maxsize=65536)
def _normalize(answer: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w, ]", " ", str(answer).lower())).strip(" ,")


def _answer_type(answer: str) -> str | None:
    """The kind of answer an example teaches, from its shape (None: a single word, ambiguous)."""
    a = answer.strip()
    if a in _MONTHS:
        return "festival_month"
    if re.fullmatch(r"\d{3,4}", a):
        return "founded"
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", a):
        return "population"
    if re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", a):
        return "mayor"
    return None


@lru_cache(maxsize=65536)
def _subject(question: str) -> tuple[str | None, bool]:
    """The town a question names (its longest run of capitalised words after the first
    word) and whether it is named as "the <nickname>"."""
    words = question.split(" ", 1)
    rest = words[1] if len(words) > 1 else ""
    runs = [m for m in _NAME_RUN.finditer(rest) if m.group() not in _QUESTION_WORDS]
    if not runs:
        return None, False
    best = max(runs, key=lambda m: len(m.group()))
    return best.group(), rest[: best.start()].endswith("the ")


@lru_cache(maxsize=65536)
def _phrasing(question: str) -> str:
    """The question with its town removed: what a few-shot example's phrasing is matched on."""
    subject, _ = _subject(question)
    text = question.replace(subject, "#", 1) if subject else question
    return _normalize(text.replace("the #", "#"))


@lru_cache(maxsize=65536)
def _facts(text: str) -> tuple[tuple[int, frozenset[str], bool, dict[str, str], tuple[tuple[str, str], ...]], ...]:
    """Per sentence of a passage: the word count up to its end, the capitalised names in it,
    whether it starts with a pronoun ("It", "The town"...), the values it states for each kind
    of answer, and the (name, nickname) pairs it introduces."""
    out, end = [], 0
    for sentence in re.split(r"(?<=\.)\s+", text):
        end += len(sentence.split())
        values = {a: m.group(1) for a, pattern in _VALUE_PATTERNS.items() if (m := pattern.search(sentence))}
        out.append((end, frozenset(_NAME_RUN.findall(sentence)), _PRONOUN_START.match(sentence) is not None,
                    values, tuple(_ALIAS_INTRO.findall(sentence))))
    return tuple(out)


class RuleReader:
    """An offline stand-in for a language model that answers from passages, steered by a prompt.

    Parameters
    ----------
    prompt : str
        Must contain ``{question}``; without ``{context}`` the reader sees no passages.
        The instruction phrases of :data:`INSTRUCTIONS` found in it switch behaviours on.
        The reader reads passages in the order the prompt lists them and takes the first
        answer it finds; the "question first" template lists them most relevant last.
    examples : list of (question, answer) pairs, optional
        An example bank. For each question the ``n_examples`` examples whose questions share
        the most words with it are put in the prompt (dynamic few-shot prompting). An
        example teaches the answer type of its phrasing ("Who governs X?" -> a person's
        name); asked an example's own question, the reader repeats the example's answer.
    n_examples : int, default 3
        Examples put in the prompt per question (all of them when the bank is smaller).
    context_window : int, default :data:`CONTEXT_WINDOW`
        Words the reader can take in. The prompt's own words, the examples and the question
        come first; the passages fill what is left, whole sentences in the order the prompt
        lists them, until the window is full: a longer prompt leaves less room for evidence.

    Examples
    --------
    >>> reader = RuleReader(make_prompt(instructions=["coreference"]))
    >>> passages = [("Kell", "Kell is a town. Its main export is salt.", 0.4)]
    >>> reader.read("What does Kell mostly export?", passages)
    ('salt', 0.32)
    >>> RuleReader(make_prompt(instructions=["coreference"]), examples=[("What does Varno mostly export?", "copper")]
    ...            ).read("What does Varno mostly export?", passages)
    ('copper', 1.0)
    """

    def __init__(self, prompt: str, examples: Sequence[tuple[str, str]] | None = None, *,
                 n_examples: int = 3, context_window: int = CONTEXT_WINDOW) -> None:
        if not isinstance(prompt, str):
            raise TypeError(f"prompt: expected a str, got {type(prompt).__name__}.")
        if "{question}" not in prompt:
            raise ValueError("prompt: no {question} placeholder; the reader would never see the question. "
                             "Use make_prompt(...) or put {question} (and {context}) in your template.")
        self.prompt = prompt
        self.flags = {name: phrase in prompt for name, phrase in INSTRUCTIONS.items()}
        self.sees_context = "{context}" in prompt
        self.reversed = self.sees_context and prompt.index("{question}") < prompt.index("{context}")
        self.examples = tuple(examples or ())
        for i, pair in enumerate(self.examples):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                raise TypeError(f"examples: item {i} is not a (question, answer) pair of strings: {pair!r}.")
        self.n_examples = check_int(n_examples, "n_examples", minimum=1)
        self.context_window = check_int(context_window, "context_window", minimum=1)
        self._bank = [(q, a, frozenset(_normalize(q).split()), len(q.split()) + len(a.split())) for q, a in self.examples]
        fixed = prompt.replace("{context}", " ").replace("{question}", " ")
        self._overhead = len(fixed.split())

    def shown_examples(self, question: str) -> list[tuple[str, str]]:
        """The examples put in the prompt for ``question``: the ``n_examples`` of the bank
        sharing the most words with it (ties: bank order)."""
        if len(self._bank) <= self.n_examples:
            return [(q, a) for q, a, _, _ in self._bank]
        words = frozenset(_normalize(question).split())
        ranked = sorted(range(len(self._bank)), key=lambda i: -len(words & self._bank[i][2]))
        return [self._bank[i][:2] for i in ranked[: self.n_examples]]

    def _attribute(self, question: str, shown: Sequence[tuple[str, str]]) -> str | None:
        phrasing = _phrasing(question)
        for q, a in shown:  # an example with the same phrasing teaches the kind of answer
            if _phrasing(q) == phrasing and _answer_type(a) is not None:
                return _answer_type(a)
        q = question.lower()
        for name, (triggers, attribute) in _HINTS.items():
            if self.flags[name] and any(t in q for t in triggers):
                return attribute
        if "festival" in q and ("month" in q or q.startswith("when")):
            return "festival_month" if "month" in q else "festival"  # "when ... festival": a common mix-up
        for word, attribute in _KEYWORDS:
            if word in q:
                return attribute
        return None

    def read(self, question: str, passages: Sequence[tuple[str, str, float]]) -> tuple[str, float]:
        """Answer ``question`` from ``passages`` (title, text, retrieval score), best first.

        Returns ``(answer, confidence)``; the answer is :data:`IDK` when the reader does not
        answer. Confidence is the retrieval score of the passage the answer came from,
        lowered when the answer rests on a pronoun (x0.8), a nickname (x0.8) or a guess (x0.3).
        """
        shown = self.shown_examples(question) if self._bank else []
        asked = _normalize(question)
        for q, a in shown:  # asked an example's own question, it repeats the example's answer
            if _normalize(q) == asked:
                return a, 1.0
        attribute = self._attribute(question, shown)
        subject, by_nickname = _subject(question)
        if not self.sees_context or attribute is None or subject is None:
            return IDK, 0.0
        listed = list(passages)[::-1] if self.reversed else list(passages)  # in the order the prompt lists them
        room = (self.context_window - self._overhead - len(question.split())
                - sum(len(q.split()) + len(a.split()) for q, a in shown))
        visible = []  # what fits in the window: whole sentences, up to where it ends
        for title, text, score in listed:
            if room <= 0:
                break
            facts = _facts(text)
            visible.append((title, score, [f for f in facts if f[0] <= room]))
            room -= facts[-1][0] if facts else 0
        used = visible if self.flags["every passage"] else visible[:1]
        town = subject
        if by_nickname:
            aliases = {alias: name for _, _, facts in visible for f in facts for name, alias in f[4]}
            town = aliases.get(subject) if self.flags["nicknames"] else None
        found, guess = None, None
        for title, score, facts in used:
            for _, names, starts_with_pronoun, values, _ in facts:
                value = values.get(attribute)
                if value is None:
                    continue
                named = town is not None and town in names
                pronoun = self.flags["coreference"] and town is not None and title == town and starts_with_pronoun
                if named or pronoun:
                    factor = (0.8 if pronoun and not named else 1.0) * (0.8 if by_nickname else 1.0)
                    found = (value, score * factor)
                    break
                if guess is None:
                    guess = (value, score * 0.3)
            if found:
                break
        if found is None:
            if self.flags["abstain"] or guess is None:
                return IDK, 0.0
            found = guess
        answer, confidence = found
        if self.flags["one word"]:
            answer = answer.split()[0]
        return answer, round(float(confidence), 4)


class PromptedRAG:
    """Retrieve passages, let a prompted reader answer, say "I don't know" below a threshold.

    Parameters
    ----------
    documents : DataFrame with columns ``doc_id``, ``title``, ``text``
    prompt : str, default ``make_prompt("plain")``
        See :class:`RuleReader`.
    chunk_size, chunk_overlap : int, default 30, 0
        Words per chunk, and words shared by consecutive chunks.
    top_k : int, default 3
        Passages retrieved per question.
    rerank_weight : float in [0, 1], default 0.0
        Weight of the title re-ranker against the TF-IDF score (as in ``RetrievalQA``).
    answer_threshold : float in [0, 1], default 0.0
        Answers whose confidence is at or below it become "I don't know" (0: answer whenever
        the reader does).
    examples : list of (question, answer) pairs, optional
        A bank of few-shot examples; see :class:`RuleReader`.
    n_examples : int, default 3
        Examples from the bank put in the prompt for each question.

    Scoring: a right answer counts +1, a wrong one -1, "I don't know" 0; :meth:`score` is
    the mean over the questions, between -1 and 1. A wrong answer is as costly as a right
    one is useful, which is what makes "I don't know" worth saying.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["D1", "D2"], "title": ["Varno", "Kell"],
    ...     "text": ["Varno is a town. Its main export is copper.", "Kell is a town. Its main export is salt."]})
    >>> questions = pd.DataFrame({"question": ["What is the main export of Varno?", "Who is the mayor of Kell?"],
    ...                           "answer": ["copper", "Ada Lind"]})
    >>> rag = PromptedRAG(docs, prompt=make_prompt(instructions=["coreference", "abstain"]), top_k=1)
    >>> rag.evaluate(questions)[["answer", "correct", "abstained"]]
             answer  correct  abstained
    0        copper     True      False
    1  I don't know    False       True
    >>> rag.score(questions)
    0.5
    """

    def __init__(
        self,
        documents: pd.DataFrame,
        *,
        prompt: str | None = None,
        chunk_size: int = 30,
        chunk_overlap: int = 0,
        top_k: int = 3,
        rerank_weight: float = 0.0,
        answer_threshold: float = 0.0,
        examples: Sequence[tuple[str, str]] | None = None,
        n_examples: int = 3,
    ) -> None:
        docs = _documents(documents)
        self.chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
        self.chunk_overlap = check_int(chunk_overlap, "chunk_overlap", minimum=0)
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(f"chunk_overlap: must be smaller than chunk_size ({chunk_size}), got {chunk_overlap}.")
        self.top_k = check_int(top_k, "top_k", minimum=1)
        self.rerank_weight = check_fraction(rerank_weight, "rerank_weight")
        self.answer_threshold = check_fraction(answer_threshold, "answer_threshold")
        self.reader = RuleReader(make_prompt() if prompt is None else prompt, examples, n_examples=n_examples)
        self._index = _index(docs, self.chunk_size, self.chunk_overlap)

    def _passages(self, questions: list[str]) -> list[list[tuple[str, str, float]]]:
        """The retrieved (title, text, score) passages of each question (cached: many
        prompts, thresholds and examples are tried on the same retrieval)."""
        asked = tuple(questions)
        key = (id(self._index), self.top_k, self.rerank_weight, asked)
        if key not in _PASSAGES:
            idx = self._index
            if (id(idx), asked) not in _SIMILARITIES:  # one TF-IDF query per question set and index
                if len(_SIMILARITIES) > 64:
                    _SIMILARITIES.clear()
                _SIMILARITIES[id(idx), asked] = idx.query_matrices(questions, None, 1)
            S, T = _SIMILARITIES[id(idx), asked]
            order, scores, keep = _top(S, T, self.top_k, 0.0, self.rerank_weight)
            titles, texts = idx.chunks["title"].to_numpy(), idx.chunks["text"].to_numpy()
            if len(_PASSAGES) > 512:
                _PASSAGES.clear()
                _READS.clear()  # keyed by the id of a passage list
            _PASSAGES[key] = [[(titles[j], texts[j], float(s)) for j, s, k in zip(o, sc, kp) if k]
                              for o, sc, kp in zip(order, scores, keep)]
        return _PASSAGES[key]

    def _answers(self, questions: list[str]) -> list[tuple[str, float]]:
        passages = self._passages(questions)
        key = (id(passages), self.reader.prompt, self.reader.examples, self.reader.n_examples,
               self.reader.context_window)
        if key not in _READS:  # the reader's answers do not depend on the threshold: read once
            if len(_READS) > 4096:
                _READS.clear()
            _READS[key] = [self.reader.read(q, p) for q, p in zip(questions, passages)]
        return [(IDK, c) if a == IDK or c <= self.answer_threshold else (a, c) for a, c in _READS[key]]

    def answer(self, question: str) -> str:
        """The system's answer to one question (:data:`IDK` when it does not answer)."""
        if not isinstance(question, str):
            raise TypeError(f"question: expected a str, got {type(question).__name__}; use .evaluate() for a frame.")
        return self._answers([question])[0][0]

    def evaluate(self, questions: pd.DataFrame | HeldOutSet) -> pd.DataFrame:
        """Per question: ``answer``, ``confidence``, ``correct``, ``abstained`` and ``points``
        (+1 right, -1 wrong, 0 for "I don't know"); indexed like ``questions`` (columns
        ``question`` and ``answer``). A :class:`HeldOutSet` is read once."""
        if isinstance(questions, HeldOutSet):
            questions = questions.get(reason="PromptedRAG.evaluate")
        if not isinstance(questions, pd.DataFrame):
            raise TypeError(f"questions: expected a DataFrame with columns 'question' and 'answer', "
                            f"got {type(questions).__name__}.")
        missing = [c for c in ("question", "answer") if c not in questions.columns]
        if missing:
            raise ValueError(f"questions: missing column(s) {missing}; pass a frame with 'question' and 'answer'.")
        answers = self._answers([str(q) for q in questions["question"]])
        given = [a for a, _ in answers]
        correct = [a != IDK and _normalize(a) == _normalize(g) for a, g in zip(given, questions["answer"])]
        abstained = [a == IDK for a in given]
        points = [1 if ok else 0 if idk else -1 for ok, idk in zip(correct, abstained)]
        return pd.DataFrame({"answer": given, "confidence": [c for _, c in answers], "correct": correct,
                             "abstained": abstained, "points": points}, index=questions.index)

    def score(self, questions: pd.DataFrame | HeldOutSet) -> float:
        """+1 per right answer, -1 per wrong one, 0 per "I don't know", averaged (see class docs)."""
        r = self.evaluate(questions)
        if len(r) == 0:
            raise ValueError("questions: empty; pass at least one question.")
        return float(r["points"].mean())

    def __repr__(self) -> str:
        on = [k for k, v in self.reader.flags.items() if v]
        return (f"PromptedRAG(chunk_size={self.chunk_size}, top_k={self.top_k}, rerank_weight={self.rerank_weight}, "
                f"answer_threshold={self.answer_threshold}, instructions={on}, examples={len(self.reader.examples)})")


_INDEXES: dict[tuple, _ChunkIndex] = {}
_PASSAGES: dict[tuple, list] = {}
_SIMILARITIES: dict[tuple, tuple] = {}
_READS: dict[tuple, list] = {}


_CHECKED: dict[int, pd.DataFrame] = {}


def _content_key(documents: pd.DataFrame) -> int:
    """A key for the content of a documents frame (Python caches each string's hash)."""
    return hash(tuple(tuple(documents[c].tolist()) for c in ("doc_id", "title", "text")))


def _documents(documents: Any) -> pd.DataFrame:
    """The checked documents, validated once per distinct content."""
    if isinstance(documents, pd.DataFrame) and all(c in documents.columns for c in ("doc_id", "title", "text")):
        key = _content_key(documents)
        if key not in _CHECKED:
            if len(_CHECKED) > 256:
                _CHECKED.clear()
            _CHECKED[key] = _check_documents(documents)
        return _CHECKED[key]
    return _check_documents(documents)  # raises the error that names the problem


def _index(docs: pd.DataFrame, chunk_size: int, chunk_overlap: int) -> _ChunkIndex:
    """One TF-IDF index per (documents, chunking), shared by every system built on them."""
    key = (_content_key(docs), chunk_size, chunk_overlap)
    if key not in _INDEXES:
        if len(_INDEXES) > 256:
            _INDEXES.clear()
            _PASSAGES.clear()  # keyed by the id of an index
            _SIMILARITIES.clear()
            _READS.clear()  # keyed by the id of a passage list
        _INDEXES[key] = _ChunkIndex(docs, chunk_size, chunk_overlap)
    return _INDEXES[key]
