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


# --------------------------------------------------------------------------- a CI gate on real tables


@pytest.fixture(scope="module")
def cancer(tmp_path_factory):
    """scikit-learn's breast-cancer table split by a synthetic date (clean), and the same
    with a noisy copy of the target planted (AUC about 0.98, like the strongest honest columns)."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import load_breast_cancer

    d = tmp_path_factory.mktemp("cancer")
    df = load_breast_cancer(as_frame=True).frame
    rng = np.random.default_rng(0)
    df["visit_date"] = (pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.permutation(len(df)), unit="D"))
    df = df.sort_values("visit_date")
    cut = int(len(df) * 0.75)
    df.iloc[:cut].to_csv(d / "train.csv", index=False)
    df.iloc[cut:].to_csv(d / "test.csv", index=False)
    leaky = df.assign(outcome_score=df["target"] + rng.normal(0, 0.35, len(df)))
    leaky.iloc[:cut].to_csv(d / "train_leak.csv", index=False)
    leaky.iloc[cut:].to_csv(d / "test_leak.csv", index=False)
    df[["target"]].to_csv(d / "only_target.csv", index=False)
    return d


def run_in(folder, *args):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=300, cwd=folder)


def test_clean_real_table_passes_the_gate_with_review_items(cancer):
    p = run_in(cancer, "audit", "train.csv", "--target", "target", "--time", "visit_date", "--test", "test.csv",
               "--format", "json")
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr
    out = json.loads(p.stdout)
    sev = [f["severity"] for f in out["findings"]]
    assert "fail" not in sev and sev.count("review") >= 10  # strong honest measurements: a person decides
    assert all(f["code"] and f["code"].startswith("LK2") for f in out["findings"])
    assert out["exit_code"] == 0 and out["leaked"] is False
    strict = run_in(cancer, "audit", "train.csv", "--target", "target", "--strict")
    assert strict.returncode == 1  # --strict: review items fail the gate too


def test_planted_noisy_copy_fails_among_strong_honest_columns(cancer):
    p = run_in(cancer, "audit", "train_leak.csv", "--target", "target", "--time", "visit_date", "--test",
               "test_leak.csv", "--format", "json")
    assert p.returncode == 1, p.stderr
    fails = [f for f in json.loads(p.stdout)["findings"] if f["severity"] == "fail"]
    assert [(f["code"], f["columns"]) for f in fails] == [("LK201", ["outcome_score"])]


def test_text_report_says_not_checked_and_speaks_in_flags(cancer):
    p = run_in(cancer, "audit", "train.csv", "--target", "target", "--test", "test.csv")
    assert p.returncode == 0
    out = p.stdout
    assert "Nothing was fitted on held-out rows" not in out  # the CLI fits nothing
    assert "not checked: whether any fit saw the test rows — the command line runs no code" in out
    assert "[PASS] (partly checked) Was anything fitted on test data?" in out
    assert "[REVIEW] LK201: `worst perimeter`" in out
    for python_only in ("pass evaluation=", "pass data=", "pass test="):
        assert python_only not in out


def test_baseline_file_accepts_reviewed_columns_and_fails_on_anything_new(cancer, tmp_path):
    import shutil

    for name in ("train.csv", "test.csv", "train_leak.csv", "test_leak.csv"):
        shutil.copy(cancer / name, tmp_path / name)
    w = run_in(tmp_path, "audit", "train.csv", "--target", "target", "--write-baseline", "leakkit.toml")
    assert w.returncode == 0 and "LK201" in (tmp_path / "leakkit.toml").read_text()
    # found in the current folder: the reviewed columns no longer count, even with --strict
    p = run_in(tmp_path, "audit", "train.csv", "--target", "target", "--strict", "--format", "json")
    assert p.returncode == 0, p.stdout[-1500:]
    out = json.loads(p.stdout)
    assert out["findings"] == [] and len(out["accepted"]) >= 10 and out["baseline"].endswith("leakkit.toml")
    # a new leak is not in the baseline: it fails
    q = run_in(tmp_path, "audit", "train_leak.csv", "--target", "target")
    assert q.returncode == 1 and "LK201: `outcome_score`" in q.stdout
    assert run_in(tmp_path, "audit", "train.csv", "--target", "target", "--strict", "--no-baseline").returncode == 1
    # the same from pyproject.toml's [tool.leakkit], and from --ignore
    entries = (tmp_path / "leakkit.toml").read_text().replace("[[reviewed]]", "[[tool.leakkit.reviewed]]")
    (tmp_path / "leakkit.toml").unlink()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n" + entries)
    assert run_in(tmp_path, "audit", "train.csv", "--target", "target", "--strict").returncode == 0
    assert run_in(tmp_path, "audit", "train_leak.csv", "--target", "target", "--no-baseline",
                  "--ignore", "LK201:outcome_score").returncode == 0


@pytest.mark.parametrize("args, message", [
    (["--threshold", "2"], "--threshold: expected a number between 0 and 1"),
    (["--threshold", "high"], "--threshold: expected a number between 0 and 1"),
    (["--ignore", "LK999"], "--ignore: unknown check code 'LK999'"),
    (["--ignore", "feature_power"], "--ignore: 'feature_power' is not CODE or CODE:COLUMN"),
    (["--near"], "--near: compares the test table with DATA; pass --test TEST"),
    (["--time", "target"], "--time: 'target' is the target"),
    (["--group", "nope"], "--group: column 'nope' not found"),
    (["--baseline", "missing.toml"], "--baseline: file 'missing.toml' not found"),
    (["--test", "only_target.csv"], "--test: only_target.csv lacks column(s)"),
])
def test_options_are_validated_with_one_line_errors(cancer, args, message):
    p = run_in(cancer, "audit", "train.csv", "--target", "target", *args)
    assert p.returncode == 2, p.stdout[-500:]
    err = [line for line in p.stderr.splitlines() if not line.startswith("[")]
    assert len(err) == 1 and message in err[0], p.stderr
    assert "Traceback" not in p.stderr


def test_a_table_holding_only_the_target_is_bad_input(cancer, tmp_path):
    p = run_in(cancer, "audit", "only_target.csv", "--target", "target")
    assert p.returncode == 2
    assert p.stderr.strip().splitlines()[-1] == (
        "leakkit audit: error: DATA: only_target.csv holds only the target column 'target'; "
        "pass a table with feature columns too.")
    (tmp_path / "bad.toml").write_text("[[reviewed]]\ncolumn = 'x'\n")
    q = run_in(cancer, "audit", "train.csv", "--target", "target", "--baseline", tmp_path / "bad.toml")
    assert q.returncode == 2 and "needs code" in q.stderr


def test_parquet_input_and_the_out_of_core_engine_agree(cancer, tmp_path):
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    import pandas as pd

    for name in ("train_leak", "test_leak"):
        pd.read_csv(cancer / f"{name}.csv").to_parquet(tmp_path / f"{name}.parquet")
    test = pd.read_parquet(tmp_path / "test_leak.parquet")
    train = pd.read_parquet(tmp_path / "train_leak.parquet")
    test.iloc[:9] = train.iloc[:9].to_numpy()  # 9 copies across the split
    test.to_parquet(tmp_path / "test_leak.parquet")
    out = {}
    for engine in ("pandas", "duckdb"):
        p = run_in(tmp_path, "audit", "train_leak.parquet", "--target", "target", "--test", "test_leak.parquet",
                   "--time", "visit_date", "--engine", engine, "--format", "json")
        assert p.returncode == 1, p.stderr[-800:]
        findings = json.loads(p.stdout)["findings"]
        out[engine] = {(f["code"], f["severity"], tuple(f["columns"]) if f["code"] == "LK201" else None,
                        f["evidence"].get("n_rows")) for f in findings if f["severity"] == "fail"}
    assert ("LK203", "fail", None, 9) in out["duckdb"] and ("LK203", "fail", None, 9) in out["pandas"]
    assert ("LK201", "fail", ("outcome_score",), None) in out["duckdb"]
    near = run_in(tmp_path, "audit", "train_leak.parquet", "--target", "target", "--test", "test_leak.parquet",
                  "--engine", "duckdb", "--near")
    assert "not checked: near copies of training rows — the out-of-core engine measures no distances" in near.stdout


def test_too_few_rows_to_score_is_not_checked_not_pass(tmp_path):
    (tmp_path / "tiny.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    p = run_in(tmp_path, "audit", "tiny.csv", "--target", "y")
    assert p.returncode == 0
    assert "1. [NOT CHECKED] Could every feature exist at prediction time?" in p.stdout
    assert "4 rows are too few to score them out of fold — pass a table of at least 10 rows" in p.stdout


@pytest.mark.parametrize("when", ["dates", "numbers"])
def test_both_engines_report_time_and_group_overlap_alike(tmp_path, when):
    """One wording, severity and evidence for time and group overlap, in memory and out of core."""
    pytest.importorskip("duckdb")
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    n = 400
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    frame = pd.DataFrame({"x": rng.normal(size=n), "store": rng.choice([f"s{i}" for i in range(30)], n),
                          "day": day if when == "dates" else (day - day.min()).days, "y": rng.integers(0, 2, n)})
    frame.iloc[:300].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[300:].to_csv(tmp_path / "test.csv", index=False)
    out = {}
    for engine in ("pandas", "duckdb"):
        p = run_in(tmp_path, "audit", "train.csv", "--target", "y", "--test", "test.csv", "--time", "day",
                   "--group", "store", "--engine", engine, "--format", "json")
        assert p.returncode == 1, p.stderr[-800:]
        out[engine] = {f["code"]: f for f in json.loads(p.stdout)["findings"] if f["code"] in ("LK206", "LK207")}
    assert set(out["pandas"]) == set(out["duckdb"]) == {"LK206", "LK207"}
    for code in ("LK206", "LK207"):
        a, b = out["pandas"][code], out["duckdb"][code]
        assert (a["severity"], a["message"]) == (b["severity"], b["message"])
        drop = ("engine", "example_groups")  # up to 10 shared groups: in test order, or sorted out of core
        assert {k: v for k, v in b["evidence"].items() if k not in drop} == \
            {k: v for k, v in a["evidence"].items() if k not in drop}
        assert len(a["evidence"].get("example_groups", [])) == len(b["evidence"].get("example_groups", []))
