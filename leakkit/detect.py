"""Data-only scans for direct leakage.

Each scan looks at the data alone (no model of yours is needed) and returns a list of
:class:`~leakkit._findings.Finding` objects; an empty list means the scan found nothing.

- :func:`feature_power` - a single column that predicts the target almost perfectly
  (a field from the future, a status recorded after the event); the full ranking is
  :func:`feature_power_table`.
- :func:`id_columns` - an identifier (customer number, ticket key) whose order predicts
  the target.
- :func:`duplicates` / :func:`duplicate_rows` - rows of the test frame that also sit in
  the training frame, exactly or after rounding/normalising text; :func:`within_duplicates`
  finds repeats inside one frame before you split it.
- :func:`time_overlap` - test rows dated before the latest training row.
- :func:`group_overlap` - groups (patients, stores, users) on both sides of the split.

"The same row" means one thing everywhere in leakkit: equal
:func:`leakkit._rows.row_fingerprints`, confirmed by comparing the actual values (so a
hash collision can never create a false duplicate).

>>> import numpy as np, pandas as pd
>>> from leakkit.detect import duplicates
>>> train = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
>>> test = pd.DataFrame({"a": [2.0, 9.0], "b": ["y", "q"]})
>>> [f.evidence["n_rows"] for f in duplicates(train, test)]
[1]
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata, spearmanr
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils import check_random_state

from leakkit._findings import Finding, capped_rows
from leakkit._rows import row_fingerprints
from leakkit._validation import (
    check_choice,
    check_column,
    check_columns,
    check_fraction,
    check_frame,
    check_int,
    check_no_nan,
    check_same_length,
    check_target,
)

__all__ = [
    "feature_power",
    "feature_power_table",
    "id_columns",
    "duplicates",
    "duplicate_rows",
    "within_duplicates",
    "time_overlap",
    "group_overlap",
    "future_information",
    "MAX_ROWS",
    "NEAR_DECIMALS",
]

#: Rows used to score single-feature power; larger frames are subsampled (stratified, seeded).
MAX_ROWS = 20_000
#: Decimals that ``near=True`` rounds floats to in the duplicate scans.
NEAR_DECIMALS = 6

_TASKS = ("auto", "classification", "regression")
_MAX_CLASSES_AUTO = 20  # integer targets with more distinct values are treated as regression
_MAX_BINS = 64  # the one-column histogram model has at most 64 bins (plus one for missing)
_SMOOTHING = 1.0  # m-estimate weight of the prior in the per-category lookup
_ID_NAME = re.compile(
    r"(^|[_\W])(id|ids|key|uuid|guid|idx|index|number|no|nr)$|^(id|key|uuid|guid)([_\W]|$)|[a-z0-9](Id|ID|Key|Uuid|UUID)$",
)


# --------------------------------------------------------------------------- inputs


def _as_frame(X: Any, name: str) -> pd.DataFrame:
    """A DataFrame (kept as is) or a 2-D numpy array (columns named x0, x1, ...)."""
    if isinstance(X, np.ndarray):
        if X.ndim != 2:
            raise ValueError(
                f"{name}: expected a 2-D array of rows and columns, got {X.ndim} dimension(s); "
                f"pass a DataFrame or reshape a single column with .reshape(-1, 1)."
            )
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    elif not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"{name}: expected a pandas DataFrame or a 2-D numpy array, got {type(X).__name__}; "
            f"wrap your data with pd.DataFrame(...) first."
        )
    check_frame(X, name)
    if X.shape[1] == 0:
        raise ValueError(f"{name}: the DataFrame has no columns; pass a frame with at least one column.")
    dup = X.columns[X.columns.duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"{name}: column name(s) {', '.join(map(repr, dup))} occur more than once; rename them first.")
    return X


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {type(value).__name__} ({value!r}).")
    return bool(value)


def _seed(random_state: Any) -> int:
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return int(random_state) % (2**32)
    try:
        rng = check_random_state(random_state)
    except ValueError as exc:
        raise TypeError(
            f"random_state: expected an int, None or a numpy RandomState, got {type(random_state).__name__}."
        ) from exc
    return int(rng.randint(0, 2**31 - 1))


def _resolve_target(data: pd.DataFrame, target: Any) -> tuple[pd.Series, Any, str]:
    """The target as a Series aligned by position with ``data``, the column it came from
    (or None) and a label for messages."""
    if isinstance(target, (str, int, np.integer)) and not isinstance(target, (bool, np.bool_)):
        col = check_column(data, target, "target")
        y = check_target(data[col].reset_index(drop=True), "target")
        return y, col, f"`{col}`"
    if isinstance(target, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
        y = check_target(target, "target")
        check_same_length(data, y, "data", "target")
        label = f"`{y.name}`" if isinstance(y.name, str) and y.name else "the target"
        return y.reset_index(drop=True), None, label
    raise TypeError(
        f"target: expected a column name of data or a 1-D array/Series of labels, got {type(target).__name__}."
    )


def _resolve_task(y: pd.Series, task: str) -> str:
    check_choice(task, "task", _TASKS)
    numeric = pd.api.types.is_numeric_dtype(y.dtype) and not pd.api.types.is_bool_dtype(y.dtype)
    if task == "regression":
        if not numeric:
            raise TypeError(
                f"target: task='regression' needs a numeric target, got dtype {y.dtype}; "
                f"pass task='classification' or a numeric target."
            )
        return "regression"
    if task == "classification":
        return "classification"
    if not numeric:
        return "classification"
    values = y.to_numpy(dtype=float)
    integral = bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))
    return "classification" if integral and y.nunique() <= _MAX_CLASSES_AUTO else "regression"


def _scan_columns(data: pd.DataFrame, columns: Any, target_col: Any) -> list:
    if columns is None:
        return [c for c in data.columns if c != target_col]
    cols = check_columns(data, columns, "columns")
    if not cols:
        raise ValueError("columns: the list is empty; pass at least one column name, or None for all columns.")
    if target_col is not None and target_col in cols:
        raise ValueError(f"columns: contains the target column {target_col!r}; leave it out (it is what is predicted).")
    return cols


# --------------------------------------------------------------------------- scoring


def _encode_column(s: pd.Series, column: Any) -> tuple[str, np.ndarray]:
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
    pos = y_binary.astype(bool)
    n_pos = int(pos.sum())
    n_neg = len(pos) - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    r = rankdata(score)
    return float((r[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


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
    if task == "regression":
        sst = float(((y - y.mean()) ** 2).sum())
        if sst == 0:
            return 0.0, "r2"
        return 1.0 - float(((y - oof) ** 2).sum()) / sst, "r2"
    if n_classes == 2:
        auc = _auc(y == 1, oof[:, 1])
        return max(auc, 1.0 - auc), "roc_auc"
    auc = float(np.mean([_auc(y == k, oof[:, k]) for k in range(n_classes)]))
    return max(auc, 1.0 - auc), "roc_auc_ovr_macro"


class _Problem:
    """The rows, target and folds shared by all columns of one scan."""

    def __init__(self, data: pd.DataFrame, target: Any, *, cv: Any, random_state: Any, task: str,
                 max_rows: Any) -> None:
        self.cv = check_int(cv, "cv", minimum=2)
        max_rows = check_int(max_rows, "max_rows", minimum=2 * self.cv)
        y, self.target_col, self.target_label = _resolve_target(data, target)
        self.task = _resolve_task(y, task)
        if len(y) < 2 * self.cv:
            raise ValueError(
                f"data: {len(y)} rows are too few for cv={self.cv} folds; pass at least {2 * self.cv} rows or lower cv."
            )
        self.seed = _seed(random_state)
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


def _fmt_metric(metric: str) -> str:
    return {"roc_auc": "ROC AUC", "roc_auc_ovr_macro": "ROC AUC (macro one-vs-rest)", "r2": "R²"}[metric]


# --------------------------------------------------------------------------- feature power


def feature_power_table(
    data: Any,
    target: Any,
    *,
    columns: Sequence | None = None,
    cv: int = 5,
    random_state: Any = 0,
    task: str = "auto",
    max_rows: int = MAX_ROWS,
) -> pd.DataFrame:
    """Cross-validated predictive power of each column on its own, strongest first.

    Each column is scored by small models that see only that column, judged on rows they
    were not fitted on (``cv``-fold out-of-fold predictions):

    - a lookup model: numbers, booleans and dates are cut into up to 64 equal-frequency
      bins (about 20 training rows each on small data), learnt on the training folds;
      text and categories are used as they are. Each bin or category predicts the
      smoothed share of each class (the mean target for regression) among its training
      rows; a category unseen in training gets the overall share. Missing values are a bin
      of their own, because *being missing* leaks too (a field filled in only after the
      event). This catches any shape of relationship.
    - for numbers, also a straight-line trend on the column's ranks (its direction, or
      slope, fitted on the training folds), which estimates a steady monotone signal more
      precisely on small data. The better of the two scores is reported.

    Classification is scored with ROC AUC (macro one-vs-rest for more than two classes),
    reported as ``max(auc, 1 - auc)`` so a column that predicts the *opposite* class counts
    too; regression with out-of-fold R². Frames with more than ``max_rows`` rows are
    subsampled first (stratified by class, at least ``cv`` rows of every class, seeded by
    ``random_state``): the score is an estimate, and that keeps a 100,000 x 50 scan to a
    few seconds. A free-text column is scored as categories, so a leak hidden in the
    words of unique texts is not seen here.

    Parameters
    ----------
    data : DataFrame or 2-D array
        The features (array columns are named ``x0``, ``x1``, ...).
    target : str or array-like
        The name of the target column in ``data``, or the labels (one per row, by position).
    columns : list of column names, optional
        Columns to score; default all but the target.
    cv : int, default 5
        Number of folds.
    random_state : int, RandomState or None, default 0
        Seeds the subsample and the folds.
    task : {"auto", "classification", "regression"}
        ``"auto"``: classification for text, boolean, categorical or integer targets with at
        most 20 distinct values; regression otherwise.
    max_rows : int, default 20,000
        Rows scored at most (a little more when a rare class is topped up to ``cv`` rows).

    Returns
    -------
    DataFrame with columns ``column``, ``score``, ``metric``, sorted by score, highest first.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> df = pd.DataFrame({"noise": rng.normal(size=400), "closed_days": y * 30 + rng.integers(0, 5, 400)})
    >>> table = feature_power_table(df, y)
    >>> table["column"].tolist()
    ['closed_days', 'noise']
    >>> bool(table["score"].iloc[0] > 0.99), table["metric"].iloc[0]
    (True, 'roc_auc')
    """
    data = _as_frame(data, "data")
    problem = _Problem(data, target, cv=cv, random_state=random_state, task=task, max_rows=max_rows)
    cols = _scan_columns(data, columns, problem.target_col)
    rows = []
    for col in cols:
        kind, x = _encode_column(problem.column(data, col), col)
        score, metric = problem.score(kind, x)
        rows.append((col, score, metric))
    table = pd.DataFrame(rows, columns=["column", "score", "metric"])
    table["score"] = table["score"].astype(float)
    return table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def feature_power(
    data: Any,
    target: Any,
    *,
    columns: Sequence | None = None,
    cv: int = 5,
    threshold: float = 0.9,
    random_state: Any = 0,
    task: str = "auto",
    max_rows: int = MAX_ROWS,
) -> list[Finding]:
    """Flag columns that predict the target almost perfectly on their own.

    A single column with cross-validated ROC AUC (or R²) of ``threshold`` or more is
    rarely an honest feature: usually it is recorded after the outcome (a cancellation
    date for churn, a discharge code for diagnosis) or derived from the target. Scoring is
    that of :func:`feature_power_table` (see there, including the subsampling to
    ``max_rows`` rows).

    Parameters
    ----------
    data, target, columns, cv, random_state, task, max_rows
        As in :func:`feature_power_table`.
    threshold : float in [0, 1], default 0.9
        Columns scoring at least this are reported with severity ``"fail"``.

    Returns
    -------
    list of Finding
        One ``"feature_power"`` finding per flagged column, strongest first; empty when no
        column reaches ``threshold``. ``evidence`` holds ``score``, ``metric``,
        ``threshold``, ``missing_fraction`` and, when the column has gaps,
        ``missing_score`` (the power of "is it missing?" alone).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> churned = rng.integers(0, 2, 500)
    >>> df = pd.DataFrame({
    ...     "tenure": rng.normal(size=500) + 0.5 * churned,           # honest, modest signal
    ...     "account_closed_days": np.where(churned == 1, rng.integers(1, 60, 500), np.nan),
    ...     "churned": churned,
    ... })
    >>> findings = feature_power(df, "churned")
    >>> [(f.columns, f.severity) for f in findings]
    [(('account_closed_days',), 'fail')]
    >>> print(findings[0].message.split(" — ")[0])
    `account_closed_days` alone predicts `churned` with ROC AUC 1.00
    """
    threshold = check_fraction(threshold, "threshold")
    data = _as_frame(data, "data")
    problem = _Problem(data, target, cv=cv, random_state=random_state, task=task, max_rows=max_rows)
    cols = _scan_columns(data, columns, problem.target_col)
    findings = []
    for col in cols:
        s = problem.column(data, col)
        kind, x = _encode_column(s, col)
        score, metric = problem.score(kind, x)
        if score < threshold:
            continue
        missing = s.isna().to_numpy()
        evidence: dict[str, Any] = {
            "score": round(score, 4), "metric": metric, "threshold": threshold,
            "cv": problem.cv, "n_rows_scored": len(problem.y), "n_rows_total": problem.n_rows_total,
            "missing_fraction": round(float(missing.mean()), 4),
        }
        message = (
            f"`{col}` alone predicts {problem.target_label} with {_fmt_metric(metric)} {score:.2f} — "
            f"a single column this predictive is usually a leak: could it exist at prediction time? "
            f"If it is recorded after the outcome or derived from it (a future field, a post-event status), "
            f"drop it from the features; keep it only if you are sure it is known when you predict."
        )
        if missing.any() and not missing.all():
            miss_score, _ = problem.score("categorical", missing.astype(np.int64))
            evidence["missing_score"] = round(miss_score, 4)
            if miss_score >= threshold:
                message += (
                    f" Whether it is missing already predicts {problem.target_label} with "
                    f"{_fmt_metric(metric)} {miss_score:.2f}: a field filled in only after the event leaks through its gaps."
                )
        findings.append(Finding("feature_power", "fail", message, columns=(col,), evidence=evidence))
    findings.sort(key=lambda f: -f.evidence["score"])
    return findings


# --------------------------------------------------------------------------- ID columns


def _id_profile(s: pd.Series, name: Any, unique_fraction: float) -> dict[str, Any] | None:
    """Why ``s`` looks like an identifier (a dict) or None. Only integer-valued numbers and
    short text without spaces can be IDs; measurements, booleans and dates cannot."""
    nonnull = s.dropna()
    if len(nonnull) < 2:
        return None
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype) \
            or pd.api.types.is_timedelta64_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        return None
    numeric = pd.api.types.is_numeric_dtype(dtype)
    if numeric:
        values = nonnull.to_numpy(dtype=float)
        if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
            return None
    else:
        if not all(isinstance(v, str) for v in nonnull.iloc[:1000]):
            return None
        text = nonnull.astype(str)
        if text.str.contains(r"\s", regex=True).any():
            return None
    uniq = nonnull.nunique() / len(nonnull)
    reasons = []
    if uniq >= unique_fraction:
        reasons.append(f"{uniq:.0%} of its values are unique")
    name_hit = isinstance(name, str) and bool(_ID_NAME.search(name))
    if name_hit and uniq >= 0.5:
        reasons.append("its name looks like an identifier")
    rho = None
    if numeric and uniq >= 0.5:
        positions = np.flatnonzero(s.notna().to_numpy())
        rho = float(spearmanr(positions, values).statistic)
        if np.isfinite(rho) and abs(rho) >= 0.95:
            reasons.append("it rises or falls with the row order, like a counter")
    if not reasons:
        return None
    return {"reasons": reasons, "unique_fraction": round(float(uniq), 4), "numeric": numeric,
            "row_order_spearman": None if rho is None or not np.isfinite(rho) else round(rho, 4)}


def _id_order(s: pd.Series, numeric: bool) -> tuple[np.ndarray, str]:
    """The order of an ID as numbers: its value, the number inside it (C-00123 -> 123) or
    its alphabetical rank."""
    if numeric:
        return s.to_numpy(dtype=float, na_value=np.nan), "value"
    text = s.astype(object)
    digits = s.astype(str).str.extract(r"(\d+)\D*$", expand=False)
    has = digits.notna() | s.isna()
    if bool(has.all()):
        return pd.to_numeric(digits, errors="coerce").to_numpy(dtype=float), "digits"
    ranks = pd.Series(text).rank(method="dense").to_numpy(dtype=float)
    return ranks, "alphabetical rank"


def id_columns(
    data: Any,
    target: Any,
    *,
    threshold: float = 0.75,
    columns: Sequence | None = None,
    unique_fraction: float = 0.95,
    cv: int = 5,
    random_state: Any = 0,
    task: str = "auto",
    max_rows: int = MAX_ROWS,
) -> list[Finding]:
    """Flag identifier columns whose order predicts the target.

    A column is ID-like when it holds integer numbers or short text without spaces and at
    least one of: ``unique_fraction`` or more of its values are distinct; its name looks
    like an ID (``id``, ``*_id``, ``key``, ``uuid``, ``*_number``, ``customerId``, ...) and
    at least half its values are distinct; at least half its values are distinct and it
    rises or falls with the row order (Spearman |rho| >= 0.95), like a counter. An honest ID
    carries no information about the outcome, so its *order* (the number itself, the
    number inside a text ID such as ``C-00123``, or else its alphabetical rank) should not
    predict the target. When it does (cross-validated ROC AUC or R² of ``threshold`` or
    more, scored as in :func:`feature_power_table`), the IDs were assigned by a process
    tied to the outcome (a new numbering range for closed accounts, sign-up order with a
    trend) and a model can learn that process. ID-like columns that do not predict the
    target are not reported.

    Parameters
    ----------
    data, target, columns, cv, random_state, task, max_rows
        As in :func:`feature_power_table`.
    threshold : float in [0, 1], default 0.75
        Lower than :func:`feature_power`'s because an ID should not predict anything.
    unique_fraction : float in [0, 1], default 0.95
        Share of distinct values that makes a column ID-like on its own.

    Returns
    -------
    list of Finding
        One ``"id_column"`` finding (severity ``"fail"``) per flagged column, strongest first.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 200)                       # churners were numbered last
    >>> df = pd.DataFrame({"customer_id": np.arange(400), "order_ref": rng.permutation(400),
    ...                    "spend": rng.normal(size=400)})
    >>> [(f.columns, f.severity) for f in id_columns(df, y)]
    [(('customer_id',), 'fail')]
    """
    threshold = check_fraction(threshold, "threshold")
    unique_fraction = check_fraction(unique_fraction, "unique_fraction")
    data = _as_frame(data, "data")
    problem = _Problem(data, target, cv=cv, random_state=random_state, task=task, max_rows=max_rows)
    cols = _scan_columns(data, columns, problem.target_col)
    findings = []
    for col in cols:
        profile = _id_profile(data[col], col, unique_fraction)
        if profile is None:
            continue
        order, encoding = _id_order(problem.column(data, col), profile["numeric"])
        x = pd.Series(order).rank(method="dense").to_numpy(dtype=float)
        score, metric = problem.score("numeric", x)
        if score < threshold:
            continue
        why = "; ".join(profile["reasons"])
        message = (
            f"`{col}` looks like an identifier ({why}), yet its order ({encoding}) alone predicts "
            f"{problem.target_label} with {_fmt_metric(metric)} {score:.2f} — IDs handed out by a process tied to the "
            f"outcome (a new numbering range, sign-up order with a trend) let a model learn the process instead of "
            f"the case. Drop `{col}` from the features; keep it only to join or group rows."
        )
        evidence = {"score": round(score, 4), "metric": metric, "threshold": threshold, "encoding": encoding,
                    "reasons": profile["reasons"], "unique_fraction": profile["unique_fraction"],
                    "row_order_spearman": profile["row_order_spearman"], "cv": problem.cv,
                    "n_rows_scored": len(problem.y), "n_rows_total": problem.n_rows_total}
        findings.append(Finding("id_column", "fail", message, columns=(col,), evidence=evidence))
    findings.sort(key=lambda f: -f.evidence["score"])
    return findings


# --------------------------------------------------------------------------- duplicates


def _near_options(decimals: Any, normalize_text: Any, near: Any) -> tuple[int | None, bool]:
    near = _check_bool(near, "near")
    normalize_text = _check_bool(normalize_text, "normalize_text")
    if decimals is not None:
        decimals = check_int(decimals, "decimals")
    if near:
        decimals = NEAR_DECIMALS if decimals is None else decimals
        normalize_text = True
    return decimals, normalize_text


def _paired_frames(train: Any, test: Any, columns: Any) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    train = _as_frame(train, "train")
    test = _as_frame(test, "test")
    if columns is None:
        cols = list(train.columns)
        only_train = [c for c in cols if c not in test.columns]
        only_test = [c for c in test.columns if c not in train.columns]
        if only_train or only_test:
            raise ValueError(
                f"train and test: their columns differ (only in train: {only_train[:10]}; only in test: "
                f"{only_test[:10]}); pass columns=[...] with the columns to compare."
            )
    else:
        cols = check_columns(train, columns, "columns", frame_name="train")
        check_columns(test, cols, "columns", frame_name="test")
        if not cols:
            raise ValueError("columns: the list is empty; pass at least one column name, or None for all columns.")
    a = train if cols == list(train.columns) else train[cols]
    b = test if cols == list(test.columns) else test[cols]
    return a, b, cols


def _comparable(s: pd.Series, decimals: int | None, normalize_text: bool) -> np.ndarray:
    """The values of ``s`` as :func:`leakkit._rows.row_fingerprints` sees them: numbers as
    float64 (rounded to ``decimals``), dates as nanosecond ticks, text normalised if asked,
    other values as objects."""
    dtype = s.dtype
    categorical = isinstance(dtype, pd.CategoricalDtype)
    if not categorical and (pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype)) \
            and not pd.api.types.is_complex_dtype(dtype) and not (pd.api.types.is_bool_dtype(dtype) and s.isna().any()):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return (np.round(v, decimals) if decimals is not None else v) + 0.0
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return s.to_numpy(dtype="datetime64[ns]").view(np.int64)
    v = s.to_numpy(dtype=object)
    out = np.empty(len(v), dtype=object)
    for i, x in enumerate(v):
        if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)):
            out[i] = float(x) + 0.0
        elif normalize_text and isinstance(x, str):
            out[i] = " ".join(x.lower().split())
        else:
            out[i] = x
    return out


def _rows_equal(left: pd.DataFrame, li: np.ndarray, right: pd.DataFrame, ri: np.ndarray,
                decimals: int | None, normalize_text: bool) -> np.ndarray:
    """Row ``li[k]`` of ``left`` equals row ``ri[k]`` of ``right``, column by column in
    order, after the normalisation the fingerprints use; a missing value equals a missing one."""
    eq = np.ones(len(li), dtype=bool)
    if len(li) == 0:
        return eq
    for j in range(left.shape[1]):
        a = _comparable(left.iloc[li, j], decimals, normalize_text)
        b = _comparable(right.iloc[ri, j], decimals, normalize_text)
        na_a, na_b = pd.isna(a), pd.isna(b)
        same = na_a & na_b
        both = ~(na_a | na_b)
        if both.any():
            same[both] = np.asarray(a[both] == b[both], dtype=bool)
        eq &= same
        if not eq.any():
            break
    return eq


_CHUNK = 1 << 17  # rows hashed at a time: keeps the hashing buffers small (about 20 MB at 20 columns)


def _fingerprints(frame: pd.DataFrame, decimals: int | None, normalize_text: bool) -> np.ndarray:
    """:func:`leakkit._rows.row_fingerprints`, computed on blocks of rows (rows hash
    independently, so the result is the same; only the peak memory is smaller)."""
    n = len(frame)
    if n <= _CHUNK:
        return row_fingerprints(frame, decimals=decimals, normalize_text=normalize_text)
    out = np.empty(n, dtype=np.uint64)
    for start in range(0, n, _CHUNK):
        block = frame.iloc[start:start + _CHUNK]
        out[start:start + len(block)] = row_fingerprints(block, decimals=decimals, normalize_text=normalize_text)
    return out


class _Matches:
    """Which test rows equal which train rows: a hash join on row fingerprints, with every
    candidate confirmed by comparing values. Memory stays linear in the rows involved."""

    def __init__(self, train: pd.DataFrame, test: pd.DataFrame, decimals: int | None, normalize_text: bool):
        fp_train = _fingerprints(train, decimals, normalize_text)
        fp_test = _fingerprints(test, decimals, normalize_text)
        self.n_train, self.n_test = len(fp_train), len(fp_test)
        order = np.argsort(fp_train, kind="stable")
        sorted_fp = fp_train[order]
        del fp_train
        self.n_distinct_train = int(np.count_nonzero(np.diff(sorted_fp))) + 1 if len(sorted_fp) else 0
        lo = np.searchsorted(sorted_fp, fp_test, side="left")
        hi = np.searchsorted(sorted_fp, fp_test, side="right")
        del sorted_fp, fp_test
        cand = np.flatnonzero(hi > lo)  # test rows whose fingerprint occurs in train
        self.collisions_rejected = 0
        # Per candidate test row: [start, stop) in `order` of the train rows it equals.
        starts, stops = lo[cand], hi[cand]
        groups, first = np.unique(starts, return_index=True)
        group_stop = stops[first]
        sizes = group_stop - groups
        # Confirm each train row of a matched group equals the group's first row.
        members = order[np.repeat(groups, sizes) + _ranges(sizes)]
        reps = order[np.repeat(groups, sizes)]
        member_ok = _rows_equal(train, members, train, reps, decimals, normalize_text)
        # Per group: does every member equal the first one? (false only after a collision)
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        clean_group = np.logical_and.reduceat(member_ok, bounds[:-1]) if len(sizes) else np.ones(0, bool)
        group_of_cand = np.searchsorted(groups, starts)
        clean = clean_group[group_of_cand]
        # Clean groups: a test row equals all members iff it equals the first one.
        ok = _rows_equal(test, cand[clean], train, order[starts[clean]], decimals, normalize_text)
        self.test_rows = [cand[clean][ok]]
        self.copies = [sizes[group_of_cand[clean][ok]]]
        self.pair_spans = [(cand[clean][ok], starts[clean][ok], stops[clean][ok])]
        # A test row that differs from its group's rows despite an equal fingerprint: a collision.
        self.collisions_rejected += int(sizes[group_of_cand[clean][~ok]].sum())
        self.extra_pairs: list[tuple[np.ndarray, np.ndarray]] = []
        # Groups mixing different rows under one fingerprint: compare every pair.
        dirty_cands = cand[~clean]
        if len(dirty_cands):
            dstarts, dstops = starts[~clean], stops[~clean]
            dsizes = dstops - dstarts
            t_idx = np.repeat(dirty_cands, dsizes)
            r_idx = order[np.repeat(dstarts, dsizes) + _ranges(dsizes)]
            pair_ok = _rows_equal(test, t_idx, train, r_idx, decimals, normalize_text)
            self.collisions_rejected += int((~pair_ok).sum())
            t_ok, r_ok = t_idx[pair_ok], r_idx[pair_ok]
            self.extra_pairs.append((r_ok, t_ok))
            rows, counts = np.unique(t_ok, return_counts=True)
            self.test_rows.append(rows)
            self.copies.append(counts)
        self.order = order
        test_rows = np.concatenate(self.test_rows)
        copies = np.concatenate(self.copies)
        sort = np.argsort(test_rows, kind="stable")
        self.test_rows_sorted = test_rows[sort]
        self.copies_sorted = copies[sort]

    @property
    def n_pairs(self) -> int:
        return int(self.copies_sorted.sum())

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        t, s, e = self.pair_spans[0]
        sizes = e - s
        train_rows = [self.order[np.repeat(s, sizes) + _ranges(sizes)]]
        test_rows = [np.repeat(t, sizes)]
        for r, tt in self.extra_pairs:
            train_rows.append(r)
            test_rows.append(tt)
        tr, te = np.concatenate(train_rows), np.concatenate(test_rows)
        sort = np.lexsort((tr, te))
        return tr[sort], te[sort]


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """0..s-1 for each s in ``sizes``, concatenated."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def duplicate_rows(
    train: Any,
    test: Any,
    *,
    columns: Sequence | None = None,
    decimals: int | None = None,
    normalize_text: bool = False,
    near: bool = False,
) -> pd.DataFrame:
    """Every (train row, test row) pair whose values are equal, by position.

    Exact equality by default (missing equals missing). For near-duplicates, round floats
    to ``decimals`` places and/or compare text lower-cased with white space collapsed
    (``normalize_text``); ``near=True`` is shorthand for ``decimals=6`` (unless given) and
    ``normalize_text=True``. Rounding puts values that straddle a rounding boundary
    (0.1234565 vs 0.1234575 at 6 decimals) on different sides: it finds copies that were
    re-saved with less precision, not every pair of close values.

    The scan is a hash join on :func:`leakkit._rows.row_fingerprints` (sort and binary
    search on 64-bit integers), and every candidate pair is then confirmed by comparing the
    actual values, so a hash collision cannot produce a false pair. Integer and float
    columns holding the same numbers compare equal (an ``int`` column on one side and a
    ``float`` column on the other).

    Parameters
    ----------
    train, test : DataFrame or 2-D array
        The two frames; by default they must have the same columns (in any order).
    columns : list of column names, optional
        Compare on these columns only (e.g. the features, leaving out an ID and the target).
    decimals : int, optional
    normalize_text : bool, default False
    near : bool, default False

    Returns
    -------
    DataFrame with int64 columns ``train_row`` and ``test_row`` (positions), one row per
    pair, sorted by ``test_row`` then ``train_row``. Its ``attrs`` hold the counts
    ``n_test_rows_with_copy``, ``n_train_rows_with_copy``, ``n_pairs``, ``n_test``,
    ``n_train``.

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"name": ["Ann Lee", "Bo", "Cy"], "age": [31.0, 40.0, 22.0]})
    >>> test = pd.DataFrame({"name": ["ann  lee", "Cy"], "age": [31.0000001, 22.0]})
    >>> duplicate_rows(train, test).to_dict("list")
    {'train_row': [2], 'test_row': [1]}
    >>> duplicate_rows(train, test, near=True).to_dict("list")
    {'train_row': [0, 2], 'test_row': [0, 1]}
    """
    decimals, normalize_text = _near_options(decimals, normalize_text, near)
    a, b, _ = _paired_frames(train, test, columns)
    m = _Matches(a, b, decimals, normalize_text)
    tr, te = m.pairs()
    out = pd.DataFrame({"train_row": tr.astype(np.int64), "test_row": te.astype(np.int64)})
    out.attrs.update({
        "n_test_rows_with_copy": len(m.test_rows_sorted), "n_train_rows_with_copy": int(len(np.unique(tr))),
        "n_pairs": m.n_pairs, "n_test": m.n_test, "n_train": m.n_train,
    })
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %" if x >= 0.001 or x == 0 else f"{100 * x:.3f} %"


