"""Throw-away virtualenvs for the tools the benchmarks compare with (deepchecks, skore,
cleanlab): under ~/.cache/leakkit-bench, created on first use, never a dependency of leakkit."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "leakkit-bench"


def venv_python(path: Path, reqs: list[str], module: str) -> Path | None:
    """The Python of the virtualenv ``path`` with ``reqs`` installed (``module`` importable),
    created on first use; None when it cannot be installed (the caller prints "not run")."""
    python = path / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", f"import {module}"], capture_output=True).returncode == 0:
        return python
    print(f"    creating {path} and installing {' '.join(reqs)} (once)...", flush=True)
    try:
        if not python.exists():
            subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(path)], check=True)
        with open(path / "pip-install.log", "w") as fh:
            proc = subprocess.run([str(python), "-m", "pip", "install", *reqs], stdout=fh, stderr=subprocess.STDOUT)
        return python if proc.returncode == 0 else None
    except (OSError, subprocess.CalledProcessError):
        return None
