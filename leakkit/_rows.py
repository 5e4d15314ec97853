"""Row identity: one definition of "the same row", shared by the duplicate scans and the tracer.

A row's fingerprint is a 64-bit hash of its values (not of its index or position), so two
rows with equal values get equal fingerprints whatever container they sit in: a numpy
array, a DataFrame with the same values, or a sparse matrix (a zero entry contributes
nothing, so dense and sparse forms of one row agree). Numbers are compared as float64
(``1`` equals ``1.0``), text by its characters.

Each column ``j`` first gets a per-value hash ``h`` (the float64 bits of numbers, a string
hash of text); the row fingerprint is ``sum_j mix(h, j)`` with wrap-around, where
``mix(0, j) == 0``. Because the sum runs over columns, the fingerprint of a row restricted
to some of its columns is cheap to recompute (:func:`combine`), which lets the tracer match
a frame with a subset of another frame's columns.

Optional normalisation makes re-saved or re-typed copies equal: floats rounded to
``decimals`` places, text through :func:`leakkit._text.normalize_text` (lower case,
punctuation to spaces, white space collapsed).

>>> import numpy as np
>>> from leakkit._rows import row_fingerprints
>>> fp = row_fingerprints(np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]]))
>>> bool(fp[0] == fp[2]), bool(fp[0] == fp[1])
(True, False)
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._text import normalize_text as _normalize_one, normalize_values

try:  # scipy ships with scikit-learn
    import scipy.sparse as _sp
except ImportError:  # pragma: no cover
    _sp = None

__all__ = ["row_fingerprints", "column_hashes", "combine", "is_sparse", "n_rows", "splitmix64", "comparable", "partial_sums", "partial_sums_numbers", "finish",
           "rows_equal"]

_U = np.uint64


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, vectorised (wrap-around arithmetic on uint64): the one
    64-bit mixer of leakkit (row fingerprints, n-gram codes).

    >>> import numpy as np
    >>> [hex(int(v)) for v in splitmix64(np.array([1], dtype=np.uint64))]
    ['0x5692161d100b05e5']
    """
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U(30))
        x = x * _U(0xBF58476D1CE4E5B9)
        x = x ^ (x >> _U(27))
        x = x * _U(0x94D049BB133111EB)
        return x ^ (x >> _U(31))


def _finish(row_sums: np.ndarray, n_columns: int) -> np.ndarray:
    """Per-row finaliser. The width enters here (not per value), so an all-zero row of 3
    columns differs from one of 2 columns, while dense and sparse forms still agree."""
    with np.errstate(over="ignore"):
        return splitmix64(row_sums + _U(n_columns) * _U(0xD6E8FEB86659FD93))


_KEYS_CACHE: dict[int, np.ndarray] = {}


def _column_keys(d: int) -> np.ndarray:
    keys = _KEYS_CACHE.get(d)
    if keys is None:
        with np.errstate(over="ignore"):
            keys = splitmix64(np.arange(1, d + 1, dtype=np.uint64) * _U(0x9E3779B97F4A7C15)) | _U(1)
        _KEYS_CACHE[d] = keys
    return keys




