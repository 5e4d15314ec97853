"""`%load_ext leakkit`: live leak warnings under the cell that completes a leak.

Cells are run as strings in a real IPython ``InteractiveShell``, one ``run_cell`` each, the
way a notebook sends them; what each cell displayed, printed and wrote to stderr is captured
separately, so "shown under that cell, once" is checked cell by cell.
"""
from __future__ import annotations

import gc
import json
import textwrap
import weakref
from dataclasses import dataclass, field

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from leakkit import _live
from leakkit import ipython as ext
from leakkit._findings import Finding

SETUP = textwrap.dedent("""\
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
""")


@dataclass
class Ran:
    count: int
    shown: list = field(default_factory=list)  # the JSON payloads displayed by the extension
    texts: list = field(default_factory=list)  # their text/plain
    html: list = field(default_factory=list)
    other: list = field(default_factory=list)  # anything else displayed
    stdout: str = ""
    stderr: str = ""

    @property
    def checks(self) -> list[str]:
        return [f["check"] for payload in self.shown for f in payload["findings"]]


def run(shell, code: str, *, may_fail: bool = False) -> Ran:
    with capture_output() as cap:
        result = shell.run_cell(code, store_history=True)
    if not may_fail:
        assert result.error_before_exec is None and result.error_in_exec is None, (
            f"cell failed: {result.error_before_exec or result.error_in_exec!r}\n{cap.stderr}")
    ran = Ran(count=result.execution_count, stdout=cap.stdout, stderr=cap.stderr)
    for out in cap.outputs:
        if ext.MIME in out.data:
            ran.shown.append(out.data[ext.MIME])
            ran.texts.append(out.data["text/plain"])
            ran.html.append(out.data["text/html"])
        else:
            ran.other.append(out.data)
    return ran


@pytest.fixture
def shell():
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "leakkit")
    try:
        yield sh
    finally:
        sh.run_line_magic("unload_ext", "leakkit")
        InteractiveShell.clear_instance()


def run_all(shell, cells: list[str]) -> list[Ran]:
    out = [run(shell, SETUP)]
    out += [run(shell, textwrap.dedent(c)) for c in cells]
    for r in out:
        assert r.stderr == "", f"cell [{r.count}] wrote to stderr:\n{r.stderr}"
    return out


# --------------------------------------------------------------------------------------
# The scenario of the issue, cell by cell
# --------------------------------------------------------------------------------------
def test_a_leak_written_over_three_cells_is_shown_once_under_the_scoring_cell(shell):
    cells = run_all(shell, [
        "X_scaled = StandardScaler().fit_transform(X)",
        "X_tr, X_te, y_tr, y_te = train_test_split(X_scaled, y, random_state=0)",
        "model = LogisticRegression().fit(X_tr, y_tr)",
        "model.score(X_te, y_te)",
        "model.predict(X_te)[:5]",  # scoring again: the same leak, not shown again
        "z = 1 + 1",
    ])
    shown = [(r.count, r.checks) for r in cells if r.shown]
    assert shown == [(cells[4].count, ["fit_before_split"])], shown
    f = cells[4].shown[0]["findings"][0]
    assert f["severity"] == "fail" and f["code"] == "LK101"
    assert f["evidence"]["estimator"] == "StandardScaler" and f["evidence"]["n_held_out_seen"] == 50
    text = cells[4].texts[0]
    assert "StandardScaler" in text and "Pipeline" in text, text  # what leaked, and the fix
    # Where each part was written: the fit in cell [2], the split in [3], evaluated in [5].
    assert (f"StandardScaler.fit_transform in cell [{cells[1].count}]" in text
            and f"in cell [{cells[2].count}]" in text and f"evaluated in cell [{cells[4].count}]" in text), text
    assert 'class="leakkit-finding"' in cells[4].html[0] and "StandardScaler" in cells[4].html[0]
    assert cells[4].stdout.strip().startswith("Out[")  # the cell's own result is still shown


