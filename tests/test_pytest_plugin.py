"""`pytest --leakkit`, run by pytest itself (pytester) on small test suites a team might write."""
from __future__ import annotations

import textwrap

import pytest

# In-process runs restore sys.modules afterwards: what the inner suites import is imported here
# first, so numpy's extension modules are loaded once per process.
import numpy  # noqa: F401
import pandas  # noqa: F401
import sklearn.feature_selection  # noqa: F401
import sklearn.linear_model  # noqa: F401
import sklearn.model_selection  # noqa: F401
import sklearn.pipeline  # noqa: F401
import sklearn.preprocessing  # noqa: F401

pytest_plugins = ("pytester",)

# The inner pytest loads the plugin from its pytest11 entry point, as a team's CI would. Most
# runs are in-process (fast); the main one runs in a subprocess, exactly as `pytest --leakkit`.
COMMON = textwrap.dedent("""\
    import numpy as np
    import pandas as pd
    import pytest
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
""")

SUITE = COMMON + textwrap.dedent("""\

    def evaluate_leaky(X, y):
        Xs = StandardScaler().fit_transform(X)
        X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, random_state=0)
        return LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)

    def evaluate_honest(X, y):
        pipe = make_pipeline(StandardScaler(), LogisticRegression())
        return cross_val_score(pipe, X, y, cv=5).mean()

    def test_leaky_model_is_accurate():
        assert evaluate_leaky(X, y) > 0.6

    def test_honest_model_is_accurate():
        assert evaluate_honest(X, y) > 0.6

    @pytest.mark.leakkit_skip(reason="demonstrates the leak on purpose")
    def test_leak_kept_on_purpose():
        assert evaluate_leaky(X, y) > 0.6

    def test_without_models():
        assert sum(range(4)) == 6
""")


def _outcomes(result) -> dict:
    return {k: v for k, v in result.parseoutcomes().items() if k in ("passed", "failed", "errors", "skipped")}


def test_without_the_option_the_plugin_is_inert(pytester):
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert _outcomes(result) == {"passed": 4}
    out = result.stdout.str()
    assert "leakkit-" in out.split("collected")[0]  # loaded (the "plugins:" line)...
    assert "leakkit" not in out.split("collected")[1]  # ...and silent


def test_a_leaky_test_fails_with_the_finding_and_an_honest_one_passes(pytester):
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_subprocess("--leakkit", "-p", "no:cacheprovider", "-rf")
    assert _outcomes(result) == {"passed": 3, "failed": 1}
    result.assert_outcomes(passed=3, failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "*leakkit found data leakage in this test (pytest --leakkit)*",
        "*FAIL LK101 fit_before_split*",
        "*StandardScaler was fitted (fit_transform) on 200 rows*",
        "*Pipeline*",  # the fix
        "*leakkit_skip*opts a test out*",
        "FAILED test_suite.py::test_leaky_model_is_accurate*",
    ])
    assert "test_honest_model_is_accurate" not in out.split("short test summary")[1]
    assert "leakkit: 3 tests traced, 1 with findings." in out  # the skipped-by-marker test is not traced


