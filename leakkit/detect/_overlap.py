"""Time and group checks: test rows older than training rows, groups on both sides of
the split, and features aggregated from future values of the target."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from leakkit._findings import Finding, capped_rows
from leakkit._validation import (
    check_column,
    check_columns,
    check_fraction,
    check_frame,
    check_int,
    check_no_nan,
    check_target,
)

from ._common import MAX_ROWS, as_frame, pct, plain


def _overlap_column(train: Any, test: Any, column: Any, argname: str) -> tuple[pd.Series, pd.Series]:
    train = as_frame(train, "train")
    test = as_frame(test, "test")
    check_column(train, column, argname, frame_name="train")
    check_column(test, column, argname, frame_name="test")
    check_no_nan(train, [column], "train")
    check_no_nan(test, [column], "test")
    return train[column].reset_index(drop=True), test[column].reset_index(drop=True)


def time_overlap(train: Any, test: Any, time_column: Any, *, warn_fraction: float = 0.01) -> list[Finding]:
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
    warn_fraction : float in [0, 1], default 0.01
        Severity is ``"warn"`` (likely, not proven: how much the score gains depends on
        how much patterns drift) when at least this share of test rows is older than the
        latest training row, ``"info"`` when fewer are.

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
    warn_fraction = check_fraction(warn_fraction, "warn_fraction")
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
    counts = {"n_rows": n, "n_test": len(b), "n_train": len(a),
              "n_train_rows_after_test_start": int((a > b.min()).sum())}
    bounds = {"train_min": a.min(), "train_max": train_max, "test_min": b.min(), "test_max": b.max()}
    return [time_overlap_finding(time_column, counts, bounds, warn_fraction,
                                 rows=capped_rows(np.flatnonzero(before)))]


def time_overlap_finding(time_column: Any, counts: dict, bounds: dict, warn_fraction: float,
                         rows: tuple = ()) -> Finding:
    """The ``time_overlap`` finding from its counts (``n_rows``, ``n_test``, ``n_train``,
    ``n_train_rows_after_test_start``) and the sides' date ranges; one wording and one
    severity rule for every engine (in memory, and DuckDB out of core)."""
    n, n_test = counts["n_rows"], counts["n_test"]
    frac = n / n_test
    b = {k: plain(v) for k, v in bounds.items()}
    message = (
        f"{n:,} of {n_test:,} test rows ({pct(frac)}) are dated before the latest training row "
        f"(`{time_column}`: train spans {b['train_min']} to {b['train_max']}, test spans {b['test_min']} to "
        f"{b['test_max']}) — the model was trained on the future "
        f"of these rows, which it never has when it predicts for real, so the test score is optimistic wherever "
        f"patterns drift. Fix: split by time — train on rows before a cutoff and test on rows after it "
        f"(TimeSeriesSplit, with a gap if features look back in time, for cross-validation)."
    )
    evidence = {**counts, "fraction": round(frac, 6), **b}
    severity = "warn" if frac >= warn_fraction else "info"
    return Finding("time_overlap", severity, message, columns=(time_column,), rows=rows, evidence=evidence)


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
    counts = {"n_shared_groups": len(shared), "n_train_groups": int(a.nunique()), "n_test_groups": int(b.nunique()),
              "n_rows": n, "n_train_rows_in_shared_groups": int(a.isin(shared).sum()), "n_test": len(b),
              "n_train": len(a)}
    return [group_overlap_finding(group_column, counts, [plain(g) for g in shared[:10]], fail_fraction,
                                  rows=capped_rows(np.flatnonzero(in_train)))]


def group_overlap_finding(group_column: Any, counts: dict, examples: list, fail_fraction: float,
                          rows: tuple = ()) -> Finding:
    """The ``group_overlap`` finding from its counts (``n_shared_groups``, ``n_train_groups``,
    ``n_test_groups``, ``n_rows``, ``n_train_rows_in_shared_groups``, ``n_test``, ``n_train``)
    and up to 10 shared groups; one wording and one severity rule for every engine."""
    n, n_test = counts["n_rows"], counts["n_test"]
    frac = n / n_test
    message = (
        f"{counts['n_shared_groups']:,} of {counts['n_test_groups']:,} `{group_column}` groups in test also appear "
        f"in train ({n:,} of {n_test:,} test rows, {pct(frac)}) — rows of one group are alike, so the model is "
        f"scored on groups it has already seen and the score overstates how it does on new ones. Fix: split by group "
        f"(GroupShuffleSplit, or GroupKFold with groups=data[{group_column!r}]) so each group sits on one side only."
    )
    evidence = {**counts, "fraction": round(frac, 6), "example_groups": list(examples)}
    severity = "fail" if frac >= fail_fraction else "warn"
    return Finding("group_overlap", severity, message, columns=(group_column,), rows=rows, evidence=evidence)


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
    """Flag numeric columns computed from future values of the target.

    In one time series (one row per time step), an honest feature is known before its
    row's target: at most a function of *past* targets (lags, trailing means) and outside
    information (calendar, promotions). For each numeric column ``x`` this fits two least
    squares models: ``x`` from the present and past targets ``y[t] ... y[t-max_lag]``, and
    ``x`` from those plus the future targets ``y[t+1] ... y[t+max_lag]``. A column that the
    second model explains almost entirely (R² of at least ``min_r2``: it is an aggregate of
    the target) and whose variance left unexplained by the present and past is mostly (a
    share of at least ``threshold``) explained by the future was built with values from the
    future: a centred rolling mean, a "next week" average, a label shifted the wrong way.
    Outside information that merely drives the target (a promotion, the weekday) is not an
    aggregate of it and is not flagged; neither are lags and trailing windows, which the past
    explains fully, nor a measurement that predicts its own row's target (that is
    :func:`feature_power`'s question, as are noisy functions of the future).

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
        Share of the variance the present and past leave unexplained that the future explains.
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
    past = np.column_stack([y[idx - k] for k in range(0, L + 1)])
    now_future = np.column_stack([y[idx + k] for k in range(1, L + 1)])

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
                f"`{c}` is an aggregate of future values of `{target}` (R² {r_past:.2f} from the present and past "
                f"{L} steps, {r_all:.2f} once the next {L} are added): "
                f"it was computed with values that are not known when the prediction is made (a centred or "
                f"forward-looking window, a label shifted the wrong way). Rebuild it from past values only "
                f"(e.g. shift before rolling).",
                columns=(str(c),),
                evidence={"r2_past": round(r_past, 4), "r2_with_future": round(r_all, 4), "gain": round(gain, 4),
                          "share": round(share, 4), "max_lag": L, "threshold": threshold, "n_rows": int(ok.sum())},
            ))
    return findings


