"""Grade a cohort of nbgrader submissions: the driver behind ``leakkit grade``.

A thin driver over nbgrader's own autograder, not a replacement: every submission in the
course's ``submitted/<student>/<assignment>/`` folder is graded by nbgrader's
``Autograde`` converter (the same code as ``nbgrader autograde ASSIGNMENT --student S``),
in ``jobs`` long-lived worker processes that share the course's gradebook. The driver adds
what a cohort run needs around it:

- **parallel, resumable, repeatable**: submissions already graded (their autograded
  notebooks exist) are left alone, so a re-run after an interruption grades only the rest
  and changes no grade already given; ``force=True`` re-grades everyone. Hidden tests that
  read ``LEAKKIT_GRADING_SEED`` get the same seed on every run (one secret per assignment,
  kept next to the summary), so grading the same submissions twice gives the same scores;
- **one broken submission never stops the others**: a malformed notebook, a killed
  kernel, an infinite loop or a hung worker is recorded and the cohort goes on (a
  per-submission deadline backs up nbgrader's per-cell timeout);
- **defences nbgrader does not have**: before each test cell the grading kernel restores
  ``leakkit``'s check functions, the modules the tests import, the names and helper
  functions the locked cells import or define, Python's builtins and IPython's error
  reporting and cell transformers, from snapshots taken before any learner code ran (or
  right after the locked cell ran); a test cell during which one of them was replaced
  scores zero. Submissions are also read statically: edited, deleted, duplicated or
  re-typed test cells, code that patches modules or reaches into IPython, data files
  changed while being graded;
- **repairs of nbgrader 0.9**: a cell pasted twice no longer fails the whole submission
  (``DeduplicateIds`` leaves metadata that ``CheckCellMetadata`` rejects), and a deleted
  test or locked cell is put back where it was (``OverwriteCells.add_missing_cells``
  raises ``KeyError`` in both cases);
- **a report**: a per-student CSV, a score-distribution plot, and a list of the
  submissions that need a human look (crashed, timed out, tampered, not gradable) and
  of those with written answers to grade by hand.

>>> from leakkit.autograde import suspicious_code
>>> suspicious_code("from leakkit import grading\\ngrading.check_no_leak = print")
['replaces grading.check_no_leak']
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ._extras import require

require("nbgrader", extra="grade", feature="leakkit.autograde")

from . import grading as _grading  # noqa: E402 - after the one-line check for the grade extra
from ._codescan import (  # noqa: F401 - _HARMLESS_STORES is read by the tests
    _HARMLESS_STORES, _defined_names, _import_bindings, _strip_magics, suspicious_code,
)

__all__ = [
    "CohortReport",
    "grade_cohort",
    "suspicious_code",
    "add_grade_parser",
    "run_grade",
]

#: Environment variable through which hidden tests draw reproducible "fresh" seeds
#: (see leakkit.grading.fresh_seeds).
SEED_VARIABLE = _grading.SEED_VARIABLE

# Error names the driver writes into autograded notebooks (nbgrader then scores the cell 0).
_KERNEL_DIED = "KernelDied"
_KERNEL_STUCK = "KernelUnresponsive"
_NOT_RUN = "NotRun"
_INTEGRITY = "GradingIntegrityError"
_CELL_TIMEOUT = "CellTimeoutError"  # nbgrader's own, for a cell interrupted after Execute.timeout

_SUMMARY_COLUMNS = [
    "student", "status", "score", "max_score", "auto_score", "auto_max_score", "auto_percent",
    "failed_tests", "manual_cells", "needs_review", "flags", "notes", "seconds", "graded_now",
]


# =====================================================================================
# Static reading of submissions (the code scan itself is in leakkit._codescan)
# =====================================================================================
def _normalise_source(source: Any) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _remove_hidden_tests(source: str, begin: str, end: str) -> str:
    out, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


@dataclass
class _SourceCell:
    name: str
    cell_type: str
    locked: bool
    grade: bool
    solution: bool
    points: float | None
    source: str  # the instructor's version (hidden tests included)
    release: str  # what learners received


@dataclass
class _Assignment:
    """What the gradebook knows of an assignment: its notebooks and their cells."""
    name: str
    notebooks: dict[str, list[_SourceCell]]
    files: list[str]  # non-notebook files of the source folder, relative paths

    def protected(self, notebook: str) -> dict[str, str]:
        """Names the locked (non-solution) cells bind with import/def/class."""
        out: dict[str, str] = {}
        for c in self.notebooks.get(notebook, []):
            if c.cell_type != "code" or not c.locked or c.solution:
                continue
            try:
                tree = ast.parse(_strip_magics(c.source)[0])
            except (SyntaxError, ValueError):
                continue
            out.update(_import_bindings(tree, top_level=True))
            for name in _defined_names(tree):
                out[name] = f"{c.name}:{name}"
        return out

    def definitions(self, notebook: str) -> dict[str, list[str]]:
        """Per locked (non-solution) code cell, the functions and classes it defines."""
        out: dict[str, list[str]] = {}
        for c in self.notebooks.get(notebook, []):
            if c.cell_type != "code" or not c.locked or c.solution:
                continue
            try:
                names = sorted(_defined_names(ast.parse(_strip_magics(c.source)[0])))
            except (SyntaxError, ValueError):
                continue
            if names:
                out[c.name] = names
        return out

    def imports(self, notebook: str) -> str:
        """The top-level import statements of the locked cells, as code."""
        lines: list[str] = []
        for c in self.notebooks.get(notebook, []):
            if c.cell_type != "code" or not c.locked or c.solution:
                continue
            try:
                tree = ast.parse(_strip_magics(c.source)[0])
            except (SyntaxError, ValueError):
                continue
            lines += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        return "\n".join(dict.fromkeys(lines))


def _structure_flags(nb: dict, cells: list[_SourceCell]) -> tuple[list[str], list[str]]:
    """(tampering flags, notes) from comparing a submitted notebook with the assignment."""
    flags: list[str] = []
    notes: list[str] = []
    by_name = {c.name: c for c in cells}
    seen: dict[str, int] = {}
    for cell in nb.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        gid = meta.get("grade_id")
        if not gid:
            continue
        seen[gid] = seen.get(gid, 0) + 1
        src = by_name.get(gid)
        if src is None:
            notes.append(f"cell '{gid}' is not part of the assignment")
            continue
        if seen[gid] == 2:
            flags.append(f"duplicated cell '{gid}' (graded once)")
        if cell.get("cell_type") != src.cell_type:
            flags.append(f"changed cell '{gid}' from {src.cell_type} to {cell.get('cell_type')} "
                         f"(nbgrader changed it back)")
        changed_meta = [k for k, v in (("locked", src.locked), ("grade", src.grade), ("solution", src.solution))
                        if bool(meta.get(k, False)) != v]
        if src.grade and meta.get("points") is not None and src.points is not None:
            try:
                if float(meta["points"]) != float(src.points):
                    changed_meta.append("points")
            except (TypeError, ValueError):
                changed_meta.append("points")
        if changed_meta:
            flags.append(f"changed the grading metadata of cell '{gid}' ({', '.join(changed_meta)})")
        if src.locked and not src.solution and _normalise_source(_cell_source(cell)) != _normalise_source(src.release):
            kind = "test cell" if src.grade else "locked cell"
            flags.append(f"edited {kind} '{gid}' (nbgrader graded the original)")
    for c in cells:
        if (c.grade or c.locked) and c.name not in seen:
            if c.grade:
                kind = "answer cell" if c.solution else "test cell"
                flags.append(f"deleted {kind} '{c.name}' (the grader put it back)")
            else:
                flags.append(f"deleted locked cell '{c.name}' (the cells after it ran without it)")
    return flags, notes


def _learner_cells(nb: dict, cells: list[_SourceCell]) -> list[tuple[str, str]]:
    """(label, code) of the cells whose submitted code really runs when graded."""
    by_name = {c.name: c for c in cells}
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        src = by_name.get(gid) if gid else None
        if src is not None and src.locked and not src.solution:
            continue  # nbgrader restores it from the gradebook
        runs_as_code = (src.cell_type == "code") if src is not None else cell.get("cell_type") == "code"
        if runs_as_code:
            out.append((f"'{gid}'" if gid else f"{i + 1}", _cell_source(cell)))
    return out


# =====================================================================================
# Inside the grading kernel: snapshot and restore what the tests rely on
# =====================================================================================
_GUARD: dict[str, Any] = {}
_MISSING = object()
_GUARD_MODULES = ("leakkit", "leakkit.grading", "leakkit.tracing", "leakkit.detect", "leakkit.datasets",
                  "leakkit.evaluate", "leakkit.llm", "leakkit.checklist")
_SHELL_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")


def _kernel_guard(when: str, imports: str = "") -> str:
    """Run inside a grading kernel (through ``user_expressions``, so no input transformer
    touches it). ``"start"``: snapshot, before any learner code; ``"bind"``: remember the
    objects a locked cell just defined (``imports`` holds their names, comma-separated);
    ``"check"``: restore what changed since, and say what. Returns JSON:
    ``{"ok": bool, "changes": [...]}``."""
    try:
        if when == "start":
            _GUARD.clear()
            _GUARD.update(_guard_snapshot(imports))
            return json.dumps({"ok": True, "changes": []})
        if not _GUARD:
            return json.dumps({"ok": False, "error": "no snapshot was taken"})
        if when == "bind":  # a locked cell just ran (nbgrader restored its code): keep what it defined
            user_ns = _GUARD["shell"].user_ns
            for name in filter(None, imports.split(",")):
                if name in user_ns:
                    _GUARD["bound"][name] = user_ns[name]
            return json.dumps({"ok": True, "changes": []})
        return json.dumps({"ok": True, "changes": _guard_restore(_GUARD)})
    except BaseException as exc:  # never raise inside the learner's kernel
        return json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"})


def _watchable(value: Any) -> bool:
    import types

    return callable(value) or isinstance(value, (types.ModuleType, property, classmethod, staticmethod))


def _guard_snapshot(imports: str) -> dict[str, Any]:
    import builtins
    import importlib
    import types

    from IPython import get_ipython
    from IPython.core.interactiveshell import ExecutionResult

    shell = get_ipython()
    for name in _GUARD_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module is no reason to stop
            pass
    bound: dict[str, Any] = {}
    module_names: set[str] = set()
    for stmt in ast.parse(imports or "").body:
        scratch: dict[str, Any] = {}
        try:
            exec(compile(ast.Module([stmt], []), "<leakkit-guard>", "exec"), scratch)  # noqa: S102
        except Exception:  # noqa: BLE001
            continue
        bound.update({k: v for k, v in scratch.items() if k != "__builtins__"})
        if isinstance(stmt, ast.ImportFrom) and stmt.module:
            module_names.add(stmt.module)
        elif isinstance(stmt, ast.Import):
            module_names.update(a.name for a in stmt.names)
    modules = {m for n, m in list(sys.modules.items()) if m is not None and (n == "leakkit" or n.startswith("leakkit."))}
    modules |= {sys.modules[n] for n in module_names if sys.modules.get(n) is not None}
    entries: list[tuple[Any, str, Any, str]] = []
    for mod in modules:
        for k, v in list(vars(mod).items()):
            if _watchable(v):
                entries.append((mod, k, v, f"{mod.__name__}.{k}"))
            if isinstance(v, type) and getattr(v, "__module__", "") == mod.__name__ and mod.__name__.startswith("leakkit"):
                for ck, cv in list(vars(v).items()):
                    if _watchable(cv):
                        entries.append((v, ck, cv, f"{mod.__name__}.{k}.{ck}"))
    for k, v in vars(builtins).items():
        if isinstance(v, (type, types.BuiltinFunctionType)):
            entries.append((builtins, k, v, f"builtins.{k}"))
    classes = [c for c in type(shell).__mro__ if c is not object] + [ExecutionResult]
    for c in classes:
        for k, v in list(vars(c).items()):
            if _watchable(v):
                entries.append((c, k, v, f"{c.__name__}.{k}"))
    return {
        "entries": entries,
        "class_keys": {c: set(vars(c)) for c in classes},
        "shell": shell,
        "shell_attrs": {k: v for k, v in vars(shell).items() if callable(v) or k == "custom_exceptions"},
        "lists": {a: list(getattr(shell, a, [])) for a in _SHELL_LISTS},
        "events": {e: list(cbs) for e, cbs in shell.events.callbacks.items()},
        "sys": {"excepthook": sys.excepthook, "stdout": sys.stdout, "stderr": sys.stderr,
                "trace": sys.gettrace(), "profile": sys.getprofile()},
        "bound": bound,
    }


def _equivalent(a: Any, b: Any) -> bool:
    """Whether ``b`` is ``a`` or the same definition made again (``importlib.reload`` of a
    module makes new objects from the same source): not a learner's replacement."""
    import types

    if a is b:
        return True
    a, b = getattr(a, "__wrapped__", a), getattr(b, "__wrapped__", b)
    if isinstance(a, types.FunctionType) and isinstance(b, types.FunctionType):
        ca, cb = a.__code__, b.__code__
        return (ca.co_filename == cb.co_filename and ca.co_code == cb.co_code and a.__qualname__ == b.__qualname__
                and a.__module__ == b.__module__ and a.__module__ != "__main__")
    if isinstance(a, type) and isinstance(b, type):
        return a.__module__ == b.__module__ and a.__qualname__ == b.__qualname__ and a.__module__ != "__main__"
    return False


