"""The tracer's rules, one function each. A per-split rule takes the analysis context,
the split and its index, and returns findings; the others read what those collected.

* :func:`fit_before_split` (LK101) - the split data came out of a fit that saw rows it holds out;
* :func:`fit_saw_held_out` (LK102) - held-out rows were scored through a fit that saw them;
* :func:`duplicates_across_split` (LK103) - identical rows on both sides;
* :func:`outliers_removed_before_split` (LK104) - a detector fitted on all rows chose the rows kept;
* :func:`test_reuse` (LK105) - the same held-out rows scored by several models or settings;
* :func:`statistic_saw_held_out` (LK106) - a pandas/numpy statistic computed on held-out
  rows reached the model's data;
* :func:`no_held_out` (LK107) - every score was computed on rows its model was fitted on.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._findings import Finding, capped_rows
from ._records import StatRecord
from ._analysis import HAND_SPLIT
from ._util import _contains, _search
from ._windows import held_reads

_FIX_FIT = ("Fit it on the training rows only: put it in a Pipeline with the model and split (or cross-validate) "
            "the raw data.")
_FIX_STAT = ("Compute it on the training rows only, after the split (inside each fold for cross-validation); a "
             "Pipeline step (SimpleImputer, StandardScaler, TargetEncoder, SelectKBest...) does this for you.")


def _where(s: Any) -> str:
    if s.inside_search and "Search" not in s.splitter:
        return f"{s.splitter} inside a grid search"
    return s.splitter


def _fold_txt(seen_per_fold: list[int], worst: int) -> str:
    nf = len(seen_per_fold)
    if nf == 1:
        return ""
    if min(seen_per_fold) == seen_per_fold[worst]:
        return f" (fold {worst + 1} of {nf}; every fold alike)"
    return f" (fold {worst + 1} of {nf})"


def _seen_per_fold(ctx: Any, rid: int, ix: Any) -> list[int] | None:
    fr = ctx.roots_of(rid)
    if fr is None:
        return None
    seen_u = ix.mask_of(fr, lambda: ctx.sorted_roots_of(rid))
    return [int((seen_u & ho).sum()) for ho in ix.held_only], seen_u


def fit_before_split(ctx: Any, s: Any, ix: Any) -> list[Finding]:
    """A transform fitted on rows this split holds out produced the split's data."""
    out = []
    for fid in sorted(s.taint):
        f = ctx.fits.get(fid)
        if f is None or f.rows is None or not f.requires_fit or (fid, s.id) in ctx.reported:
            continue
        seen_per_fold, seen_u = _seen_per_fold(ctx, fid, ix)
        if max(seen_per_fold) == 0:
            continue
        ctx.reported.add((fid, s.id))
        worst = int(np.argmax(seen_per_fold))
        seen, held = seen_per_fold[worst], int(ix.held_only[worst].sum())
        te = np.asarray(s.folds[worst][1])
        out.append(Finding(
            "fit_before_split", "fail",
            f"{f.estimator} was fitted ({f.method}) on {f.n_rows} rows before the data was split by {_where(s)}: it "
            f"saw {seen} of the {held} held-out rows{_fold_txt(seen_per_fold, worst)}, so what it learned from them "
            f"reached the model being evaluated. {_FIX_FIT}",
            rows=capped_rows(te[seen_u[ix.inverse[te]]]),
            evidence={"estimator": f.estimator, "method": f.method, "splitter": s.splitter, "n_held_out_seen": seen,
                      "n_held_out": held, "n_folds": len(s.folds), "held_out_seen_per_fold": seen_per_fold,
                      "fit_rows": f.n_rows},
        ))
    return out


def outliers_removed_before_split(ctx: Any, s: Any, ix: Any) -> list[Finding]:
    """An outlier detector fitted on more rows chose the rows that were then split."""
    out = []
    for f in ctx.trace.fits:
        if not (f.outermost and f.is_outlier_detector and f.used and f.time < s.time):
            continue
        if ctx.roots_of(f.id) is None or (f.id, s.id) in ctx.reported:
            continue
        fr = ctx.sorted_roots_of(f.id)
        if len(fr) <= len(ix.uniq) or not _contains(ix.uniq, fr).all():
            continue
        ctx.reported.add((f.id, s.id))
        held = int(np.any(ix.te_masks, axis=0).sum())
        out.append(Finding(
            "outliers_removed_before_split", "fail",
            f"{f.estimator} was fitted on {f.n_rows} rows, including the {held} rows that {_where(s)} later held "
            f"out, and its verdict decided which rows were kept ({len(fr) - len(ix.uniq)} removed). Remove outliers "
            f"inside the training folds only (fit the detector on training rows), never before the split.",
            evidence={"estimator": f.estimator, "splitter": s.splitter, "n_held_out_seen": held,
                      "n_removed": int(len(fr) - len(ix.uniq)), "fit_rows": f.n_rows},
        ))
    return out


