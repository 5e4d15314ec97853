"""Array helpers of the tracer: sorted-unique sets of uint64 fingerprints, membership in
one ``searchsorted``, value-by-value row comparison, and copies that survive later writes.

>>> import numpy as np
>>> from leakkit.tracing._util import _contains, _unique
>>> s = _unique(np.array([5, 1, 5, 3], dtype=np.uint64))
>>> s.tolist(), _contains(np.array([3, 4], dtype=np.uint64), s).tolist()
([1, 3, 5], [True, False])
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd

_PANDAS_MAJOR = int(pd.__version__.split(".")[0])
_EMPTY = np.zeros(0, dtype=np.uint64)


def _unique(a: np.ndarray, return_inverse: bool = False) -> Any:
    """Sorted unique values (and the inverse map) by one sort: faster than np.unique for the
    uint64 fingerprints the tracer handles."""
    order = np.argsort(a) if return_inverse else None
    s = a[order] if order is not None else np.sort(a)
    new = np.empty(len(s), dtype=bool)
    if len(s):
        new[0] = True
        np.not_equal(s[1:], s[:-1], out=new[1:])
    uniq = s[new]
    if not return_inverse:
        return uniq
    inverse = np.empty(len(a), dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    return uniq, inverse


def _occurs_once(a: np.ndarray) -> np.ndarray:
    """Mask of the values of ``a`` that occur exactly once in it."""
    uniq, inverse = _unique(a, return_inverse=True)
    return np.bincount(inverse, minlength=len(uniq))[inverse] == 1


_SORT_FIRST = 1024


def _search(sorted_b: np.ndarray, a: np.ndarray, side: str = "left") -> np.ndarray:
    """``np.searchsorted(sorted_b, a, side)``, with many values of ``a`` searched in sorted
    order: a binary search on random keys mispredicts nearly every branch, and sorting them
    first costs less (about 3x faster from a few thousand keys; the same positions)."""
    a = np.asarray(a)
    if len(a) < _SORT_FIRST or len(sorted_b) < 64:
        return np.searchsorted(sorted_b, a, side=side)
    order = np.argsort(a)
    out = np.empty(len(a), dtype=np.intp)
    out[order] = np.searchsorted(sorted_b, a[order], side=side)
    return out


def _contains(a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    """Boolean mask: which values of ``a`` are in the sorted unique array ``sorted_b``."""
    if len(sorted_b) == 0:
        return np.zeros(len(a), dtype=bool)
    idx = _search(sorted_b, a)
    idx[idx == len(sorted_b)] = 0
    return sorted_b[idx] == a


def _copy_on_write() -> bool:
    """Whether pandas copies a frame's values before writing into them (always from pandas
    3, an option in 2.x): then an array viewing them never changes."""
    if _PANDAS_MAJOR >= 3:
        return True
    try:  # pragma: no cover - pandas 2
        return pd.options.mode.copy_on_write is True
    except (AttributeError, KeyError):  # pragma: no cover
        return False


def _frame_snapshot(H: np.ndarray) -> np.ndarray:
    """A DataFrame's per-value hashes as they are now, whatever is later written into the
    frame: ``H`` itself when it owns its values or pandas copies on write, else a copy."""
    return H if H.flags.writeable or _copy_on_write() else H.copy(order="K")


# One spare buffer for the copy of a split's numeric data, reused from one trace to the
# next: allocating and freeing a large array in every traced cross-validation costs more,
# in the allocator, than copying into it.
_SPARE: dict[tuple, np.ndarray] = {}
_SPARE_MAX_BYTES = 64 << 20
_spare_lock = threading.Lock()


def _copy_to_spare(H: np.ndarray) -> np.ndarray:
    with _spare_lock:
        buf = _SPARE.pop((H.shape, H.dtype.str), None)
    if buf is None:
        buf = np.empty(H.shape, dtype=H.dtype)
    np.copyto(buf, H)
    return buf


def _return_spare(buf: np.ndarray) -> None:
    if buf.nbytes <= _SPARE_MAX_BYTES:
        with _spare_lock:
            _SPARE.clear()  # keep one, the latest
            _SPARE[(buf.shape, buf.dtype.str)] = buf


def _rows_equal(H: np.ndarray, SH: np.ndarray, idx: np.ndarray, chunk: int = 1024) -> bool:
    """Whether ``H`` equals ``SH[idx]``, compared a column at a time when ``SH`` is stored by
    column (a DataFrame's values), else a block of rows at a time through one small buffer."""
    if SH.flags.f_contiguous and not SH.flags.c_contiguous:
        return all(np.array_equal(np.take(SH[:, j], idx, mode="clip"), H[:, j]) for j in range(SH.shape[1]))
    buf = np.empty((min(chunk, len(idx)), SH.shape[1]), dtype=SH.dtype)
    for a in range(0, len(idx), chunk):
        b = min(a + chunk, len(idx))
        out = buf[: b - a]
        np.take(SH, idx[a:b], axis=0, out=out, mode="clip")  # fold positions are in range
        if not np.array_equal(out, H[a:b]):
            return False
    return True


def _same_values(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality where two missing values are equal (floats or objects)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "biuf" and b.dtype.kind in "biuf":  # numbers: no object comparison
        af, bf = a.astype(np.float64, copy=False), b.astype(np.float64, copy=False)
        return (af == bf) | (np.isnan(af) & np.isnan(bf))
    with np.errstate(invalid="ignore"):
        eq = np.asarray(a == b, dtype=bool)
    na = pd.isna(a) & pd.isna(b)
    return eq | na
