"""Patching: wrap the methods the tracer listens to, and take the wrappers off again.

One registry of patches (owner, name, what was there, our wrapper), shared by nested
traces. Rules:

* a patch is undone only if the attribute still holds *our* wrapper: a wrapper another
  library installed over ours inside the block (autologging, an accelerator) stays;
* an unexpected failure part-way through patching undoes every patch made so far, then
  re-raises; a class that refuses new attributes (an extension type) is skipped and
  reported in each trace's coverage (``unpatchable``);
* each trace records only calls made by the thread that opened it; calls from other
  threads are counted in its coverage (``other_threads``).

What is patched: ``fit``/``transform``/prediction methods of every scikit-learn estimator
class (subclasses and mixins included), ``split`` of every splitter, classes created while
a trace is open (``builtins.__build_class__``: estimators defined or first imported inside
the block), duck-typed models (a class with ``fit`` and ``predict``/``transform`` found in
the opener's namespace), ``train_test_split(shuffle=False)`` (through the helper it calls),
and the pandas/numpy statistics listed in :mod:`leakkit.tracing._stats`.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

_FIT_METHODS = ("fit", "fit_transform", "partial_fit", "fit_predict", "fit_resample")
_TRANSFORM_METHODS = ("transform",)
_PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function", "score", "score_samples")
_METHODS = _FIT_METHODS + _TRANSFORM_METHODS + _PREDICT_METHODS
_DUCK_PREDICT = ("predict", "predict_proba", "decision_function", "transform")
# A duck-typed model's fit must take the data first, under one of these names.
_DUCK_DATA_ARGS = {"x", "data", "x_train", "xtrain", "train_x", "features", "df", "dataset", "pool", "train",
                   "inputs", "train_data", "samples", "train_pool"}

_lock = threading.RLock()
_active: list = []  # open traces, any thread
_local = threading.local()
_MISSING = object()
# (id(obj), method, id(descriptor)) -> (obj, wrapper): one wrapper per bound method while
# tracing (sklearn looks methods up many times); cleared when the last trace ends.
_bound_cache: dict[tuple, tuple] = {}


class _Patch:
    __slots__ = ("owner", "name", "original", "wrapper")

    def __init__(self, owner: Any, name: str, original: Any, wrapper: Any):
        self.owner, self.name, self.original, self.wrapper = owner, name, original, wrapper


_patches: list[_Patch] = []
_patched_classes: set = set()
_unpatchable: dict[str, str] = {}  # what -> why, for the coverage of traces open at that time


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
        try:
            subs = c.__subclasses__()
        except TypeError:  # pragma: no cover - type.__subclasses__ needs an instance
            continue
        for sub in subs:
            if sub not in seen:
                seen[sub] = None
                todo.append(sub)
    return list(seen)


# --------------------------------------------------------------------------------------
# Descriptors
# --------------------------------------------------------------------------------------
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

        @functools.wraps(bound)
        def traced(*args: Any, **kwargs: Any) -> Any:
            return _dispatch_split(obj, bound, args, kwargs)

        return traced


# --------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------
# (owner, name) -> patch: wrappers are made once and reused by later traces (as long as the
# attribute they wrap is unchanged), so opening a trace allocates next to nothing.
_made: dict[tuple, _Patch] = {}


def _set(owner: Any, name: str, wrapper: Any) -> bool:
    """Install ``wrapper`` (or the one made for this attribute before) as ``owner.name``;
    False (and noted) when the owner refuses."""
    original = vars(owner).get(name, _MISSING)
    key = (owner, name)
    p = _made.get(key)
    if p is None or p.original is not original:
        p = _Patch(owner, name, original, wrapper)
        _made[key] = p
    try:
        setattr(owner, name, p.wrapper)
    except (TypeError, AttributeError) as exc:
        what = f"{getattr(owner, '__qualname__', getattr(owner, '__name__', owner))}.{name}"
        _unpatchable[what] = f"could not be wrapped ({type(exc).__name__}: {exc}); its calls are not recorded"
        return False
    _patches.append(p)
    return True


def _wrapper_for(owner: Any, name: str, make: Any) -> bool:
    """``_set`` with a wrapper made only when none was made before for this attribute."""
    original = vars(owner).get(name, _MISSING)
    p = _made.get((owner, name))
    return _set(owner, name, p.wrapper if p is not None and p.original is original else make(original))


def _undo(down_to: int = 0) -> list[str]:
    """Undo patches (newest first) down to index ``down_to``; a patch whose attribute no
    longer holds our wrapper is left alone. Returns what was left alone."""
    left = []
    while len(_patches) > down_to:
        p = _patches.pop()
        if isinstance(p.owner, type):
            _patched_classes.discard(p.owner)
        current = vars(p.owner).get(p.name, _MISSING)
        if current is not p.wrapper:
            left.append(f"{getattr(p.owner, '__name__', p.owner)}.{p.name}")
            continue
        if p.original is _MISSING:
            delattr(p.owner, p.name)
        else:
            setattr(p.owner, p.name, p.original)
    return left


def install(namespaces: list[dict]) -> None:
    """Patch everything (the first trace to open). Rolls back on an unexpected failure."""
    from . import _stats

    with _lock:
        start = len(_patches)
        _unpatchable.clear()
        try:
            _patch_sklearn()
            _patch_ducks(namespaces)
            _patch_train_test_split()
            _stats.reset_budget()
            for owner, name, make in _stats.patch_targets():
                if name in vars(owner):
                    _wrapper_for(owner, name, make)
            _wrapper_for(builtins, "__build_class__", _make_build_class)
        except BaseException:
            _undo(start)
            _bound_cache.clear()
            raise


def uninstall() -> list[str]:
    """Undo every patch still ours (the last trace to close)."""
    with _lock:
        _bound_cache.clear()
        left = _undo(0)
        _patched_classes.clear()
        return left


def patch_namespace(namespaces: list[dict]) -> None:
    """For a trace opened while others are open: patch duck-typed models in its namespace."""
    with _lock:
        _patch_ducks(namespaces)


def _patch_estimator_class(cls: type) -> None:
    # Mixins (TransformerMixin.fit_transform, ClassifierMixin.score) sit in the MRO
    # without deriving from BaseEstimator: patch them too.
    for c in cls.__mro__:
        if c is object or c in _patched_classes:
            continue
        _patched_classes.add(c)
        own = vars(c)
        for name in _METHODS:
            if name in own:
                orig = own[name]
                if isinstance(orig, (_TracedMethod, staticmethod, classmethod)):
                    continue
                _wrapper_for(c, name, lambda o, name=name: _TracedMethod(o, name))


def _patch_splitter_class(cls: type) -> None:
    if "split" in vars(cls) and not isinstance(vars(cls)["split"], _TracedSplit):
        _wrapper_for(cls, "split", _TracedSplit)


def _splitter_bases() -> tuple:
    from sklearn.model_selection import BaseCrossValidator
    from sklearn.model_selection._split import BaseShuffleSplit

    return (BaseCrossValidator, BaseShuffleSplit)


def _patch_sklearn() -> None:
    from sklearn.base import BaseEstimator

    for cls in [BaseEstimator] + _all_subclasses(BaseEstimator):
        _patch_estimator_class(cls)
    for base in _splitter_bases():
        for cls in [base] + _all_subclasses(base):
            _patch_splitter_class(cls)


# --------------------------------------------------------------------------------------
# Late classes and duck-typed models
# --------------------------------------------------------------------------------------
def _is_duck(cls: Any) -> bool:
    """A class that is used like an estimator without deriving from scikit-learn's base:
    a Python ``fit`` taking the data first, and ``predict``/``transform``/..."""
    if not isinstance(cls, type) or cls.__module__ in ("builtins",) or cls.__module__.startswith(
            ("leakkit", "pandas", "numpy", "scipy", "sklearn")):
        return False
    try:
        from sklearn.base import BaseEstimator

        if issubclass(cls, BaseEstimator):
            return False
        fit = inspect.getattr_static(cls, "fit", None)
    except Exception:  # noqa: BLE001 - a class with an odd metaclass is no model
        return False
    if not inspect.isfunction(fit) or not any(callable(inspect.getattr_static(cls, m, None)) for m in _DUCK_PREDICT):
        return False
    try:
        params = list(inspect.signature(fit).parameters.values())[1:]
    except (TypeError, ValueError):
        return False
    return bool(params) and params[0].name.lower() in _DUCK_DATA_ARGS


def _patch_duck_class(cls: type) -> None:
    for c in cls.__mro__:
        if c is object or c in _patched_classes:
            continue
        _patched_classes.add(c)
        own = vars(c)
        for name in _METHODS:
            if name in own and inspect.isfunction(own[name]):
                _wrapper_for(c, name, lambda o, name=name: _TracedMethod(o, name))


_module_ducks: dict[str, tuple[int, list]] = {}


def _ducks_in(ns: dict) -> list[type]:
    found = []
    for v in list(ns.values()):
        if isinstance(v, type):
            if _is_duck(v):
                found.append(v)
        elif type(v).__name__ == "module":
            name = getattr(v, "__name__", "")
            if name.startswith(("leakkit", "pandas", "numpy", "scipy", "sklearn", "builtins", "sys", "os")):
                continue
            d = getattr(v, "__dict__", {})
            hit = _module_ducks.get(name)
            if hit is None or hit[0] != len(d):
                hit = _module_ducks[name] = (len(d), [c for c in list(d.values()) if _is_duck(c)])
            found.extend(hit[1])
        elif not callable(v) or hasattr(v, "fit"):
            t = type(v)
            if t.__module__ != "builtins" and _is_duck(t):
                found.append(t)
    return found


def _patch_ducks(namespaces: list[dict]) -> None:
    for ns in namespaces:
        for cls in _ducks_in(ns):
            _patch_duck_class(cls)


def caller_namespaces(depth: int = 2) -> list[dict]:
    """The namespaces a ``with`` block can name models from: ``__main__``, the globals of
    every frame on the opener's stack, and the opener's locals."""
    out: dict[int, dict] = {}
    main = sys.modules.get("__main__")
    if main is not None:
        out[id(vars(main))] = vars(main)
    try:
        f = sys._getframe(depth)
    except ValueError:  # pragma: no cover
        f = None
    first = True
    while f is not None:
        g = f.f_globals
        if not g.get("__name__", "").startswith(("leakkit", "importlib", "_pytest", "pluggy")):
            out.setdefault(id(g), g)
            if first:
                loc = f.f_locals
                out.setdefault(id(loc), loc)
        first = False
        f = f.f_back
    return list(out.values())


def _make_build_class(original: Any) -> Any:
    def __build_class__(*args: Any, **kwargs: Any) -> Any:  # noqa: N807 - the builtin's name
        cls = original(*args, **kwargs)
        if _active and isinstance(cls, type):
            try:
                _on_new_class(cls)
            except Exception:  # noqa: BLE001 - never break a class statement
                pass
        return cls

    __build_class__.__leakkit__ = True
    return __build_class__


def _on_new_class(cls: type) -> None:
    """A class created while a trace is open (defined in the block, or by an import made in
    it): patch it if it is an estimator, a splitter or a duck-typed model."""
    if "sklearn.base" not in sys.modules:
        return
    from sklearn.base import BaseEstimator

    with _lock:
        if issubclass(cls, BaseEstimator):
            _patch_estimator_class(cls)
        elif _is_duck(cls):
            _patch_duck_class(cls)
        if issubclass(cls, _splitter_bases()):
            _patch_splitter_class(cls)


# --------------------------------------------------------------------------------------
# train_test_split(shuffle=False) runs no splitter: its helper tells us
# --------------------------------------------------------------------------------------
def _patch_train_test_split() -> None:
    from sklearn.model_selection import _split

    orig = getattr(_split, "_validate_shuffle_split", None)
    if orig is None:  # pragma: no cover - another scikit-learn
        _unpatchable["train_test_split(shuffle=False)"] = "this scikit-learn has no _validate_shuffle_split"
        return

    @functools.wraps(orig)
    def _validate_shuffle_split(*args: Any, **kwargs: Any) -> Any:
        result = orig(*args, **kwargs)
        if _active and not getattr(_local, "busy", False) and not _stack():
            f = sys._getframe(1)
            if f.f_code.co_name == "train_test_split" and f.f_locals.get("shuffle") is False:
                arrays = f.f_locals.get("arrays")
                if arrays:
                    n_train, n_test = result
                    folds = [(np.arange(n_train), np.arange(n_train, n_train + n_test))]
                    for t in _mine():
                        t._split_made("train_test_split (shuffle=False)", arrays[0], folds, entry="train_test_split")
        return result

    _set(_split, "_validate_shuffle_split", _validate_shuffle_split)


# --------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------
def _mine() -> list:
    """The open traces of this thread; other threads' traces note the call as unseen."""
    tracers = _active
    if not tracers:
        return []
    tid = threading.get_ident()
    mine = [t for t in tracers if t._thread == tid]
    if len(mine) != len(tracers):
        for t in tracers:
            if t._thread != tid:
                t._other_thread()
    return mine


