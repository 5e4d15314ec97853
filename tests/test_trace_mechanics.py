"""The tracer's mechanics: late classes and duck-typed models, coverage (never silent),
parallel work, threads, safe patching, the names in messages, the public API, and each
rule on its own."""
import json
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, cross_validate, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import leakkit
from leakkit.tracing import _patching, _rules
from leakkit.tracing._analysis import Context, SplitIndex


def checks(t):
    return sorted({f.check for f in t.findings})


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    return X, y


class BoostLike:
    """A CatBoost-style model: fit/predict, not a scikit-learn estimator."""

    def __init__(self, depth=3):
        self.depth = depth

    def fit(self, X, y=None, verbose=False):
        self.w_ = np.linalg.lstsq(np.asarray(X), np.asarray(y, float), rcond=None)[0]
        return self

    def predict(self, data):
        return (np.asarray(data) @ self.w_ > 0.5).astype(int)


# ------------------------------------------------------------------ late classes, duck typing
def test_duck_typed_model_fitted_on_all_rows_and_scored_on_test_rows(xy):
    X, y = xy
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        (BoostLike().fit(X, y).predict(X_te) == y_te).mean()
    assert checks(t) == ["fit_saw_held_out"] and t.findings[0].evidence["estimator"] == "BoostLike"
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        BoostLike().fit(X_tr, y_tr).predict(X_te)
    assert t.findings == [] and [e.held_out for e in t.evaluations] == [True]
    assert "fit" in vars(BoostLike) and type(vars(BoostLike)["fit"]).__name__ == "function"  # restored


def test_estimator_class_defined_inside_the_block(xy):
    X, y = xy
    with leakkit.trace() as t:
        from sklearn.base import BaseEstimator, TransformerMixin

        class Centerer(TransformerMixin, BaseEstimator):
            def fit(self, X, y=None):
                self.m_ = X.mean(0)
                return self

            def transform(self, X):
                return X - self.m_

        cross_val_score(LogisticRegression(), Centerer().fit_transform(X), y, cv=5)

        class Guesser:  # a duck-typed model defined in the block
            def fit(self, X, y):
                self.c_ = float(np.mean(y))
                return self

            def predict(self, X):
                return np.full(len(X), self.c_ > 0.5)

        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=1)
        Guesser().fit(X, y).predict(X_te)
    assert {(f.check, f.evidence["estimator"]) for f in t.findings} == {
        ("fit_before_split", "Centerer"), ("fit_saw_held_out", "Guesser")}
    assert type(vars(Centerer)["fit"]).__name__ == "function"


