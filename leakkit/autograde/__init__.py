"""Grade a cohort of nbgrader submissions, and protect every grading path.

Two things live here:

- **the protection** (:mod:`leakkit.autograde.preprocessors`): nbgrader preprocessors that
  the course's ``nbgrader_config.py`` installs with :func:`configure`, so that plain
  ``nbgrader autograde``, the formgrader's button and ``leakkit grade`` grade alike. A
  kernel guard restores, before and after every test cell, what learner code rebound or
  patched in ``leakkit``'s checks, its tracer, ``HeldOutSet`` and the names the locked
  cells define (a test during which something was replaced scores zero); a static reading
  flags edited, deleted or pasted-twice cells and code that reaches into the grading
  machinery; flagged tests are marked "needs manual grade" for a person; the grading secret
  never enters the kernel's environment; kernel start failures are retried; feedback shows
  no hidden-test code.
- **the cohort driver** behind ``leakkit grade`` (:func:`grade_cohort`): every submission
  through nbgrader's autograder, ``jobs`` at a time, resumable (a re-run grades only what is
  left and changes no grade given), repeatable (one grading secret per assignment), with
  infrastructure failures retried, a per-student summary (CSV) covering the whole cohort, a
  score plot and the list of submissions that need a human look.

Modules: ``_assignment`` (the assignment from the gradebook, static reading of
submissions), ``_guard`` (runs inside the kernel), ``preprocessors`` (nbgrader
integration), ``_pool`` (worker processes), ``_course`` (the course folder, journal,
secret), ``_summary`` and ``_report`` (the report), ``_driver`` and ``_cli``.

>>> from leakkit.autograde import suspicious_code
>>> suspicious_code("from leakkit import grading\\ngrading.check_no_leak = print")
['replaces grading.check_no_leak']
"""
from __future__ import annotations

from .._extras import require

require("nbgrader", extra="grade", feature="leakkit.autograde")

from .._codescan import suspicious_code  # noqa: E402 - after the one-line check for the grade extra
from ._cli import add_grade_parser, run_grade  # noqa: E402
from ._driver import grade_cohort  # noqa: E402
from ._report import CohortReport  # noqa: E402

__all__ = ["CohortReport", "grade_cohort", "suspicious_code", "add_grade_parser", "run_grade", "configure"]


def configure(c):  # noqa: ANN001, ANN201 - a traitlets Config
    """Install the protection in an nbgrader configuration (see
    :func:`leakkit.autograde.preprocessors.configure`)."""
    from .preprocessors import configure as _configure

    return _configure(c)
