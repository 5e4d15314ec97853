"""A held-out set whose reads the test counts where the learner's code does not write."""
from __future__ import annotations

from typing import Any

from ..llm import HeldOutSet
from ._fail import fail, ok

# Reads counted outside the objects handed to learners: id -> (the set, reads counted).
_TALLY: dict[int, list] = {}


class _WatchedHeldOutSet(HeldOutSet):
    def _read(self, how: str, reason: str | None) -> None:
        entry = _TALLY.get(id(self))
        if entry is not None and entry[0] is self:
            entry[1] += 1
        super()._read(how, reason)


def watched_held_out(data: Any, *, name: str = "held-out set") -> HeldOutSet:
    """A :class:`leakkit.llm.HeldOutSet` of ``data`` whose reads are also counted outside it,
    so :func:`check_read_once` sees when its own read log was edited.

    >>> import pandas as pd
    >>> test = watched_held_out(pd.DataFrame({"q": ["a", "b"]}), name="test questions")
    >>> _ = test.get()
    >>> check_read_once(test, what="tune_then_test")
    Correct: tune_then_test read the test questions exactly once.
    """
    h = _WatchedHeldOutSet(data, name=name)
    _TALLY[id(h)] = [h, 0]
    return h


def check_read_once(held_out: HeldOutSet, *, what: str) -> None:
    """``held_out`` (made by :func:`watched_held_out`) was read exactly once, and its read
    log tells the truth."""
    entry = _TALLY.get(id(held_out))
    if entry is None or entry[0] is not held_out:
        raise TypeError("held_out: expected a set made by watched_held_out(...).")
    counted = entry[1]
    try:
        log = held_out._log if isinstance(held_out._log, list) else None
        logged = [r.get("read") for r in log] if log is not None else None
    except Exception:  # noqa: BLE001 - a log replaced by something else
        logged = None
    if logged != list(range(1, counted + 1)):
        fail(f"The read log of the {held_out.name} was changed while {what} ran (it lists "
             f"{'nothing readable' if logged is None else len(logged)} reads; {counted} happened). The test "
             f"cannot trust it, so it scores zero, and your work is flagged for a person to look at.",
             "read the held-out set with .get() and leave its log alone.")
    if counted == 0:
        fail(f"{what} never read the {held_out.name}, so the score it reports cannot come from them.",
             "read them once, with .get(), after everything is chosen.")
    if counted > 1:
        reads = held_out.reads
        fail(f"{what} read the {held_out.name} {counted} times (first reads: {reads['how'].head(3).tolist()}, "
             f"reasons {reads['reason'].head(3).tolist()}). Each read that feeds a choice turns the test set into "
             f"a validation set.", "choose everything on other data, then read the held-out set once.")
    ok(f"{what} read the {held_out.name} exactly once.")