def test_an_honest_session_shows_nothing(shell):
    cells = run_all(shell, [
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)",
        "scaler = StandardScaler().fit(X_tr)",
        "model = LogisticRegression().fit(scaler.transform(X_tr), y_tr)",
        "model.score(scaler.transform(X_te), y_te)",
        "pipe = make_pipeline(StandardScaler(), SelectKBest(f_classif, k=3), LogisticRegression())",
        "cross_val_score(pipe, X, y, cv=5).mean()",
        "search = GridSearchCV(pipe, {'selectkbest__k': [2, 3]}, cv=3).fit(X_tr, y_tr)",
        "search.best_params_",  # the test rows were scored once, above
        "cross_val_score(GridSearchCV(pipe, {'selectkbest__k': [2, 3]}, cv=3), X, y, cv=3).mean()",  # nested CV
        "final = pipe.fit(X, y)",  # refit on every row once evaluation is done
    ])
    assert [r.shown for r in cells] == [[]] * len(cells)
    assert [r.other for r in cells] == [[]] * len(cells)  # and no note of any kind


# --------------------------------------------------------------------------------------
# A corpus: leaks written in other styles, and honest code that looks a bit like them
# --------------------------------------------------------------------------------------
LEAKY = {
    "everything in one cell, imports included": ([
        """
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.decomposition import PCA
        Z = PCA(n_components=3).fit_transform(X)
        Z_tr, Z_te, a_tr, a_te = train_test_split(Z, y, random_state=1)
        KNeighborsClassifier().fit(Z_tr, a_tr).score(Z_te, a_te)
        """], {0: ["fit_before_split"]}),
    "selection on all rows, then cross-validation": ([
        "wide = rng.normal(size=(60, 400)); noise_y = rng.integers(0, 2, 60)",
        "X_sel = SelectKBest(f_classif, k=10).fit_transform(wide, noise_y)",
        "cross_val_score(LogisticRegression(), X_sel, noise_y, cv=5).mean()",
    ], {2: ["fit_before_split"]}),
    "a DataFrame column rescaled in place, then split": ([
        "df = pd.DataFrame(X, columns=list('abcde')); df['target'] = y",
        "df[['a', 'b']] = StandardScaler().fit_transform(df[['a', 'b']])",
        "tr, te = train_test_split(df, random_state=0)",
        "clf = LogisticRegression().fit(tr[list('abcde')], tr['target'])",
        "clf.score(te[list('abcde')], te['target'])",
    ], {4: ["fit_before_split"]}),
    "preprocessed data handed to a grid search": ([
        "X_all = StandardScaler().fit_transform(X)",
        "GridSearchCV(LogisticRegression(), {'C': [0.1, 1.0]}, cv=3).fit(X_all, y).best_score_",
    ], {1: ["fit_before_split"]}),
    "the test set used to pick a model, one model per cell": ([
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)",
        "LogisticRegression(C=0.01).fit(X_tr, y_tr).score(X_te, y_te)",
        "LogisticRegression(C=1.0).fit(X_tr, y_tr).score(X_te, y_te)",
        "LogisticRegression(C=100.0).fit(X_tr, y_tr).score(X_te, y_te)",  # more reuse: already said
    ], {2: ["test_reuse"]}),
    "rows copied on both sides of the split": ([
        "X_dup = np.vstack([X, X[:40]]); y_dup = np.concatenate([y, y[:40]])",
        "D_tr, D_te, e_tr, e_te = train_test_split(X_dup, y_dup, random_state=0)",
        "LogisticRegression().fit(D_tr, e_tr).score(D_te, e_te)",
    ], {2: ["duplicates_across_split"]}),
}

HONEST = {
    "target encoding cross-fitted inside a pipeline": [
        "cities = pd.DataFrame({'city': rng.choice(list('abcdefgh'), 200), 'x': X[:, 0]})",
        "enc = ColumnTransformer([('te', TargetEncoder(), ['city'])], remainder='passthrough')",
        "cross_val_score(make_pipeline(enc, LogisticRegression()), cities, y, cv=5).mean()",
    ],
    "imputer fitted on the training rows, test transformed": [
        "Xn = X.copy(); Xn[::7, 1] = np.nan",
        "N_tr, N_te, n_tr, n_te = train_test_split(Xn, y, random_state=3)",
        "imp = SimpleImputer().fit(N_tr)",
        "LogisticRegression().fit(imp.transform(N_tr), n_tr).score(imp.transform(N_te), n_te)",
    ],
    "a manual KFold loop with a pipeline": [
        """
        scores = []
        for tr, te in KFold(5, shuffle=True, random_state=0).split(X):
            p = make_pipeline(StandardScaler(), LogisticRegression()).fit(X[tr], y[tr])
            scores.append(p.score(X[te], y[te]))
        """,
        "np.mean(scores)",
    ],
    "one-hot encoding of a category on all rows (no learning from other rows' targets)": [
        "frame = pd.DataFrame({'c': rng.choice(list('xyz'), 200), 'v': X[:, 1]})",
        "pipe = make_pipeline(ColumnTransformer([('oh', OneHotEncoder(), ['c'])], remainder='passthrough'), "
        "LogisticRegression())",
        "cross_val_score(pipe, frame, y, cv=4).mean()",
    ],
}


