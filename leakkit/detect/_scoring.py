"""Single-column predictive power: small models that see one column, scored out of fold.

A column is encoded (numbers, booleans and dates as dense ranks; anything else as category
codes), then predicted by a lookup model (equal-frequency bins or categories, smoothed
class shares or mean target) and, for numbers, a straight-line trend on the ranks; the
better out-of-fold ROC AUC / R² (from :mod:`sklearn.metrics`) is its power.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold

from leakkit._validation import check_int, seed_from

from ._common import resolve_target, resolve_task

_MAX_BINS = 64  # the one-column histogram model has at most 64 bins (plus one for missing)
_SMOOTHING = 1.0  # m-estimate weight of the prior in the per-category lookup


def encode_column(s: pd.Series, column: Any) -> tuple[str, np.ndarray]:
    """("numeric", ranks with NaN) or ("categorical", integer codes with missing as its own code).

    Numbers, booleans, dates and durations become dense ranks (a tree only sees order, and
    ranks survive the tree's float32 cast and infinities); everything else is categorical.
    """
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) or (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)
    ):
        values = s.to_numpy(dtype=float, na_value=np.nan)
    elif pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return "numeric", s.rank(method="dense").to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            codes, _ = pd.factorize(s, use_na_sentinel=False)
        except TypeError as exc:
            raise TypeError(
                f"data: column {column!r} holds values that cannot be compared (e.g. lists or dicts); "
                f"convert them to strings or leave the column out with columns=[...]."
            ) from exc
        return "categorical", codes.astype(np.int64)
    ranks = pd.Series(values).rank(method="dense").to_numpy(dtype=float)
    return "numeric", ranks


def _auc(y_binary: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of ``score`` for the class ``y_binary``; 0.5 when only one class is present."""
    pos = np.asarray(y_binary, dtype=bool)
    if pos.all() or not pos.any():
        return 0.5
    return float(roc_auc_score(pos, score))


def _folds(y: np.ndarray, task: str, cv: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    if task == "classification" and np.bincount(y).min() >= cv:
        splitter: Any = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    else:
        splitter = KFold(n_splits=cv, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros((len(y), 1)), y))


def _n_bins(n_train: int) -> int:
    """Bins of the one-column histogram model: about 20 training rows per bin, at most 64."""
    return min(_MAX_BINS, max(2, n_train // 20))


def _bin_codes(x: np.ndarray, fit_rows: np.ndarray) -> tuple[np.ndarray, int]:
    """Equal-frequency bins learnt on ``x[fit_rows]``, applied to all of ``x``; a missing
    value gets a bin of its own (the last code)."""
    xt = x[fit_rows]
    xt = xt[~np.isnan(xt)]
    if len(xt) == 0:
        edges = np.zeros(0)
    else:
        qs = np.linspace(0.0, 1.0, _n_bins(len(fit_rows)) + 1)[1:-1]
        edges = np.unique(np.quantile(xt, qs))
    codes = np.searchsorted(edges, x, side="right")
    codes[np.isnan(x)] = len(edges) + 1
    return codes, len(edges) + 2


def _lookup(codes_tr: np.ndarray, y_tr: np.ndarray, codes_te: np.ndarray, n_codes: int, task: str,
            n_classes: int) -> np.ndarray:
    """Predict each held-out row from the training rows with the same code: the smoothed
    share of each class (or mean target); a code unseen in training gets the overall share."""
    if task == "classification":
        counts = np.bincount(codes_tr * n_classes + y_tr, minlength=n_codes * n_classes)
        counts = counts.reshape(n_codes, n_classes).astype(float)
        prior = np.bincount(y_tr, minlength=n_classes) / len(y_tr)
        table = (counts + _SMOOTHING * prior) / (counts.sum(axis=1, keepdims=True) + _SMOOTHING)
    else:
        sums = np.bincount(codes_tr, weights=y_tr, minlength=n_codes)
        cnt = np.bincount(codes_tr, minlength=n_codes)
        table = (sums + _SMOOTHING * y_tr.mean()) / (cnt + _SMOOTHING)
    return table[codes_te]


def _oof_predictions(kind: str, x: np.ndarray, y: np.ndarray, task: str, n_classes: int,
                     folds: list) -> np.ndarray:
    """Out-of-fold predictions of a one-column lookup model: every row predicted from the
    other folds only (class probabilities, or values for regression). Numbers are cut into
    bins learnt on the training folds; categories are used as they are."""
    n = len(y)
    oof = np.zeros((n, n_classes)) if task == "classification" else np.zeros(n)
    for tr, te in folds:
        if kind == "categorical":
            codes, n_codes = x, int(x.max()) + 1
        else:
            codes, n_codes = _bin_codes(x, tr)
        oof[te] = _lookup(codes[tr], y[tr], codes[te], n_codes, task, n_classes)
    return oof


def _trend_oof_predictions(x: np.ndarray, y: np.ndarray, task: str, n_classes: int, folds: list) -> np.ndarray:
    """Out-of-fold predictions of a straight-line trend on the ranks ``x``: the direction
    (and, for regression, slope and intercept) is fitted on the training folds; a missing
    value gets the neutral prediction. Catches a steady monotone signal that a tree, cutting
    small data into steps, estimates poorly."""
    n = len(y)
    oof = np.zeros((n, n_classes)) if task == "classification" else np.zeros(n)
    for tr, te in folds:
        xt, yt = x[tr], y[tr]
        ok = ~np.isnan(xt)
        if not ok.any():
            oof[te] = 0.0 if task == "classification" else yt.mean()
            continue
        center = xt[ok].mean()
        xte = np.nan_to_num(x[te] - center, nan=0.0)
        if task == "regression":
            xc = xt[ok] - center
            var = float((xc**2).sum())
            slope = float((xc * (yt[ok] - yt[ok].mean())).sum()) / var if var > 0 else 0.0
            pred = yt[ok].mean() + slope * xte
            pred[np.isnan(x[te])] = yt.mean()
            oof[te] = pred
            continue
        for k in range(n_classes):
            inside = ok & (yt == k)
            outside = ok & (yt != k)
            if inside.any() and outside.any():
                oof[te, k] = np.sign(xt[inside].mean() - xt[outside].mean()) * xte
    return oof


def _score(oof: np.ndarray, y: np.ndarray, task: str, n_classes: int) -> tuple[float, str]:
    """Out-of-fold R² (regression) or ROC AUC, as ``max(auc, 1 - auc)`` (macro one-vs-rest
    for more than two classes), so a column predicting the opposite class counts too."""
    if task == "regression":
        if float(np.var(y)) == 0.0:
            return 0.0, "r2"
        return float(r2_score(y, oof)), "r2"
    if n_classes == 2:
        auc = _auc(y == 1, oof[:, 1])
        return max(auc, 1.0 - auc), "roc_auc"
    # Macro one-vs-rest: the multilabel form of roc_auc_score takes any score per class.
    onehot = y[:, None] == np.arange(n_classes)[None, :]
    present = onehot.any(axis=0) & ~onehot.all(axis=0)
    per_class = np.full(n_classes, 0.5)
    if present.any():
        per_class[present] = roc_auc_score(onehot[:, present], oof[:, present], average=None)
    auc = float(per_class.mean())
    return max(auc, 1.0 - auc), "roc_auc_ovr_macro"


class Problem:
    """The rows, target and folds shared by all columns of one scan."""

    def __init__(self, data: pd.DataFrame, target: Any, *, cv: Any, random_state: Any, task: str,
                 max_rows: Any) -> None:
        self.cv = check_int(cv, "cv", minimum=2)
        max_rows = check_int(max_rows, "max_rows", minimum=2 * self.cv)
        y, self.target_col, self.target_label = resolve_target(data, target)
        self.task = resolve_task(y, task)
        if len(y) < 2 * self.cv:
            raise ValueError(
                f"data: {len(y)} rows are too few for cv={self.cv} folds; pass at least {2 * self.cv} rows or lower cv."
            )
        self.seed = seed_from(random_state)
        if self.task == "classification":
            codes, classes = pd.factorize(y, sort=True)
            self.y = codes.astype(np.int64)
            self.n_classes = len(classes)
        else:
            self.y = y.to_numpy(dtype=float)
            self.n_classes = 0
        self.n_rows_total = len(self.y)
        self.positions = self._subsample(max_rows)
        if self.positions is not None:  # every class keeps at least one row (see _subsample)
            self.y = self.y[self.positions]
        self.folds = _folds(self.y, self.task, self.cv, self.seed)

    def _subsample(self, max_rows: int) -> np.ndarray | None:
        n = len(self.y)
        if n <= max_rows:
            return None
        rng = np.random.default_rng(self.seed)
        if self.task == "regression":
            return np.sort(rng.choice(n, size=max_rows, replace=False))
        frac = max_rows / n
        keep = []
        for k in range(self.n_classes):
            members = np.flatnonzero(self.y == k)
            # Proportional share, but never fewer than cv rows of a class that has them, so
            # every class can be scored in every fold.
            take = min(len(members), max(self.cv, int(round(frac * len(members)))))
            keep.append(rng.choice(members, size=take, replace=False))
        return np.sort(np.concatenate(keep))

    def column(self, data: pd.DataFrame, column: Any) -> pd.Series:
        s = data[column]
        if self.positions is not None:
            s = s.iloc[self.positions]
        return s.reset_index(drop=True)

    def score(self, kind: str, x: np.ndarray) -> tuple[float, str]:
        """Out-of-fold score of one encoded column; for numbers the better of the lookup
        model and the straight-line trend."""
        oof = _oof_predictions(kind, x, self.y, self.task, self.n_classes, self.folds)
        score, metric = _score(oof, self.y, self.task, self.n_classes)
        if kind == "numeric":
            trend = _trend_oof_predictions(x, self.y, self.task, self.n_classes, self.folds)
            score = max(score, _score(trend, self.y, self.task, self.n_classes)[0])
        return score, metric


def fmt_metric(metric: str) -> str:
    return {"roc_auc": "ROC AUC", "roc_auc_ovr_macro": "ROC AUC (macro one-vs-rest)", "r2": "R²"}[metric]
