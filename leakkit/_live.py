"""The live tools' one adapter to the tracer, and what they share.

The IPython extension (:mod:`leakkit.ipython`) keeps one tracer across a notebook's cells;
the pytest plugin (:mod:`leakkit.pytest_plugin`) opens one per test. Both reach the tracer
only through the first section below (:class:`Recorder` and a few functions), so a change in
the tracer's API is absorbed here, in one place. They rely on ``leakkit.trace()`` returning a
context manager whose ``findings`` (a list of :class:`~leakkit.Finding`) can be read while it
is active, and, optionally, on its public record lists (``fits``, ``splits``,
``predictions``, whose items carry ``time``, ``splitter``, ``estimator``...) and on a way to
pause it: every use of those degrades to a safe default when it is missing.

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
    "open_trace", "Recorder", "deliberate", "findings_now", "coverage_now", "gap_key", "gap_text", "activity",
    "records", "footprint",
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


_REENTRANT: dict[type, bool] = {}


def _reentrant(cls: type) -> bool:
    """Whether tracers of this class can be left and entered again (leakkit 0.1's could; a
    tracer that records one block only refuses). Found out once, on a throw-away tracer."""
    if cls not in _REENTRANT:
        probe = open_trace()
        probe.__enter__()
        probe.__exit__(None, None, None)
        try:
            probe.__enter__()
        except RuntimeError:
            _REENTRANT[cls] = False
        else:
            probe.__exit__(None, None, None)
            _REENTRANT[cls] = True
    return _REENTRANT[cls]


class Recorder:
    """One tracer driven by a live tool: started once, paused between cells (and around leaks
    made on purpose, see :func:`deliberate`), stopped at the end.

    How it pauses depends on what the tracer offers: its own ``pause()``/``resume()`` when it
    has them; else leaving the ``with`` block and entering it again, when the tracer allows
    that; else it cannot pause, and keeps recording until :meth:`stop` (``can_pause`` False).
    """

    def __init__(self) -> None:
        self.trace = open_trace()
        self.state = "new"  # new -> recording <-> paused -> stopped
        if callable(getattr(self.trace, "pause", None)) and callable(getattr(self.trace, "resume", None)):
            self._how = "methods"
        else:
            self._how = "reenter" if _reentrant(type(self.trace)) else None

    @property
    def can_pause(self) -> bool:
        return self._how is not None

    def record(self) -> None:
        """Start recording, or resume after :meth:`pause`."""
        if self.state == "new":
            self.trace.__enter__()
        elif self.state == "paused":
            if self._how == "methods":
                self.trace.resume()
            else:
                self.trace.__enter__()
        else:
            return
        self.state = "recording"
        _RECORDING.append(self)

    def pause(self) -> bool:
        """Stop recording for now (the records are kept); False when the tracer cannot pause."""
        if self.state != "recording" or self._how is None:
            return False
        _forget(self)
        self.state = "paused"
        if self._how == "methods":
            self.trace.pause()
        else:
            self.trace.__exit__(None, None, None)
        return True

    def stop(self) -> None:
        """Stop for good."""
        _forget(self)
        was, self.state = self.state, "stopped"
        if was == "recording" or (was == "paused" and self._how == "methods"):
            self.trace.__exit__(None, None, None)


# The live tools' recorders that are recording now.
_RECORDING: list = []


def _forget(rec: Recorder) -> None:
    while rec in _RECORDING:
        _RECORDING.remove(rec)


@contextlib.contextmanager
def deliberate() -> Iterator[None]:
    """A block whose leaks are made on purpose, to be measured or audited (``leakkit.evaluate``
    running a leaky protocol next to an honest one, ``leakkit.checklist.audit`` running the
    user's evaluation under its own tracer): the live tools' tracers are paused
    (:meth:`leakkit.Trace.pause`) and do not record it, so the notebook cell or the test that
    measures a leak is not reported for it. Tracers opened with ``leakkit.trace()`` directly
    are not affected. (A tracer that cannot pause records it.)

    >>> with deliberate():
    ...     pass
    """
    paused = [rec for rec in list(_RECORDING) if rec.pause()]
    try:
        yield
    finally:
        for rec in paused:
            rec.record()


def findings_now(t: Any) -> list:
    """What ``t`` has found in everything recorded so far. Call while ``t`` is active: the
    analysis then runs on the records as they are now."""
    return list(t.findings)


def coverage_now(t: Any) -> list:
    """What ``t`` could not see so far (its ``coverage``: items with ``kind``, ``what``,
    ``detail``), or [] for a tracer without it."""
    gaps = getattr(t, "coverage", None)
    return list(gaps) if isinstance(gaps, (list, tuple)) else []


def gap_key(g: Any) -> tuple[str, str]:
    """A coverage gap's identity: its cause (kind and what), not how often it happened."""
    return (str(getattr(g, "kind", "")), str(getattr(g, "what", g)))


def gap_text(g: Any) -> str:
    """One line for a gap: what was not checked, and why (plus how to get it checked)."""
    kind, what = gap_key(g)
    detail = _LIVE_DETAIL.get(kind) or str(getattr(g, "detail", "")).rstrip(".")
    fix = _GAP_FIX.get(kind)
    return f"{what}: {detail}" + (f" ({fix})" if fix else "") + "."


_GAP_FIX = {
    "worker_processes": "n_jobs=1 has it checked",
    "other_threads": "run it in the main thread to have it checked",
    "fitted_outside": "fit it again in a traced cell or test to have it checked",
}

# A live tool's words for a gap whose tracer detail speaks of "the block": its tracer records
# from its start, and pauses around leaks made on purpose (:func:`deliberate`).
_LIVE_DETAIL = {
    "fitted_outside": "scored rows with a model fitted before the live checks started, or while they were "
                      "paused (inside leakkit.evaluate or checklist.audit): what it was fitted on is unknown",
}


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
        try:  # summed in Python: a pandas sum could be recorded by a tracer that is still open
            usage = obj.memory_usage(index=False, deep=False)
            return int(sum(usage.tolist()) if hasattr(usage, "tolist") else usage)
        except Exception:  # noqa: BLE001 - an estimate only
            return 0
    data = getattr(obj, "data", None)  # scipy.sparse
    if data is not None and hasattr(data, "nbytes") and hasattr(obj, "indices"):
        return int(data.nbytes + obj.indices.nbytes + getattr(obj, "indptr", data[:0]).nbytes)
    return 0


def _is_data(v: Any) -> bool:
    module = type(v).__module__
    return (module.startswith("numpy") and hasattr(v, "nbytes") and hasattr(v, "shape")) or (
        module.startswith("pandas") and hasattr(v, "memory_usage")) or (
        module.startswith("scipy.sparse") and hasattr(v, "indices"))


def footprint(t: Any, *, limit: int = 500_000) -> int:
    """An estimate, in bytes, of the memory that only ``t`` keeps alive: the arrays and frames
    reachable from it (through its records and its own bookkeeping objects, not through
    estimators) that nothing else refers to. Data the notebook still holds is not counted;
    fingerprints, stored hashes and frames the notebook has since replaced are. At most
    ``limit`` objects are visited."""
    package = type(t).__module__.split(".")[0]
    found: dict[int, list] = {}  # id -> [object, references to it from the tracer]
    visited: set[int] = set()
    todo = [t]
    steps = 0
    while todo and steps < limit:
        v = todo.pop()
        steps += 1
        if isinstance(v, dict):
            children = list(v.values())
        elif isinstance(v, (list, tuple, set, frozenset)) or type(v).__name__ == "deque":
            children = list(v)
        elif type(v).__module__.split(".")[0] == package and not isinstance(v, type):
            children = list(getattr(v, "__dict__", {}).values())
            children += [getattr(v, n) for n in getattr(type(v), "__slots__", ()) if hasattr(v, n)]
        else:
            continue
        for c in children:
            if c is None or isinstance(c, (str, bytes, int, float, bool)):
                continue
            if _is_data(c):
                found.setdefault(id(c), [c, 0])[1] += 1
            elif id(c) not in visited:
                visited.add(id(c))
                todo.append(c)
    total = 0
    for entry in found.values():
        # References: the tracer's, `entry`, the name `obj` below and getrefcount's argument.
        obj = entry[0]
        if sys.getrefcount(obj) - entry[1] <= 3:
            total += _nbytes(obj)
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