@pytest.mark.parametrize("name", list(LEAKY))
def test_leaky_corpus(shell, name):
    cells, expected = LEAKY[name]
    ran = run_all(shell, cells)[1:]
    shown = {i: r.checks for i, r in enumerate(ran) if r.shown}
    assert shown == expected, f"{name}: shown {shown}, expected {expected}"


@pytest.mark.parametrize("name", list(HONEST))
def test_honest_corpus(shell, name):
    ran = run_all(shell, HONEST[name])
    assert [r.checks for r in ran] == [[]] * len(ran), name


# --------------------------------------------------------------------------------------
# Once, by content
# --------------------------------------------------------------------------------------
def test_running_the_leaky_cells_again_shows_the_leak_again_and_only_under_the_scoring_cell(shell):
    leaky = ["X_scaled = StandardScaler().fit_transform(X)",
             "X_tr, X_te, y_tr, y_te = train_test_split(X_scaled, y, random_state=0)",
             "LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)"]
    first = run_all(shell, leaky)[1:]
    again = [run(shell, c) for c in leaky]
    assert [r.checks for r in first] == [[], [], ["fit_before_split"]]
    assert [r.checks for r in again] == [[], [], ["fit_before_split"]]


def test_a_split_never_scored_waits_and_status_says_so(shell):
    ran = run_all(shell, ["X_scaled = StandardScaler().fit_transform(X)",
                          "X_tr, X_te, y_tr, y_te = train_test_split(X_scaled, y, random_state=0)",
                          "m = LogisticRegression().fit(X_tr, y_tr)"])
    assert all(not r.shown for r in ran)
    status = run(shell, "%leakkit status").stdout
    assert "Waiting for an evaluation of the held-out rows: 1." in status, status
    later = run(shell, "m.predict_proba(X_te)[:2]")
    assert later.checks == ["fit_before_split"]
    assert "Waiting for an evaluation of the held-out rows: 0." in run(shell, "%leakkit").stdout


def test_finding_key_ignores_object_identity_and_growing_counts():
    a = Finding("fit_before_split", "fail", "m", evidence={"estimator": "StandardScaler", "n_held_out_seen": 50})
    b = Finding("fit_before_split", "fail", "another wording", evidence={"n_held_out_seen": 50, "estimator": "StandardScaler"})
    c = Finding("fit_before_split", "fail", "m", evidence={"estimator": "StandardScaler", "n_held_out_seen": 49})
    assert _live.finding_key(a) == _live.finding_key(b) != _live.finding_key(c)
    r1 = Finding("test_reuse", "warn", "m", evidence={"splitter": "KFold", "n_configs": 2, "fold": 1})
    r2 = Finding("test_reuse", "warn", "m", evidence={"splitter": "KFold", "n_configs": 5, "fold": 1})
    assert _live.finding_key(r1) == _live.finding_key(r2)


# --------------------------------------------------------------------------------------
# The switch, the status, loading
# --------------------------------------------------------------------------------------
def test_off_and_on(shell):
    run_all(shell, [])
    assert "off" in run(shell, "%leakkit off").stdout
    off = [run(shell, c) for c in ("A = StandardScaler().fit_transform(X)",
                                   "A_tr, A_te, b_tr, b_te = train_test_split(A, y, random_state=0)",
                                   "LogisticRegression().fit(A_tr, b_tr).score(A_te, b_te)")]
    assert all(not r.shown for r in off)
    assert "on" in run(shell, "%leakkit on").stdout
    on = [run(shell, c) for c in ("B = StandardScaler().fit_transform(X)",
                                  "B_tr, B_te, c_tr, c_te = train_test_split(B, y, random_state=0)",
                                  "LogisticRegression().fit(B_tr, c_tr).score(B_te, c_te)")]
    assert [r.checks for r in on] == [[], [], ["fit_before_split"]]
    status = run(shell, "%leakkit").stdout
    assert status.startswith("leakkit live checks: on;") and "Shown: 1 finding: FAIL LK101 fit_before_split" in status
    assert "unknown option" in run(shell, "%leakkit sideways").stdout


