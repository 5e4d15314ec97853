"""leakkit: find and measure data leakage in machine-learning pipelines.

The helper package of the data-leakage course, usable on its own:

>>> import leakkit
>>> leakkit.__version__
'0.1.0'
"""
from importlib.metadata import PackageNotFoundError, version as _version

from ._findings import Finding
from .evaluate import GapResult, compare_protocols, optimism_gap, preprocessing_gap
from .trace import Trace, trace

try:
    __version__ = _version("leakkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.1.0"

__all__ = [
    "__version__", "Finding", "Trace", "trace",
    "GapResult", "compare_protocols", "optimism_gap", "preprocessing_gap",
]
