"""Live leak warnings in IPython and Jupyter: ``%load_ext leakkit``.

After ``%load_ext leakkit`` every cell runs under one tracer that lives across cells (a leak
is usually written over several: a scaler fitted on all rows in one cell, the split in the
next, the score in a third). When a cell completes a leak, the finding is shown right under
that cell, once, with its fix: as a coloured box in JupyterLab and the notebook, as text in a
terminal IPython. Honest cells show nothing. What the tracer could not check (fits run in
worker processes with ``n_jobs`` > 1, a model fitted before the checks started, objects it
could not wrap: :attr:`leakkit.Trace.coverage`) is said in a one-line "not checked" note
under the cell where it happened, once per cause, never taken for a pass.

Commands::

    %leakkit            status: on or off, what is recorded, what was shown
    %leakkit off        stop tracing cells (``%leakkit on`` to resume)
    %leakkit reset      forget the recorded history (a fresh start for the checks)

A leak is *completed* when held-out rows are evaluated: a finding about a split (a fit that
saw rows the split then held out, duplicates across it) is shown under the first cell that
scores or predicts after that split, or at once when the split belongs to a search
(``GridSearchCV`` scores its folds itself); ``%leakkit`` counts findings still waiting for
a score. A finding is known by its content (check and evidence), so later cells do not
show it again; running the same leaky cells again shows it again, because it is a new
leak. Not repeated either: leaks made entirely inside a cell's own ``with leakkit.trace()``
(the cell reports them itself) and leaks made on purpose to be measured or audited
(:mod:`leakkit.evaluate`'s protocols, the evaluation :func:`leakkit.checklist.audit` runs:
the tracer is paused around them, see :func:`leakkit._live.deliberate`).

Between cells the tracer is paused (:meth:`leakkit.Trace.pause`): its patches are off, so
whatever the kernel runs between two cells (completion, inspection, other tools) runs
untraced and is not recorded; the history is kept, and a leak begun in one cell is still
completed in a later one.

Bounded: the history is restarted (between two cells) once it holds more than
``max_records`` records or ``max_bytes`` of memory that only the tracer keeps alive, so the
time a cell's check takes and the memory held stay bounded over a long session (a leak
whose parts straddle a restart is not seen). Quiet: nothing is ever written to stderr, so nbgrader and nbval score cells as
before; an internal error never stops the learner's cell, and is reported once, in one
line. ``LEAKKIT_LIVE=off`` in the environment loads the extension switched off (for
graders and CI that run notebooks written for learners).

>>> from IPython.core.interactiveshell import InteractiveShell
>>> from IPython.utils.capture import capture_output
>>> InteractiveShell.clear_instance()
>>> shell = InteractiveShell.instance()
>>> shell.run_line_magic("load_ext", "leakkit")
>>> with capture_output() as shown:
...     for cell in ["import numpy as np",
...                  "from sklearn.preprocessing import StandardScaler",
...                  "from sklearn.model_selection import train_test_split",
...                  "from sklearn.linear_model import LogisticRegression",
...                  "X = np.random.default_rng(0).normal(size=(200, 3)); y = (X[:, 0] > 0).astype(int)",
...                  "Xs = StandardScaler().fit_transform(X)",
...                  "X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, random_state=0)",
...                  "score = LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)"]:
...         _ = shell.run_cell(cell, store_history=True)
>>> [o.data[MIME]["findings"][0]["check"] for o in shown.outputs]
['fit_before_split']
>>> shell.run_line_magic("unload_ext", "leakkit")
>>> InteractiveShell.clear_instance()
"""
from __future__ import annotations

from ._extras import require

require("IPython", extra=None, feature="leakkit.ipython (%load_ext leakkit)",
        install="pip install ipython (JupyterLab and Jupyter Notebook bring it)")

import ast  # noqa: E402 - after the one-line check for IPython
import html  # noqa: E402
import collections  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

from IPython.core.magic import Magics, line_magic, magics_class  # noqa: E402

from . import _live  # noqa: E402

__all__ = ["LiveTrace", "load_ipython_extension", "unload_ipython_extension", "MIME", "NOT_CHECKED_MIME",
           "ENV_SWITCH"]

