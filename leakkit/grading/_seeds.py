"""Seeds for hidden tests' data, drawn at grading time from a secret the learner never sees."""
from __future__ import annotations

import os
import secrets
import zlib

import numpy as np

from ._fail import CheckFailed

#: Environment variable through which an instructor (or ``leakkit grade``) sets the secret.
SEED_VARIABLE = "LEAKKIT_GRADING_SEED"


class _Secret:
    """The secret a protected grading kernel received, and the salts already drawn from it."""

    def __init__(self) -> None:
        self.value: str | None = None
        self.drawn: set[str] = set()


_SECRET = _Secret()


def receive_secret(value: str) -> None:
    """Called by the kernel guard before any learner code runs (not for learners)."""
    if not str(value).isdigit():
        raise ValueError(f"secret: expected digits, got {value!r}.")
    _SECRET.value = str(value)
    _SECRET.drawn.clear()


def fresh_seeds(salt: str, n: int = 1, *, secret: str | int | None = None) -> list[int]:
    """Seeds for a hidden test's data, drawn at grading time, so a learner cannot tune an
    answer to the data the test will use.

    They derive from ``secret``, by default the grading secret (``leakkit grade`` keeps one
    per assignment, so grading twice gives the same marks; an instructor may set the
    ``LEAKKIT_GRADING_SEED`` environment variable), and are random when there is none.
    ``salt`` (the test's name) gives each test its own seeds. In a protected grading kernel
    the secret is not in the environment, and each salt can be drawn once: a second draw
    means code other than the test asked for the test's data, and fails the test.

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
    if secret is None and _SECRET.value is not None:
        if salt in _SECRET.drawn:
            raise CheckFailed(
                f"The grader's data for {salt!r} were asked for twice while grading: code other than this test "
                f"(in your answers?) drew them, so the test cannot trust its data and scores zero.\n"
                f"How to fix it: do not call leakkit.grading.fresh_seeds in your answers.")
        _SECRET.drawn.add(salt)
        secret = _SECRET.value
    if secret is None:
        secret, where = os.environ.get(SEED_VARIABLE) or secrets.randbelow(2**63), SEED_VARIABLE
    if isinstance(secret, bool) or not str(secret).isdigit():
        raise ValueError(f"{where}: expected a whole number (the grading secret), got {secret!r}; "
                         f"unset it or set it to digits.")
    rng = np.random.default_rng([int(secret), zlib.crc32(salt.encode())])
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=n)]
