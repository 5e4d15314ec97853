"""The backbone: package surface, environment files in agreement, Makefile behaviour."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import leakkit

ROOT = Path(__file__).resolve().parents[1]


def _split_req(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_version_matches_pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert leakkit.__version__ == meta["project"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", leakkit.__version__)


def test_public_surface_is_declared_and_importable():
    assert "__version__" in leakkit.__all__
    for name in leakkit.__all__:
        assert hasattr(leakkit, name), f"leakkit.__all__ names {name!r} but leakkit has no such attribute"
    assert (ROOT / "leakkit" / "py.typed").exists()


def _groups() -> dict[str, dict[str, str]]:
    """pyproject.toml's requirement lists by group: ``core`` and each extra, as {name: spec}."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"core": meta["dependencies"], **meta["optional-dependencies"]}
    out = {}
    for group, reqs in groups.items():
        parsed = [_split_req(r) for r in reqs]
        names = [n for n, _ in parsed]
        assert len(names) == len(set(names)), f"pyproject.toml lists a package twice in {group!r}: {names}"
        out[group] = dict(parsed)
    return out


def test_core_install_is_numpy_pandas_scikit_learn_only():
    assert set(_groups()["core"]) == {"numpy", "pandas", "scikit-learn"}


def test_extras_are_consistent():
    """One bound per package across extras; `course` holds everything `plot` and `grade` need."""
    groups = _groups()
    assert {"plot", "grade", "course", "dev"} <= set(groups), f"extras declared: {sorted(groups)}"
    assert "matplotlib" in groups["plot"] and "nbgrader" in groups["grade"]
    assert {"jupyterlab", "nbgrader", "matplotlib", "pytest", "nbval"} <= set(groups["course"])
    specs: dict[str, dict[str, str]] = {}
    for group, reqs in groups.items():
        for name, spec in reqs.items():
            specs.setdefault(name, {})[group] = spec
    differing = {n: s for n, s in specs.items() if len(set(s.values())) > 1}
    assert not differing, f"a package has different bounds in different groups: {differing}"
    for extra in ("plot", "grade"):
        missing = set(groups[extra]) - set(groups["course"])
        assert not missing, f"the course extra lacks what leakkit[{extra}] needs: {sorted(missing)}"
    in_extras = set().union(*(set(reqs) for group, reqs in groups.items() if group != "core"))
    assert not set(groups["core"]) & in_extras, "an extra repeats a core dependency"


