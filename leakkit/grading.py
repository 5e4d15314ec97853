"""Checks for the exercises' test cells, with feedback in the learner's terms.

Every check either prints one line starting with ``Correct:`` (to stdout) or raises
:class:`CheckFailed`, an ``AssertionError`` whose message says what is wrong and then how
to fix it. Nothing is written to stderr, so nbgrader scores a passing test cell as
passed.

>>> from leakkit import grading
>>> grading.check_near_chance(0.52, chance=0.5)
Correct: your reported score (0.520) is near chance (0.500), as an honest score on pure-noise labels should be.
>>> grading.check_near_chance(0.91, chance=0.5)
Traceback (most recent call last):
...
leakkit.grading.CheckFailed: Your reported score is 0.910 on labels that are pure noise, where chance is 0.500: ...
"""
from __future__ import annotations

import math
import os
import secrets
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ._findings import Finding
from ._rows import row_fingerprints
from ._splitters import describe, is_forward, is_group_aware

__all__ = [
    "CheckFailed",
    "check_no_leak",
    "check_near_chance",
    "check_close",
    "check_same_set",
    "check_no_duplicates_across",
    "check_splitter",
    "check_number",
    "explain",
    "fresh_seeds",
]

# Set by ``leakkit grade`` (see leakkit.autograde) so that grading a cohort twice draws the same data.
SEED_VARIABLE = "LEAKKIT_GRADING_SEED"


class CheckFailed(AssertionError):
    """A test-cell check failed; the message is written for the learner."""


def fresh_seeds(salt: str, n: int = 1, *, secret: str | int | None = None) -> list[int]:
    """Seeds for a hidden test's data, drawn at grading time, so a learner cannot tune an
    answer to the data the test will use.

    They derive from ``secret``, by default the ``LEAKKIT_GRADING_SEED`` environment variable
    (``leakkit grade`` sets it, one secret per assignment, so grading twice gives the same
    marks), and are random when there is none. ``salt`` (the test's name) gives each test
    its own seeds.

    >>> fresh_seeds("test_a", 2, secret=1234) == fresh_seeds("test_a", 2, secret=1234)
    True
    >>> fresh_seeds("test_a", 2, secret=1234) == fresh_seeds("test_b", 2, secret=1234)
    False
    """
    if not isinstance(salt, str):
        raise TypeError(f"salt: expected the test's name as a str, got {type(salt).__name__}.")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n: expected how many seeds as an int of at least 1, got {n!r}.")
    where = "secret"
    if secret is None:
        secret, where = os.environ.get(SEED_VARIABLE) or secrets.randbelow(2**63), SEED_VARIABLE
    if isinstance(secret, bool) or not str(secret).isdigit():
        raise ValueError(f"{where}: expected a whole number (the grading secret), got {secret!r}; "
                         f"unset it or set it to digits.")
    rng = np.random.default_rng([int(secret), zlib.crc32(salt.encode())])
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=n)]


def _fail(what: str, fix: str) -> None:
    raise CheckFailed(f"{what}\nHow to fix it: {fix}")


def _ok(message: str) -> None:
    print(f"Correct: {message}")


_FIXES = {
    "fit_before_split": "split first (or cross-validate the raw data), and put every transformer in a Pipeline "
                        "with the model, so it is fitted on the training rows of each split only.",
    "fit_saw_held_out": "fit every step (scaler, imputer, encoder, selector, model) on the training rows only, "
                        "then use it to transform or score the held-out rows.",
    "duplicates_across_split": "remove duplicated records before splitting, or split by entity "
                               "(GroupKFold / GroupShuffleSplit) so copies stay on one side.",
    "outliers_removed_before_split": "fit the outlier detector on the training rows only, and remove outliers "
                                     "from the training rows only.",
    "test_reuse": "choose models and settings on a validation split (or with GridSearchCV inside "
                  "cross-validation), then score the test rows once, with the chosen model.",
}


