"""How a failed test looks in a notebook: a few lines in the learner's terms, not a
traceback through leakkit.

Importing :mod:`leakkit.grading` inside IPython installs one handler (IPython's
``set_custom_exc``) for three kinds of error raised by code written in notebook cells:

- ``NotImplementedError`` from an answer still holding the release's
  ``raise NotImplementedError()``: "Part 2 is not attempted yet: write your code in
  `drop_test_copies` above ...";
- ``NameError`` for an answer, or for a name a test cell uses that an earlier cell defines
  (the cells above were not run): which cell to run;
- ``AssertionError`` with a message (the tests' own ``assert ..., "what to fix"``): the
  message, without the test's source.

:class:`~leakkit.grading.CheckFailed` renders itself the same way (``_render_traceback_``).
Every other error keeps IPython's full traceback: a bug in the learner's own code needs it.
The cell still fails (an ``error`` output with the same exception name), so nbgrader scores
it as before. Errors raised inside libraries are never rewritten.
"""
from __future__ import annotations

import re
import textwrap
from typing import Any

RED, RESET = "\x1b[0;31m", "\x1b[0m"
_RAISE = "raise NotImplementedError()"


_TOLD: set[str] = set()  # while validating: the answers already reported "not attempted yet"


def short_traceback(title: str, message: str) -> list[str]:
    """The lines a failed check shows: its title in red, then its message (wrapped while
    nbgrader validates, whose report cuts long lines).

    >>> short_traceback("CheckFailed", "what\\nHow to fix it: fix")
    ['\\x1b[0;31mCheckFailed\\x1b[0m: what\\nHow to fix it: fix']
    """
    from ._validate import WIDTH, validating

    text = f"{title}: {message}"
    if validating():
        text = "\n".join(textwrap.fill(line, WIDTH, break_long_words=False, break_on_hyphens=False)
                         for line in text.splitlines())
    return [text.replace(f"{title}: ", f"{RED}{title}{RESET}: ", 1)]


def _cell_files(shell: Any) -> set[str]:
    return set(getattr(getattr(shell, "compile", None), "_filename_map", {}) or {})


def _frames(tb: Any) -> list[Any]:
    out = []
    while tb is not None:
        out.append(tb.tb_frame)
        tb = tb.tb_next
    return out


def _in_cells(frame: Any, cells: set[str]) -> bool:
    name = frame.f_code.co_filename
    return name in cells or name.startswith("<ipython-input-")


def not_attempted(name: str, *, defined_here: bool = False) -> tuple[str, str]:
    """The headline and the advice for an answer that still raises NotImplementedError.

    >>> not_attempted("honest_score")[0]
    'Part 1 is not attempted yet'
    """
    from ._help import part_of

    part = part_of(name)
    who = f"Part {part} is not attempted yet" if part else "This answer is not attempted yet"
    if defined_here:
        return who, (f"replace the `{_RAISE}` line of this cell with your answer, then run this cell again, "
                     f"and then the test cells below it.")
    return who, (f"write your code in `{name}` above (replace the `{_RAISE}` line), run that cell, then run "
                 f"this one again.")


def _message(shell: Any, etype: type, value: BaseException, tb: Any) -> tuple[str, str] | None:
    """The headline and message for ``value``, or None to keep IPython's traceback."""
    from ._help import part_of

    cells = _cell_files(shell)
    frames = _frames(tb)
    if not frames or not _in_cells(frames[-1], cells):
        return None  # raised by library code: the full traceback helps
    inner, outer = frames[-1], next(f for f in frames if _in_cells(f, cells))  # IPython's own frame comes first
    if issubclass(etype, NotImplementedError):
        if str(value):
            return None  # the learner's own NotImplementedError("..."), not the release's stub
        return not_attempted(inner.f_code.co_name, defined_here=inner.f_code.co_name == "<module>")
    if issubclass(etype, NameError):
        name = getattr(value, "name", None) or (re.findall(r"'([^']+)'", str(value)) or [""])[0]
        if not name:
            return None
        if part_of(name):
            return (f"Part {part_of(name)} is not attempted yet",
                    f"`{name}` is not defined. Write your answer in the cell that defines `{name}` (replace the "
                    f"`{_RAISE}` line), run that cell, then run this one again.")
        test_code = inner.f_code.co_name == "<module>" or inner.f_code.co_name.startswith("_")
        if inner.f_code.co_filename == outer.f_code.co_filename and test_code:  # a test cell, or its helpers
            return ("Not run yet", f"`{name}` is not defined yet: run the cells above this one first (Run > Run "
                                   f"All Above Selected Cell), then this one again.")
        return None  # a name missing inside the learner's own function: their traceback shows where
    if issubclass(etype, AssertionError) and str(value).strip():
        return etype.__name__, str(value)
    return None


def _anywhere(shell: Any, etype: type, value: BaseException, tb: Any) -> tuple[str, str]:
    """While validating, any other error: its text and where the learner's code raised it."""
    cells = _cell_files(shell)
    mine = [f for f in _frames(tb) if _in_cells(f, cells)]
    where = ""
    if mine and mine[-1].f_code.co_name != "<module>":
        where = f" (in `{mine[-1].f_code.co_name}`, line {mine[-1].f_lineno - mine[-1].f_code.co_firstlineno + 1})"
    return etype.__name__, f"{value}{where}. Run this test cell in the notebook to see the full traceback."


def _show(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
    """IPython's custom-exception handler: a short error output, or the usual traceback."""
    from ._validate import validating

    found = None if hasattr(value, "_render_traceback_") else _message(shell, etype, value, tb)
    if found is None and validating() and not hasattr(value, "_render_traceback_"):
        found = _anywhere(shell, etype, value, tb)
    if found is not None and validating() and found[0].endswith("is not attempted yet"):
        told = f"{found[0]}: {found[1]}"  # the same answer (a part may have two)
        if told in _TOLD:
            found = (found[0], "see above.")
        _TOLD.add(told)
    if found is not None:
        title, message = found
        if isinstance(value, NotImplementedError):
            value.args = (f"{title}: {message}",)  # the error's text, for nbgrader's feedback and Validate
        lines = short_traceback(title, message)
        try:
            value._render_traceback_ = lambda: lines  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            pass
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def install(shell: Any = None) -> bool:
    """Install the short error display in IPython ``shell`` (default: the running one).
    Returns whether it was installed; outside IPython, or when another handler is set,
    nothing changes."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    current = tuple(getattr(shell, "custom_exceptions", ()) or ())
    if current and getattr(shell, "_leakkit_short_errors", False) is False:
        return False  # someone else's handler: leave it
    from ._validate import validating

    kinds = (Exception,) if validating() else (NotImplementedError, NameError, AssertionError)
    shell.set_custom_exc(kinds, _show)
    shell._leakkit_short_errors = True
    return True