def duplicates_across_split(ctx: Any, s: Any, ix: Any) -> list[Finding]:
    """The same row on both sides of a split."""
    if s.inside_search:
        return []
    dup_u = np.zeros(len(ix.uniq), dtype=bool)
    worst = (0, 0)
    for k in range(len(s.folds)):
        d = ix.te_masks[k] & ix.tr_masks[k]
        if d.any():
            dup_u |= d
            te = np.asarray(s.folds[k][1])
            n_rows_dup = int(d[ix.inverse[te]].sum())
            if n_rows_dup > worst[0]:
                worst = (n_rows_dup, len(te))
    if not dup_u.any():
        return []
    dup_rows = np.flatnonzero(dup_u[ix.inverse])
    # A few coincidences among many rows (different records equal on a handful of coarse
    # columns) are a warning; a share of 1 % or more is a leak.
    severity = "fail" if worst[0] >= 0.01 * max(worst[1], 1) else "warn"
    return [Finding(
        "duplicates_across_split", severity,
        f"{worst[0]} of the {worst[1]} held-out rows of {s.splitter} have an identical copy among its training rows "
        f"({int(dup_u.sum())} distinct duplicated rows over all folds): the model is tested on rows it memorised. "
        f"Remove duplicates before splitting, or split by entity (GroupKFold / GroupShuffleSplit).",
        rows=capped_rows(dup_rows),
        evidence={"splitter": s.splitter, "n_rows": int(len(dup_rows)), "n_held_out_seen": worst[0],
                  "n_held_out": worst[1]},
    )]


def fit_saw_held_out(ctx: Any, s: Any, ix: Any) -> list[Finding]:
    """Held-out rows predicted by a model, or through a transform, fitted on them."""
    out = []
    for k, scoring in enumerate(ctx.scoring(s, ix)):
        ho = ix.held_only[k]
        for p, pos in scoring:
            for fid in sorted(p.history):
                f = ctx.fits.get(fid)
                if f is None or f.rows is None or not f.requires_fit or (fid, s.id) in ctx.reported:
                    continue
                seen_u = ix.mask_of(ctx.roots_of(fid), lambda fid=fid: ctx.sorted_roots_of(fid))
                hit = seen_u[pos] & ho[pos]
                seen = int(hit.sum())
                if not seen:
                    continue
                if s.declared and seen < 0.5 * len(pos) and seen < 0.5 * len(ctx.sorted_roots_of(fid)):
                    # A declared test set has no training side: a fit mostly on other rows that met
                    # a few held-out rows met copies of them (duplicates).
                    prev = ctx.declared_dups.get(s.id)
                    if prev is None or seen > prev[0]:
                        ctx.declared_dups[s.id] = (seen, int(len(pos)), np.flatnonzero(hit))
                    continue
                ctx.reported.add((fid, s.id))
                out.append(Finding(
                    "fit_saw_held_out", "fail",
                    f"{p.estimator}.{p.method} scored {len(pos)} held-out rows of {s.splitter}, but {f.estimator} "
                    f"(used in that prediction) had been fitted on {seen} of those very rows. Fit every step on the "
                    f"training rows only (after the split), then transform and score the held-out rows.",
                    rows=capped_rows(np.flatnonzero(hit)),
                    evidence={"estimator": f.estimator, "predictor": p.estimator, "splitter": s.splitter,
                              "n_held_out_seen": seen, "n_held_out": int(len(pos)), "fold": k + 1},
                ))
    return out


