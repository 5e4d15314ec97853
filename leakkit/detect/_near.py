"""Near copies across the split: test rows within a small distance of a training row.

Rounding is not a similarity measure: values that straddle a rounding boundary land on
different sides, and copies with a little noise never match. Here two rows are near copies
when their text and categories are equal after :func:`leakkit._text.normalize_text`, their
gaps are in the same places, and their numbers, scaled by the training column's standard
deviation, are within ``tolerance`` times the *typical* distance between a training row and
its nearest other training row (the rule of cleanlab's near-duplicate check: a distance
relative to how close rows usually are, so it adapts to the table).

Candidates come from grids of cells as wide as four such distances, shifted at random (a
pair that close shares a cell in at least one of the grids with high probability), and every
candidate pair is confirmed by its exact distance.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from leakkit._findings import Finding, capped_rows
from leakkit._rows import row_fingerprints
from leakkit._validation import check_fraction, check_int, check_number, check_random_state

from ._common import pct
from ._exact import _paired_frames, duplicate_rows

__all__ = ["near_duplicates", "near_duplicate_rows"]

_TYPICAL_QUERIES = 2000  # training rows whose nearest-neighbour distance sets the typical distance
_TYPICAL_REFERENCE = 20_000  # ... among at most this many training rows
_MAX_CELL = 256  # training rows in one cell at most are compared with a test row in that cell
_BLOCK = 1 << 18  # rows hashed at a time
_CHANCE = 1e-3  # share of rows allowed to fall within the radius of another row by chance


def _is_number(s: pd.Series) -> bool:
    d = s.dtype
    return (pd.api.types.is_bool_dtype(d) or pd.api.types.is_datetime64_any_dtype(d)
            or pd.api.types.is_timedelta64_dtype(d)
            or (pd.api.types.is_numeric_dtype(d) and not pd.api.types.is_complex_dtype(d)
                and not isinstance(d, pd.CategoricalDtype)))


def _numbers(frame: pd.DataFrame, cols: list) -> np.ndarray:
    out = np.empty((len(frame), len(cols)), dtype=np.float64)
    for j, c in enumerate(cols):
        s = frame[c]
        if pd.api.types.is_datetime64_any_dtype(s.dtype) or pd.api.types.is_timedelta64_dtype(s.dtype):
            v = s.to_numpy(dtype="int64", na_value=np.iinfo(np.int64).min).astype(np.float64)
            v[s.isna().to_numpy()] = np.nan
        else:
            v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        out[:, j] = v
    return out


class _Space:
    """Scaled numbers and a key for everything that must be equal (text, categories, gaps)."""

    def __init__(self, train: pd.DataFrame, test: pd.DataFrame):
        cols = list(train.columns)
        self.num_cols = [c for c in cols if _is_number(train[c]) and _is_number(test[c])]
        self.key_cols = [c for c in cols if c not in self.num_cols]
        a, b = _numbers(train, self.num_cols), _numbers(test, self.num_cols)
        with np.errstate(invalid="ignore"):
            center = np.nanmedian(a, axis=0) if len(a) else np.zeros(a.shape[1])
            scale = np.nanstd(a, axis=0)
        center = np.nan_to_num(center)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        self.train, self.test = (a - center) / scale, (b - center) / scale
        self.key_train = self._key(train, self.train)
        self.key_test = self._key(test, self.test)
        self.train = np.nan_to_num(self.train, nan=0.0)
        self.test = np.nan_to_num(self.test, nan=0.0)

    def _key(self, frame: pd.DataFrame, X: np.ndarray) -> np.ndarray:
        parts = [np.isnan(X).astype(np.float64)] if X.shape[1] else []
        if self.key_cols:
            parts.append(np.column_stack([row_fingerprints(frame[[c]], normalize_text=True).view(np.int64)
                                          .astype(np.float64) for c in self.key_cols]))
        if not parts:
            return np.zeros(len(frame), dtype=np.uint64)
        return row_fingerprints(np.column_stack(parts))


def _typical_distance(X: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    """Median distance from a training row to its nearest other training row (exact copies
    left out: they say nothing about how close different rows are), and the data's
    intrinsic dimension by the TwoNN estimate (ratio of the second to the first neighbour
    distance, median form), which says how often rows fall that close by chance."""
    n = len(X)
    if n < 3 or X.shape[1] == 0:
        return 0.0, float(X.shape[1])
    ref = X if n <= _TYPICAL_REFERENCE else X[rng.choice(n, _TYPICAL_REFERENCE, replace=False)]
    q = ref if len(ref) <= _TYPICAL_QUERIES else ref[rng.choice(len(ref), _TYPICAL_QUERIES, replace=False)]
    k = min(len(ref), 12)
    dist, _ = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(ref).kneighbors(q)
    dist = np.sort(np.where(dist > 0, dist, np.inf), axis=1)  # exact copies (and the row itself) out
    r1, r2 = dist[:, 0], dist[:, 1]
    ok = np.isfinite(r1)
    if not ok.any():
        return 0.0, float(X.shape[1])
    typical = float(np.median(r1[ok]))
    both = ok & np.isfinite(r2)
    ratio = float(np.median(r2[both] / r1[both])) if both.any() else 2.0
    dim = float(np.log(2.0) / np.log(ratio)) if ratio > 1.0 else float(X.shape[1])
    return typical, float(min(max(dim, 0.5), X.shape[1]))


def _cells(X: np.ndarray, key: np.ndarray, width: float, shift: np.ndarray) -> np.ndarray:
    out = np.empty(len(X), dtype=np.uint64)
    for s in range(0, len(X), _BLOCK):
        block = np.floor((X[s:s + _BLOCK] + shift) / width)
        out[s:s + _BLOCK] = row_fingerprints(np.column_stack([block, key[s:s + _BLOCK].view(np.int64)
                                                              .astype(np.float64)]))
    return out


def _candidates(cells_train: np.ndarray, cells_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(train row, test row) pairs sharing a cell, at most :data:`_MAX_CELL` train rows per cell."""
    order = np.argsort(cells_train, kind="stable")
    sorted_cells = cells_train[order]
    lo = np.searchsorted(sorted_cells, cells_test, side="left")
    hi = np.minimum(np.searchsorted(sorted_cells, cells_test, side="right"), lo + _MAX_CELL)
    te = np.flatnonzero(hi > lo)
    sizes = hi[te] - lo[te]
    if len(te) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    tr = order[np.repeat(lo[te], sizes) + offsets]
    return tr, np.repeat(te, sizes)


