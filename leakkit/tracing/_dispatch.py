"""Dispatch: what a wrapped method, splitter or statistic does when called while a trace is
open in this thread, and how a split is named after what the learner called."""
from __future__ import annotations

import functools
import os
import sys
import types
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._state import _FIT_METHODS, _active, _bound_cache, _local, _mine, _stack

class _TracedMethod:
    """A descriptor wrapping an estimator method (a plain function or sklearn's
    ``available_if`` descriptor), so ``hasattr`` and signatures behave as before.

    A plain function gets one traced twin, made here (with the function's name, docstring
    and ``__wrapped__``), bound to each instance as a bound method: looking a method up
    costs what it costs unpatched, and nothing is kept per instance. A descriptor's bound
    method is wrapped per instance (it may refuse: ``hasattr`` stays False)."""

    def __init__(self, original: Any, name: str):
        self.original = original
        self.name = name
        self._twin = None
        if type(original) is types.FunctionType:
            def twin(obj: Any, *args: Any, **kwargs: Any) -> Any:
                return _dispatch(obj, name, types.MethodType(original, obj), args, kwargs)

            self._twin = functools.update_wrapper(twin, original)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is not None and self._twin is not None:
            return types.MethodType(self._twin, obj)
        bound = self.original.__get__(obj, objtype) if hasattr(self.original, "__get__") else self.original
        if obj is None:
            return bound
        key = (id(obj), self.name, id(self))
        hit = _bound_cache.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        name = self.name

        def traced(*args: Any, **kwargs: Any) -> Any:
            return _dispatch(obj, name, bound, args, kwargs)

        functools.update_wrapper(traced, bound)

        if _active:
            _bound_cache[key] = (obj, traced)
        return traced


class _TracedSplit:
    def __init__(self, original: Any):
        self.original = original

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        bound = self.original.__get__(obj, objtype)
        if obj is None:
            return bound

        def traced(*args: Any, **kwargs: Any) -> Any:
            return _dispatch_split(obj, bound, args, kwargs)

        functools.update_wrapper(traced, bound)

        return traced


_SEARCH_BASE: list = []


def _search_base() -> type:
    if not _SEARCH_BASE:
        from sklearn.model_selection._search import BaseSearchCV

        _SEARCH_BASE.append(BaseSearchCV)
    return _SEARCH_BASE[0]


def _is_search(est: Any) -> bool:
    return isinstance(est, _SEARCH_BASE[0] if _SEARCH_BASE else _search_base())


def _dispatch(est: Any, name: str, bound: Any, args: tuple, kwargs: dict) -> Any:
    if not _active or getattr(_local, "busy", False):
        return bound(*args, **kwargs)
    tracers = _mine()
    if not tracers:
        return bound(*args, **kwargs)
    stack = _stack()
    outer = not stack
    X = args[0] if args else kwargs.get("X", kwargs.get("data"))
    y = args[1] if len(args) > 1 else kwargs.get("y")
    if outer:
        _local.fold_hint = _fold_hint()
    if name in _FIT_METHODS:
        parent_fit = next((f for f in reversed(stack) if f[1] in _FIT_METHODS), None)
        inside_search = any(m in _FIT_METHODS and _is_search(e) for e, m, _ in stack)
        pre = [_safely(t, t._before, est, name, X, outer, parent_fit, inside_search) for t in tracers]
    else:  # a trace records nothing before a transform or a prediction (``Trace._before``)
        pre = [None] * len(tracers)
    stack.append((est, name, pre))
    try:
        result = bound(*args, **kwargs)
    finally:
        stack.pop()
    try:
        for t, p in zip(tracers, pre):
            if t in _active:  # not paused (or ended) while the call ran
                _safely(t, t._after, est, name, X, y, result, outer, p)
    finally:
        if outer:
            _local.fold_hint = None
    return result


