"""Checks of a learner's values: numbers, claims, sets of names, copies across a split,
splitters. Each reads the value through :func:`plain` first."""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .._splitters import describe, is_forward, is_group_aware
from ._fail import fail, ok, option_bool, option_number, option_text
from ._plain import plain


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def as_float(value: Any, what: str) -> float:
    """One finite number from a learner's value, or CheckFailed."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        fail(f"{_cap(what)} should be one number, but it is a {type(value).__name__}.",
             "return a single float, e.g. scores.mean() rather than the array of scores, or a number rather "
             "than a string.")
    value = float(plain(value, what=what))
    if not math.isfinite(value):
        fail(f"{_cap(what)} is {value}, not a finite number.", "check for missing values in the data you scored.")
    return value


def check_number(value: Any, *, what: str = "your score") -> float:
    """``value`` must be one finite number (not a string, array or None); returns it as a float.
    Quiet when it is: being a number is a step towards a rule, not a rule a learner is told
    they got right.

    >>> check_number(0.5)
    0.5
    """
    what = option_text(what, "what")
    return as_float(value, what)


def check_near_chance(score: Any, *, chance: float, tol: float = 0.1, what: str = "your reported score") -> None:
    """On labels that are pure noise, an honest score sits near ``chance``; a leaky one does not.

    >>> check_near_chance(0.52, chance=0.5, tol=-1)
    Traceback (most recent call last):
    ...
    ValueError: tol: expected a number above 0, got -1.0; pass the largest difference allowed, e.g. tol=0.1.
    """
    chance, tol = option_number(chance, "chance"), option_number(tol, "tol", positive=True)
    what = option_text(what, "what")
    s = as_float(score, what)
    if abs(s - chance) > tol:
        direction = "above" if s > chance else "below"
        fail(f"{_cap(what)} is {s:.3f} on labels that are pure noise, where chance is {chance:.3f}: "
             f"{abs(s - chance):.3f} {direction} chance, more than the {tol:.2f} an honest evaluation allows. "
             f"Nothing can be learned from noise, so the score must have seen the held-out labels (or was "
             f"chosen as the best of several tries).",
             "fit every preprocessing and selection step inside the training rows (a Pipeline inside "
             "cross-validation), score each row with a model that was not fitted on it, and report that score, "
             "not the best of several.")
    ok(f"{what} ({s:.3f}) is near chance ({chance:.3f}), as an honest score on pure-noise labels should be.")


def check_close(claimed: Any, actual: Any, *, tol: float, what: str = "your claimed score") -> None:
    """A claimed held-out score must be close to the score the model really gets on a true
    future or held-out set that the learner never saw.

    >>> check_close(0.71, 0.70, tol=0.05)
    Correct: your claimed score (0.710) matches what the model really scores on new data (0.700).
    """
    tol, what = option_number(tol, "tol", positive=True), option_text(what, "what")
    c, a = as_float(claimed, what), as_float(actual, "the score on new data")
    if abs(c - a) > tol:
        if c > a:
            fail(f"{_cap(what)} is {c:.3f}, but on new data the model scores {a:.3f}: your evaluation is "
                 f"{c - a:.3f} too optimistic, so something it could not know at prediction time reached it.",
                 "drop features that only exist after the outcome, remove duplicates across the split, and "
                 "fit every step on the training rows only.")
        fail(f"{_cap(what)} is {c:.3f}, but on new data the model scores {a:.3f}: {a - c:.3f} lower than it "
             f"really is.", "score the model you return on held-out rows it was not fitted on, with the same metric.")
    ok(f"{what} ({c:.3f}) matches what the model really scores on new data ({a:.3f}).")


def check_same_set(given: Any, expected: Iterable[Any], *, what: str = "the leaky columns",
                   item: str = "column") -> None:
    """The learner's collection of names must equal ``expected`` as a set (order does not matter).

    >>> check_same_set(["b", "a"], {"a", "b"})
    Correct: you found the leaky columns: 'a', 'b'.
    """
    what, item = option_text(what, "what"), option_text(item, "item")
    if isinstance(given, (str, bytes)):
        given = [given]
    if not isinstance(given, (list, tuple, set, frozenset, np.ndarray, pd.Index, pd.Series)):
        fail(f"You gave {type(given).__name__} for {what}; expected a list of {item} names.",
             f"return a list such as ['{item}_a', '{item}_b'].")
    g = set(plain(list(given) if isinstance(given, (np.ndarray, pd.Index, pd.Series)) else given, what=what))
    e = set(expected)
    missing, extra = sorted(map(str, e - g)), sorted(map(str, g - e))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} {item}(s) missing")
        if extra:
            parts.append(f"{len(extra)} {item}(s) that should not be there ({', '.join(map(repr, extra))})")
        fail(f"Not quite: for {what}, you have {' and '.join(parts)}.",
             f"for each {item}, ask: would this value exist at the moment the prediction is made? "
             f"{'Look again at the ones you left out. ' if missing else ''}"
             f"{'Keep the ones that are known beforehand. ' if extra else ''}".strip())
    ok(f"you found {what}: {', '.join(map(repr, sorted(map(str, e))))}.")


def _rows_table(x: Any, name: str) -> pd.DataFrame:
    x = plain(x, what=f"your {name} set")
    if isinstance(x, np.ndarray) and x.ndim == 2:
        return pd.DataFrame(x, columns=[f"x{i}" for i in range(x.shape[1])])
    if isinstance(x, pd.DataFrame):
        return x
    fail(f"Your {name} set is a {type(x).__name__}, not a table of rows.",
         "return two DataFrames (or 2-D arrays) with the same columns.")
    return x  # pragma: no cover


def check_no_duplicates_across(train: Any, test: Any, *, decimals: int | None = None,
                               normalize_text: bool = False) -> None:
    """No row of ``test`` may have a copy in ``train``.

    Rows are matched as :func:`leakkit.detect.duplicate_rows` matches them: columns aligned
    by name (their order does not matter; a column only one side has is left out), every
    candidate pair confirmed value by value; with ``decimals`` numbers are rounded, with
    ``normalize_text`` text is lower-cased with white space collapsed.

    >>> check_no_duplicates_across(pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [3]}))
    Correct: no test row has a copy in the training rows (2 train rows, 1 test rows, compared on 1 column).
    >>> check_no_duplicates_across(pd.DataFrame({"x": [1, 2], "y": [5, 6]}), pd.DataFrame({"y": [6], "x": [2]}))
    Traceback (most recent call last):
    ...
    leakkit.grading.CheckFailed: 1 of your 1 test rows also appear in the training rows: ...
    """
    from ..detect import duplicate_rows

    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0):
        raise ValueError(f"decimals: expected a number of decimals (an int, 0 or more) or None, got {decimals!r}.")
    normalize_text = option_bool(normalize_text, "normalize_text")
    a, b = _rows_table(train, "training"), _rows_table(test, "test")
    shared = [c for c in a.columns if c in set(b.columns)]
    if not shared:
        fail("Your train and test sets have no column in common, so their rows cannot be compared.",
             "return two tables with the same columns (the test rows with all the columns of the training rows).")
    if len(b) == 0 or len(a) == 0:
        ok(f"no test row has a copy in the training rows ({len(a)} train rows, {len(b)} test rows).")
        return
    pairs = duplicate_rows(a, b, columns=shared, decimals=decimals, normalize_text=normalize_text)
    n_shared = int(pairs.attrs["n_test_rows_with_copy"])
    if n_shared:
        fail(f"{n_shared} of your {len(b)} test rows also appear in the training rows"
             f"{' (after normalising text and rounding)' if decimals is not None or normalize_text else ''}: "
             f"the model would be tested on records it memorised.",
             "drop the test rows whose copy is in train (or deduplicate before splitting), then split.")
    ok(f"no test row has a copy in the training rows ({len(a)} train rows, {len(b)} test rows, compared on "
       f"{len(shared)} column{'s' if len(shared) != 1 else ''}).")


def check_splitter(cv: Any, *, kind: str) -> None:
    """The cross-validation splitter must suit the data: ``kind="group"`` needs a
    group-aware splitter, ``kind="time"`` a splitter that never trains on the future.

    >>> from sklearn.model_selection import GroupKFold
    >>> check_splitter(GroupKFold(5), kind="group")
    Correct: GroupKFold keeps each group on one side of every split.
    """
    if kind not in ("group", "time"):
        raise ValueError(f"kind: expected 'group' or 'time', got {kind!r}.")
    name = describe(cv)
    if kind == "group":
        if is_group_aware(cv):
            ok(f"{name} keeps each group on one side of every split.")
            return
        fail(f"{name} does not know about groups: rows of the same group (the same patient, customer...) end up "
             f"in both the training and the held-out folds, so the score rewards recognising the group.",
             "use GroupKFold (or StratifiedGroupKFold) and pass groups=... to cross_val_score / cross_validate.")
    if is_forward(cv):
        ok(f"TimeSeriesSplit trains on the past and tests on the future"
           f"{' with a gap of ' + str(cv.gap) + ' rows' if getattr(cv, 'gap', 0) else ''}.")
        return
    fail(f"{name} mixes past and future rows: the model is trained on rows that come after the ones it is "
         f"tested on.", "use TimeSeriesSplit (with gap=... if features look back in time), on rows sorted by time.")