def _guard_restore(state: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    entries = state["entries"]
    for i, (owner, name, value, label) in enumerate(entries):
        current = vars(owner).get(name, _MISSING)
        if current is value:
            continue
        if current is not _MISSING and _equivalent(value, current):
            entries[i] = (owner, name, current, label)  # reloaded, not replaced: the new one is the reference
            continue
        try:
            setattr(owner, name, value)
        except (AttributeError, TypeError):
            continue
        changes.append(f"{label} was {'deleted' if current is _MISSING else 'replaced'}")
    for cls, keys in state["class_keys"].items():
        for k in set(vars(cls)) - keys:
            if not callable(vars(cls)[k]):
                continue  # lazily filled caches, not behaviour
            try:
                delattr(cls, k)
            except (AttributeError, TypeError):
                continue
            changes.append(f"{cls.__name__}.{k} was added")
    shell = state["shell"]
    attrs = state["shell_attrs"]
    for k, v in list(vars(shell).items()):
        if k in attrs:
            try:
                same = v is attrs[k] or bool(v == attrs[k])
            except Exception:  # noqa: BLE001
                same = False
            if not same:
                setattr(shell, k, attrs[k])
                changes.append(f"the IPython shell's {k} was replaced")
        elif callable(v) and hasattr(type(shell), k):
            delattr(shell, k)
            changes.append(f"the IPython shell's {k} was replaced")
    for k, v in attrs.items():
        if k not in vars(shell):
            setattr(shell, k, v)
            changes.append(f"the IPython shell's {k} was deleted")
    for a, items in state["lists"].items():
        current = getattr(shell, a, None)
        if isinstance(current, list) and (len(current) != len(items) or any(x is not y for x, y in zip(current, items))):
            current[:] = items
            changes.append(f"IPython's {a} were changed")
        elif not isinstance(current, list):
            setattr(shell, a, list(items))
            changes.append(f"IPython's {a} were replaced")
    for event, cbs in shell.events.callbacks.items():
        before = state["events"].get(event, [])
        user = [cb for cb in cbs if cb not in before and getattr(cb, "__module__", None) in (None, "__main__")]
        lost = [cb for cb in before if cb not in cbs]
        if user or lost:
            cbs[:] = [cb for cb in cbs if cb not in user] + lost
            changes.append(f"IPython's {event} callbacks were changed")
    s = state["sys"]
    for name, now, setter in (
        ("sys.excepthook", sys.excepthook, lambda v: setattr(sys, "excepthook", v)),
        ("sys.stdout", sys.stdout, lambda v: setattr(sys, "stdout", v)),
        ("sys.stderr", sys.stderr, lambda v: setattr(sys, "stderr", v)),
        ("sys.settrace", sys.gettrace(), sys.settrace),
        ("sys.setprofile", sys.getprofile(), sys.setprofile),
    ):
        key = {"sys.excepthook": "excepthook", "sys.stdout": "stdout", "sys.stderr": "stderr",
               "sys.settrace": "trace", "sys.setprofile": "profile"}[name]
        if now is not s[key]:
            setter(s[key])
            changes.append(f"{name} was replaced")
    user_ns = shell.user_ns
    for name, obj in list(state["bound"].items()):
        current = user_ns.get(name, _MISSING)
        if current is _MISSING or current is obj:
            continue
        if _equivalent(obj, current):
            state["bound"][name] = current
            continue
        if current is not _MISSING and current is not obj:
            user_ns[name] = obj
            changes.append(f"{name} (set by the assignment's locked cells) was rebound")
    return changes


# =====================================================================================
# Inside a worker process: nbgrader with a guarded executor
# =====================================================================================
_EVENTS: list[dict[str, str]] = []
_GUARD_SECONDS = [0.0]  # time this worker spent in the kernel guard, for the current submission


def _event(kind: str, cell: str, text: str) -> None:
    _EVENTS.append({"kind": kind, "cell": cell, "text": text})


def _error_output(ename: str, evalue: str) -> Any:
    from nbformat import NotebookNode

    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _read_assignment(db_url: str, course_id: str, assignment: str, *, begin: str = "BEGIN HIDDEN TESTS",
                     end: str = "END HIDDEN TESTS", source_dir: Path | None = None) -> _Assignment:
    from nbgrader.api import Gradebook, MissingEntry

    notebooks: dict[str, list[_SourceCell]] = {}
    with Gradebook(db_url, course_id) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            return _Assignment(assignment, {}, [])
        for nb in a.notebooks:
            grade = {c.name: c.max_score for c in nb.grade_cells}
            solution = {c.name for c in nb.solution_cells}
            cells = []
            for c in nb.source_cells:
                cells.append(_SourceCell(
                    name=c.name, cell_type=c.cell_type, locked=bool(c.locked), grade=c.name in grade,
                    solution=c.name in solution, points=grade.get(c.name), source=c.source or "",
                    release=_remove_hidden_tests(c.source or "", begin, end),
                ))
            notebooks[nb.name] = cells
    files = []
    if source_dir is not None and source_dir.is_dir():
        files = sorted(str(p.relative_to(source_dir)) for p in source_dir.rglob("*")
                       if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts
                       and "__pycache__" not in p.parts)
    return _Assignment(assignment, notebooks, files)


def _guarded_execute_class() -> type:
    """nbgrader's Execute preprocessor, with the kernel guard around test cells and a
    kernel that dies or stops answering turned into failed cells instead of a lost notebook."""
    from nbclient.client import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbgrader import utils
    from nbgrader.preprocessors import Execute

    class GuardedExecute(Execute):
        def _guard(self, when: str, imports: str, cell: str) -> list[str] | None:
            expr = f"__import__('leakkit.autograde', fromlist=['_kernel_guard'])._kernel_guard({when!r}, {imports!r})"
            t0 = time.perf_counter()
            try:
                msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"leakkit": expr})
                reply = self.wait_for_reply(msg_id)
            except Exception as exc:  # noqa: BLE001 - recorded, grading goes on
                return self._guard_failed(when, cell, f"it could not run ({type(exc).__name__})")
            finally:
                _GUARD_SECONDS[0] += time.perf_counter() - t0
            result = ((reply or {}).get("content", {}).get("user_expressions") or {}).get("leakkit") or {}
            if result.get("status") != "ok":
                why = result.get("evalue") or "the kernel did not evaluate it"
                return self._guard_failed(when, cell, f"it could not run ({str(why)[:120]})")
            try:
                data = json.loads(ast.literal_eval(result["data"]["text/plain"]))
            except (KeyError, ValueError, SyntaxError, TypeError):
                return self._guard_failed(when, cell, "it returned something unexpected")
            if not data.get("ok"):
                return self._guard_failed(when, cell, f"it failed ({data.get('error', '?')})")
            return list(data.get("changes", []))

        @staticmethod
        def _guard_failed(when: str, cell: str, why: str) -> None:
            # Before any learner code ran, a failure is the environment's (no leakkit in
            # the kernel, another language): a note. Later, the learner's code may be why.
            _event("guard-off" if when == "start" else "guard", cell, why)
            return None

        def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> tuple[Any, Any]:
            NotebookClient.__init__(self, nb, km)
            self.reset_execution_trackers()
            self._check_assign_resources(resources)
            info = (resources or {}).get("nbgrader", {})
            with self.setup_kernel():
                assert self.kc is not None
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                if info_msg:
                    self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
                imports = _IMPORTS.get(info.get("notebook", ""), "")
                defined = _DEFINITIONS.get(info.get("notebook", ""), {})
                language = (self.nb.metadata.get("language_info") or {}).get("name", "python")
                guarded = language == "python" and self._guard("start", imports, "start") is not None
                stop: str | None = None
                for index, cell in enumerate(self.nb.cells):
                    if cell.cell_type != "code":
                        continue
                    name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
                    if stop is not None:
                        if cell.source.strip():
                            cell.outputs = [_error_output(_NOT_RUN, stop)]
                        continue
                    graded = utils.is_grade(cell)
                    if graded and guarded:
                        changes = self._guard("check", "", name)
                        for c in changes or []:
                            _event("restored", name, c)
                    try:
                        self.preprocess_cell(cell, resources, index)
                    except DeadKernelError:
                        cell.outputs.append(_error_output(
                            _KERNEL_DIED, "the kernel died while running this cell (os._exit, a crash, or out of memory)"))
                        stop = f"not run: the kernel died in cell {name}"
                        _event("crashed", name, "the kernel died")
                        continue
                    except CellTimeoutError:
                        cell.outputs.append(_error_output(
                            _KERNEL_STUCK, f"this cell ran past {self.timeout} s and the kernel did not stop when interrupted"))
                        stop = f"not run: the kernel stopped answering in cell {name}"
                        _event("timed out", name, "the kernel ignored the interrupt")
                        continue
                    if any(o.get("ename") == _CELL_TIMEOUT for o in cell.outputs if o.get("output_type") == "error"):
                        _event("timed out", name, f"interrupted after {self.timeout} s")
                    if guarded and name in defined and cell.metadata.get("nbgrader", {}).get("locked"):
                        self._guard("bind", ",".join(defined[name]), name)
                    if graded and guarded:
                        changes = self._guard("check", "", name)
                        if changes:
                            for c in changes:
                                _event("tampered", name, c)
                            cell.outputs.append(_error_output(
                                _INTEGRITY, "while this test ran, code replaced what the test relies on: "
                                + "; ".join(changes[:5]) + ". The test scores zero."))
            self.set_widgets_metadata()
            return self.nb, self.resources

    return GuardedExecute