def duplicates(
    train: Any,
    test: Any,
    *,
    columns: Sequence | None = None,
    decimals: int | None = None,
    normalize_text: bool = False,
    near: bool = False,
    fail_fraction: float = 0.01,
) -> list[Finding]:
    """Report test rows that also appear in the training frame.

    A model can memorise rows it was trained on, so copies in the test set make the test
    score a score on seen data. Matching is that of :func:`duplicate_rows` (exact by
    default; ``decimals``, ``normalize_text`` or ``near=True`` for near-duplicates).

    Parameters
    ----------
    train, test, columns, decimals, normalize_text, near
        As in :func:`duplicate_rows`.
    fail_fraction : float in [0, 1], default 0.01
        Severity is ``"fail"`` when at least this share of test rows has a copy in train,
        ``"warn"`` when fewer do.

    Returns
    -------
    list of Finding
        Empty when no test row has a copy; otherwise one ``"duplicates"`` finding whose
        ``rows`` are test positions (the first 1,000) and whose ``evidence`` holds
        ``n_rows`` (test rows with a copy), ``fraction``, ``n_pairs``, ``n_test``,
        ``n_train``, ``n_distinct_train``, ``collisions_rejected`` and a few example pairs.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> train = rng.normal(size=(100, 3))
    >>> test = np.vstack([rng.normal(size=(45, 3)), train[:5]])
    >>> [f] = duplicates(train, test)
    >>> f.severity, f.evidence["n_rows"], f.evidence["fraction"], f.rows
    ('fail', 5, 0.1, (45, 46, 47, 48, 49))
    """
    fail_fraction = check_fraction(fail_fraction, "fail_fraction")
    decimals, normalize_text = _near_options(decimals, normalize_text, near)
    a, b, cols = _paired_frames(train, test, columns)
    m = _Matches(a, b, decimals, normalize_text)
    n = len(m.test_rows_sorted)
    if n == 0:
        return []
    frac = n / m.n_test
    how = "exact copies" if decimals is None and not normalize_text else (
        "copies after " + " and ".join(
            ([f"rounding floats to {decimals} decimals"] if decimals is not None else [])
            + (["normalising text"] if normalize_text else [])))
    message = (
        f"{n:,} of {m.n_test:,} test rows ({_pct(frac)}) also appear in train ({how}, compared on "
        f"{len(cols)} column{'s' if len(cols) != 1 else ''}) — a model can memorise these rows, so the test score "
        f"overstates how it does on new data. Fix: drop duplicates before splitting (df.drop_duplicates()), or "
        f"split by entity (GroupShuffleSplit / GroupKFold) so all copies of one record stay on one side."
    )
    if m.n_distinct_train < 0.5 * m.n_train:
        message += (
            f" Note: train has only {m.n_distinct_train:,} distinct rows out of {m.n_train:,}; with so few distinct "
            f"values some matches may be genuine repeats rather than copied records."
        )
    tr, te = (m.pairs() if m.n_pairs <= 1_000_000 else (np.zeros(0, int), np.zeros(0, int)))
    examples = [[int(r), int(t)] for r, t in zip(tr[:5], te[:5])]
    evidence = {
        "n_rows": n, "fraction": round(frac, 6), "n_pairs": m.n_pairs, "n_test": m.n_test, "n_train": m.n_train,
        "n_distinct_train": m.n_distinct_train, "collisions_rejected": m.collisions_rejected,
        "decimals": decimals, "normalize_text": normalize_text, "example_pairs_train_test": examples,
    }
    severity = "fail" if frac >= fail_fraction else "warn"
    return [Finding("duplicates", severity, message, columns=tuple(cols),
                    rows=capped_rows(m.test_rows_sorted), evidence=evidence)]


