"""The kernel guard: runs inside a grading kernel, between cells.

Before any learner code runs, :func:`kernel_guard` ``("start")`` takes a snapshot of what
the tests rely on: every function, class and method of ``leakkit``'s modules (the checks,
the tracer, ``HeldOutSet``), the modules the assignment's locked cells import, Python's
builtins, IPython's error reporting and cell transformers, ``sys`` hooks. After each
locked cell, ``("bind")`` remembers the objects it defined. Before and after each test
cell, ``("check")`` puts back whatever changed since, and says what. The executor outside
the kernel (:class:`leakkit.autograde.GuardedExecute`) calls it through
``user_expressions``, which no input transformer touches.

The grading secret (from which hidden tests draw their data, see
:func:`leakkit.grading.fresh_seeds`) reaches the kernel through the ``start`` call, never
through its environment, so learner code cannot read it from ``os.environ``.

The guard's state lives on the kernel's IPython shell (one guard per kernel): a learner
cell that deletes it leaves the next check without a snapshot, which is itself reported.
"""
from __future__ import annotations

import ast
import json
import sys
import types
from typing import Any

_MISSING = object()
_ATTR = "_leakkit_guard"
GUARD_MODULES = ("leakkit", "leakkit.grading", "leakkit.tracing", "leakkit.detect", "leakkit.datasets",
                 "leakkit.evaluate", "leakkit.llm", "leakkit.checklist")
SHELL_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")


def kernel_guard(when: str, arg: str = "", secret: str = "") -> str:
    """Entry point, evaluated in the kernel. ``"start"``: snapshot (``arg``: the locked
    cells' import lines; ``secret``: the grading secret, handed to leakkit.grading);
    ``"bind"``: keep what a locked cell just defined (``arg``: its names, comma-separated);
    ``"check"``: restore what changed and list it. Returns JSON ``{"ok": bool, "changes": [...]}``
    and never raises."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if when == "start":
            state = snapshot(shell, arg)
            setattr(shell, _ATTR, state)
            if secret:
                from leakkit import grading

                grading._receive_secret(secret)
            return json.dumps({"ok": True, "changes": []})
        state = getattr(shell, _ATTR, None)
        if not isinstance(state, dict) or "entries" not in state:
            return json.dumps({"ok": False, "error": "its snapshot was gone (deleted by code in the notebook?)"})
        if when == "bind":
            for name in filter(None, arg.split(",")):
                if name in shell.user_ns:
                    state["bound"][name] = shell.user_ns[name]
            return json.dumps({"ok": True, "changes": []})
        return json.dumps({"ok": True, "changes": restore(state)})
    except BaseException as exc:  # noqa: BLE001 - never raise inside the learner's kernel
        return json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"})


def _watchable(value: Any) -> bool:
    return callable(value) or isinstance(value, (types.ModuleType, property, classmethod, staticmethod))


def _imported(imports: str) -> tuple[dict[str, Any], set[str]]:
    """What the locked cells' import lines bind, and the modules they name."""
    bound: dict[str, Any] = {}
    names: set[str] = set()
    for stmt in ast.parse(imports or "").body:
        scratch: dict[str, Any] = {}
        try:
            exec(compile(ast.Module([stmt], []), "<leakkit-guard>", "exec"), scratch)  # noqa: S102 - our own lines
        except Exception:  # noqa: BLE001
            continue
        bound.update({k: v for k, v in scratch.items() if k != "__builtins__"})
        if isinstance(stmt, ast.ImportFrom) and stmt.module:
            names.add(stmt.module)
        elif isinstance(stmt, ast.Import):
            names.update(a.name for a in stmt.names)
    return bound, names


def snapshot(shell: Any, imports: str) -> dict[str, Any]:
    """What :func:`restore` puts back: attributes of modules and classes, builtins, the
    shell's hooks and lists, ``sys`` hooks, and the names the locked cells bind."""
    import builtins
    import importlib

    from IPython.core.interactiveshell import ExecutionResult

    for name in GUARD_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module is no reason to stop
            pass
    bound, module_names = _imported(imports)
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
        "lists": {a: list(getattr(shell, a, [])) for a in SHELL_LISTS},
        "events": {e: list(cbs) for e, cbs in shell.events.callbacks.items()},
        "sys": {"excepthook": sys.excepthook, "stdout": sys.stdout, "stderr": sys.stderr,
                "trace": sys.gettrace(), "profile": sys.getprofile()},
        "bound": bound,
    }


def equivalent(a: Any, b: Any) -> bool:
    """Whether ``b`` is ``a`` or the same definition made again (``importlib.reload`` of a
    module makes new objects from the same source): not a learner's replacement."""
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


def _restore_entries(state: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    entries = state["entries"]
    for i, (owner, name, value, label) in enumerate(entries):
        current = vars(owner).get(name, _MISSING)
        if current is value:
            continue
        if current is not _MISSING and equivalent(value, current):
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
    return changes


def _restore_shell(state: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    shell, attrs = state["shell"], state["shell_attrs"]
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
    return changes


def _restore_sys(state: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    s = state["sys"]
    for label, key, now, setter in (
        ("sys.excepthook", "excepthook", sys.excepthook, lambda v: setattr(sys, "excepthook", v)),
        ("sys.stdout", "stdout", sys.stdout, lambda v: setattr(sys, "stdout", v)),
        ("sys.stderr", "stderr", sys.stderr, lambda v: setattr(sys, "stderr", v)),
        ("sys.settrace", "trace", sys.gettrace(), sys.settrace),
        ("sys.setprofile", "profile", sys.getprofile(), sys.setprofile),
    ):
        if now is not s[key]:
            setter(s[key])
            changes.append(f"{label} was replaced")
    return changes


def _restore_bound(state: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    user_ns = state["shell"].user_ns
    for name, obj in list(state["bound"].items()):
        current = user_ns.get(name, _MISSING)
        if current is _MISSING or current is obj:
            continue
        if equivalent(obj, current):
            state["bound"][name] = current
            continue
        user_ns[name] = obj
        changes.append(f"{name} (set by the assignment's locked cells) was rebound")
    return changes


def restore(state: dict[str, Any]) -> list[str]:
    """Put back everything that changed since the snapshot; one phrase per change."""
    return _restore_entries(state) + _restore_shell(state) + _restore_sys(state) + _restore_bound(state)