_IMPORTS: dict[str, str] = {}  # notebook name -> import lines of its locked cells (set by the worker)
_DEFINITIONS: dict[str, dict[str, list[str]]] = {}  # notebook -> locked cell -> functions/classes it defines


def _restore_cells_class() -> type:
    """A sanitizing preprocessor that repairs what nbgrader 0.9's own repairs break:
    a pasted-twice cell (DeduplicateIds leaves ``nbgrader: {}``, which CheckCellMetadata
    then rejects, failing the whole submission) and a deleted locked or test cell
    (``OverwriteCells.add_missing_cells`` raises KeyError when the cell before it is a
    locked non-graded cell or a de-duplicated one). Missing locked and test cells are
    put back from the gradebook after the nearest cell that precedes them in the source."""
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import NbGraderPreprocessor

    class RestoreCells(NbGraderPreprocessor):
        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            for cell in nb.cells:
                if "nbgrader" in cell.metadata and not cell.metadata["nbgrader"]:
                    del cell.metadata["nbgrader"]  # a de-duplicated copy: now an ordinary cell
            info = resources["nbgrader"]
            with Gradebook(info["db_url"]) as gb:
                src = gb.find_notebook(info["notebook"], info["assignment"])
                grade = {c.name: c.max_score for c in src.grade_cells}
                solution = {c.name for c in src.solution_cells}
                order = [(c.name, c.cell_type, bool(c.locked), c.checksum, c.source) for c in src.source_cells]
            last = -1
            for name, cell_type, locked, checksum, source in order:
                where = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == name]
                if where:
                    last = where[-1]
                    continue
                if not (locked or name in grade):
                    continue  # a deleted answer cell: the learner's choice
                meta = {"grade": name in grade, "grade_id": name, "locked": locked, "solution": name in solution,
                        "schema_version": 3, "task": False, "checksum": checksum}
                if name in grade:
                    meta["points"] = grade[name]
                cid = name if name not in {c.get("id") for c in nb.cells} else f"{name}-restored"
                if cell_type == "code":
                    cell = nbformat.v4.new_code_cell(source, id=cid)
                else:
                    cell = nbformat.v4.new_markdown_cell(source, id=cid)
                cell.metadata = {"nbgrader": meta, "deletable": False, "editable": name in solution}
                self.log.warning("Cell %s was missing from the submission; put back from the gradebook", name)
                last += 1
                nb.cells.insert(last, cell)
            return nb, resources

    return RestoreCells


def _worker_config(root: Path, db_url: str) -> Any:
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute

    from nbgrader.preprocessors import OverwriteCells

    cfg = _course_config(root)
    cfg.CourseDirectory.db_url = db_url
    cfg.OverwriteCells.add_missing_cells = False  # broken in nbgrader 0.9: RestoreCells does it
    cfg.Execute.shutdown_kernel = "immediate"  # the notebook is done: no need to wait ~0.4 s for a clean exit
    guarded = _guarded_execute_class()
    traits = Autograde.class_traits()
    configured = cfg.Autograde.get("autograde_preprocessors") if "Autograde" in cfg else None
    pps = list(configured) if configured else list(traits["autograde_preprocessors"].default())
    cfg.Autograde.autograde_preprocessors = [guarded if p is Execute else p for p in pps]
    configured = cfg.Autograde.get("sanitize_preprocessors") if "Autograde" in cfg else None
    pps = list(configured) if configured else list(traits["sanitize_preprocessors"].default())
    at = pps.index(OverwriteCells) + 1 if OverwriteCells in pps else len(pps)
    cfg.Autograde.sanitize_preprocessors = pps[:at] + [_restore_cells_class()] + pps[at:]
    return cfg


