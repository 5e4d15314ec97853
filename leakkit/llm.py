"""Leakage in retrieval-augmented (RAG) and LLM evaluation, measured offline.

Three tools, none of which calls a model:

* :func:`ngram_overlap` and :func:`contamination` -- benchmark contamination: how many
  of an evaluation item's word n-grams also occur in text used for tuning or prompting
  (fine-tuning data, few-shot examples, prompt templates). Thirteen-word n-grams after
  normalisation are the rule used to decontaminate GPT-3's and later LLMs' benchmarks.
* :class:`HeldOutSet` -- a test set that records every time it is read and can refuse
  reads beyond a budget, so "we only looked at it once" becomes a checkable statement.
* :class:`RetrievalQA`, :func:`tune` and :func:`tuning_gap` -- a small retrieval
  evaluator (TF-IDF over document chunks, a lexical re-ranker, a score threshold,
  optional few-shot examples) with the knobs people tune, to measure how optimistic a
  score becomes when the configuration is chosen on the set it is reported on.

>>> from leakkit.llm import ngram_overlap
>>> ngram_overlap(["the cat sat on the mat today"], ["yesterday the cat sat on the mat"], n=3)
   n_words  n_ngrams  n_shared  overlap  contaminated      example
0        7         5         4      0.8          True  the cat sat
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.model_selection import ParameterGrid

from leakkit._findings import Finding, capped_rows
from leakkit._rows import splitmix64
from leakkit._text import normalize_text
from leakkit._validation import check_columns, check_fraction, check_frame, check_int, check_random_state

__all__ = [
    "normalize_text",
    "ngram_overlap",
    "contamination",
    "HeldOutBudgetExceeded",
    "HeldOutSet",
    "RetrievalQA",
    "default_param_grid",
    "tune",
    "tuning_gap",
]

# --------------------------------------------------------------------------------------
# n-gram overlap (benchmark contamination)
# --------------------------------------------------------------------------------------

_POLY = np.uint64(0x9E3779B97F4A7C15)


def _as_texts(values: Any, name: str, *, allow_empty: bool = False) -> tuple[list[str], pd.Index]:
    """A list of strings and the index to report them under; rejects a bare string."""
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"{name}: expected a list (or Series) of strings, got a single {type(values).__name__}; "
            f"wrap it in a list: [{name}]."
        )
    if isinstance(values, pd.DataFrame):
        raise TypeError(
            f"{name}: expected a list (or Series) of strings, got a DataFrame; "
            f"pass one text column, e.g. frame['question']."
        )
    if isinstance(values, Mapping):
        raise TypeError(f"{name}: expected a list (or Series) of strings, got a dict; pass pd.Series(your_dict).")
    if isinstance(values, pd.Series):
        texts, index = list(values.to_numpy(dtype=object)), values.index
    elif isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name}: expected a 1-dimensional array of strings, got shape {values.shape}.")
        texts, index = list(values), pd.RangeIndex(len(values))
    elif isinstance(values, Iterable):
        texts = list(values)
        index = pd.RangeIndex(len(texts))
    else:
        raise TypeError(f"{name}: expected a list (or Series) of strings, got {type(values).__name__}.")
    if not texts and not allow_empty:
        raise ValueError(f"{name}: no texts given; pass at least one string.")
    for pos, t in enumerate(texts):
        if isinstance(t, str):
            continue
        if t is None or (isinstance(t, float) and np.isnan(t)):
            raise ValueError(f"{name}: item {pos} is missing (None/NaN); drop it or replace it with a string first.")
        raise TypeError(f"{name}: item {pos} is a {type(t).__name__}, not a str; pass text only.")
    return texts, index


def _tokenize(text: str, normalize: bool) -> list[str]:
    return normalize_text(text).split() if normalize else text.split()


def _encode(token_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Mixed 64-bit codes of every token (equal words, equal codes; one vocabulary for
    all texts given together) and the text each position belongs to."""
    flat = np.fromiter((tok for tokens in token_lists for tok in tokens), dtype=object,
                       count=sum(len(t) for t in token_lists))
    owner = np.repeat(np.arange(len(token_lists)), [len(t) for t in token_lists])
    ids, _ = pd.factorize(flat)
    return splitmix64(ids.astype(np.uint64) + np.uint64(1)), owner  # spreads small ids over 64 bits