def _mix(h: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """mix(h, j) with mix(0, j) == 0: fold the high bits (where float64 values of small
    numbers differ) down with a xorshift, then multiply by the column's odd key. The row
    sum of these is passed through splitmix64 once per row (:func:`combine`)."""
    with np.errstate(over="ignore"):
        x = h >> _U(29)
        x ^= h
        x *= keys
        return x


def combine(H: np.ndarray, columns: Any = None) -> np.ndarray:
    """Row fingerprints from a matrix of per-value hashes ``H`` (n_rows × n_columns),
    optionally from the listed column positions only, in that order."""
    if columns is not None:
        H = H[:, list(columns)]
    n, d = H.shape
    if d == 0:
        return np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        # einsum sums each row (wrapping around, like sum) about twice as fast as sum(axis=1)
        return _finish(np.einsum("ij->i", _mix(H, _column_keys(d)[None, :])), d)


def is_sparse(X: Any) -> bool:
    return _sp is not None and _sp.issparse(X)


def n_rows(X: Any) -> int | None:
    """Number of rows of an array-like, or None when it has no rows (a scalar, a string)."""
    if isinstance(X, (str, bytes)) or X is None:
        return None
    shape = getattr(X, "shape", None)
    if shape is not None:
        return int(shape[0]) if len(shape) >= 1 else None
    try:
        return len(X)
    except TypeError:
        return None


_SIGN = _U(1 << 63)


def _float_bits(values: np.ndarray, decimals: int | None) -> np.ndarray:
    """The float64 bits of ``values`` (a view when possible, in the same memory order), with
    -0.0 read as 0.0."""
    v = np.asarray(values, dtype=np.float64)
    if decimals is not None:
        v = np.round(v, decimals)
    bits = v.view(np.uint64)
    negzero = bits == _SIGN
    if negzero.any():
        bits = bits.copy(order="K")
        bits[negzero] = 0
    elif np.may_share_memory(bits, values):
        bits = bits.view()
        bits.flags.writeable = False  # a view of the caller's data: never written through
    return bits


def _series_hash(s: pd.Series, decimals: int | None, normalize_text: bool) -> np.ndarray:
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        if s.isna().any():
            return _object_hash(s.to_numpy(dtype=object), False)
        return _float_bits(s.to_numpy(dtype=np.float64), None)
    if pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        return _float_bits(s.to_numpy(dtype=np.float64, na_value=np.nan), decimals)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        ticks = s.to_numpy(dtype="datetime64[ns]").view(np.int64).astype(np.uint64)
        with np.errstate(over="ignore"):
            return splitmix64(ticks ^ _U(0xD1B54A32D192ED03))
    return _object_hash(s.to_numpy(dtype=object), normalize_text)


def _object_hash(values: np.ndarray, normalize_text: bool) -> np.ndarray:
    if normalize_text:
        values = normalize_values(values)
    # Numbers stored in object arrays hash like numeric columns, so 1 == 1.0 everywhere; so do
    # booleans, as in a bool column (True == 1.0), so a bool column with a gap (object dtype)
    # still matches the same values in a gap-free bool column.
    out = np.empty(len(values), dtype=np.uint64)
    is_num = np.fromiter(
        (isinstance(v, (int, float, np.integer, np.floating, np.bool_)) for v in values),
        dtype=bool, count=len(values),
    )
    if is_num.any():
        out[is_num] = _float_bits(values[is_num].astype(np.float64), None)
    rest = ~is_num
    if rest.any():
        strs = np.array([v if isinstance(v, str) else repr(v) for v in values[rest]], dtype=object)
        h = pd.util.hash_array(strs, categorize=True)
        h[h == 0] = _U(1)  # only the number 0 hashes to 0
        out[rest] = h
    return out


def column_hashes(X: Any, *, decimals: int | None = None, normalize_text: bool = False) -> tuple[list | None, np.ndarray]:
    """Per-value hashes of a dense 2-D array-like: ``(column names or None, H)`` with
    ``H`` of shape (n_rows, n_columns), dtype uint64. A 1-D input is one column."""
    if isinstance(X, pd.Series):
        return [X.name], _series_hash(X, decimals, normalize_text)[:, None]
    if isinstance(X, pd.DataFrame):
        names = X.columns.tolist()
        if X.shape[1] and all(isinstance(t, np.dtype) and t.kind in "biuf" for t in X.dtypes.tolist()):
            # Plain numeric columns (the common case): one conversion, hashed as one block,
            # the same per value as column by column.
            return names, _float_bits(X.to_numpy(dtype=np.float64), decimals)
        H = np.empty((len(X), X.shape[1]), dtype=np.uint64, order="F")  # filled column by column
        for j in range(X.shape[1]):
            H[:, j] = _series_hash(X.iloc[:, j], decimals, normalize_text)
        return names, H
    arr = np.asarray(X)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(f"X: expected a 1- or 2-dimensional array of rows, got {arr.ndim} dimensions.")
    if arr.dtype.kind in "biuf":
        return None, _float_bits(arr, decimals)
    if arr.dtype.kind == "M":
        return None, np.column_stack([_series_hash(pd.Series(arr[:, j]), decimals, normalize_text)
                                      for j in range(arr.shape[1])]) if arr.shape[1] else np.empty((len(arr), 0), np.uint64)
    H = np.empty(arr.shape, dtype=np.uint64)
    for j in range(arr.shape[1]):
        H[:, j] = _object_hash(arr[:, j].astype(object), normalize_text)
    return None, H


def _sparse_fingerprints(X: Any, decimals: int | None) -> np.ndarray:
    X = _sp.csr_matrix(X)
    X.sum_duplicates()
    h = _float_bits(X.data, decimals)
    keys = _column_keys(X.shape[1])[X.indices] if X.shape[1] else np.zeros(0, np.uint64)
    contrib = _mix(h, keys)
    out = np.zeros(X.shape[0], dtype=np.uint64)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    with np.errstate(over="ignore"):
        np.add.at(out, rows, contrib)
    return _finish(out, X.shape[1])


def row_fingerprints(X: Any, *, decimals: int | None = None, normalize_text: bool = False) -> np.ndarray:
    """Return one uint64 fingerprint per row of ``X`` (array, DataFrame, Series, list of
    strings, or scipy sparse matrix).

    Equal values give equal fingerprints; the index and the column names are ignored.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_columns)
    decimals : int or None
        Round float columns to this many decimals first (near-duplicates).
    normalize_text : bool
        Compare text through :func:`leakkit._text.normalize_text` first.

    Examples
    --------
    >>> import pandas as pd, scipy.sparse as sp
    >>> a = row_fingerprints(pd.DataFrame({"x": [1, 0], "y": [0.5, 2.0]}))
    >>> b = row_fingerprints(sp.csr_matrix([[1.0, 0.5], [0.0, 2.0]]))
    >>> bool((a == b).all())
    True
    >>> t = row_fingerprints(["Hello  World", "hello world"], normalize_text=True)
    >>> bool(t[0] == t[1])
    True
    """
    if decimals is not None and (not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool)):
        raise TypeError(f"decimals: expected an int or None, got {type(decimals).__name__}.")
    if is_sparse(X):
        return _sparse_fingerprints(X, decimals)
    _, H = column_hashes(X, decimals=decimals, normalize_text=normalize_text)
    return combine(H)


