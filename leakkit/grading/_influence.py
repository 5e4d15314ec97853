"""Influence tests: run a learner's function again with only held-out data changed, and
require that what was chosen from the other data did not change.

A rule such as "the test set played no part in choosing the model" is a statement about
behaviour, so it is checked by behaviour: the function runs on the original data, then on
data whose held-out part was changed (labels flipped, other questions, shifted values), with
Python's and numpy's global random generators seeded the same way before each run. If what
it chose (a model's predictions on fixed probe rows, a configuration, the fit that scored the
held-out rows) differs, the held-out data influenced it, however it was read. A third run on
the original data tells a function that merely gives different answers on the same data
(unseeded randomness) from one that was influenced.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
import pandas as pd

from ._fail import fail, option_text

SEED = 20240531


@contextmanager
def same_randomness(seed: int = SEED) -> Iterator[None]:
    """Seed numpy's global generator and Python's ``random`` (scikit-learn's
    ``random_state=None`` draws from numpy's), and put back their states afterwards."""
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)


def same(a: Any, b: Any, *, atol: float = 1e-9) -> bool:
    """Equality of two plain results: numbers and arrays to ``atol``, everything else exactly."""
    if isinstance(a, (pd.DataFrame, pd.Series)):
        a = a.to_numpy()
    if isinstance(b, (pd.DataFrame, pd.Series)):
        b = b.to_numpy()
    if isinstance(a, (np.ndarray, float, np.floating)) or isinstance(b, (np.ndarray, float, np.floating)):
        try:
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            return bool(np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object)))
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=0.0, atol=atol, equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], atol=atol) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y, atol=atol) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def check_unchanged(run: Callable[..., Any], variants: Sequence[tuple], *, probe: Callable[[Any], Any],
                    what: str, changed: str, fix: str) -> list[Any]:
    """Run ``run(*variants[0])`` (the original data), then ``run(*v)`` for every other
    variant (the same data with only the held-out part changed); ``probe(result)`` (plain
    values: a model's predictions on fixed rows, a chosen configuration) must be the same
    for all. Returns the results, the original's first.

    ``what`` names the function for the learner, ``changed`` says what the variants change,
    ``fix`` how to comply.

    >>> def choose(dev, test):  # picks on the test set
    ...     return max(["a", "b"], key=lambda k: test[k])
    >>> _ = check_unchanged(choose, [({"a": 1, "b": 2}, {"a": 1, "b": 0}), ({"a": 1, "b": 2}, {"a": 0, "b": 1})],
    ...                     probe=lambda r: r, what="choose", changed="only the test scores changed",
    ...                     fix="choose on dev.")
    Traceback (most recent call last):
    ...
    leakkit.grading.CheckFailed: When only the test scores changed, choose chose differently ('a', then 'b'): ...
    """
    what, changed, fix = option_text(what, "what"), option_text(changed, "changed"), option_text(fix, "fix")
    if len(variants) < 2:
        raise ValueError("variants: expected the original arguments and at least one changed variant.")
    results, probes = [], []
    for args in variants:
        with same_randomness():
            result = run(*args)
        results.append(result)
        probes.append(probe(result))
    differ = [i for i in range(1, len(probes)) if not same(probes[0], probes[i])]
    if not differ:
        return results
    with same_randomness():
        again = probe(run(*variants[0]))
    if not same(probes[0], again):
        fail(f"{what} gave different results when run twice on the same data, so the grader cannot tell what "
             f"influenced it.", "make it reproducible: set random_state=... on every model, splitter and "
             "random generator you use (np.random.default_rng(0), not an unseeded one).")
    i = differ[0]
    shown = (repr(probes[0]), repr(probes[i])) if not isinstance(probes[0], np.ndarray) else ("", "")
    detail = f" ({shown[0]}, then {shown[1]})" if shown[0] and len(shown[0]) + len(shown[1]) < 300 else ""
    fail(f"When {changed}, {what} chose differently{detail}: the held-out data influenced the choice, so the "
         f"score it reports is not a fair estimate of new data.", fix)
    return results  # pragma: no cover