def statistic_saw_held_out(ctx: Any, s: Any, ix: Any) -> list[Finding]:
    """A statistic computed in pandas/numpy on rows this split holds out reached the data
    that was split (computed before the split) or that a model scored (computed after).
    One finding per split, naming every such statistic and how it was used."""
    stats = [(ctx.records[r], None) for r in sorted(s.taint) if isinstance(ctx.records.get(r), StatRecord)]
    for k, scoring in enumerate(ctx.scoring(s, ix)):
        for p, pos in scoring:
            stats += [(ctx.records[r], (k, pos)) for r in sorted(p.history)
                      if isinstance(ctx.records.get(r), StatRecord)]
    hits = []
    for st, scored in stats:
        if st.windows and (st.id, s.id) not in ctx.reported:
            per_fold = _window_reads_per_fold(ctx, st, ix, None if scored is None else scored[0])
            if max(per_fold) > 0:
                ctx.reported.add((st.id, s.id))
                hits.append((st, True, per_fold, None))
            continue
        if st.rows is None or (st.id, s.id) in ctx.reported:
            continue
        seen_per_fold, seen_u = _seen_per_fold(ctx, st.id, ix)
        if scored is not None:
            k, pos = scored
            seen_per_fold = [int((seen_u[pos] & ix.held_only[k][pos]).sum()) if j == k else 0
                             for j in range(len(s.folds))]
        if max(seen_per_fold) == 0:
            continue
        ctx.reported.add((st.id, s.id))
        hits.append((st, scored is None, seen_per_fold, seen_u))
    if not hits:
        return []
    st0, before, seen_per_fold, seen_u = max(hits, key=lambda h: max(h[2]))
    worst = int(np.argmax(seen_per_fold))
    seen, held = seen_per_fold[worst], int(ix.held_only[worst].sum())
    labels = list(dict.fromkeys(h[0].label for h in hits))
    uses = list(dict.fromkeys(u for h in hits for u in h[0].uses))
    exact = any(h[0].evidence == "exact" for h in hits)
    te = np.asarray(s.folds[worst][1])
    when = "before the data was split by" if before else "on rows held out by"
    what = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    verb = "was" if len(labels) == 1 else "were"
    return [Finding(
        "statistic_saw_held_out", "fail" if exact else "warn",
        f"{what} {verb} computed on {st0.n_rows} rows {when} {_where(s)}: {'it' if len(labels) == 1 else 'they'} read "
        f"{seen} of the {held} held-out rows{_fold_txt(seen_per_fold, worst)}, and the value reached the model's data "
        f"({'; '.join(uses) or 'it shaped the data'}). {_FIX_STAT}",
        rows=capped_rows(te[seen_u[ix.inverse[te]]]) if before and seen_u is not None else (),
        evidence={"estimator": labels[0], "statistics": labels, "uses": uses, "splitter": s.splitter,
                  "n_held_out_seen": seen, "n_held_out": held, "n_folds": len(s.folds),
                  "held_out_seen_per_fold": seen_per_fold, "stat_rows": st0.n_rows},
    )]


def _located(ctx: Any, fps: np.ndarray, ix: Any) -> tuple[np.ndarray, np.ndarray]:
    """(found, position among the split's unique rows) for each fingerprint."""
    roots = ctx.resolve(fps)
    if not len(ix.uniq):
        return np.zeros(len(roots), dtype=bool), np.zeros(len(roots), dtype=np.intp)
    idx = _search(ix.uniq, roots)
    idx[idx == len(ix.uniq)] = 0
    return ix.uniq[idx] == roots, idx


def _window_reads_per_fold(ctx: Any, st: Any, ix: Any, only: int | None = None) -> list[int]:
    """For a statistic read per row (lags, windows, group statistics): per fold, how many
    held-out rows the values of training rows read (and of held-out rows, when it read the
    target: a held-out row's own label in its feature)."""
    target = bool(set(st.columns) & ctx.trace._y_names)
    located = [(r, _located(ctx, r.inputs, ix), _located(ctx, r.readers, ix)) for r in st.windows]
    out = []
    for k in range(len(ix.folds)):
        worst = 0
        for r, (f_in, i_in), (f_rd, i_rd) in located if only is None or only == k else ():
            held_in = f_in & ix.held_only[k][i_in]
            train_rd = f_rd & ix.tr_masks[k][i_rd] & ~ix.te_masks[k][i_rd]
            held_rd = f_rd & ix.held_only[k][i_rd]
            worst = max(worst, held_reads(r, held_in, train_rd, held_rd if target else None))
        out.append(worst)
    return out


