"""A runtime recorder that answers "did any fit see held-out rows?" exactly.

Inside ``with leakkit.trace() as t:`` every ``fit``, ``fit_transform``, ``partial_fit``,
``transform`` and prediction of every scikit-learn estimator (user subclasses and
Pipeline steps included) and every splitter's folds are recorded. When the block ends,
``t.findings`` lists what leaked, and is empty when nothing did.

How rows are followed
---------------------
Each row is known by its content fingerprint (:mod:`leakkit._rows`). A transform's output
rows are linked, by position, to the input rows they came from, so when a split or a
cross-validation runs on the *output* of a fit (``fit_transform`` on all rows, then
``train_test_split`` of what it returned) the tracer still knows which original rows are
held out, and which fits saw them. A DataFrame holding a subset of another frame's columns
is matched to it on the shared columns.

What is a leak
--------------
* ``fit_before_split``: the data that was split (or cross-validated) was produced by a
  transform whose fit saw rows that this split holds out.
* ``fit_saw_held_out``: held-out rows were predicted by a model, or through a transform,
  whose fit saw those very rows.
* ``duplicates_across_split``: identical rows on both sides of a split.
* ``outliers_removed_before_split``: an outlier detector fitted on all rows chose which
  rows were kept, then the kept rows were split.
* ``test_reuse`` (a warning): the same held-out rows were scored by several different
  models or hyper-parameter settings outside a search object, as when a test set is used
  to pick the best.

Splits made inside an estimator's own ``fit`` (``TargetEncoder``'s cross-fitting, early
stopping, ``LogisticRegressionCV``) are internal and not treated as evaluations; splits
made inside ``GridSearchCV``/``RandomizedSearchCV`` are evaluations (their folds are
checked), but scoring many candidates there is their job, not test reuse.

Limits: estimators must derive from ``sklearn.base.BaseEstimator`` and be defined before
the block starts; work sent to other processes (``n_jobs > 1``) is not seen, so keep
``n_jobs=1`` inside the block; ``train_test_split(..., shuffle=False)`` does not call a
splitter and is not recorded; an array is read once, when first seen, so one overwritten
in place (``X[:] = ...``) and passed again keeps its old rows (assign a new array instead).

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

import functools
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._findings import Finding, capped_rows
from ._rows import column_hashes, combine, is_sparse, n_rows, row_fingerprints

__all__ = ["trace", "Trace", "FitRecord", "SplitRecord", "PredictRecord"]

_FIT_METHODS = ("fit", "fit_transform", "partial_fit", "fit_predict", "fit_resample")
_TRANSFORM_METHODS = ("transform",)
_PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function", "score", "score_samples")
_METHODS = _FIT_METHODS + _TRANSFORM_METHODS + _PREDICT_METHODS

# An identity check on a split whose data has fewer distinct rows than this fraction of its
# rows is meaningless (e.g. kf.split(np.zeros(n))): such splits are only described.
_MIN_DISTINCT = 0.1
# How many recent splits are remembered to recognise their folds' rows (see _rows_of_a_fold).
_FOLD_SOURCES = 4


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------
@dataclass(eq=False)
class FitRecord:
    """One recorded fit. ``rows`` are fingerprints of the rows it saw (outermost fits only;
    a fit nested inside another estimator's fit has ``rows=None`` and its ``parent``)."""

    id: int
    estimator: str
    method: str
    n_rows: int | None
    outermost: bool
    parent: int | None
    inside_search: bool
    rows: np.ndarray | None = None
    taint: frozenset = frozenset()
    requires_fit: bool = True
    is_outlier_detector: bool = False
    time: float = 0.0
    used: bool = False


@dataclass(eq=False)
class SplitRecord:
    """One recorded split: the splitter, the data's row fingerprints, and its folds as
    (train positions, test positions)."""

    id: int
    splitter: str
    rows: np.ndarray
    folds: list = field(default_factory=list)
    taint: frozenset = frozenset()
    internal: bool = False
    inside_search: bool = False
    time: float = 0.0
    frame_key: int | None = None
    declared: bool = False  # held-out rows declared with Trace.hold_out (no training side)


@dataclass(eq=False)
class PredictRecord:
    """One outermost prediction or score: which rows were predicted, by what."""

    id: int
    estimator: str
    est: Any
    method: str
    rows: np.ndarray
    history: frozenset
    model_fit: int | None = None
    time: float = 0.0


@dataclass(eq=False)
class _Output:
    rows: np.ndarray  # fingerprints of the output rows
    parents: np.ndarray | None  # fingerprints of the input rows, same positions
    taint: frozenset
    digests: tuple = ()  # one per output column, to recognise the columns inside other frames

    def __post_init__(self) -> None:
        # Rows the transform left unchanged carry nothing it learned (an imputer passes
        # complete rows through): only changed rows are tainted by its fit.
        changed = self.rows if self.parents is None else self.rows[self.rows != self.parents]
        self.sorted_rows = _unique(changed)


# --------------------------------------------------------------------------------------
# Global patching, shared by nested tracers
# --------------------------------------------------------------------------------------
_lock = threading.RLock()
_active: list["Trace"] = []
_patched: list[tuple[type, str, Any]] = []
_local = threading.local()
# (id(estimator), method, id(descriptor)) -> (estimator, wrapper): one wrapper per bound method
# while tracing (sklearn looks methods up many times); cleared when the last tracer ends.
_bound_cache: dict[tuple, tuple] = {}


def _stack() -> list:
    s = getattr(_local, "stack", None)
    if s is None:
        s = _local.stack = []
    return s


def _all_subclasses(cls: type) -> list[type]:
    seen: dict[type, None] = {}  # ordered, with O(1) membership
    todo = [cls]
    while todo:
        c = todo.pop()
        for sub in c.__subclasses__():
            if sub not in seen:
                seen[sub] = None
                todo.append(sub)
    return list(seen)


class _TracedMethod:
    """A descriptor wrapping an estimator method (a plain function or sklearn's
    ``available_if`` descriptor), so ``hasattr`` and signatures behave as before."""

    def __init__(self, original: Any, name: str):
        self.original = original
        self.name = name

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        bound = self.original.__get__(obj, objtype) if hasattr(self.original, "__get__") else self.original
        if obj is None:
            return bound
        key = (id(obj), self.name, id(self))
        hit = _bound_cache.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        name = self.name

        @functools.wraps(bound)
        def traced(*args: Any, **kwargs: Any) -> Any:
            return _dispatch(obj, name, bound, args, kwargs)

        _bound_cache[key] = (obj, traced)
        return traced


class _TracedSplit:
    def __init__(self, original: Any):
        self.original = original

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        bound = self.original.__get__(obj, objtype)
        if obj is None:
            return bound

        @functools.wraps(bound)
        def traced(*args: Any, **kwargs: Any) -> Any:
            return _dispatch_split(obj, bound, args, kwargs)

        return traced


def _patch() -> None:
    from sklearn.base import BaseEstimator
    from sklearn.model_selection import BaseCrossValidator
    from sklearn.model_selection._split import BaseShuffleSplit

    classes: dict[type, None] = {}  # ordered, with O(1) membership
    for cls in [BaseEstimator] + _all_subclasses(BaseEstimator):
        # Mixins (TransformerMixin.fit_transform, ClassifierMixin.score) sit in the MRO
        # without deriving from BaseEstimator: patch them too.
        for c in cls.__mro__:
            if c is not object:
                classes[c] = None
    for cls in classes:
        own = cls.__dict__
        for name in _METHODS:
            if name in own:
                orig = own[name]
                if isinstance(orig, (_TracedMethod, staticmethod, classmethod)):
                    continue
                setattr(cls, name, _TracedMethod(orig, name))
                _patched.append((cls, name, orig))
    for base in (BaseCrossValidator, BaseShuffleSplit):
        for cls in [base] + _all_subclasses(base):
            if "split" in cls.__dict__ and not isinstance(cls.__dict__["split"], _TracedSplit):
                orig = cls.__dict__["split"]
                setattr(cls, "split", _TracedSplit(orig))
                _patched.append((cls, "split", orig))


def _unpatch() -> None:
    _bound_cache.clear()
    while _patched:
        cls, name, orig = _patched.pop()
        setattr(cls, name, orig)


@functools.lru_cache(maxsize=None)
def _search_base() -> type:
    from sklearn.model_selection._search import BaseSearchCV

    return BaseSearchCV


def _is_search(est: Any) -> bool:
    return isinstance(est, _search_base())


def _dispatch(est: Any, name: str, bound: Any, args: tuple, kwargs: dict) -> Any:
    stack = _stack()
    tracers = list(_active)
    if not tracers or getattr(_local, "busy", False):
        return bound(*args, **kwargs)
    outer = not stack
    parent_fit = next((f for f in reversed(stack) if f[1] in _FIT_METHODS), None)
    inside_search = any(_is_search(e) and m in _FIT_METHODS for e, m, _ in stack)
    X = args[0] if args else kwargs.get("X")
    pre = [t._before(est, name, X, outer, parent_fit, inside_search) for t in tracers]
    stack.append((est, name, pre))
    try:
        result = bound(*args, **kwargs)
    finally:
        stack.pop()
    for t, p in zip(tracers, pre):
        t._after(est, name, X, result, outer, p)
    return result


def _dispatch_split(cv: Any, bound: Any, args: tuple, kwargs: dict) -> Any:
    stack = _stack()
    tracers = list(_active)
    if not tracers or getattr(_local, "in_split", False) or getattr(_local, "busy", False):
        return bound(*args, **kwargs)
    X = args[0] if args else kwargs.get("X")
    active_fits = [(e, m) for e, m, _ in stack if m in _FIT_METHODS]
    internal = bool(active_fits) and not _is_search(active_fits[-1][0])
    inside_search = any(_is_search(e) for e, _ in active_fits)
    caller = sys._getframe(2).f_code.co_name if hasattr(sys, "_getframe") else ""
    label = "train_test_split" if caller == "train_test_split" else type(cv).__name__
    records = [t._split_start(cv, label, X, internal, inside_search) for t in tracers]

    def gen() -> Iterator:
        _local.in_split = True
        try:
            it = bound(*args, **kwargs)
            for train, test in it:
                for t, r in zip(tracers, records):
                    if r is not None:
                        r.folds.append((np.asarray(train), np.asarray(test)))
                _local.in_split = False
                yield train, test
                _local.in_split = True
        finally:
            _local.in_split = False

    return gen()


# --------------------------------------------------------------------------------------
# The tracer
# --------------------------------------------------------------------------------------
def _label(est: Any) -> str:
    return type(est).__name__


def _config(est: Any) -> str:
    try:
        params = est.get_params(deep=True)
        items = sorted((k, repr(v)) for k, v in params.items())
        return f"{type(est).__name__}({items!r})"
    except Exception:  # noqa: BLE001 - a broken get_params must not break the user's code
        return f"{type(est).__name__}@{id(est)}"


_REQUIRES_FIT: dict[type, bool] = {}


def _requires_fit(est: Any) -> bool:
    """Whether the estimator learns anything in fit (sklearn's ``requires_fit`` tag),
    cached per class."""
    cls = type(est)
    hit = _REQUIRES_FIT.get(cls)
    if hit is None:
        try:
            hit = bool(est.__sklearn_tags__().requires_fit)
        except Exception:  # noqa: BLE001 - an estimator without tags is assumed to learn
            hit = True
        _REQUIRES_FIT[cls] = hit
    return hit


def _unique(a: np.ndarray, return_inverse: bool = False) -> Any:
    """Sorted unique values (and the inverse map) by one sort: faster than np.unique for the
    uint64 fingerprints the tracer handles."""
    order = np.argsort(a) if return_inverse else None  # any sorting order will do (no need for stable)
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


def _contains(a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    """Boolean mask: which values of ``a`` are in the sorted unique array ``sorted_b``."""
    if len(sorted_b) == 0:
        return np.zeros(len(a), dtype=bool)
    idx = np.searchsorted(sorted_b, a)
    idx[idx == len(sorted_b)] = 0
    return sorted_b[idx] == a


_PANDAS_MAJOR = int(pd.__version__.split(".")[0])


def _copy_on_write() -> bool:
    """Whether pandas copies a frame's values before writing into them (always from pandas
    3, an option in 2.x): then an array viewing them never changes."""
    if _PANDAS_MAJOR >= 3:
        return True
    try:
        return pd.options.mode.copy_on_write is True
    except (AttributeError, KeyError):  # pragma: no cover
        return False


def _frame_snapshot(H: np.ndarray) -> np.ndarray:
    """A DataFrame's per-value hashes as they are now, whatever is later written into the
    frame: ``H`` itself when it owns its values or pandas copies on write, else a copy."""
    return H if H.flags.writeable or _copy_on_write() else H.copy(order="K")


# One spare buffer for the copy of a split's numeric data (see Trace._add_fold_source),
# reused from one trace to the next: allocating and freeing a large array in every traced
# cross-validation costs more, in the allocator, than copying into it.
_SPARE: dict[tuple, np.ndarray] = {}
_SPARE_MAX_BYTES = 64 << 20


def _copy_to_spare(H: np.ndarray) -> np.ndarray:
    with _lock:
        buf = _SPARE.pop((H.shape, H.dtype.str), None)
    if buf is None:
        buf = np.empty(H.shape, dtype=H.dtype)
    np.copyto(buf, H)
    return buf


def _return_spare(buf: np.ndarray) -> None:
    if buf.nbytes <= _SPARE_MAX_BYTES:
        with _lock:
            _SPARE.clear()  # keep one, the latest
            _SPARE[(buf.shape, buf.dtype.str)] = buf


def _rows_equal(H: np.ndarray, SH: np.ndarray, idx: np.ndarray, chunk: int = 1024) -> bool:
    """Whether ``H`` equals ``SH[idx]``, compared a column at a time when ``SH`` is stored by
    column (a DataFrame's values), else a block of rows at a time through one small buffer
    (gathering all of ``SH[idx]`` at once costs more than hashing it)."""
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


class _SplitIndex:
    """A split's rows as sorted unique roots, with per-fold train/test masks over them,
    so every membership question is one ``searchsorted``."""

    def __init__(self, split: SplitRecord, roots: np.ndarray):
        self.roots = roots
        self.folds = split.folds
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.uniq, self.inverse = _unique(roots, return_inverse=True)
        m = len(self.uniq)
        self.te_masks, self.tr_masks, self.held_only = [], [], []
        for tr, te in split.folds:
            te_m = np.zeros(m, dtype=bool)
            te_m[self.inverse[np.asarray(te, dtype=np.intp)]] = True
            tr_m = np.zeros(m, dtype=bool)
            tr_m[self.inverse[np.asarray(tr, dtype=np.intp)]] = True
            self.te_masks.append(te_m)
            self.tr_masks.append(tr_m)
            # Rows on both sides are duplicates, reported as such, not as fits that saw them.
            self.held_only.append(te_m & ~tr_m)

    def fold_side(self, roots: np.ndarray) -> tuple[int, bool] | None:
        """``(k, is_test)`` when ``roots`` are exactly the split's rows at fold k's training
        (or test) positions, in that order: what cross-validation hands to each fit and
        score. Checked exactly, in O(n) without sorting; None otherwise."""
        n = len(roots)
        if n == 0:
            return None
        first, last = roots[0], roots[-1]
        for k, (tr, te) in enumerate(self.folds):
            for is_test, idx in ((False, tr), (True, te)):
                if (len(idx) == n and self.roots[idx[0]] == first and self.roots[idx[-1]] == last
                        and np.array_equal(self.roots[idx], roots)):
                    return k, is_test
        return None

    def mask_of(self, roots: np.ndarray, sorted_roots: Any) -> np.ndarray:
        """Mask over the split's unique rows: which of them are among ``roots`` (whose
        sorted unique values ``sorted_roots()`` returns, computed only when needed).
        Remembered per ``roots`` array: the analysis asks again for every fold."""
        hit = self._masks.get(id(roots))
        if hit is not None and hit[0] is roots:
            return hit[1]
        side = self.fold_side(roots)
        if side is not None:
            mask = (self.te_masks if side[1] else self.tr_masks)[side[0]]
        else:
            mask = _contains(self.uniq, sorted_roots())
        self._masks[id(roots)] = (roots, mask)
        return mask

    def positions(self, roots: np.ndarray, min_found: float = 0.9) -> np.ndarray | None:
        """Positions, among the split's unique rows, of the ``roots`` that are rows of it;
        None when fewer than ``min_found`` of them are (then they are other data). Rows a
        column subset cannot tell apart stay unresolved, hence the tolerance."""
        if len(self.uniq) == 0 or len(roots) == 0:
            return None
        side = self.fold_side(roots)
        if side is not None:
            k, is_test = side
            return self.inverse[np.asarray(self.folds[k][1 if is_test else 0], dtype=np.intp)]
        idx = np.searchsorted(self.uniq, roots)
        idx[idx == len(self.uniq)] = 0
        found = self.uniq[idx] == roots
        if found.mean() < min_found:
            return None
        return idx[found]


class Trace:
    """What happened inside one ``with leakkit.trace()`` block. Use :func:`trace`.

    Attributes
    ----------
    fits : list of FitRecord
    splits : list of SplitRecord
    predictions : list of PredictRecord
    findings : list of Finding
        Empty when nothing leaked; computed when the block ends.
    """

    def __init__(self, *, detail: str = "outer", test_reuse_min_configs: int = 2, held_out: Any = None) -> None:
        if detail not in ("outer", "all"):
            raise ValueError(f"detail: expected 'outer' or 'all', got {detail!r}.")
        if isinstance(test_reuse_min_configs, bool) or not isinstance(test_reuse_min_configs, int) or test_reuse_min_configs < 2:
            raise ValueError(
                f"test_reuse_min_configs: expected an int of at least 2, got {test_reuse_min_configs!r}."
            )
        self.detail = detail
        self.test_reuse_min_configs = test_reuse_min_configs
        self.fits: list[FitRecord] = []
        self._fit_by_id: dict[int, FitRecord] = {}
        self.splits: list[SplitRecord] = []
        self.predictions: list[PredictRecord] = []
        self._outputs: list[_Output] = []
        self._links: list[tuple[np.ndarray, np.ndarray]] = []  # (child rows, parent rows), by position
        self._state: dict[int, frozenset] = {}
        self._own_fit: dict[int, int | None] = {}
        self._keep: list[Any] = []  # estimators stay alive so their ids stay unique
        self._frames: dict[int, tuple[list, np.ndarray]] = {}  # frame key -> (names, column hashes)
        self._fp_cache: dict[int, tuple[Any, np.ndarray, int | None]] = {}
        # Recent splits of dense data, with their per-value hashes: cross-validation hands
        # each fit and score the split's rows at one fold's positions, whose fingerprints
        # are then read off the split's instead of being recomputed.
        self._fold_sources: list[tuple[SplitRecord, np.ndarray, bool]] = []  # (split, hashes, spare buffer?)
        self._findings: list[Finding] | None = None
        self._active = False
        self._ids = 0
        self._t0 = time.perf_counter()
        if held_out is not None:
            parts = held_out if isinstance(held_out, list) else [held_out]
            for i, part in enumerate(parts):
                if n_rows(part) is None:
                    raise TypeError(f"held_out: expected an array, DataFrame or sparse matrix of test rows (or a list "
                                    f"of them), got {type(part).__name__}.")
                self.hold_out(part, name=f"held_out[{i}]" if len(parts) > 1 else "held_out")

    def hold_out(self, X: Any, *, name: str = "declared test set") -> None:
        """Declare ``X`` as held-out rows, for splits made without a splitter (positions
        taken by hand, a test file loaded separately). Any fit that saw these rows and
        then helped score them, and any reuse of them to compare models, is reported like
        for a split.

        >>> import numpy as np
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn.linear_model import LogisticRegression
        >>> import leakkit
        >>> rng = np.random.default_rng(0)
        >>> X, y = rng.normal(size=(200, 3)), rng.integers(0, 2, 200)
        >>> with leakkit.trace(held_out=X[150:]) as t:
        ...     sc = StandardScaler().fit(X)                      # all rows, test included
        ...     m = LogisticRegression().fit(sc.transform(X[:150]), y[:150])
        ...     _ = m.score(sc.transform(X[150:]), y[150:])
        >>> [(f.check, f.evidence["estimator"], f.evidence["n_held_out_seen"]) for f in t.findings]
        [('fit_saw_held_out', 'StandardScaler', 50)]
        """
        rows, fkey = self._fingerprint(X)
        if rows is None:
            raise TypeError(f"X: could not read rows from a {type(X).__name__}; pass an array or a DataFrame.")
        rec = SplitRecord(id=self._next_id(), splitter=name, rows=rows, internal=False, inside_search=False,
                          time=-1.0, frame_key=fkey, declared=True)
        rec.folds.append((np.zeros(0, dtype=np.intp), np.arange(len(rows))))
        self.splits.append(rec)
        self._findings = None

    # ---- context manager -----------------------------------------------------------
    def __enter__(self) -> "Trace":
        with _lock:
            if not _active:
                _patch()
            _active.append(self)
        self._active = True
        return self

    def __exit__(self, *exc: Any) -> None:
        with _lock:
            if self in _active:
                _active.remove(self)
            if not _active:
                _unpatch()
        self._active = False
        self._fp_cache.clear()
        while self._fold_sources:
            self._drop_fold_source(-1)
        return None

    # ---- fingerprints ----------------------------------------------------------------
    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def _fingerprint(self, X: Any) -> tuple[np.ndarray | None, int | None]:
        """Row fingerprints of X and, for a DataFrame, a key to its stored column hashes."""
        hit = self._fingerprint_entry(X)
        return (hit[1], hit[2]) if hit is not None else (None, None)

    def _digests(self, X: Any) -> tuple:
        """One digest per column of a dense X (its values in row order), or (). Computed on
        demand: only transform outputs and split data need them."""
        hit = self._fingerprint_entry(X)
        if hit is None or hit[1] is None or is_sparse(X):
            return ()
        if hit[3] is None:
            _local.busy = True
            try:
                H = self._frames[hit[2]][1] if hit[2] is not None else column_hashes(self._dense(X))[1]
                digests = tuple(hash(H[:, j].tobytes()) for j in range(H.shape[1]))
            except Exception:  # noqa: BLE001 - no digests, no column matching
                digests = ()
            finally:
                _local.busy = False
            hit = (hit[0], hit[1], hit[2], digests)
            self._fp_cache[id(X)] = hit
        return hit[3]

    @staticmethod
    def _dense(X: Any) -> Any:
        if isinstance(X, (list, tuple)) and X and not isinstance(X[0], (str, bytes, int, float, np.number)):
            return np.asarray(X, dtype=object) if not all(hasattr(r, "__len__") for r in X[:1]) else X
        return X

    def _fingerprint_entry(self, X: Any) -> tuple | None:
        if X is None or n_rows(X) is None:
            return None
        key = id(X)
        hit = self._fp_cache.get(key)
        if hit is not None and hit[0] is X:
            return hit
        _local.busy = True
        try:
            fkey = None
            if is_sparse(X):
                fps = row_fingerprints(X)
            else:
                raw = isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype == np.float64
                # For float64 arrays the raw bits are compared (no normalising pass: equal bits
                # are equal values; a -0.0, stored as 0.0, just makes the rows hashed below).
                fps = self._rows_of_a_fold(X.view(np.uint64)) if raw else None
                if fps is None:
                    names, H = column_hashes(self._dense(X))
                    if not raw:
                        fps = self._rows_of_a_fold(H)
                    if fps is None:
                        fps = combine(H)
                    if isinstance(X, pd.DataFrame) and H.shape[1] > 0:
                        fkey = key
                        self._frames[key] = (names, _frame_snapshot(H))
        except Exception:  # noqa: BLE001 - data we cannot fingerprint is not tracked
            fps, fkey = None, None
        finally:
            _local.busy = False
        entry = (X, fps, fkey, None)
        self._fp_cache[key] = entry
        self._keep.append(X)
        return entry

    def _rows_of_a_fold(self, H: np.ndarray) -> np.ndarray | None:
        """The fingerprints of rows whose per-value hashes ``H`` are exactly a recent split's
        rows at one fold's training or test positions (checked in full, value by value), or
        None. Cheaper than hashing them again, which is what cross-validation would cost."""
        n, d = H.shape
        if n == 0 or not self._fold_sources:
            return None
        probe = np.linspace(0, n - 1, 16).astype(np.intp)  # a few rows first, then all of them
        h_probe = H[probe]
        for rec, SH, _ in reversed(self._fold_sources):
            if SH.shape[1] != d:
                continue
            for fold in rec.folds:
                for idx in fold:
                    if len(idx) == n and np.array_equal(h_probe, SH[idx[probe]]) and _rows_equal(H, SH, idx):
                        return rec.rows[idx]
        return None

    def _add_fold_source(self, rec: "SplitRecord", X: Any) -> None:
        """Remember a split's per-value hashes (the stored ones of a DataFrame, a copy of a
        numeric array's) as they were at the split, whatever is later written into ``X``."""
        if rec.frame_key is not None:
            H, owned = self._frames[rec.frame_key][1], False
        elif isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "biuf":
            H = column_hashes(X)[1]
            owned = not H.flags.writeable  # a view of X: copied
            if owned:
                H = _copy_to_spare(H)
        else:
            return
        self._fold_sources.append((rec, H, owned))
        while len(self._fold_sources) > _FOLD_SOURCES:
            self._drop_fold_source(0)

    def _drop_fold_source(self, i: int) -> None:
        _, H, owned = self._fold_sources.pop(i)
        if owned:
            _return_spare(H)

    def _taint_of(self, fps: np.ndarray | None) -> frozenset:
        if fps is None or not self._outputs:
            return frozenset()
        out: set = set()
        for o in self._outputs:
            if o.taint - out and _contains(fps, o.sorted_rows).any():
                out |= o.taint
        return frozenset(out)

    # ---- events ----------------------------------------------------------------------
    def _before(self, est: Any, name: str, X: Any, outer: bool, parent_fit: Any, inside_search: bool) -> Any:
        if name not in _FIT_METHODS:
            return None
        rows = None
        taint: frozenset = frozenset()
        parent = None
        if parent_fit is not None:
            # The enclosing fit's record made by *this* tracer.
            for p in parent_fit[2]:
                if isinstance(p, FitRecord) and self._fit_by_id.get(p.id) is p:
                    parent = p.id
        if outer or self.detail == "all":
            rows, _ = self._fingerprint(X)
            taint = self._taint_of(rows)
        from sklearn.base import OutlierMixin

        rec = FitRecord(
            id=self._next_id(), estimator=_label(est), method=name, n_rows=n_rows(X), outermost=outer,
            parent=parent, inside_search=inside_search, rows=rows, taint=taint,
            requires_fit=_requires_fit(est), is_outlier_detector=isinstance(est, OutlierMixin),
            time=time.perf_counter() - self._t0,
        )
        self.fits.append(rec)
        self._fit_by_id[rec.id] = rec
        return rec

    def _after(self, est: Any, name: str, X: Any, result: Any, outer: bool, rec: Any) -> None:
        self._keep.append(est)
        if isinstance(rec, FitRecord):
            parent_state = self._state.get(id(est), frozenset()) if name == "partial_fit" else frozenset()
            if rec.outermost or rec.rows is not None:
                state = frozenset({rec.id}) | rec.taint
            elif rec.parent is not None:
                state = self._state_of_fit(rec.parent)
            else:
                state = frozenset({rec.id})
            if not rec.requires_fit:
                state = frozenset(s for s in state if s != rec.id) | rec.taint
            self._state[id(est)] = parent_state | state
            self._own_fit[id(est)] = rec.id if rec.rows is not None else rec.parent
            if name in ("fit_transform", "fit_resample") and (outer or self.detail == "all"):
                self._record_output(X, result[0] if name == "fit_resample" and isinstance(result, tuple) else result,
                                    self._state[id(est)], same_rows=name == "fit_transform")
            if name == "fit_predict":
                rec.used = True
            return
        if not outer and not (self.detail == "all" and name in _TRANSFORM_METHODS):
            return
        state = self._state.get(id(est), frozenset())
        if name in _TRANSFORM_METHODS:
            for f in self.fits:
                if f.id in state:
                    f.used = True
            self._record_output(X, result, state, same_rows=True)
            return
        if name in _PREDICT_METHODS:
            for f in self.fits:
                if f.id in state:
                    f.used = True
            rows, _ = self._fingerprint(X)
            if rows is None:
                return
            history = state | self._taint_of(rows)
            self.predictions.append(PredictRecord(
                id=self._next_id(), estimator=_label(est), est=est, method=name, rows=rows,
                history=history, model_fit=self._own_fit.get(id(est)), time=time.perf_counter() - self._t0,
            ))

    def _state_of_fit(self, fit_id: int) -> frozenset:
        rec = self._fit_by_id.get(fit_id)
        if rec is None:
            return frozenset()
        return frozenset({rec.id}) | rec.taint

    def _record_output(self, X: Any, out: Any, state: frozenset, same_rows: bool) -> None:
        if out is None or n_rows(out) is None:
            return
        out_fps, _ = self._fingerprint(out)
        if out_fps is None:
            return
        in_fps, _ = self._fingerprint(X)
        parents = in_fps if (same_rows and in_fps is not None and len(in_fps) == len(out_fps)) else None
        taint = state | self._taint_of(in_fps)
        self._outputs.append(_Output(rows=out_fps, parents=parents, taint=taint, digests=self._digests(out)))

    def _split_start(self, cv: Any, label: str, X: Any, internal: bool, inside_search: bool) -> SplitRecord | None:
        if internal:  # an estimator's own cross-fitting or early stopping: described, not checked
            rec = SplitRecord(id=self._next_id(), splitter=label, rows=np.zeros(0, np.uint64), internal=True,
                              inside_search=inside_search, time=time.perf_counter() - self._t0)
            self.splits.append(rec)
            return None
        rows, fkey = self._fingerprint(X)
        if rows is None:
            return None
        taint = self._taint_of(rows)
        # Columns of a transform's output written back into a frame (df[cols] = fit_transform(...))
        # or stacked with other columns: the split rows derive, position by position, from it.
        digests = set(self._digests(X)) if self._outputs else set()
        if digests:
            for o in self._outputs:
                if len(o.rows) == len(rows) and digests.intersection(o.digests) and o.parents is not None:
                    taint |= o.taint
                    self._links.append((rows, o.rows))
        rec = SplitRecord(
            id=self._next_id(), splitter=label, rows=rows, taint=taint, internal=internal,
            inside_search=inside_search, time=time.perf_counter() - self._t0, frame_key=fkey,
        )
        self.splits.append(rec)
        self._add_fold_source(rec, X)
        return rec

    # ---- analysis --------------------------------------------------------------------
    def _resolver(self) -> Any:
        """A function mapping row fingerprints to root fingerprints (original rows).

        Two kinds of links: a transform's output row -> its input row (by position), and a
        row of a frame holding some of a split frame's columns -> the split frame's row.
        Rows are known by content, so a transformed row can coincide with a raw row (a
        standardised value of exactly 0.0 and a raw 0.0). Fingerprints of raw data (split
        frames that are not transform outputs, and their column subsets) are therefore
        never treated as transform outputs.
        """
        parent: dict[int, int] = {}
        children = [o.rows for o in self._outputs if o.parents is not None] + [c for c, _ in self._links]
        all_children = _unique(np.concatenate(children)) if children else np.zeros(0, np.uint64)
        split_keys = {s.frame_key for s in self.splits if s.frame_key is not None and not s.internal}
        raw_parts: list[np.ndarray] = []
        aliases: list[tuple[np.ndarray, np.ndarray]] = []
        frames = list(self._frames.items())
        for skey in split_keys:
            snames, sH = self._frames[skey]
            s_fp = combine(sH)
            derived = _contains(s_fp, all_children).mean() >= 0.5
            if not derived:
                raw_parts.append(s_fp)
            pos = {n: i for i, n in enumerate(snames)}
            for key, (names, H) in frames:
                if key == skey or len(names) == len(snames) and names == snames:
                    continue
                if set(names) < set(snames):
                    # Frames holding a subset of the split frame's columns map onto it, but only
                    # rows the subset still tells apart: a subset value shared by two rows could
                    # be either of them, so it maps to neither.
                    sub = combine(sH, [pos[n] for n in names])
                    if not derived:
                        raw_parts.append(sub)
                    once = _occurs_once(sub)
                    aliases.append((sub[once], s_fp[once]))
                elif set(snames) < set(names):
                    npos = {n: i for i, n in enumerate(names)}
                    aliases.append((combine(H), combine(H, [npos[n] for n in snames])))
        raw = _unique(np.concatenate(raw_parts)) if raw_parts else np.zeros(0, np.uint64)
        pairs = [(o.rows, o.parents) for o in self._outputs if o.parents is not None] + self._links
        for child, par in pairs:
            keep = ~_contains(child, raw)
            for a, b in zip(child[keep].tolist(), par[keep].tolist()):
                if a != b and a not in parent:
                    parent[a] = b
        for child, par in aliases:
            for a, b in zip(child.tolist(), par.tolist()):
                if a != b and a not in parent:
                    parent[a] = b
        if not parent:
            return lambda fps: fps
        cache: dict[int, int] = {}

        def root(v: int) -> int:
            seen = 0
            r = v
            while r in parent and seen < 64:
                r = parent[r]
                seen += 1
            return r

        def resolve(fps: np.ndarray) -> np.ndarray:
            out = np.empty(len(fps), dtype=np.uint64)
            for i, v in enumerate(fps.tolist()):
                r = cache.get(v)
                if r is None:
                    r = cache[v] = root(v)
                out[i] = r
            return out

        return resolve

    def _analyse(self) -> list[Finding]:
        resolve = self._resolver()
        findings: list[Finding] = []
        fits = {f.id: f for f in self.fits}
        fit_roots: dict[int, np.ndarray] = {}
        fit_sorted: dict[int, np.ndarray] = {}

        def roots_of_fit(fid: int | None) -> np.ndarray | None:
            """The roots of the rows a fit saw, in its row order."""
            f = fits.get(fid) if fid is not None else None
            if f is None or f.rows is None:
                return None
            if fid not in fit_roots:
                fit_roots[fid] = resolve(f.rows)
            return fit_roots[fid]

        def sorted_roots_of_fit(fid: int) -> np.ndarray:
            if fid not in fit_sorted:
                fit_sorted[fid] = _unique(roots_of_fit(fid))
            return fit_sorted[fid]

        reported: set = set()
        indexes = {}
        for s in self.splits:
            if s.internal or not s.folds:
                continue
            ix = _SplitIndex(s, resolve(s.rows))
            if len(ix.uniq) >= _MIN_DISTINCT * len(s.rows):
                indexes[s.id] = ix
        eval_splits = [s for s in self.splits if s.id in indexes]
        pred_roots = [resolve(p.rows) for p in self.predictions]
        reuse: dict[int, dict] = {}
        declared_dups: dict[int, tuple] = {}
        for s in eval_splits:
            ix = indexes[s.id]
            where = f"{s.splitter}" + (" inside a grid search" if s.inside_search else "")
            nf = len(s.folds)
            # 1. A transform fitted on rows this split holds out produced the split's data.
            for fid in sorted(s.taint):
                f = fits.get(fid)
                fr = roots_of_fit(fid)
                if f is None or fr is None or not f.requires_fit or (fid, s.id) in reported:
                    continue
                seen_u = ix.mask_of(fr, lambda fid=fid: sorted_roots_of_fit(fid))
                seen_per_fold = [int((seen_u & ho).sum()) for ho in ix.held_only]
                if max(seen_per_fold) == 0:
                    continue
                reported.add((fid, s.id))
                worst = int(np.argmax(seen_per_fold))
                seen, held = seen_per_fold[worst], int(ix.held_only[worst].sum())
                fold_txt = "" if nf == 1 else (
                    f" (fold {worst + 1} of {nf}; every fold alike)" if min(seen_per_fold) == seen
                    else f" (fold {worst + 1} of {nf})")
                te = np.asarray(s.folds[worst][1])
                findings.append(Finding(
                    "fit_before_split", "fail",
                    f"{f.estimator} was fitted ({f.method}) on {f.n_rows} rows before the data was split by "
                    f"{where}: it saw {seen} of the {held} held-out rows{fold_txt}, so what it learned "
                    f"from them reached the model being evaluated. Fit it on the training rows only: put it "
                    f"in a Pipeline with the model and split (or cross-validate) the raw data.",
                    rows=capped_rows(te[seen_u[ix.inverse[te]]]),
                    evidence={"estimator": f.estimator, "method": f.method, "splitter": s.splitter,
                              "n_held_out_seen": seen, "n_held_out": held, "n_folds": nf,
                              "held_out_seen_per_fold": seen_per_fold, "fit_rows": f.n_rows},
                ))
            # 2. An outlier detector fitted on more rows chose the rows that were then split.
            for f in self.fits:
                if not (f.outermost and f.is_outlier_detector and f.used and f.time < s.time):
                    continue
                if roots_of_fit(f.id) is None or (f.id, s.id) in reported:
                    continue
                fr = sorted_roots_of_fit(f.id)
                if len(fr) <= len(ix.uniq) or not _contains(ix.uniq, fr).all():
                    continue
                reported.add((f.id, s.id))
                held = int(np.any(ix.te_masks, axis=0).sum())
                findings.append(Finding(
                    "outliers_removed_before_split", "fail",
                    f"{f.estimator} was fitted on {f.n_rows} rows, including the {held} rows that "
                    f"{where} later held out, and its verdict decided which rows were kept "
                    f"({len(fr) - len(ix.uniq)} removed). Remove outliers inside the training folds only "
                    f"(fit the detector on training rows), never before the split.",
                    evidence={"estimator": f.estimator, "splitter": s.splitter, "n_held_out_seen": held,
                              "n_removed": int(len(fr) - len(ix.uniq)), "fit_rows": f.n_rows},
                ))
            # 3. Duplicates across the split (the same row on both sides).
            if not s.inside_search:
                dup_u = np.zeros(len(ix.uniq), dtype=bool)
                worst = (0, 0)
                for k in range(nf):
                    d = ix.te_masks[k] & ix.tr_masks[k]
                    nd = int(d.sum())
                    if nd:
                        dup_u |= d
                        te = np.asarray(s.folds[k][1])
                        n_rows_dup = int(d[ix.inverse[te]].sum())
                        if n_rows_dup > worst[0]:
                            worst = (n_rows_dup, len(te))
                if dup_u.any():
                    dup_rows = np.flatnonzero(dup_u[ix.inverse])
                    # A few coincidences among many rows (different records equal on a handful of
                    # coarse columns) are a warning; a share of 1 % or more is a leak.
                    severity = "fail" if worst[0] >= 0.01 * max(worst[1], 1) else "warn"
                    findings.append(Finding(
                        "duplicates_across_split", severity,
                        f"{worst[0]} of the {worst[1]} held-out rows of {where} have an identical copy among "
                        f"its training rows ({int(dup_u.sum())} distinct duplicated rows over all folds): the "
                        f"model is tested on rows it memorised. Remove duplicates before splitting, or split "
                        f"by entity (GroupKFold / GroupShuffleSplit).",
                        rows=capped_rows(dup_rows),
                        evidence={"splitter": s.splitter, "n_rows": int(len(dup_rows)),
                                  "n_held_out_seen": worst[0], "n_held_out": worst[1]},
                    ))
            # 4. Predictions on held-out rows by a model (or through a transform) fitted on them.
            #    A prediction evaluates fold k when it scores only rows held out in that fold and
            #    either its model was fitted on that fold's training rows, or no such fold model
            #    scored the fold (so it is the fold's only evaluation). A model refitted on all
            #    rows after cross-validation evaluates nothing.
            later = [(p, ix.positions(pr)) for p, pr in zip(self.predictions, pred_roots)
                     if p.time > s.time and len(pr)]
            later = [(p, pos) for p, pos in later if pos is not None]
            model_pos = {}
            for p, _ in later:
                if p.model_fit not in model_pos:
                    mr = roots_of_fit(p.model_fit)
                    model_pos[p.model_fit] = ix.positions(mr) if mr is not None else None
            for k in range(nf):
                te_m, tr_m, ho = ix.te_masks[k], ix.tr_masks[k], ix.held_only[k]
                scoring = [(p, pos) for p, pos in later if te_m[pos].all()]
                is_fold_model = [model_pos.get(p.model_fit) is not None and bool(tr_m[model_pos[p.model_fit]].all())
                                 for p, _ in scoring]
                for (p, pos), fold_model in zip(scoring, is_fold_model):
                    if not fold_model and any(is_fold_model):
                        continue
                    for fid in sorted(p.history):
                        f = fits.get(fid)
                        fr = roots_of_fit(fid)
                        if f is None or fr is None or not f.requires_fit or (fid, s.id) in reported:
                            continue
                        seen_u = ix.mask_of(fr, lambda fid=fid: sorted_roots_of_fit(fid))
                        hit = seen_u[pos] & ho[pos]
                        seen = int(hit.sum())
                        if seen and s.declared and seen < 0.5 * len(pos) and seen < 0.5 * len(sorted_roots_of_fit(fid)):
                            # A declared test set has no training side: a fit mostly on other rows
                            # that met a few held-out rows met copies of them (duplicates).
                            prev = declared_dups.get(s.id)
                            if prev is None or seen > prev[0]:
                                declared_dups[s.id] = (seen, int(len(pos)), np.flatnonzero(hit))
                            continue
                        if seen:
                            reported.add((fid, s.id))
                            findings.append(Finding(
                                "fit_saw_held_out", "fail",
                                f"{p.estimator}.{p.method} scored {len(pos)} held-out rows of {s.splitter}, but "
                                f"{f.estimator} (used in that prediction) had been fitted on {seen} of those very "
                                f"rows. Fit every step on the training rows only (after the split), then "
                                f"transform and score the held-out rows.",
                                rows=capped_rows(np.flatnonzero(hit)),
                                evidence={"estimator": f.estimator, "predictor": p.estimator,
                                          "splitter": s.splitter, "n_held_out_seen": seen,
                                          "n_held_out": int(len(pos)), "fold": k + 1},
                            ))
                # 5. (collected) Who scored this fold's held-out rows, outside a search object. Folds
                #    with the same held-out rows are pooled across splits: calling cross_val_score
                #    once per setting reuses the same folds just as a loop over one test set does.
                if not s.inside_search and scoring:
                    key = hash(ix.uniq[te_m].tobytes())
                    pool = reuse.setdefault(key, {"split": s, "fold": k, "n": int(te_m.sum()), "preds": []})
                    pool["preds"].extend(p for p, _ in scoring if all(p is not q for q in pool["preds"]))
        for sid, (seen, held, rows) in declared_dups.items():
            s = next(x for x in self.splits if x.id == sid)
            findings.append(Finding(
                "duplicates_across_split", "fail" if seen >= 0.01 * held else "warn",
                f"{seen} of the {held} rows of {s.splitter} have an identical copy among the rows a model was "
                f"fitted on: the model is tested on rows it memorised. Remove duplicates before splitting, or "
                f"split by entity (GroupKFold / GroupShuffleSplit).",
                rows=capped_rows(rows),
                evidence={"splitter": s.splitter, "n_rows": seen, "n_held_out_seen": seen, "n_held_out": held},
            ))
        # 5. The same held-out rows scored by many models or settings.
        for pool in reuse.values():
            preds = pool["preds"]
            if len({(id(p.est), p.model_fit) for p in preds}) < self.test_reuse_min_configs:
                continue
            # A model refitted in place (set_params, then fit) counts once per fit.
            fits_of: dict[int, set] = {}
            for p in preds:
                fits_of.setdefault(id(p.est), set()).add(p.model_fit)
            configs: dict[Any, str] = {}
            for p in preds:
                key = _config(p.est) if len(fits_of[id(p.est)]) == 1 else (id(p.est), p.model_fit)
                configs.setdefault(key, p.estimator)
            if len(configs) < self.test_reuse_min_configs:
                continue
            s = pool["split"]
            names = sorted(set(configs.values()))
            findings.append(Finding(
                "test_reuse", "warn",
                f"The held-out rows of {s.splitter} were scored by {len(configs)} different models or "
                f"settings ({', '.join(names)}). If the best of them is picked on these rows, its "
                f"score is optimistic: tune on a validation split (or with GridSearchCV inside "
                f"nested CV) and score the test rows once.",
                evidence={"splitter": s.splitter, "n_configs": len(configs), "fold": pool["fold"] + 1,
                          "n_held_out": pool["n"]},
            ))
            break
        return findings

    @property
    def findings(self) -> list[Finding]:
        """What leaked (empty when nothing did). Computed once the block has ended."""
        if self._active:
            return self._analyse()
        if self._findings is None:
            self._findings = self._analyse()
        return self._findings

    @property
    def leaked(self) -> bool:
        """True when any finding has severity "fail"."""
        return any(f.severity == "fail" for f in self.findings)

    # ---- reporting -------------------------------------------------------------------
    def fits_frame(self) -> pd.DataFrame:
        """One row per recorded fit: estimator, method, rows seen, outermost or nested."""
        return pd.DataFrame([
            {"id": f.id, "estimator": f.estimator, "method": f.method, "n_rows": f.n_rows,
             "outermost": f.outermost, "parent": f.parent, "inside_search": f.inside_search}
            for f in self.fits
        ], columns=["id", "estimator", "method", "n_rows", "outermost", "parent", "inside_search"])

    def fold_diagram_data(self, split: int = -1) -> dict:
        """Data for :func:`leakkit.plot.fold_diagram`: the folds of one recorded split (the
        last evaluation split by default) and, for each outermost fit, the positions (in
        that split's data) of the rows it saw.

        Returns a dict with ``folds`` (list of (train, test) position arrays), ``n_samples``
        and ``fits`` (list of (label, positions)).
        """
        evals = [s for s in self.splits if not s.internal and s.folds]
        if not evals:
            raise ValueError("split: no split or cross-validation was recorded in this trace; "
                             "call a splitter (train_test_split, KFold, cross_validate...) inside the block.")
        s = evals[split]
        resolve = self._resolver()
        r = resolve(s.rows)
        fits = []
        for f in self.fits:
            if f.rows is None or f.time < 0:
                continue
            seen = np.flatnonzero(_contains(r, _unique(resolve(f.rows))))
            if len(seen):
                fits.append((f"{f.estimator}.{f.method} #{f.id}", seen))
        return {"folds": [(np.asarray(a), np.asarray(b)) for a, b in s.folds], "n_samples": len(r), "fits": fits}

    def summary(self) -> str:
        """A short text report: counts, then one line per finding."""
        lines = [
            f"leakkit.trace: {len(self.fits)} fits ({sum(f.outermost for f in self.fits)} outermost), "
            f"{len([s for s in self.splits if not s.internal])} splits, {len(self.predictions)} scored predictions."
        ]
        fs = self.findings
        if not fs:
            lines.append("No fit saw held-out rows; no duplicates across splits; no test reuse.")
        lines += [str(f) for f in fs]
        return "\n".join(lines)

    def __repr__(self) -> str:
        state = "recording" if self._active else f"{len(self.findings)} finding(s)"
        return f"<leakkit.Trace: {len(self.fits)} fits, {len(self.splits)} splits, {state}>"

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<li><b>{html.escape(f.severity.upper())}</b> <code>{html.escape(f.check)}</code>: "
            f"{html.escape(f.message)}</li>" for f in self.findings
        ) or "<li>No fit saw held-out rows; no duplicates across splits; no test reuse.</li>"
        return f"<div><b>leakkit.trace</b>: {len(self.fits)} fits, {len(self.splits)} splits<ul>{rows}</ul></div>"


def trace(*, detail: str = "outer", test_reuse_min_configs: int = 2, held_out: Any = None) -> Trace:
    """Record every fit, transform, prediction and split in a ``with`` block.

    Parameters
    ----------
    detail : {"outer", "all"}
        ``"outer"`` fingerprints the rows of outermost calls only (fast: a Pipeline's fit is
        one record, its steps are recorded without rows); ``"all"`` also fingerprints the
        rows seen by every nested fit, for fold diagrams of each Pipeline step.
    test_reuse_min_configs : int, default 2
        How many distinct models/settings scored on the same held-out rows make a
        ``test_reuse`` warning.
    held_out : array-like or list of array-likes, optional
        Test rows split off without a splitter (see :meth:`Trace.hold_out`).

    Returns
    -------
    Trace
        Use as a context manager; read ``.findings`` after the block.

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
    >>> t.findings
    []
    """
    return Trace(detail=detail, test_reuse_min_configs=test_reuse_min_configs, held_out=held_out)
