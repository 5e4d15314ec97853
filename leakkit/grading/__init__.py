"""Checks for the exercises' test cells, with feedback in the learner's terms.

Every check either prints one line starting with ``Correct:`` (to stdout) or raises
:class:`CheckFailed`, an ``AssertionError`` whose message says what is wrong and then how
to fix it. Nothing is written to stderr, so nbgrader scores a passing test cell as passed.

The checks decide by behaviour, on values read as plain data (:func:`plain`): a leak is
what a fit saw or what changed when only held-out data changed (:func:`check_no_leak`,
:func:`check_unchanged`), not which function was called or how many times a log says the
test set was read. Hidden tests draw their data from :func:`fresh_seeds`, at grading time.

>>> from leakkit import grading
>>> grading.check_near_chance(0.52, chance=0.5)
Correct: your reported score (0.520) is near chance (0.500), as an honest score on pure-noise labels should be.
>>> grading.check_near_chance(0.91, chance=0.5)
Traceback (most recent call last):
...
leakkit.grading.CheckFailed: Your reported score is 0.910 on labels that are pure noise, where chance is 0.500: ...

Modules: ``_fail`` (how checks report), ``_plain`` (plain copies of results), ``_checks``
(numbers, claims, names, copies, splitters), ``_evaluations`` (which recorded predictions are
evaluations), ``_leak`` (``check_no_leak``), ``_selfsplit`` (the influence test for a function
that splits its own data), ``_influence`` (influence tests), ``_heldout`` (a held-out set whose
reads are counted out of the learner's reach), ``_seeds`` (grading-time seeds), ``_notebook``
(how a failed test shows in a notebook: a few lines, "Part N is not attempted yet"), ``_help``
(:func:`parts`: tiered hints and a solution per part, on request; ``_hints`` holds the hints,
``_solutions`` is generated from the reference solutions).
"""
from __future__ import annotations

from ._checks import (
    check_close, check_near_chance, check_no_duplicates_across, check_number, check_same_set, check_splitter,
)
from ._fail import CheckFailed
from ._heldout import check_read_once, watched_held_out
from ._help import Part, parts
from ._influence import check_unchanged, same_randomness
from ._leak import check_no_leak, explain
from ._plain import plain, unpack
from ._seeds import SEED_VARIABLE, fresh_seeds
from ._seeds import receive_secret as _receive_secret  # noqa: F401 - called by the kernel guard
from ._notebook import install as _install_short_errors

# In IPython, a failed test shows a few lines in the learner's terms, and an answer still
# raising NotImplementedError says "Part N is not attempted yet" (see _notebook).
_install_short_errors()

__all__ = [
    "CheckFailed",
    "check_no_leak",
    "check_near_chance",
    "check_close",
    "check_same_set",
    "check_no_duplicates_across",
    "check_splitter",
    "check_number",
    "check_unchanged",
    "check_read_once",
    "explain",
    "fresh_seeds",
    "plain",
    "unpack",
    "same_randomness",
    "watched_held_out",
    "parts",
    "Part",
]
