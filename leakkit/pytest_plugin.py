"""``pytest --leakkit``: fail a test whose model evaluation leaks.

Installed with leakkit (entry point ``pytest11``), so every pytest run in the environment
loads it; without ``--leakkit`` (or ``leakkit = true`` in the pytest configuration) it does
nothing at all. With it, each test runs under :func:`leakkit.trace` from the start of its
set-up to the end of its call, and a test during which held-out rows reached a fit
(a **fail** finding: a scaler fitted before the split, duplicates across it...) fails with
the finding, its code and its fix::

    pytest --leakkit                 # fail findings fail the test
    pytest --leakkit --leakkit-strict  # warn findings (a test set reused for tuning) too

Warn findings otherwise appear in pytest's warnings summary. Tests that fit, split or score
nothing are traced at no cost beyond starting the tracer. Opt a test out (or a class, or a
module with ``pytestmark``) with ``@pytest.mark.leakkit_skip(reason="...")``. Each traced
test carries its finding codes in ``user_properties`` (so ``--junitxml`` lists them).

Limits are the tracer's (see :mod:`leakkit.trace`): work sent to other processes
(``n_jobs > 1``) is not seen, and estimators defined during the test itself are not traced.
Fixtures with a wider scope than the test ran outside its trace.
"""
from __future__ import annotations

import warnings
from typing import Any

import pytest

__all__ = ["LeakWarning"]

_TRACE = pytest.StashKey[Any]()
_MARKER = "leakkit_skip"
_OPT_OUT = '@pytest.mark.leakkit_skip(reason="...") opts a test out'


class LeakWarning(UserWarning):
    """A likely (warn) leak found in a test under ``pytest --leakkit``."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("leakkit", "data leakage (leakkit)")
    group.addoption("--leakkit", action="store_true", default=None,
                    help="trace each test's fits, splits and scores with leakkit and fail a test whose "
                         "evaluation leaks (held-out rows seen by a fit, duplicates across a split)")
    group.addoption("--leakkit-strict", action="store_true", default=False,
                    help="with --leakkit, also fail tests on likely leaks (warn findings, e.g. a test set "
                         "reused to pick a model)")
    parser.addini("leakkit", type="bool", default=False, help="trace tests as if --leakkit were given")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{_MARKER}(reason=None): do not trace this test under pytest --leakkit")


def _enabled(config: pytest.Config) -> bool:
    opt = config.getoption("leakkit", default=None)
    return bool(opt) if opt is not None else bool(config.getini("leakkit"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    if not _enabled(item.config) or item.get_closest_marker(_MARKER) is not None:
        return (yield)
    from . import _live

    rec = _live.Recorder()
    rec.record()
    item.stash[_TRACE] = (rec, _live.activity(rec.trace))
    try:
        return (yield)
    except BaseException:
        _finish(item)
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    if _TRACE not in item.stash:
        return (yield)
    try:
        result = yield
    except BaseException:
        findings = _finish(item)
        if findings:  # the test failed on its own: say what leaked too, without hiding its error
            item.add_report_section("call", "leakkit", _text(findings, "leakkit also found"))
        raise
    findings = _finish(item)
    strict = item.config.getoption("leakkit_strict", default=False)
    failing = [f for f in findings if f.severity == "fail" or (strict and f.severity == "warn")]
    if failing:
        pytest.fail(_text(_sorted(findings), "leakkit found data leakage in this test (pytest --leakkit)"),
                    pytrace=False)
    from . import _live

    for f in findings:
        code = _live.code_of(f)
        item.warn(LeakWarning(f"{code + ' ' if code else ''}{f.check}: {f.message}"))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: Any) -> Any:
    _finish(item)  # set-up failed or the test was skipped: stop tracing all the same
    return (yield)


def _finish(item: pytest.Item) -> list:
    """Stop the test's tracer (once) and return its findings; record their codes on the item."""
    entry = item.stash.get(_TRACE, None)
    if entry is None:
        return []
    del item.stash[_TRACE]
    from . import _live

    rec, before = entry
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            findings = _live.findings_now(rec.trace) if _live.activity(rec.trace) != before else []
    finally:
        rec.stop()
    item.user_properties.append(("leakkit", ",".join(_live.code_of(f) or f.check for f in findings) or "none"))
    return findings


def _sorted(findings: list) -> list:
    from . import _live

    return _live.by_severity(findings)


def _text(findings: list, heading: str) -> str:
    from . import _live

    return _live.render_text(_sorted(findings), heading=heading, footer=_OPT_OUT)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _enabled(config):
        return
    traced = leaky = 0
    for reports in terminalreporter.stats.values():
        for rep in reports:
            props = dict(getattr(rep, "user_properties", ()) or ())
            if getattr(rep, "when", None) == "teardown" and "leakkit" in props:
                traced += 1
                leaky += props["leakkit"] != "none"
    terminalreporter.write_line(f"leakkit: {traced} tests traced, {leaky} with findings.")