def pool_scorers(ctx: Any, s: Any, ix: Any) -> None:
    """Collect who scored each fold's held-out rows, outside a search object. Folds with the
    same held-out rows are pooled across splits: calling cross_val_score once per setting
    reuses the same folds just as a loop over one test set does."""
    if s.inside_search:
        return
    for k, scoring in enumerate(ctx.scoring(s, ix)):
        if not scoring:
            continue
        te_m = ix.te_masks[k]
        rows = ix.uniq[te_m]
        key = hash(rows.tobytes())
        pool = ctx.reuse.setdefault(key, {"split": s, "fold": k, "n": int(te_m.sum()), "preds": [], "rows": rows})
        pool["preds"].extend(p for p, _ in scoring if all(p is not q for q in pool["preds"]))


def declared_duplicates(ctx: Any) -> list[Finding]:
    out = []
    for sid, (seen, held, rows) in ctx.declared_dups.items():
        s = next(x for x in ctx.trace.splits if x.id == sid)
        out.append(Finding(
            "duplicates_across_split", "fail" if seen >= 0.01 * held else "warn",
            f"{seen} of the {held} rows of {s.splitter} have an identical copy among the rows a model was fitted on: "
            f"the model is tested on rows it memorised. Remove duplicates before splitting, or split by entity "
            f"(GroupKFold / GroupShuffleSplit).",
            rows=capped_rows(rows),
            evidence={"splitter": s.splitter, "n_rows": seen, "n_held_out_seen": seen, "n_held_out": held},
        ))
    return out


def test_reuse(ctx: Any) -> list[Finding]:
    """The same held-out rows scored by many models or settings (a warning: picking the
    best of them on these rows makes its score optimistic)."""
    for pool in ctx.reuse.values():
        preds = pool["preds"]
        if _was_validation(ctx, pool):
            continue
        staged = [p for p in preds if p.method.startswith("staged_")]
        if staged:  # one prediction per boosting stage: picking a stage on these rows is picking a setting
            s = pool["split"]
            return [Finding(
                "test_reuse", "warn",
                f"{staged[0].estimator}.{staged[0].method} scored the held-out rows of {s.splitter} after every "
                f"boosting stage: choosing the number of stages on these rows tunes on the test set. Choose it on "
                f"a validation split (or with early stopping on the training rows) and score the test rows once.",
                evidence={"splitter": s.splitter, "n_configs": None, "fold": pool["fold"] + 1,
                          "n_held_out": pool["n"], "staged": True},
            )]
        if len({(p.owner, p.model_fit) for p in preds}) < ctx.test_reuse_min_configs:
            continue
        configs = _settings(preds)
        if len(configs) < ctx.test_reuse_min_configs:
            continue
        s = pool["split"]
        names = sorted({name for _, name in configs})
        return [Finding(
            "test_reuse", "warn",
            f"The held-out rows of {s.splitter} were scored by {len(configs)} different models or settings "
            f"({', '.join(names)}). If the best of them is picked on these rows, its score is optimistic: tune on a "
            f"validation split (or with GridSearchCV inside nested CV) and score the test rows once.",
            evidence={"splitter": s.splitter, "n_configs": len(configs), "fold": pool["fold"] + 1,
                      "n_held_out": pool["n"]},
        )]
    return []


test_reuse.__test__ = False  # type: ignore[attr-defined] - not a pytest test


def _settings(preds: list) -> list[tuple[tuple, str]]:
    """The distinct settings among the models that scored, each with a model's name. Models
    set alike are one setting even when fitted differently (a leaky and an honest version of
    the same model, a step moved into a Pipeline, a model refitted on other columns): only a
    choice among settings (hyperparameters, model families, preprocessing steps set
    differently) can be picked on the held-out rows. Settings are noted when each model
    scores, so a model refitted with ``set_params`` counts once per setting."""
    from ._estimators import same_setting

    out: list[tuple[tuple, str]] = []
    for p in preds:
        setting = (p.config if p.config is not None else f"{p.estimator}@{p.owner}",) + (tuple(p.preprocessing) or ((), False))
        if not any(same_setting(setting, s) for s, _ in out):
            out.append((setting, p.estimator))
    return out