def comparable(s: pd.Series, decimals: int | None, normalize_text: bool) -> np.ndarray:
    """The values of ``s`` as :func:`row_fingerprints` sees them: numbers as float64
    (rounded to ``decimals``), dates as nanosecond ticks, text normalised if asked, other
    values as objects."""
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
            out[i] = _normalize_one(x)
        else:
            out[i] = x
    return out


def _plain_numbers(frame: pd.DataFrame) -> bool:
    return frame.shape[1] > 0 and all(isinstance(t, np.dtype) and t.kind in "iuf" for t in frame.dtypes)


def rows_equal(left: pd.DataFrame, li: np.ndarray, right: pd.DataFrame, ri: np.ndarray,
               decimals: int | None = None, normalize_text: bool = False) -> np.ndarray:
    """Row ``li[k]`` of ``left`` equals row ``ri[k]`` of ``right``, column by column in
    order, after the normalisation the fingerprints use; a missing value equals a missing
    one. This confirms every fingerprint match, so a hash collision never makes two rows
    "the same".

    >>> a = pd.DataFrame({"x": [1.0, 2.0], "t": ["A b", None]})
    >>> b = pd.DataFrame({"x": [1, 2], "t": ["a  B", None]})
    >>> rows_equal(a, np.array([0, 1]), b, np.array([0, 1]), normalize_text=True).tolist()
    [True, True]
    """
    eq = np.ones(len(li), dtype=bool)
    if len(li) == 0:
        return eq
    if decimals is None and _plain_numbers(left) and _plain_numbers(right):
        # Numbers only: compare the float64 blocks at once (-0.0 == 0.0; NaN equals NaN).
        a = left.to_numpy(dtype=np.float64)[li]
        b = right.to_numpy(dtype=np.float64)[ri]
        return ((a == b) | (np.isnan(a) & np.isnan(b))).all(axis=1)
    for j in range(left.shape[1]):
        a = comparable(left.iloc[li, j], decimals, normalize_text)
        b = comparable(right.iloc[ri, j], decimals, normalize_text)
        na_a, na_b = pd.isna(a), pd.isna(b)
        same = na_a & na_b
        both = ~(na_a | na_b)
        if both.any():
            same[both] = np.asarray(a[both] == b[both], dtype=bool)
        eq &= same
        if not eq.any():
            break
    return eq


def partial_sums(frame: pd.DataFrame, columns: Any, n_columns: int, *, decimals: int | None = None,
                 normalize_text: bool = False, positions: Any = None) -> np.ndarray:
    """The part of the row fingerprints' sum that the listed column positions contribute
    (out of ``n_columns``; ``positions`` gives their places in the full row when ``frame``
    holds only some columns). Sums over disjoint column sets add up (wrapping around) to the
    sum over all columns, and ``finish(total, n_columns)`` is :func:`row_fingerprints`: a
    scan can compare a few columns first and hash the rest only for rows still alike.

    >>> df = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"], "c": [0.5, 0.5]})
    >>> total = partial_sums(df, [0], 3) + partial_sums(df, [1, 2], 3)
    >>> bool((finish(total, 3) == row_fingerprints(df)).all())
    True
    """
    cols = list(columns)
    _, H = column_hashes(frame.iloc[:, cols], decimals=decimals, normalize_text=normalize_text)
    if H.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    with np.errstate(over="ignore"):
        where = cols if positions is None else list(positions)
        return np.einsum("ij->i", _mix(H, _column_keys(n_columns)[where][None, :]))


def finish(row_sums: np.ndarray, n_columns: int) -> np.ndarray:
    """Row fingerprints from the full sums of :func:`partial_sums`."""
    return _finish(row_sums, n_columns)


def partial_sums_numbers(values: np.ndarray, positions: Any, n_columns: int,
                         decimals: int | None = None) -> np.ndarray:
    """:func:`partial_sums` of a 2-D array of numbers whose columns sit at ``positions`` of
    the full row (no DataFrame overhead: for scans that hash blocks of a numeric table)."""
    bits = _float_bits(np.ascontiguousarray(values, dtype=np.float64), decimals)
    with np.errstate(over="ignore"):
        return np.einsum("ij->i", _mix(bits, _column_keys(n_columns)[list(positions)][None, :]))
