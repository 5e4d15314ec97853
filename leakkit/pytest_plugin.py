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

What the tracer could not check in a test (see :attr:`leakkit.Trace.coverage`: fits run in
worker processes with ``n_jobs`` > 1, a model fitted outside the test, e.g. in a
session-scoped fixture, objects it could not wrap...) is never taken for a pass: it is added
to the test's report (a "leakkit not checked" section, a ``NotCheckedWarning`` in the
warnings summary, ``leakkit_not_checked`` in ``user_properties``), counted in the final
summary line, and ``--leakkit-strict`` fails the test on it.

Limits are the tracer's (see :mod:`leakkit.tracing`). A fixture with a wider scope than the
test is set up inside the trace of the first test that uses it; later tests reuse what it made
(a model it fitted is then "fitted outside" for them: not checked). Leaks made on purpose to
measure them (``leakkit.evaluate``, ``leakkit.checklist.audit``) are not reported.
"""
from __future__ import annotations

import warnings
from typing import Any

import pytest

__all__ = ["LeakWarning", "NotCheckedWarning"]

_TRACE = pytest.StashKey[Any]()
_MARKER = "leakkit_skip"
_OPT_OUT = '@pytest.mark.leakkit_skip(reason="...") opts a test out'


class LeakWarning(UserWarning):
    """A likely (warn) leak found in a test under ``pytest --leakkit``."""


class NotCheckedWarning(UserWarning):
    """Part of a test's work that the tracer could not check under ``pytest --leakkit``."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("leakkit", "data leakage (leakkit)")
    group.addoption("--leakkit", action="store_true", default=None,
                    help="trace each test's fits, splits and scores with leakkit and fail a test whose "
                         "evaluation leaks (held-out rows seen by a fit, duplicates across a split)")
    group.addoption("--leakkit-strict", action="store_true", default=False,
                    help="with --leakkit, also fail tests on likely leaks (warn findings, e.g. a test set "
                         "reused to pick a model) and on work the tracer could not check (n_jobs > 1...)")
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
        findings, gaps = _finish(item)
        if findings:  # the test failed on its own: say what leaked too, without hiding its error
            item.add_report_section("call", "leakkit", _text(findings, "leakkit also found"))
        if gaps:
            item.add_report_section("call", "leakkit not checked", _gaps_text(gaps))
        raise
    findings, gaps = _finish(item)
    strict = item.config.getoption("leakkit_strict", default=False)
    failing = [f for f in findings if f.severity == "fail" or (strict and f.severity == "warn")]
    if failing or (strict and gaps):
        text = _text(_sorted(findings), "leakkit found data leakage in this test (pytest --leakkit)") if failing else ""
        if gaps:
            text += ("\n" if text else "") + _gaps_text(gaps, strict=strict)
        pytest.fail(text, pytrace=False)
    from . import _live

    for f in findings:
        code = _live.code_of(f)
        item.warn(LeakWarning(f"{code + ' ' if code else ''}{f.check}: {f.message}"))
    if gaps:
        item.add_report_section("call", "leakkit not checked", _gaps_text(gaps))
        for g in gaps:
            item.warn(NotCheckedWarning(f"leakkit could not check {_live.gap_text(g)}"))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: Any) -> Any:
    _finish(item)  # set-up failed or the test was skipped: stop tracing all the same
    return (yield)


def _finish(item: pytest.Item) -> tuple[list, list]:
    """Stop the test's tracer (once); its findings and what it could not check (recorded on
    the item: finding codes, and the causes not checked)."""
    entry = item.stash.get(_TRACE, None)
    if entry is None:
        return [], []
    del item.stash[_TRACE]
    from . import _live

    rec, before = entry
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            findings = _live.findings_now(rec.trace) if _live.activity(rec.trace) != before else []
    finally:
        rec.stop()
    gaps = _live.coverage_now(rec.trace)
    item.user_properties.append(("leakkit", ",".join(_live.code_of(f) or f.check for f in findings) or "none"))
    if gaps:
        item.user_properties.append(("leakkit_not_checked", "; ".join(": ".join(_live.gap_key(g)) for g in gaps)))
    return findings, gaps


def _gaps_text(gaps: list, strict: bool = False) -> str:
    from . import _live

    head = ("leakkit could not check part of this test (pytest --leakkit-strict fails on it):" if strict
            else "leakkit could not check part of this test (not a pass; --leakkit-strict fails on it):")
    return "\n".join([head] + [f"  - {_live.gap_text(g)}" for g in gaps])


def _sorted(findings: list) -> list:
    from . import _live

    return _live.by_severity(findings)


def _text(findings: list, heading: str) -> str:
    from . import _live

    return _live.render_text(_sorted(findings), heading=heading, footer=_OPT_OUT)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _enabled(config):
        return
    traced = leaky = unchecked = 0
    for reports in terminalreporter.stats.values():
        for rep in reports:
            props = dict(getattr(rep, "user_properties", ()) or ())
            if getattr(rep, "when", None) == "teardown" and "leakkit" in props:
                traced += 1
                leaky += props["leakkit"] != "none"
                unchecked += "leakkit_not_checked" in props
    terminalreporter.write_line(f"leakkit: {traced} tests traced, {leaky} with findings"
                                + (f", {unchecked} with work not checked" if unchecked else "") + ".")