def test_loading_is_idempotent_and_unloading_removes_everything():
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    try:
        before = {e: list(cbs) for e, cbs in sh.events.callbacks.items()}
        sh.run_line_magic("load_ext", "leakkit")
        sh.run_line_magic("reload_ext", "leakkit")
        added = {e: len(cbs) - len(before[e]) for e, cbs in sh.events.callbacks.items()}
        assert added["pre_run_cell"] == 1 and added["post_run_cell"] == 1
        assert "leakkit" in sh.magics_manager.magics["line"]
        sh.run_line_magic("unload_ext", "leakkit")
        assert {e: list(cbs) for e, cbs in sh.events.callbacks.items()} == before
        assert "leakkit" not in sh.magics_manager.magics["line"]
        assert ext.live(sh) is None
    finally:
        InteractiveShell.clear_instance()


def test_loaded_off_from_the_environment(monkeypatch):
    monkeypatch.setenv(ext.ENV_SWITCH, "off")
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    try:
        sh.run_line_magic("load_ext", "leakkit")
        ran = [run(sh, SETUP)] + [run(sh, c) for c in (
            "A = StandardScaler().fit_transform(X)",
            "A_tr, A_te, b_tr, b_te = train_test_split(A, y, random_state=0)",
            "LogisticRegression().fit(A_tr, b_tr).score(A_te, b_te)")]
        assert not any(r.shown for r in ran)
        assert run(sh, "%leakkit").stdout.startswith("leakkit live checks: off;")
        sh.run_line_magic("unload_ext", "leakkit")
    finally:
        InteractiveShell.clear_instance()


def test_bad_limits_are_refused():
    with pytest.raises(ValueError, match="max_records: expected a positive int"):
        ext.LiveTrace(object(), max_records=0)
    with pytest.raises(ValueError, match="max_bytes: expected a positive int"):
        ext.LiveTrace(object(), max_bytes=1.5)


# --------------------------------------------------------------------------------------
# Bounded over a long session
# --------------------------------------------------------------------------------------
def test_history_restarts_when_it_holds_too_many_records(shell):
    run_all(shell, [])
    live = ext.live(shell)
    live.max_records = 60
    leaks = 0
    for i in range(12):
        run(shell, f"P = StandardScaler().fit_transform(X + {i})")
        run(shell, f"P_tr, P_te, q_tr, q_te = train_test_split(P, y, random_state={i})")
        leaks += bool(run(shell, "LogisticRegression().fit(P_tr, q_tr).score(P_te, q_te)").shown)
        run(shell, "cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5)")
        assert sum(_live.activity(live._trace)) <= live.max_records if live._trace is not None else True
    assert live.restarts >= 3, live.status()
    # Every one of the twelve leaks was shown: restarts fall between cells, never inside a leak here.
    assert leaks == 12


def test_memory_held_is_bounded_and_released(shell):
    run_all(shell, [])
    live = ext.live(shell)
    live.max_bytes = 3 * 2**20
    refs = []
    for i in range(10):
        # A new 400 kB frame per cell, fitted and scored, then dropped by the notebook.
        run(shell, f"F = pd.DataFrame(rng.normal(size=(5000, 10))); F_y = (F[0] > 0).astype(int)")
        refs.append(weakref.ref(shell.user_ns["F"]))
        run(shell, "cross_val_score(LogisticRegression(), F, F_y, cv=3)")
        assert live.held_bytes <= live.max_bytes
    assert live.restarts >= 1, live.status()
    gc.collect()
    alive = sum(r() is not None for r in refs)
    assert alive <= 3, f"{alive} of 10 frames the notebook dropped are still held:\n{live.status()}"
    assert "MB held" in run(shell, "%leakkit").stdout