#: The findings shown under a cell, as JSON, next to the HTML and the text (for tools and tests).
MIME = "application/vnd.leakkit.findings+json"
#: What the tracer could not check, as JSON, next to the note's HTML and text.
NOT_CHECKED_MIME = "application/vnd.leakkit.not-checked+json"
#: Environment variable: ``off`` (or ``0``, ``false``, ``no``) loads the extension switched off.
ENV_SWITCH = "LEAKKIT_LIVE"

#: Packages whose estimators and splitters the tracer follows. A cell's own top-level imports
#: of them are done just before the cell runs, so that the tracer, which patches classes when
#: it starts, also sees estimators first imported by the cell that uses them.
ESTIMATOR_PACKAGES = ("sklearn", "imblearn", "xgboost", "lightgbm", "catboost", "category_encoders",
                      "feature_engine", "skrub")

DEFAULT_MAX_RECORDS = 500
DEFAULT_MAX_BYTES = 256 * 2**20

_FOOTER = "live check by %load_ext leakkit; %leakkit off stops it"


@dataclass
class _KeyState:
    shown: int = 0  # how many instances of this finding have been shown
    armed_at: float | None = None  # time of the split it is about, when first seen
    waiting: bool = False  # seen, not yet shown (waits for an evaluation)
    first_cell: int | None = None