def near_duplicate_rows(
    train: Any,
    test: Any,
    *,
    columns: Sequence | None = None,
    tolerance: float = 0.13,
    n_grids: int = 8,
    random_state: Any = 0,
) -> pd.DataFrame:
    """Every (train row, test row) pair of near copies, by position (see the module doc).

    Parameters
    ----------
    train, test : DataFrame or 2-D array
    columns : list of column names, optional
        Compare on these columns only (default: all; the frames must share them).
    tolerance : float in (0, 1], default 0.13
        Largest distance of a near copy, as a share of the typical nearest-neighbour
        distance between training rows (cleanlab's default). In data of few intrinsic
        dimensions, where rows fall that close by chance, it shrinks to ``0.001 ** (1 /
        dimension)`` (the dimension estimated from the training rows' neighbour distances).
    n_grids : int >= 1, default 8
        Shifted grids used to find candidate pairs (more: fewer misses, slower).
    random_state : int, Generator or RandomState, default 0
        Seeds the sample behind the typical distance and the grid shifts.

    Returns
    -------
    DataFrame with columns ``train_row``, ``test_row`` (positions) and ``distance`` (in
    units of the typical distance), one row per pair, sorted by test row; exact copies
    included (distance 0). ``attrs`` hold ``typical_distance``, ``intrinsic_dimension``,
    ``tolerance`` (as used), ``radius`` and the column lists ``numeric_columns`` and
    ``equal_columns``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> train = pd.DataFrame(rng.normal(size=(500, 4)), columns=list("abcd"))
    >>> test = pd.DataFrame(rng.normal(size=(100, 4)), columns=list("abcd"))
    >>> test.iloc[:5] = train.iloc[:5].to_numpy() * 1.001      # 0.1 % noise: not equal, but near
    >>> near_duplicate_rows(train, test)["test_row"].tolist()
    [0, 1, 2, 3, 4]
    """
    tolerance = check_number(tolerance, "tolerance", low=1e-9, high=1.0)
    n_grids = check_int(n_grids, "n_grids", minimum=1)
    rng = check_random_state(random_state)
    a, b, _ = _paired_frames(train, test, columns)
    space = _Space(a, b)
    d = space.train.shape[1]
    typical, dim = _typical_distance(space.train, rng)
    # In few dimensions rows fall close together by chance (in one dimension about 2 * t of
    # them lie within t of the typical distance): the tolerance shrinks so that chance
    # neighbours stay under one row in 1,000.
    effective = min(tolerance, _CHANCE ** (1.0 / dim))
    radius = effective * typical if typical > 0 else 0.0
    found_tr, found_te, found_d = [], [], []
    grids = n_grids if d and radius > 0 else 1
    width = 4.0 * radius if radius > 0 else 1.0
    for _ in range(grids):
        shift = rng.uniform(0.0, width, size=d)
        if d and radius > 0:
            ct, cs = _cells(space.train, space.key_train, width, shift), _cells(space.test, space.key_test, width, shift)
        else:  # nothing to measure a distance on: near copies are rows with equal keys (and numbers)
            ct = row_fingerprints(np.column_stack([space.train, space.key_train.view(np.int64).astype(float)]))
            cs = row_fingerprints(np.column_stack([space.test, space.key_test.view(np.int64).astype(float)]))
        tr, te = _candidates(ct, cs)
        keep = space.key_train[tr] == space.key_test[te]
        tr, te = tr[keep], te[keep]
        dist = np.sqrt(((space.train[tr] - space.test[te]) ** 2).sum(axis=1)) if d else np.zeros(len(tr))
        ok = dist <= radius
        found_tr.append(tr[ok])
        found_te.append(te[ok])
        found_d.append(dist[ok])
    tr, te, dist = np.concatenate(found_tr), np.concatenate(found_te), np.concatenate(found_d)
    pairs = pd.DataFrame({"train_row": tr.astype(np.int64), "test_row": te.astype(np.int64),
                          "distance": dist / typical if typical > 0 else dist})
    pairs = pairs.drop_duplicates(["train_row", "test_row"]).sort_values(["test_row", "train_row"], kind="stable")
    pairs = pairs.reset_index(drop=True)
    pairs.attrs.update({"typical_distance": typical, "radius": radius, "tolerance": effective,
                        "intrinsic_dimension": round(dim, 2),
                        "numeric_columns": [str(c) for c in space.num_cols],
                        "equal_columns": [str(c) for c in space.key_cols], "n_test": len(b), "n_train": len(a)})
    return pairs


