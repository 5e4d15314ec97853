"""Column scans: single-column predictive power and identifiers whose order predicts the target."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from leakkit._findings import Finding
from leakkit._validation import check_fraction

from ._common import MAX_ROWS, as_frame, scan_columns
from ._evidence import (
    DETERMINISTIC,
    EXPLAINED_R2,
    MIN_ROWS_TO_FAIL,
    STRUCTURED_R2,
    UNRELATED_MIN_AUC,
    UNRELATED_MIN_R2,
    UNRELATED_R2,
    UNUSUAL_SHARE,
    WithinClass,
    encode_for_evidence,
    stand_out,
)
from ._scoring import Problem, encode_column, fmt_metric

_ID_NAME = re.compile(
    r"(^|[_\W])(id|ids|key|uuid|guid|idx|index|number|no|nr)$|^(id|key|uuid|guid)([_\W]|$)|[a-z0-9](Id|ID|Key|Uuid|UUID)$",
)
#: An ID column whose order predicts the target at least this well fails; from ``threshold`` up it warns.
ID_FAIL = 0.9


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
    data = as_frame(data, "data")
    problem = Problem(data, target, cv=cv, random_state=random_state, task=task, max_rows=max_rows)
    cols = scan_columns(data, columns, problem.target_col)
    rows = []
    for col in cols:
        kind, x = encode_column(problem.column(data, col), col)
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
    threshold: float = 0.8,
    random_state: Any = 0,
    task: str = "auto",
    max_rows: int = MAX_ROWS,
) -> list[Finding]:
    """Report strong single columns, with a severity set by evidence that separates a
    leak from an honest strong feature.

    Every column is scored alone as in :func:`feature_power_table`. A column scoring at
    least ``threshold`` is reported, and the evidence of :mod:`leakkit.detect._evidence`
    decides how:

    - ``"fail"`` when it does not track the table's ordinary columns inside each class
      (within-class R² under 0.1) and either reproduces the target almost exactly
      (score >= 0.99), or stands far above every other column (the next column's error
      is at least twice its own), or is the only strong column unrelated to the rest of a
      table whose columns are related to each other — what a noisy copy of the target or a
      count recorded after the event looks like;
    - ``"warn"`` when it reproduces the target almost exactly but tracks other columns;
    - ``"review"`` otherwise: a strong but plausible feature. Only a person can tell
      whether it exists at prediction time; confirm it, and record it in the audit's
      baseline.

    Parameters
    ----------
    data, target, columns, cv, random_state, task, max_rows
        As in :func:`feature_power_table`.
    threshold : float in [0, 1], default 0.8
        Columns scoring at least this (ROC AUC, or R²) are reported.

    Returns
    -------
    list of Finding
        One ``"feature_power"`` finding (code LK201) per column at or above ``threshold``,
        fails first, then by score. ``evidence`` holds ``score``, ``metric``,
        ``threshold``, ``reasons`` (the evidence that set the severity),
        ``within_class_r2`` (from all other columns), ``within_class_r2_ordinary`` (from
        the columns that do not stand out), ``next_best_score`` when it stands out,
        ``missing_fraction`` and, when the column has gaps, ``missing_score``.

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
    data = as_frame(data, "data")
    problem = Problem(data, target, cv=cv, random_state=random_state, task=task, max_rows=max_rows)
    cols = scan_columns(data, columns, problem.target_col)
    scores, metric, series = {}, "r2", {}
    for col in cols:
        series[col] = problem.column(data, col)
        kind, x = encode_column(series[col], col)
        scores[col], metric = problem.score(kind, x)
    floor = UNRELATED_MIN_R2 if metric == "r2" else UNRELATED_MIN_AUC
    reported = {c for c in cols if scores[c] >= threshold}
    weaker = {c for c in cols if min(threshold, floor) <= scores[c] < threshold}
    if not reported and not weaker:
        return []
    judged = _judge(problem, cols, series, scores, reported, weaker, floor)
    # Weaker columns are reported only when the evidence says they leak.
    shown = [c for c in cols if c in reported or (c in judged and judged[c]["severity"] in ("fail", "warn"))]
    findings = [_power_finding(problem, c, series[c], scores[c], metric, threshold, judged[c]) for c in shown]
    rank = {"fail": 0, "warn": 1, "review": 2}
    findings.sort(key=lambda f: (rank[f.severity], -f.evidence["score"]))
    return findings