@functools.lru_cache(maxsize=None)
def _search_base() -> type:
    from sklearn.model_selection._search import BaseSearchCV

    return BaseSearchCV


def _is_search(est: Any) -> bool:
    return isinstance(est, _search_base())


def _dispatch(est: Any, name: str, bound: Any, args: tuple, kwargs: dict) -> Any:
    if not _active or getattr(_local, "busy", False):
        return bound(*args, **kwargs)
    tracers = _mine()
    if not tracers:
        return bound(*args, **kwargs)
    stack = _stack()
    outer = not stack
    parent_fit = next((f for f in reversed(stack) if f[1] in _FIT_METHODS), None)
    inside_search = any(_is_search(e) and m in _FIT_METHODS for e, m, _ in stack)
    X = args[0] if args else kwargs.get("X", kwargs.get("data"))
    y = args[1] if len(args) > 1 else kwargs.get("y")
    pre = [t._before(est, name, X, outer, parent_fit, inside_search) for t in tracers]
    stack.append((est, name, pre))
    try:
        result = bound(*args, **kwargs)
    finally:
        stack.pop()
    for t, p in zip(tracers, pre):
        t._after(est, name, X, y, result, outer, p)
    return result


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
    label, entry, n_jobs, est = _split_label(cv, [] if internal else _entry_points())
    records = [t._split_start(cv, label, X, internal, inside_search, entry=entry, n_jobs=n_jobs, estimator=est)
               for t in tracers]

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
        t._statistic(recorder, args, kwargs, result)
    return result
