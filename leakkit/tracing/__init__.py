"""A runtime recorder that answers "did anything fitted or computed on held-out rows reach
the model?" from what the code really did.

Inside ``with leakkit.trace() as t:`` the tracer records every ``fit``, ``fit_transform``,
``partial_fit``, ``transform`` and prediction of every scikit-learn estimator, every
splitter's folds, and the statistics computed in pandas and numpy. When the block ends,
``t.findings`` lists what leaked, ``t.evaluations`` lists what was scored, and
``t.coverage`` lists what the tracer could not see. (Before 0.2.0 this package was the
module ``leakkit.trace``; ``leakkit.trace`` is now only the function.)

Examples
--------
>>> import numpy as np
>>> from sklearn.preprocessing import StandardScaler
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.model_selection import train_test_split
>>> import leakkit
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(200, 5)), rng.integers(0, 2, 200)
>>> with leakkit.trace() as t:
...     Xs = StandardScaler().fit_transform(X)          # fitted on all 200 rows
...     X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, random_state=0)
...     _ = LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
>>> [f.check for f in t.findings]
['fit_before_split']
>>> t.findings[0].evidence["n_held_out_seen"]
50
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._rows import is_sparse
from ._records import CoverageGap, Evaluation, FitRecord, PredictRecord, SplitRecord, StatRecord
from ._trace import CoverageError, Trace

__all__ = ["trace", "Trace", "CoverageError", "CoverageGap", "Evaluation", "FitRecord", "SplitRecord",
           "PredictRecord", "StatRecord"]

_ARRAYS = (np.ndarray, pd.DataFrame, pd.Series)


def _check_options(detail: Any, test_reuse_min_configs: Any, held_out: Any, strict: Any) -> None:
    if detail not in ("outer", "all"):
        raise ValueError(f"detail: expected 'outer' or 'all', got {detail!r}; pass detail='all' to record the rows "
                         f"of every nested fit.")
    if (isinstance(test_reuse_min_configs, bool) or not isinstance(test_reuse_min_configs, (int, np.integer))
            or test_reuse_min_configs < 2):
        raise ValueError(f"test_reuse_min_configs: expected an int of at least 2, got {test_reuse_min_configs!r}; "
                         f"pass how many models scored on one test set make a warning (2 by default).")
    if not isinstance(strict, (bool, np.bool_)):
        raise TypeError(f"strict: expected True or False, got {type(strict).__name__}; pass strict=True to raise "
                        f"when the tracer could not see part of the work.")
    if held_out is None:
        return
    if isinstance(held_out, list) and held_out and not isinstance(held_out[0], _ARRAYS) and not is_sparse(held_out[0]):
        raise TypeError(f"held_out: got a list of {type(held_out[0]).__name__}; pass the held-out rows as one numpy "
                        f"array or DataFrame (np.asarray(rows)), or a list of such arrays.")
    if not isinstance(held_out, (list,) + _ARRAYS) and not is_sparse(held_out):
        raise TypeError(f"held_out: expected the test rows as a numpy array, DataFrame or sparse matrix (or a list "
                        f"of them), got {type(held_out).__name__}.")


def trace(*, detail: str = "outer", test_reuse_min_configs: int = 2, held_out: Any = None,
          strict: bool = False) -> Trace:
    """Record every fit, transform, prediction, split and statistic in a ``with`` block.

    Parameters
    ----------
    detail : {"outer", "all"}
        ``"outer"`` fingerprints the rows of outermost calls only (fast: a Pipeline's fit is
        one record, its steps are recorded without rows); ``"all"`` also fingerprints the
        rows seen by every nested fit, for fold diagrams of each Pipeline step.
    test_reuse_min_configs : int, default 2
        How many distinct models/settings scored on the same held-out rows make a
        ``test_reuse`` warning.
    held_out : array, DataFrame, sparse matrix, or a list of them, optional
        Test rows split off without a splitter (see :meth:`Trace.hold_out`).
    strict : bool, default False
        Raise :class:`CoverageError` when the block ends if the tracer could not see part
        of the work (``Trace.coverage`` is not empty).

    Returns
    -------
    Trace
        Use as a context manager; read ``.findings`` (and ``.coverage``) after the block.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> import leakkit
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 4)), rng.integers(0, 2, 100)
    >>> with leakkit.trace() as t:
    ...     _ = cross_validate(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5)
    >>> t.findings, t.coverage
    ([], [])
    """
    _check_options(detail, test_reuse_min_configs, held_out, strict)
    return Trace(detail=detail, test_reuse_min_configs=int(test_reuse_min_configs), held_out=held_out,
                 strict=bool(strict))
