"""leakkit: find and measure data leakage in machine-learning pipelines.

The helper package of the data-leakage course, usable on its own:

>>> import leakkit
>>> leakkit.__version__
'0.1.0'

Submodules: ``leakkit.datasets`` (scenarios with ground truth), ``leakkit.detect``
(data-only scans), ``leakkit.tracing`` (the runtime tracer; start it with ``leakkit.trace()``),
``leakkit.evaluate`` (leaky vs honest over seeds), ``leakkit.llm`` (RAG/LLM evaluation
leakage), ``leakkit.checklist`` (the four questions as one audit), ``leakkit.plot`` (the
course's plots) and ``leakkit.grading`` (checks for exercise test cells). ``leakkit.plot``
imports matplotlib, so it is loaded on first use.
"""
from importlib import import_module as _import_module
from importlib.metadata import PackageNotFoundError, version as _version
from typing import Any as _Any

from ._findings import Finding
from .evaluate import GapResult, compare_protocols, optimism_gap, preprocessing_gap
from .tracing import Trace, trace

try:
    __version__ = _version("leakkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.1.0"

_SUBMODULES = ("datasets", "detect", "evaluate", "llm", "checklist", "plot", "grading", "autograde", "tracing")

__all__ = [
    "__version__", "Finding", "Trace", "trace",
    "GapResult", "compare_protocols", "optimism_gap", "preprocessing_gap",
]


def __getattr__(name: str) -> _Any:
    # `leakkit.plot`, `leakkit.datasets`... work after a bare `import leakkit`.
    if name in _SUBMODULES:
        return _import_module(f".{name}", __name__)
    raise AttributeError(f"module 'leakkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The lazily loaded submodules are listed too.
    return sorted(set(globals()) | set(_SUBMODULES))