def _window_hashes(codes: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Polynomial hashes of every length-``n`` window that stays inside one text.

    Returns the hashes and the start position of each valid window.
    """
    n_windows = len(codes) - n + 1
    if n_windows <= 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    h = np.zeros(n_windows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * _POLY + codes[j : j + n_windows]
    starts = np.arange(n_windows)
    valid = owner[:n_windows] == owner[n - 1 :]
    return h[valid], starts[valid]


def ngram_overlap(
    eval_items: Any,
    reference_texts: Any,
    *,
    n: int = 13,
    normalize: bool = True,
) -> pd.DataFrame:
    """Share of each evaluation item's word n-grams that occur in any reference text.

    An evaluation item is *contaminated* when at least one of its n-grams appears in a
    reference text (the rule used to decontaminate GPT-3's benchmarks, with ``n=13``).
    References are any text a system was tuned or prompted with: fine-tuning data,
    few-shot examples, prompt templates, retrieved documents written after the benchmark.
    An item shorter than ``n`` words counts as one n-gram made of all its words, so a
    short question copied verbatim into a prompt is caught too. N-grams never span two
    texts.

    The references' n-grams are hashed (64-bit) once into a sorted array; every item's
    n-grams are then looked up in it by binary search, so the cost is about linear in
    the total number of words.

    Parameters
    ----------
    eval_items : list or Series of str
        The evaluation items (questions, prompts, test documents). A Series keeps its
        index in the result.
    reference_texts : list or Series of str
        Texts the system saw while being built or prompted.
    n : int, default 13
        N-gram length in words.
    normalize : bool, default True
        Apply :func:`normalize_text` (lower case, punctuation to spaces, collapsed white
        space) before cutting words. With ``False`` words are split on white space as is.

    Returns
    -------
    DataFrame, one row per item (same index as ``eval_items`` if a Series, else 0..n-1):
        ``n_words``, ``n_ngrams`` (``max(n_words - n + 1, 1)``, 0 for an empty item),
        ``n_shared`` (item n-grams found in a reference), ``overlap``
        (``n_shared / n_ngrams``, 0.0 for an empty item), ``contaminated``
        (``n_shared > 0``) and ``example`` (the first shared n-gram, "" if none).

    Examples
    --------
    >>> items = ["What is the capital of France?", "Who wrote Hamlet?"]
    >>> prompt = ["Q: what is the capital of france? A: Paris. Q: who painted ..."]
    >>> ngram_overlap(items, prompt, n=4)[["n_ngrams", "n_shared", "contaminated"]]
       n_ngrams  n_shared  contaminated
    0         3         3          True
    1         1         0         False
    """
    items, index = _as_texts(eval_items, "eval_items")
    refs, _ = _as_texts(reference_texts, "reference_texts")
    n = check_int(n, "n", minimum=1)
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize: expected True or False, got {type(normalize).__name__}.")

    item_tokens = [_tokenize(t, normalize) for t in items]
    ref_tokens = [_tokenize(t, normalize) for t in refs]
    codes, owner = _encode(ref_tokens + item_tokens)
    n_ref_words = sum(len(t) for t in ref_tokens)
    ref_codes, ref_owner = codes[:n_ref_words], owner[:n_ref_words]
    item_codes, item_owner = codes[n_ref_words:], owner[n_ref_words:] - len(ref_tokens)

    ref_sets: dict[int, np.ndarray] = {}

    def ref_set(length: int) -> np.ndarray:
        if length not in ref_sets:
            ref_sets[length] = np.sort(_window_hashes(ref_codes, ref_owner, length)[0])
        return ref_sets[length]

    def lookup(hashes: np.ndarray, length: int) -> np.ndarray:
        table = ref_set(length)
        if len(table) == 0:
            return np.zeros(len(hashes), dtype=bool)
        pos = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
        return table[pos] == hashes

    n_items = len(items)
    n_words = np.array([len(t) for t in item_tokens], dtype=np.int64)
    n_ngrams = np.where(n_words >= n, n_words - n + 1, np.minimum(n_words, 1))
    n_shared = np.zeros(n_items, dtype=np.int64)
    first_start = np.full(n_items, -1, dtype=np.int64)
    first_len = np.zeros(n_items, dtype=np.int64)

    # Items of at least n words: every n-gram, looked up at once.
    hashes, starts = _window_hashes(item_codes, item_owner, n)
    if len(hashes):
        found = lookup(hashes, n)
        owners = item_owner[starts]
        n_shared += np.bincount(owners[found], minlength=n_items)
        hit_starts, hit_owners = starts[found], owners[found]
        # starts are increasing, so the first occurrence per owner is the earliest n-gram
        first = np.flatnonzero(np.r_[True, hit_owners[1:] != hit_owners[:-1]]) if len(hit_owners) else hit_owners
        first_start[hit_owners[first]] = hit_starts[first]
        first_len[hit_owners[first]] = n

    # Items shorter than n words: the whole item is one n-gram of its own length.
    item_offsets = np.concatenate([[0], np.cumsum(n_words)])
    short = np.flatnonzero((n_words > 0) & (n_words < n))
    for length in np.unique(n_words[short]):
        members = short[n_words[short] == length]
        whole = np.empty(len(members), dtype=np.uint64)
        for k, i in enumerate(members):
            codes = item_codes[item_offsets[i] : item_offsets[i] + length]
            whole[k] = _window_hashes(codes, np.zeros(length, dtype=np.int64), int(length))[0][0]
        found = lookup(whole, int(length))
        n_shared[members[found]] = 1
        first_start[members[found]] = item_offsets[members[found]]
        first_len[members[found]] = length

    flat = [tok for tokens in item_tokens for tok in tokens]
    example = [
        " ".join(flat[s : s + ln]) if s >= 0 else "" for s, ln in zip(first_start, first_len)
    ]
    overlap = np.divide(n_shared, n_ngrams, out=np.zeros(n_items), where=n_ngrams > 0)
    return pd.DataFrame(
        {
            "n_words": n_words,
            "n_ngrams": n_ngrams.astype(np.int64),
            "n_shared": n_shared,
            "overlap": overlap,
            "contaminated": n_shared > 0,
            "example": example,
        },
        index=index,
    )


def contamination(
    eval_items: Any,
    reference_texts: Any,
    *,
    n: int = 13,
    normalize: bool = True,
) -> list[Finding]:
    """Benchmark contamination as findings: one :class:`~leakkit._findings.Finding` when
    any evaluation item shares an n-gram with the references, none when all are clean.

    Severity is ``"fail"`` when at least 5 % of the items are contaminated and
    ``"warn"`` below that. The finding's ``rows`` are the contaminated items' positions;
    its ``evidence`` holds ``n_rows`` (how many), ``n_items``, ``share``, ``n``,
    ``mean_overlap``, ``items`` (the first 20 contaminated items' labels) and
    ``examples`` (up to five shared n-grams).

    Parameters
    ----------
    eval_items, reference_texts, n, normalize
        As in :func:`ngram_overlap`.

    Returns
    -------
    list of Finding

    Examples
    --------
    >>> test_questions = ["Which river flows through the town of Varno?", "Who founded Kell?"]
    >>> few_shot = ["Q: Which river flows through the town of Varno? A: the Ost"]
    >>> [f.check for f in contamination(test_questions, few_shot, n=8)]
    ['llm_contamination']
    >>> contamination(test_questions, ["an unrelated prompt"], n=8)
    []
    """
    table = ngram_overlap(eval_items, reference_texts, n=n, normalize=normalize)
    contaminated = table["contaminated"].to_numpy()
    if not contaminated.any():
        return []
    positions = np.flatnonzero(contaminated)
    n_bad, n_items = len(positions), len(table)
    share = n_bad / n_items
    labels = [v if isinstance(v, (int, np.integer, str)) else str(v) for v in table.index[positions][:20]]
    message = (
        f"{n_bad} of {n_items} evaluation items ({share:.0%}) share at least one {n}-word "
        f"sequence with the tuning/prompt texts, so a score on them measures recall of seen text, "
        f"not generalisation; drop or replace these items (or remove them from the references) "
        f"and report the score on the clean items."
    )
    return [
        Finding(
            check="llm_contamination",
            severity="fail" if share >= 0.05 else "warn",
            message=message,
            rows=capped_rows(positions),
            evidence={
                "n_rows": int(n_bad),
                "n_items": int(n_items),
                "share": float(share),
                "n": int(n),
                "mean_overlap": float(table["overlap"].mean()),
                "items": labels,
                "examples": table["example"].to_numpy()[positions][:5].tolist(),
            },
        )
    ]


# --------------------------------------------------------------------------------------
# HeldOutSet
# --------------------------------------------------------------------------------------


class HeldOutBudgetExceeded(RuntimeError):
    """Raised by :class:`HeldOutSet` when a read would exceed its budget."""


def _caller_label() -> str:
    """``file:line in function`` of the nearest caller outside this module (so a read made
    by :func:`tune` or :meth:`RetrievalQA.score` is attributed to the code that called them)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    if frame is None:  # pragma: no cover - only reachable when called from this module's top level
        return "<unknown>"
    code = frame.f_code
    return f"{os.path.basename(code.co_filename)}:{frame.f_lineno} in {code.co_name}"


class HeldOutSet:
    """A held-out (test) set that logs every read and can refuse reads beyond a budget.

    A test set estimates performance on the future only while nothing was chosen by
    looking at it. Each look that feeds a decision (a prompt tweak, a threshold, a
    chunk size) turns it a little more into a validation set. ``HeldOutSet`` makes the
    looks visible: every :meth:`get`, indexing, iteration and :attr:`frame` access is
    recorded with a timestamp, the calling code (the first frame outside
    ``leakkit.llm``, so a read made by :func:`tune` names the code that called ``tune``)
    and an optional reason. With an integer ``budget`` the read after the last allowed
    one raises :class:`HeldOutBudgetExceeded`; refused reads are logged too
    (``granted=False``). ``len()`` and ``repr()`` are not reads.

    :meth:`RetrievalQA.score` / :meth:`~RetrievalQA.evaluate` read a ``HeldOutSet`` once
    per call and :func:`tune` once per configuration, so tuning on a budgeted test set
    fails loudly.

    Parameters
    ----------
    data : DataFrame, Series, ndarray, list or tuple
        The held-out items; a private copy is kept.
    budget : int or None, default None
        Maximum number of reads; None means unlimited (reads are still logged).
    name : str, default "held-out set"
        Used in messages and the repr.

    Attributes
    ----------
    reads : DataFrame
        The log: ``read`` (1, 2, ...), ``time``, ``how``, ``caller``, ``reason``, ``granted``.
    n_reads : int
        Number of granted reads.

    Examples
    --------
    >>> import pandas as pd
    >>> test = HeldOutSet(pd.DataFrame({"question": ["q1", "q2"]}), budget=1, name="test")
    >>> len(test.get(reason="final report"))
    2
    >>> test
    HeldOutSet(name='test', 2 rows, read 1 time, budget 1)
    >>> test.get(reason="one more tweak")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    leakkit.llm.HeldOutBudgetExceeded: test: this held-out set has been read 1 time (budget 1); tuning on it makes it a validation set ...
    >>> test.reads[["read", "how", "reason", "granted"]]
       read  how          reason  granted
    0     1  get    final report     True
    1     2  get  one more tweak    False
    """

    def __init__(self, data: Any, *, budget: int | None = None, name: str = "held-out set") -> None:
        if isinstance(data, HeldOutSet):
            raise TypeError("data: already a HeldOutSet; wrap the raw test data, not another HeldOutSet.")
        if isinstance(data, (str, bytes)) or not isinstance(data, (pd.DataFrame, pd.Series, np.ndarray, list, tuple)):
            raise TypeError(
                f"data: expected a DataFrame, Series, numpy array, list or tuple, got {type(data).__name__}."
            )
        if len(data) == 0:
            raise ValueError("data: the held-out set is empty; pass at least one item.")
        if budget is not None:
            budget = check_int(budget, "budget", minimum=1)
        if not isinstance(name, str) or not name:
            raise TypeError("name: expected a non-empty str.")
        self._data = data.copy() if hasattr(data, "copy") else data  # a tuple is immutable already
        self._budget = budget
        self._name = name
        self._log: list[dict[str, Any]] = []

    # -- the log --------------------------------------------------------------------
    def _read(self, how: str, reason: str | None) -> None:
        if reason is not None and not isinstance(reason, str):
            raise TypeError(f"reason: expected a str or None, got {type(reason).__name__}.")
        granted = self._budget is None or self.n_reads < self._budget
        self._log.append(
            {
                "read": len(self._log) + 1,
                "time": pd.Timestamp.now(),
                "how": how,
                "caller": _caller_label(),
                "reason": reason,
                "granted": granted,
            }
        )
        if not granted:
            n = self.n_reads
            raise HeldOutBudgetExceeded(
                f"{self._name}: this held-out set has been read {n} time{'s' if n != 1 else ''} "
                f"(budget {self._budget}); tuning on it makes it a validation set — use a dev split "
                f"for every choice you make, and read the held-out set once, at the end, to report "
                f"the final score. See .reads for who read it and why."
            )

    @property
    def reads(self) -> pd.DataFrame:
        """The read log, one row per attempted read (refused ones have ``granted=False``)."""
        cols = ["read", "time", "how", "caller", "reason", "granted"]
        return pd.DataFrame(self._log, columns=cols).astype({"read": "int64", "granted": "bool"})

    @property
    def n_reads(self) -> int:
        """Number of granted reads so far."""
        return sum(1 for r in self._log if r["granted"])

    @property
    def budget(self) -> int | None:
        """The read budget (None: unlimited)."""
        return self._budget

    @property
    def remaining(self) -> int | None:
        """Reads left within the budget (None: unlimited)."""
        return None if self._budget is None else max(self._budget - self.n_reads, 0)

    @property
    def name(self) -> str:
        return self._name

    # -- reads ----------------------------------------------------------------------
    def _copy(self) -> Any:
        return self._data.copy() if hasattr(self._data, "copy") else self._data

    def get(self, reason: str | None = None) -> Any:
        """Read the whole set (a copy, of the type it was given as); logged.

        Parameters
        ----------
        reason : str, optional
            Why it is read ("final report", "pick threshold", ...); stored in the log.
        """
        self._read("get", reason)
        return self._copy()

    @property
    def frame(self) -> pd.DataFrame:
        """The set as a DataFrame (a copy; a sequence becomes one column ``item``); logged."""
        self._read("frame", None)
        data = self._data
        if isinstance(data, pd.DataFrame):
            return data.copy()
        if isinstance(data, pd.Series):
            return data.to_frame(name=data.name if data.name is not None else "item")
        arr = np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data
        if arr.ndim == 2:
            return pd.DataFrame(arr.copy())
        return pd.DataFrame({"item": list(data)})

    def __getitem__(self, key: Any) -> Any:
        self._read(f"[{key!r}]" if len(repr(key)) <= 40 else "[...]", None)
        out = self._data[key]
        return out.copy() if isinstance(out, (pd.DataFrame, pd.Series, np.ndarray)) else out

    def __iter__(self) -> Iterator[Any]:
        """Iterate over the items (rows as Series for a DataFrame); one logged read."""
        self._read("iter", None)
        if isinstance(self._data, pd.DataFrame):
            return (row for _, row in self._data.copy().iterrows())
        return iter(self._copy())

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        unit = "rows" if isinstance(self._data, pd.DataFrame) else "items"
        k = self.n_reads
        budget = "no budget" if self._budget is None else f"budget {self._budget}"
        return f"HeldOutSet(name={self._name!r}, {len(self)} {unit}, read {k} time{'s' if k != 1 else ''}, {budget})"


# --------------------------------------------------------------------------------------
# Retrieval QA evaluator
# --------------------------------------------------------------------------------------

_DEFAULTS: dict[str, Any] = {
    "chunk_size": 40,
    "chunk_overlap": 0,
    "top_k": 3,
    "score_threshold": 0.0,
    "rerank_weight": 0.0,
    "few_shot": None,
    "few_shot_k": 1,
}
_DOC_COLUMNS = ("doc_id", "title", "text")


def _check_documents(documents: Any, name: str = "documents") -> pd.DataFrame:
    documents = check_frame(documents, name)
    check_columns(documents, list(_DOC_COLUMNS), name, frame_name=name)
    docs = documents.loc[:, list(_DOC_COLUMNS)].reset_index(drop=True)
    dup = docs["doc_id"][docs["doc_id"].duplicated()]
    if len(dup):
        raise ValueError(
            f"{name}: doc_id must be unique, but {dup.iloc[0]!r} appears more than once; "
            f"give every document its own id (or merge the duplicates)."
        )
    for col in ("title", "text"):
        bad = [i for i, v in enumerate(docs[col]) if not isinstance(v, str)]
        if bad:
            raise TypeError(
                f"{name}: column {col!r} must hold strings; row {bad[0]} holds "
                f"{type(docs[col].iloc[bad[0]]).__name__}; fill missing text with '' first."
            )
    if docs["doc_id"].isna().any():
        raise ValueError(f"{name}: column 'doc_id' has missing values; give every document an id.")
    empty = [d for d, t in zip(docs["doc_id"], docs["text"]) if not t.split()]
    if empty:
        raise ValueError(
            f"{name}: {len(empty)} document(s) have no text, e.g. doc_id {empty[0]!r}; they could never be "
            f"retrieved. Drop them or fill in their text."
        )
    return docs


def _check_questions(questions: Any, doc_ids: pd.Index, name: str) -> pd.DataFrame:
    if isinstance(questions, HeldOutSet):
        raise TypeError(f"{name}: internal error, read the HeldOutSet before checking it.")
    questions = check_frame(questions, name)
    check_columns(questions, ["question", "doc_id"], name, frame_name=name)
    bad = [i for i, v in enumerate(questions["question"]) if not isinstance(v, str)]
    if bad:
        raise TypeError(
            f"{name}: column 'question' must hold strings; row {bad[0]} holds "
            f"{type(questions['question'].iloc[bad[0]]).__name__}."
        )
    unknown = pd.Index(questions["doc_id"]).difference(doc_ids)
    if len(unknown):
        raise ValueError(
            f"{name}: {len(unknown)} gold doc_id value(s) are not in documents, e.g. {unknown[0]!r}; "
            f"such questions can never be answered; fix their doc_id or add the documents."
        )
    return questions


def _check_few_shot(few_shot: Any, name: str = "few_shot") -> tuple[tuple[str, str], ...] | None:
    if few_shot is None:
        return None
    if isinstance(few_shot, (str, bytes)) or isinstance(few_shot, Mapping) or not isinstance(few_shot, Iterable):
        raise TypeError(f"{name}: expected a list of (question, answer) pairs or None, got {type(few_shot).__name__}.")
    if isinstance(few_shot, pd.DataFrame):
        raise TypeError(
            f"{name}: expected a list of (question, answer) pairs, got a DataFrame; "
            f"pass list(zip(frame['question'], frame['answer']))."
        )
    pairs = []
    for i, pair in enumerate(few_shot):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise TypeError(f"{name}: item {i} is not a (question, answer) pair: {pair!r}.")
        q, a = pair
        if not isinstance(q, str) or not isinstance(a, str):
            raise TypeError(f"{name}: item {i} must hold two strings, got ({type(q).__name__}, {type(a).__name__}).")
        pairs.append((q, a))
    if not pairs:
        raise ValueError(f"{name}: empty list of examples; pass None for no few-shot examples.")
    return tuple(pairs)


def _check_params(params: Mapping[str, Any], name: str) -> dict[str, Any]:
    unknown = sorted(set(params) - set(_DEFAULTS))
    if unknown:
        raise ValueError(
            f"{name}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(map(repr, _DEFAULTS))}."
        )
    p = {**_DEFAULTS, **params}
    p["chunk_size"] = check_int(p["chunk_size"], "chunk_size", minimum=1)
    p["chunk_overlap"] = check_int(p["chunk_overlap"], "chunk_overlap", minimum=0)
    if p["chunk_overlap"] >= p["chunk_size"]:
        raise ValueError(
            f"chunk_overlap: must be smaller than chunk_size ({p['chunk_size']}), got {p['chunk_overlap']}."
        )
    p["top_k"] = check_int(p["top_k"], "top_k", minimum=1)
    p["score_threshold"] = check_fraction(p["score_threshold"], "score_threshold")
    p["rerank_weight"] = check_fraction(p["rerank_weight"], "rerank_weight")
    p["few_shot"] = _check_few_shot(p["few_shot"])
    p["few_shot_k"] = check_int(p["few_shot_k"], "few_shot_k", minimum=1)
    return p


def _chunk_words(text: str, size: int, overlap: int) -> list[str]:
    words = text.split()
    if not words:
        return []
    step = size - overlap
    starts = [0]
    while starts[-1] + size < len(words):
        starts.append(starts[-1] + step)
    return [" ".join(words[s : s + size]) for s in starts]


class _ChunkIndex:
    """TF-IDF over the chunks of one chunking configuration, plus title term sets."""

    def __init__(self, docs: pd.DataFrame, chunk_size: int, chunk_overlap: int) -> None:
        rows = []
        for pos, (doc_id, title, text) in enumerate(docs.itertuples(index=False, name=None)):
            for j, chunk in enumerate(_chunk_words(text, chunk_size, chunk_overlap)):
                rows.append((f"{doc_id}#{j}", doc_id, pos, title, chunk))
        self.chunks = pd.DataFrame(rows, columns=["chunk_id", "doc_id", "doc_pos", "title", "text"])
        self.chunk_doc = self.chunks["doc_pos"].to_numpy()
        self.n_docs = len(docs)
        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        try:
            self.X = self.vectorizer.fit_transform(self.chunks["text"])
        except ValueError as exc:  # only stop words
            raise ValueError(
                "documents: no indexable words (only stop words or punctuation); pass documents with content words."
            ) from exc
        self.analyzer = self.vectorizer.build_analyzer()
        self.titles = CountVectorizer(analyzer=self.analyzer, binary=True)
        try:
            self.T = self.titles.fit_transform(docs["title"]).astype(np.float64)
        except ValueError:  # titles hold no content words at all
            self.T = None

    def query_matrices(
        self, questions: list[str], few_shot: tuple[tuple[str, str], ...] | None, few_shot_k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cosine similarity to every chunk (S) and title-term overlap of every chunk's document (T)."""
        queries = questions
        if few_shot is not None:
            Q0 = self.vectorizer.transform(questions)
            F = self.vectorizer.transform([q for q, _ in few_shot])
            sim = (Q0 @ F.T).toarray()
            k = min(few_shot_k, len(few_shot))
            picked = np.argsort(-sim, axis=1, kind="stable")[:, :k]
            texts = [f"{q} {a}" for q, a in few_shot]
            queries = [q + " " + " ".join(texts[j] for j in row) for q, row in zip(questions, picked)]
        S = (self.vectorizer.transform(queries) @ self.X.T).toarray()
        n_q = len(questions)
        if self.T is None:
            T_doc = np.zeros((n_q, self.n_docs))
        else:
            B = self.titles.transform(questions)
            B.data[:] = 1.0
            n_terms = np.array([max(len(set(self.analyzer(q))), 1) for q in questions], dtype=np.float64)
            T_doc = (B @ self.T.T).toarray() / n_terms[:, None]
        return S, T_doc[:, self.chunk_doc]


def _top(S: np.ndarray, T: np.ndarray, top_k: int, threshold: float, weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per query: the top_k chunk positions, their mixed scores, and whether each passes the threshold."""
    M = S if weight == 0 else (1.0 - weight) * S + weight * T
    k = min(top_k, M.shape[1])
    order = np.argsort(-M, axis=1, kind="stable")[:, :k]
    scores = np.take_along_axis(M, order, axis=1)
    return order, scores, scores > threshold


class _Engine:
    """Scores many configurations of one document collection, reusing what it can:
    one TF-IDF fit per (chunk_size, chunk_overlap), one similarity matrix per question
    set and few-shot setting; top_k, threshold and re-rank weight are numpy operations."""

    def __init__(self, docs: pd.DataFrame) -> None:
        self.docs = docs
        self.doc_ids = pd.Index(docs["doc_id"])
        self._indexes: dict[tuple[int, int], _ChunkIndex] = {}
        self._sims: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._questions: dict[str, tuple[list[str], np.ndarray]] = {}

    def index(self, chunk_size: int, chunk_overlap: int) -> _ChunkIndex:
        key = (chunk_size, chunk_overlap)
        if key not in self._indexes:
            self._indexes[key] = _ChunkIndex(self.docs, chunk_size, chunk_overlap)
        return self._indexes[key]

    def add_questions(self, key: str, questions: pd.DataFrame) -> None:
        gold = self.doc_ids.get_indexer(questions["doc_id"])
        self._questions[key] = (list(questions["question"]), gold)
        for k in [k for k in self._sims if k[0] == key]:
            del self._sims[k]

    def run(self, key: str, p: Mapping[str, Any]) -> tuple[_ChunkIndex, np.ndarray, np.ndarray, np.ndarray]:
        idx = self.index(p["chunk_size"], p["chunk_overlap"])
        skey = (key, p["chunk_size"], p["chunk_overlap"], p["few_shot"], p["few_shot_k"] if p["few_shot"] else 0)
        texts, _ = self._questions[key]
        if skey not in self._sims:
            self._sims[skey] = idx.query_matrices(texts, p["few_shot"], p["few_shot_k"])
        S, T = self._sims[skey]
        order, scores, keep = _top(S, T, p["top_k"], p["score_threshold"], p["rerank_weight"])
        return idx, order, scores, keep

    def hits(self, key: str, p: Mapping[str, Any]) -> np.ndarray:
        idx, order, _, keep = self.run(key, p)
        gold = self._questions[key][1]
        return ((idx.chunk_doc[order] == gold[:, None]) & keep).any(axis=1)


class RetrievalQA:
    """A small, tunable retrieval evaluator for question answering over documents.

    Documents are cut into chunks of ``chunk_size`` words overlapping by
    ``chunk_overlap`` words; a scikit-learn ``TfidfVectorizer`` (English stop words,
    sublinear tf) is fitted on the chunks. A question's score against a chunk is

        ``(1 - rerank_weight) * cosine(tfidf(query), tfidf(chunk))
        + rerank_weight * title_overlap``

    where ``title_overlap`` is the share of the question's content words that occur in
    the chunk's document title (a lexical "re-ranker"). The ``top_k`` best chunks scoring
    strictly above ``score_threshold`` are retrieved.

    With ``few_shot`` (a list of (question, answer) pairs), the ``few_shot_k`` examples
    whose questions are most similar to the asked question are appended, question and
    answer, to the query, as a dynamic few-shot prompt would be. If those examples come
    from the evaluation set, the answer rides along with the query: that is the leak.

    **Accuracy** (:meth:`score`) is the share of questions whose gold document
    (``doc_id``) owns at least one retrieved chunk (hit rate at ``top_k`` above the
    threshold). The answer strings are used only in few-shot examples.

    Parameters
    ----------
    documents : DataFrame with columns ``doc_id`` (unique), ``title``, ``text``
    chunk_size : int, default 40
        Words per chunk.
    chunk_overlap : int, default 0
        Words shared by consecutive chunks; smaller than ``chunk_size``.
    top_k : int, default 3
        Chunks retrieved per question.
    score_threshold : float in [0, 1], default 0.0
        A chunk is retrieved only if its score is strictly above this.
    rerank_weight : float in [0, 1], default 0.0
        Weight of the title re-ranker in the mixed score.
    few_shot : list of (str, str) or None, default None
        Example (question, answer) pairs available to the prompt.
    few_shot_k : int, default 1
        How many of them (the most similar to the question) are appended.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({
    ...     "doc_id": ["d1", "d2"],
    ...     "title": ["Varno", "Kell"],
    ...     "text": ["Varno is a river town that exports copper and wool.",
    ...              "Kell is a mountain village known for its goat cheese."]})
    >>> qa = RetrievalQA(docs, chunk_size=20, top_k=1)
    >>> qa.retrieve("What does the river town export?")[["rank", "doc_id"]]
       rank doc_id
    0     1     d1
    >>> questions = pd.DataFrame({"question_id": [1, 2], "answer": ["copper", "cheese"],
    ...     "question": ["What does Varno export?", "What is Kell known for?"],
    ...     "doc_id": ["d1", "d2"]})
    >>> qa.score(questions)
    1.0
    """

    def __init__(
        self,
        documents: pd.DataFrame,
        *,
        chunk_size: int = 40,
        chunk_overlap: int = 0,
        top_k: int = 3,
        score_threshold: float = 0.0,
        rerank_weight: float = 0.0,
        few_shot: Sequence[tuple[str, str]] | None = None,
        few_shot_k: int = 1,
    ) -> None:
        docs = _check_documents(documents)
        self._params = _check_params(
            {
                "chunk_size": chunk_size,
                "chunk_overlap": chunk_overlap,
                "top_k": top_k,
                "score_threshold": score_threshold,
                "rerank_weight": rerank_weight,
                "few_shot": few_shot,
                "few_shot_k": few_shot_k,
            },
            "RetrievalQA",
        )
        self._engine = _Engine(docs)
        self._engine.index(self._params["chunk_size"], self._params["chunk_overlap"])

    def get_params(self) -> dict[str, Any]:
        """The configuration, as a dict of the constructor's keyword arguments."""
        return dict(self._params)

    @property
    def documents(self) -> pd.DataFrame:
        """The documents (a copy)."""
        return self._engine.docs.copy()

    @property
    def chunks(self) -> pd.DataFrame:
        """The chunks: ``chunk_id`` (``"<doc_id>#<j>"``), ``doc_id``, ``title``, ``text``."""
        idx = self._engine.index(self._params["chunk_size"], self._params["chunk_overlap"])
        return idx.chunks.drop(columns="doc_pos").copy()

    def _run_texts(self, texts: list[str]) -> tuple[_ChunkIndex, np.ndarray, np.ndarray, np.ndarray]:
        key = "__adhoc__"
        self._engine._questions[key] = (texts, np.zeros(len(texts), dtype=np.int64))
        for k in [k for k in self._engine._sims if k[0] == key]:
            del self._engine._sims[k]
        return self._engine.run(key, self._params)

    def retrieve(self, question: str) -> pd.DataFrame:
        """The retrieved chunks for one question, best first.

        Returns
        -------
        DataFrame with columns ``rank``, ``chunk_id``, ``doc_id``, ``title``, ``score``,
        ``text``; at most ``top_k`` rows, none scoring at or below ``score_threshold``.
        """
        if not isinstance(question, str):
            raise TypeError(f"question: expected a str, got {type(question).__name__}; use .evaluate() for a frame.")
        idx, order, scores, keep = self._run_texts([question])
        sel = order[0][keep[0]]
        out = idx.chunks.iloc[sel][["chunk_id", "doc_id", "title", "text"]].reset_index(drop=True)
        out.insert(0, "rank", np.arange(1, len(sel) + 1))
        out.insert(4, "score", scores[0][keep[0]])
        return out

    def answer(self, question: str) -> str | None:
        """The text of the best retrieved chunk (this offline "reader" answers with the
        passage), or None when no chunk scores above the threshold.

        >>> import pandas as pd
        >>> docs = pd.DataFrame({"doc_id": [1], "title": ["Varno"], "text": ["Varno exports copper."]})
        >>> RetrievalQA(docs).answer("What does Varno export?")
        'Varno exports copper.'
        >>> print(RetrievalQA(docs).answer("zebra"))
        None
        """
        top = self.retrieve(question)
        return None if top.empty else str(top["text"].iloc[0])

    def evaluate(self, questions: pd.DataFrame | HeldOutSet) -> pd.DataFrame:
        """Per-question results: ``hit`` (gold document retrieved), ``top_doc_id`` (None if
        nothing passed the threshold) and ``top_score``; indexed like ``questions``.

        A :class:`HeldOutSet` is read once (and the read logged).
        """
        if isinstance(questions, HeldOutSet):
            questions = questions.get(reason="RetrievalQA.evaluate")
        q = _check_questions(questions, self._engine.doc_ids, "questions")
        self._engine.add_questions("__eval__", q)
        idx, order, scores, keep = self._engine.run("__eval__", self._params)
        gold = self._engine._questions["__eval__"][1]
        hit = ((idx.chunk_doc[order] == gold[:, None]) & keep).any(axis=1)
        any_kept = keep[:, 0]
        top_doc = np.where(any_kept, self._engine.doc_ids.to_numpy(dtype=object)[idx.chunk_doc[order[:, 0]]], None)
        return pd.DataFrame(
            {"hit": hit, "top_doc_id": top_doc, "top_score": np.where(any_kept, scores[:, 0], np.nan)},
            index=questions.index,
        )

    def score(self, questions: pd.DataFrame | HeldOutSet) -> float:
        """Accuracy: the share of questions whose gold document is retrieved (see class docs).

        ``questions`` is a DataFrame with columns ``question`` and ``doc_id`` (other columns
        are ignored), or a :class:`HeldOutSet` of one, which is read once.
        """
        return float(self.evaluate(questions)["hit"].mean())

    def __repr__(self) -> str:
        shown = {k: v for k, v in self._params.items() if v != _DEFAULTS[k]}
        if shown.get("few_shot") is not None:
            shown["few_shot"] = f"<{len(shown['few_shot'])} examples>"
        args = ", ".join(f"{k}={v}" if k == "few_shot" else f"{k}={v!r}" for k, v in shown.items())
        return f"RetrievalQA(<{len(self._engine.docs)} documents>{', ' if args else ''}{args})"


def default_param_grid() -> dict[str, list[Any]]:
    """A grid of 72 retrieval configurations of the kind people tune (a fresh dict).

    >>> len(list(ParameterGrid(default_param_grid())))
    72
    """
    return {
        "chunk_size": [15, 30, 60],
        "chunk_overlap": [0, 5],
        "top_k": [1, 2, 3],
        "score_threshold": [0.0, 0.1],
        "rerank_weight": [0.0, 0.3],
    }


def _configs(param_grid: Any) -> list[dict[str, Any]]:
    if isinstance(param_grid, Mapping):
        grids = [param_grid]
    elif isinstance(param_grid, Sequence) and not isinstance(param_grid, (str, bytes)) and param_grid:
        grids = list(param_grid)
    else:
        raise TypeError(
            f"param_grid: expected a dict of lists (or a list of such dicts), got {type(param_grid).__name__}."
        )
    for g in grids:
        if not isinstance(g, Mapping):
            raise TypeError(f"param_grid: expected dicts of lists, got an element of type {type(g).__name__}.")
        for k, v in g.items():
            if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, np.ndarray)) or len(v) == 0:
                raise ValueError(
                    f"param_grid: the values for {k!r} must be a non-empty list of candidates, got {v!r}; "
                    f"write {{{k!r}: [value]}} for a single value."
                )
    configs = list(ParameterGrid(grids))
    if not configs:
        raise ValueError("param_grid: the grid is empty; give at least one configuration.")
    return configs


def _check_base(base_params: Any) -> dict[str, Any]:
    if base_params is None:
        return {}
    if not isinstance(base_params, Mapping):
        raise TypeError(f"base_params: expected a dict of keyword arguments or None, got {type(base_params).__name__}.")
    return dict(base_params)


def _read_questions(questions: Any, reason: str) -> pd.DataFrame:
    return questions.get(reason=reason) if isinstance(questions, HeldOutSet) else questions


def tune(
    evaluator: pd.DataFrame | Callable[..., Any],
    param_grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Sequence[Any]]],
    questions: pd.DataFrame | HeldOutSet,
    *,
    base_params: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], float, pd.DataFrame]:
    """Try every configuration of ``param_grid`` on ``questions``; return the best.

    This is what "tuning" a RAG system amounts to. Tuned on a dev split it is fine; tuned
    on the set whose score you then report, the reported score is optimistic (see
    :func:`tuning_gap`). Pass ``questions`` as a :class:`HeldOutSet` and each
    configuration counts as one read, so a budget makes tuning on it fail loudly.

    Parameters
    ----------
    evaluator : DataFrame or callable
        The documents (fast path: :class:`RetrievalQA` configurations share one TF-IDF
        fit per chunking and one similarity matrix per question set), or a factory
        called as ``evaluator(**params)`` that returns an object with ``.score(questions)``.
    param_grid : dict of lists, or list of such dicts
        As scikit-learn's ``ParameterGrid``. With documents, the keys are
        :class:`RetrievalQA`'s keyword arguments.
    questions : DataFrame or HeldOutSet
        Columns ``question`` and ``doc_id`` (for the documents path).
    base_params : dict, optional
        Fixed keyword arguments applied under every configuration.

    Returns
    -------
    best_params : dict
        The winning configuration (the grid's keys only); ties go to the first in grid order.
    best_score : float
    results : DataFrame
        One row per configuration in grid order: ``config``, the grid's parameters,
        ``score`` and ``rank`` (1 = best).

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": [1, 2], "title": ["Varno", "Kell"],
    ...     "text": ["Varno is a river town exporting copper.", "Kell is a village making cheese."]})
    >>> qs = pd.DataFrame({"question": ["Which town exports copper?", "Who makes cheese?"],
    ...                    "doc_id": [1, 2]})
    >>> best, score, results = tune(docs, {"top_k": [1, 2], "score_threshold": [0.0, 0.9]}, qs)
    >>> best, score
    ({'score_threshold': 0.0, 'top_k': 1}, 1.0)
    >>> results[["top_k", "score_threshold", "score", "rank"]]
       top_k  score_threshold  score  rank
    0      1              0.0    1.0     1
    1      2              0.0    1.0     1
    2      1              0.9    0.0     3
    3      2              0.9    0.0     3
    """
    configs = _configs(param_grid)
    base = _check_base(base_params)
    scores = np.empty(len(configs))
    if isinstance(evaluator, pd.DataFrame):
        engine = _Engine(_check_documents(evaluator, "evaluator"))
        checked = [_check_params({**base, **c}, "param_grid") for c in configs]
        for i, p in enumerate(checked):
            # A HeldOutSet is read once per configuration: each one is a look at it.
            if i == 0 or isinstance(questions, HeldOutSet):
                q = _read_questions(questions, f"tune: configuration {i + 1} of {len(configs)}")
                if i == 0:
                    engine.add_questions("q", _check_questions(q, engine.doc_ids, "questions"))
            scores[i] = engine.hits("q", p).mean()
    elif callable(evaluator):
        for i, c in enumerate(configs):
            q = _read_questions(questions, f"tune: configuration {i + 1} of {len(configs)}")
            scores[i] = float(evaluator(**{**base, **c}).score(q))
    else:
        raise TypeError(
            f"evaluator: expected the documents DataFrame or a factory callable returning an object "
            f"with .score(questions), got {type(evaluator).__name__}."
        )
    results = pd.DataFrame(configs)
    results.insert(0, "config", np.arange(len(configs)))
    results["score"] = scores
    results["rank"] = pd.Series(scores).rank(ascending=False, method="min").astype(int).to_numpy()
    best = int(np.argmax(scores))
    return dict(configs[best]), float(scores[best]), results