def _judge(problem: Problem, cols: list, series: dict, scores: dict, reported: set,
           weaker: set, floor: float) -> dict[Any, dict[str, Any]]:
    """Severity and reasons for each column to judge (see :func:`feature_power`):
    ``reported`` columns reach the threshold; ``weaker`` ones are judged only for being
    unrelated to the rest of the table."""
    standing = stand_out(scores, reported)
    index = {c: i for i, c in enumerate(cols)}
    ordinary = [c for c in cols if c not in standing]
    wc = WithinClass([encode_for_evidence(series[c]) for c in cols], problem.y,
                     classification=problem.task == "classification", n_folds=min(problem.cv, 5), seed=problem.seed)
    judged = sorted(reported | weaker, key=index.get)
    sample = list(dict.fromkeys(judged + cols[:: max(1, len(cols) // 60)]))
    r2_all = {c: wc.r2(index[c], [index[o] for o in cols if o != c]) for c in sample}

    def structured(c: Any) -> tuple[bool, float]:
        """Are the other columns related to each other, so that being unrelated is unusual?"""
        others = np.array([v for o, v in r2_all.items() if o != c and np.isfinite(v)])
        if len(others) < 3:
            return False, float("nan")
        median = float(np.median(others))
        # Three columns in four clearly related to the rest, half of them well related, and no
        # other informative column unrelated as well (then being unrelated is how this table is).
        alike = [o for o, v in r2_all.items() if o != c and scores[o] >= floor and np.isfinite(v) and v < EXPLAINED_R2]
        return (float(np.quantile(others, UNUSUAL_SHARE)) >= EXPLAINED_R2 and median >= STRUCTURED_R2
                and not alike), median

    few_rows = len(problem.y) < MIN_ROWS_TO_FAIL
    out = {}
    for c in judged:
        r2_ord = wc.r2(index[c], [index[o] for o in ordinary if o != c])
        table_ok, structure = structured(c)
        explained = bool(np.isfinite(r2_ord) and r2_ord >= EXPLAINED_R2)
        reasons = []
        if c in reported and scores[c] >= DETERMINISTIC:
            reasons.append("deterministic")
        if c in standing:
            reasons.append("stands_out")
        if table_ok and np.isfinite(r2_all[c]) and r2_all[c] <= UNRELATED_R2:
            reasons.append("unrelated_to_table")
        if explained:
            severity = "warn" if "deterministic" in reasons else "review"
            reasons.append("tracks_other_columns")
        elif reasons:
            severity = "warn" if few_rows else "fail"
        else:
            severity = "review"
        if few_rows:
            reasons.append("few_rows")
        out[c] = {"severity": severity, "reasons": reasons, "within_class_r2": _r(r2_all[c]),
                  "within_class_r2_ordinary": _r(r2_ord), "table_within_class_r2": _r(structure),
                  "next_best_score": standing.get(c)}
    return out


def _r(v: float) -> float | None:
    return round(float(v), 4) if np.isfinite(v) else None


def _power_finding(problem: Problem, col: Any, s: pd.Series, score: float, metric: str, threshold: float,
                   judged: dict[str, Any]) -> Finding:
    label, m = problem.target_label, fmt_metric(metric)
    head = f"`{col}` alone predicts {label} with {m} {score:.2f} — "
    sev, reasons = judged["severity"], judged["reasons"]
    if sev == "fail":
        why = []
        if "deterministic" in reasons:
            why.append("it reproduces the target almost exactly")
        if "stands_out" in reasons:
            why.append(f"it stands far above every other column (the next strongest scores {judged['next_best_score']:.2f})")
        if "unrelated_to_table" in reasons:
            why.append("it is the only strong column unrelated to the other columns once the target is known "
                       "(a measurement varies with the others inside each class; a value made from the target does not)")
        body = ("; ".join(why) + ". That is how a column derived from the outcome looks (a field filled in after the "
                f"event, a status set by it, a noisy copy of the target). Drop it from the features, or rebuild it "
                f"from what is known at prediction time.")
    elif sev == "warn" and "few_rows" in reasons and "tracks_other_columns" not in reasons:
        body = (f"it looks like a column derived from the outcome ({', '.join(r.replace('_', ' ') for r in reasons[:-1])}),"
                f" but {len(problem.y)} rows are too few to establish it. Confirm it is known at prediction time.")
    elif sev == "warn":
        body = ("it reproduces the target almost exactly, although it varies with other columns as a measurement "
                "does. Confirm it is known at prediction time; such a column is rarely honest.")
    else:
        body = ("strong, but it varies with the other columns as a genuine measurement does. Confirm it exists at "
                "prediction time (a field recorded after the outcome would leak); if it does, record it in the "
                "audit's baseline so it is not asked again.")
    missing = s.isna().to_numpy()
    evidence: dict[str, Any] = {
        "score": round(score, 4), "metric": metric, "threshold": threshold, "cv": problem.cv,
        "n_rows_scored": len(problem.y), "n_rows_total": problem.n_rows_total,
        "missing_fraction": round(float(missing.mean()), 4), **judged,
    }
    evidence.pop("severity")
    message = head + body
    if missing.any() and not missing.all():
        miss_score, _ = problem.score("categorical", missing.astype(np.int64))
        evidence["missing_score"] = round(miss_score, 4)
        if miss_score >= threshold:
            message += (f" Whether it is missing already predicts {label} with {m} {miss_score:.2f}: a field filled "
                        f"in only after the event leaks through its gaps.")
    return Finding("feature_power", sev, message, columns=(col,), evidence=evidence)


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
        From :data:`ID_FAIL` (0.9) up the severity is ``"fail"``; below it ``"warn"`` (a
        trend over the order IDs were handed out in can explain a modest score).
    unique_fraction : float in [0, 1], default 0.95
        Share of distinct values that makes a column ID-like on its own.

    Returns
    -------
    list of Finding
        One ``"id_column"`` finding (code LK202) per flagged column, strongest first.

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
    data = as_frame(data, "data")
    problem = Problem(data, target, cv=cv, random_state=random_state, task=task, max_rows=max_rows)
    cols = scan_columns(data, columns, problem.target_col)
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
            f"{problem.target_label} with {fmt_metric(metric)} {score:.2f} — IDs handed out by a process tied to the "
            f"outcome (a new numbering range, sign-up order with a trend) let a model learn the process instead of "
            f"the case. Drop `{col}` from the features; keep it only to join or group rows."
        )
        evidence = {"score": round(score, 4), "metric": metric, "threshold": threshold, "encoding": encoding,
                    "reasons": profile["reasons"], "unique_fraction": profile["unique_fraction"],
                    "row_order_spearman": profile["row_order_spearman"], "cv": problem.cv,
                    "n_rows_scored": len(problem.y), "n_rows_total": problem.n_rows_total}
        severity = "fail" if score >= max(ID_FAIL, threshold) else "warn"
        findings.append(Finding("id_column", severity, message, columns=(col,), evidence=evidence))
    findings.sort(key=lambda f: -f.evidence["score"])
    return findings