def _safely(t: Any, hook: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a trace's hook; a failure of the tracer never breaks the user's code: it is named
    in the trace's coverage instead."""
    try:
        return hook(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        _local.busy = False
        t._gap("tracer_error", getattr(hook, "__name__", "hook"),
               f"the tracer failed here ({type(exc).__name__}: {exc}); this call was not followed")
        return None


def _fold_hint(limit: int = 14) -> tuple | None:
    """Inside scikit-learn's cross-validation (``_fit_and_score``, ``_fit_and_predict``):
    (the whole data, train positions, test positions). The fit and the scores there receive
    the data at those positions, so their rows are read off the split's, not hashed again."""
    try:
        f = sys._getframe(3)
    except ValueError:  # pragma: no cover
        return None
    n = 0
    while f is not None and n < limit:
        code = f.f_code
        if code.co_name in ("_fit_and_score", "_fit_and_predict") and _SK in code.co_filename:
            loc = f.f_locals
            return loc.get("X"), loc.get("train"), loc.get("test")
        f = f.f_back
        n += 1
    return None


_SK = os.sep + "sklearn" + os.sep + "model_selection" + os.sep
_VALIDATION = {"cross_validate", "cross_val_score", "cross_val_predict", "learning_curve", "validation_curve",
               "permutation_test_score"}


def _entry_points(depth: int = 3, limit: int = 80) -> list[tuple[str, dict]]:
    """scikit-learn's model-selection functions on the stack (innermost first), with their
    locals: which one of them the learner called, with what ``n_jobs``."""
    out = []
    try:
        f = sys._getframe(depth)
    except ValueError:  # pragma: no cover
        return out
    n = 0
    while f is not None and n < limit:
        code = f.f_code
        fn = code.co_filename
        if _SK in fn:
            if fn.endswith("_validation.py") and code.co_name in _VALIDATION:
                out.append((code.co_name, f.f_locals))
            elif fn.endswith("_split.py") and code.co_name == "train_test_split":
                out.append(("train_test_split", f.f_locals))
            elif fn.endswith("_search.py") and code.co_name == "fit" and "self" in f.f_locals:
                out.append((type(f.f_locals["self"]).__name__, f.f_locals))
        f = f.f_back
        n += 1
    return out


def _split_label(cv: Any, entries: list[tuple[str, dict]]) -> tuple[str, str | None, Any, Any]:
    """(label, entry, n_jobs, estimator): how to name a split in a message, by what the
    learner called."""
    name = type(cv).__name__
    if not entries:
        return name, None, None, None
    first = entries[0][0]
    if first == "train_test_split":
        return "train_test_split", "train_test_split", None, None
    if first not in _VALIDATION:  # a search's own folds
        return f"{first} ({name})", first, getattr(entries[0][1].get("self"), "n_jobs", None), None
    # cross_val_score calls cross_validate: name the outermost of the chain the learner called.
    chain = []
    for e, loc in entries:
        if e not in _VALIDATION:
            break
        chain.append((e, loc))
    entry = chain[-1][0]
    loc = chain[0][1]
    est = loc.get("estimator")
    return f"{entry} ({name})", entry, loc.get("n_jobs"), est


def _dispatch_split(cv: Any, bound: Any, args: tuple, kwargs: dict) -> Any:
    if not _active or getattr(_local, "in_split", False) or getattr(_local, "busy", False):
        return bound(*args, **kwargs)
    tracers = _mine()
    if not tracers:
        return bound(*args, **kwargs)
    stack = _stack()
    X = args[0] if args else kwargs.get("X")
    active_fits = [(e, m) for e, m, _ in stack if m in _FIT_METHODS]
    internal = bool(active_fits) and not _is_search(active_fits[-1][0])
    inside_search = any(_is_search(e) for e, _ in active_fits)
    entries = [] if internal else _entry_points()
    label, entry, n_jobs, est = _split_label(cv, entries)
    y = args[1] if len(args) > 1 else kwargs.get("y")
    if y is None and entries:
        loc = entries[-1][1]
        y = loc.get("y") if "y" in loc else (loc.get("arrays") or (None, None))[1:2][0] if len(
            loc.get("arrays") or ()) > 1 else None
    y_name = getattr(y, "name", None)
    records = [_safely(t, t._split_start, cv, label, X, internal, inside_search, entry=entry, n_jobs=n_jobs,
                       estimator=est, y_name=y_name) for t in tracers]

    def gen() -> Iterator:
        _local.in_split = True
        try:
            it = bound(*args, **kwargs)
            for train, test in it:
                for r in records:
                    if r is not None:
                        r.folds.append((np.asarray(train), np.asarray(test)))
                _local.in_split = False
                yield train, test
                _local.in_split = True
        finally:
            _local.in_split = False

    return gen()


def dispatch_stat(recorder: Any, orig: Any, args: tuple, kwargs: dict) -> Any:
    """Run a pandas/numpy statistic; record it (outside estimators and other statistics)."""
    if (not _active or getattr(_local, "busy", False) or getattr(_local, "in_stat", False)
            or getattr(_local, "stack", None)):
        return orig(*args, **kwargs)
    tracers = _mine()
    if not tracers:
        return orig(*args, **kwargs)
    _local.in_stat = True
    try:
        result = orig(*args, **kwargs)
    finally:
        _local.in_stat = False
    for t in tracers:
        if t in _active:
            _safely(t, t._statistic, recorder, args, kwargs, result)
    return result