def test_environment_yml_agrees_with_pyproject():
    """environment.yml = core + course + dev, with pyproject.toml's bounds (what `make install` installs)."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = _groups()
    wanted = {**groups["core"], **groups["course"], **groups["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    pip_part = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_part = dep.get("pip", [])
            continue
        name, spec = _split_req(dep)
        conda[name] = spec
    assert "-e ." in pip_part, "environment.yml must install the package itself with pip"
    conda.pop("pip", None)
    py = conda.pop("python")
    assert py == meta["requires-python"], f"python bound {py} differs from requires-python {meta['requires-python']}"
    assert conda == wanted, (
        "environment.yml and pyproject.toml (core + course + dev) disagree:\n"
        f"  only in environment.yml or different: {set(conda.items()) - set(wanted.items())}\n"
        f"  only in pyproject.toml or different: {set(wanted.items()) - set(conda.items())}"
    )


def test_make_install_installs_the_course_and_dev_extras():
    makefile = (ROOT / "Makefile").read_text()
    extras = re.search(r"^EXTRAS\s*:?=\s*(\S+)\s*$", makefile, re.M)
    assert extras, "the Makefile must name the extras it installs in EXTRAS"
    assert set(extras.group(1).split(",")) == {"course", "dev"}
    assert "pip install --quiet -e '.[$(EXTRAS)]'" in makefile


def test_installed_versions_satisfy_declared_bounds():
    from importlib.metadata import version

    from packaging.requirements import Requirement

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    for req in meta["dependencies"] + extras["course"] + extras["dev"]:
        r = Requirement(req)
        assert r.specifier.contains(version(r.name), prereleases=True), f"{r.name} {version(r.name)} not in {r.specifier}"


def test_import_leakkit_stays_light():
    """`import leakkit` loads none of the heavy or optional packages (the pytest plugin imports
    it in every pytest run of the venv, before the project's conftest sets thread limits); the
    public names still work once used, and `leakkit.trace` stays the function."""
    code = (
        "import sys\n"
        "HEAVY = ('numpy', 'pandas', 'sklearn', 'scipy', 'IPython', 'pytest', 'matplotlib', 'nbgrader', 'jupyter_client')\n"
        "import leakkit\n"
        "print([m for m in HEAVY if m in sys.modules])\n"
        "import leakkit.pytest_plugin\n"
        "print([m for m in HEAVY if m in sys.modules])\n"
        "import leakkit.tracing as m\n"
        "print(callable(leakkit.trace), leakkit.Trace.__name__, leakkit.Finding.__name__, m.trace is leakkit.trace)\n"
        "print(sorted(set(leakkit.__all__) - set(dir(leakkit))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    after_import, after_plugin, names, undeclared = out.stdout.splitlines()
    assert after_import == "[]", f"import leakkit loaded {after_import}"
    assert after_plugin == "['pytest']", f"the pytest plugin module loaded {after_plugin}"
    assert names == "True Trace Finding True"
    assert undeclared == "[]"


def test_pytest_plugin_is_registered():
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert eps.get("leakkit") == "leakkit.pytest_plugin"


def test_gitignore_keeps_hidden_tests_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in (".venv/", "submitted/", "autograded/", "feedback/", "gradebook.db"):
        assert entry in ignored


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme


def test_make_refuses_too_old_python(tmp_path):
    """A Python older than the minimum stops with a one-line explanation, before any install."""
    fake = tmp_path / "python-old"
    fake.write_text(
        "#!/bin/sh\n"
        # Pretend to be Python 3.9 for the version check, and fail loudly on anything else.
        f"exec {sys.executable} -c 'import sys; sys.version_info = (3, 9, 0); exec(sys.argv[1])' \"$2\"\n"
    )
    fake.chmod(0o755)
    work = tmp_path / "clone"
    work.mkdir()
    for name in ("Makefile", "pyproject.toml"):
        (work / name).write_text((ROOT / name).read_text())
    proc = subprocess.run(
        ["make", "-s", "install", f"PYTHON={fake}"], cwd=work, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode != 0
    assert "leakkit needs Python 3.11 or newer" in proc.stderr
    assert not (work / ".venv").exists(), "no venv may be created with a too-old Python"


def test_nbgrader_config_points_at_the_course_folders():
    ns = {}

    class _Cfg(dict):
        def __getattr__(self, key):
            return self.setdefault(key, _Section())

    class _Section(dict):
        def __setattr__(self, key, value):
            self[key] = value

        def __getattr__(self, key):
            return self[key]

    cfg = _Cfg()
    ns["get_config"] = lambda: cfg
    exec((ROOT / "nbgrader_config.py").read_text(), ns | {"__file__": str(ROOT / "nbgrader_config.py")})
    assert cfg["CourseDirectory"]["source_directory"] == "solutions"
    assert cfg["CourseDirectory"]["release_directory"] == "exercises"
    assert cfg["Execute"]["timeout"] > 0
    assert cfg["IgnorePattern"]["enabled"] is True
    pattern = cfg["IgnorePattern"]["pattern"]
    assert re.search(pattern, "/x/sklearn/base.py:12: UserWarning: X does not have valid feature names\n")
    assert re.search(pattern, "ConvergenceWarning: lbfgs failed to converge")
    assert not re.search(pattern, "Traceback (most recent call last):\nAssertionError: your scaler saw test rows")


@pytest.mark.slow
def test_make_lab_serves_jupyterlab(tmp_path):
    """`make lab ARGS=...` starts a JupyterLab that answers on localhost; then we stop it."""
    import json
    import os
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "leakkit-test-token"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token} --ServerApp.port_retries=0"
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"ARGS={args}"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.time() + 90
        body = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "JupyterLab did not answer within 90 s"
        assert "started" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/notebooks?token={token}", timeout=5) as r:
            listing = json.loads(r.read())
        assert listing["type"] == "directory"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