def explain(finding: Finding) -> str:
    """One learner-facing sentence for a tracer finding.

    >>> from leakkit._findings import Finding
    >>> f = Finding("fit_before_split", "fail", "x", evidence={"estimator": "StandardScaler",
    ...             "n_held_out_seen": 50, "n_held_out": 50, "splitter": "train_test_split"})
    >>> explain(f)
    'Your StandardScaler was fitted before the split and saw 50 of the 50 held-out rows of train_test_split.'
    """
    ev = finding.evidence
    est = ev.get("estimator", "a step")
    seen, held, split = ev.get("n_held_out_seen"), ev.get("n_held_out"), ev.get("splitter", "the split")
    if finding.check == "fit_before_split":
        return f"Your {est} was fitted before the split and saw {seen} of the {held} held-out rows of {split}."
    if finding.check == "fit_saw_held_out":
        return (f"Your {est} was fitted on {seen} of the {held} held-out rows that {ev.get('predictor', 'the model')} "
                f"was then scored on.")
    if finding.check == "duplicates_across_split":
        return f"{seen} of the {held} held-out rows of {split} also appear, identical, among the training rows."
    if finding.check == "outliers_removed_before_split":
        return f"Your {est} chose which rows to keep after seeing all rows, including the {seen} held-out ones."
    if finding.check == "test_reuse":
        return (f"The held-out rows were scored by {ev.get('n_configs')} different models or settings, "
                f"so picking the best of them tunes on the test set.")
    return finding.message


