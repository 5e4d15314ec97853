"""The ``leakkit`` command.

    leakkit audit DATA.csv --target COL [--time COL] [--group COL] [--test TEST.csv] [--format text|json]
    leakkit grade ASSIGNMENT [--jobs N] [--course DIR]

``audit`` runs the leakage checklist's data checks from the shell; ``grade`` autogrades a
cohort of nbgrader submissions (see :mod:`leakkit.autograde`; it needs the ``grade`` extra,
``pip install 'leakkit[grade]'``). Exit status: 0 when nothing was found, 1 when leakage was
found (so it can gate a CI job), 2 on bad input or a missing extra (a one-line message on
stderr, never a traceback). Progress goes to stderr, the report to stdout.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from ._extras import MissingExtraError, is_installed, require

__all__ = ["main"]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line and exit 2, like every other bad input
        raise _UsageError(f"{self.prog}: {message}")


def _read_csv(path: str, what: str, time_col: str | None) -> Any:
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise ValueError(f"{what}: file {path!r} not found; pass the path of a CSV file.")
    if p.is_dir():
        raise ValueError(f"{what}: {path!r} is a folder; pass the path of a CSV file.")
    try:
        df = pd.read_csv(p)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{what}: {path!r} could not be read as CSV ({first}).") from None
    if time_col is not None and time_col in df.columns and not pd.api.types.is_numeric_dtype(df[time_col]):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "could not infer format": we fail clearly below
                df[time_col] = pd.to_datetime(df[time_col])
        except (ValueError, TypeError):
            raise ValueError(f"--time: column {time_col!r} of {path!r} holds neither dates nor numbers; "
                             f"pass a column of dates (e.g. 2024-01-31) or time steps.") from None
    return df


def _audit(args: argparse.Namespace) -> int:
    from .checklist import audit

    t0 = time.perf_counter()

    def progress(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:5.1f}s] {msg}", file=sys.stderr, flush=True)

    progress(f"reading {args.data}")
    data = _read_csv(args.data, "DATA", args.time)
    test = _read_csv(args.test, "--test", args.time) if args.test else None
    for opt, col in (("--target", args.target), ("--time", args.time), ("--group", args.group)):
        if col is not None and col not in data.columns:
            shown = ", ".join(map(str, list(data.columns)[:12]))
            raise ValueError(f"{opt}: column {col!r} not found in {args.data}; its columns are: {shown}.")
    if args.near is not None and args.near < 0:
        raise ValueError(f"--near: expected a number of decimals (0 or more), got {args.near}.")
    report = audit(data, args.target, test=test, time=args.time, group=args.group, progress=progress,
                   feature_threshold=args.threshold, near_decimals=args.near)
    progress("done")
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report)
    return 1 if report.leaked else 0


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="leakkit", description="Find data leakage in a table (the leakage course's toolkit).")
    sub = ap.add_subparsers(dest="command", parser_class=_Parser)
    au = sub.add_parser("audit", help="scan a CSV table for leakage (the checklist's data checks)",
                        description="Scan a CSV table for leakage. Exit 0: nothing found; 1: leakage found; 2: bad input.")
    au.add_argument("data", metavar="DATA.csv", help="the training (or whole) table, with the target column")
    au.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    au.add_argument("--time", metavar="COL", help="a date/time column (checked for train/test time overlap)")
    au.add_argument("--group", metavar="COL", help="an entity column (patient, customer) checked for overlap")
    au.add_argument("--test", metavar="TEST.csv", help="a test table with the same columns")
    au.add_argument("--near", type=int, metavar="DECIMALS",
                    help="with --test, also count near-duplicates: numbers rounded to DECIMALS, text normalised")
    au.add_argument("--format", choices=("text", "json"), default="text", help="report format (default text)")
    au.add_argument("--threshold", type=float, default=0.9, metavar="AUC",
                    help="flag a single column predicting the target at least this well (default 0.9)")
    if is_installed("nbgrader"):
        from .autograde import add_grade_parser

        add_grade_parser(sub)
    else:  # the core install: `leakkit grade ...` says which extra to install (see main)
        gr = sub.add_parser("grade", add_help=False, help="autograde a cohort of nbgrader submissions "
                            "(needs pip install 'leakkit[grade]')")
        gr.add_argument("rest", nargs=argparse.REMAINDER)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
        if args.command is None:
            ap.print_help(sys.stderr)
            return 2
        if args.command == "audit":
            return _audit(args)
        if args.command == "grade":
            require("nbgrader", extra="grade", feature="leakkit grade")
            from .autograde import run_grade

            return run_grade(args)
        raise _UsageError(f"leakkit: unknown command {args.command!r}")  # pragma: no cover
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except MissingExtraError as exc:
        print(f"leakkit: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        msg = " ".join(str(exc).split())
        print(f"leakkit {getattr(args, 'command', '')}: error: {msg}".replace("  ", " "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("leakkit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
