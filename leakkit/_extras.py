"""Optional dependencies: one clear line when a part of leakkit needs an extra that is missing.

``pip install leakkit`` brings numpy, pandas and scikit-learn only. Plots, cohort grading
and the course are extras (``leakkit[plot]``, ``leakkit[grade]``, ``leakkit[course]``); a
module that needs one calls :func:`require` first, so a missing package is reported as

    leakkit.plot needs matplotlib, which is not installed: pip install 'leakkit[plot]'

rather than as an ImportError from deep inside a function.

>>> require("numpy", extra="plot", feature="this example")  # installed: nothing happens
>>> try:
...     require("no_such_package_xyz", extra="plot", feature="leakkit.plot")
... except MissingExtraError as exc:
...     print(exc)
leakkit.plot needs no_such_package_xyz, which is not installed: pip install 'leakkit[plot]'
"""
from __future__ import annotations

import importlib.util
import sys

__all__ = ["MissingExtraError", "require", "is_installed"]

#: The extras declared in pyproject.toml, by name.
EXTRAS = ("plot", "grade", "course", "scale", "dev")


class MissingExtraError(ModuleNotFoundError):
    """A package that an optional part of leakkit needs is not installed. The message is one
    line naming the extra to install; ``.name`` is the missing module and ``.extra`` the extra."""

    def __init__(self, message: str, *, name: str, extra: str | None):
        super().__init__(message, name=name)
        self.extra = extra


def is_installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it (a module set to None in
    ``sys.modules`` counts as missing, as it does for ``import``)."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(*modules: str, extra: str | None, feature: str, install: str | None = None) -> None:
    """Raise :class:`MissingExtraError` unless every module in ``modules`` is installed.

    Parameters
    ----------
    *modules : str
        Top-level module names, e.g. ``"matplotlib"``.
    extra : str or None
        The leakkit extra that brings them (one of :data:`EXTRAS`), or None when no extra
        does (then ``install`` says what to install).
    feature : str
        What needs them, as the user calls it: ``"leakkit.plot"``, ``"leakkit grade"``.
    install : str, optional
        The install command to suggest instead of ``pip install 'leakkit[<extra>]'``.
    """
    if extra is not None and extra not in EXTRAS:
        raise ValueError(f"extra: expected one of {', '.join(EXTRAS)}, got {extra!r}.")
    if extra is None and install is None:
        raise TypeError("install: pass the install command when no leakkit extra brings the package.")
    for module in modules:
        if not is_installed(module):
            how = install or f"pip install 'leakkit[{extra}]'"
            raise MissingExtraError(f"{feature} needs {module}, which is not installed: {how}",
                                    name=module, extra=extra)
