"""The live tools' one adapter to the tracer, and what they share.

The IPython extension (:mod:`leakkit.ipython`) keeps one tracer across a notebook's cells;
the pytest plugin (:mod:`leakkit.pytest_plugin`) opens one per test. Both reach the tracer
only through the functions in the first section below, so a change in the tracer's API is
absorbed here, in one place. They rely on ``leakkit.trace()`` returning a context manager
whose ``findings`` (a list of :class:`~leakkit.Finding`) can be read while it is active, and,
optionally, on its public record lists (``fits``, ``splits``, ``predictions``, whose items
carry ``time``, ``splitter``, ``estimator``...): every use of those degrades to a safe
default when an attribute is missing.

A finding is known by its content, :func:`finding_key` (check, severity, columns and the
evidence, without counts that grow as a session goes on), never by object identity: a
long-lived trace analysed again after each cell returns new ``Finding`` objects for the
same leak.

>>> from leakkit._findings import Finding
>>> a = Finding("test_reuse", "warn", "x", evidence={"splitter": "KFold", "n_configs": 2})
>>> b = Finding("test_reuse", "warn", "y", evidence={"splitter": "KFold", "n_configs": 3})
>>> finding_key(a) == finding_key(b)
True
"""
from __future__ import annotations

import contextlib
import html
import json
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

__all__ = [
    "open_trace", "resume", "pause", "deliberate", "findings_now", "activity", "records", "footprint",
    "is_tracer_error", "finding_key", "code_of", "render_text", "render_html",
]

# Evidence fields that count something growing while the leak stays the same one (more
# models scored on the same reused test set): left out of a finding's identity.
_VOLATILE_EVIDENCE = frozenset({"n_configs"})

_SEVERITY_ORDER = {"fail": 0, "warn": 1, "review": 2, "info": 3}


# --------------------------------------------------------------------------------------
# The adapter: every use of the tracer by the live tools
# --------------------------------------------------------------------------------------
def open_trace() -> Any:
    """A new, not yet entered tracer: ``leakkit.trace()`` with its defaults."""
    import leakkit

    return leakkit.trace()


# The live tools' tracers that are recording now (resumed, not paused).
_RECORDING: list = []


def resume(t: Any) -> None:
    """Start (or restart) recording into ``t``. A tracer is entered at each cell's start and
    left at its end, so classes defined or imported by earlier cells are patched too."""
    t.__enter__()
    _RECORDING.append(t)


def pause(t: Any) -> None:
    """Stop recording into ``t`` (its records are kept); leaves nothing patched."""
    while t in _RECORDING:
        _RECORDING.remove(t)
    t.__exit__(None, None, None)


@contextlib.contextmanager
def deliberate() -> Iterator[None]:
    """A block whose leaks are made on purpose, to be measured (``leakkit.evaluate`` running a
    leaky protocol next to an honest one): the live tools' tracers do not record it, so the
    notebook cell or the test that measures a leak is not reported for it. Tracers opened with
    ``leakkit.trace()`` directly are not affected.

    >>> with deliberate():
    ...     pass
    """
    paused = list(_RECORDING)
    for t in paused:
        pause(t)
    try:
        yield
    finally:
        for t in paused:
            resume(t)


def findings_now(t: Any) -> list:
    """What ``t`` has found in everything recorded so far. Call while ``t`` is active: the
    analysis then runs on the records as they are now."""
    return list(t.findings)


def activity(t: Any) -> tuple[int, ...]:
    """A cheap fingerprint of how much ``t`` has recorded: the lengths of its public record
    lists. When it has not changed, the findings have not either."""
    return tuple(len(v) for k, v in sorted(vars(t).items()) if not k.startswith("_") and isinstance(v, list))


def records(t: Any, kind: str) -> Sequence:
    """The tracer's records of one kind (``"fits"``, ``"splits"``, ``"predictions"``), or ()."""
    recs = getattr(t, kind, ())
    return recs if isinstance(recs, Sequence) else ()


