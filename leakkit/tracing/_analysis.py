"""The analysis run when a block ends: resolve rows to their roots, reconstruct work done
in worker processes from the caller's folds, list the evaluations, infer the splits made
by hand, then run each rule of :mod:`leakkit.tracing._rules`."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._lineage import build_resolver
from ._records import Evaluation, FitRecord, PredictRecord, SplitRecord
from ._util import _EMPTY, _contains, _search, _unique

# An identity check on a split whose data has fewer distinct rows than this fraction of its
# rows is meaningless (e.g. kf.split(np.zeros(n))): such splits are only described.
_MIN_DISTINCT = 0.1
HAND_SPLIT = "your hand-made split"
_PARALLEL_ENTRIES = {"cross_validate", "cross_val_score", "cross_val_predict", "learning_curve",
                     "validation_curve", "permutation_test_score"}


class SplitIndex:
    """A split's rows as sorted unique roots, with per-fold train/test masks over them,
    so every membership question is one ``searchsorted``."""

    def __init__(self, split: SplitRecord, roots: np.ndarray):
        self.roots = roots
        self.folds = split.folds
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._sides: dict[int, tuple] = {}
        self._positions: dict[tuple, tuple] = {}
        self.uniq, self.inverse = _unique(roots, return_inverse=True)
        m = len(self.uniq)
        self.te_masks, self.tr_masks, self.held_only = [], [], []
        for tr, te in split.folds:
            te_m = np.zeros(m, dtype=bool)
            te_m[self.inverse[np.asarray(te, dtype=np.intp)]] = True
            tr_m = np.zeros(m, dtype=bool)
            tr_m[self.inverse[np.asarray(tr, dtype=np.intp)]] = True
            self.te_masks.append(te_m)
            self.tr_masks.append(tr_m)
            # Rows on both sides are duplicates, reported as such, not as fits that saw them.
            self.held_only.append(te_m & ~tr_m)

    def fold_side(self, roots: np.ndarray) -> tuple[int, bool] | None:
        """``(k, is_test)`` when ``roots`` are exactly the split's rows at fold k's training
        (or test) positions, in that order; None otherwise. O(n), no sorting."""
        hit = self._sides.get(id(roots))
        if hit is not None and hit[0] is roots:
            return hit[1]
        side = None
        n = len(roots)
        if n:
            first, last = roots[0], roots[-1]
            for k, (tr, te) in enumerate(self.folds):
                for is_test, idx in ((False, tr), (True, te)):
                    if (len(idx) == n and self.roots[idx[0]] == first and self.roots[idx[-1]] == last
                            and np.array_equal(self.roots[idx], roots)):
                        side = (k, is_test)
                        break
                if side is not None:
                    break
        self._sides[id(roots)] = (roots, side)
        return side

    def mask_of(self, roots: np.ndarray, sorted_roots: Any) -> np.ndarray:
        """Mask over the split's unique rows: which of them are among ``roots``."""
        hit = self._masks.get(id(roots))
        if hit is not None and hit[0] is roots:
            return hit[1]
        side = self.fold_side(roots)
        if side is not None:
            mask = (self.te_masks if side[1] else self.tr_masks)[side[0]]
        else:
            mask = _contains(self.uniq, sorted_roots())
        self._masks[id(roots)] = (roots, mask)
        return mask

    def positions(self, roots: np.ndarray, min_found: float = 0.9) -> np.ndarray | None:
        """Positions, among the split's unique rows, of the ``roots`` that are rows of it;
        None when fewer than ``min_found`` of them are (then they are other data)."""
        if len(self.uniq) == 0 or len(roots) == 0:
            return None
        key = (id(roots), min_found)
        hit = self._positions.get(key)
        if hit is not None and hit[0] is roots:
            return hit[1]
        pos = self._positions_of(roots, min_found)
        self._positions[key] = (roots, pos)
        return pos

    def _positions_of(self, roots: np.ndarray, min_found: float) -> np.ndarray | None:
        side = self.fold_side(roots)
        if side is not None:
            k, is_test = side
            return self.inverse[np.asarray(self.folds[k][1 if is_test else 0], dtype=np.intp)]
        idx = _search(self.uniq, roots)
        idx[idx == len(self.uniq)] = 0
        found = self.uniq[idx] == roots
        if found.mean() < min_found:
            return None
        return idx[found]


