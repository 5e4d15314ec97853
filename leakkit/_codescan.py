"""Static reading of learner code, for the cohort grader (:mod:`leakkit.autograde`): what in
a submission reaches into the grading machinery.

The code is parsed, never run. IPython magics and shell escapes are blanked first (and
noted); then the syntax tree is searched for assignments to the checks and helpers the
tests use, patches of modules and of IPython's error reporting, frame inspection, signal
handlers, kernel exits and imports of the grading driver.

>>> from leakkit._codescan import suspicious_code
>>> suspicious_code("import os\\nos.kill(os.getppid(), 9)")
['sends signals to processes (os.kill)']
"""
from __future__ import annotations

import ast
import re

__all__ = ["suspicious_code"]

_SHELL_MAGIC = re.compile(r"^(\s*)(?:[A-Za-z_][\w.]*\s*=\s*)?([!%])(.*)$")
_SHELL_CELL_MAGICS = {"bash", "sh", "script", "system", "sx", "perl", "ruby", "python", "python3", "pypy",
                      "writefile", "file"}
_IPYTHON_ATTRS = {
    "showtraceback", "_showtraceback", "showsyntaxerror", "set_custom_exc", "CustomTB", "custom_exceptions",
    "input_transformers_post", "input_transformers_cleanup", "ast_transformers", "run_cell", "run_cell_async",
    "run_code", "run_ast_nodes", "transform_cell", "should_run_async", "user_expressions", "excepthook",
}
_RISKY_ATTRS = {
    ("sys", "modules"): "touches sys.modules",
    ("sys", "excepthook"): "replaces sys.excepthook",
    ("sys", "settrace"): "installs a tracer (sys.settrace)",
    ("sys", "setprofile"): "installs a profiler (sys.setprofile)",
    ("sys", "_getframe"): "inspects the caller's frames (sys._getframe)",
    ("sys", "exit"): "exits the kernel (sys.exit)",
    ("os", "_exit"): "kills the kernel (os._exit)",
    ("os", "kill"): "sends signals to processes (os.kill)",
    ("os", "killpg"): "sends signals to processes (os.killpg)",
    ("os", "abort"): "aborts the kernel (os.abort)",
    ("signal", "signal"): "changes signal handlers (signal.signal)",
    ("inspect", "currentframe"): "inspects the caller's frames (inspect)",
    ("inspect", "stack"): "inspects the caller's frames (inspect)",
    ("gc", "get_referrers"): "searches live objects (gc)",
    ("gc", "get_objects"): "searches live objects (gc)",
}
_RISKY_MODULES = {"ctypes": "loads ctypes", "builtins": "changes Python's builtins", "__builtin__": "changes Python's builtins"}
_HARMLESS_STORES = re.compile(r"(^|\.)(options|rcParams|set_printoptions)(\.|$)")
# Private attributes of the objects the tests hand to learner code (a HeldOutSet's read log
# and data, the grader's tallies and secret): reading or writing them bypasses the rule they keep.
_GRADER_PRIVATE = {"_log", "_data", "_budget", "_TALLY", "_SECRET", "_RECORDS", "_ROWS", "_FIT_IDS", "_fit_id",
                   "_receive_secret", "_leakkit_guard"}
_SECRET_TEXT = re.compile(r"LEAKKIT_|/proc/[^\s]*environ")


def _strip_magics(source: str) -> tuple[str, list[str]]:
    """``source`` with IPython magics and shell escapes blanked, and what they did."""
    notes: list[str] = []
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        name = lines[0].lstrip()[2:].split()[0] if lines[0].lstrip()[2:].split() else ""
        if name in _SHELL_CELL_MAGICS:
            return "", [f"runs a %%{name} cell"]
        lines = ["pass"] + lines[1:]
    out = []
    for line in lines:
        m = _SHELL_MAGIC.match(line)
        if m and not line.lstrip().startswith(("%=", "!=")):
            indent, kind, rest = m.groups()
            word = rest.split()[0] if rest.split() else ""
            if kind == "!" or word in ("system", "sx", "sc", "rm", "cp", "mv", "bash", "writefile"):
                notes.append(f"runs a shell command ({(kind + rest).strip()[:40]})")
            out.append(f"{indent}pass")
        else:
            out.append(line)
    return "\n".join(out), notes