def within_duplicates(
    data: Any,
    *,
    columns: Sequence | None = None,
    decimals: int | None = None,
    normalize_text: bool = False,
    near: bool = False,
) -> list[Finding]:
    """Report rows that repeat an earlier row of the same frame.

    Run it *before* splitting: a random split sends copies of one record to both sides.
    Matching is that of :func:`duplicate_rows`.

    Returns
    -------
    list of Finding
        Empty when every row is distinct; otherwise one ``"within_duplicates"`` finding
        (severity ``"warn"``) whose ``rows`` are the positions of the repeats (each after
        the first occurrence; the first 1,000) and ``evidence["n_rows"]`` their count.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 1, 1], "b": ["x", "y", "x", "z"]})
    >>> [f] = within_duplicates(df)
    >>> f.rows, f.evidence["n_rows"]
    ((2,), 1)
    """
    decimals, normalize_text = _near_options(decimals, normalize_text, near)
    data = _as_frame(data, "data")
    cols = list(data.columns) if columns is None else check_columns(data, columns, "columns")
    if not cols:
        raise ValueError("columns: the list is empty; pass at least one column name, or None for all columns.")
    frame = data if cols == list(data.columns) else data[cols]
    fp = _fingerprints(frame, decimals, normalize_text)
    order = np.argsort(fp, kind="stable")  # stable: within a group, earlier rows first
    sfp = fp[order]
    new_group = np.concatenate([[True], sfp[1:] != sfp[:-1]])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(sfp)), 0))
    later = np.flatnonzero(~new_group)
    if len(later) == 0:
        return []
    rows, firsts = order[later], order[group_start[later]]
    ok = _rows_equal(frame, rows, frame, firsts, decimals, normalize_text)
    repeats = set(rows[ok].tolist())
    # Rows that share a fingerprint with, but differ from, their group's first row (a hash
    # collision): compare them with each other the slow, exact way.
    odd = rows[~ok]
    if len(odd):
        odd = np.sort(odd)
        sub = pd.DataFrame({j: _comparable(frame.iloc[odd, j], decimals, normalize_text)
                            for j in range(frame.shape[1])})
        dup = sub.duplicated(keep="first").to_numpy()
        repeats.update(odd[dup].tolist())
    repeats_arr = np.array(sorted(repeats), dtype=np.int64)
    if len(repeats_arr) == 0:
        return []
    n = len(repeats_arr)
    message = (
        f"{n:,} of {len(frame):,} rows ({_pct(n / len(frame))}) repeat an earlier row — if you split this frame at "
        f"random, copies of one record land in both train and test and the test score rewards memorising. Fix: "
        f"drop duplicates before splitting (df.drop_duplicates()), or split by entity (GroupShuffleSplit / GroupKFold)."
    )
    evidence = {"n_rows": n, "fraction": round(n / len(frame), 6), "n": len(frame), "decimals": decimals,
                "normalize_text": normalize_text}
    return [Finding("within_duplicates", "warn", message, columns=tuple(cols), rows=capped_rows(repeats_arr),
                    evidence=evidence)]