def tuning_gap(
    documents: pd.DataFrame,
    questions_dev: pd.DataFrame,
    questions_test: pd.DataFrame,
    param_grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Sequence[Any]]],
    *,
    n_configs_list: Sequence[int] | None = None,
    n_repeats: int = 20,
    base_params: Mapping[str, Any] | None = None,
    random_state: Any = 0,
) -> pd.DataFrame:
    """How optimistic "tune on the test set, report the test set" is, by number of configurations tried.

    For each repeat a random order of the grid's configurations is drawn; for each
    ``n`` in ``n_configs_list`` the first ``n`` configurations are tried in two ways:

    * **tuned on test** (leaky): pick the configuration with the best test score and
      report that score;
    * **fresh** (honest): pick the configuration with the best dev score and score it on
      the test set once.

    The leaky number is the maximum of ``n`` test scores, so it is never below the
    honest one, and it keeps rising as ``n`` grows while the honest one does not. Every
    configuration is scored once on each set, so the whole study costs one grid.

    Parameters
    ----------
    documents : DataFrame (``doc_id``, ``title``, ``text``)
    questions_dev, questions_test : DataFrame (``question``, ``doc_id``)
        Disjoint question sets: dev for tuning, test for reporting.
    param_grid : dict of lists, or list of such dicts
        :class:`RetrievalQA` keyword arguments (see :func:`default_param_grid`).
    n_configs_list : sequence of int, optional
        Subset sizes to try, each between 1 and the grid size. Default: 1, 2, 4, ...
        and the grid size.
    n_repeats : int, default 20
        Random subsets per size; the table reports means and standard deviations over them.
    base_params : dict, optional
        Fixed :class:`RetrievalQA` keyword arguments applied under every configuration.
    random_state : int, Generator or RandomState, default 0
        leakkit's one convention (None is refused).

    Returns
    -------
    DataFrame with one row per size: ``n_configs``, ``tuned_on_test_score``,
    ``tuned_on_test_std``, ``fresh_test_score``, ``fresh_test_std``, ``gap``
    (mean of leaky minus honest), ``gap_std``, ``n_repeats``.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": [1, 2], "title": ["Varno", "Kell"],
    ...     "text": ["Varno is a river town exporting copper.", "Kell is a village making cheese."]})
    >>> dev = pd.DataFrame({"question": ["Which town exports copper?"], "doc_id": [1]})
    >>> test = pd.DataFrame({"question": ["Who makes cheese?"], "doc_id": [2]})
    >>> table = tuning_gap(docs, dev, test, {"top_k": [1, 2]}, n_configs_list=[1, 2], n_repeats=3)
    >>> table[["n_configs", "tuned_on_test_score", "fresh_test_score", "gap"]]
       n_configs  tuned_on_test_score  fresh_test_score  gap
    0          1                  1.0               1.0  0.0
    1          2                  1.0               1.0  0.0
    """
    docs = _check_documents(documents)
    engine = _Engine(docs)
    if isinstance(questions_dev, HeldOutSet) or isinstance(questions_test, HeldOutSet):
        raise TypeError(
            "questions_dev/questions_test: pass DataFrames; tuning_gap reads the test set on purpose "
            "(it simulates the leaky protocol), so a HeldOutSet would only be bypassed."
        )
    engine.add_questions("dev", _check_questions(questions_dev, engine.doc_ids, "questions_dev"))
    engine.add_questions("test", _check_questions(questions_test, engine.doc_ids, "questions_test"))
    base = _check_base(base_params)
    configs = [_check_params({**base, **c}, "param_grid") for c in _configs(param_grid)]
    n_total = len(configs)
    n_repeats = check_int(n_repeats, "n_repeats", minimum=1)
    if n_configs_list is None:
        sizes = sorted({min(2**i, n_total) for i in range(int(np.ceil(np.log2(n_total))) + 1)} | {n_total})
    else:
        if isinstance(n_configs_list, (str, bytes)) or not isinstance(n_configs_list, Iterable):
            raise TypeError("n_configs_list: expected a list of ints.")
        sizes = [check_int(s, "n_configs_list", minimum=1) for s in n_configs_list]
        if not sizes:
            raise ValueError("n_configs_list: empty; pass at least one size, e.g. [1, 5, 20].")
        too_big = [s for s in sizes if s > n_total]
        if too_big:
            raise ValueError(
                f"n_configs_list: {too_big[0]} is larger than the grid ({n_total} configurations); "
                f"use sizes up to {n_total}."
            )
    rng = check_random_state(random_state)

    dev_scores = np.array([engine.hits("dev", p).mean() for p in configs])
    test_scores = np.array([engine.hits("test", p).mean() for p in configs])

    leaky = np.empty((n_repeats, len(sizes)))
    honest = np.empty((n_repeats, len(sizes)))
    for r in range(n_repeats):
        perm = rng.permutation(n_total)
        for j, size in enumerate(sizes):
            subset = perm[:size]
            leaky[r, j] = test_scores[subset].max()
            honest[r, j] = test_scores[subset[int(np.argmax(dev_scores[subset]))]]
    gap = leaky - honest
    ddof = 1 if n_repeats > 1 else 0
    return pd.DataFrame(
        {
            "n_configs": np.asarray(sizes, dtype=np.int64),
            "tuned_on_test_score": leaky.mean(axis=0),
            "tuned_on_test_std": leaky.std(axis=0, ddof=ddof),
            "fresh_test_score": honest.mean(axis=0),
            "fresh_test_std": honest.std(axis=0, ddof=ddof),
            "gap": gap.mean(axis=0),
            "gap_std": gap.std(axis=0, ddof=ddof),
            "n_repeats": n_repeats,
        }
    )


# --------------------------------------------------------------------------------------
# a question-answering system with a prompt (leakkit.rag), re-exported here
# --------------------------------------------------------------------------------------

_RAG_NAMES = ("PromptedRAG", "RuleReader", "make_prompt", "TEMPLATES", "INSTRUCTIONS", "IDK")


def __getattr__(name: str) -> Any:
    # leakkit.rag builds on this module's retriever, so it is imported on first use rather
    # than here: `from leakkit.llm import PromptedRAG` works whichever module loads first.
    if name in _RAG_NAMES:
        from leakkit import rag

        return getattr(rag, name)
    raise AttributeError(f"module 'leakkit.llm' has no attribute {name!r}")
