"""The ``leakkit`` command.

    leakkit audit DATA --target COL [--test TEST] [--time COL] [--group COL] [--near]
                  [--threshold X] [--ignore CODE[:COLUMN]]... [--baseline FILE | --no-baseline]
                  [--write-baseline FILE] [--strict] [--format text|json]
    leakkit grade ASSIGNMENT [--jobs N] [--course DIR]

``audit`` runs the leakage checklist's data checks on a CSV or Parquet table; ``grade``
autogrades a cohort of nbgrader submissions (see :mod:`leakkit.autograde`; it needs the
``grade`` extra, ``pip install 'leakkit[grade]'``).

Exit status of ``audit``: 0 when no finding fails; 1 when one fails (leakage established
by evidence) or, with ``--strict``, when one warns or asks for review; 2 on bad input or a
missing extra (a one-line message on stderr, never a traceback). Findings accepted by
``--ignore`` or the baseline file (``leakkit.toml``, or ``[tool.leakkit]`` in
``pyproject.toml``, found in the current folder unless ``--baseline``/``--no-baseline``
says otherwise) never fail. Progress goes to stderr, the report to stdout.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from ._extras import MissingExtraError, is_installed, require

__all__ = ["main", "build_parser", "CLI_NAMES"]

#: How the text report names a missing input on the shell (CLI flags, never Python arguments).
CLI_NAMES = {
    "data": "pass DATA and --target",
    "test": "pass --test TEST",
    "evaluation": "the command line runs no code; in Python, leakkit.checklist.audit(..., evaluation=...) "
                  "runs your evaluation under the tracer",
    "cv": "the command line does not see your splitter; in Python, audit(..., cv=...)",
    "held_out_set": "in Python, audit(..., held_out_set=...)",
    "time_column": "--time COL",
    "group_column": "--group COL",
    "more_rows": "pass a table of at least 10 rows",
    "near_out_of_core": "the out-of-core engine measures no distances; audit a sample in memory with --engine pandas",
}
#: Tables estimated above this size in pandas are audited out of core (``--engine auto``).
IN_MEMORY_BYTES = 1 << 30
# Python argument names in error messages, as the flags the user typed.
_FLAG_OF = {"feature_threshold": "--threshold", "time_column": "--time", "group_column": "--group",
            "target": "--target", "test": "--test", "data": "DATA", "ignore": "--ignore", "baseline": "--baseline"}


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line and exit 2, like every other bad input
        raise _UsageError(f"{self.prog}: {message}")


def _threshold(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1 (a ROC AUC or R²), got {text}")
    return v


def _check_columns(data: Any, args: argparse.Namespace) -> None:
    shown = ", ".join(map(str, list(data.columns)[:12])) + (" ..." if data.shape[1] > 12 else "")
    for opt, col in (("--target", args.target), ("--time", args.time), ("--group", args.group)):
        if col is not None and col not in data.columns:
            raise ValueError(f"{opt}: column {col!r} not found in {args.data}; its columns are: {shown}.")
    if data.shape[1] < 2:
        raise ValueError(f"DATA: {args.data} holds only the target column {args.target!r}; "
                         f"pass a table with feature columns too.")
    for opt, col in (("--time", args.time), ("--group", args.group)):
        if col is not None and col == args.target:
            raise ValueError(f"{opt}: {col!r} is the target (--target); pass the column that holds the "
                             f"{opt[2:]}.")
    if args.time is not None and args.time == args.group:
        raise ValueError(f"--time and --group: both name {args.time!r}; pass a date column and an entity column.")


def _baseline(args: argparse.Namespace) -> Any:
    from ._baseline import find_baseline_file

    if args.no_baseline:
        return None
    if args.baseline is not None:
        return args.baseline
    found = find_baseline_file(".")
    return None if found is None else str(found)


def _flags_in(message: str) -> str:
    m = re.match(r"^(\w+)(:| and )", message)
    if m and m.group(1) in _FLAG_OF:
        return _FLAG_OF[m.group(1)] + message[len(m.group(1)):]
    return message


def _audit(args: argparse.Namespace) -> int:
    from ._tables import read_table
    from .checklist import audit

    t0 = time.perf_counter()

    def progress(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:5.1f}s] {msg}", file=sys.stderr, flush=True)

    engine = _engine(args)
    if engine == "duckdb":
        return _audit_out_of_core(args, progress)
    progress(f"reading {args.data}")
    data = read_table(args.data, "DATA", args.time)
    _check_columns(data, args)
    test = None
    if args.test:
        progress(f"reading {args.test}")
        test = read_table(args.test, "--test", args.time)
        missing = [c for c in data.columns if c not in test.columns]
        if missing:
            raise ValueError(f"--test: {args.test} lacks column(s) {missing[:10]} of {args.data}; pass a test table "
                             f"with the same columns.")
    elif args.near:
        raise ValueError("--near: compares the test table with DATA; pass --test TEST as well.")
    try:
        report = audit(data, args.target, test=test, time_column=args.time, group_column=args.group,
                       near=args.near, feature_threshold=args.threshold, ignore=args.ignore or None,
                       baseline=_baseline(args), progress=progress)
    except (ValueError, TypeError) as exc:
        raise type(exc)(_flags_in(" ".join(str(exc).split()))) from None
    progress("done")
    return _print_report(args, report)


def _engine(args: argparse.Namespace) -> str:
    """pandas, or duckdb for tables larger than memory (``--engine auto`` decides by size)."""
    from ._outofcore import estimated_bytes
    from ._tables import SCALE_EXTRA, _check_path

    _check_path(args.data, "DATA")
    if args.test:
        _check_path(args.test, "--test")
    if args.engine != "auto":
        return args.engine
    size = estimated_bytes(args.data) + (estimated_bytes(args.test) if args.test else 0)
    if size <= IN_MEMORY_BYTES:
        return "pandas"
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise ValueError(f"DATA: about {size / 2**30:.1f} GiB once loaded; tables this large are audited out of core, "
                         f"which needs DuckDB: {SCALE_EXTRA}; or pass --engine pandas to load them anyway.") from None
    return "duckdb"


def _audit_out_of_core(args: argparse.Namespace, progress: Any) -> int:
    from ._outofcore import audit_files
    from .checklist import _check_baseline

    report = audit_files(args.data, args.target, test=args.test, time_column=args.time, group_column=args.group,
                         near=args.near, feature_threshold=args.threshold,
                         accepted_by=_check_baseline(_baseline(args), args.ignore or None), progress=progress)
    progress("done")
    return _print_report(args, report)


def _print_report(args: argparse.Namespace, report: Any) -> int:
    if args.write_baseline:
        from ._baseline import Baseline

        b = Baseline.from_findings(report.findings)
        Path(args.write_baseline).write_text(b.to_toml(), encoding="utf-8")
        print(f"wrote {len(b.entries)} entries to {args.write_baseline}; fill in each reason, then commit it",
              file=sys.stderr)
    if args.format == "json":
        print(json.dumps(dict(report.to_dict(), exit_code=report.exit_code(strict=args.strict)), indent=2))
    else:
        print(report.to_text(CLI_NAMES))
    return report.exit_code(strict=args.strict)


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="leakkit", description="Find data leakage in a table (the leakage course's toolkit).")
    sub = ap.add_subparsers(dest="command", parser_class=_Parser)
    au = sub.add_parser(
        "audit", help="scan a CSV or Parquet table for leakage (the checklist's data checks)",
        description="Scan a CSV or Parquet table for leakage. Exit 0: no finding fails; 1: a finding fails "
                    "(with --strict, also one that warns or asks for review); 2: bad input. Each finding has a "
                    "stable code (LK2xx); accept reviewed ones with --ignore or a baseline file.")
    au.add_argument("data", metavar="DATA", help="the training (or whole) table, with the target column "
                                                 "(.csv, or .parquet with leakkit[scale])")
    au.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    au.add_argument("--time", metavar="COL", help="the date/time at which each prediction is made: checked for "
                                                  "train/test time overlap and for columns dated after it")
    au.add_argument("--group", metavar="COL", help="an entity column (patient, customer) checked for overlap")
    au.add_argument("--test", metavar="TEST", help="a test table with the same columns")
    au.add_argument("--near", action="store_true",
                    help="with --test, also look for near copies of training rows (noise, re-typing): rows within "
                         "a small share of the typical distance between training rows")
    au.add_argument("--threshold", type=_threshold, default=0.8, metavar="X",
                    help="report a single column predicting the target at least this well (ROC AUC or R², "
                         "default 0.8); evidence decides whether it fails or asks for review")
    au.add_argument("--ignore", action="append", metavar="CODE[:COLUMN]",
                    help="accept a reviewed finding, e.g. --ignore LK201:tenure (repeatable)")
    au.add_argument("--baseline", metavar="FILE",
                    help="baseline of accepted findings (default: ./leakkit.toml, or ./pyproject.toml's "
                         "[tool.leakkit], when present)")
    au.add_argument("--no-baseline", action="store_true", help="ignore any baseline file")
    au.add_argument("--write-baseline", metavar="FILE",
                    help="write the findings of this run as a baseline file to review and commit")
    au.add_argument("--strict", action="store_true", help="exit 1 on warn and review findings too")
    au.add_argument("--engine", choices=("auto", "pandas", "duckdb"), default="auto",
                    help="pandas (in memory) or duckdb (out of core, leakkit[scale]); auto: duckdb for tables "
                         "over about 1 GiB in memory")
    au.add_argument("--format", choices=("text", "json"), default="text", help="report format (default text)")
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
