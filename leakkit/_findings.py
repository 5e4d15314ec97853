"""One result type for every leakage check: a :class:`Finding`.

The data scans (``leakkit.detect``), the runtime tracer and the checklist all report
what they found as ``Finding`` objects, so a report can sort, print and serialise them
the same way whatever check made them.

>>> from leakkit._findings import Finding
>>> f = Finding("duplicates", "fail", "12 test rows also appear in train.",
...             rows=(3, 8), evidence={"n_rows": 12})
>>> print(f)
[FAIL] LK203 duplicates: 12 test rows also appear in train.
>>> f.code
'LK203'
>>> f.to_dict()["evidence"]
{'n_rows': 12}
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._codes import code_for

__all__ = ["Finding", "SEVERITIES", "ROWS_CAP", "capped_rows"]

#: Allowed severities, most serious first: ``fail`` leakage established by evidence; ``warn``
#: likely but not proven; ``review`` a person must decide (e.g. "does this column exist at
#: prediction time?"); ``info`` worth knowing, not a leak by itself.
SEVERITIES: tuple[str, ...] = ("fail", "warn", "review", "info")

#: How many row positions a finding lists at most; the full count goes in ``evidence["n_rows"]``.
ROWS_CAP = 1000


def capped_rows(positions: Iterable[Any], cap: int = ROWS_CAP) -> tuple[int, ...]:
    """The first ``cap`` row positions as a tuple of Python ints.

    >>> capped_rows(range(5), cap=3)
    (0, 1, 2)
    """
    out = []
    for i, p in enumerate(positions):
        if i >= cap:
            break
        out.append(int(p))
    return tuple(out)


def _jsonable(value: Any, where: str) -> Any:
    """``value`` as plain JSON types; numpy scalars/arrays and dates are converted,
    NaN and infinities become None. Anything else raises TypeError naming ``where``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (_dt.datetime, _dt.date, np.datetime64)):
        if isinstance(value, np.datetime64):
            return None if np.isnat(value) else str(value)
        return value.isoformat()
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                if isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
                    k = str(int(k))
                else:
                    raise TypeError(f"{where}: dictionary keys must be str or int, got {type(k).__name__}.")
            out[k] = _jsonable(v, f"{where}[{k!r}]")
        return out
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(
        f"{where}: {type(value).__name__} is not JSON-serialisable; "
        f"store numbers, strings, booleans, None, lists or dicts of those."
    )


@dataclass(frozen=True)
class Finding:
    """One thing a leakage check found.

    Parameters
    ----------
    check : str
        Which check made it, e.g. ``"feature_power"`` or ``"duplicates"``.
    severity : {"fail", "warn", "review", "info"}
        ``"fail"``: leakage established by evidence; ``"warn"``: likely but not proven;
        ``"review"``: a person must decide (a strong but plausible feature: does it
        exist at prediction time?); ``"info"``: worth knowing, not a leak by itself.
    message : str
        Plain language: what, where, why it matters, how to fix it.
    columns : tuple of column names
        The columns concerned (may be empty).
    rows : tuple of int
        Row positions concerned, at most :data:`ROWS_CAP` of them; by convention the
        full count is ``evidence["n_rows"]``.
    evidence : dict
        Numbers behind the finding (scores, counts, thresholds); JSON-serialisable.
    code : str, optional
        The stable check code (``"LK201"``...) from :mod:`leakkit._codes`; filled in from
        ``check`` when not given (None for a check without a code).

    Examples
    --------
    >>> f = Finding("feature_power", "fail", "`x` alone predicts `y`.", columns=("x",),
    ...             evidence={"score": 0.99})
    >>> f.severity, f.columns
    ('fail', ('x',))
    >>> import json; json.loads(json.dumps(f.to_dict()))["evidence"]["score"]
    0.99
    """

    check: str
    severity: str
    message: str
    columns: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()
    evidence: dict = field(default_factory=dict, hash=False)
    code: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.check, str) or not self.check:
            raise TypeError(f"check: expected a non-empty str naming the check, got {self.check!r}.")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity: expected one of {', '.join(map(repr, SEVERITIES))}, got {self.severity!r}.")
        if not isinstance(self.message, str) or not self.message:
            raise TypeError(f"message: expected a non-empty str, got {self.message!r}.")
        if isinstance(self.columns, (str, bytes)):
            raise TypeError(f"columns: expected a tuple of column names, got the single string {self.columns!r}; "
                            f"wrap it as ({self.columns!r},).")
        object.__setattr__(self, "columns", tuple(self.columns))
        _jsonable(list(self.columns), "columns")  # column names must serialise too
        rows = tuple(self.rows)
        for r in rows:
            if isinstance(r, (bool, np.bool_)) or not isinstance(r, (int, np.integer)):
                raise TypeError(f"rows: expected integer row positions, got {type(r).__name__} ({r!r}).")
        object.__setattr__(self, "rows", tuple(int(r) for r in rows))
        if not isinstance(self.evidence, Mapping):
            raise TypeError(f"evidence: expected a dict, got {type(self.evidence).__name__}.")
        # Fails early (TypeError naming the key) if something in evidence cannot become JSON.
        object.__setattr__(self, "evidence", _jsonable(dict(self.evidence), "evidence"))
        if self.code is None:
            object.__setattr__(self, "code", code_for(self.check))
        elif not isinstance(self.code, str) or not self.code:
            raise TypeError(f"code: expected a check code such as 'LK201', got {self.code!r}.")

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON types (``json.dumps`` works on the result)."""
        return {
            "code": self.code,
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "columns": _jsonable(list(self.columns), "columns"),
            "rows": list(self.rows),
            "evidence": json.loads(json.dumps(self.evidence)),
        }

    def __str__(self) -> str:
        code = f"{self.code} " if self.code else ""
        return f"[{self.severity.upper()}] {code}{self.check}: {self.message}"
