"""What the tracer records: fits, splits, predictions, statistics, and what it derives from
them when the block ends (evaluations, coverage gaps).

Every record keeps row *fingerprints* (:mod:`leakkit._rows`), never the rows themselves.

>>> from leakkit.tracing._records import CoverageGap
>>> g = CoverageGap("worker_processes", "cross_val_score(n_jobs=2)", 5, "fits ran in worker processes")
>>> print(g)
worker_processes: cross_val_score(n_jobs=2) (5): fits ran in worker processes
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["FitRecord", "SplitRecord", "PredictRecord", "StatRecord", "Evaluation", "CoverageGap"]


@dataclass(eq=False)
class FitRecord:
    """One recorded fit. ``rows`` are fingerprints of the rows it saw (outermost fits only;
    a fit nested inside another estimator's fit has ``rows=None`` and its ``parent``).
    ``remote`` fits ran in worker processes or threads and were reconstructed from the
    caller's folds (their inner steps were not seen)."""

    id: int
    estimator: str
    method: str
    n_rows: int | None
    outermost: bool
    parent: int | None
    inside_search: bool
    rows: np.ndarray | None = None
    taint: frozenset = frozenset()
    requires_fit: bool = True
    is_outlier_detector: bool = False
    time: float = 0.0
    used: bool = False
    remote: bool = False

    def to_dict(self) -> dict:
        return {"id": self.id, "estimator": self.estimator, "method": self.method, "n_rows": self.n_rows,
                "outermost": self.outermost, "parent": self.parent, "inside_search": self.inside_search,
                "remote": self.remote}


@dataclass(eq=False)
class SplitRecord:
    """One split: the splitter, the data's row fingerprints, and its folds as (train
    positions, test positions).

    ``splitter`` names what the learner called (``train_test_split``, ``cross_val_score
    (StratifiedKFold)``, ``KFold``...). ``kind`` is ``"splitter"`` (a splitter ran),
    ``"declared"`` (rows declared with :meth:`Trace.hold_out`) or ``"inferred"`` (a split
    made by hand, inferred when the block ended from models scored on rows their fit did not
    see: its rows are then root fingerprints, its train side the models' training rows)."""

    id: int
    splitter: str
    rows: np.ndarray
    folds: list = field(default_factory=list)
    taint: frozenset = frozenset()
    internal: bool = False
    inside_search: bool = False
    time: float = 0.0
    frame_key: int | None = None
    kind: str = "splitter"
    n_jobs: Any = None
    entry: str | None = None  # the scikit-learn entry point that made it (cross_val_score...)

    @property
    def declared(self) -> bool:
        return self.kind == "declared"

    def to_dict(self) -> dict:
        return {"id": self.id, "splitter": self.splitter, "kind": self.kind, "n_rows": int(len(self.rows)),
                "n_folds": len(self.folds), "internal": self.internal, "inside_search": self.inside_search,
                "test_sizes": [int(len(te)) for _, te in self.folds]}


@dataclass(eq=False)
class PredictRecord:
    """One outermost prediction or score: which rows were predicted, by what. ``est`` is
    the estimator while the block runs, a weak reference to it once the block has ended."""

    id: int
    estimator: str
    est: Any
    method: str
    rows: np.ndarray
    history: frozenset
    model_fit: int | None = None
    time: float = 0.0
    config: str | None = None  # the predictor's settings
    owner: int = 0  # which estimator object scored (stable while the block runs)
    supervised: bool = True  # a classifier's or regressor's prediction (an evaluation)
    preprocessing: tuple = ()  # (learning steps it went through, some done by hand?): see test_reuse

    def to_dict(self) -> dict:
        return {"id": self.id, "estimator": self.estimator, "method": self.method, "n_rows": int(len(self.rows)),
                "model_fit": self.model_fit}


@dataclass(eq=False)
class StatRecord:
    """One statistic computed in pandas or numpy over rows (a mean, a median, a quantile,
    a group mean, value counts, a correlation...). ``rows`` are the fingerprints of the rows
    it read, filled in when its value is found in data that reached a model (``used``);
    ``uses`` says how (``"filled missing values of 'income'"``). A record with
    ``alternatives`` stands for "one of these statistics": several gave the same value."""

    id: int
    label: str
    kind: str
    n_rows: int | None
    time: float = 0.0
    columns: tuple = ()
    rows: np.ndarray | None = None
    used: bool = False
    uses: list = field(default_factory=list)
    alternatives: tuple = ()
    requires_fit: bool = True
    evidence: str = "exact"  # "exact", or "weak" (a column choice a few picks could match by chance)
    windows: list = field(default_factory=list)  # for a window statistic: what each derived row read

    @property
    def estimator(self) -> str:  # the name rules print, like a fit's
        return self.label

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "kind": self.kind, "n_rows": self.n_rows,
                "columns": [str(c) for c in self.columns], "used": self.used, "uses": list(self.uses)}


@dataclass(frozen=True)
class Evaluation:
    """One evaluation: a model (``predictor``) scored ``n_rows`` rows, ``n_held_out`` of
    which its own fit did not see. ``held_out`` is True when it scored any such row.
    ``split`` names the recorded split whose held-out rows these are (None for a split
    made by hand, inferred). ``n_held_out`` is None when the model was fitted before the
    block (its training rows are unknown)."""

    predictor: str
    method: str
    n_rows: int
    n_held_out: int | None
    held_out: bool | None
    split: str | None
    fold: int | None
    prediction: int
    model_fit: int | None

    def to_dict(self) -> dict:
        return {"predictor": self.predictor, "method": self.method, "n_rows": self.n_rows,
                "n_held_out": self.n_held_out, "held_out": self.held_out, "split": self.split,
                "fold": self.fold, "prediction": self.prediction, "model_fit": self.model_fit}


@dataclass(frozen=True)
class CoverageGap:
    """Something the tracer did not see. ``kind`` is one of ``worker_processes``,
    ``other_threads``, ``unpatchable``, ``not_fingerprinted``, ``fitted_outside``,
    ``statistic_unplaced``, ``statistic_unfollowed``, ``not_snapshotted``, ``tracer_error``;
    ``what`` names the object or call, ``count`` how many times, ``detail`` what was missed."""

    kind: str
    what: str
    count: int
    detail: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "what": self.what, "count": self.count, "detail": self.detail}

    def __str__(self) -> str:
        return f"{self.kind}: {self.what} ({self.count}): {self.detail}"


@dataclass(eq=False)
class _Output:
    """Rows produced from other rows at the same positions (a transform's output, data
    derived from a statistic, an element-wise re-expression), and what they carry."""

    rows: np.ndarray  # fingerprints of the output rows
    parents: np.ndarray | None  # fingerprints of the input rows, same positions
    taint: frozenset
    digests: tuple = ()  # one per output column, to recognise the columns inside other frames
    values: Any = None  # the output itself, while the block runs (element-wise links)
    source: Any = None  # the input it came from, while the block runs
    changed: Any = None  # which rows carry the taint (default: rows that differ from their parents)
    statistic: bool = False  # derived from statistics: carried only by data mostly made of these rows
    labels: Any = None  # a derived frame's index labels, same positions as ``rows`` (while the block runs)

    def __post_init__(self) -> None:
        from ._util import _unique

        # Rows left unchanged carry nothing (an imputer passes complete rows through): only
        # changed rows are tainted.
        if self.changed is not None:
            changed = self.rows[self.changed]
        else:
            changed = self.rows if self.parents is None else self.rows[self.rows != self.parents]
        self.changed = None
        self.sorted_rows = _unique(changed)
