"""The :class:`Trace` object: it receives the events of the patched layer (fits,
transforms, predictions, splits, statistics), keeps records, and analyses them when the
block ends. Use :func:`leakkit.trace`."""
from __future__ import annotations

import threading
import time
import weakref
from typing import Any

import numpy as np
import pandas as pd

from .._rows import n_rows
from . import _patching as P
from ._lineage import taint_of
from ._records import CoverageGap, FitRecord, PredictRecord, SplitRecord, StatRecord, _Output
from ._estimators import (_check_held_out_part, _is_outlier_detector, _label, _requires_fit, _setting, _supervised,
                          check_options)
from ._rowbook import RowBook

__all__ = ["Trace", "CoverageError"]


_NOT_FINGERPRINTED = "rows of this type could not be fingerprinted: fits, splits and scores on it were not followed"


class CoverageError(RuntimeError):
    """Raised when a ``trace(strict=True)`` block ends and the tracer could not see part of
    the work (see :attr:`Trace.coverage`)."""


class Trace:
    """What happened inside one ``with leakkit.trace()`` block. Use :func:`leakkit.trace`.

    Attributes
    ----------
    fits : list of FitRecord
    splits : list of SplitRecord
        Splitters that ran, rows declared held out, and (once the block has ended) splits
        made by hand, inferred from evaluations (``kind == "inferred"``).
    predictions : list of PredictRecord
    statistics : list of StatRecord
        pandas/numpy statistics computed over rows in the block.
    findings : list of Finding
        Empty when nothing leaked *among what was seen* (see ``coverage``).
    evaluations : list of Evaluation
        Each scoring of rows by a model, and whether they were held out.
    coverage : list of CoverageGap
        What the tracer could not see (empty when it saw everything).
    """

    def __init__(self, *, detail: str = "outer", test_reuse_min_configs: int = 2, held_out: Any = None,
                 strict: bool = False) -> None:
        check_options(detail, test_reuse_min_configs, held_out, strict)
        self.detail = detail
        self.test_reuse_min_configs = int(test_reuse_min_configs)
        self.strict = bool(strict)
        self.fits: list[FitRecord] = []
        self.splits: list[SplitRecord] = []
        self.predictions: list[PredictRecord] = []
        self.statistics: list[StatRecord] = []
        self._records: dict[int, Any] = {}  # fits and statistics by id
        self._outputs: list[_Output] = []
        self._links: list[tuple[np.ndarray, np.ndarray]] = []  # (child rows, parent rows), by position
        self._state: dict[int, frozenset] = {}
        self._own_fit: dict[int, int | None] = {}
        self._stat_data: dict[int, Any] = {}  # statistic id -> what it read and gave (while the block runs)
        self._derived: dict[int, bool] = {}  # ids of objects already checked for derived data (while the block runs)
        self._derived_keys: set[int] = set()  # frames found derived from statistics
        self._y_names: set = set()  # names of the targets passed to fits and splits
        self._fit_est: dict[int, Any] = {}  # fit id -> its estimator (while the block runs)
        self._settings: dict[tuple, tuple] = {}  # (id(model), fit id) -> its setting (while the block runs)
        self._book = RowBook(P._local, by_id=(self._derived,))
        self._findings: list | None = None
        self._evaluations: list | None = None
        self._resolve: Any = None  # kept when the block ends
        self._live_cache: Any = None  # (signature, (findings, evaluations)) while the block runs
        self._gaps: dict[tuple, list] = {}  # (kind, what) -> [count, detail]
        self._active = False
        self._paused = False
        self._closed = False
        self._thread: int | None = None
        self._ids = 0
        self._t0 = time.perf_counter()
        if held_out is not None:
            parts = held_out if isinstance(held_out, list) else [held_out]
            if not parts:
                raise ValueError("held_out: the list is empty; pass the test rows (an array or DataFrame), or omit it.")
            for i, part in enumerate(parts):
                _check_held_out_part(part, f"held_out[{i}]" if len(parts) > 1 or isinstance(held_out, list) else "held_out")
            for i, part in enumerate(parts):
                self.hold_out(part, name=f"held_out[{i}]" if len(parts) > 1 else "held_out")

    # ---- declared held-out rows ------------------------------------------------------
    def hold_out(self, X: Any, *, name: str = "declared test set") -> None:
        """Declare ``X`` as held-out rows, for splits made without a splitter (a test file
        loaded separately, positions taken by hand). Any fit that saw these rows and then
        helped score them, and any reuse of them to compare models, is reported like for a
        split. (Splits made by hand are also inferred without this: rows a model is scored
        on that its own fit did not see are held out.)

        >>> import numpy as np
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn.linear_model import LogisticRegression
        >>> import leakkit
        >>> rng = np.random.default_rng(0)
        >>> X, y = rng.normal(size=(200, 3)), rng.integers(0, 2, 200)
        >>> with leakkit.trace(held_out=X[150:]) as t:
        ...     sc = StandardScaler().fit(X)                      # all rows, test included
        ...     m = LogisticRegression().fit(sc.transform(X[:150]), y[:150])
        ...     _ = m.score(sc.transform(X[150:]), y[150:])
        >>> [(f.check, f.evidence["estimator"], f.evidence["n_held_out_seen"]) for f in t.findings]
        [('fit_saw_held_out', 'StandardScaler', 50)]
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"name: expected a non-empty str naming the held-out rows, got {name!r}.")
        _check_held_out_part(X, "X")
        rows, fkey = self._book.fingerprint(X)
        if rows is None:
            raise TypeError(f"X: could not read rows from a {type(X).__name__}; pass an array or a DataFrame.")
        rec = SplitRecord(id=self._next_id(), splitter=name, rows=rows, internal=False, inside_search=False,
                          time=-1.0, frame_key=fkey if not self._closed else None, kind="declared")
        rec.folds.append((np.zeros(0, dtype=np.intp), np.arange(len(rows))))
        self.splits.append(rec)
        self._invalidate()

    # ---- context manager ------------------------------------------------------------
    def __enter__(self) -> "Trace":
        if self._active or self._closed:
            raise RuntimeError("This trace was already used; open a new one with leakkit.trace().")
        self._start(P.caller_namespaces(2), new=True)
        self._active = True
        return self

    def _start(self, namespaces: list[dict], *, new: bool) -> None:
        with P._lock:
            if not P._active:
                P.install(namespaces, reset_budget=new)
            else:
                P.patch_namespace(namespaces)
            P._active.append(self)
        self._thread = threading.get_ident()

    def _stop(self) -> None:
        """Leave the open traces; the last one to leave takes the patches off."""
        with P._lock:
            if self in P._active:
                P._active.remove(self)
            for what, why in P._unpatchable.items():
                if ("unpatchable", what) not in self._gaps:  # once, however often it pauses
                    self._gap("unpatchable", what, why)
            if not P._active:
                left = P.uninstall()
                for what in left:
                    self._gap("unpatchable", what, "was wrapped again by other code inside the block; "
                                                    "that wrapper was left in place")

    def pause(self) -> None:
        """Stop recording, without ending the trace, until :meth:`resume`.

        Nothing that runs while the trace is paused is recorded (fits, splits, scores,
        statistics); what was recorded before is kept, and ``findings`` can still be read.
        When no other trace is open, the patches are taken off while paused, so paused code
        runs exactly as without the tracer. Pausing a paused trace does nothing. Use it
        around work that must not count (a leak made on purpose, to measure it), or between
        the cells of a notebook (``%load_ext leakkit`` does).

        Raises ``RuntimeError`` outside the ``with`` block.

        >>> import numpy as np
        >>> from sklearn.preprocessing import StandardScaler
        >>> import leakkit
        >>> X = np.random.default_rng(0).normal(size=(50, 2))
        >>> with leakkit.trace() as t:
        ...     _ = StandardScaler().fit(X)
        ...     t.pause()
        ...     _ = StandardScaler().fit(X[:20])     # not recorded
        ...     t.resume()
        ...     _ = StandardScaler().fit(X[:30])
        >>> [f.n_rows for f in t.fits if f.outermost], t.paused
        ([50, 30], False)
        """
        if not self._active:
            raise RuntimeError("pause(): this trace is not open; call it inside `with leakkit.trace() as t:`.")
        if self._paused:
            return
        self._stop()
        self._paused = True

    def resume(self) -> None:
        """Record again after :meth:`pause` (in the thread that resumes it; see :meth:`pause`).
        Resuming a trace that is recording does nothing. Raises ``RuntimeError`` outside the
        ``with`` block."""
        if not self._active:
            raise RuntimeError("resume(): this trace is not open; call it inside `with leakkit.trace() as t:`.")
        if not self._paused:
            return
        self._start(P.caller_namespaces(2), new=False)
        self._paused = False

    @property
    def paused(self) -> bool:
        """True between :meth:`pause` and :meth:`resume`."""
        return self._paused

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self._stop()
        self._active = False
        self._paused = False
        self._closed = True
        for what, n in self._book.not_fingerprinted.items():
            self._gap("not_fingerprinted", what, _NOT_FINGERPRINTED, n)
        try:
            self._finish()
        except Exception:
            if exc_type is None:
                raise
            # The block is already raising: never hide the user's own exception behind ours.
            self._gap("tracer_error", "analysis", "the analysis failed after the block raised an exception")
        if self.strict and exc_type is None and self.coverage:
            lines = "\n".join(f"- {g}" for g in self.coverage)
            raise CoverageError(f"leakkit.trace(strict=True): the tracer could not see everything:\n{lines}\n"
                                f"Run the work in this thread with n_jobs=1, or pass strict=False to accept it.")
        return None

    def _finish(self) -> None:
        """Analyse now, then release the arrays kept while the block ran."""
        from ._analysis import analyse

        analyse(self)
        for p in self.predictions:  # the estimators go (their settings were noted when they scored)
            if p.est is not None:
                try:
                    p.est = weakref.ref(p.est)
                except TypeError:
                    p.est = None
        self._fit_est.clear()
        self._settings.clear()
        self._book.release()
        self._stat_data.clear()
        self._derived.clear()
        for o in self._outputs:
            o.values = o.source = o.labels = None

    def _invalidate(self) -> None:
        self._findings = None
        self._evaluations = None
        if self._closed:
            from ._analysis import analyse

            analyse(self)

    # ---- bookkeeping -----------------------------------------------------------------
    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def _now(self) -> float:
        return time.perf_counter() - self._t0

    def _gap(self, kind: str, what: str, detail: str, count: int = 1) -> None:
        hit = self._gaps.setdefault((kind, what), [0, detail])
        hit[0] += count

    def _other_thread(self) -> None:
        self._gap("other_threads", "thread other than the one that opened the trace",
                  "calls made in other threads are not recorded by this trace")

    def _taint_of(self, fps: np.ndarray | None, X: Any = None) -> frozenset:
        if fps is None or not self._outputs:
            return frozenset()
        labels = getattr(X, "index", None) if isinstance(X, (pd.DataFrame, pd.Series)) else None
        if labels is not None and (fps is None or len(labels) != len(fps) or not labels.is_unique):
            labels = None
        return taint_of(fps, self._outputs, labels)

    def _is_output(self, rows: np.ndarray) -> bool:
        """Whether ``rows`` are exactly the rows of a recorded output, in order."""
        return any(o.parents is not None and len(o.rows) == len(rows) and np.array_equal(o.rows, rows)
                   for o in self._outputs)

    def _add(self, rec: Any) -> None:
        self._records[rec.id] = rec

    # ---- events: fits, transforms, predictions ---------------------------------------
    def _before(self, est: Any, name: str, X: Any, outer: bool, parent_fit: Any, inside_search: bool) -> Any:
        if name not in P._FIT_METHODS:
            return None
        rows = None
        taint: frozenset = frozenset()
        parent = None
        if parent_fit is not None:
            for p in parent_fit[2]:  # the enclosing fit's record made by *this* trace
                if isinstance(p, FitRecord) and self._records.get(p.id) is p:
                    parent = p.id
        if outer or self.detail == "all":
            rows, _ = self._book.fingerprint(X)
            if outer:
                self._derive(X, rows)
            taint = self._taint_of(rows, X)
        rec = FitRecord(
            id=self._next_id(), estimator=_label(est), method=name, n_rows=n_rows(X), outermost=outer,
            parent=parent, inside_search=inside_search, rows=rows, taint=taint,
            requires_fit=_requires_fit(est), is_outlier_detector=_is_outlier_detector(est), time=self._now(),
        )
        self.fits.append(rec)
        self._add(rec)
        return rec

    def _after(self, est: Any, name: str, X: Any, y: Any, result: Any, outer: bool, rec: Any) -> None:
        self._book.keep.append(est)
        if outer and getattr(y, "name", None) is not None:
            self._y_names.add(y.name)
        if isinstance(rec, FitRecord):
            parent_state = self._state.get(id(est), frozenset()) if name == "partial_fit" else frozenset()
            if rec.outermost or rec.rows is not None:
                state = frozenset({rec.id}) | rec.taint
            elif rec.parent is not None:
                state = self._state_of_fit(rec.parent)
            else:
                state = frozenset({rec.id})
            if not rec.requires_fit:
                state = frozenset(s for s in state if s != rec.id) | rec.taint
            self._state[id(est)] = parent_state | state
            self._own_fit[id(est)] = rec.id if rec.rows is not None else rec.parent
            if rec.rows is not None:
                self._fit_est[rec.id] = est
            if name in ("fit_transform", "fit_resample") and (outer or self.detail == "all"):
                out = result[0] if name == "fit_resample" and isinstance(result, tuple) else result
                self._record_output(X, out, self._state[id(est)], same_rows=name == "fit_transform")
            if name == "fit_predict":
                rec.used = True
            return
        if not outer and not (self.detail == "all" and name in P._TRANSFORM_METHODS):
            return
        state = self._state.get(id(est), frozenset())
        for f in self.fits:
            if f.id in state:
                f.used = True
        if name in P._TRANSFORM_METHODS:
            self._record_output(X, result, state, same_rows=True)
            return
        rows, _ = self._book.fingerprint(X)
        if rows is None:
            return
        self._derive(X, rows)
        history = state | self._taint_of(rows, X)
        model_fit = self._own_fit.get(id(est))
        if model_fit is None:
            self._gap("fitted_outside", _label(est), "scored rows with a model fitted before the block: what it "
                                                     "was fitted on is unknown")
        predictor, *prep = self._setting_of(est, model_fit, history)
        self.predictions.append(PredictRecord(
            id=self._next_id(), estimator=_label(est), est=est, method=name, rows=rows,
            history=history, model_fit=model_fit, time=self._now(), owner=id(est), supervised=_supervised(est),
            config=predictor, preprocessing=tuple(prep),
        ))

    def _setting_of(self, est: Any, model_fit: int | None, history: frozenset) -> tuple:
        """The settings of the model as it scores (once per fit of it): see ``_setting``."""
        key = (id(est), model_fit)
        hit = self._settings.get(key)
        if hit is None:
            P._local.busy = True
            try:
                upstream = [self._fit_est[f] for f in sorted(history) if f != model_fit and f in self._fit_est]
                by_hand = any(isinstance(self._records.get(f), StatRecord) for f in history)
                hit = _setting(est, upstream, by_hand)
            except Exception:  # noqa: BLE001 - an odd estimator is a setting of its own
                hit = (f"{_label(est)}@{id(est)}:{model_fit}", (), False)
            finally:
                P._local.busy = False
            self._settings[key] = hit
        return hit

    def _state_of_fit(self, fit_id: int) -> frozenset:
        rec = self._records.get(fit_id)
        if rec is None:
            return frozenset()
        return frozenset({rec.id}) | rec.taint

    def _record_output(self, X: Any, out: Any, state: frozenset, same_rows: bool) -> None:
        if out is None or n_rows(out) is None:
            return
        out_fps, _ = self._book.fingerprint(out)
        if out_fps is None:
            return
        in_fps, _ = self._book.fingerprint(X)
        parents = in_fps if (same_rows and in_fps is not None and len(in_fps) == len(out_fps)) else None
        taint = state | self._taint_of(in_fps, X)
        dense = isinstance(out, (np.ndarray, pd.DataFrame)) and getattr(out, "ndim", 0) == 2
        digests = ()
        if parents is not None:
            # Output columns that are unchanged copies of input columns (a selector's kept
            # columns, a ColumnTransformer's passthrough, an identity FunctionTransformer) are
            # raw data: finding them in other data says nothing about this fit.
            raw = set(self._book.digests(X))
            digests = tuple(d for d in self._book.digests(out) if d not in raw)
        self._outputs.append(_Output(rows=out_fps, parents=parents, taint=taint, digests=digests,
                                     values=out if dense and parents is not None else None,
                                     source=X if dense and parents is not None else None))

    # ---- events: splits --------------------------------------------------------------
    def _split_start(self, cv: Any, label: str, X: Any, internal: bool, inside_search: bool, *,
                     entry: str | None = None, n_jobs: Any = None, estimator: Any = None,
                     y_name: Any = None) -> SplitRecord | None:
        if y_name is not None:
            self._y_names.add(y_name)
        if internal:  # an estimator's own cross-fitting or early stopping: described, not checked
            rec = SplitRecord(id=self._next_id(), splitter=label, rows=np.zeros(0, np.uint64), internal=True,
                              inside_search=inside_search, time=self._now())
            self.splits.append(rec)
            return None
        rows, fkey = self._book.fingerprint(X)
        if rows is None:
            self._gap("not_fingerprinted", f"{label} on a {type(X).__name__}", "the split's rows could not be read")
            return None
        self._derive(X, rows)
        taint = self._taint_of(rows, X)
        # Columns of a transform's output written back into a frame (df[cols] = fit_transform(...))
        # or stacked with other columns: the split rows derive, position by position, from it.
        # Not when the data is itself a recorded output: its columns come from that fit, and
        # equal columns of another output (the same step fitted alike elsewhere) are not its source.
        digests = set(self._book.digests(X)) if self._outputs and not self._is_output(rows) else set()
        if digests:
            for o in self._outputs:
                if len(o.rows) == len(rows) and digests.intersection(o.digests) and o.parents is not None:
                    taint |= o.taint
                    self._links.append((rows, o.rows))
        rec = SplitRecord(
            id=self._next_id(), splitter=label, rows=rows, taint=taint, internal=internal,
            inside_search=inside_search, time=self._now(), frame_key=fkey, entry=entry, n_jobs=n_jobs,
        )
        rec.estimator = estimator  # type: ignore[attr-defined] - for parallel reconstruction, released at exit
        self.splits.append(rec)
        self._book.add_fold_source(rec, X)
        return rec

    def _split_made(self, label: str, X: Any, folds: list, *, entry: str | None = None) -> None:
        """A split made without a splitter (``train_test_split(shuffle=False)``)."""
        rec = self._split_start(None, label, X, False, False, entry=entry)
        if rec is not None:
            rec.folds.extend(folds)

    # ---- events: statistics and derived data -----------------------------------------
    def _statistic(self, recorder: Any, args: tuple, kwargs: dict, result: Any) -> None:
        P._local.busy = True
        try:
            made = recorder(args, kwargs, result)
        except Exception:  # noqa: BLE001 - a statistic we cannot read is not followed
            made = None
        finally:
            P._local.busy = False
        if made is None:
            return
        label, kind, n, columns, data = made
        if kind == "unfollowed":
            self._gap("statistic_unfollowed", label, "which rows each value read could not be told (a time-based "
                                                      "window, or a function with no clear pattern): not followed")
            return
        if data is None:
            self._gap("not_snapshotted", label, "a statistic on an array too large to copy: not followed")
            return
        rec = StatRecord(id=self._next_id(), label=label, kind=kind, n_rows=n, time=self._now(), columns=columns)
        self.statistics.append(rec)
        self._add(rec)
        self._stat_data[rec.id] = data

    def _derive(self, X: Any, rows: np.ndarray | None) -> None:
        """Link data that derives from a statistic or re-expresses a transform output."""
        if rows is None or (not self._stat_data and not self._outputs):
            return
        from ._derive import derive

        P._local.busy = True
        try:
            derive(self, X, rows)
        except Exception as exc:  # noqa: BLE001 - never break the user's code
            self._gap("tracer_error", "derived data", f"data derived from statistics could not be followed here "
                                                      f"({type(exc).__name__}: {exc})")
        finally:
            P._local.busy = False

    # ---- results (see _analysis and _report) -----------------------------------------
    @property
    def findings(self) -> list:
        """What leaked (empty when nothing did among what was seen: read ``coverage`` too)."""
        from ._analysis import analyse

        if self._active:
            return list(self._analysis_now()[0])
        if self._findings is None:
            analyse(self)
        return self._findings

    def _signature(self) -> tuple:
        """Changes whenever something is recorded (a record, an output, a link, a fold)."""
        return (self._ids, len(self._outputs), len(self._links), sum(len(s.folds) for s in self.splits))

    def _analysis_now(self) -> tuple[list, list]:
        """(findings, evaluations) of what is recorded so far, while the block runs; analysed
        again only when something new was recorded (a live reader asks after every cell)."""
        from ._analysis import analyse

        sig = self._signature()
        if self._live_cache is None or self._live_cache[0] != sig:
            result = analyse(self, final=False)
            self._live_cache = (self._signature(), result)
        return self._live_cache[1]

    @property
    def leaked(self) -> bool:
        """True when any finding has severity "fail"."""
        return any(f.severity == "fail" for f in self.findings)

    @property
    def evaluations(self) -> list:
        """Each time a model scored rows: the predictor, how many rows, how many of them its
        own fit did not see (held out), and the split they belong to. See :class:`Evaluation`."""
        from ._analysis import analyse

        if self._active:
            return list(self._analysis_now()[1])
        if self._evaluations is None:
            analyse(self)
        return self._evaluations

    @property
    def coverage(self) -> list[CoverageGap]:
        """What the tracer could not see: work in worker processes or other threads, objects
        it could not patch, data it could not fingerprint, models fitted before the block,
        statistics whose rows it could not place. Empty when it saw everything."""
        gaps = dict(self._gaps)
        if not self._closed:
            self.findings  # noqa: B018 - the analysis notes reconstructed parallel work
            gaps = dict(self._gaps)
            for what, n in self._book.not_fingerprinted.items():  # added to the gaps when the block ends
                gaps[("not_fingerprinted", what)] = [n, _NOT_FINGERPRINTED]
        return [CoverageGap(k, w, c, d) for (k, w), (c, d) in gaps.items()]

    def to_dict(self) -> dict:
        """The trace as plain JSON types: records, evaluations, findings and coverage."""
        from ._report import to_dict

        return to_dict(self)

    def summary(self) -> str:
        """A short text report: counts, one line per finding, then what was not seen."""
        from ._report import summary

        return summary(self)

    def fits_frame(self) -> pd.DataFrame:
        """One row per recorded fit: estimator, method, rows seen, outermost or nested."""
        from ._report import fits_frame

        return fits_frame(self)

    def fold_diagram_data(self, split: int = -1) -> dict:
        """Data for :func:`leakkit.plot.fold_diagram`: the folds of one recorded split (the
        last evaluation split by default) and, for each outermost fit, the positions (in
        that split's data) of the rows it saw.

        Returns a dict with ``folds`` (list of (train, test) position arrays), ``n_samples``
        and ``fits`` (list of (label, positions)).
        """
        from ._report import fold_diagram_data

        return fold_diagram_data(self, split)

    def __repr__(self) -> str:
        state = "recording" if self._active else f"{len(self.findings)} finding(s)"
        return f"<leakkit.Trace: {len(self.fits)} fits, {len(self.splits)} splits, {state}>"

    def _repr_html_(self) -> str:
        from ._report import html

        return html(self)