def after_prediction_time(data: Any, time_column: Any, *, columns: Sequence | None = None,
                          min_fraction: float = 0.05) -> list[Finding]:
    """Report date columns whose values come after the row's prediction time.

    ``time_column`` holds the moment each prediction is made (an invoice's issue date, a
    patient's admission). Another date that is later than it on many rows (a closing
    date, a payment date) was recorded after that moment: a model never has it when it
    predicts. Scheduled dates known in advance (a contract's end date) are later too, so
    the severity is ``"warn"``; record such a column in the audit's baseline.

    Parameters
    ----------
    data : DataFrame
    time_column : column name
        A datetime column: the prediction time of each row.
    columns : list of column names, optional
        Columns to check (default: every other datetime column).
    min_fraction : float in [0, 1], default 0.05
        Share of rows (where both dates are known) that must be later to be reported.

    Returns
    -------
    list of Finding
        One ``"after_prediction_time"`` finding (code LK209) per column, with ``evidence``
        holding ``n_rows`` (rows dated later), ``fraction`` and ``median_delay``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"issued": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...                    "paid": pd.to_datetime(["2024-01-20", "2024-03-05", None])})
    >>> [(f.columns, f.evidence["n_rows"]) for f in after_prediction_time(df, "issued")]
    [(('paid',), 2)]
    """
    data = check_frame(data, "data")
    check_column(data, time_column, "time_column")
    min_fraction = check_fraction(min_fraction, "min_fraction")
    t = data[time_column]
    if not pd.api.types.is_datetime64_any_dtype(t.dtype):
        return []
    if columns is None:
        columns = [c for c in data.columns if c != time_column and pd.api.types.is_datetime64_any_dtype(data[c].dtype)]
    else:
        columns = [c for c in check_columns(data, columns, "columns")
                   if c != time_column and pd.api.types.is_datetime64_any_dtype(data[c].dtype)]
    out = []
    for c in columns:
        d = data[c]
        try:
            known = (d.notna() & t.notna()).to_numpy()
            later = (d > t).to_numpy() & known
        except TypeError:  # one with a time zone, one without: not comparable, say nothing
            continue
        n_known = int(known.sum())
        if n_known == 0 or later.sum() < max(1, min_fraction * n_known):
            continue
        n = int(later.sum())
        delay = (d[later] - t[later]).median()
        out.append(Finding(
            "after_prediction_time", "warn",
            f"`{c}` is later than the prediction time `{time_column}` on {n:,} of {n_known:,} rows ({pct(n / n_known)}; "
            f"median {plain(delay)} later) — a value recorded after the prediction is made is not known then, and "
            f"a model trained with it learns from the future. Drop it, or keep only what was known at "
            f"`{time_column}`; if it is a date scheduled in advance, record it in the audit's baseline.",
            columns=(c,), rows=capped_rows(np.flatnonzero(later)),
            evidence={"n_rows": n, "fraction": round(n / n_known, 6), "n_known": n_known,
                      "median_delay": plain(delay)}))
    return out