def _was_validation(ctx: Any, pool: dict) -> bool:
    """Held-out rows carved from the training side of an outer split (a validation split of
    the training rows) are there to choose settings: comparing settings on them is their job.
    The outer split runs on more rows, among which these are training rows."""
    s = pool["split"]
    inner = ctx.indexes[s.id]
    rows = pool["rows"]
    for s2 in ctx.trace.splits:
        ix2 = ctx.indexes.get(s2.id)
        if s2 is s or ix2 is None or s2.kind == "inferred" or len(ix2.uniq) <= len(inner.uniq):
            continue
        if not _contains(inner.uniq, ix2.uniq).all():
            continue
        pos = _search(ix2.uniq, rows)
        for tr_m, te_m in zip(ix2.tr_masks, ix2.te_masks):
            if (tr_m[pos] & ~te_m[pos]).mean() >= 0.5:
                return True
    return False


def no_held_out(ctx: Any, evaluations: list) -> list[Finding]:
    """Scores computed only on rows their own model was fitted on. A fail for a split whose
    held-out rows were never scored after it while the models evaluated after it scored
    only their training rows (a split made, then ignored: judged split by split, so an
    honest evaluation earlier in a long session does not hide it); a warning when the block
    made no split at all and every score was on training rows (it may only fit a model for
    use)."""
    preds = {p.id: p for p in ctx.trace.predictions}
    known = [e for e in evaluations if e.n_held_out is not None and _counts(preds.get(e.prediction))]
    if not known:
        return []
    splits = sorted((s for s in ctx.trace.splits if not s.internal and s.kind != "inferred"), key=lambda s: s.time)
    if not splits:
        if any(e.held_out for e in known):
            return []
        names = sorted({f"{e.predictor}.{e.method}" for e in known})
        return [Finding(
            "no_held_out", "warn",
            f"Every score in this block ({len(known)} evaluation(s): {', '.join(names)}) was computed on rows the "
            f"model had been fitted on, and nothing was held out. If this is an evaluation, it measures memory, not "
            f"prediction: split first (train_test_split) or cross-validate, and score rows the model never saw.",
            evidence={"n_evaluations": len(known), "predictors": names, "splitter": None},
        )]
    out = []
    for s in splits:
        after = [e for e in known if preds[e.prediction].time > s.time]
        # Held-out rows of a recorded split that were scored count, even by a model that saw
        # them (fit_saw_held_out says so): the held-out set was used, not ignored.
        if not after or any(e.held_out or (e.split is not None and e.split != HAND_SPLIT) for e in after):
            continue
        if _held_out_scored_after(ctx, s):
            continue
        names = sorted({f"{e.predictor}.{e.method}" for e in after})
        out.append(Finding(
            "no_held_out", "fail",
            f"Every score after {s.splitter} ({len(after)} evaluation(s): {', '.join(names)}) was computed on rows "
            f"the model had been fitted on; the held-out rows of {s.splitter} were never scored. A score on training "
            f"rows measures memory, not prediction: fit on the training rows only and score the held-out rows.",
            evidence={"n_evaluations": len(after), "predictors": names, "splitter": s.splitter},
        ))
    return out[:1]  # one split ignored is the finding; more of them say the same


def _held_out_scored_after(ctx: Any, s: Any) -> bool:
    """Whether any prediction made after split ``s`` scored some of its held-out rows."""
    ix = ctx.indexes.get(s.id)
    if ix is None:
        return False
    held = np.any(ix.held_only, axis=0) if ix.held_only else np.zeros(len(ix.uniq), dtype=bool)
    for p in ctx.trace.predictions:
        if p.time > s.time:
            pos = ix.positions(ctx.pred_roots[p.id], min_found=0.0)
            if pos is not None and held[pos].any():
                return True
    return False


def _counts(p: Any) -> bool:
    return p is not None and p.method != "score_samples" and p.supervised


def run(ctx: Any, recorded: list, inferred: list, evaluations: list) -> list[Finding]:
    """Every rule, in order: per split, then across splits."""
    findings: list[Finding] = []
    for s in recorded + inferred:
        ix = ctx.indexes[s.id]
        if s.kind != "inferred":
            findings += fit_before_split(ctx, s, ix)
        findings += statistic_saw_held_out(ctx, s, ix)
        findings += outliers_removed_before_split(ctx, s, ix)
        findings += duplicates_across_split(ctx, s, ix)
        findings += fit_saw_held_out(ctx, s, ix)
        pool_scorers(ctx, s, ix)
    findings += declared_duplicates(ctx)
    findings += test_reuse(ctx)
    findings += no_held_out(ctx, evaluations)
    return findings
