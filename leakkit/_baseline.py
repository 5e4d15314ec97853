"""A reviewed baseline, as linters keep one: findings a team has looked at and accepted.

An entry names a check code and, optionally, a column: ``"LK201:tenure"`` accepts the
finding LK201 about the column ``tenure`` ("tenure exists at prediction time"), ``"LK206"``
every LK206 finding. The audit reports accepted findings apart and does not let them fail
the gate; anything not in the baseline still does.

The baseline file is TOML: ``leakkit.toml``, or the ``[tool.leakkit]`` table of
``pyproject.toml``::

    ignore = ["LK206"]                 # checks this project does not want at all

    [[reviewed]]                       # [[tool.leakkit.reviewed]] in pyproject.toml
    code = "LK201"
    column = "worst perimeter"
    reason = "measured at diagnosis, before the prediction is made"

>>> from leakkit._findings import Finding
>>> b = Baseline.parse(["LK201:tenure"])
>>> b.accepts(Finding("feature_power", "review", "strong", columns=("tenure",)))
True
>>> b.accepts(Finding("feature_power", "fail", "strong", columns=("closed_days",)))
False
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._codes import CODES
from ._findings import Finding

__all__ = ["Baseline", "Entry", "load_baseline", "find_baseline_file"]

_ENTRY = re.compile(r"^(LK\d{3})(?::(.+))?$")


@dataclass(frozen=True)
class Entry:
    """One accepted finding: a code, optionally a column, and why it is acceptable."""

    code: str
    column: str | None = None
    reason: str = ""

    def matches(self, finding: Finding) -> bool:
        if finding.code != self.code:
            return False
        return self.column is None or self.column in {str(c) for c in finding.columns}

    def __str__(self) -> str:
        return self.code if self.column is None else f"{self.code}:{self.column}"


def _entry(text: Any, where: str) -> Entry:
    if not isinstance(text, str):
        raise TypeError(f"{where}: expected a string such as 'LK201' or 'LK201:column', got {type(text).__name__}.")
    m = _ENTRY.match(text.strip())
    if not m:
        raise ValueError(f"{where}: {text!r} is not CODE or CODE:COLUMN; write e.g. 'LK201' or 'LK201:tenure'.")
    return _checked(Entry(m.group(1), m.group(2)), where)


def _checked(e: Entry, where: str) -> Entry:
    if e.code not in CODES:
        known = ", ".join(c for c in CODES if c.startswith(e.code[:3])) or ", ".join(CODES)
        raise ValueError(f"{where}: unknown check code {e.code!r}; the codes are: {known}.")
    return e


@dataclass
class Baseline:
    """Accepted findings (see the module doc). ``source`` says where they came from."""

    entries: list[Entry] = field(default_factory=list)
    source: str = "arguments"

    @classmethod
    def parse(cls, items: Iterable[str] | str | None, where: str = "ignore") -> Baseline:
        """Entries from strings ``"CODE"`` or ``"CODE:COLUMN"``."""
        if items is None:
            return cls([], where)
        if isinstance(items, str):
            items = [items]
        return cls([_entry(t, where) for t in items], where)

    def merged(self, other: Baseline) -> Baseline:
        return Baseline(self.entries + other.entries, f"{self.source} + {other.source}")

    def accepts(self, finding: Finding) -> bool:
        return any(e.matches(finding) for e in self.entries)

    def split(self, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(findings still reported, findings accepted by the baseline)."""
        kept, accepted = [], []
        for f in findings:
            (accepted if self.accepts(f) else kept).append(f)
        return kept, accepted

    def to_toml(self) -> str:
        lines = ["# leakkit baseline: findings this project has reviewed and accepted.",
                 "# `leakkit audit` reports them apart and fails only on anything new.", ""]
        for e in self.entries:
            lines += ["[[reviewed]]", f'code = "{e.code}"']
            if e.column is not None:
                lines.append(f"column = {_toml_str(e.column)}")
            lines += [f"reason = {_toml_str(e.reason or 'TODO: say why this is acceptable')}", ""]
        return "\n".join(lines)

    @classmethod
    def from_findings(cls, findings: Iterable[Finding]) -> Baseline:
        seen, entries = set(), []
        for f in findings:
            if f.code is None or f.severity == "info":
                continue
            cols = [str(c) for c in f.columns] if len(f.columns) == 1 else [None]
            for c in cols:
                if (f.code, c) not in seen:
                    seen.add((f.code, c))
                    entries.append(Entry(f.code, c))
        return cls(entries, "findings")


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline from ``leakkit.toml`` (keys at the top) or ``pyproject.toml``
    (keys under ``[tool.leakkit]``)."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"baseline: file {str(path)!r} not found; pass the path of leakkit.toml or pyproject.toml.")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"baseline: {str(path)!r} is not valid TOML ({exc}).") from None
    table = doc.get("tool", {}).get("leakkit", {}) if p.name == "pyproject.toml" else doc
    where = f"baseline {p.name}"
    if not isinstance(table, dict):
        raise ValueError(f"{where}: [tool.leakkit] must be a table.")
    unknown = sorted(set(table) - {"ignore", "reviewed"})
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; use 'ignore' (a list of codes) and [[reviewed]] entries.")
    ignore = table.get("ignore", [])
    if not isinstance(ignore, list):
        raise ValueError(f"{where}: 'ignore' must be a list of strings such as ['LK206'].")
    entries = [_entry(t, f"{where} ignore") for t in ignore]
    reviewed = table.get("reviewed", [])
    if not isinstance(reviewed, list):
        raise ValueError(f"{where}: 'reviewed' must be an array of tables ([[reviewed]] entries).")
    for i, r in enumerate(reviewed):
        w = f"{where} reviewed[{i}]"
        if not isinstance(r, dict) or "code" not in r:
            raise ValueError(f"{w}: each [[reviewed]] entry needs code = \"LK2..\" (and column, reason).")
        extra = sorted(set(r) - {"code", "column", "reason"})
        if extra:
            raise ValueError(f"{w}: unknown key(s) {extra}; an entry has code, column and reason.")
        col = r.get("column")
        if col is not None and not isinstance(col, str):
            raise ValueError(f"{w}: column must be a string, got {type(col).__name__}.")
        entries.append(_checked(Entry(str(r["code"]), col, str(r.get("reason", ""))), w))
    return Baseline(entries, str(p))


def find_baseline_file(folder: str | Path = ".") -> Path | None:
    """``leakkit.toml`` in ``folder``, else its ``pyproject.toml`` when it has a
    ``[tool.leakkit]`` table, else None."""
    d = Path(folder)
    if (d / "leakkit.toml").is_file():
        return d / "leakkit.toml"
    pp = d / "pyproject.toml"
    if pp.is_file():
        try:
            doc = tomllib.loads(pp.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None
        if "leakkit" in doc.get("tool", {}):
            return pp
    return None
