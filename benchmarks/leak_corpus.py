"""The precision/recall corpus of the audit: every table bundled with scikit-learn, clean
(split at random, and by a synthetic date) and with one leak planted at a time.

Used by ``benchmarks/bench_audit_precision.py`` (every table, every leak, beside deepchecks
and skore) and by ``tests/test_checklist.py`` (a subset). Nothing is downloaded: the tables
ship inside scikit-learn, the leaks are generated with a seed.

A planted case says which finding must report it (``expect``: check name and, for
column leaks, the column).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn import datasets as skd

__all__ = ["Case", "bundled_tables", "clean_cases", "planted_cases", "LEAK_KINDS"]

LEAK_KINDS = ("noisy_target_copy", "post_event_count", "id_ordered_by_target", "exact_copies", "near_copies",
              "time_overlap", "group_overlap")


@dataclass
class Case:
    """One audit to run: tables, the roles of their columns, and what it must find."""

    table: str
    variant: str  # "clean: random split", "clean: date split", or the planted leak's kind
    train: pd.DataFrame
    test: pd.DataFrame
    target: str
    time_column: str | None = None
    group_column: str | None = None
    near: bool = False
    expect: list[tuple[str, str | None]] = field(default_factory=list)  # (check, column) that must be reported

    @property
    def clean(self) -> bool:
        return not self.expect


def bundled_tables() -> list[tuple[str, pd.DataFrame, str]]:
    """(name, frame, target) for every table bundled with scikit-learn (linnerud once per target)."""
    out = []
    for name in ("iris", "wine", "breast_cancer", "digits", "diabetes"):
        frame = getattr(skd, f"load_{name}")(as_frame=True).frame
        out.append((name, frame, "target"))
    lin = skd.load_linnerud(as_frame=True)
    for t in lin.target.columns:
        out.append((f"linnerud_{t.lower()}", pd.concat([lin.data, lin.target[[t]]], axis=1), t))
    return out


def _dates(n: int, rng: np.random.Generator) -> pd.Series:
    """A synthetic visit date per row, at random (the tables' row order often follows the target)."""
    return pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.permutation(n) * 2, unit="D"))


def _random_split(frame: pd.DataFrame, rng: np.random.Generator, test_size: float = 0.25):
    order = rng.permutation(len(frame))
    cut = len(frame) - max(2, int(round(test_size * len(frame))))
    return frame.iloc[order[:cut]].reset_index(drop=True), frame.iloc[order[cut:]].reset_index(drop=True)


def _date_split(frame: pd.DataFrame, rng: np.random.Generator, test_size: float = 0.25):
    dated = frame.assign(visit_date=_dates(len(frame), rng).to_numpy()).sort_values("visit_date")
    cut = len(dated) - max(2, int(round(test_size * len(dated))))
    return dated.iloc[:cut].reset_index(drop=True), dated.iloc[cut:].reset_index(drop=True)


def clean_cases(seed: int = 0) -> Iterator[Case]:
    for name, frame, target in bundled_tables():
        rng = np.random.default_rng([seed, len(frame)])
        tr, te = _random_split(frame, rng)
        yield Case(name, "clean: random split", tr, te, target, near=True)
        tr, te = _date_split(frame, rng)
        yield Case(name, "clean: date split", tr, te, target, time_column="visit_date", near=True)


def _target_code(y: pd.Series) -> np.ndarray:
    """The target as numbers: class codes (ordered), or the values for regression."""
    if y.nunique() <= 20:
        return pd.factorize(y, sort=True)[0].astype(float)
    return y.to_numpy(dtype=float)


def _plant_column(frame: pd.DataFrame, target: str, kind: str, rng: np.random.Generator) -> tuple[pd.DataFrame, str]:
    y = _target_code(frame[target])
    scale = y.std() if y.std() > 0 else 1.0
    n = len(frame)
    if kind == "noisy_target_copy":  # a status derived from the outcome, with a little noise
        col = "outcome_score"
        values = y + rng.normal(0, 0.35 * (scale if frame[target].nunique() > 20 else 1.0), n)
    elif kind == "post_event_count":  # follow-up contacts counted after the outcome
        col = "followup_contacts"
        level = (pd.Series(y).rank(pct=True).to_numpy())
        values = rng.poisson(0.2 + 6.0 * level ** 2)
    else:  # an ID handed out in the order of the outcome
        col = "record_id"
        values = np.empty(n, dtype=np.int64)
        values[np.argsort(y + rng.normal(0, 0.05 * scale, n), kind="stable")] = 100_000 + np.arange(n)
    return frame.assign(**{col: values}), col


def planted_cases(seed: int = 0, kinds: tuple[str, ...] = LEAK_KINDS) -> Iterator[Case]:
    for name, frame, target in bundled_tables():
        rng = np.random.default_rng([seed, len(frame), 7])
        for kind in kinds:
            if kind in ("noisy_target_copy", "post_event_count", "id_ordered_by_target"):
                leaky, col = _plant_column(frame, target, kind, rng)
                tr, te = _date_split(leaky, rng)
                check = "id_column" if kind == "id_ordered_by_target" else "feature_power"
                yield Case(name, kind, tr, te, target, time_column="visit_date", expect=[(check, col)])
            elif kind in ("exact_copies", "near_copies"):
                tr, te = _random_split(frame, rng)
                k = max(1, int(round(0.05 * len(te))))
                where = rng.choice(len(te), k, replace=False)
                src = tr.iloc[rng.choice(len(tr), k, replace=False)].reset_index(drop=True)
                te = te.copy()
                feats = [c for c in frame.columns if c != target]
                if kind == "near_copies":  # 0.1 % multiplicative noise on every number
                    noisy = src[feats].to_numpy(dtype=float) * (1 + rng.normal(0, 0.001, (k, len(feats))))
                    src[feats] = noisy
                te.iloc[where] = src[te.columns].to_numpy()
                te = te.astype(frame.dtypes.to_dict())
                yield Case(name, kind, tr, te, target, near=True,
                           expect=[("duplicates" if kind == "exact_copies" else "near_duplicates", None)])
            elif kind == "time_overlap":  # dated, but split at random
                dated = frame.assign(visit_date=_dates(len(frame), rng).to_numpy())
                tr, te = _random_split(dated, rng)
                yield Case(name, kind, tr, te, target, time_column="visit_date",
                           expect=[("time_overlap", "visit_date")])
            elif kind == "group_overlap":  # patients with several rows each, split at random
                n_groups = max(2, len(frame) // 4)
                grouped = frame.assign(patient_id=rng.integers(0, n_groups, len(frame)))
                tr, te = _random_split(grouped, rng)
                yield Case(name, kind, tr, te, target, group_column="patient_id",
                           expect=[("group_overlap", "patient_id")])