# --------------------------------------------------------------------------------------
# Never in the learner's way
# --------------------------------------------------------------------------------------
def test_an_internal_error_never_breaks_the_cell_and_is_reported_once(shell, monkeypatch):
    run_all(shell, [])

    def broken(t):
        raise RuntimeError("analysis exploded")

    monkeypatch.setattr(_live, "findings_now", broken)
    first = run(shell, "a = LogisticRegression().fit(X, y).score(X, y)")
    second = run(shell, "b = LogisticRegression(C=2.0).fit(X, y).score(X, y)")
    assert shell.user_ns["a"] > 0.5 and shell.user_ns["b"] > 0.5  # the cells ran
    assert first.stderr == second.stderr == ""
    notes = [d["text/plain"] for d in first.other]
    assert len(notes) == 1 and "internal error" in notes[0] and "analysis exploded" in notes[0]
    assert second.other == []  # reported once
    status = run(shell, "%leakkit").stdout
    assert "Internal errors: 2 (last: after the cell: RuntimeError: analysis exploded)." in status
    # The tracer was left as it should be: paused between cells.
    from sklearn.linear_model import LogisticRegression

    assert ext.live(shell)._rec.can_pause
    assert not hasattr(LogisticRegression.__dict__["fit"], "original")


def test_an_error_before_the_cell_never_breaks_it(shell, monkeypatch):
    run_all(shell, [])

    def broken(self):
        raise OSError("cannot start")

    monkeypatch.setattr(_live.Recorder, "record", broken)
    r = run(shell, "c = 40 + 2")
    assert shell.user_ns["c"] == 42 and r.stderr == ""
    assert len(r.other) == 1 and "cannot start" in r.other[0]["text/plain"]


def test_a_cell_that_raises_still_gets_its_leak_shown_and_the_error_is_the_users(shell):
    run_all(shell, ["X_scaled = StandardScaler().fit_transform(X)",
                    "X_tr, X_te, y_tr, y_te = train_test_split(X_scaled, y, random_state=0)"])
    r = run(shell, "s = LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te); 1 / 0", may_fail=True)
    assert r.checks == ["fit_before_split"]
    assert ext.live(shell).enabled  # the user's ZeroDivisionError is not taken for the tracer's


