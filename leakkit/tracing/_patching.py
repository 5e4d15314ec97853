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
import sys
from typing import Any

import numpy as np

from ._dispatch import _TracedMethod, _TracedSplit, _is_search, dispatch_stat  # noqa: F401 - re-exported
from ._state import (  # noqa: F401 - re-exported
    _DUCK_DATA_ARGS, _DUCK_PREDICT, _FIT_METHODS, _METHODS, _PREDICT_METHODS, _TRANSFORM_METHODS, _active,
    _bound_cache, _local, _lock, _mine, _stack,
)

_MISSING = object()


class _Patch:
    __slots__ = ("owner", "name", "original", "wrapper")

    def __init__(self, owner: Any, name: str, original: Any, wrapper: Any):
        self.owner, self.name, self.original, self.wrapper = owner, name, original, wrapper


_patches: list[_Patch] = []
_patched_classes: set = set()
_unpatchable: dict[str, str] = {}  # what -> why, for the coverage of traces open at that time


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
    patches = _patches
    while len(patches) > down_to:
        p = patches.pop()
        owner, name = p.owner, p.name
        if vars(owner).get(name, _MISSING) is not p.wrapper:
            left.append(f"{getattr(owner, '__name__', owner)}.{name}")
            continue
        if p.original is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, p.original)
    if down_to == 0:
        _patched_classes.clear()
    else:
        _patched_classes.difference_update(p.owner for p in _made.values() if p not in patches)
    return left


# The statistics' patches made last time, put back in one pass while nothing replaced them.
_stats_plan: list[_Patch] = []


def _reapply(plan: list[_Patch]) -> bool:
    """Install the patches of ``plan`` again, if every attribute still holds what its patch
    wraps (else nothing is installed and False is returned)."""
    if not plan or not all(vars(p.owner).get(p.name, _MISSING) is p.original for p in plan):
        return False
    for p in plan:
        setattr(p.owner, p.name, p.wrapper)
    _patches.extend(plan)
    return True


def install(namespaces: list[dict], *, reset_budget: bool = True) -> None:
    """Patch everything (the first trace to open or resume). Rolls back on an unexpected
    failure. ``reset_budget``: a new trace (not one resumed) starts a new copy budget."""
    from . import _stats

    with _lock:
        start = len(_patches)
        _unpatchable.clear()
        try:
            _patch_sklearn()
            _patch_ducks(namespaces)
            _patch_train_test_split()
            if reset_budget:
                _stats.reset_budget()
            if not _reapply(_stats_plan):
                at = len(_patches)
                for owner, name, make in _stats.patch_targets():
                    if name in vars(owner):
                        _wrapper_for(owner, name, make)
                _stats_plan[:] = _patches[at:]
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


# The patches made for scikit-learn's classes last time, reused while no class was added.
_plan: dict[str, Any] = {"key": None, "patches": [], "classes": frozenset()}


def _patch_sklearn() -> None:
    from sklearn.base import BaseEstimator

    estimators = _all_subclasses(BaseEstimator)
    splitters = [c for base in _splitter_bases() for c in [base] + _all_subclasses(base)]
    key = (tuple(map(id, estimators)), tuple(map(id, splitters)))
    if key == _plan["key"] and _reapply(_plan["patches"]):
        _patched_classes.update(_plan["classes"])
        return
    start = len(_patches)
    before = set(_patched_classes)
    for cls in [BaseEstimator] + estimators:
        _patch_estimator_class(cls)
    for cls in splitters:
        _patch_splitter_class(cls)
    _plan["key"], _plan["patches"] = key, list(_patches[start:])
    _plan["classes"] = frozenset(_patched_classes - before) | {p.owner for p in _plan["patches"]}


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