def _dotted(node: ast.AST) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _import_bindings(tree: ast.AST, *, top_level: bool) -> dict[str, str]:
    """Names bound by import statements -> what they refer to ('numpy', 'leakkit.grading')."""
    out: dict[str, str] = {}
    nodes = tree.body if top_level and isinstance(tree, ast.Module) else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
                else:
                    out[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if a.name != "*":
                    out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _defined_names(tree: ast.Module) -> set[str]:
    """Functions and classes a cell defines at top level."""
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _stored_names(tree: ast.Module) -> dict[str, str]:
    """Top-level names a cell (re)binds, and how (assignment, def, import, global)."""
    out: dict[str, str] = {}

    def targets(t: ast.AST) -> Iterable[str]:
        if isinstance(t, ast.Name):
            yield t.id
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                yield from targets(e)
        elif isinstance(t, ast.Starred):
            yield from targets(t.value)

    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                for n in targets(t):
                    out[n] = "assign"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = "def"
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            if isinstance(node, (ast.For, ast.AsyncFor)):
                for n in targets(node.target):
                    out[n] = "assign"
            else:
                for item in node.items:
                    if item.optional_vars is not None:
                        for n in targets(item.optional_vars):
                            out[n] = "assign"
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            for n in node.names:
                out.setdefault(n, "global")
    return out


def suspicious_code(source: str, *, protected: dict[str, str] | None = None) -> list[str]:
    """What in one learner cell a person should look at before trusting its grade.

    Flags code that changes how grading works rather than answering the question:
    replacing attributes of imported modules (``grading.check_no_leak = ...``), rebinding
    a function, class or module the tests use (``protected``), reaching into IPython's
    error reporting or cell execution, touching ``sys.modules``, builtins, frames,
    signals or ``ctypes``, killing the kernel, running generated code (``exec``/``eval``)
    or shell commands, and using ``leakkit``'s private internals. Honest answers
    (pipelines, plots, ``pd.options``/``rcParams`` settings) raise nothing. Cells that
    are not valid Python are not flagged here: nbgrader scores their errors.

    Parameters
    ----------
    source : str
        The code of one cell, IPython magics allowed.
    protected : dict of str to str, optional
        Names the assignment's locked cells bind with ``import``, ``def`` or ``class``,
        mapped to what they refer to (``{"grading": "leakkit.grading"}``); a learner cell
        that binds one of them to something else is flagged.

    Returns
    -------
    list of str
        One short phrase per finding, in the order found, without repeats.

    Examples
    --------
    >>> suspicious_code("import numpy as np\\nscores = np.arange(3)")
    []
    >>> suspicious_code("import os\\nos._exit(0)")
    ['kills the kernel (os._exit)']
    >>> suspicious_code("grading = None", protected={"grading": "leakkit.grading"})
    ['redefines grading, which the tests use']
    """
    if not isinstance(source, str):
        raise TypeError(f"source: expected the code of a cell as a str, got {type(source).__name__}.")
    if protected is not None and not isinstance(protected, dict):
        raise TypeError(f"protected: expected a dict of name -> what it refers to, got {type(protected).__name__}.")
    protected = dict(protected or {})
    code, found = _strip_magics(source)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return list(dict.fromkeys(found))
    own_imports = _import_bindings(tree, top_level=False)
    imported = {**protected, **own_imports}

    def rooted_at_import(chain: list[str] | None) -> bool:
        return bool(chain) and chain[0] in imported

    def label(chain: list[str]) -> str:
        return ".".join(chain)

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
            chain = _dotted(node)
            if chain and rooted_at_import(chain) and not _HARMLESS_STORES.search(label(chain)):
                verb = "deletes" if isinstance(node.ctx, ast.Del) else "replaces"
                found.append(f"{verb} {label(chain)}")
            elif node.attr in ("__code__", "__globals__", "__dict__", "__class__", "__defaults__", "__kwdefaults__"):
                found.append(f"rewrites an object's {node.attr}")
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id in ("globals", "vars", "locals"):
                found.append(f"writes into a namespace through {base.func.id}()")
            elif isinstance(base, ast.Attribute) and base.attr == "__dict__":
                found.append("writes into an object's __dict__")
        elif isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Name) and fn.id in ("setattr", "delattr") and node.args:
                chain = _dotted(node.args[0])
                if chain and rooted_at_import(chain):
                    found.append(f"{'replaces' if fn.id == 'setattr' else 'deletes'} an attribute of {label(chain)}")
            elif isinstance(fn, ast.Name) and fn.id in ("exec", "eval", "compile", "__import__"):
                found.append(f"runs generated code ({fn.id})")
        if isinstance(node, ast.Attribute):
            if node.attr in _IPYTHON_ATTRS:
                found.append(f"changes how IPython runs or reports cells (.{node.attr})")
            chain = _dotted(node)
            if chain and len(chain) >= 2:
                root = imported.get(chain[0], chain[0]).split(".")
                full = root + chain[1:]
                for (mod, attr), msg in _RISKY_ATTRS.items():
                    if full[-2:] == [mod, attr] or (full[0] == mod and len(full) > 1 and full[1] == attr):
                        found.append(msg)
                if full[0] == "leakkit" and any(p.startswith("_") and not p.startswith("__") for p in full[1:]):
                    found.append(f"uses leakkit internals ({label(chain)})")
                if full[0] == "leakkit" and len(full) > 1 and full[1] == "autograde":
                    found.append("touches the grading driver (leakkit.autograde)")
        if isinstance(node, ast.Attribute) and node.attr in _GRADER_PRIVATE:
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner not in ("self", "cls"):
                found.append(f"reaches into the grader's private state (.{node.attr})")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "vars"):
            first = _dotted(node.args[0]) if node.args else None
            second = node.args[1] if len(node.args) > 1 else None
            if first and imported.get(first[0], first[0]).startswith("leakkit"):
                found.append(f"reads leakkit's attributes dynamically ({node.func.id}({label(first)}, ...))")
            elif isinstance(second, ast.Constant) and isinstance(second.value, str) and second.value in _GRADER_PRIVATE:
                found.append(f"reaches into the grader's private state ({second.value})")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SECRET_TEXT.search(node.value):
            found.append("reads the grader's environment (the grading secret)")
        if isinstance(node, (ast.Name, ast.Attribute)) and (node.id if isinstance(node, ast.Name) else node.attr) == "fresh_seeds":
            found.append("draws the hidden tests' seeds (fresh_seeds)")
        if isinstance(node, ast.Name) and node.id.startswith("_") and not node.id.startswith("__") \
                and ":" in protected.get(node.id, ""):
            found.append(f"uses the tests' private helper {node.id}")
        if isinstance(node, ast.Name):
            if node.id == "get_ipython":
                found.append("reaches into IPython (get_ipython)")
            elif node.id == "InteractiveShell":
                found.append("reaches into IPython (InteractiveShell)")
            elif node.id == "__builtins__":
                found.append("changes Python's builtins")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in _RISKY_MODULES:
                    found.append(_RISKY_MODULES[top])
                if name.startswith("IPython.core") or name.startswith("ipykernel"):
                    found.append("reaches into IPython (" + name + ")")
                if name == "leakkit.autograde" or (name == "leakkit" and isinstance(node, ast.ImportFrom)
                                                   and any(a.name == "autograde" for a in node.names)):
                    found.append("touches the grading driver (leakkit.autograde)")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("leakkit"):
                for a in node.names:
                    if a.name.startswith("_"):
                        found.append(f"uses leakkit internals ({node.module}.{a.name})")
                    if (node.module, a.name) in {("sys", "modules")}:
                        found.append("touches sys.modules")
            if isinstance(node, ast.ImportFrom) and node.module in ("os", "sys", "signal"):
                for a in node.names:
                    msg = _RISKY_ATTRS.get((node.module, a.name))
                    if msg:
                        found.append(msg)
    # Rebinding what the tests use (top level, or via `global` inside a function).
    if protected:
        for name, how in _stored_names(tree).items():
            if name in protected and not (how == "import" or own_imports.get(name) == protected[name]):
                found.append(f"redefines {name}, which the tests use")
        for name, target in own_imports.items():
            if name in protected and target != protected[name] and name in {
                    n for n in _import_bindings(tree, top_level=True)}:
                found.append(f"redefines {name}, which the tests use")
    return list(dict.fromkeys(found))
