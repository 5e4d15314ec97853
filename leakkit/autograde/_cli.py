"""The ``leakkit grade`` subcommand (wired into :mod:`leakkit.cli`)."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from ._driver import grade_cohort


def add_grade_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``grade`` subcommand to the ``leakkit`` command's subparsers.

    >>> import argparse
    >>> ap = argparse.ArgumentParser(prog="leakkit")
    >>> _ = add_grade_parser(ap.add_subparsers(dest="command"))
    >>> args = ap.parse_args(["grade", "week1", "--jobs", "2"])
    >>> (args.command, args.assignment, args.jobs, args.course)
    ('grade', 'week1', 2, '.')
    """
    p = subparsers.add_parser(
        "grade", help="autograde every submission of an nbgrader assignment, in parallel",
        description="Autograde every submission of ASSIGNMENT with nbgrader, N at a time, then write a "
                    "per-student summary (CSV) and a score plot, and list the submissions that need a human "
                    "look. Submissions already graded are kept unless --force. Exit 0: every submission "
                    "graded with nothing to check; 1: some need a human look or could not be graded; 2: bad input.")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment's name (a folder of the source directory)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="submissions graded at the same time (default 1; the number of cores is a good choice)")
    p.add_argument("--course", default=".", metavar="DIR",
                   help="the course folder, holding nbgrader_config.py and submitted/ (default: here)")
    p.add_argument("--student", action="append", metavar="ID",
                   help="grade only this student (repeatable); the summary keeps everyone else's row")
    p.add_argument("--force", action="store_true", help="grade again submissions that were already graded")
    p.add_argument("--out", metavar="DIR", help="where to write summary.csv and scores.png "
                                                "(default: COURSE/grades/ASSIGNMENT)")
    return p


def run_grade(args: argparse.Namespace) -> int:
    """Run ``leakkit grade`` from parsed arguments; returns the exit status.

    0 when every submission was graded and none needs a human look (answers to grade by
    hand may remain), 1 when some need a look, 130 when interrupted (run it again to
    finish). Bad input raises ``ValueError`` (the CLI prints it on one line, exit 2).

    >>> import argparse
    >>> run_grade(argparse.Namespace(assignment="week1", course="/no/such/course", jobs=1))
    Traceback (most recent call last):
    ...
    ValueError: --course: folder '/no/such/course' not found; pass the course folder (the one holding nbgrader_config.py and submitted/).
    """
    try:
        report = grade_cohort(args.assignment, getattr(args, "course", "."), jobs=getattr(args, "jobs", 1),
                              students=getattr(args, "student", None), force=getattr(args, "force", False),
                              out=getattr(args, "out", None), progress=sys.stderr)
    except KeyboardInterrupt:
        print("leakkit grade: interrupted; the submissions graded so far keep their grades: run the same "
              "command again to grade the rest.", file=sys.stderr)
        return 130
    print(report)
    return 1 if len(report.needs_review) else 0