def _worker_main() -> int:
    """A grading worker. Imports nbgrader at once (while the driver gets ready), then reads
    its configuration (one JSON line), then student ids (JSON lines) on stdin, grades each
    with nbgrader and answers one JSON line per student on its original stdout."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed (nbgrader, kernels) goes to the log
    sys.stdout = sys.stderr
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    first = sys.stdin.readline()
    if not first.strip():
        return 0  # the driver had nothing for this worker
    spec = json.loads(first)["spec"]
    os.environ.update(spec.get("env", {}))  # the kernels this worker starts inherit it
    cfg = _worker_config(Path(spec["root"]), spec["db_url"])
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    _IMPORTS.update(spec.get("imports", {}))
    _DEFINITIONS.update(spec.get("definitions", {}))
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        _EVENTS.clear()
        _GUARD_SECONDS[0] = 0.0
        t0 = time.perf_counter()
        try:
            res = api.autograde(spec["assignment"], req["student"], force=True, create=True)
        except Exception as exc:  # noqa: BLE001 - reported, the worker goes on
            import traceback

            res = {"success": False, "error": traceback.format_exc(), "log": str(exc)}
        proto.write(json.dumps({
            "student": req["student"], "success": bool(res.get("success")),
            "error": (res.get("error") or "")[-4000:], "log": (res.get("log") or "")[-4000:],
            "events": list(_EVENTS), "seconds": time.perf_counter() - t0, "guard_seconds": _GUARD_SECONDS[0],
        }) + "\n")
    return 0


# =====================================================================================
# The driver
# =====================================================================================
def _venv_on_path() -> None:
    """nbgrader runs ``alembic`` in a subprocess: it must come from this interpreter's environment."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def _course_config(root: Path) -> Any:
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = Config()
    if (root / "nbgrader_config.py").exists():
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    cfg.CourseDirectory.root = str(root)
    return cfg


@dataclass
class _Course:
    root: Path
    cfg: Any
    coursedir: Any

    @staticmethod
    def check(course: str | os.PathLike) -> Path:
        """The course folder's absolute path, or a ValueError saying what is wrong."""
        if not isinstance(course, (str, os.PathLike)):
            raise TypeError(f"course: expected the path of the course folder, got {type(course).__name__}.")
        root = Path(course).expanduser()
        if not root.exists():
            raise ValueError(f"--course: folder {str(course)!r} not found; pass the course folder "
                             f"(the one holding nbgrader_config.py and submitted/).")
        if not root.is_dir():
            raise ValueError(f"--course: {str(course)!r} is a file; pass the course folder "
                             f"(the one holding nbgrader_config.py and submitted/).")
        return root.resolve()

    @classmethod
    def load(cls, course: str | os.PathLike) -> "_Course":
        from nbgrader.coursedir import CourseDirectory

        root = cls.check(course)
        cfg = _course_config(root)
        return cls(root, cfg, CourseDirectory(config=cfg))

    def path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(getattr(self.coursedir, f"{step}_directory"), student, assignment))

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id


def _shared_db_url(db_url: str, timeout: float = 120.0) -> str:
    """The gradebook URL with a long SQLite busy timeout, so parallel workers wait for
    each other's short write transactions instead of failing."""
    if db_url.startswith("sqlite:") and "?" not in db_url:
        return f"{db_url}?timeout={timeout:g}"
    return db_url


def _ensure_assignment(course: _Course, assignment: str) -> _Assignment:
    """The assignment as the gradebook knows it; if the gradebook does not know it yet,
    nbgrader's generate_assignment fills it in from the source folder (its release is
    written to a temporary folder, so the committed one is not touched)."""
    hidden = course.cfg.get("ClearHiddenTests", {})
    begin = hidden.get("begin_test_delimeter", "BEGIN HIDDEN TESTS")
    end = hidden.get("end_test_delimeter", "END HIDDEN TESTS")
    source = course.path("source", ".", assignment)
    spec = _read_assignment(course.db_url, course.course_id, assignment, begin=begin, end=end, source_dir=source)
    if spec.notebooks:
        return spec
    if not source.is_dir() or not any(source.glob("*.ipynb")):
        known = sorted(p.parent.name for p in course.path("source", ".", "*").parent.glob("*/*.ipynb"))
        hint = f" The assignments there are: {', '.join(dict.fromkeys(known))}." if known else ""
        raise ValueError(f"ASSIGNMENT: no assignment {assignment!r} in {course.root}: {source} holds no notebook "
                         f"and the gradebook does not know it.{hint}")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="leakkit-release-") as tmp:
        cfg = copy.deepcopy(course.cfg)
        cfg.merge(Config({"CourseDirectory": {"release_directory": tmp}}))
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        res = api.generate_assignment(assignment, force=True, create=True)
    if not res.get("success"):
        last = (res.get("error") or res.get("log") or "").strip().splitlines()[-1:]
        raise ValueError(f"ASSIGNMENT: nbgrader could not read the source of {assignment!r} "
                         f"({last[0] if last else 'no details'}); fix {source} and run again.")
    return _read_assignment(course.db_url, course.course_id, assignment, begin=begin, end=end, source_dir=source)


def _submitted_students(course: _Course, assignment: str) -> list[str]:
    pattern = course.path("submitted", "*", assignment)
    excluded = set(filter(None, (course.coursedir.student_id_exclude or "").split(",")))
    found = sorted(p.parent.name for p in pattern.parent.parent.glob(f"*/{assignment}") if p.is_dir())
    return [s for s in found if s not in excluded and not s.startswith(".")]


