"""`leakkit audit` from the shell: planted leaks -> exit 1, clean data -> exit 0, bad input -> exit 2."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from leakkit.datasets import make_churn, make_messy_project

BIN = Path(sys.executable).parent / "leakkit"


def run(*args):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def churn_csv(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    sc = make_churn(n_samples=1500, random_state=4)
    sc.frame.to_csv(d / "churn.csv", index=False)
    sc.frame[sc.honest_columns + [sc.target]].to_csv(d / "clean.csv", index=False)
    return d, sc


def test_audit_reports_planted_leaks_with_exit_1(churn_csv):
    d, sc = churn_csv
    p = run("audit", d / "churn.csv", "--target", sc.target, "--format", "json")
    assert p.returncode == 1, p.stderr
    out = json.loads(p.stdout)
    flagged = {c for f in out["findings"] if f["severity"] in ("fail", "warn") for c in f["columns"]}
    assert flagged == set(sc.leaky_columns)
    for f in out["findings"]:
        assert {"check", "severity", "columns", "message"} <= set(f)
    assert "scanning" in p.stderr  # progress on stderr


def test_audit_on_clean_data_exits_0(churn_csv):
    d, sc = churn_csv
    p = run("audit", d / "clean.csv", "--target", sc.target)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Verdict: no leakage found in what was checked." in p.stdout


def test_audit_with_test_time_and_group(tmp_path):
    sc = make_messy_project(n_samples=900, random_state=2)
    f = sc.frame
    f.iloc[sc.train_index].to_csv(tmp_path / "train.csv", index=False)
    f.iloc[sc.test_index].to_csv(tmp_path / "test.csv", index=False)
    p = run("audit", tmp_path / "train.csv", "--target", sc.target, "--test", tmp_path / "test.csv",
            "--time", sc.time_column, "--group", sc.group_column, "--format", "json")
    assert p.returncode == 1, p.stderr
    checks = {x["check"] for x in json.loads(p.stdout)["findings"] if x["severity"] in ("fail", "warn")}
    assert {"duplicates", "group_overlap"} <= checks


@pytest.mark.parametrize("args, message", [
    (["audit", "missing.csv", "--target", "y"], "not found"),
    (["audit", "{csv}", "--target", "nope"], "--target: column 'nope' not found"),
    (["audit", "{csv}"], "the following arguments are required: --target"),
    (["audit", "{csv}", "--target", "churned", "--format", "xml"], "invalid choice"),
    (["audit", "{csv}", "--target", "churned", "--time", "region"], "neither dates nor numbers"),
    (["audit", "{empty}", "--target", "y"], "could not be read"),
    (["audit", "{one}", "--target", "y"], "only one distinct value"),
])
def test_bad_input_is_one_line_and_exit_2(churn_csv, tmp_path, args, message):
    d, _ = churn_csv
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "one.csv").write_text("x,y\n1,0\n2,0\n3,0\n")
    args = [a.format(csv=d / "churn.csv", empty=tmp_path / "empty.csv", one=tmp_path / "one.csv") for a in args]
    p = run(*args)
    assert p.returncode == 2
    err = [line for line in p.stderr.splitlines() if not line.startswith("[")]
    assert len(err) == 1 and message in err[0], p.stderr
    assert "Traceback" not in p.stderr