def test_the_ini_option_turns_it_on_for_a_teams_ci(pytester):
    pytester.makepyfile(test_suite=SUITE)
    pytester.makeini("[pytest]\nleakkit = true\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)


def test_marker_on_a_module_opts_every_test_out(pytester):
    pytester.makepyfile(test_suite="import pytest\npytestmark = pytest.mark.leakkit_skip\n" + SUITE)
    result = pytester.runpytest("--leakkit", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_a_test_that_fails_on_its_own_keeps_its_error_and_reports_the_leak_too(pytester):
    pytester.makepyfile(test_suite=COMMON + textwrap.dedent("""\
        def test_wrong_threshold():
            Xs = StandardScaler().fit_transform(X)
            X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, random_state=0)
            assert LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te) > 1.5, "threshold too high"
    """))
    result = pytester.runpytest("--leakkit", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: threshold too high*", "*Captured leakkit call*",
                                 "*leakkit also found*", "*FAIL LK101 fit_before_split*"])


def test_warnings_fail_only_in_strict_mode(pytester):
    pytester.makepyfile(test_suite=COMMON + textwrap.dedent("""\
        def test_pick_c_on_the_test_set():
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
            scores = {c: LogisticRegression(C=c).fit(X_tr, y_tr).score(X_te, y_te) for c in (0.01, 1, 100)}
            assert max(scores.values()) > 0.6
    """))
    loose = pytester.runpytest("--leakkit", "-p", "no:cacheprovider")
    loose.assert_outcomes(passed=1, warnings=1)
    loose.stdout.fnmatch_lines(["*LeakWarning: LK105 test_reuse: The held-out rows*"])
    strict = pytester.runpytest("--leakkit", "--leakkit-strict", "-p", "no:cacheprovider")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*WARN LK105 test_reuse*"])


def test_a_leak_spread_over_a_fixture_and_the_test_is_caught(pytester):
    pytester.makepyfile(test_suite=COMMON + textwrap.dedent("""\
        @pytest.fixture
        def scaled():
            return StandardScaler().fit_transform(X)

        def test_uses_scaled_data(scaled):
            X_tr, X_te, y_tr, y_te = train_test_split(scaled, y, random_state=0)
            assert LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te) > 0.6
    """))
    result = pytester.runpytest("--leakkit", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*FAIL LK101 fit_before_split*"])


def test_honest_corpus_passes(pytester):
    pytester.makepyfile(test_suite=COMMON + textwrap.dedent("""\
        def test_nested_cv():
            inner = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()),
                                 {"logisticregression__C": [0.1, 1.0]}, cv=3)
            assert cross_val_score(inner, X, y, cv=3).mean() > 0.6

        def test_split_then_fit_on_train():
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
            sc = StandardScaler().fit(X_tr)
            model = LogisticRegression().fit(sc.transform(X_tr), y_tr)
            assert model.score(sc.transform(X_te), y_te) > 0.6

        def test_selection_inside_the_pipeline_on_noise():
            noise = rng.normal(size=(60, 300)); labels = rng.integers(0, 2, 60)
            pipe = make_pipeline(SelectKBest(f_classif, k=10), LogisticRegression())
            assert cross_val_score(pipe, noise, labels, cv=5).mean() < 0.8

        def test_final_model_on_all_rows_predicts_new_rows():
            pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
            assert pipe.predict(rng.normal(size=(3, 5))).shape == (3,)
    """))
    result = pytester.runpytest("--leakkit", "--leakkit-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert "leakkit: 4 tests traced, 0 with findings." in result.stdout.str()


def test_a_test_that_measures_a_leak_on_purpose_is_not_failed_for_it(pytester):
    pytester.makepyfile(test_suite=COMMON + textwrap.dedent("""\
        from leakkit.checklist import audit
        from leakkit.evaluate import optimism_gap, preprocessing_gap

        def leaky(seed):
            Xs = StandardScaler().fit_transform(X)
            a, b, c, d = train_test_split(Xs, y, random_state=seed)
            return LogisticRegression().fit(a, c).score(b, d)

        def honest(seed):
            a, b, c, d = train_test_split(X, y, random_state=seed)
            return make_pipeline(StandardScaler(), LogisticRegression()).fit(a, c).score(b, d)

        def test_the_gap_is_measured():
            assert optimism_gap(leaky, honest, seeds=2).n_seeds == 2
            assert preprocessing_gap(SelectKBest(f_classif, k=2), LogisticRegression(),
                                     lambda s: (X, y), seeds=2).n_seeds == 2

        def test_the_audit_finds_the_leak():
            assert audit(evaluation=lambda: leaky(0)).status("test_data") == "fail"

        def test_the_same_leak_outside_a_measurement_fails():
            assert leaky(0) > 0.5
    """))
    result = pytester.runpytest("--leakkit", "--leakkit-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_the_same_leak_outside_a_measurement_fails*", "*FAIL LK101*"])


NOT_SEEN = COMMON + textwrap.dedent("""\
    FITTED = LogisticRegression().fit(X, y)  # at import: outside every test's trace

    def test_parallel_cross_validation():
        pipe = make_pipeline(StandardScaler(), LogisticRegression())
        assert cross_val_score(pipe, X, y, cv=3, n_jobs=2).mean() > 0.6

    def test_a_model_fitted_when_the_module_was_imported():
        assert FITTED.score(X[:50], y[:50]) > 0.6

    def test_everything_seen():
        assert cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=3).mean() > 0.6
""")


def test_what_the_tracer_could_not_check_is_reported_not_passed_silently(pytester):
    pytester.makepyfile(test_suite=NOT_SEEN)
    result = pytester.runpytest("--leakkit", "-p", "no:cacheprovider", "-rA", "--junitxml=out.xml")
    result.assert_outcomes(passed=3, warnings=2)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "*NotCheckedWarning: leakkit could not check cross_val_score(n_jobs=2): fits ran in worker processes*",
        "*NotCheckedWarning: leakkit could not check LogisticRegression: scored rows with a model fitted before*",
        "*leakkit: 3 tests traced, 0 with findings, 2 with work not checked.*",
    ])
    assert "leakkit not checked" in out  # the section in the test's report (-rA)
    xml = (pytester.path / "out.xml").read_text()
    assert xml.count('name="leakkit_not_checked"') == 2 and "worker_processes: cross_val_score(n_jobs=2)" in xml