def _read_notebook_json(path: Path) -> tuple[dict | None, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read ({type(exc).__name__})"
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"is not valid notebook JSON (line {exc.lineno}, column {exc.colno})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "is not a notebook (no list of cells)"
    return nb, None


def _executed(path: Path) -> bool:
    nb, _ = _read_notebook_json(path)
    if nb is None:
        return False
    code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    return not code or any(c.get("execution_count") is not None or c.get("outputs") for c in code)


def _is_done(course: _Course, assignment: str, student: str, spec: _Assignment, last_kind: str | None = None) -> bool:
    """Whether nbgrader finished this submission: every notebook it submitted (and the
    assignment knows) has an executed autograded copy. nbgrader writes the sanitized,
    not yet executed, notebook there first, so a grading killed mid-way leaves one
    behind; the journal's last word (stopped at the deadline, worker died) settles it."""
    if last_kind in ("deadline", "worker_died", "failed"):
        return False
    sub = course.path("submitted", student, assignment)
    out = course.path("autograded", student, assignment)
    names = [p.stem for p in sub.glob("*.ipynb") if p.stem in spec.notebooks]
    if not names or not out.is_dir():
        return False
    return all(_executed(out / f"{n}.ipynb") for n in names)


@dataclass
class _Outcome:
    """What one run of the driver learnt about one submission."""
    student: str
    kind: str  # "graded", "failed", "deadline", "worker_died", "empty"
    seconds: float | None = None
    error: str = ""
    events: list[dict[str, str]] = field(default_factory=list)
    attempts: int = 1  # more than 1 when a gradebook write lost a race and it was graded again
    guard_seconds: float | None = None  # of `seconds`, spent in the kernel guard


class _Journal:
    """Append-only record of each submission's last grading (runtime events live only here)."""

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def read(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interruption
                if isinstance(rec, dict) and "student" in rec:
                    out[rec["student"]] = rec
        return out

    def write(self, outcome: _Outcome) -> None:
        rec = {"student": outcome.student, "kind": outcome.kind, "seconds": outcome.seconds,
               "error": outcome.error, "events": outcome.events, "attempts": outcome.attempts,
               "guard_seconds": outcome.guard_seconds,
               "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def _descendants(pid: int) -> list[int]:
    """Process ids of every descendant of ``pid`` (psutil when installed, /proc otherwise)."""
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - the process is gone
        return []
    parents: dict[int, list[int]] = {}
    try:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                        ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                parents.setdefault(ppid, []).append(int(entry))
    except OSError:
        return []
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class _Worker:
    """One long-lived grading process, in a session of its own. Started before the driver
    knows the assignment (so importing nbgrader overlaps the driver's own set-up); its
    configuration follows as the first line on its stdin. Its log (stderr, where nbgrader's
    and the kernels' messages go) is a temporary file until :meth:`save_log`."""

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = env, cwd
        self.spec: dict | None = None
        self.proc: subprocess.Popen | None = None
        self.ready = False
        self.lines: queue.Queue[str | None] = queue.Queue()
        fd, name = tempfile.mkstemp(prefix="leakkit-worker-", suffix=".log")
        os.close(fd)
        self.log = Path(name)

    def start(self) -> None:
        with self.log.open("a", encoding="utf-8") as logf:
            kw: dict[str, Any] = {"start_new_session": True} if os.name == "posix" else {
                "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "leakkit.autograde", "--worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=logf, env=self.env, cwd=str(self.cwd),
                text=True, bufsize=1, **kw)
        self.ready = False
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, self.lines), daemon=True).start()
        if self.spec is not None:
            self._send({"spec": self.spec})

    def configure(self, spec: dict) -> None:
        self.spec = spec
        if self.proc is not None and self.proc.poll() is None:
            self._send({"spec": spec})

    def _send(self, msg: dict) -> bool:
        try:
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.write(json.dumps(msg) + "\n")
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError, AssertionError):
            return False

    def save_log(self, dest: Path | None) -> None:
        """Append the worker's log to ``dest`` (None: drop it)."""
        try:
            if dest is not None and self.log.exists() and self.log.stat().st_size:
                dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("a", encoding="utf-8") as out:
                    out.write(self.log.read_text(encoding="utf-8", errors="replace"))
            self.log.unlink(missing_ok=True)
        except OSError:
            pass

    @staticmethod
    def _read(proc: subprocess.Popen, lines: queue.Queue) -> None:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.put(line)
        except (OSError, ValueError):
            pass
        finally:
            lines.put(None)
            proc.stdout.close()

    def _wait_ready(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                return False
            if line is None:
                return False
            try:
                if json.loads(line).get("ready"):
                    return True
            except json.JSONDecodeError:
                continue

    def grade(self, student: str, deadline: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        if not self.ready:
            if not self._wait_ready(600.0):  # importing nbgrader; the deadline starts after
                self.kill()
                return {"worker_died": True}
            self.ready = True
        if not self._send({"student": student}):
            self.kill()
            return {"worker_died": True}
        end = time.monotonic() + deadline
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                self.kill()
                return {"deadline": True}
            if line is None:
                self.kill()
                return {"worker_died": True}
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            if msg.get("ready"):
                continue
            if msg.get("student") == student:
                return msg

    def kill(self) -> None:
        """Kill the worker and its kernels (jupyter_client starts each kernel in a session
        of its own, so the worker's process group does not hold them)."""
        proc, self.proc = self.proc, None
        self.ready = False
        if proc is None:
            return
        children = _descendants(proc.pid)
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:  # pragma: no cover
                proc.kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass

    def close(self) -> None:
        """Let the worker finish (end of its input), or kill it if it does not."""
        proc = self.proc
        if proc is None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=30)
            self.proc = None
            self.ready = False
        except (subprocess.TimeoutExpired, OSError, BrokenPipeError):
            self.kill()


class _Progress:
    """A plain-text progress bar on a stream (redrawn in place on a terminal, one line
    per submission otherwise)."""

    def __init__(self, total: int, stream: TextIO | None, label: str):
        self.total, self.stream, self.label = total, stream, label
        self.done = 0
        self.flagged = 0
        self.t0 = time.monotonic()
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    @staticmethod
    def _clock(seconds: float) -> str:
        seconds = int(round(seconds))
        return f"{seconds // 60}:{seconds % 60:02d}"

    def update(self, student: str, what: str, problem: bool) -> None:
        self.done += 1
        self.flagged += int(problem)
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.t0
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        tail = f" ({self.flagged} to look at)" if self.flagged else ""
        if self.tty:
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}  {self._clock(elapsed)} elapsed, "
                              f"~{self._clock(eta)} left{tail}   ")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"{self.label} [{bar}] {self.done}/{self.total} {student}: {what} "
                              f"({self._clock(elapsed)} elapsed, ~{self._clock(eta)} left){tail}\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(("\n" if self.tty and self.done else "") + text + "\n")
            self.stream.flush()


def _grading_seed(out: Path) -> str:
    path = out / "grading_seed"
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value.isdigit():
            return value
    out.mkdir(parents=True, exist_ok=True)
    value = str(secrets.randbelow(2**31 - 1) + 1)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a secret: the hidden tests' data
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


def _default_deadline(course: _Course, spec: _Assignment) -> float:
    """Longest a submission may take: every code cell hitting nbgrader's cell timeout,
    plus kernel start-up and nbgrader's own work. Only a hung nbgrader reaches it."""
    timeout = course.cfg.get("Execute", {}).get("timeout", 30) or 0
    n_code = sum(c.cell_type == "code" for cells in spec.notebooks.values() for c in cells)
    if not timeout or timeout < 0:
        return 3600.0 * max(1, len(spec.notebooks))
    return float(timeout) * (n_code + 4) + 120.0


def grade_cohort(
    assignment: str,
    course: str | os.PathLike = ".",
    *,
    jobs: int = 1,
    students: Sequence[str] | None = None,
    force: bool = False,
    out: str | os.PathLike | None = None,
    progress: TextIO | None = None,
    deadline: float | None = None,
) -> "CohortReport":
    """Autograde every submission of ``assignment`` with nbgrader, ``jobs`` at a time.

    Each submission in ``submitted/<student>/<assignment>/`` is graded by nbgrader's
    autograder (as ``nbgrader autograde ASSIGNMENT --student S`` would), in ``jobs``
    worker processes sharing the course gradebook (SQLite, with a long busy timeout: the
    workers' write transactions are short and wait for each other). Submissions that
    nbgrader finished grading (their autograded notebooks were executed) are not graded
    again unless ``force``; so a run that was interrupted is finished by running it
    again, and no grade already given changes. The summary CSV, the plot and a journal
    (one line per graded submission, with what the kernel guard undid) go to ``out``.

    Parameters
    ----------
    assignment : str
        The assignment's name (a folder of the course's source directory).
    course : path, default "."
        The course folder: the one holding ``nbgrader_config.py``, the source folder and
        ``submitted/``.
    jobs : int, default 1
        Submissions graded at the same time (one kernel each); the number of cores is a
        good choice.
    students : sequence of str, optional
        Grade only these students (default: every submission of the assignment).
    force : bool, default False
        Grade again submissions that were already graded (their grades are replaced).
        Without it, only submissions without a complete autograded notebook are graded
        (new, interrupted or failed ones; one stopped at the deadline only when named in
        ``students``).
    out : path, optional
        Where to write ``summary.csv``, ``scores.png``, the journal and worker logs
        (default ``<course>/grades/<assignment>/``).
    progress : text stream, optional
        Where to draw the progress bar (``sys.stderr`` from the command line); None for
        silence.
    deadline : float, optional
        Seconds after which one submission's grading is stopped (its worker and kernel
        killed) and recorded as timed out, with no grade. Default: as long as nbgrader
        could take if every code cell reached ``Execute.timeout``, plus 2 minutes, so
        only a hung grading reaches it.

    Returns
    -------
    CohortReport

    Examples
    --------
    >>> grade_cohort("week1", course="/no/such/course")
    Traceback (most recent call last):
    ...
    ValueError: --course: folder '/no/such/course' not found; pass the course folder (the one holding nbgrader_config.py and submitted/).
    """
    if not isinstance(assignment, str) or not assignment.strip() or "/" in assignment or assignment in (".", ".."):
        raise ValueError(f"ASSIGNMENT: expected the name of an assignment folder, got {assignment!r}.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs: expected a whole number of parallel gradings, 1 or more; got {jobs!r}.")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, (int, float)) or deadline <= 0):
        raise ValueError(f"deadline: expected a positive number of seconds, got {deadline!r}.")
    if students is not None and (isinstance(students, str) or not all(isinstance(s, str) for s in students)):
        raise TypeError("students: expected a list of student ids (str), e.g. ['alice', 'bob'].")
    t0 = time.perf_counter()
    root = _Course.check(course)
    _venv_on_path()
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")  # one kernel per core: no oversubscribed BLAS pools
    env.pop("MPLBACKEND", None)  # the kernels use their own inline backend
    # The workers import nbgrader while the driver reads the course; they get their
    # configuration once it is known (or nothing, and exit, if there is nothing to grade).
    workers = [_Worker(env, root) for _ in range(jobs)]
    for w in workers:
        w.start()
    out_dir: Path | None = None
    try:
        c = _Course.load(root)
        spec = _ensure_assignment(c, assignment)
        cohort = _submitted_students(c, assignment)
        if students is not None:
            unknown = sorted(set(students) - set(cohort))
            if unknown:
                raise ValueError(f"--student: no submission of {assignment!r} from {', '.join(unknown)} in "
                                 f"{c.path('submitted', '*', assignment).parent.parent}.")
            cohort = [s for s in cohort if s in set(students)]
        if not cohort:
            raise ValueError(f"ASSIGNMENT: no submissions of {assignment!r} in "
                             f"{c.path('submitted', '<student>', assignment)}; collect them first "
                             f"(nbgrader collect, or copy each learner's folder there).")
        out_dir = Path(out).expanduser().resolve() if out is not None else c.root / "grades" / assignment
        out_dir.mkdir(parents=True, exist_ok=True)
        journal = _Journal(out_dir / "journal.jsonl")

        todo, empty, stopped = [], [], []
        last = journal.read()
        for s in cohort:
            sub = c.path("submitted", s, assignment)
            if not any(sub.glob("*.ipynb")):
                empty.append(s)
            elif force:
                todo.append(s)
            elif not _is_done(c, assignment, s, spec, last.get(s, {}).get("kind")):
                # Interrupted or failed: grade it (again). One stopped at the deadline would
                # hang again: it waits for --force or --student.
                hung = last.get(s, {}).get("kind") == "deadline" and students is None
                (stopped if hung else todo).append(s)
        if empty:
            from nbgrader.api import Gradebook

            with Gradebook(c.db_url, c.course_id) as gb:  # listed by nbgrader export, with a score of 0
                for s in empty:
                    gb.update_or_create_student(s)
            for s in empty:
                journal.write(_Outcome(s, "empty"))
        for w in workers[len(todo):]:  # more workers than submissions to grade
            w.close()
            w.save_log(None)
        del workers[len(todo):]
        wspec = {"root": str(c.root), "assignment": assignment, "db_url": _shared_db_url(c.db_url),
                 "imports": {nb: spec.imports(nb) for nb in spec.notebooks},
                 "definitions": {nb: spec.definitions(nb) for nb in spec.notebooks},
                 "env": {SEED_VARIABLE: _grading_seed(out_dir)}}
        limit = float(deadline) if deadline is not None else _default_deadline(c, spec)
        bar = _Progress(len(todo), progress, f"grading {assignment}")
        kept = len(cohort) - len(empty) - len(todo) - len(stopped)
        if kept:
            bar.note(f"{kept} submission(s) already graded: kept as they are (use --force to grade them again).")
        if stopped:
            bar.note(f"{len(stopped)} submission(s) stopped at the deadline in an earlier run, not retried: "
                     f"{', '.join(stopped)} (use --student ID to try one again).")
        outcomes = _run_workers(todo, workers=workers, spec=wspec, env=env, cwd=c.root,
                                deadline=limit, journal=journal, bar=bar)
        outcomes.update({s: _Outcome(s, "empty") for s in empty})
    finally:
        for i, w in enumerate(workers):
            w.kill()
            w.save_log(out_dir / "logs" / f"worker-{i}.log" if out_dir is not None else None)
    report = _build_report(c, assignment, spec, cohort, journal.read(), outcomes, out_dir)
    report.seconds = time.perf_counter() - t0
    report.jobs = jobs
    report.write()
    return report