def near_duplicates(
    train: Any,
    test: Any,
    *,
    columns: Sequence | None = None,
    tolerance: float = 0.13,
    fail_fraction: float = 0.01,
    n_grids: int = 8,
    random_state: Any = 0,
) -> list[Finding]:
    """Report test rows that are near copies (not exact ones) of training rows.

    Exact copies are :func:`duplicates`' finding (LK203); this one (LK205) counts the test
    rows with a near copy in train and no exact one: the same record with a little noise,
    re-saved with less precision or re-typed. The rule is that of
    :func:`near_duplicate_rows`.

    Parameters
    ----------
    train, test, columns, tolerance, n_grids, random_state
        As in :func:`near_duplicate_rows`.
    fail_fraction : float in [0, 1], default 0.01
        Severity is ``"fail"`` when at least this share of test rows is a near copy,
        ``"warn"`` when fewer are.

    Returns
    -------
    list of Finding
        Empty when no test row is a near copy; otherwise one ``"near_duplicates"`` finding
        whose ``rows`` are test positions and whose ``evidence`` holds ``n_rows``,
        ``fraction``, ``typical_distance``, ``tolerance`` and example pairs.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> train = pd.DataFrame({"x": rng.normal(size=300), "y": rng.normal(size=300), "city": "Lyon"})
    >>> test = pd.DataFrame({"x": rng.normal(size=50), "y": rng.normal(size=50), "city": "Lyon"})
    >>> test.iloc[:3, :2] = train.iloc[:3, :2].round(3).to_numpy()
    >>> test.loc[:2, "city"] = " LYON "
    >>> [f] = near_duplicates(train, test)
    >>> f.severity, f.evidence["n_rows"], f.rows
    ('fail', 3, (0, 1, 2))
    """
    fail_fraction = check_fraction(fail_fraction, "fail_fraction")
    pairs = near_duplicate_rows(train, test, columns=columns, tolerance=tolerance, n_grids=n_grids,
                                random_state=random_state)
    if len(pairs) == 0:
        return []
    a, b, cols = _paired_frames(train, test, columns)
    exact = set(duplicate_rows(a, b)["test_row"].tolist())
    rows = np.array(sorted(set(pairs["test_row"].tolist()) - exact), dtype=np.int64)
    if len(rows) == 0:
        return []
    n, n_test = len(rows), len(b)
    frac = n / n_test
    ex = pairs[pairs["test_row"].isin(rows[:5])].groupby("test_row").head(1)
    examples = [[int(r), int(t), round(float(dd), 4)] for r, t, dd in ex[["train_row", "test_row", "distance"]]
                .itertuples(index=False)]
    message = (
        f"{n:,} of {n_test:,} test rows ({pct(frac)}) are near copies of training rows (within "
        f"{pairs.attrs['tolerance']:.2g} of the typical distance between training rows, text compared after "
        f"normalising; exact copies not counted here) — the same records with a little noise or re-typed, so the "
        f"model is scored on rows it has nearly seen. Fix: remove near copies before splitting, or split by "
        f"entity so all versions of one record stay on one side."
    )
    evidence = {"n_rows": n, "fraction": round(frac, 6), "n_test": n_test, "n_train": len(a),
                "typical_distance": round(float(pairs.attrs["typical_distance"]), 6),
                "tolerance": round(float(pairs.attrs["tolerance"]), 4),
                "intrinsic_dimension": pairs.attrs["intrinsic_dimension"], "numeric_columns": pairs.attrs["numeric_columns"][:50],
                "equal_columns": pairs.attrs["equal_columns"][:50], "example_pairs_train_test_distance": examples}
    severity = "fail" if frac >= fail_fraction else "warn"
    return [Finding("near_duplicates", severity, message, columns=tuple(cols), rows=capped_rows(rows),
                    evidence=evidence)]
