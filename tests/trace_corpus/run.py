"""Run the tracer corpus: each script's leaky version must be caught (the checks in its
``EXPECT``), its clean twin must stay silent (no finding at all).

Each version runs as a notebook cell would: ``with leakkit.trace() as t:`` around the call,
in the script's own namespace. Usage (prints the counts the README quotes)::

    .venv/bin/python tests/trace_corpus/run.py
"""
from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    return sorted(HERE.glob("c[0-9][0-9]_*.py"))


def load(path: Path):
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    spec = importlib.util.spec_from_file_location(f"trace_corpus_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def traced(mod, version: str):
    """Run ``mod.<version>()`` inside a trace opened in the script's namespace; the trace."""
    ns = mod.__dict__
    code = compile(f"import leakkit as _lk\nwith _lk.trace() as _trace:\n    _result = {version}()\n",
                   f"<{mod.__name__}:{version}>", "exec")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, ns)  # noqa: S102 - the corpus' own scripts
    return ns.pop("_trace")


def judge(path: Path) -> dict:
    mod = load(path)
    leaky, clean = traced(mod, "leaky"), traced(mod, "clean")
    found = {f.check for f in leaky.findings}
    return {"script": path.stem, "doc": (mod.__doc__ or "").strip().splitlines()[0], "expect": set(mod.EXPECT),
            "found": found, "caught": found == set(mod.EXPECT), "clean_findings": [str(f) for f in clean.findings],
            "silent": not clean.findings}


def main() -> int:
    results = [judge(p) for p in scripts()]
    n = len(results)
    caught = sum(r["caught"] for r in results)
    silent = sum(r["silent"] for r in results)
    for r in results:
        mark = ("caught" if r["caught"] else f"MISSED (found {sorted(r['found'])})") + \
            (", twin silent" if r["silent"] else f", TWIN FLAGGED {r['clean_findings']}")
        print(f"  {r['script']:38s} {mark}")
    print(f"leakkit.trace corpus: {caught}/{n} leaky scripts caught (exact checks), "
          f"{silent}/{n} clean twins silent.")
    return 0 if caught == n and silent == n else 1


if __name__ == "__main__":
    sys.exit(main())