def _nbytes(obj: Any) -> int:
    nbytes = getattr(obj, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    if type(obj).__module__.startswith("pandas"):
        try:
            usage = obj.memory_usage(deep=False)
            return int(usage.sum() if hasattr(usage, "sum") else usage)
        except Exception:  # noqa: BLE001 - an estimate only
            return 0
    data = getattr(obj, "data", None)  # scipy.sparse
    if data is not None and hasattr(data, "nbytes") and hasattr(obj, "indices"):
        return int(data.nbytes + obj.indices.nbytes + getattr(obj, "indptr", data[:0]).nbytes)
    return 0


def footprint(t: Any) -> int:
    """An estimate, in bytes, of the memory that ``t`` holds: the row fingerprints of its
    records and, read defensively from its internals, the per-value hashes it stores and the
    data it keeps alive that nothing else refers to any more (frames a notebook re-created
    many times). Call after :func:`pause`."""
    total = 0
    seen: set[int] = set()

    def add(arr: Any) -> None:
        nonlocal total
        if arr is not None and id(arr) not in seen:
            seen.add(id(arr))
            total += _nbytes(arr)

    for kind in ("fits", "splits", "predictions"):
        for rec in records(t, kind):
            add(getattr(rec, "rows", None))
    try:
        for entry in getattr(t, "_frames", {}).values():
            add(entry[1])
        for out in getattr(t, "_outputs", ()):
            add(getattr(out, "rows", None))
            add(getattr(out, "parents", None))
        keep = list(getattr(t, "_keep", ()))
        times: dict[int, int] = {}
        for obj in keep:
            times[id(obj)] = times.get(id(obj), 0) + 1
        for obj in keep:
            # References: the tracer's (times), `keep` here (times), this loop's name and the
            # argument of getrefcount: anything more is someone else's.
            if id(obj) not in seen and sys.getrefcount(obj) - 2 * times[id(obj)] <= 2:
                add(obj)
    except Exception:  # noqa: BLE001 - internals changed: the records' share is still counted
        pass
    return total


def is_tracer_error(exc: BaseException | None, t: Any) -> bool:
    """Whether ``exc`` is a fault of the tracer's machinery rather than of the user's code: its
    innermost frame is in the tracer's code (the module, or the package, that defines the
    tracer), and the tracer was entered through private machinery (a patched method, a hook),
    not through a public function the user called with bad arguments (``leakkit.trace(...)``,
    ``Trace.hold_out``...), whose errors are the user's to fix."""
    if exc is None or t is None or exc.__traceback__ is None:
        return False
    module = sys.modules.get(type(t).__module__)
    path = getattr(module, "__file__", None)
    if not path:
        return False
    import os

    path = os.path.abspath(path)
    package = os.path.dirname(path)
    in_subpackage = os.path.basename(package) != "leakkit"  # e.g. leakkit/trace/_records.py

    def ours(frame: Any) -> bool:
        here = os.path.abspath(frame.f_code.co_filename)
        return here == path or (in_subpackage and here.startswith(package + os.sep))

    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    if not ours(frames[-1]):
        return False
    entry = next(f for f in frames if ours(f))  # where the tracer's code was entered
    qualname = getattr(entry.f_code, "co_qualname", entry.f_code.co_name)
    return any(part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
               for part in qualname.replace("<locals>", "").split("."))


# --------------------------------------------------------------------------------------
# What the live tools share: identity, codes, rendering
# --------------------------------------------------------------------------------------
def finding_key(f: Any) -> str:
    """A finding's identity by content: check, severity, columns and evidence (without the
    counts in ``_VOLATILE_EVIDENCE``), as one JSON string."""
    d = f.to_dict()
    evidence = {k: v for k, v in (d.get("evidence") or {}).items() if k not in _VOLATILE_EVIDENCE}
    return json.dumps([d.get("check"), d.get("severity"), d.get("columns", []), evidence], sort_keys=True, default=str)


def code_of(f: Any) -> str | None:
    """The finding's stable check code (``LK101``...), or None."""
    code = getattr(f, "code", None)
    if code:
        return str(code)
    try:
        from ._codes import code_for
    except ImportError:  # pragma: no cover - the registry moved
        return None
    return code_for(f.check)


def by_severity(findings: Iterable[Any]) -> list:
    """Most serious first, otherwise in the order found."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 9))


def _title(f: Any) -> str:
    code = code_of(f)
    return f"{f.severity.upper()} {code + ' ' if code else ''}{f.check}"


def render_text(findings: Sequence[Any], *, heading: str, notes: Sequence[Sequence[str]] = (), footer: str = "",
                width: int = 100) -> str:
    """Plain text: a heading, then per finding its severity, code, check, message (which says
    how to fix it) and its ``fix`` when the finding has one, wrapped at ``width``, and its
    notes (one line each); then the footer."""
    lines = [heading]
    for i, f in enumerate(findings):
        lines.append(f"  {_title(f)}")
        body = [f.message] + ([f"Fix: {f.fix}"] if getattr(f, "fix", None) else [])
        for para in body:
            lines += textwrap.wrap(para, width=width, initial_indent="    ", subsequent_indent="    ") or [""]
        lines += [f"    {note}" for note in (notes[i] if i < len(notes) else ())]  # short: kept on one line
    if footer:
        lines.append(f"  ({footer})")
    return "\n".join(lines)


_COLORS = {"fail": ("#b3261e", "#fdecea"), "warn": ("#a15c00", "#fff4e0")}


def render_html(findings: Sequence[Any], *, heading: str, notes: Sequence[Sequence[str]] = (), footer: str = "") -> str:
    """The same as :func:`render_text`, as one HTML block (a coloured box per finding)."""
    parts = [f'<div class="leakkit-live" style="margin:4px 0">'
             f'<div style="font-weight:600;margin-bottom:4px">{html.escape(heading)}</div>']
    for i, f in enumerate(findings):
        edge, fill = _COLORS.get(f.severity, ("#3b5b92", "#eef3fb"))
        code = code_of(f)
        items = [f'<div style="font-weight:600">{html.escape(f.severity.upper())}'
                 f'{" · " + html.escape(code) if code else ""} · <code>{html.escape(f.check)}</code></div>',
                 f"<div>{html.escape(f.message)}</div>"]
        if getattr(f, "fix", None):
            items.append(f"<div><b>Fix:</b> {html.escape(f.fix)}</div>")
        for note in (notes[i] if i < len(notes) else ()):
            items.append(f'<div style="opacity:0.8;font-size:90%">{html.escape(note)}</div>')
        parts.append(f'<div class="leakkit-finding" data-check="{html.escape(f.check)}" '
                     f'data-severity="{html.escape(f.severity)}" style="border-left:4px solid {edge};'
                     f'background:{fill};color:#1f1f1f;padding:6px 10px;margin:4px 0">{"".join(items)}</div>')
    if footer:
        parts.append(f'<div style="opacity:0.7;font-size:85%">{html.escape(footer)}</div>')
    parts.append("</div>")
    return "".join(parts)
