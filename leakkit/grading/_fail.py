"""How every check reports: one ``Correct:`` line on stdout, or a ``CheckFailed`` that says
what is wrong and then how to fix it; and the one-line errors for a grader's bad options."""
from __future__ import annotations

import math
from typing import Any

import numpy as np


class CheckFailed(AssertionError):
    """A test-cell check failed; the message is written for the learner.

    In a notebook it shows as its message alone (IPython's ``_render_traceback_``), not as
    a traceback through leakkit: what is wrong, then how to fix it."""

    def _render_traceback_(self) -> list[str]:
        from ._notebook import short_traceback

        return short_traceback("CheckFailed", str(self))


CheckFailed.__module__ = "leakkit.grading"


def fail(what: str, fix: str) -> None:
    raise CheckFailed(f"{what}\nHow to fix it: {fix}")


def ok(message: str) -> None:
    print(f"Correct: {message}")


def option_number(value: Any, name: str, *, positive: bool = False, low: float | None = None,
                  high: float | None = None) -> float:
    """A finite number given by the test's author, or a one-line TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__} ({value!r}).")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}.")
    if positive and value <= 0:
        raise ValueError(f"{name}: expected a number above 0, got {value!r}; pass the largest difference allowed, "
                         f"e.g. {name}=0.1.")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name}: expected a number between {low} and {high}, got {value!r}.")
    return value


def option_text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name}: expected a non-empty str (words for the learner), got {value!r}.")
    return value


def option_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected True or False, got {value!r}.")
    return value