class LiveTrace:
    """One IPython shell's live leak checks: the cross-cell tracer, what was shown, the switch.

    Created by ``%load_ext leakkit``; reach it with ``leakkit.ipython.live(shell)``.

    Parameters
    ----------
    shell : InteractiveShell
    max_records : int
        Records (fits, splits, predictions...) after which the history restarts.
    max_bytes : int
        Memory held by the tracer after which the history restarts.
    """

    def __init__(self, shell: Any, *, max_records: int = DEFAULT_MAX_RECORDS, max_bytes: int = DEFAULT_MAX_BYTES):
        for name, value in (("max_records", max_records), ("max_bytes", max_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive int, got {value!r}.")
        self.shell = shell
        self.max_records = max_records
        self.max_bytes = max_bytes
        self.enabled = True
        self._rec: _live.Recorder | None = None
        self._active = False  # recording the current cell
        self._before: tuple = ()
        self._keys: dict[str, _KeyState] = {}
        self._gaps_noted: set[tuple[str, str]] = set()  # causes of "not checked" already noted
        self._marks: list[tuple[int | None, tuple]] = []  # (cell, activity after it), cells that recorded
        self._since: int | None = None
        self.cells_traced = 0
        self.restarts = 0
        self.held_bytes = 0
        self.shown: collections.deque = collections.deque(maxlen=50)  # (cell, title), most recent last
        self.errors = 0
        self.last_error = ""
        self._error_reported = False

    # ---- events ------------------------------------------------------------------------
    def pre_run_cell(self, info: Any) -> None:
        """Before each cell: import the estimator packages the cell imports, resume tracing."""
        try:
            if not self.enabled or self._active:
                return
            self._preimport(info)
            if self._rec is None:
                self._rec = _live.Recorder()
                self._since = None  # set by the first cell it records
            self._rec.record()
            self._active = True
            self._before = _live.activity(self._trace)
        except BaseException as exc:  # noqa: BLE001 - never stop the learner's cell
            self._stop_quietly()
            self._report_error("before the cell", exc)

    def post_run_cell(self, result: Any) -> None:
        """After each cell: analyse what is new, show what this cell completed, pause tracing."""
        if not self._active:
            return
        cell = getattr(result, "execution_count", None)
        if self._since is None:
            self._since = cell
        try:
            t = self._trace
            changed = _live.activity(t) != self._before
            new: list = []
            if changed:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    found = _live.findings_now(t)
                    self._marks.append((cell, _live.activity(t)))
                    new = self._new_findings(found, cell)
            self._stop_quietly()
            self.cells_traced += 1
            error = getattr(result, "error_in_exec", None)
            if error is not None and _live.is_tracer_error(error, t):
                self.enabled = False
                self._note("leakkit: the error above was raised inside leakkit's tracer, not by your code. "
                           "Live leak checks are now off (%leakkit on to try again).")
                return
            if new and self._traces_itself(result):
                # Leaks made entirely in a cell that traces itself are its own report's business.
                new = [f for f in new if any(c != cell for _, c in self._parts(f))]
            if new:
                self._show(new, cell)
            self._show_not_checked(t, cell)
            if changed:
                self._bound()
        except BaseException as exc:  # noqa: BLE001 - never stop the learner's cell
            self._stop_quietly()
            self._report_error("after the cell", exc)

    # ---- what to show ----------------------------------------------------------------------
    def _new_findings(self, found: list, cell: int | None) -> list:
        """The findings this cell completes: a finding (by content) seen more times than it
        has been shown, once the rows it is about have been evaluated."""
        counts = collections.Counter()
        first: dict[str, Any] = {}
        for f in found:
            k = _live.finding_key(f)
            counts[k] += 1
            first.setdefault(k, f)
        new = []
        for k, n in counts.items():
            st = self._keys.setdefault(k, _KeyState())
            if n <= st.shown:
                continue
            if not st.waiting:
                st.waiting, st.armed_at, st.first_cell = True, self._split_time(first[k]), cell
            if self._evaluated(first[k], st.armed_at):
                st.shown, st.waiting = n, False
                new.append(first[k])
        # One box per leaking fit: the same fitted step and split seen from two sides (its output
        # was split; a score went through it) is one leak. The first the tracer reports is kept.
        kept, steps = [], set()
        for f in _live.by_severity(new):
            ev = getattr(f, "evidence", None) or {}
            step = (ev.get("estimator"), ev.get("splitter"))
            if None not in step and step in steps:
                continue
            steps.add(step)
            kept.append(f)
        return kept

    def _matching_splits(self, f: Any) -> list:
        splitter = (getattr(f, "evidence", None) or {}).get("splitter")
        if splitter is None:
            return []
        return [s for s in _live.records(self._trace, "splits")
                if getattr(s, "splitter", None) == splitter and not getattr(s, "internal", False)]

    def _split_time(self, f: Any) -> float | None:
        times = [getattr(s, "time", None) for s in self._matching_splits(f)]
        times = [x for x in times if isinstance(x, (int, float))]
        return max(times) if times else None

    def _evaluated(self, f: Any, since: float | None) -> bool:
        """Whether held-out rows were evaluated after the split the finding is about (always
        True when that cannot be told)."""
        if since is None:
            return True
        splits = [s for s in self._matching_splits(f) if getattr(s, "time", since) >= since]
        if any(getattr(s, "inside_search", False) for s in splits):
            return True  # a search scores its folds itself
        return any(getattr(p, "time", since) > since for p in _live.records(self._trace, "predictions"))

    def pending(self) -> int:
        """How many findings wait for an evaluation before they are shown."""
        return sum(st.waiting for st in self._keys.values())

    # ---- where the parts of a leak were written ---------------------------------------
    def _cell_of(self, kind: str, index: int) -> int | None:
        """The cell during which the tracer's ``index``-th record of ``kind`` was made."""
        lists = [k for k, v in sorted(vars(self._trace).items()) if not k.startswith("_") and isinstance(v, list)]
        if kind not in lists:
            return None
        j = lists.index(kind)  # _marks hold _live.activity(), in this order
        for cell, lens in self._marks:
            if j < len(lens) and index < lens[j]:
                return cell
        return None

    def _parts(self, f: Any) -> list[tuple[str, int]]:
        """The leak's fit and split, each as (what ran, in which cell), when they are known."""
        ev = getattr(f, "evidence", None) or {}
        parts = []
        split_time = None
        splits = [(i, s) for i, s in enumerate(_live.records(self._trace, "splits"))
                  if getattr(s, "splitter", None) == ev.get("splitter") and not getattr(s, "internal", False)]
        if splits:
            split_time = getattr(splits[-1][1], "time", None)
        if "estimator" in ev:
            fits = [(i, r) for i, r in enumerate(_live.records(self._trace, "fits"))
                    if getattr(r, "estimator", None) == ev["estimator"]
                    and ev.get("method", getattr(r, "method", None)) == getattr(r, "method", None)
                    and ev.get("fit_rows", getattr(r, "n_rows", None)) == getattr(r, "n_rows", None)
                    and getattr(r, "outermost", True)
                    and (split_time is None or getattr(r, "time", 0.0) <= split_time)]
            if fits:
                i, fit = fits[-1]
                c = self._cell_of("fits", i)
                if c is not None:
                    parts.append((f"{fit.estimator}.{fit.method}", c))
        if splits:
            i, split = splits[-1]
            c = self._cell_of("splits", i)
            if c is not None:
                parts.append((str(split.splitter), c))
        return parts

    def _where(self, f: Any, cell: int | None) -> list[str]:
        """One note naming the cells where the leak's fit and split ran, when some ran before
        this cell (nothing when the whole leak is in this cell)."""
        parts = self._parts(f)
        if cell is None or all(c == cell for _, c in parts):
            return []
        steps = [f"{what} in cell [{c}]" for what, c in parts]
        return ["Where: " + " → ".join(steps + [f"evaluated in cell [{cell}], this one"]) + "."]

    def _traces_itself(self, result: Any) -> bool:
        """Whether the cell opens its own ``with leakkit.trace()``: then it reports the leaks made
        inside it, and the live check does not repeat them."""
        import leakkit

        info = getattr(result, "info", None)
        code = getattr(info, "transformed_cell", None) or getattr(info, "raw_cell", None) or ""
        if "trace" not in code:
            return False
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            return False
        ns = self.shell.user_ns
        for node in ast.walk(tree):
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    call = item.context_expr
                    func = call.func if isinstance(call, ast.Call) else None
                    if isinstance(func, ast.Name) and ns.get(func.id) is leakkit.trace:
                        return True
                    if (isinstance(func, ast.Attribute) and func.attr == "trace" and isinstance(func.value, ast.Name)
                            and ns.get(func.value.id) is leakkit):
                        return True
        return False

    # ---- output --------------------------------------------------------------------------
    def _show(self, findings: list, cell: int | None) -> None:
        """One display under the cell: the first finding of each kind in full (most serious
        first), with a count of the others of that kind; every finding in the JSON payload."""
        from IPython.display import display

        notes = [self._where(f, cell) for f in findings]
        boxes, box_notes, by_check = [], [], {}
        for f, n in zip(findings, notes):
            if f.check in by_check:
                by_check[f.check][1] += 1
                continue
            by_check[f.check] = [len(boxes), 0]
            boxes.append(f)
            box_notes.append(list(n))
        for i, more in by_check.values():
            if more:
                box_notes[i].append(f"And {more} more finding{'s' if more > 1 else ''} of this kind in this cell "
                                    f"(all of them: the output's {MIME} data).")
        fails = sum(f.severity == "fail" for f in findings)
        heading = ("leakkit: data leakage completed by this cell" if fails
                   else "leakkit: possible data leakage in this cell")
        payload = {"cell": cell, "findings": [
            {**f.to_dict(), "code": _live.code_of(f), "notes": n} for f, n in zip(findings, notes)]}
        bundle = {
            "text/plain": _live.render_text(boxes, heading=heading, notes=box_notes, footer=_FOOTER),
            "text/html": _live.render_html(boxes, heading=heading, notes=box_notes, footer=_FOOTER),
            MIME: payload,
        }
        display(bundle, raw=True)
        for f in findings:
            self.shown.append((cell, f"{f.severity.upper()} {_live.code_of(f) or ''} {f.check}".replace("  ", " ")))

    def _show_not_checked(self, t: Any, cell: int | None) -> None:
        """One short note under the cell for each new reason the tracer could not check part
        of the work (``Trace.coverage``: fits in worker processes, a model fitted before the
        checks started...), once per cause in the session."""
        if t is None:
            return
        fresh = [g for g in _live.coverage_now(t) if _live.gap_key(g) not in self._gaps_noted]
        if not fresh:
            return
        self._gaps_noted.update(_live.gap_key(g) for g in fresh)
        lines = [_live.gap_text(g) for g in fresh]
        text = "leakkit: not checked — " + (lines[0] if len(lines) == 1 else " ".join(
            f"({i}) {line}" for i, line in enumerate(lines, 1)))
        from IPython.display import display

        payload = {"cell": cell, "not_checked": [
            {"kind": k, "what": w, "detail": str(getattr(g, "detail", ""))}
            for g, (k, w) in ((g, _live.gap_key(g)) for g in fresh)]}
        display({"text/plain": text,
                 "text/html": f'<div class="leakkit-live-note leakkit-not-checked" style="opacity:0.75">'
                              f'{html.escape(text)}</div>',
                 NOT_CHECKED_MIME: payload}, raw=True)

    def _note(self, text: str) -> None:
        from IPython.display import display

        display({"text/plain": text, "text/html": f'<div class="leakkit-live-note" style="opacity:0.75">'
                 f'{html.escape(text)}</div>'}, raw=True)

    def _report_error(self, where: str, exc: BaseException) -> None:
        self.errors += 1
        self.last_error = f"{where}: {type(exc).__name__}: {exc}"
        if self._error_reported or isinstance(exc, KeyboardInterrupt):
            return
        self._error_reported = True
        try:
            self._note(f"leakkit: the live leak check was skipped for this cell after an internal error "
                       f"({type(exc).__name__}: {exc}); your code ran as usual. "
                       f"%leakkit shows details, %leakkit off stops the checks.")
        except BaseException:  # noqa: BLE001 - nowhere left to report it
            pass

    # ---- state -----------------------------------------------------------------------------
    @property
    def _trace(self) -> Any:
        return self._rec.trace if self._rec is not None else None

    def _stop_quietly(self) -> None:
        """End the cell's recording: pause the tracer (one that cannot pause records on)."""
        if self._active:
            self._active = False
            try:
                self._rec.pause()
            except BaseException:  # noqa: BLE001
                self._rec = None  # a broken tracer is dropped; a fresh one starts next cell

    def _bound(self) -> None:
        """Restart the history when it holds too many records or too much memory."""
        n = sum(_live.activity(self._trace))
        self.held_bytes = _live.footprint(self._trace) if n else 0
        if n > self.max_records or self.held_bytes > self.max_bytes:
            noted = set(self._gaps_noted)
            self.reset()
            self._gaps_noted = noted  # a restart of the history is not a reset by the learner
            self.restarts += 1

    def reset(self) -> None:
        """Forget the recorded history and what was shown: the next cell starts afresh."""
        self._active = False
        rec, self._rec = self._rec, None
        if rec is not None:
            try:
                rec.stop()
            except BaseException:  # noqa: BLE001 - dropped all the same
                pass
        self._keys.clear()
        self._gaps_noted.clear()
        self._marks.clear()
        self.held_bytes = 0

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        if not on:
            self._stop_quietly()
            if self._rec is not None and not self._rec.can_pause:
                self.reset()  # a tracer that cannot pause must stop, history and all

    def status(self) -> str:
        """A few lines: on or off, the history held, what was shown, what waits, errors."""
        t = self._trace
        records = sum(_live.activity(t)) if t is not None else 0
        since = f" since cell [{self._since}]" if t is not None and self._since is not None else ""
        lines = [
            f"leakkit live checks: {'on' if self.enabled else 'off'}; {self.cells_traced} cells checked.",
            f"History{since}: {records} records, about {self.held_bytes / 2**20:.1f} MB held "
            f"(restarted beyond {self.max_records} records or {self.max_bytes / 2**20:.0f} MB; "
            f"{self.restarts} restart{'s' if self.restarts != 1 else ''} so far).",
        ]
        shown = list(self.shown)
        lines.append(f"Shown: {len(shown)} finding{'s' if len(shown) != 1 else ''}" + (
            ": " + "; ".join(f"{title} (cell [{c}])" for c, title in shown[-5:]) if shown else "") + ".")
        lines.append(f"Waiting for an evaluation of the held-out rows: {self.pending()}.")
        noted = sorted(self._gaps_noted)
        lines.append(f"Not checked: {len(noted)} cause{'s' if len(noted) != 1 else ''}" + (
            ": " + "; ".join(f"{k}: {w}" for k, w in noted[:5]) if noted else "") + ".")
        lines.append(f"Internal errors: {self.errors}" + (f" (last: {self.last_error})" if self.errors else "") + ".")
        return "\n".join(lines)

    # ---- imports done just before the cell ---------------------------------------------
    def _preimport(self, info: Any) -> None:
        code = getattr(info, "transformed_cell", None)
        if code is None:
            try:
                code = self.shell.transform_cell(getattr(info, "raw_cell", "") or "")
            except Exception:  # noqa: BLE001 - the cell reports its own syntax errors
                return
        for name, maybe_class in _estimator_imports(code):
            if name in sys.modules:
                continue
            try:
                if maybe_class and importlib.util.find_spec(name) is None:
                    continue  # `from sklearn.svm import SVC`: SVC is a class, sklearn.svm was imported
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the cell's own import reports it
                pass


def _estimator_imports(code: str) -> list[tuple[str, bool]]:
    """Modules of :data:`ESTIMATOR_PACKAGES` that ``code`` imports at its top level, in order,
    each with whether it may be a class rather than a module (``from a import b``: ``a.b``)."""
    if not any(p in code for p in ESTIMATOR_PACKAGES):
        return []
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    found: list[tuple[str, bool]] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [(a.name, False) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, False))
            found += [(f"{node.module}.{a.name}", True) for a in node.names if a.name != "*"]
    return [(name, maybe) for name, maybe in found if name.split(".")[0] in ESTIMATOR_PACKAGES]


# --------------------------------------------------------------------------------------
# The extension and its magic
# --------------------------------------------------------------------------------------
_LOADED: dict[int, LiveTrace] = {}


@magics_class
class _LeakkitMagics(Magics):
    @line_magic
    def leakkit(self, line: str) -> None:
        """%leakkit [on|off|status|reset]: switch the live leak checks, or show their status."""
        live = _LOADED.get(id(self.shell))
        word = line.strip().lower()
        if live is None:
            print("leakkit: the extension is not loaded; run %load_ext leakkit first.")
            return
        if word in ("", "status"):
            print(live.status())
        elif word == "on":
            live.set_enabled(True)
            print("leakkit: live leak checks on, from the next cell.")
        elif word == "off":
            live.set_enabled(False)
            print("leakkit: live leak checks off (%leakkit on to resume).")
        elif word == "reset":
            live.reset()
            print("leakkit: history forgotten; the checks start afresh from the next cell.")
        else:
            print(f"leakkit: unknown option {line.strip()!r}; use %leakkit on, off, status or reset.")


def live(shell: Any) -> LiveTrace | None:
    """The :class:`LiveTrace` of ``shell``, when the extension is loaded in it."""
    return _LOADED.get(id(shell))


def load_ipython_extension(shell: Any) -> None:
    """Called by ``%load_ext leakkit``: trace every following cell. Prints nothing."""
    if id(shell) in _LOADED:
        return
    lt = LiveTrace(shell)
    if os.environ.get(ENV_SWITCH, "").strip().lower() in ("off", "0", "false", "no"):
        lt.enabled = False
    shell.events.register("pre_run_cell", lt.pre_run_cell)
    shell.events.register("post_run_cell", lt.post_run_cell)
    shell.register_magics(_LeakkitMagics)
    _LOADED[id(shell)] = lt


def unload_ipython_extension(shell: Any) -> None:
    """Called by ``%unload_ext leakkit``: stop tracing and forget the history."""
    lt = _LOADED.pop(id(shell), None)
    if lt is None:
        return
    lt.reset()
    for event, cb in (("pre_run_cell", lt.pre_run_cell), ("post_run_cell", lt.post_run_cell)):
        try:
            shell.events.unregister(event, cb)
        except ValueError:
            pass
    shell.magics_manager.magics["line"].pop("leakkit", None)
