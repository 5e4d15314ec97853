"""Plain copies of what a learner's function returns, before a test looks at them.

A test that compares a learner's result with ``==``, ``in`` or ``[]`` calls the learner's
own methods: a dict whose ``__eq__`` always answers True, or a DataFrame subclass whose
``__getitem__`` hides some rows, would then decide the test. :func:`plain` copies a result
into plain Python, numpy and pandas types, reading the values through the base types'
own methods, so the checks that follow run only on data.
"""
from __future__ import annotations

import datetime as _dt
import decimal
from typing import Any

import numpy as np
import pandas as pd

from ._fail import fail

_SCALARS = (type(None), bool, int, float, str, bytes, complex)
_PANDAS_SCALARS = (pd.Timestamp, pd.Timedelta, pd.Period, _dt.datetime, _dt.date, _dt.timedelta,
                   decimal.Decimal)


def _scalar(v: Any, what: str) -> Any:
    if type(v) in _SCALARS:
        return v
    if isinstance(v, np.generic):
        return np.array(v, subok=False).item()
    if isinstance(v, bool):  # pragma: no cover - bool cannot be subclassed
        return bool(v)
    if isinstance(v, int):
        return int.__int__(v)
    if isinstance(v, float):
        return float.__float__(v)
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, bytes):
        return bytes(memoryview(v))
    if type(v) in _PANDAS_SCALARS or v is pd.NaT or v is pd.NA:
        return v
    fail(f"{what} holds a {type(v).__name__}, which the tests cannot compare.",
         "return plain values: numbers, strings, lists, dicts, numpy arrays or pandas tables.")
    return None  # pragma: no cover


def _index(ix: pd.Index, what: str) -> pd.Index:
    if not type(ix).__module__.startswith("pandas"):
        fail(f"{what} has an index of type {type(ix).__name__}.", "use an ordinary pandas index.")
    return ix.copy()


def _frame(v: pd.DataFrame, what: str) -> pd.DataFrame:
    out = pd.DataFrame(v, copy=True)  # built from v's data, not through its methods
    out.index, out.columns = _index(out.index, what), _index(out.columns, what)
    for name in out.columns[out.dtypes.to_numpy() == object]:
        out[name] = [_scalar(x, what) for x in out[name].to_numpy()]
    return out


def _series(v: pd.Series, what: str) -> pd.Series:
    out = pd.Series(v, copy=True)
    out.index = _index(out.index, what)
    if out.dtype == object:
        out = pd.Series([_scalar(x, what) for x in out.to_numpy()], index=out.index, name=out.name, dtype=object)
    return out


def plain(value: Any, *, what: str = "your answer", _depth: int = 0) -> Any:
    """A copy of ``value`` made only of plain types, or :class:`CheckFailed`.

    Numbers, strings and ``None`` become Python's own types (a subclass of ``float`` gives
    its stored value, whatever its ``__float__`` says); lists, tuples, sets and dicts are
    rebuilt from their stored items; numpy arrays become base ``ndarray`` copies; pandas
    frames and series become ordinary ``DataFrame``/``Series`` copies (object columns
    checked value by value). Anything else (a model, a custom object) is refused: keep it
    out of what you pass here.

    >>> class Always(dict):
    ...     def __eq__(self, other):
    ...         return True
    >>> plain(Always(a=1)) == {"a": 2}
    False
    >>> plain((np.float64(0.5), [1, "x"]))
    (0.5, [1, 'x'])
    """
    if _depth > 20:
        fail(f"{what} is nested too deeply to be checked.", "return a flat structure: a list, a dict, a table.")
    if type(value) in _SCALARS or isinstance(value, (np.generic, int, float, str, bytes)):
        return _scalar(value, what)
    if isinstance(value, pd.DataFrame):
        return _frame(value, what)
    if isinstance(value, pd.Series):
        return _series(value, what)
    if isinstance(value, pd.Index):
        return pd.Index(_series(pd.Series(value), what).to_numpy(), name=value.name)
    if isinstance(value, np.ndarray):
        out = np.array(value, copy=True, subok=False)
        if out.dtype == object:
            out = np.array([plain(x, what=what, _depth=_depth + 1) for x in out.ravel()], dtype=object
                           ).reshape(out.shape)
        return out
    if isinstance(value, dict):
        return {plain(k, what=what, _depth=_depth + 1): plain(v, what=what, _depth=_depth + 1)
                for k, v in dict.items(value)}
    if isinstance(value, tuple):
        return tuple(plain(x, what=what, _depth=_depth + 1) for x in tuple.__iter__(value))
    if isinstance(value, list):
        return [plain(x, what=what, _depth=_depth + 1) for x in list.__iter__(value)]
    if isinstance(value, (set, frozenset)):
        items = [plain(x, what=what, _depth=_depth + 1) for x in (set.__iter__(value) if isinstance(value, set)
                                                                  else frozenset.__iter__(value))]
        return set(items) if isinstance(value, set) else frozenset(items)
    return _scalar(value, what)


def unpack(value: Any, n: int, *, what: str) -> tuple:
    """The ``n`` items of a returned tuple (or list), read without calling its methods.

    >>> unpack((1, 2), 2, what="f(x)")
    (1, 2)
    """
    if not isinstance(value, (tuple, list)):
        fail(f"{what} should return a tuple of {n} items, not a {type(value).__name__}.",
             f"end your function with return {', '.join(f'item{i + 1}' for i in range(n))}.")
    items = tuple(tuple.__iter__(value)) if isinstance(value, tuple) else tuple(list.__iter__(value))
    if len(items) != n:
        fail(f"{what} should return {n} items, but returned {len(items)}.",
             f"end your function with return {', '.join(f'item{i + 1}' for i in range(n))}.")
    return items