def test_a_tracer_error_is_told_apart_from_the_users(tmp_path, monkeypatch):
    (tmp_path / "faketracer.py").write_text(textwrap.dedent("""\
        class Trace:
            def __init__(self, detail="outer"):
                if detail not in ("outer", "all"):
                    raise ValueError("detail: expected 'outer' or 'all'")

        class _Patched:
            def __get__(self, obj, objtype=None):
                def traced(*args):
                    return _record(args)
                return traced

        def _record(args):
            raise KeyError("a bug in the hook")

        class Estimator:
            fit = _Patched()
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    import faketracer

    t = faketracer.Trace()
    caught = {}
    for name, call in (("hook", lambda: faketracer.Estimator().fit(1)),       # inside a patched method
                       ("bad argument", lambda: faketracer.Trace("every")),  # a public function, misused
                       ("user", lambda: [][1])):                             # the user's own code
        try:
            call()
        except Exception as exc:  # noqa: BLE001
            caught[name] = exc
    assert _live.is_tracer_error(caught["hook"], t)
    assert not _live.is_tracer_error(caught["bad argument"], t)
    assert not _live.is_tracer_error(caught["user"], t)
    assert not _live.is_tracer_error(None, t)


def test_a_bad_argument_to_leakkit_trace_in_a_cell_is_the_users_error(shell):
    run_all(shell, [])
    r = run(shell, "import leakkit\nleakkit.trace(detail='everything')", may_fail=True)
    assert "ValueError" in r.stdout + r.stderr  # the user's traceback, as usual
    assert ext.live(shell).enabled and r.other == []


def test_after_a_fault_in_the_tracer_the_checks_switch_off_with_a_note(shell, monkeypatch):
    run_all(shell, [])
    monkeypatch.setattr(_live, "is_tracer_error", lambda exc, t: isinstance(exc, ZeroDivisionError))
    r = run(shell, "1 / 0", may_fail=True)
    assert not ext.live(shell).enabled
    assert len(r.other) == 1 and "raised inside leakkit's tracer" in r.other[0]["text/plain"]
    assert run(shell, "LogisticRegression().fit(X, y).score(X, y)").other == []  # off: nothing more


def test_html_is_escaped_and_text_wrapped():
    f = Finding("fit_before_split", "fail", "a <script>alert(1)</script> & co " + "word " * 40,
                evidence={"estimator": "<b>"})
    html = _live.render_html([f], heading="h <i>", notes=[["note <x>"]], footer="f")
    assert "<script>" not in html and "&lt;script&gt;" in html and "h &lt;i&gt;" in html and "note &lt;x&gt;" in html
    text = _live.render_text([f], heading="heading", notes=[["note"]], footer="footer", width=60)
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "    note" in text.splitlines()
    assert text.splitlines()[1] == "  FAIL LK101 fit_before_split"
    assert json.dumps(f.to_dict())  # what the JSON payload carries


# --------------------------------------------------------------------------------------
# Leaks that someone is already looking at
# --------------------------------------------------------------------------------------
def test_a_cell_that_traces_itself_is_not_reported_twice(shell):
    ran = run_all(shell, [
        """
        import leakkit
        with leakkit.trace() as t:
            Z = StandardScaler().fit_transform(X)
            Z_tr, Z_te, w_tr, w_te = train_test_split(Z, y, random_state=0)
            LogisticRegression().fit(Z_tr, w_tr).score(Z_te, w_te)
        [f.check for f in t.findings]
        """,
        # A leak begun in an earlier cell and completed inside a traced cell is still shown:
        # the cell's own tracer never saw the fit.
        "V = StandardScaler().fit_transform(X)",
        """
        from leakkit import trace
        with trace() as t2:
            V_tr, V_te, v_tr, v_te = train_test_split(V, y, random_state=0)
            LogisticRegression().fit(V_tr, v_tr).score(V_te, v_te)
        """,
    ])
    assert "fit_before_split" in ran[1].stdout  # the cell's own report
    assert [r.checks for r in ran[1:]] == [[], [], ["fit_before_split"]]


def test_leaks_measured_on_purpose_by_leakkit_evaluate_are_not_reported(shell):
    ran = run_all(shell, [
        """
        import leakkit
        def leaky(seed):
            Xs = StandardScaler().fit_transform(X)
            a, b, c, d = train_test_split(Xs, y, random_state=seed)
            return LogisticRegression().fit(a, c).score(b, d)
        def honest(seed):
            a, b, c, d = train_test_split(X, y, random_state=seed)
            return make_pipeline(StandardScaler(), LogisticRegression()).fit(a, c).score(b, d)
        """,
        "gap = leakkit.optimism_gap(leaky, honest, seeds=3)",
        "from leakkit.evaluate import preprocessing_gap\n"
        "pgap = preprocessing_gap(SelectKBest(f_classif, k=2), LogisticRegression(), lambda s: (X, y), seeds=2)",
        "leaky(0)",  # the same leak, made outside a measurement: shown
    ])
    assert ext.live(shell)._rec.can_pause
    assert [r.checks for r in ran[1:]] == [[], [], [], ["fit_before_split"]]
    assert shell.user_ns["pgap"].n_seeds == 2


def test_an_audit_of_a_leaky_evaluation_reports_it_once_in_its_own_report(shell):
    ran = run_all(shell, [
        """
        from leakkit.checklist import audit
        def my_evaluation():
            Xs = StandardScaler().fit_transform(X)
            return cross_val_score(LogisticRegression(), Xs, y, cv=5)
        report = audit(evaluation=my_evaluation)
        """,
        "report.status('cv_pipeline')",
    ])
    assert shell.user_ns["report"].status("cv_pipeline") == "fail"  # the audit's own answer
    assert [r.checks for r in ran] == [[]] * len(ran)  # and no live box repeating it


def test_between_cells_nothing_is_traced(shell):
    import builtins

    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from leakkit.tracing import _patching

    plain = {"fit": vars(LogisticRegression)["fit"], "mean": vars(pd.Series)["mean"],
             "build_class": builtins.__build_class__}
    run_all(shell, ["Xs = StandardScaler().fit_transform(X)",
                    "seen = type(vars(LogisticRegression)['fit']).__name__"])
    assert shell.user_ns["seen"] == "_TracedMethod"  # patched while a cell runs...
    assert {"fit": vars(LogisticRegression)["fit"], "mean": vars(pd.Series)["mean"],
            "build_class": builtins.__build_class__} == plain  # ...and not between cells
    assert _patching._active == []
    live = ext.live(shell)
    assert live._trace.paused and not live._active
    # Work done between cells (by the kernel, a completer, another tool) is not recorded.
    n = len(live._trace.fits)
    StandardScaler().fit(shell.user_ns["X"])
    assert len(live._trace.fits) == n
    # The history is kept across the pause: a leak begun before it is completed after it.
    ran = [run(shell, "a, b, c, d = train_test_split(Xs, y, random_state=0)"),
           run(shell, "LogisticRegression().fit(a, c).score(b, d)")]
    assert [r.checks for r in ran] == [[], ["fit_before_split"]]


def test_deliberate_pauses_only_the_live_tracers():
    import numpy as np
    from sklearn.preprocessing import StandardScaler

    import leakkit

    live = _live.Recorder()
    live.record()
    try:
        with leakkit.trace() as direct:
            with _live.deliberate():
                StandardScaler().fit(np.arange(20.0).reshape(10, 2))
            assert live in _live._RECORDING
    finally:
        live.stop()
    assert len(direct.fits) >= 1
    assert live.can_pause and len(live.trace.fits) == 0
    assert _live._RECORDING == []


def test_footprint_counts_what_only_the_tracer_keeps_alive():
    import numpy as np
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    rec = _live.Recorder()
    rec.record()
    try:
        kept = pd.DataFrame(np.random.default_rng(0).normal(size=(20_000, 10)))  # 1.6 MB, still ours
        StandardScaler().fit(kept)
        before = _live.footprint(rec.trace)
        for seed in range(4):  # four 1.6 MB frames, dropped after use
            StandardScaler().fit(pd.DataFrame(np.random.default_rng(seed + 1).normal(size=(20_000, 10))))
        after = _live.footprint(rec.trace)
    finally:
        rec.stop()
    # The dropped frames are held by the tracer only (kept alive so their ids stay unique, with
    # their hashes): counted. The frame the caller holds is not.
    assert after - before >= 4 * 1.6e6, (before, after)
    assert before < 1.6e6 + 2e6, before


# --------------------------------------------------------------------------------------
# In a real kernel, as nbval and nbgrader run a notebook
# --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_in_a_kernel_honest_cells_write_nothing_and_the_leak_is_a_display_output(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    cells = ["%load_ext leakkit", SETUP,
             "cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5).mean()",
             "search = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression()),\n"
             "                      {'logisticregression__C': [0.1, 1]}, cv=3).fit(X, y)",
             "print('no model here')",
             "X_scaled = StandardScaler().fit_transform(X)",
             "X_tr, X_te, y_tr, y_te = train_test_split(X_scaled, y, random_state=0)",
             "LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)",
             "%leakkit"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    nbformat.validate(nb)  # the display's JSON payload is a valid notebook output
    outputs = [c.outputs for c in nb.cells]
    stderr = [(i, o.text) for i, outs in enumerate(outputs) for o in outs
              if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == []
    assert not any(o.output_type == "error" for outs in outputs for o in outs)
    displays = [[o for o in outs if o.output_type == "display_data"] for outs in outputs]
    assert [len(d) for d in displays] == [0, 0, 0, 0, 0, 0, 0, 1, 0]
    shown = displays[7][0]
    assert {"text/plain", "text/html", ext.MIME} <= set(shown.data)
    assert [f["check"] for f in shown.data[ext.MIME]["findings"]] == ["fit_before_split"]
    status = "".join(o.text for o in outputs[8] if o.output_type == "stream")
    assert "Internal errors: 0." in status and "Shown: 1 finding" in status



@pytest.mark.slow
def test_a_grading_kernel_loads_the_extension_switched_off(tmp_path):
    """The releases' setup cells run ``%load_ext leakkit``; nbgrader's autograder (plain
    ``nbgrader autograde``, the formgrader's button and ``leakkit grade`` all run
    ``GuardedExecute``) starts its kernel with ``LEAKKIT_LIVE=off``: the same leaky cells that
    show a box in a learner's kernel show nothing there, and nothing reaches stderr, so no
    test cell's score can change."""
    import nbformat
    from nbclient import NotebookClient

    from leakkit.autograde.preprocessors import GuardedExecute

    cells = ["%load_ext leakkit", SETUP,
             "X_scaled = StandardScaler().fit_transform(X)",
             "X_tr, X_te, y_tr, y_te = train_test_split(X_scaled, y, random_state=0)",
             "LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)",
             "import os; print(os.environ.get('LEAKKIT_LIVE'))\n%leakkit"]

    def outputs(run):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        run(nb)
        return [c.outputs for c in nb.cells]

    learner = outputs(lambda nb: NotebookClient(nb, timeout=300, kernel_name="python3",
                                                resources={"metadata": {"path": str(tmp_path)}}).execute())
    grading = outputs(lambda nb: GuardedExecute(timeout=300).preprocess(nb, {"metadata": {"path": str(tmp_path)}}))
    for outs in (learner, grading):
        assert not [o for cell in outs for o in cell if o.output_type in ("error",) or o.get("name") == "stderr"]
    shown = [[o for o in cell if ext.MIME in o.get("data", {})] for cell in learner]
    assert [len(s) for s in shown] == [0, 0, 0, 0, 1, 0]  # the control: a learner's kernel shows it
    assert not [o for cell in grading for o in cell if o.output_type == "display_data"]
    status = "".join(o.text for o in grading[5] if o.output_type == "stream")
    assert status.startswith("off\n") and "leakkit live checks: off; 0 cells checked." in status

def test_a_selection_demo_then_an_honest_split_of_the_raw_data_is_not_flagged(shell):
    ran = run_all(shell, [
        "X_sel = SelectKBest(f_classif, k=3).fit_transform(X, y)  # the wrong way, shown, never evaluated",
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)",
        "make_pipeline(SelectKBest(f_classif, k=3), LogisticRegression()).fit(X_tr, y_tr).score(X_te, y_te)",
    ])
    assert [r.checks for r in ran] == [[]] * len(ran)


def test_several_findings_of_one_kind_in_a_cell_make_one_box(shell):
    ran = run_all(shell, [
        """
        from sklearn.preprocessing import MinMaxScaler, RobustScaler
        for seed, scaler in enumerate([StandardScaler(), MinMaxScaler(), RobustScaler()]):
            Xs = scaler.fit_transform(X + seed)
            a, b, c, d = train_test_split(Xs, y, random_state=seed)
            LogisticRegression().fit(a, c).score(b, d)
        """,
    ])
    cell = ran[1]
    assert cell.checks == ["fit_before_split"] * 3  # all three in the JSON payload
    assert cell.texts[0].count("FAIL LK101 fit_before_split") == 1
    assert "And 2 more findings of this kind in this cell" in cell.texts[0]
    assert cell.html[0].count('class="leakkit-finding"') == 1


# --------------------------------------------------------------------------------------
# What the tracer could not see is said, once per cause
# --------------------------------------------------------------------------------------
def _not_checked(ran):
    return [(o[ext.NOT_CHECKED_MIME], o["text/plain"]) for o in ran.other if ext.NOT_CHECKED_MIME in o]


def test_work_the_tracer_cannot_see_gets_a_not_checked_note_once_per_cause(shell):
    ran = run_all(shell, [
        "pipe = make_pipeline(StandardScaler(), LogisticRegression())",
        "cross_val_score(pipe, X, y, cv=3, n_jobs=2).mean()",   # fits in worker processes
        "cross_val_score(pipe, X, y, cv=3, n_jobs=2).mean()",   # the same cause: said once
        "cross_val_score(pipe, X, y, cv=4).mean()",             # seen: nothing to say
    ])
    notes = [_not_checked(r) for r in ran]
    assert [len(n) for n in notes] == [0, 0, 1, 0, 0], notes
    payload, text = notes[2][0]
    assert [g["kind"] for g in payload["not_checked"]] == ["worker_processes"]
    assert text.startswith("leakkit: not checked — cross_val_score(n_jobs=2)") and "n_jobs=1" in text
    assert all(r.shown == [] for r in ran)  # a note, never a finding
    status = run(shell, "%leakkit").stdout
    assert "Not checked: 1 cause: worker_processes: cross_val_score(n_jobs=2)." in status


def test_a_model_fitted_before_the_checks_started_is_not_checked(shell):
    shell.run_line_magic("unload_ext", "leakkit")
    run(shell, SETUP)
    run(shell, "early = LogisticRegression().fit(X, y)")  # before %load_ext
    shell.run_line_magic("load_ext", "leakkit")
    first = run(shell, "early.score(X[:50], y[:50])")
    again = run(shell, "early.predict(X[:5])")
    [(payload, text)] = _not_checked(first)
    assert payload["not_checked"][0]["kind"] == "fitted_outside" and "LogisticRegression" in text
    assert _not_checked(again) == []
    assert "not checked" not in run(shell, "%leakkit reset").stdout
    assert len(_not_checked(run(shell, "early.score(X[:50], y[:50])"))) == 1  # forgotten by a reset
