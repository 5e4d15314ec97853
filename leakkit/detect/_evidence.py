"""Evidence that separates a leaking column from a strong honest one.

A strong single column is not a leak by itself: real measurements can predict the target
well (tumour size for malignancy). What a column *derived from the target* (a noisy copy,
a count recorded after the event, a status set by the outcome) has that a measurement has
not:

- **near-determinism**: it reproduces the target almost exactly;
- **it stands out**: its power is far above every other column's (a gap in the ranking);
- **it is unrelated to the rest of the table once the target is known**. A measurement
  varies with the other measurements inside each class (bigger tumours have bigger
  perimeters whatever the diagnosis); a value made from the target and noise does not.
  This is measured as the out-of-fold R² of a ridge regression predicting the column
  from the other columns after removing each class's mean (for regression, each target
  decile's mean): the *within-class R²*.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> y = rng.integers(0, 2, 600)
>>> size = rng.normal(size=600) + 1.5 * y
>>> X = np.column_stack([size, size + rng.normal(0, .3, 600), y + rng.normal(0, .35, 600)])
>>> ev = WithinClass(X, y, n_folds=5, seed=0)
>>> round(ev.r2(0, [1, 2]), 1), round(ev.r2(2, [0, 1]), 1)
(0.9, -0.0)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

__all__ = ["WithinClass", "encode_for_evidence", "stand_out", "DETERMINISTIC", "STAND_OUT_RATIO",
           "STAND_OUT_GAP", "EXPLAINED_R2", "UNRELATED_R2", "STRUCTURED_R2", "UNUSUAL_SHARE", "UNRELATED_MIN_AUC", "UNRELATED_MIN_R2",
           "MIN_ROWS_TO_FAIL"]

#: A column at or above this ROC AUC / R² reproduces the target almost exactly.
DETERMINISTIC = 0.99
#: A column stands out when the next column's error (1 - score) is at least this many times its own ...
STAND_OUT_RATIO = 2.0
#: ... and at least this much larger in absolute terms.
STAND_OUT_GAP = 0.05
#: Within-class R² from the ordinary columns at or above which a column tracks other measurements.
EXPLAINED_R2 = 0.1
#: Within-class R² from all other columns at or below which a column is unrelated to the table ...
UNRELATED_R2 = 0.05
#: ... in a table whose ordinary columns typically reach at least this within-class R² ...
STRUCTURED_R2 = 0.2
#: ... and where this quantile of them still reaches :data:`EXPLAINED_R2` (else being unrelated is not unusual there).
UNUSUAL_SHARE = 0.25
#: A column unrelated to a structured table fails from this power up (ROC AUC; for R², :data:`UNRELATED_MIN_R2`),
#: below the reporting threshold: a count recorded after the event is often only moderately strong.
UNRELATED_MIN_AUC = 0.7
UNRELATED_MIN_R2 = 0.5
#: Under this many scored rows, evidence that would fail only warns: the scores are too noisy to establish a leak.
MIN_ROWS_TO_FAIL = 50

_MAX_ROWS = 5000  # rows used for the within-class regressions
_MAX_LEVELS = 10  # one-hot columns per categorical column
_RIDGE = 1e-2  # ridge penalty per training row, on standardised columns


def encode_for_evidence(s: pd.Series) -> np.ndarray:
    """Columns describing ``s`` for the within-class regressions: its ranks in [0, 1] (with
    a missing-value indicator when it has gaps) for numbers, booleans and dates, or one-hot
    columns of its most frequent values otherwise."""
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype) \
            or pd.api.types.is_timedelta64_dtype(dtype) \
            or (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)):
        ranks = s.rank(pct=True).to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(ranks)
        ranks = np.where(missing, 0.5, ranks)
        return np.column_stack([ranks, missing.astype(float)]) if missing.any() else ranks[:, None]
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=False)
    if len(uniques) <= 1:
        return np.zeros((len(s), 1))
    top = np.argsort(-np.bincount(codes))[:_MAX_LEVELS]
    return (codes[:, None] == top[None, :]).astype(float)


def _groups(y: np.ndarray, classification: bool) -> np.ndarray:
    if classification:
        return pd.factorize(y)[0]
    n_bins = int(max(2, min(10, len(y) // 30)))
    return pd.qcut(pd.Series(y).rank(method="first"), n_bins, labels=False).to_numpy()


class WithinClass:
    """Within-class ridge regressions between the columns of one table.

    Parameters
    ----------
    X : 2-D array or list of 2-D blocks
        One block of encoded columns per table column (see :func:`encode_for_evidence`); a
        plain 2-D array is one block per column.
    y : 1-D array
        The target (class labels, or numbers for regression).
    classification : bool
    n_folds, seed : cross-validation of the regressions.
    """

    def __init__(self, X: Any, y: Any, *, classification: bool = True, n_folds: int = 5, seed: int = 0):
        blocks = [X[:, [j]] for j in range(X.shape[1])] if isinstance(X, np.ndarray) else list(X)
        y = np.asarray(y)
        n = len(y)
        rows = np.arange(n)
        if n > _MAX_ROWS:
            rows = np.sort(np.random.default_rng(seed).choice(n, _MAX_ROWS, replace=False))
        g = _groups(y[rows], classification)
        Z = np.column_stack([np.asarray(b, dtype=float)[rows] for b in blocks])
        for k in np.unique(g):  # remove each class's (or target decile's) mean
            Z[g == k] -= Z[g == k].mean(axis=0)
        sd = Z.std(axis=0)
        self._live = sd > 1e-12
        Z[:, self._live] /= sd[self._live]
        Z[:, ~self._live] = 0.0
        self.Z = Z
        widths = [np.asarray(b).shape[1] for b in blocks]
        edges = np.concatenate([[0], np.cumsum(widths)])
        self.blocks = [np.arange(edges[i], edges[i + 1]) for i in range(len(blocks))]
        self.folds = list(KFold(n_folds, shuffle=True, random_state=seed).split(Z))
        self._grams = [Z[tr].T @ Z[tr] for tr, _ in self.folds]

    def r2(self, column: int, predictors: Sequence[int]) -> float:
        """Out-of-fold R² of block ``column`` predicted from the blocks ``predictors``; NaN
        when the column does not vary within classes or there is nothing to predict from."""
        t = self.blocks[column][self._live[self.blocks[column]]]
        P = [i for p in predictors if p != column for i in self.blocks[p] if self._live[i]]
        if len(t) == 0 or not P:
            return float("nan")
        P = np.asarray(P)
        sse = sst = 0.0
        for (tr, te), G in zip(self.folds, self._grams):
            A = G[np.ix_(P, P)] + _RIDGE * len(tr) * np.eye(len(P))
            beta = np.linalg.solve(A, G[np.ix_(P, t)])
            resid = self.Z[np.ix_(te, t)] - self.Z[np.ix_(te, P)] @ beta
            sse += float((resid ** 2).sum())
            sst += float((self.Z[np.ix_(te, t)] ** 2).sum())
        return 1.0 - sse / sst if sst > 0 else float("nan")


def stand_out(scores: dict[Any, float], candidates: set) -> dict[Any, Any]:
    """Columns far above every column below them: sorted by error (1 - score), the columns
    before the last gap where the error grows at least :data:`STAND_OUT_RATIO` times and by
    :data:`STAND_OUT_GAP`, provided the column just above that gap is a candidate. Returns
    ``{column: the best score below the gap}``.

    >>> stand_out({"a": 0.99, "b": 0.97, "c": 0.70, "d": 0.65}, {"a", "b"})
    {'a': 0.7, 'b': 0.7}
    >>> stand_out({"a": 0.97, "b": 0.96, "c": 0.95}, {"a", "b", "c"})
    {}
    """
    order = sorted(scores, key=lambda c: -scores[c])
    err = [max(1.0 - scores[c], 0.0) for c in order]
    last = -1
    for i in range(len(order) - 1):
        if order[i] in candidates and err[i + 1] >= STAND_OUT_RATIO * max(err[i], 1e-3) \
                and err[i + 1] - err[i] >= STAND_OUT_GAP:
            last = i
    if last < 0:
        return {}
    return {c: round(float(scores[order[last + 1]]), 4) for c in order[:last + 1]}
