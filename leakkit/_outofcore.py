"""The audit of tables larger than memory, on an embedded DuckDB (``leakkit[scale]``).

DuckDB was chosen on measurements (``benchmarks/bench_scale.py``): it streams Parquet and
CSV files, spills its hash tables to disk under a memory limit, and runs the semi joins and
aggregates the data checks need. The engine never loads a table into pandas:

- question 1 scores the columns on a seeded sample of rows (as the in-memory scans do
  above ``detect.MAX_ROWS`` rows) with the same scans as :func:`leakkit.checklist.audit`;
- exact copies across the split: a semi join on row hashes, every candidate confirmed
  by a join on the values themselves;
- group and time overlap: aggregates over the full tables.

Near copies (``--near``) need nearest-neighbour distances and are reported as not checked.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ._findings import Finding
from ._tables import SCALE_EXTRA, table_format

__all__ = ["audit_files", "estimated_bytes", "MEMORY_LIMIT"]

#: DuckDB's memory limit; it spills to a temporary folder beyond it.
MEMORY_LIMIT = "1GB"
_SAMPLE = 20_000  # rows scored for question 1 (detect.MAX_ROWS)


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise ValueError(f"--engine duckdb: tables larger than memory need DuckDB, which is not installed; "
                         f"{SCALE_EXTRA}.") from None
    return duckdb


def estimated_bytes(path: str) -> int:
    """Roughly what the table takes in pandas: rows x columns x 8 bytes for Parquet (from
    its metadata), three times the file size for CSV."""
    p = Path(path)
    if table_format(p) == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            return 0
        files = sorted(p.glob("*.parquet")) if p.is_dir() else [p]
        total = 0
        for f in files:
            meta = pq.ParquetFile(f).metadata
            total += meta.num_rows * meta.num_columns * 8
        return total
    return 3 * p.stat().st_size


def _source(path: str) -> str:
    p = Path(path)
    quoted = str(p).replace("'", "''")
    if table_format(p) == "parquet":
        pattern = f"{quoted}/*.parquet" if p.is_dir() else quoted
        return f"read_parquet('{pattern}', file_row_number = true)"
    return f"(SELECT *, row_number() OVER () - 1 AS file_row_number FROM read_csv_auto('{quoted}'))"


def _q(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


class _Tables:
    def __init__(self, data: str, test: str | None, progress: Callable[[str], None]):
        duckdb = _duckdb()
        self.con = duckdb.connect()
        self.tmp = tempfile.mkdtemp(prefix="leakkit-duckdb-")
        for stmt in (f"SET memory_limit = '{MEMORY_LIMIT}'", f"SET threads = {min(2, os.cpu_count() or 1)}",
                     f"SET temp_directory = '{self.tmp}'", "SET preserve_insertion_order = false"):
            self.con.execute(stmt)
        self.con.execute(f"CREATE VIEW train AS SELECT * FROM {_source(data)}")
        if test is not None:
            self.con.execute(f"CREATE VIEW test AS SELECT * FROM {_source(test)}")
        self.columns = [r[0] for r in self.con.execute("DESCRIBE train").fetchall() if r[0] != "file_row_number"]
        self.say = progress

    def count(self, table: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def sample(self, seed: int) -> pd.DataFrame:
        cols = ", ".join(_q(c) for c in self.columns)
        return self.con.execute(f"SELECT {cols} FROM train USING SAMPLE reservoir({_SAMPLE} ROWS) "
                                f"REPEATABLE ({seed})").df()


def _duplicates(t: _Tables, features: list, n_test: int, n_train: int) -> list[Finding]:
    """Exact copies: a semi join on row hashes, each candidate confirmed on its values."""
    t.say("hashing test rows and looking them up among the training rows (DuckDB)")
    cols = ", ".join(_q(c) for c in features)
    t.con.execute(f"CREATE TEMP TABLE test_h AS SELECT hash({cols}) AS h, file_row_number AS r FROM test")
    t.con.execute(f"CREATE TEMP TABLE hit AS SELECT DISTINCT hash({cols}) AS h FROM train "
                  f"WHERE hash({cols}) IN (SELECT h FROM test_h)")
    on = " AND ".join(f"a.{_q(c)} IS NOT DISTINCT FROM c.{_q(c)}" for c in features)
    t.con.execute(f"CREATE TEMP TABLE cand AS SELECT * FROM test WHERE file_row_number IN "
                  f"(SELECT r FROM test_h WHERE h IN (SELECT h FROM hit))")
    rows = t.con.execute(f"SELECT DISTINCT c.file_row_number AS r FROM cand c JOIN train a ON {on} "
                         f"ORDER BY 1").fetchnumpy()["r"]
    n = len(rows)
    if n == 0:
        return []
    frac = n / n_test
    message = (f"{n:,} of {n_test:,} test rows ({100 * frac:.1f} %) also appear in train (exact copies, compared on "
               f"{len(features)} columns) — a model can memorise these rows, so the test score overstates how it does "
               f"on new data. Fix: drop duplicates before splitting, or split by entity so all copies of one record "
               f"stay on one side. (Out-of-core engine: copies of rows made only of common values are not told apart "
               f"from chance repeats.)")
    return [Finding("duplicates", "fail" if frac >= 0.01 else "warn", message, columns=tuple(features),
                    rows=tuple(int(r) for r in rows[:1000]),
                    evidence={"n_rows": n, "fraction": round(frac, 6), "n_test": n_test, "n_train": n_train,
                              "engine": "duckdb"})]


def _group_overlap(t: _Tables, group: str, n_test: int) -> list[Finding]:
    from .detect._overlap import group_overlap_finding

    g = _q(group)
    n, n_shared, n_groups = t.con.execute(
        f"SELECT count(*) FILTER (WHERE {g} IN (SELECT {g} FROM train)), "
        f"count(DISTINCT {g}) FILTER (WHERE {g} IN (SELECT {g} FROM train)), count(DISTINCT {g}) FROM test"
    ).fetchone()
    if not n:
        return []
    n_train_groups, n_train_shared_rows = t.con.execute(
        f"SELECT count(DISTINCT {g}), count(*) FILTER (WHERE {g} IN (SELECT {g} FROM test)) FROM train").fetchone()
    examples = [r[0] for r in t.con.execute(
        f"SELECT DISTINCT {g} FROM test WHERE {g} IN (SELECT {g} FROM train) ORDER BY 1 LIMIT 10").fetchall()]
    counts = {"n_shared_groups": int(n_shared), "n_train_groups": int(n_train_groups), "n_test_groups": int(n_groups),
              "n_rows": int(n), "n_train_rows_in_shared_groups": int(n_train_shared_rows), "n_test": int(n_test),
              "n_train": t.count("train")}
    f = group_overlap_finding(group, counts, examples, fail_fraction=0.01)
    f.evidence["engine"] = "duckdb"
    return [f]


def _time_overlap(t: _Tables, time: str, n_test: int) -> list[Finding]:
    from .detect._overlap import time_overlap_finding

    c = _q(time)
    n, train_min, train_max, test_min, test_max = t.con.execute(
        f"SELECT count(*) FILTER (WHERE {c} < (SELECT max({c}) FROM train)), (SELECT min({c}) FROM train), "
        f"(SELECT max({c}) FROM train), min({c}), max({c}) FROM test"
    ).fetchone()
    if not n:
        return []
    n_after = t.con.execute(f"SELECT count(*) FILTER (WHERE {c} > ?) FROM train", [test_min]).fetchone()[0]
    counts = {"n_rows": int(n), "n_test": int(n_test), "n_train": t.count("train"),
              "n_train_rows_after_test_start": int(n_after)}
    bounds = {k: pd.Timestamp(v) if hasattr(v, "year") else v for k, v in
              (("train_min", train_min), ("train_max", train_max), ("test_min", test_min), ("test_max", test_max))}
    f = time_overlap_finding(time, counts, bounds, warn_fraction=0.01)
    f.evidence["engine"] = "duckdb"
    return [f]


def audit_files(data: str, target: str, *, test: str | None = None, time_column: str | None = None,
                group_column: str | None = None, near: bool = False, feature_threshold: float = 0.8,
                random_state: int = 0, accepted_by: Any = None,
                progress: Callable[[str], None] | None = None) -> Any:
    """The CLI's audit on files, out of core; returns a :class:`leakkit.checklist.ChecklistReport`."""
    from .checklist import _feature_findings, build_report

    say = progress or (lambda msg: None)
    t = _Tables(data, test, say)
    for flag, col in (("--target", target), ("--time", time_column), ("--group", group_column)):
        if col is not None and col not in t.columns:
            shown = ", ".join(map(str, t.columns[:12]))
            raise ValueError(f"{flag}: column {col!r} not found in {data}; its columns are: {shown}.")
    if test is not None:
        test_cols = [r[0] for r in t.con.execute("DESCRIBE test").fetchall()]
        missing = [c for c in t.columns if c not in test_cols]
        if missing:
            raise ValueError(f"--test: {test} lacks column(s) {missing[:10]} of {data}; pass a test table with the "
                             f"same columns.")
    n_train = t.count("train")
    say(f"sampling {min(_SAMPLE, n_train):,} of {n_train:,} training rows for the column scans (DuckDB)")
    sample = t.sample(int(random_state))
    if time_column is not None and not pd.api.types.is_datetime64_any_dtype(sample[time_column]) \
            and not pd.api.types.is_numeric_dtype(sample[time_column]):
        sample[time_column] = pd.to_datetime(sample[time_column])
    feats = _feature_findings(sample, target, time_column, group_column, feature_threshold, random_state, say)
    test_f: list[Finding] = []
    not_checked: dict[str, list[tuple[str, str]]] = {}
    if test is not None:
        n_test = t.count("test")
        features = [c for c in t.columns if c != target]
        test_f += _duplicates(t, features, n_test, n_train)
        if group_column is not None:
            test_f += _group_overlap(t, group_column, n_test)
        if time_column is not None:
            test_f += _time_overlap(t, time_column, n_test)
        if near:
            not_checked["test_data"] = [("near copies of training rows", "near_out_of_core")]
    t.con.close()
    return build_report(feats, test_f, [], [], data_given=True, test_given=test is not None, evaluation_given=False,
                        cv_given=False, held_out_set_given=False, accepted_by=accepted_by, not_checked=not_checked)
