"""Precision and recall of the audit on every table bundled with scikit-learn.

For each table (benchmarks/leak_corpus.py): clean, split at random and by a synthetic date,
and with one leak planted at a time (noisy target copy, post-event count, ID ordered by the
target, exact and near copies across the split, time overlap, group overlap). Printed per
table and in total:

- false alarms: clean cases where a check FAILs (leakkit: a finding of severity fail, the
  CI gate's exit 1);
- planted leaks found: the finding that names the leak has severity fail or warn (and how
  many of them fail the gate);
- the same for deepchecks (its train-test validation suite plus its Feature Label Correlation
  check, in its own virtualenv under ~/.cache/leakkit-bench, as bench_detect.py does) and for
  skore (its checks on an EstimatorReport of skrub's tabular pipeline: SKD011 golden feature,
  SKD013 train-test time overlap; the others are not about leakage), each "not run" when it
  cannot be installed. An alarm of theirs counts as a false alarm on a clean table.

Usage: nice -n 5 .venv/bin/python benchmarks/bench_audit_precision.py [--no-deepchecks] [--no-skore]
Asserts nothing about timing; exits 0.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _venvs import CACHE, venv_python  # noqa: E402
from leak_corpus import Case, clean_cases, planted_cases  # noqa: E402

from leakkit.checklist import audit  # noqa: E402

SKORE_VENV = CACHE / "venv-skore"

# deepchecks check that would report each kind of planted leak (None: it has no such check).
DEEPCHECKS_FOR = {
    "noisy_target_copy": {"Feature Label Correlation", "Feature Label Correlation Change"},
    "post_event_count": {"Feature Label Correlation", "Feature Label Correlation Change"},
    "id_ordered_by_target": {"Feature Label Correlation", "Feature Label Correlation Change"},
    "exact_copies": {"Train Test Samples Mix"},
    "near_copies": {"Train Test Samples Mix"},
    "time_overlap": {"Date Train Test Leakage Overlap"},
    "group_overlap": None,
}
DEEPCHECKS_LEAK_CHECKS = set().union(*[v for v in DEEPCHECKS_FOR.values() if v]) | {"Index Train Test Leakage",
                                                                                     "Date Train Test Leakage Duplicates"}

# Both runners read each case folder the same way (they run in other virtualenvs, so this
# is text put in front of their loop bodies).
_CASES = r'''
import json, sys, warnings
warnings.filterwarnings("ignore")
import pandas as pd


def cases():
    for folder in sys.argv[1:]:
        meta = json.load(open(f"{folder}/meta.json"))
        parse = [meta["time"]] if meta["time"] else None
        yield (folder, meta, pd.read_csv(f"{folder}/train.csv", parse_dates=parse),
               pd.read_csv(f"{folder}/test.csv", parse_dates=parse))
'''

DEEPCHECKS_RUNNER = _CASES + r'''
from deepchecks.tabular import Dataset
from deepchecks.tabular.suites import train_test_validation
from deepchecks.tabular.checks import FeatureLabelCorrelation
for folder, meta, train, test in cases():
    kw = dict(label=meta["target"], cat_features=[], datetime_name=meta["time"])
    try:
        tr, te = Dataset(train, **kw), Dataset(test, **kw)
        result = train_test_validation().run(tr, te)
        failed = {r.check.name() for r in result.get_not_passed_checks()}
        flc = FeatureLabelCorrelation().add_condition_feature_pps_less_than(0.8).run(tr)
        if not flc.passed_conditions():
            failed.add("Feature Label Correlation")
        print(json.dumps({"folder": folder, "failed": sorted(failed)}), flush=True)
    except Exception as exc:
        print(json.dumps({"folder": folder, "error": f"{type(exc).__name__}: {exc}"[:200]}), flush=True)
'''

SKORE_RUNNER = _CASES + r'''
import skore, skrub
for folder, meta, train, test in cases():
    y = train[meta["target"]]
    task = "classifier" if y.nunique() <= 20 and y.nunique() * 5 <= len(y) else "regressor"
    try:
        report = skore.EstimatorReport(skrub.tabular_pipeline(task), X_train=train.drop(columns=[meta["target"]]),
                                       y_train=y, X_test=test.drop(columns=[meta["target"]]), y_test=test[meta["target"]])
        frame = report.checks.summarize().frame().set_index("code")
        rec = {"folder": folder}
        for code in ("SKD011", "SKD013"):
            row = frame.loc[code] if code in frame.index else None
            hit = row is not None and row["section"] in ("issue", "tip")
            rec[code] = str(row["explanation"]) if hit else None
        print(json.dumps(rec), flush=True)
    except Exception as exc:
        print(json.dumps({"folder": folder, "error": f"{type(exc).__name__}: {exc}"[:200]}), flush=True)
'''


def leakkit_verdict(case: Case) -> tuple[bool, bool, bool]:
    """(any FAIL, planted leak reported as fail or warn, planted leak reported as fail)."""
    r = audit(case.train, case.target, test=case.test, time_column=case.time_column,
              group_column=case.group_column, near=case.near)
    fail = any(f.severity == "fail" for f in r.findings)
    hits = []
    for check, column in case.expect:
        hits.append([f.severity for f in r.findings if f.check == check and (column is None or column in f.columns)])
    found = bool(case.expect) and all(any(s in ("fail", "warn") for s in h) for h in hits)
    found_fail = bool(case.expect) and all("fail" in h for h in hits)
    return fail, found, found_fail


def write_cases(cases: list[Case], folder: Path) -> list[str]:
    out = []
    for i, c in enumerate(cases):
        d = folder / f"case{i:03d}"
        d.mkdir()
        c.train.to_csv(d / "train.csv", index=False)
        c.test.to_csv(d / "test.csv", index=False)
        # how the split was made: at random, or by date (rows in time order, no shuffling)
        shuffled = c.variant in ("clean: random split", "exact_copies", "near_copies", "time_overlap", "group_overlap")
        (d / "meta.json").write_text(json.dumps({"target": c.target, "time": c.time_column, "n_test": len(c.test),
                                                 "shuffled": shuffled}))
        out.append(str(d))
    return out


def run_tool(python: Path | None, runner: str, folders: list[str]) -> dict[str, dict]:
    if python is None:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(runner)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run([str(python), fh.name, *folders], capture_output=True, text=True, env=env, timeout=7200)
    os.unlink(fh.name)
    out = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            rec = json.loads(line)
            out[rec["folder"]] = rec
    if not out:
        print("    failed: " + " | ".join(proc.stderr.strip().splitlines()[-3:]))
    return out


def deepchecks_verdict(rec: dict | None, case: Case) -> tuple[str, str]:
    if rec is None or "error" in rec:
        return "not run", "not run"
    failed = set(rec["failed"])
    alarm = "FAIL" if failed & DEEPCHECKS_LEAK_CHECKS else "-"
    if case.clean:
        return alarm, ""
    wanted = DEEPCHECKS_FOR[case.variant]
    return alarm, ("n/a" if wanted is None else ("found" if failed & wanted else "missed"))


def skore_verdict(rec: dict | None, case: Case) -> tuple[str, str]:
    """skore's checks on an EstimatorReport (skrub's tabular pipeline): SKD011 golden feature
    (a single feature as good as the target or the full model: "data leakage") and SKD013
    train-test time overlap."""
    if rec is None or "error" in rec:
        return "not run", "not run"
    alarm = "WARN" if rec["SKD011"] or rec["SKD013"] else "-"
    if case.clean:
        return alarm, ""
    if case.variant in ("noisy_target_copy", "post_event_count", "id_ordered_by_target"):
        column = case.expect[0][1]
        return alarm, "found" if rec["SKD011"] and f"'{column}'" in rec["SKD011"] else "missed"
    if case.variant == "time_overlap":
        return alarm, "found" if rec["SKD013"] else "missed"
    return alarm, "n/a"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-deepchecks", action="store_true")
    ap.add_argument("--no-skore", action="store_true")
    args = ap.parse_args(argv)
    cases = list(clean_cases()) + list(planted_cases())
    print(f"{len(cases)} cases: {sum(c.clean for c in cases)} clean, {sum(not c.clean for c in cases)} planted")
    t0 = time.perf_counter()
    ours = {i: leakkit_verdict(c) for i, c in enumerate(cases)}
    print(f"leakkit audit: {time.perf_counter() - t0:.1f} s for all cases")
    dc, sk = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        folders = write_cases(cases, Path(tmp))
        if not args.no_deepchecks:
            from bench_detect import DEEPCHECKS_REQS, VENV

            t0 = time.perf_counter()
            dc = run_tool(venv_python(VENV, DEEPCHECKS_REQS, "deepchecks"), DEEPCHECKS_RUNNER, folders)
            print(f"deepchecks: {'not run' if not dc else f'{time.perf_counter() - t0:.1f} s'}")
        if not args.no_skore:
            t0 = time.perf_counter()
            sk = run_tool(venv_python(SKORE_VENV, ["skore", "skrub"], "skore"), SKORE_RUNNER, folders)
            print(f"skore: {'not run' if not sk else f'{time.perf_counter() - t0:.1f} s'}")
        rows = []
        for i, c in enumerate(cases):
            fail, found, found_fail = ours[i]
            d_alarm, d_found = deepchecks_verdict(dc.get(folders[i]), c)
            s_alarm, s_found = skore_verdict(sk.get(folders[i]), c)
            rows.append((c, fail, found, found_fail, d_alarm, d_found, s_alarm, s_found))
    print(f"\n{'table':<18} {'case':<22} {'leakkit':<22} {'deepchecks':<20} {'skore':<14}")
    per_table = defaultdict(lambda: [0, 0, 0, 0, 0])
    for c, fail, found, found_fail, d_alarm, d_found, s_alarm, s_found in rows:
        if c.clean:
            lk = "FALSE ALARM" if fail else "no fail"
            dk = "FALSE ALARM" if d_alarm == "FAIL" else d_alarm.replace("-", "no fail")
            sk_ = "FALSE ALARM" if s_alarm == "WARN" else s_alarm.replace("-", "no warning")
        else:
            lk = ("found (fail)" if found_fail else "found (warn)" if found else "MISSED")
            dk, sk_ = d_found, s_found
        t = per_table[c.table]
        t[0] += c.clean
        t[1] += c.clean and fail
        t[2] += not c.clean
        t[3] += (not c.clean) and found
        t[4] += (not c.clean) and found_fail
        print(f"{c.table:<18} {c.variant:<22} {lk:<22} {dk:<20} {sk_:<14}")
    print(f"\n{'table':<18} {'false alarms (clean)':<22} {'planted found':<16} {'of which fail':<14}")
    tot = [0, 0, 0, 0, 0]
    for table, t in per_table.items():
        print(f"{table:<18} {t[1]} of {t[0]:<17} {t[3]} of {t[2]:<11} {t[4]}")
        tot = [a + b for a, b in zip(tot, t)]
    print(f"{'leakkit total':<18} {tot[1]} of {tot[0]:<17} {tot[3]} of {tot[2]:<11} {tot[4]}")

    def summary(alarm_col: int, found_col: int, alarm_word: str, name: str) -> None:
        ran = [r for r in rows if r[alarm_col] != "not run"]
        if not ran:
            print(f"{name:<18} not run")
            return
        clean = [r for r in ran if r[0].clean]
        planted = [r for r in ran if not r[0].clean and r[found_col] != "n/a"]
        fa = sum(r[alarm_col] == alarm_word for r in clean)
        fd = sum(r[found_col] == "found" for r in planted)
        print(f"{name:<18} {fa} of {len(clean):<17} {fd} of {len(planted):<11} (it has no check for "
              f"{sum(1 for r in ran if not r[0].clean) - len(planted)} planted cases)")

    summary(4, 5, "FAIL", "deepchecks total")
    summary(6, 7, "WARN", "skore total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