def _classify_reply(student: str, reply: dict) -> _Outcome:
    if reply.get("deadline"):
        return _Outcome(student, "deadline", error="grading took longer than the deadline and was stopped")
    if reply.get("worker_died"):
        return _Outcome(student, "worker_died", error=f"the grading process died (its log: {reply.get('log_path', '')})")
    kind = "graded" if reply.get("success") else "failed"
    logged = "\n".join(ln for ln in (reply.get("log") or "").splitlines()
                       if ln.startswith("[ERROR]") or ln.startswith("    "))
    return _Outcome(student, kind, seconds=reply.get("seconds"),
                    error=((reply.get("error") or "") + "\n" + logged).strip(), events=list(reply.get("events", [])),
                    guard_seconds=reply.get("guard_seconds"))


def _run_workers(todo: list[str], *, workers: list[_Worker], spec: dict, env: dict, cwd: Path,
                 deadline: float, journal: _Journal, bar: _Progress) -> dict[str, _Outcome]:
    """Grade ``todo`` with ``workers`` (one thread each feeds its worker from a shared
    queue), recording each outcome in the journal as it arrives."""
    outcomes: dict[str, _Outcome] = {}
    if not todo:
        return outcomes
    tasks: queue.Queue[tuple[str, int]] = queue.Queue()
    for s in todo:
        tasks.put((s, 0))
    results: queue.Queue[tuple[str, int, dict, float]] = queue.Queue()
    stop = threading.Event()
    lock = threading.Lock()
    for w in workers:
        w.configure(spec)

    def slot(i: int) -> None:
        with lock:
            if i >= len(workers):  # a slot added to finish retried submissions
                workers.append(_Worker(env, cwd))
                workers[-1].configure(spec)
            w = workers[i]
        try:
            while not stop.is_set():
                try:
                    student, attempt = tasks.get_nowait()
                except queue.Empty:
                    break
                t = time.perf_counter()
                reply = w.grade(student, deadline)
                reply.setdefault("log_path", str(w.log))
                results.put((student, attempt, reply, time.perf_counter() - t))
        finally:
            w.close()

    threads = [threading.Thread(target=slot, args=(i,), daemon=True) for i in range(len(workers))]
    for t in threads:
        t.start()
    pending = len(todo)
    try:
        while pending:
            try:
                student, attempt, reply, wall = results.get(timeout=0.5)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and results.empty():
                    if tasks.empty():
                        break
                    threads.append(threading.Thread(target=slot, args=(len(threads),), daemon=True))
                    threads[-1].start()
                continue
            text = (reply.get("error") or "") + (reply.get("log") or "")
            if not reply.get("success") and "database is locked" in text and attempt < 2:
                tasks.put((student, attempt + 1))  # a gradebook write lost a race: grade it again
                continue
            outcome = _classify_reply(student, reply)
            outcome.attempts = attempt + 1
            if outcome.seconds is None:
                outcome.seconds = wall
            journal.write(outcome)
            outcomes[student] = outcome
            pending -= 1
            what, problem = _progress_word(outcome)
            bar.update(student, what, problem)
    except BaseException:
        stop.set()
        with lock:
            for w in list(workers):
                w.kill()
        raise
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    return outcomes


def _progress_word(outcome: _Outcome) -> tuple[str, bool]:
    kinds = {e.get("kind") for e in outcome.events}
    if outcome.kind == "deadline":
        return "timed out (stopped)", True
    if outcome.kind in ("failed", "worker_died"):
        return "could not be graded", True
    if "crashed" in kinds:
        return "graded (kernel died)", True
    if "timed out" in kinds:
        return "graded (a cell timed out)", True
    if kinds & {"tampered", "restored", "guard"}:
        return "graded (tampering undone)", True
    return f"graded in {outcome.seconds:.1f} s" if outcome.seconds else "graded", False


# =====================================================================================
# The report
# =====================================================================================
def _failure_reason(error: str) -> str:
    """The most specific thing nbgrader said about why it could not grade a submission."""
    text = error or ""
    if text.startswith("the grading process died"):
        return text
    if any(k in text for k in ("NotJSONError", "JSONDecodeError", "does not appear to be JSON")):
        return "the notebook is not valid JSON (a broken save?)"
    if "SchemaTooOld" in text or "SchemaTooNew" in text or "failed to validate" in text:
        return "the notebook's nbgrader metadata is corrupted"
    if "database is locked" in text:
        return "the gradebook stayed locked (run the command again)"
    found = re.findall(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception)\b:?.*)$", text, flags=re.M)
    found = [f.strip() for f in found if "NbGraderException" not in f and "Traceback" not in f]
    if found:
        return f"nbgrader failed: {found[-1][:160]}"
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return f"nbgrader failed: {lines[-1][:160]}" if lines else "nbgrader failed"


def _scan_outputs(nb: dict) -> tuple[dict[str, str], list[str]]:
    """{error name the driver or nbgrader wrote: the first cell it is in}, truncation notes."""
    where: dict[str, str] = {}
    notes: list[str] = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        label = f"'{gid}'" if gid else f"{i + 1}"
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                where.setdefault(str(o.get("ename")), label)
            elif o.get("output_type") == "stream" and "... Output truncated ..." in "".join(o.get("text", "")):
                notes.append(f"cell {label} printed more than nbgrader keeps (output truncated)")
    return where, list(dict.fromkeys(notes))