class Context:
    """What every rule reads: records by id, their rows resolved to roots (computed once),
    the split indexes, and what the rules have already reported."""

    def __init__(self, trace: Any, resolve: Any):
        self.trace = trace
        self.resolve = resolve
        self.records: dict[int, Any] = dict(trace._records)
        self.fits: dict[int, FitRecord] = {f.id: f for f in trace.fits}
        self._roots: dict[int, np.ndarray] = {}
        self._sorted: dict[int, np.ndarray] = {}
        self.reported: set = set()
        self.indexes: dict[int, SplitIndex] = {}
        self.pred_roots: dict[int, np.ndarray] = {p.id: resolve(p.rows) for p in trace.predictions}
        self.reuse: dict[int, dict] = {}
        self.declared_dups: dict[int, tuple] = {}
        self.test_reuse_min_configs = trace.test_reuse_min_configs

    def roots_of(self, rid: int | None) -> np.ndarray | None:
        """The roots of the rows a fit (or statistic) saw, in its row order."""
        rec = self.records.get(rid) if rid is not None else None
        if rec is None or rec.rows is None:
            return None
        if rid not in self._roots:
            self._roots[rid] = self.resolve(rec.rows)
        return self._roots[rid]

    def sorted_roots_of(self, rid: int) -> np.ndarray:
        if rid not in self._sorted:
            r = self.roots_of(rid)
            self._sorted[rid] = _unique(r) if r is not None else _EMPTY

        return self._sorted[rid]

    def later_predictions(self, s: SplitRecord, ix: SplitIndex) -> list[tuple[PredictRecord, np.ndarray]]:
        """Predictions made after the split, with the positions of their rows in it."""
        out = []
        for p in self.trace.predictions:
            pr = self.pred_roots[p.id]
            if p.time > s.time and len(pr):
                pos = ix.positions(pr)
                if pos is not None:
                    out.append((p, pos))
        return out

    def scoring(self, s: SplitRecord, ix: SplitIndex) -> list[list[PredictRecord | Any]]:
        """For each fold, the predictions that evaluate it: they score only rows it holds
        out and either their model was fitted on the fold's training rows, or no such fold
        model scored the fold (so it is the fold's only evaluation). A model refitted on all
        rows after cross-validation evaluates nothing."""
        cache = getattr(s, "_scoring", None)
        if cache is not None and cache[0] is ix:
            return cache[1]
        later = self.later_predictions(s, ix)
        model_pos: dict = {}
        for p, _ in later:
            if p.model_fit not in model_pos:
                mr = self.roots_of(p.model_fit)
                model_pos[p.model_fit] = ix.positions(mr) if mr is not None else None
        per_fold = []
        for k in range(len(s.folds)):
            te_m, tr_m = ix.te_masks[k], ix.tr_masks[k]
            scoring = [(p, pos) for p, pos in later if te_m[pos].all()]
            fold_model = [model_pos.get(p.model_fit) is not None and bool(tr_m[model_pos[p.model_fit]].all())
                          for p, _ in scoring]
            per_fold.append([(p, pos) for (p, pos), fm in zip(scoring, fold_model) if fm or not any(fold_model)])
        s._scoring = (ix, per_fold)  # type: ignore[attr-defined]
        return per_fold


# --------------------------------------------------------------------------------------
def _reconstruct_parallel(trace: Any) -> None:
    """Cross-validation run with ``n_jobs`` > 1 fits in worker processes, out of sight; its
    folds were split in the caller's process. Record each fold's fit (on its training rows)
    and score (on its test rows) from there, and say so in the coverage."""
    for s in list(trace.splits):
        est = getattr(s, "estimator", None)
        if (s.kind != "splitter" or s.internal or not s.folds or getattr(s, "_reconstructed", False)
                or s.n_jobs in (None, 1)):
            continue
        s._reconstructed = True  # type: ignore[attr-defined]
        seen = [f for f in trace.fits if f.outermost and f.time > s.time and f.rows is not None
                and any(len(f.rows) == len(tr) and np.array_equal(f.rows, s.rows[tr]) for tr, _ in s.folds)]
        if seen:
            continue
        what = f"{s.entry or s.splitter}(n_jobs={s.n_jobs})"
        if s.inside_search or s.entry not in _PARALLEL_ENTRIES or est is None:
            trace._gap("worker_processes", what, "fits ran in worker processes: the folds were recorded, the fits "
                                                 "were not", len(s.folds))
            continue
        from ._estimators import _label, _requires_fit, _setting

        trace._gap("worker_processes", what, "fits ran in worker processes: each fold's training and test rows "
                                             "were recorded from the caller, the steps inside each fit were not",
                   len(s.folds))
        setting = _setting(est, [trace._fit_est[f] for f in sorted(s.taint) if f in trace._fit_est],
                           any(not isinstance(trace._records.get(f), FitRecord) for f in s.taint))
        for tr, te in s.folds:
            fit = FitRecord(id=trace._next_id(), estimator=_label(est), method="fit", n_rows=len(tr), outermost=True,
                            parent=None, inside_search=False, rows=s.rows[tr], taint=s.taint,
                            requires_fit=_requires_fit(est), time=s.time + 1e-9, remote=True, used=True)
            trace.fits.append(fit)
            trace._add(fit)
            trace.predictions.append(PredictRecord(
                id=trace._next_id(), estimator=_label(est), est=None, method="score", rows=s.rows[te],
                history=frozenset({fit.id}) | s.taint, model_fit=fit.id, time=s.time + 2e-9, config=setting[0],
                preprocessing=setting[1:], owner=id(est)))
        s.estimator = None  # type: ignore[attr-defined]


