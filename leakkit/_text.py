"""Text normalisation: one meaning of "the same text" for the duplicate scans, the row
fingerprints and the LLM contamination checks.

>>> from leakkit._text import normalize_text
>>> normalize_text("  The state-of-the-art   model, (GPT-3)! ")
'the state of the art model gpt 3'
"""
from __future__ import annotations

import re
import numpy as np

__all__ = ["normalize_text", "normalize_values"]

_PUNCT = re.compile(r"[^\w\s]|_")


def normalize_text(text: str) -> str:
    """Lower-case ``text``, turn punctuation into spaces and collapse runs of white space.

    "Paris, France." and "paris  france" become the same words. This is what
    ``normalize_text=True`` means in :mod:`leakkit.detect` and what
    :func:`leakkit.llm.ngram_overlap` applies before cutting n-grams.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_text("Ann LEE,  Flat 3")
    'ann lee flat 3'
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}.")
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def normalize_values(values: np.ndarray) -> np.ndarray:
    """A copy of an object array with every string passed through :func:`normalize_text`
    (other values unchanged)."""
    out = np.array(values, dtype=object, copy=True)
    for i, v in enumerate(out):
        if isinstance(v, str):
            out[i] = normalize_text(v)
    return out