def test_estimator_class_first_imported_inside_the_block():
    code = textwrap.dedent("""
        import sys, numpy as np, leakkit
        from sklearn.model_selection import train_test_split
        assert "sklearn.kernel_ridge" not in sys.modules
        rng = np.random.default_rng(0)
        X, y = rng.normal(size=(120, 3)), rng.normal(size=120)
        with leakkit.trace() as t:
            from sklearn.kernel_ridge import KernelRidge
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
            KernelRidge().fit(X, y).score(X_te, y_te)
        print(sorted({(f.check, f.evidence["estimator"]) for f in t.findings}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[('fit_saw_held_out', 'KernelRidge')]"


# ------------------------------------------------------------------ never silent
def test_parallel_cross_val_score_per_setting_is_still_test_reuse(xy):
    X, y = xy
    with leakkit.trace() as t:
        {C: cross_val_score(LogisticRegression(C=C), X, y, cv=5, n_jobs=2).mean() for C in (0.01, 1, 100)}
    assert checks(t) == ["test_reuse"] and t.findings[0].evidence["n_configs"] == 3
    gaps = t.coverage
    assert [(g.kind, g.what, g.count) for g in gaps] == [("worker_processes", "cross_val_score(n_jobs=2)", 15)]
    assert "Not seen (coverage):" in t.summary() and "worker_processes" in t.summary()


def test_parallel_cross_validation_of_preprocessed_data_is_caught(xy):
    X, y = xy
    with leakkit.trace() as t:
        Z = StandardScaler().fit_transform(X)
        cross_val_score(LogisticRegression(), Z, y, cv=5, n_jobs=2)
    assert checks(t) == ["fit_before_split"]
    with leakkit.trace() as t:
        cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5, n_jobs=2)
    assert t.findings == [] and t.coverage


def test_strict_turns_what_was_not_seen_into_an_error(xy):
    X, y = xy
    with pytest.raises(leakkit.tracing.CoverageError, match=r"(?s)worker_processes.*n_jobs=1"):
        with leakkit.trace(strict=True):
            cross_val_score(LogisticRegression(), X, y, cv=3, n_jobs=2)
    with leakkit.trace(strict=True) as t:  # all seen: no error
        cross_val_score(LogisticRegression(), X, y, cv=3)
    assert t.coverage == []


def test_each_trace_records_only_its_own_thread(xy):
    X, y = xy
    with leakkit.trace() as t:
        th = threading.Thread(target=lambda: LogisticRegression().fit(X, y))
        th.start()
        th.join()
    assert t.fits == []
    assert [g.kind for g in t.coverage] == ["other_threads"]
    results = {}
    barrier = threading.Barrier(2)

    def work(name, leak):
        with leakkit.trace() as tt:
            barrier.wait()
            Z = StandardScaler().fit_transform(X) if leak else X
            cross_val_score(LogisticRegression(), Z, y, cv=3)
            barrier.wait()
        results[name] = tt

    threads = [threading.Thread(target=work, args=("leaky", True)), threading.Thread(target=work, args=("clean", False))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert checks(results["leaky"]) == ["fit_before_split"]
    assert results["clean"].findings == [], results["clean"].findings
    assert "StandardScaler" not in {f.estimator for f in results["clean"].fits}
    assert {f.estimator for f in results["clean"].fits if f.outermost} == {"LogisticRegression"}


def test_unfingerprintable_data_is_named(xy):
    X, y = xy

    class Opaque:
        def __len__(self):
            return 200

    with leakkit.trace() as t:
        try:
            LogisticRegression().fit(Opaque(), y)
        except Exception:  # noqa: BLE001 - scikit-learn refuses it, the tracer must not care
            pass
    assert any(g.kind == "not_fingerprinted" and g.what == "Opaque" for g in t.coverage)


# ------------------------------------------------------------------ safe patching
def _snapshot():
    from sklearn.base import BaseEstimator

    snap = {}
    for base in (BaseEstimator,) + _patching._splitter_bases():
        for cls in [base] + _patching._all_subclasses(base):
            for name in _patching._METHODS + ("split",):
                if name in vars(cls):
                    snap[(cls, name)] = vars(cls)[name]
    snap[("np", "mean")] = vars(np)["mean"]
    snap[("pd", "qcut")] = vars(pd)["qcut"]
    snap[("DataFrame", "mean")] = vars(pd.DataFrame)["mean"]
    import builtins

    snap[("builtins", "__build_class__")] = vars(builtins)["__build_class__"]
    return snap


def test_a_wrapper_installed_inside_the_block_survives_its_end(xy):
    X, y = xy
    before = vars(StandardScaler)["fit"]
    calls = []
    original = StandardScaler.fit

    def autolog_fit(self, *a, **k):
        calls.append(1)
        return original(self, *a, **k)

    try:
        with leakkit.trace() as t:
            StandardScaler.fit = autolog_fit  # e.g. an autologging library, inside the block
        assert vars(StandardScaler)["fit"] is autolog_fit
        StandardScaler().fit(X)
        assert calls == [1]
        assert any(g.kind == "unpatchable" and "StandardScaler.fit" in g.what for g in t.coverage)
    finally:
        StandardScaler.fit = before


def test_a_failure_part_way_through_patching_undoes_everything(monkeypatch):
    before = _snapshot()

    def boom():
        raise RuntimeError("patching failed")

    monkeypatch.setattr(_patching, "_patch_train_test_split", boom)
    with pytest.raises(RuntimeError, match="patching failed"):
        with leakkit.trace():
            pass  # pragma: no cover
    after = _snapshot()
    assert before.keys() == after.keys() and all(before[k] is after[k] for k in before)
    assert _patching._patches == [] and _patching._active == []


def test_every_patch_is_undone_and_arrays_released(xy):
    X, y = xy
    before = _snapshot()
    df = pd.DataFrame(X, columns=list("abcde"))
    with leakkit.trace() as t:
        df.mean()
        Z = StandardScaler().fit_transform(df)
        cross_val_score(LogisticRegression(), Z, y, cv=3)
    assert all(before[k] is v for k, v in _snapshot().items())
    assert t._book.keep == [] and t._book.frames == {} and t._stat_data == {} and t._derived == {}
    assert all(o.values is None and o.source is None for o in t._outputs)
    assert all(p.est is None or callable(p.est) for p in t.predictions)  # weak references
    assert checks(t) == ["fit_before_split"]  # the report survives


def test_each_folds_rows_are_freed_while_the_block_runs():
    # scikit-learn frees a fold's X_train/X_test after the fold; the trace must not keep them
    # (it held every fold's copies: megabytes the plain run does not hold).
    import gc
    import weakref

    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] > 0).astype(int)
    seen = []

    class Probe(LogisticRegression):
        def fit(self, X, y, **kw):
            seen.append(weakref.ref(X))
            return super().fit(X, y, **kw)

    with leakkit.trace() as t:
        cross_val_score(Probe(), X, y, cv=5)
        gc.collect()
        alive = [r for r in seen if r() is not None]
    assert len(seen) == 5 and alive == []
    assert len([f for f in t.fits if f.rows is not None]) == 5  # yet every fold's rows were read
    assert checks(t) == []


def test_an_id_reused_by_new_data_is_not_mistaken_for_the_old():
    # Data the trace watches weakly: once it goes, a new array at the same address is new data.
    rng = np.random.default_rng(2)
    y = (rng.normal(size=120) > 0).astype(int)
    ids, fits = [], []
    with leakkit.trace() as t:
        for _ in range(30):
            X = rng.normal(size=(120, 3))
            ids.append(id(X))
            LogisticRegression().fit(X, y)
            fits.append(leakkit._rows.row_fingerprints(X))
            del X
    assert len(set(ids)) < len(ids), "no address was reused: the test proves nothing"
    recorded = [f.rows for f in t.fits if f.outermost]
    assert len(recorded) == 30
    for rows, expected in zip(recorded, fits):
        assert np.array_equal(np.sort(rows), np.sort(expected))


def test_a_trace_cannot_be_entered_twice(xy):
    t = leakkit.trace()
    with t:
        pass
    with pytest.raises(RuntimeError, match="already used"):
        with t:
            pass  # pragma: no cover


# ------------------------------------------------------------------ names the learner's code
@pytest.mark.parametrize("kwargs", [{}, {"stratify": True}, {"shuffle": False}])
def test_messages_name_train_test_split_however_it_was_called(xy, kwargs):
    X, y = xy
    if kwargs.get("stratify"):
        kwargs = {"stratify": y}
    with leakkit.trace() as t:
        Z = StandardScaler().fit_transform(X)
        X_tr, X_te, y_tr, y_te = train_test_split(Z, y, random_state=0, **kwargs)
        LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
    assert checks(t) == ["fit_before_split"]
    f = t.findings[0]
    assert f.evidence["splitter"].startswith("train_test_split") and "Shuffle" not in f.message
    assert f.evidence["n_held_out_seen"] == 50


@pytest.mark.parametrize("call, name", [
    (lambda X, y: cross_val_score(LogisticRegression(), X, y, cv=5), "cross_val_score"),
    (lambda X, y: cross_validate(LogisticRegression(), X, y, cv=KFold(5)), "cross_validate"),
    (lambda X, y: GridSearchCV(LogisticRegression(), {"C": [1, 2]}, cv=5).fit(X, y), "GridSearchCV"),
    (lambda X, y: [LogisticRegression().fit(X[a], y[a]) for a, b in KFold(5).split(X)], "KFold"),
])
def test_messages_name_the_model_selection_call(xy, call, name):
    X, y = xy
    with leakkit.trace() as t:
        call(StandardScaler().fit_transform(X), y)
    assert t.findings and t.findings[0].evidence["splitter"].startswith(name)
    assert name in t.findings[0].message


# ------------------------------------------------------------------ public API
def test_module_and_function_have_distinct_names():
    import leakkit.tracing as m

    assert type(m).__name__ == "module" and m.trace is leakkit.trace and m.Trace is leakkit.Trace
    assert callable(leakkit.trace) and type(leakkit.trace).__name__ == "function"
    assert {"tracing", "datasets", "detect", "plot", "grading"} <= set(dir(leakkit))
    import importlib

    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("leakkit.trace")  # renamed to leakkit.tracing in 0.2.0


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"held_out": [[1.0, 2.0], [3.0, 4.0]]}, TypeError, r"^held_out: got a list of list; .*np\.asarray"),
    ({"held_out": []}, ValueError, r"^held_out: the list is empty"),
    ({"held_out": np.zeros((0, 3))}, ValueError, r"^held_out: the held-out rows are empty"),
    ({"held_out": 3}, TypeError, r"^held_out: expected the test rows"),
    ({"held_out": "X_test"}, TypeError, r"^held_out: expected the test rows"),
    ({"strict": "yes"}, TypeError, r"^strict: expected True or False"),
    ({"detail": "everything"}, ValueError, r"^detail: expected 'outer' or 'all'"),
    ({"test_reuse_min_configs": 1}, ValueError, r"^test_reuse_min_configs: expected an int of at least 2"),
    ({"test_reuse_min_configs": 2.5}, ValueError, r"^test_reuse_min_configs"),
])
def test_bad_options_get_one_line_errors(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        leakkit.trace(**kwargs)
    assert "\n" not in str(info.value)


def test_hold_out_validates_its_arguments(xy):
    X, _ = xy
    t = leakkit.trace()
    with pytest.raises(TypeError, match=r"^X: expected the held-out rows"):
        t.hold_out([[1.0, 2.0]])
    with pytest.raises(TypeError, match=r"^name: expected a non-empty str"):
        t.hold_out(X, name="")
    with pytest.raises(TypeError, match=r"^split: expected an int"):
        with leakkit.trace() as t2:
            KFold(3).split(X)
            list(KFold(3).split(X))
        t2.fold_diagram_data(split="last")


def test_to_dict_is_plain_json(xy):
    X, y = xy
    with leakkit.trace() as t:
        pd.DataFrame(X).mean()
        cross_val_score(LogisticRegression(), StandardScaler().fit_transform(X), y, cv=3, n_jobs=2)
    d = json.loads(json.dumps(t.to_dict()))
    assert set(d) == {"fits", "splits", "predictions", "statistics", "evaluations", "findings", "coverage", "leaked"}
    assert d["leaked"] is True and d["findings"][0]["check"] == "fit_before_split"
    assert d["coverage"][0]["kind"] == "worker_processes" and d["statistics"][0]["label"] == "DataFrame.mean"
    assert len(d["evaluations"]) == 3 and all(e["held_out"] for e in d["evaluations"])


# ------------------------------------------------------------------ each rule on its own
def _context(t):
    ctx = Context(t, t._resolve)
    for s in t.splits:
        if not s.internal and s.folds:
            ctx.indexes[s.id] = SplitIndex(s, s.rows if s.kind == "inferred" else t._resolve(s.rows))
    return ctx


def _only(rule, t):
    """Run one per-split rule alone over every split of a finished trace."""
    ctx = _context(t)
    out = []
    for s in t.splits:
        if s.id in ctx.indexes:
            out += rule(ctx, s, ctx.indexes[s.id])
    return [f.check for f in out]


def test_each_per_split_rule_finds_only_its_own_leak(xy):
    X, y = xy
    rng = np.random.default_rng(5)
    with leakkit.trace() as before:
        cross_val_score(LogisticRegression(), StandardScaler().fit_transform(X), y, cv=5)
    with leakkit.trace() as saw:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        LogisticRegression().fit(X, y).score(X_te, y_te)
    with leakkit.trace() as dup:
        cross_val_score(LogisticRegression(), np.vstack([X, X[:30]]), np.concatenate([y, y[:30]]), cv=5)
    with leakkit.trace() as stat:
        d = pd.DataFrame(X, columns=list("abcde"))
        d.loc[rng.choice(200, 30, replace=False), "a"] = np.nan
        d = d.fillna(d.mean())
        cross_val_score(LogisticRegression(), d, y, cv=5)
    from sklearn.ensemble import IsolationForest

    with leakkit.trace() as out:
        keep = IsolationForest(random_state=0, contamination=0.1).fit_predict(X) == 1
        X_tr, X_te, y_tr, y_te = train_test_split(X[keep], y[keep], random_state=0)
        LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
    cases = {"fit_before_split": before, "fit_saw_held_out": saw, "duplicates_across_split": dup,
             "statistic_saw_held_out": stat, "outliers_removed_before_split": out}
    for check, t in cases.items():
        for other in cases:
            rule = getattr(_rules, other)
            found = _only(rule, t)
            assert (check in found) == (check == other), (check, other, found)


def test_test_reuse_and_no_held_out_rules_on_their_own(xy):
    X, y = xy
    with leakkit.trace() as t:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
        for C in (0.1, 1.0, 10.0):
            LogisticRegression(C=C).fit(X_tr, y_tr).score(X_te, y_te)
    ctx = _context(t)
    for s in t.splits:
        _rules.pool_scorers(ctx, s, ctx.indexes[s.id])
    assert [f.check for f in _rules.test_reuse(ctx)] == ["test_reuse"]
    assert _rules.no_held_out(ctx, t.evaluations) == []
    with leakkit.trace() as t2:
        LogisticRegression().fit(X, y).score(X, y)
    assert [f.check for f in _rules.no_held_out(_context(t2), t2.evaluations)] == ["no_held_out"]
    assert _rules.test_reuse(_context(t2)) == []


def test_a_failure_inside_the_tracer_never_breaks_the_users_code(xy, monkeypatch):
    X, y = xy
    from leakkit.tracing._trace import Trace

    def broken(self, *a, **k):
        raise RuntimeError("tracer bug")

    monkeypatch.setattr(Trace, "_split_start", broken)
    with leakkit.trace() as t:
        scores = cross_val_score(LogisticRegression(), X, y, cv=3)
    assert len(scores) == 3
    assert any(g.kind == "tracer_error" and "tracer bug" in g.detail for g in t.coverage)
    with pytest.raises(ZeroDivisionError):  # the user's own exception is never hidden
        with leakkit.trace():
            1 / 0


# ------------------------------------------------------------------ pause and resume
def test_nothing_is_recorded_while_paused_and_the_patches_are_off(xy):
    X, y = xy
    before = _snapshot()
    df = pd.DataFrame(X, columns=list("abcde"))
    with leakkit.trace() as t:
        StandardScaler().fit(X)
        t.pause()
        assert t.paused
        assert all(before[k] is v for k, v in _snapshot().items())  # paused code runs untraced
        Z = StandardScaler().fit_transform(X)                          # a leak made while paused...
        Z_tr, Z_te, a, b = train_test_split(Z, y, random_state=0)
        LogisticRegression().fit(Z_tr, a).score(Z_te, b)
        df.fillna(df.mean())
        t.pause()  # pausing again does nothing
        t.resume()
        assert not t.paused and isinstance(vars(LogisticRegression)["fit"], _patching._TracedMethod)
        t.resume()  # resuming again does nothing
        StandardScaler().fit(X[:30])
    assert [f.n_rows for f in t.fits if f.outermost] == [200, 30]
    assert t.splits == [] and t.predictions == [] and t.statistics == []
    assert t.findings == [] and t.coverage == []  # ...is not reported
    assert all(before[k] is v for k, v in _snapshot().items())


def test_a_leak_straddling_a_pause_is_still_found(xy):
    X, y = xy
    with leakkit.trace() as t:
        Z = StandardScaler().fit_transform(X)   # recorded
        t.pause()
        print("between cells")                 # nothing traced here
        t.resume()
        Z_tr, Z_te, a, b = train_test_split(Z, y, random_state=0)
        LogisticRegression().fit(Z_tr, a).score(Z_te, b)
    assert checks(t) == ["fit_before_split"]
    assert t.findings[0].evidence["n_held_out_seen"] == 50


def test_a_paused_trace_leaves_other_open_traces_recording(xy):
    X, y = xy
    with leakkit.trace() as outer:
        with leakkit.trace() as inner:
            outer.pause()
            Z = StandardScaler().fit_transform(X)
            Z_tr, Z_te, a, b = train_test_split(Z, y, random_state=0)
            LogisticRegression().fit(Z_tr, a).score(Z_te, b)
            assert isinstance(vars(LogisticRegression)["fit"], _patching._TracedMethod)  # inner still patched
        assert outer.paused
        assert not isinstance(vars(LogisticRegression)["fit"], _patching._TracedMethod)  # nobody records now
        outer.resume()
        StandardScaler().fit(X)
    assert checks(inner) == ["fit_before_split"]
    assert checks(outer) == [] and [f.estimator for f in outer.fits if f.outermost] == ["StandardScaler"]


def test_a_model_class_defined_while_paused_is_traced_after_resume(xy):
    X, y = xy
    with leakkit.trace() as t:
        t.pause()

        class Stump:  # a duck-typed model defined while paused (in a notebook: between cells)
            def fit(self, X, y):
                self.m_ = float(np.mean(np.asarray(y)))
                return self

            def predict(self, X):
                return np.full(len(X), self.m_ > 0.5, dtype=int)

        t.resume()
        Z = StandardScaler().fit_transform(X)
        Z_tr, Z_te, a, b = train_test_split(Z, y, random_state=0)
        Stump().fit(Z_tr, a).predict(Z_te)
    assert "Stump" in {f.estimator for f in t.fits}
    assert checks(t) == ["fit_before_split"]


def test_pause_and_resume_outside_the_block_are_refused(xy):
    t = leakkit.trace()
    with pytest.raises(RuntimeError, match=r"pause\(\): this trace is not open"):
        t.pause()
    with t:
        t.pause()
    with pytest.raises(RuntimeError, match=r"resume\(\): this trace is not open"):
        t.resume()
    assert not t.paused and _patching._active == [] and _patching._patches == []


@pytest.mark.parametrize("make", [
    lambda df: df,  # one float block
    lambda df: df.astype("float32"),
    lambda df: df.assign(n=np.arange(len(df))),  # two blocks
    lambda df: df.astype("int64"),
    lambda df: df.assign(s=[f"s{i % 7}" for i in range(len(df))]),  # text
    lambda df: df[["a"]].astype("Int64"),  # an extension block
    lambda df: df.assign(b=-0.0),  # -0.0 reads as 0.0 either way
])
def test_rows_at_a_few_positions_hash_like_the_frame_slice(make):
    from leakkit._rows import column_hashes
    from leakkit.tracing._rowbook import _rows_at

    rng = np.random.default_rng(3)
    df = make(pd.DataFrame(rng.integers(-5, 5, size=(60, 3)).astype(float), columns=list("abc")))
    probe = np.array([0, 7, 31, 59])
    fast, slow = column_hashes(_dense(_rows_at(df, probe)))[1], column_hashes(df.iloc[probe])[1]
    assert fast.shape == slow.shape and np.array_equal(fast, slow)


def _dense(X):
    from leakkit.tracing._rowbook import RowBook

    return RowBook.dense(X)


def test_a_frame_renamed_in_place_is_read_again():
    from leakkit.tracing._rowbook import RowBook
    from leakkit.tracing._state import _local

    book = RowBook(_local)
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]})
    first = book.entry(df)
    assert book.entry(df) is first  # unchanged: the same entry
    df.columns = ["x", "y"]
    assert book.entry(df) is not first and book.frames[id(df)][0] == ["x", "y"]
    df["z"] = 0.0
    assert book.entry(df)[0].shape == (3,) and book.frames[id(df)][0] == ["x", "y", "z"]


def test_a_split_frames_rows_are_its_stored_hashes_combined(monkeypatch):
    # The lineage reads a split frame's row fingerprints off its split record instead of
    # hashing the frame again: the two must agree, whatever the frame holds.
    from leakkit._rows import combine
    from leakkit.tracing import _analysis, _lineage

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=300), "b": rng.integers(0, 5, 300), "c": rng.choice(["x", "y"], 300),
                       "d": -0.0, "e": pd.array(rng.integers(0, 3, 300), dtype="Int64")})
    y = (df.a > 0).astype(int)
    agree = []

    def spy(outputs, links, splits, frames):
        agree.extend(np.array_equal(s.rows, combine(frames[s.frame_key][1]))
                     for s in splits if s.frame_key in frames)
        return _lineage.build_resolver(outputs, links, splits, frames)

    monkeypatch.setattr(_analysis, "build_resolver", spy)
    with leakkit.trace() as t:
        list(KFold(5).split(df))
        Xd = pd.get_dummies(df, columns=["c"]).astype(float)
        train_test_split(Xd, y, random_state=0)
        cross_val_score(LogisticRegression(), Xd, y, cv=3)
        list(KFold(3).split(Xd[["a", "b"]]))
    t.findings
    assert len(agree) >= 4 and all(agree)


def test_traced_methods_look_like_the_originals():
    # scikit-learn and users inspect methods: signatures (has_fit_parameter), names, docs,
    # hasattr on methods that are only available sometimes (available_if).
    import inspect

    from sklearn.utils.validation import has_fit_parameter

    plain = {"sig": str(inspect.signature(LogisticRegression().fit)), "doc": LogisticRegression().fit.__doc__}
    with leakkit.trace():
        m = LogisticRegression()
        assert str(inspect.signature(m.fit)) == plain["sig"] and m.fit.__doc__ == plain["doc"]
        assert m.fit.__name__ == "fit" and m.fit.__qualname__ == "LogisticRegression.fit" and m.fit.__self__ is m
        assert has_fit_parameter(m, "sample_weight")
        assert str(inspect.signature(LogisticRegression.fit)).startswith("(self, X, y")
        assert hasattr(make_pipeline(StandardScaler(), LogisticRegression()), "predict_proba")
        assert not hasattr(make_pipeline(StandardScaler()), "predict_proba")

        class Sub(LogisticRegression):
            def fit(self, X, y):
                return super().fit(X, y)

        rng = np.random.default_rng(0)
        X = rng.normal(size=(40, 3))
        Sub().fit(X, (X[:, 0] > 0).astype(int))


def test_a_statistic_replaced_between_traces_is_wrapped_and_given_back():
    # Patches are put back in one pass from one trace to the next only while every attribute
    # still holds what they wrap: a method replaced in between is wrapped afresh.
    original = pd.Series.median
    with leakkit.trace():
        pass

    def median(self, *args, **kwargs):
        return original(self, *args, **kwargs)

    pd.Series.median = median
    try:
        s = pd.Series(np.arange(100.0))
        with leakkit.trace() as t:
            s.median()
        assert pd.Series.median is median
        assert [r.label for r in t.statistics if "median" in r.label]
    finally:
        pd.Series.median = original
    with leakkit.trace():
        pass
    assert pd.Series.median is original


def test_the_resolver_finds_each_childs_root_once_and_agrees_with_following_links():
    # Roots are found once per child; a lookup is then one search. Same answers as following
    # the links from each fingerprint, chains and cycles included (at most 64 links).
    from leakkit.tracing._lineage import _follow, _resolver_of

    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 300))
        values = rng.integers(0, 3 * n, size=2 * n).astype(np.uint64)
        children = np.unique(values[:n])
        parents = rng.choice(values, size=len(children))
        resolve = _resolver_of(children, parents)
        queries = rng.choice(np.concatenate([values, rng.integers(0, 5 * n, 50).astype(np.uint64)]), size=200)
        assert np.array_equal(resolve(queries), _follow(children, parents, queries))


@pytest.mark.parametrize("n_keys, n_sorted", [(0, 10), (5, 0), (100, 5000), (3000, 10), (3000, 5000), (20000, 20000)])
def test_search_gives_searchsorteds_positions(n_keys, n_sorted):
    from leakkit.tracing._util import _search

    rng = np.random.default_rng(n_keys + n_sorted)
    b = np.sort(rng.integers(0, 50_000, n_sorted).astype(np.uint64))  # with repeats: both sides differ
    a = np.concatenate([rng.choice(b, n_keys // 2) if n_sorted else np.zeros(0, np.uint64),
                        rng.integers(0, 60_000, n_keys - n_keys // 2).astype(np.uint64)])
    for side in ("left", "right"):
        assert np.array_equal(_search(b, a, side=side), np.searchsorted(b, a, side=side))