def _supervised(p: PredictRecord) -> bool:
    return p.method != "score_samples" and p.supervised


def evaluations(ctx: Context, eval_splits: list[SplitRecord]) -> tuple[list[Evaluation], list[SplitRecord]]:
    """Each prediction as an :class:`Evaluation`, and the splits made by hand that the
    uncovered ones imply (rows a model scored that its own fit did not see are held out)."""
    out: list[Evaluation] = []
    groups: dict[int, dict] = {}
    for p in ctx.trace.predictions:
        pr = ctx.pred_roots[p.id]
        fr = ctx.roots_of(p.model_fit)
        if fr is None:
            out.append(Evaluation(p.estimator, p.method, len(pr), None, None, None, None, p.id, p.model_fit))
            continue
        n_held = None
        cover = None
        for s in reversed(eval_splits):
            if s.time >= p.time:
                continue
            ix = ctx.indexes[s.id]
            pos = ix.positions(pr)
            if pos is None:
                continue
            k = next((k for k in range(len(s.folds)) if ix.te_masks[k][pos].all()), None)
            if k is not None:
                cover = (s.splitter, k + 1)
                if ix.fold_side(fr) == (k, False):  # cross-validation's own fold model: no sorting
                    n_held = int((~ix.tr_masks[k][pos]).sum())
                break
        if n_held is None:
            n_held = int((~_contains(pr, ctx.sorted_roots_of(p.model_fit))).sum())
        if cover is None and n_held and n_held >= 0.5 * len(pr) and _supervised(p):
            key = hash(_unique(pr).tobytes())
            g = groups.setdefault(key, {"te": pr, "preds": [], "fits": set(), "time": p.time})
            g["preds"].append(p)
            g["fits"].add(p.model_fit)
            g["time"] = min(g["time"], min(ctx.records[f].time for f in g["fits"]))
            cover = (HAND_SPLIT, 1)
        out.append(Evaluation(p.estimator, p.method, len(pr), n_held, n_held > 0,
                              cover[0] if cover else None, cover[1] if cover else None, p.id, p.model_fit))
    inferred = []
    trace = ctx.trace
    for g in groups.values():
        te = _unique(g["te"])
        tr = _unique(np.concatenate([ctx.roots_of(f) for f in sorted(g["fits"])]))
        rec = SplitRecord(id=trace._next_id(), splitter=HAND_SPLIT, rows=np.concatenate([tr, te]), kind="inferred",
                          time=g["time"] - 1e-9)
        rec.folds.append((np.arange(len(tr)), len(tr) + np.arange(len(te))))
        inferred.append(rec)
    return out, inferred


def analyse(trace: Any, final: bool = True) -> tuple[list, list]:
    """Run the analysis; when ``final``, store findings, evaluations and inferred splits on
    the trace. Returns (findings, evaluations)."""
    from . import _rules

    _reconstruct_parallel(trace)  # also while the block runs: a live reader sees parallel work too
    recorded = [s for s in trace.splits if s.kind != "inferred"]
    resolve = trace._resolve
    if resolve is None or not trace._closed:
        resolve = build_resolver(trace._outputs, trace._links, recorded, trace._book.frames)
        if trace._closed or final:
            trace._resolve = resolve
    ctx = Context(trace, resolve)
    for s in recorded:
        if s.internal or not s.folds:
            continue
        ix = SplitIndex(s, resolve(s.rows))
        if len(ix.uniq) >= _MIN_DISTINCT * len(s.rows):
            ctx.indexes[s.id] = ix
    eval_splits = [s for s in recorded if s.id in ctx.indexes]
    evals, inferred = evaluations(ctx, eval_splits)
    for s in inferred:
        ctx.indexes[s.id] = SplitIndex(s, s.rows)
    findings = _rules.run(ctx, eval_splits, inferred, evals)
    if final:
        trace.splits[:] = recorded + inferred
        trace._findings = findings
        trace._evaluations = evals
    return findings, evals
