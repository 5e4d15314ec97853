"""`pip install leakkit` without extras, in a fresh virtualenv: the tracer and the audit work there.

A practitioner's production repository gets numpy, pandas and scikit-learn (and what they
need), never Jupyter, nbgrader, matplotlib or pytest; what needs an extra says so in one
line. The virtualenv is built once for this module from a copy of the package source, with
packages from PyPI (the only network access the suite makes; pip's cache makes a re-run quick).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ABSENT = ("jupyter_core", "jupyterlab", "notebook", "ipykernel", "IPython", "nbgrader", "nbformat",
          "matplotlib", "pytest", "nbval", "hypothesis", "duckdb", "pyarrow")

LEAKY_SCRIPT = textwrap.dedent("""\
    import json, sys
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    import leakkit

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6)); y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    with leakkit.trace() as t:
        if sys.argv[1] == "leaky":
            Xs = StandardScaler().fit_transform(X)
            X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, random_state=0)
            LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
        else:
            cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5)
    print(json.dumps([f.to_dict() for f in t.findings]))
    sys.exit(1 if t.leaked else 0)
""")


def _run(args, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, **kw)


@pytest.fixture(scope="module")
def core(tmp_path_factory) -> Path:
    """bin/ of a fresh virtualenv holding `pip install <copy of this repository>`, no extras."""
    tmp = tmp_path_factory.mktemp("core-install")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "leakkit", src / "leakkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", venv], timeout=300)
    assert made.returncode == 0, made.stderr
    bin_ = venv / "bin"
    inst = _run([bin_ / "python", "-m", "pip", "install", "--quiet", src], timeout=1800, cwd=tmp)
    assert inst.returncode == 0, f"pip install of the core failed:\n{inst.stdout[-3000:]}\n{inst.stderr[-3000:]}"
    return bin_


def test_core_install_has_no_jupyter_grader_plots_or_test_tools(core):
    code = f"import importlib.util as u; print([m for m in {ABSENT!r} if u.find_spec(m)])"
    out = _run([core / "python", "-c", code], timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"installed with the core alone: {out.stdout}"
    dists = _run([core / "python", "-m", "pip", "list", "--format=json"], timeout=120)
    names = {d["name"].lower() for d in json.loads(dists.stdout)}
    assert {"leakkit", "numpy", "pandas", "scikit-learn"} <= names


def test_trace_finds_a_leak_and_passes_an_honest_script(core, tmp_path):
    script = tmp_path / "evaluate.py"
    script.write_text(LEAKY_SCRIPT)
    leaky = _run([core / "python", script, "leaky"], timeout=300, cwd=tmp_path)
    assert leaky.returncode == 1, leaky.stderr
    findings = json.loads(leaky.stdout)
    assert [(f["check"], f["severity"], f["evidence"]["estimator"]) for f in findings] == [
        ("fit_before_split", "fail", "StandardScaler")]
    honest = _run([core / "python", script, "honest"], timeout=300, cwd=tmp_path)
    assert honest.returncode == 0, honest.stderr
    assert json.loads(honest.stdout) == []


def _tables(tmp_path: Path) -> tuple[Path, Path, Path]:
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame({"age": rng.normal(40, 10, n).round(4), "visits": rng.poisson(3, n),
                       "plan": rng.choice(["basic", "plus", "pro"], n)})
    df["churn"] = (rng.random(n) < 0.3).astype(int)
    # Recorded after the outcome: the cancellation flag, wrong on 2 % of rows.
    df["cancel_flag"] = df["churn"] ^ (rng.random(n) < 0.02).astype(int)
    leaky, honest, test = tmp_path / "leaky.csv", tmp_path / "honest.csv", tmp_path / "test.csv"
    df.to_csv(leaky, index=False)
    df.drop(columns="cancel_flag").iloc[:300].to_csv(honest, index=False)
    # A test table with 30 rows copied from the training table.
    fresh = df.drop(columns="cancel_flag").iloc[300:]
    pd.concat([fresh.iloc[:70], df.drop(columns="cancel_flag").iloc[:30]]).to_csv(test, index=False)
    return leaky, honest, test


def test_audit_from_the_shell(core, tmp_path):
    leaky, honest, test = _tables(tmp_path)
    out = _run([core / "leakkit", "audit", leaky, "--target", "churn", "--format", "json"], timeout=300)
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    found = [(f["check"], f["columns"]) for q in report["questions"] for f in q["findings"]]
    assert ("feature_power", ["cancel_flag"]) in found, found
    ok = _run([core / "leakkit", "audit", honest, "--target", "churn"], timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "no leakage found" in ok.stdout
    dup = _run([core / "leakkit", "audit", honest, "--target", "churn", "--test", test, "--format", "json"],
               timeout=300)
    assert dup.returncode == 1, dup.stderr
    checks = {f["check"]: f for q in json.loads(dup.stdout)["questions"] for f in q["findings"]}
    assert "duplicates" in checks and checks["duplicates"]["evidence"]["n_rows"] == 30, checks


def test_what_needs_an_extra_says_which_in_one_line(core, tmp_path):
    grade = _run([core / "leakkit", "grade", "direct_leakage"], timeout=120)
    assert grade.returncode == 2
    assert grade.stderr.strip().splitlines() == [
        "leakkit: error: leakkit grade needs nbgrader, which is not installed: pip install 'leakkit[grade]'"]
    for module, line in (
        ("leakkit.plot", "leakkit.plot needs matplotlib, which is not installed: pip install 'leakkit[plot]'"),
        ("leakkit.autograde", "leakkit.autograde needs nbgrader, which is not installed: pip install 'leakkit[grade]'"),
        ("leakkit.ipython", "leakkit.ipython (%load_ext leakkit) needs IPython, which is not installed: "
                            "pip install ipython (JupyterLab and Jupyter Notebook bring it)"),
    ):
        out = _run([core / "python", "-c", f"import {module}"], timeout=120)
        assert out.returncode == 1
        assert out.stderr.strip().splitlines()[-1] == f"leakkit._extras.MissingExtraError: {line}", out.stderr
    table = tmp_path / "table.parquet"
    pd.DataFrame({"x": np.arange(20.0), "y": np.arange(20) % 2}).to_parquet(table)  # written here, with pyarrow
    parquet = _run([core / "leakkit", "audit", table, "--target", "y"], timeout=120)
    assert parquet.returncode == 2 and "pip install 'leakkit[scale]'" in parquet.stderr, parquet.stderr
    # leakkit.plot reached as an attribute says the same.
    attr = _run([core / "python", "-c", "import leakkit; leakkit.plot"], timeout=120)
    assert "pip install 'leakkit[plot]'" in attr.stderr.strip().splitlines()[-1]
