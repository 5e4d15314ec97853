"""leakkit: find and measure data leakage in machine-learning pipelines.

The helper package of the data-leakage course, usable on its own:

>>> import leakkit
>>> leakkit.__version__
'0.1.0'

Submodules: ``leakkit.datasets`` (scenarios with ground truth), ``leakkit.detect``
(data-only scans), ``leakkit.tracing`` (the runtime tracer; start it with ``leakkit.trace()``),
``leakkit.evaluate`` (leaky vs honest over seeds), ``leakkit.llm`` (RAG/LLM evaluation
leakage), ``leakkit.checklist`` (the four questions as one audit), ``leakkit.plot`` (the
course's plots; needs ``leakkit[plot]``) and ``leakkit.grading`` (checks for exercise test
cells). ``%load_ext leakkit`` in IPython or Jupyter shows leaks under the cell that made
them (:mod:`leakkit.ipython`); ``pytest --leakkit`` fails tests whose evaluation leaks
(:mod:`leakkit.pytest_plugin`).

Everything is loaded on first use: ``import leakkit`` itself imports neither numpy nor
scikit-learn (the pytest plugin imports this package in every pytest run), and never
IPython, pytest, matplotlib or nbgrader.
"""
import sys as _sys
import types as _types
from importlib import import_module as _import_module
from importlib.metadata import PackageNotFoundError, version as _version
from typing import Any as _Any

try:
    __version__ = _version("leakkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.1.0"

_SUBMODULES = ("datasets", "detect", "evaluate", "llm", "checklist", "plot", "grading", "autograde", "tracing")

# Public names, and the submodule that defines each: loaded when first used.
_EXPORTS = {
    "Finding": "_findings",
    "Trace": "tracing",
    "trace": "tracing",
    "GapResult": "evaluate",
    "compare_protocols": "evaluate",
    "optimism_gap": "evaluate",
    "preprocessing_gap": "evaluate",
}

__all__ = [
    "__version__", "Finding", "Trace", "trace",
    "GapResult", "compare_protocols", "optimism_gap", "preprocessing_gap",
]


class _Package(_types.ModuleType):
    """The package's module type. Python attaches every submodule it loads to its package
    (``leakkit.trace = <module leakkit.trace>``); here the submodule's public names are
    attached with it, and a public name that is also a submodule's name (the function
    ``leakkit.trace``) keeps pointing at the function."""

    def __setattr__(self, name: str, value: _Any) -> None:
        if isinstance(value, _types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            for export, source in _EXPORTS.items():
                if source == name and hasattr(value, export):
                    super().__setattr__(export, getattr(value, export))
            if name in _EXPORTS:
                return
        super().__setattr__(name, value)


def __getattr__(name: str) -> _Any:
    if name in _EXPORTS:
        _import_module(f".{_EXPORTS[name]}", __name__)  # attaches the names (_Package.__setattr__)
        return globals()[name]
    # `leakkit.plot`, `leakkit.datasets`... work after a bare `import leakkit`.
    if name in _SUBMODULES:
        return _import_module(f".{name}", __name__)
    raise AttributeError(f"module 'leakkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_SUBMODULES))


def load_ipython_extension(ipython: _Any) -> None:
    """``%load_ext leakkit``: trace every cell and show each leak under the cell that completes
    it (see :mod:`leakkit.ipython`)."""
    from .ipython import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: _Any) -> None:
    """``%unload_ext leakkit``: stop tracing cells."""
    from .ipython import unload_ipython_extension as unload

    unload(ipython)


_sys.modules[__name__].__class__ = _Package