def test_strict_fails_a_test_whose_work_was_not_all_checked(pytester):
    pytester.makepyfile(test_suite=NOT_SEEN)
    result = pytester.runpytest("--leakkit", "--leakkit-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*leakkit could not check part of this test (pytest --leakkit-strict fails on it)*",
                                 "*- cross_val_score(n_jobs=2): fits ran in worker processes*n_jobs=1*"])


def test_junit_xml_lists_the_codes(pytester):
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest("--leakkit", "-p", "no:cacheprovider", "--junitxml=out.xml")
    result.assert_outcomes(passed=3, failed=1)
    xml = (pytester.path / "out.xml").read_text()
    assert '<property name="leakkit" value="LK101" />' in xml
    assert xml.count('<property name="leakkit" value="none" />') == 2


def test_the_plugin_leaves_nothing_patched_between_tests(pytester):
    """Whatever a test does (leaks, raises inside a fit, skips), scikit-learn is unpatched after it."""
    pytester.makeconftest(textwrap.dedent("""\
        import types
        from sklearn.base import TransformerMixin
        from sklearn.preprocessing import StandardScaler

        def pytest_runtest_logfinish(nodeid, location):
            ok = all(isinstance(f, types.FunctionType) for f in (
                StandardScaler.__dict__["fit"], TransformerMixin.__dict__["fit_transform"]))
            with open("probe.txt", "a") as fh:
                fh.write(f"{nodeid.split('::')[-1]} {ok}\\n")
    """))
    pytester.makepyfile(test_suite=COMMON + textwrap.dedent("""\
        def test_leaks():
            Xs = StandardScaler().fit_transform(X)
            X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, random_state=0)
            LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)

        def test_raises_inside_a_fit():
            StandardScaler().fit(np.array([["a"]]))

        def test_skips():
            StandardScaler().fit(X)
            pytest.skip("not today")  # the plugin must report a skip as a skip (skipped=1 below)

        @pytest.fixture
        def broken():
            StandardScaler().fit(X)
            raise RuntimeError("fixture failed")

        def test_setup_fails(broken):
            pass
    """))
    result = pytester.runpytest("--leakkit", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2, skipped=1, errors=1)
    probe = (pytester.path / "probe.txt").read_text().split("\n")
    assert probe[:-1] == ["test_leaks True", "test_raises_inside_a_fit True", "test_skips True",
                          "test_setup_fails True"], probe