def _file_digest(path: Path) -> str | None:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _event_flags(events: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """Runtime events of the grading kernel: (flags, one per test cell and kind; notes)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for e in events:
        grouped.setdefault((e.get("kind", ""), e.get("cell", "")), []).append(e.get("text", ""))
    flags, notes = [], []
    for (kind, cell), texts in grouped.items():
        what = ", ".join(dict.fromkeys(texts))
        if kind == "restored":
            flags.append(f"tampered before test '{cell}' (undone by the grader): {what}")
        elif kind == "tampered":
            flags.append(f"tampered while test '{cell}' ran (the test scored 0): {what}")
        elif kind == "guard":
            flags.append(f"the grader could not check the kernel around '{cell}': {what}")
        elif kind == "guard-off":
            notes.append(f"the kernel guard was off for this submission: {what}")
    return flags, notes


def _static_flags(c: _Course, assignment: str, spec: _Assignment, student: str) -> tuple[list[str], list[str], str | None]:
    """Flags and notes read from the submitted files alone, and why the notebook is unreadable."""
    sub = c.path("submitted", student, assignment)
    source = c.path("source", ".", assignment)
    flags: list[str] = []
    notes: list[str] = []
    unreadable = None
    submitted = sorted(sub.glob("*.ipynb"))
    for p in submitted:
        if p.stem not in spec.notebooks:
            flags.append(f"unexpected notebook {p.name!r} (expected "
                         f"{', '.join(n + '.ipynb' for n in spec.notebooks)}), not graded")
            continue
        nb, problem = _read_notebook_json(p)
        if nb is None:
            unreadable = f"{p.name} {problem}"
            continue
        cells = spec.notebooks[p.stem]
        tamper, extra = _structure_flags(nb, cells)
        flags += [f"tampered: {t}" for t in tamper]
        notes += extra
        protected = spec.protected(p.stem)
        for label, code in _learner_cells(nb, cells):
            found = suspicious_code(code, protected=protected)
            if found:
                flags.append(f"suspicious code in cell {label}: {', '.join(found)}")
    if submitted:
        for name in spec.notebooks:
            if not (sub / f"{name}.ipynb").exists():
                flags.append(f"missing notebook {name}.ipynb (scored 0)")
        for rel in spec.files:
            theirs = sub / rel
            if not theirs.exists():
                notes.append(f"{rel} missing from the submission (graded with the original)")
            elif _file_digest(theirs) != _file_digest(source / rel):
                notes.append(f"{rel} differs from the released one (graded with the original)")
    return flags, notes, unreadable


def _student_row(c: _Course, assignment: str, spec: _Assignment, student: str, rec: dict | None,
                 now: _Outcome | None, gb: Any) -> dict[str, Any]:
    from nbgrader.api import MissingEntry

    sub = c.path("submitted", student, assignment)
    auto = c.path("autograded", student, assignment)
    source = c.path("source", ".", assignment)
    submitted = sorted(sub.glob("*.ipynb"))
    kind = (rec or {}).get("kind")
    timeout = c.cfg.get("Execute", {}).get("timeout", 30)
    flags, notes, unreadable = _static_flags(c, assignment, spec, student)
    status = "graded"
    done = bool(submitted) and _is_done(c, assignment, student, spec, kind)
    if not submitted:
        status = "empty"
        flags.insert(0, "empty submission: no notebook was submitted")
    elif not done:
        if kind == "deadline":
            status = "timed out"
            flags.insert(0, "timed out: grading was stopped at the deadline, no grade recorded")
        elif kind in ("failed", "worker_died"):
            status = "failed"
            flags.insert(0, f"not graded: {unreadable or _failure_reason((rec or {}).get('error', ''))}")
        else:
            status = "not graded"
            flags.insert(0, "not graded yet (the run was interrupted): run the same command again")
    else:
        errors: dict[str, str] = {}
        for p in submitted:
            if p.stem in spec.notebooks:
                nb, _ = _read_notebook_json(auto / p.name)
                if nb is not None:
                    where, extra = _scan_outputs(nb)
                    for k, v in where.items():
                        errors.setdefault(k, v)
                    notes += extra
        if _KERNEL_DIED in errors:
            status = "crashed"
            flags.insert(0, f"crashed: the kernel died in cell {errors[_KERNEL_DIED]} (os._exit, a crash or "
                            f"out of memory), so the cells after it scored 0")
        elif _KERNEL_STUCK in errors:
            status = "timed out"
            flags.insert(0, f"timed out: cell {errors[_KERNEL_STUCK]} ran past {timeout} s and ignored the "
                            f"interrupt, so the kernel was stopped and the cells after it scored 0")
        elif _CELL_TIMEOUT in errors:
            status = "timed out"
            flags.insert(0, f"timed out: cell {errors[_CELL_TIMEOUT]} ran past {timeout} s and was interrupted")
        events = now.events if now is not None else (rec or {}).get("events", [])
        more, extra = _event_flags(events)
        flags += more
        notes += extra
        for rel in spec.files:
            used = auto / rel
            if used.exists() and _file_digest(used) != _file_digest(source / rel):
                flags.append(f"tampered: the code changed {rel} while it was being graded")
    score = max_score = auto_score = auto_max = None
    failed: list[str] = []
    manual = 0
    answers = {cell.name for cells in spec.notebooks.values() for cell in cells if cell.solution}
    try:
        sa = gb.find_submission(assignment, student)
        score, max_score = float(sa.score), float(sa.max_score)
        auto_score = auto_max = 0.0
        for snb in sa.notebooks:
            for g in snb.grades:
                if g.needs_manual_grade:
                    manual += 1
                if g.cell.cell_type == "code" and g.name not in answers:
                    auto_max += float(g.max_score)
                    auto_score += float(g.auto_score or 0.0) if g.manual_score is None else float(g.manual_score)
                    if g.manual_score is None and (g.auto_score or 0.0) < g.max_score:
                        failed.append(g.name)
    except MissingEntry:
        max_score = sum(float(x.points or 0) for cells in spec.notebooks.values() for x in cells if x.grade)
        auto_max = sum(float(x.points or 0) for cells in spec.notebooks.values() for x in cells
                       if x.grade and x.cell_type == "code" and not x.solution)
        score = auto_score = 0.0
    if not done:
        manual = 0  # nbgrader marks every cell of a submission it never graded "needs manual grade"
    flags = list(dict.fromkeys(flags))
    return {
        "student": student,
        "status": status,
        "score": score,
        "max_score": max_score,
        "auto_score": auto_score,
        "auto_max_score": auto_max,
        "auto_percent": (100.0 * auto_score / auto_max) if auto_score is not None and auto_max else None,
        "failed_tests": " ".join(failed),
        "manual_cells": manual,
        "needs_review": bool(flags),
        "flags": "; ".join(flags),
        "notes": "; ".join(dict.fromkeys(notes)),
        "seconds": now.seconds if now is not None else None,
        "graded_now": now is not None,
    }


def _build_report(c: _Course, assignment: str, spec: _Assignment, cohort: list[str], records: dict[str, dict],
                  outcomes: dict[str, _Outcome], out_dir: Path) -> "CohortReport":
    import pandas as pd
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(c.db_url, c.course_id) as gb:
        for s in cohort:
            rows.append(_student_row(c, assignment, spec, s, records.get(s), outcomes.get(s), gb))
    summary = pd.DataFrame(rows, columns=_SUMMARY_COLUMNS)
    return CohortReport(assignment=assignment, summary=summary, out_dir=out_dir)


class CohortReport:
    """The outcome of grading a cohort: one row per submission, and what needs a person.

    Parameters
    ----------
    assignment : str
        The assignment's name.
    summary : pandas.DataFrame
        One row per student with the columns ``student``, ``status`` ("graded",
        "crashed", "timed out", "failed", "empty", "not graded"), ``score`` and
        ``max_score`` (nbgrader's totals, written answers included once graded by hand),
        ``auto_score``, ``auto_max_score`` and ``auto_percent`` (the automatically graded
        tests), ``failed_tests`` (their grade ids), ``manual_cells`` (answers still to
        grade by hand), ``needs_review``, ``flags`` (why a person should look),
        ``notes`` (handled automatically, for the record), ``seconds`` and
        ``graded_now`` (False for submissions graded by an earlier run).
    out_dir : path, optional
        Where :meth:`write` puts ``summary.csv`` and ``scores.png``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [{"student": "ada", "status": "graded", "score": 4.0, "max_score": 5.0, "auto_score": 4.0,
    ...          "auto_max_score": 4.0, "auto_percent": 100.0, "failed_tests": "", "manual_cells": 1,
    ...          "needs_review": False, "flags": "", "notes": "", "seconds": 3.2, "graded_now": True},
    ...         {"student": "bo", "status": "crashed", "score": 1.0, "max_score": 5.0, "auto_score": 1.0,
    ...          "auto_max_score": 4.0, "auto_percent": 25.0, "failed_tests": "test_cv", "manual_cells": 0,
    ...          "needs_review": True, "flags": "crashed: the kernel died", "notes": "", "seconds": 2.0,
    ...          "graded_now": True}]
    >>> report = CohortReport("week1", pd.DataFrame(rows))
    >>> list(report.needs_review["student"])
    ['bo']
    >>> print(report.headline())
    1 of 2 submissions passed every automatic test (median 62 %); 1 needs a human look
    """

    def __init__(self, assignment: str, summary: Any, out_dir: str | os.PathLike | None = None):
        import pandas as pd

        if not isinstance(summary, pd.DataFrame):
            raise TypeError(f"summary: expected a pandas DataFrame, got {type(summary).__name__}.")
        missing = [col for col in _SUMMARY_COLUMNS if col not in summary.columns]
        if missing:
            raise ValueError(f"summary: missing columns {missing}; pass the frame grade_cohort builds.")
        self.assignment = assignment
        self.summary = summary.reset_index(drop=True)
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.seconds: float | None = None
        self.jobs: int | None = None
        self.csv_path: Path | None = None
        self.plot_path: Path | None = None

    @property
    def needs_review(self) -> Any:
        """The rows a person should look at (crashed, timed out, tampered, not gradable)."""
        return self.summary[self.summary["needs_review"].astype(bool)]

    @property
    def needs_manual_grading(self) -> Any:
        """The rows with written answers (or other cells) still to be graded by hand."""
        return self.summary[self.summary["manual_cells"].fillna(0).astype(int) > 0]

    def headline(self) -> str:
        """One sentence stating the cohort's result (also the plot's title)."""
        s = self.summary
        n = len(s)
        pct = s["auto_percent"].dropna()
        full = int((pct >= 100.0 - 1e-9).sum())
        med = f" (median {pct.median():.0f} %)" if len(pct) else ""
        k = len(self.needs_review)
        look = "none needs a human look" if k == 0 else f"{k} need{'s' if k == 1 else ''} a human look"
        return f"{full} of {n} submissions passed every automatic test{med}; {look}"

    def __str__(self) -> str:
        s = self.summary
        lines = []
        now = int(s["graded_now"].astype(bool).sum())
        took = f" in {self.seconds:.1f} s" if self.seconds is not None else ""
        jobs = f" ({self.jobs} at a time)" if self.jobs else ""
        earlier = len(s) - now
        lines.append(f"{self.assignment}: {len(s)} submissions, {now} graded now{took}{jobs}"
                     + (f", {earlier} kept from an earlier run" if earlier else "") + ".")
        lines.append(self.headline() + ".")
        pct = s["auto_percent"].dropna()
        if len(pct):
            lines.append(f"Automatic tests: mean {pct.mean():.0f} %, median {pct.median():.0f} %, "
                         f"{int((pct <= 1e-9).sum())} at zero.")
        review = self.needs_review
        if len(review):
            lines.append(f"Needs a human look ({len(review)}):")
            width = max(len(str(x)) for x in review["student"])
            for _, r in review.iterrows():
                flags = str(r["flags"]).split("; ")
                lines.append(f"  {str(r['student']):<{width}}  {r['status']:<10}  {flags[0]}")
                for f in flags[1:]:
                    lines.append(f"  {'':<{width}}  {'':<10}  {f}")
        manual = self.needs_manual_grading
        if len(manual):
            cells = int(manual["manual_cells"].sum())
            who = f": {', '.join(map(str, manual['student']))}" if len(manual) <= 12 else ""
            lines.append(f"Needs manual grading: {cells} answer cell{'s' if cells != 1 else ''} in {len(manual)} "
                         f"submission{'s' if len(manual) != 1 else ''} (grade them in nbgrader's formgrader){who}.")
        if self.csv_path is not None:
            lines.append(f"Summary: {self.csv_path}")
        if self.plot_path is not None:
            lines.append(f"Plot:    {self.plot_path}")
        return "\n".join(lines)

    def plot(self, ax: Any = None) -> Any:
        """Histogram of the automatic scores, submissions needing a look in red.

        Returns the matplotlib Axes; its title is :meth:`headline`.
        """
        import numpy as np

        from leakkit import plot as lkplot

        with lkplot.use_style():
            if ax is None:
                from matplotlib.figure import Figure

                fig = Figure()
                ax = fig.subplots()
            s = self.summary
            pct = s["auto_percent"].astype(float).fillna(0.0).clip(0, 100)
            bad = s["needs_review"].astype(bool).to_numpy()
            edges = np.linspace(0, 100, 11)
            idx = np.minimum(np.digitize(pct.to_numpy(), edges[1:-1], right=False), 9)
            ok_counts = np.bincount(idx[~bad], minlength=10)
            bad_counts = np.bincount(idx[bad], minlength=10)
            centers = edges[:-1] + 5
            ax.bar(centers, ok_counts, width=9, color=lkplot.COLORS["honest"], label="graded, nothing to check")
            ax.bar(centers, bad_counts, width=9, bottom=ok_counts, color=lkplot.COLORS["leaky"],
                   label="needs a human look")
            ax.set_xlim(0, 100)
            ax.set_xticks(edges)
            ax.set_xlabel("automatically graded points earned (%)")
            ax.set_ylabel("submissions")
            top = int((ok_counts + bad_counts).max()) if len(s) else 1
            ax.set_yticks(range(0, top + 1, max(1, (top + 1) // 6)))
            ax.set_ylim(0, top * 1.3 + 0.5)  # room for the legend above the bars
            ax.set_title(self.headline().replace("; ", "\n"), loc="left")
            ax.legend(loc="upper center", ncol=2)
        return ax

    def write(self, out_dir: str | os.PathLike | None = None) -> tuple[Path, Path]:
        """Write ``summary.csv`` and ``scores.png``; returns their paths."""
        folder = Path(out_dir) if out_dir is not None else self.out_dir
        if folder is None:
            raise ValueError("out_dir: no folder to write to; pass one, e.g. report.write('grades/week1').")
        folder.mkdir(parents=True, exist_ok=True)
        self.csv_path = folder / "summary.csv"
        self.summary.to_csv(self.csv_path, index=False, float_format="%.6g")
        ax = self.plot()
        self.plot_path = folder / "scores.png"
        ax.figure.savefig(self.plot_path)
        return self.csv_path, self.plot_path


# =====================================================================================
# Command line (wired into leakkit.cli)
# =====================================================================================
def add_grade_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``grade`` subcommand to the ``leakkit`` command's subparsers.

    >>> import argparse
    >>> ap = argparse.ArgumentParser(prog="leakkit")
    >>> _ = add_grade_parser(ap.add_subparsers(dest="command"))
    >>> args = ap.parse_args(["grade", "week1", "--jobs", "2"])
    >>> (args.command, args.assignment, args.jobs, args.course)
    ('grade', 'week1', 2, '.')
    """
    p = subparsers.add_parser(
        "grade", help="autograde every submission of an nbgrader assignment, in parallel",
        description="Autograde every submission of ASSIGNMENT with nbgrader, N at a time, then write a "
                    "per-student summary (CSV) and a score plot, and list the submissions that need a human "
                    "look. Submissions already graded are kept unless --force. Exit 0: every submission "
                    "graded with nothing to check; 1: some need a human look; 2: bad input.")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment's name (a folder of the source directory)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="submissions graded at the same time (default 1; the number of cores is a good choice)")
    p.add_argument("--course", default=".", metavar="DIR",
                   help="the course folder, holding nbgrader_config.py and submitted/ (default: here)")
    p.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    p.add_argument("--force", action="store_true", help="grade again submissions that were already graded")
    p.add_argument("--out", metavar="DIR", help="where to write summary.csv and scores.png "
                                                "(default: COURSE/grades/ASSIGNMENT)")
    return p


def run_grade(args: argparse.Namespace) -> int:
    """Run ``leakkit grade`` from parsed arguments; returns the exit status.

    0 when every submission was graded and none needs a human look (answers to grade by
    hand may remain), 1 when some need a look, 130 when interrupted (run it again to
    finish). Bad input raises ``ValueError`` (the CLI prints it on one line, exit 2).

    >>> import argparse
    >>> run_grade(argparse.Namespace(assignment="week1", course="/no/such/course", jobs=1))
    Traceback (most recent call last):
    ...
    ValueError: --course: folder '/no/such/course' not found; pass the course folder (the one holding nbgrader_config.py and submitted/).
    """
    try:
        report = grade_cohort(args.assignment, getattr(args, "course", "."), jobs=getattr(args, "jobs", 1),
                              students=getattr(args, "student", None), force=getattr(args, "force", False),
                              out=getattr(args, "out", None), progress=sys.stderr)
    except KeyboardInterrupt:
        print("leakkit grade: interrupted; the submissions graded so far keep their grades: run the same "
              "command again to grade the rest.", file=sys.stderr)
        return 130
    print(report)
    return 1 if len(report.needs_review) else 0


if __name__ == "__main__":  # pragma: no cover - the worker entry point
    if len(sys.argv) == 2 and sys.argv[1] == "--worker":
        sys.exit(_worker_main())
    print("usage: leakkit grade ASSIGNMENT [--jobs N] [--course DIR]  (this module's own entry is for workers)",
          file=sys.stderr)
    sys.exit(2)