def check_no_leak(func: Callable[..., Any], *args: Any, allow_test_reuse: bool = False, **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` under :func:`leakkit.trace` and fail if any fit saw
    held-out rows (or rows were duplicated across a split, or the test set was reused).

    Returns what ``func`` returned, so the caller can check it further.

    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 3)), rng.integers(0, 2, 100)
    >>> def honest(X, y):
    ...     return cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5).mean()
    >>> score = check_no_leak(honest, X, y)
    Correct: no fit saw held-out rows (5 fits recorded, 1 split).
    """
    if not callable(func):
        raise TypeError(f"func: expected the function to check, got {type(func).__name__}.")
    from .tracing import trace

    with trace() as t:
        result = func(*args, **kwargs)
    findings = [f for f in t.findings if f.severity == "fail" or (f.check == "test_reuse" and not allow_test_reuse)]
    if findings:
        lines = "\n".join(f"- {explain(f)}" for f in findings)
        fixes = " Also: ".join(dict.fromkeys(_FIXES.get(f.check, "") for f in findings))
        _fail(f"Information from held-out rows reached your model:\n{lines}", fixes)
    n_splits = len([s for s in t.splits if not s.internal])
    if n_splits == 0:
        _fail("Your code never split the data (no train_test_split, no cross-validation was run), so nothing "
              "was held out and the score measures rows the model was fitted on.",
              "hold rows out: use train_test_split, or cross_val_score / cross_validate with a Pipeline.")
    _ok(f"no fit saw held-out rows ({sum(f.outermost for f in t.fits)} fits recorded, "
        f"{n_splits} split{'s' if n_splits != 1 else ''}).")
    return result


def check_number(value: Any, *, what: str = "your score") -> float:
    """``value`` must be one finite number (not a string, array or None).

    >>> check_number(0.5)
    Correct: your score is a number (0.500).
    0.5
    """
    value = _as_float(value, what)
    _ok(f"{what} is a number ({float(value):.3f}).")
    return float(value)


def check_near_chance(score: Any, *, chance: float, tol: float = 0.1, what: str = "your reported score") -> None:
    """On labels that are pure noise, an honest score sits near ``chance``; a leaky one does not."""
    s = _as_float(score, what)
    if abs(s - chance) > tol:
        direction = "above" if s > chance else "below"
        _fail(f"{what[0].upper() + what[1:]} is {s:.3f} on labels that are pure noise, where chance is "
              f"{chance:.3f}: {abs(s - chance):.3f} {direction} chance, more than the {tol:.2f} an honest "
              f"evaluation allows. Nothing can be learned from noise, so the score must have seen the "
              f"held-out labels.",
              "fit every preprocessing and selection step inside the training rows (a Pipeline inside "
              "cross-validation), and score each row with a model that was not fitted on it.")
    _ok(f"{what} ({s:.3f}) is near chance ({chance:.3f}), as an honest score on pure-noise labels should be.")


def _as_float(value: Any, what: str) -> float:
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        _fail(f"{what[0].upper() + what[1:]} should be one number, but it is a {type(value).__name__}.",
              "return a single float, e.g. scores.mean() rather than the array of scores, or a number rather "
              "than a string.")
    if not math.isfinite(float(value)):
        _fail(f"{what[0].upper() + what[1:]} is {value}, not a finite number.",
              "check for missing values in the data you scored.")
    return float(value)


def check_close(claimed: Any, actual: Any, *, tol: float, what: str = "your claimed score") -> None:
    """A claimed held-out score must be close to the score the model really gets on a true
    future or held-out set that the learner never saw.

    >>> check_close(0.71, 0.70, tol=0.05)
    Correct: your claimed score (0.710) matches what the model really scores on new data (0.700).
    """
    c, a = _as_float(claimed, what), _as_float(actual, "the score on new data")
    if abs(c - a) > tol:
        if c > a:
            _fail(f"{what[0].upper() + what[1:]} is {c:.3f}, but on new data the model scores {a:.3f}: your "
                  f"evaluation is {c - a:.3f} too optimistic, so something it could not know at prediction "
                  f"time reached it.",
                  "drop features that only exist after the outcome, remove duplicates across the split, and "
                  "fit every step on the training rows only.")
        _fail(f"{what[0].upper() + what[1:]} is {c:.3f}, but on new data the model scores {a:.3f}: "
              f"{a - c:.3f} lower than it really is.",
              "score the model you return on held-out rows it was not fitted on, with the same metric.")
    _ok(f"{what} ({c:.3f}) matches what the model really scores on new data ({a:.3f}).")


def check_same_set(given: Any, expected: Iterable[Any], *, what: str = "the leaky columns", item: str = "column") -> None:
    """The learner's collection must equal ``expected`` as a set (order does not matter).

    >>> check_same_set(["b", "a"], {"a", "b"})
    Correct: you found the leaky columns: 'a', 'b'.
    """
    if isinstance(given, (str, bytes)):
        given = [given]
    try:
        g = set(given)
    except TypeError:
        _fail(f"You gave {type(given).__name__} for {what}; expected a list of {item} names.",
              f"return a list such as ['{item}_a', '{item}_b'].")
    e = set(expected)
    missing, extra = sorted(map(str, e - g)), sorted(map(str, g - e))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} {item}(s) missing")
        if extra:
            parts.append(f"{len(extra)} {item}(s) that should not be there ({', '.join(map(repr, extra))})")
        _fail(f"Not quite: for {what}, you have {' and '.join(parts)}.",
              f"for each {item}, ask: would this value exist at the moment the prediction is made? "
              f"{'Look again at the ones you left out. ' if missing else ''}"
              f"{'Keep the ones that are known beforehand. ' if extra else ''}".strip())
    _ok(f"you found {what}: {', '.join(map(repr, sorted(map(str, e))))}.")


def check_no_duplicates_across(train: Any, test: Any, *, decimals: int | None = None,
                               normalize_text: bool = False) -> None:
    """No row of ``test`` may have an identical copy in ``train``.

    >>> import pandas as pd
    >>> check_no_duplicates_across(pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [3]}))
    Correct: no test row has a copy in the training rows (2 train rows, 1 test rows).
    """
    try:
        a = row_fingerprints(train, decimals=decimals, normalize_text=normalize_text)
        b = row_fingerprints(test, decimals=decimals, normalize_text=normalize_text)
    except (TypeError, ValueError) as exc:
        _fail(f"Your train and test sets could not be compared as tables of rows ({exc}).",
              "return two DataFrames (or 2-D arrays) with the same columns.")
    shared = int(np.isin(b, a).sum())
    if shared:
        _fail(f"{shared} of your {len(b)} test rows also appear in the training rows"
              f"{' (after normalising text and rounding)' if decimals is not None or normalize_text else ''}: "
              f"the model would be tested on records it memorised.",
              "drop the test rows whose copy is in train (or deduplicate before splitting), then split.")
    _ok(f"no test row has a copy in the training rows ({len(a)} train rows, {len(b)} test rows).")


def check_splitter(cv: Any, *, kind: str) -> None:
    """The cross-validation splitter must suit the data: ``kind="group"`` needs a
    group-aware splitter, ``kind="time"`` a splitter that never trains on the future.

    >>> from sklearn.model_selection import GroupKFold, KFold
    >>> check_splitter(GroupKFold(5), kind="group")
    Correct: GroupKFold keeps each group on one side of every split.
    """
    if kind not in ("group", "time"):
        raise ValueError(f"kind: expected 'group' or 'time', got {kind!r}.")
    name = describe(cv)
    if kind == "group":
        if is_group_aware(cv):
            _ok(f"{name} keeps each group on one side of every split.")
            return
        _fail(f"{name} does not know about groups: rows of the same group (the same patient, customer...) end up "
              f"in both the training and the held-out folds, so the score rewards recognising the group.",
              "use GroupKFold (or StratifiedGroupKFold) and pass groups=... to cross_val_score / cross_validate.")
    if is_forward(cv):
        _ok(f"TimeSeriesSplit trains on the past and tests on the future"
            f"{' with a gap of ' + str(cv.gap) + ' rows' if getattr(cv, 'gap', 0) else ''}.")
        return
    _fail(f"{name} mixes past and future rows: the model is trained on rows that come after the ones it is "
          f"tested on.", "use TimeSeriesSplit (with gap=... if features look back in time), on rows sorted by time.")