# --------------------------------------------------------------------------- time and groups


def _overlap_column(train: Any, test: Any, column: Any, argname: str) -> tuple[pd.Series, pd.Series]:
    train = _as_frame(train, "train")
    test = _as_frame(test, "test")
    check_column(train, column, argname, frame_name="train")
    check_column(test, column, argname, frame_name="test")
    check_no_nan(train, [column], "train")
    check_no_nan(test, [column], "test")
    return train[column].reset_index(drop=True), test[column].reset_index(drop=True)


def _plain(value: Any) -> Any:
    """A value for evidence: Python scalars, ISO strings for dates, str for anything else."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def time_overlap(train: Any, test: Any, time_column: Any, *, fail_fraction: float = 0.01) -> list[Finding]:
    """Report test rows dated before the latest training row.

    A model used for real only ever has the past. When the test set holds rows older than
    some training rows, the model was trained on their future, and the test score is
    optimistic wherever patterns change over time.

    Parameters
    ----------
    train, test : DataFrame or 2-D array
    time_column : column name
        A datetime, timedelta or numeric column (e.g. a day index) present in both frames,
        without missing values.
    fail_fraction : float in [0, 1], default 0.01
        Severity is ``"fail"`` when at least this share of test rows is older than the
        latest training row, ``"warn"`` when fewer are.

    Returns
    -------
    list of Finding
        Empty when every test row is at or after the latest training row; otherwise one
        ``"time_overlap"`` finding whose ``rows`` are those test positions (the first 1,000)
        and whose ``evidence`` holds ``n_rows``, ``fraction``, both date ranges and
        ``n_train_rows_after_test_start``.

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"day": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-09"])})
    >>> test = pd.DataFrame({"day": pd.to_datetime(["2024-01-03", "2024-01-10"])})
    >>> [f] = time_overlap(train, test, "day")
    >>> f.rows, f.evidence["train_max"]
    ((0,), '2024-01-09T00:00:00')
    >>> time_overlap(train.iloc[:2], test.iloc[1:], "day")
    []
    """
    fail_fraction = check_fraction(fail_fraction, "fail_fraction")
    a, b = _overlap_column(train, test, time_column, "time_column")
    kinds = []
    for s, side in ((a, "train"), (b, "test")):
        d = s.dtype
        if pd.api.types.is_datetime64_any_dtype(d):
            kinds.append(("datetime", getattr(d, "tz", None) is not None))
        elif pd.api.types.is_timedelta64_dtype(d):
            kinds.append(("timedelta", False))
        elif pd.api.types.is_numeric_dtype(d) and not pd.api.types.is_bool_dtype(d) \
                and not pd.api.types.is_complex_dtype(d):
            kinds.append(("number", False))
        else:
            raise TypeError(
                f"time_column: column {time_column!r} of {side} has dtype {d}, not a date or a number; convert it "
                f"first, e.g. {side}[{time_column!r}] = pd.to_datetime({side}[{time_column!r}])."
            )
    if kinds[0] != kinds[1]:
        raise TypeError(
            f"time_column: column {time_column!r} is {a.dtype} in train but {b.dtype} in test; "
            f"convert both to the same kind (both dates with or without a time zone, or both numbers)."
        )
    train_max = a.max()
    before = (b < train_max).to_numpy()
    n = int(before.sum())
    if n == 0:
        return []
    frac = n / len(b)
    rng_train = f"{_plain(a.min())} to {_plain(train_max)}"
    rng_test = f"{_plain(b.min())} to {_plain(b.max())}"
    message = (
        f"{n:,} of {len(b):,} test rows ({_pct(frac)}) are dated before the latest training row "
        f"(`{time_column}`: train spans {rng_train}, test spans {rng_test}) — the model was trained on the future "
        f"of these rows, which it never has when it predicts for real, so the test score is optimistic wherever "
        f"patterns drift. Fix: split by time — train on rows before a cutoff and test on rows after it "
        f"(TimeSeriesSplit, with a gap if features look back in time, for cross-validation)."
    )
    evidence = {
        "n_rows": n, "fraction": round(frac, 6), "n_test": len(b), "n_train": len(a),
        "train_min": _plain(a.min()), "train_max": _plain(train_max),
        "test_min": _plain(b.min()), "test_max": _plain(b.max()),
        "n_train_rows_after_test_start": int((a > b.min()).sum()),
    }
    severity = "fail" if frac >= fail_fraction else "warn"
    return [Finding("time_overlap", severity, message, columns=(time_column,),
                    rows=capped_rows(np.flatnonzero(before)), evidence=evidence)]


def group_overlap(train: Any, test: Any, group_column: Any, *, fail_fraction: float = 0.01) -> list[Finding]:
    """Report groups (patients, users, stores) that have rows in both train and test.

    Rows of one group are alike, so a model scored on groups it has already seen looks
    better than it will on new groups. (If you will only ever predict for groups you
    trained on, the overlap is intended; split by time within groups instead.)

    Parameters
    ----------
    train, test : DataFrame or 2-D array
    group_column : column name
        Present in both frames, without missing values.
    fail_fraction : float in [0, 1], default 0.01
        Severity is ``"fail"`` when at least this share of test rows belongs to a shared
        group, ``"warn"`` when fewer do.

    Returns
    -------
    list of Finding
        Empty when no group is shared; otherwise one ``"group_overlap"`` finding whose
        ``rows`` are the test positions in shared groups (the first 1,000) and whose
        ``evidence`` holds ``n_shared_groups``, ``n_train_groups``, ``n_test_groups``,
        ``n_rows`` (test rows in shared groups), ``n_train_rows_in_shared_groups``,
        ``fraction`` and up to 10 ``example_groups``.

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"patient": ["p1", "p1", "p2", "p3"]})
    >>> test = pd.DataFrame({"patient": ["p3", "p4", "p3"]})
    >>> [f] = group_overlap(train, test, "patient")
    >>> f.evidence["n_shared_groups"], f.rows, f.evidence["example_groups"]
    (1, (0, 2), ['p3'])
    """
    fail_fraction = check_fraction(fail_fraction, "fail_fraction")
    a, b = _overlap_column(train, test, group_column, "group_column")
    try:
        in_train = b.isin(pd.unique(a)).to_numpy()
    except TypeError as exc:
        raise TypeError(
            f"group_column: column {group_column!r} holds values that cannot be compared (e.g. lists); "
            f"convert them to strings or numbers first."
        ) from exc
    n = int(in_train.sum())
    if n == 0:
        return []
    shared = pd.unique(b[in_train])
    n_shared, n_test_groups, n_train_groups = len(shared), int(b.nunique()), int(a.nunique())
    n_train_rows = int(a.isin(shared).sum())
    frac = n / len(b)
    message = (
        f"{n_shared:,} of {n_test_groups:,} `{group_column}` groups in test also appear in train "
        f"({n:,} of {len(b):,} test rows, {_pct(frac)}) — rows of one group are alike, so the model is scored on "
        f"groups it has already seen and the score overstates how it does on new ones. Fix: split by group "
        f"(GroupShuffleSplit, or GroupKFold with groups=data[{group_column!r}]) so each group sits on one side only."
    )
    evidence = {
        "n_shared_groups": n_shared, "n_train_groups": n_train_groups, "n_test_groups": n_test_groups,
        "n_rows": n, "n_train_rows_in_shared_groups": n_train_rows, "fraction": round(frac, 6),
        "n_test": len(b), "n_train": len(a), "example_groups": [_plain(g) for g in shared[:10]],
    }
    severity = "fail" if frac >= fail_fraction else "warn"
    return [Finding("group_overlap", severity, message, columns=(group_column,),
                    rows=capped_rows(np.flatnonzero(in_train)), evidence=evidence)]


# --------------------------------------------------------------------------- look-ahead


def future_information(
    data: Any,
    target: Any,
    time_column: Any,
    *,
    columns: Sequence | None = None,
    max_lag: int = 14,
    threshold: float = 0.5,
    min_r2: float = 0.9,
    max_rows: int = MAX_ROWS,
) -> list[Finding]:
    """Flag numeric columns computed from the target's present and future values.

    In one time series (one row per time step), an honest feature is known before its
    row's target: at most a function of *past* targets (lags, trailing means) and outside
    information (calendar, promotions). For each numeric column ``x`` this fits two least
    squares models: ``x`` from the past targets ``y[t-1] ... y[t-max_lag]``, and ``x`` from
    those plus the present and future targets ``y[t] ... y[t+max_lag]``. A column that the
    second model explains almost entirely (R² of at least ``min_r2``: it is an aggregate of
    the target) and whose variance left unexplained by the past is mostly (a share of at
    least ``threshold``) explained by the present and future was built with values from the
    future: a centred rolling mean, a "next week" average, a label shifted the wrong way.
    Outside information that merely drives the target (a promotion, the weekday) is not an
    aggregate of it and is not flagged; neither are lags and trailing windows, which the past
    explains fully. Leaks that are noisy functions of the future are left to
    :func:`feature_power`.

    Parameters
    ----------
    data : DataFrame
        One row per time step (time values must be unique), target included.
    target : column name
        A numeric (or binary) target.
    time_column : column name
        Rows are ordered by it before the lags are built.
    columns : list of column names, optional
        Columns to test (default: every numeric column but the target and time).
    max_lag : int, default 14
    threshold : float in [0, 1], default 0.5
        Share of the variance the past leaves unexplained that the present and future explain.
    min_r2 : float in [0, 1], default 0.9
    max_rows : int
        Longer series use their most recent ``max_rows`` rows.

    Returns
    -------
    list of Finding
        One ``"future_information"`` finding (severity ``"fail"``) per flagged column, with
        ``evidence`` holding ``r2_past``, ``r2_with_future``, ``gain`` and ``share``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> y = pd.Series(rng.normal(size=400)).rolling(3, min_periods=1).mean()
    >>> df = pd.DataFrame({"day": np.arange(400), "y": y,
    ...                    "lag_1": y.shift(1).bfill(),
    ...                    "centred": y.rolling(5, center=True, min_periods=1).mean()})
    >>> [f.columns[0] for f in future_information(df, "y", "day")]
    ['centred']
    """
    data = check_frame(data, "data")
    check_column(data, target, "target")
    check_column(data, time_column, "time_column", frame_name="data")
    max_lag = check_int(max_lag, "max_lag", minimum=1)
    threshold = check_fraction(threshold, "threshold")
    min_r2 = check_fraction(min_r2, "min_r2")
    max_rows = check_int(max_rows, "max_rows", minimum=10)
    if data[time_column].duplicated().any():
        raise ValueError(
            f"time_column: {time_column!r} has repeated values, so the rows are not one time series; "
            f"pass one row per time step (aggregate first, or test each entity's series separately)."
        )
    y_raw = data[target]
    if not (pd.api.types.is_numeric_dtype(y_raw) or pd.api.types.is_bool_dtype(y_raw)):
        raise TypeError(f"target: column {target!r} must be numeric (or 0/1) to build its lags; "
                        f"got dtype {y_raw.dtype}.")
    check_target(y_raw, "target")
    if columns is None:
        columns = [c for c in data.columns if c not in (target, time_column)
                   and pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])]
    else:
        columns = check_columns(data, columns, "columns")
    order = np.argsort(data[time_column].to_numpy(), kind="stable")
    frame = data.iloc[order].tail(max_rows)
    y = frame[target].to_numpy(dtype=float)
    n, L = len(y), max_lag
    if n < 4 * L + 10:
        raise ValueError(f"data: {n} rows are too few for max_lag={L}; pass at least {4 * L + 10} rows "
                         f"or a smaller max_lag.")
    idx = np.arange(L, n - L)
    past = np.column_stack([y[idx - k] for k in range(1, L + 1)])
    now_future = np.column_stack([y[idx + k] for k in range(0, L + 1)])

    def r2(design: np.ndarray, x: np.ndarray) -> float:
        A = np.column_stack([np.ones(len(x)), design])
        coef, *_ = np.linalg.lstsq(A, x, rcond=None)
        resid = x - A @ coef
        tot = float(((x - x.mean()) ** 2).sum())
        return 1.0 - float((resid ** 2).sum()) / tot if tot > 0 else 0.0

    findings = []
    for c in columns:
        x = frame[c].to_numpy(dtype=float)[idx]
        ok = np.isfinite(x)
        if ok.sum() < 2 * L + 10 or np.nanstd(x) == 0:
            continue
        r_past = r2(past[ok], x[ok])
        r_all = r2(np.column_stack([past[ok], now_future[ok]]), x[ok])
        gain = r_all - r_past
        share = gain / (1.0 - r_past) if r_past < 1.0 - 1e-9 else 0.0
        if r_all >= min_r2 and share >= threshold and gain >= 0.005:
            findings.append(Finding(
                "future_information", "fail",
                f"`{c}` is an aggregate of present and future values of `{target}` (R² {r_past:.2f} from the past "
                f"{L} steps, {r_all:.2f} once the present and next {L} are added): "
                f"it was computed with values that are not known when the prediction is made (a centred or "
                f"forward-looking window, a label shifted the wrong way). Rebuild it from past values only "
                f"(e.g. shift before rolling).",
                columns=(str(c),),
                evidence={"r2_past": round(r_past, 4), "r2_with_future": round(r_all, 4), "gain": round(gain, 4),
                          "share": round(share, 4), "max_lag": L, "threshold": threshold, "n_rows": int(ok.sum())},
            ))
    return findings
