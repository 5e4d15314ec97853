"""Measure a leak: run a leaky and an honest protocol over several seeds and report both
scores, the optimism gap (leaky minus honest) and its spread.

A *protocol* is any function ``protocol(seed) -> score``: it makes (or resamples) its data
with that seed, evaluates a model its own way, and returns one number. Seeds are what make
the spread honest: one lucky split can make a leak look big or vanish.

>>> from leakkit.evaluate import optimism_gap
>>> r = optimism_gap(lambda seed: 0.9, lambda seed: 0.5 + 0.01 * seed, seeds=3)
>>> round(r.gap_mean, 2), r.n_seeds
(0.39, 3)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._live import deliberate
from ._validation import check_int

__all__ = ["GapResult", "optimism_gap", "compare_protocols", "preprocessing_gap", "format_gap"]


def format_gap(mean: float, std: float | None = None, digits: int = 3) -> str:
    """A gap as the course prints it: signed, with its spread, never ``-0.000``.

    >>> format_gap(0.19849, 0.0402)
    '+0.198 ± 0.040'
    >>> format_gap(-0.00004, 0.00001)
    '0.000 ± 0.000'
    >>> format_gap(-4.4, digits=2)
    '-4.40'
    """
    r = round(float(mean), digits)
    text = f"{0.0:.{digits}f}" if r == 0 else f"{r:+.{digits}f}"
    if std is not None:
        text += f" ± {abs(round(float(std), digits)):.{digits}f}"
    return text


@dataclass(frozen=True)
class GapResult:
    """Scores of a leaky and an honest protocol on the same seeds.

    ``gap`` is leaky minus honest, seed by seed; its mean and standard deviation are
    the optimism a leak adds and how much that varies.
    """

    name: str
    seeds: tuple[int, ...]
    leaky_scores: np.ndarray
    honest_scores: np.ndarray

    @property
    def n_seeds(self) -> int:
        return len(self.seeds)

    @property
    def gaps(self) -> np.ndarray:
        return self.leaky_scores - self.honest_scores

    @property
    def leaky_mean(self) -> float:
        return float(np.mean(self.leaky_scores))

    @property
    def leaky_std(self) -> float:
        return float(np.std(self.leaky_scores, ddof=1)) if self.n_seeds > 1 else 0.0

    @property
    def honest_mean(self) -> float:
        return float(np.mean(self.honest_scores))

    @property
    def honest_std(self) -> float:
        return float(np.std(self.honest_scores, ddof=1)) if self.n_seeds > 1 else 0.0

    @property
    def gap_mean(self) -> float:
        return float(np.mean(self.gaps))

    @property
    def gap_std(self) -> float:
        return float(np.std(self.gaps, ddof=1)) if self.n_seeds > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.name, "leaky_mean": self.leaky_mean, "leaky_std": self.leaky_std,
            "honest_mean": self.honest_mean, "honest_std": self.honest_std,
            "gap": self.gap_mean, "gap_std": self.gap_std, "n_seeds": self.n_seeds,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per seed: seed, leaky, honest, gap."""
        return pd.DataFrame({"seed": self.seeds, "leaky": self.leaky_scores, "honest": self.honest_scores,
                             "gap": self.gaps})

    @property
    def n_leaky_ahead(self) -> int:
        """On how many seeds the leaky protocol scored higher than the honest one."""
        return int((self.gaps > 0).sum())

    def gap_text(self, digits: int = 3) -> str:
        """The gap as the course prints it: ``"+0.267 ± 0.070"``, or ``"0 on every seed"``.

        >>> GapResult("x", (0, 1), np.array([0.8, 0.7]), np.array([0.8, 0.7])).gap_text()
        '0 on every seed'
        >>> GapResult("x", (0, 1), np.array([0.8, 0.7]), np.array([0.8001, 0.6999])).gap_text()
        '0.0000 ± 0.0001'
        """
        if not np.any(self.gaps):
            return "0 on every seed"
        while digits < 6 and round(self.gap_mean, digits) == 0 and round(self.gap_std, digits) == 0:
            digits += 1  # a tiny gap keeps its first significant digit: +0.0001 ± 0.0003
        return format_gap(self.gap_mean, self.gap_std, digits)

    def __str__(self) -> str:
        head = (f"{self.name}: leaky {self.leaky_mean:.3f} ± {self.leaky_std:.3f} vs honest "
                f"{self.honest_mean:.3f} ± {self.honest_std:.3f} -> ")
        if not np.any(self.gaps):
            return head + f"gap 0 on every one of {self.n_seeds} seeds (both protocols scored the same)"
        return head + (f"gap {self.gap_text()} over {self.n_seeds} seeds, "
                       f"leaky higher on {self.n_leaky_ahead}")


def _seeds(seeds: int | Iterable[int]) -> tuple[int, ...]:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        check_int(seeds, "seeds", minimum=1)
        return tuple(range(int(seeds)))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TypeError(f"seeds: expected a number of seeds (int) or a list of ints, got {type(seeds).__name__}.")
    out = tuple(seeds)
    if not out:
        raise ValueError("seeds: the list of seeds is empty; pass at least one seed, e.g. seeds=5.")
    for s in out:
        check_int(s, "seeds (each seed)")
    return tuple(int(s) for s in out)


def _run(protocol: Callable[[int], Any], seed: int, which: str) -> float:
    with deliberate():  # a leak measured on purpose: not reported by %load_ext leakkit or pytest --leakkit
        score = protocol(seed)
    if isinstance(score, (bool, np.bool_)) or not isinstance(score, (int, float, np.integer, np.floating)):
        raise TypeError(f"{which}: the protocol must return one number (a score) for each seed; "
                        f"for seed {seed} it returned {type(score).__name__}.")
    if not np.isfinite(score):
        raise ValueError(f"{which}: the protocol returned {score} for seed {seed}; a score must be finite.")
    return float(score)


def optimism_gap(leaky: Callable[[int], float], honest: Callable[[int], float], *,
                 seeds: int | Iterable[int] = 5, name: str = "experiment") -> GapResult:
    """Run both protocols on each seed and return their scores and the gap.

    Parameters
    ----------
    leaky, honest : callable ``seed -> score``
        The two ways of evaluating; each gets the same seeds.
    seeds : int or iterable of int, default 5
        ``5`` means seeds 0..4.
    name : str
        A label for reports and plots.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.feature_selection import SelectKBest
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> def data(seed):
    ...     rng = np.random.default_rng(seed)
    ...     return rng.normal(size=(60, 500)), rng.integers(0, 2, 60)
    >>> def leaky(seed):
    ...     X, y = data(seed)
    ...     Xk = SelectKBest(k=10).fit_transform(X, y)
    ...     return cross_val_score(LogisticRegression(), Xk, y, cv=5).mean()
    >>> def honest(seed):
    ...     X, y = data(seed)
    ...     return cross_val_score(make_pipeline(SelectKBest(k=10), LogisticRegression()), X, y, cv=5).mean()
    >>> r = optimism_gap(leaky, honest, seeds=3, name="selection")
    >>> r.gap_mean > 0.2
    True
    """
    if not callable(leaky):
        raise TypeError(f"leaky: expected a function seed -> score, got {type(leaky).__name__}.")
    if not callable(honest):
        raise TypeError(f"honest: expected a function seed -> score, got {type(honest).__name__}.")
    if not isinstance(name, str):
        raise TypeError(f"name: expected a str label, got {type(name).__name__}.")
    ss = _seeds(seeds)
    lk = np.array([_run(leaky, s, "leaky") for s in ss])
    hn = np.array([_run(honest, s, "honest") for s in ss])
    return GapResult(name=name, seeds=ss, leaky_scores=lk, honest_scores=hn)


def compare_protocols(experiments: Mapping[str, tuple[Callable[[int], float], Callable[[int], float]]], *,
                      seeds: int | Iterable[int] = 5) -> pd.DataFrame:
    """Several experiments at once: ``{name: (leaky, honest)}`` -> one row each with
    ``experiment, leaky_mean, leaky_std, honest_mean, honest_std, gap, gap_std, n_seeds``
    (the input of :func:`leakkit.plot.score_gap`).

    >>> df = compare_protocols({"a": (lambda s: 0.8, lambda s: 0.6)}, seeds=2)
    >>> df[["experiment", "gap"]].round(2).to_dict("records")
    [{'experiment': 'a', 'gap': 0.2}]
    """
    if not isinstance(experiments, Mapping) or not experiments:
        raise ValueError("experiments: expected a non-empty dict {name: (leaky, honest)}.")
    rows = []
    for name, pair in experiments.items():
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"experiments[{name!r}]: expected a (leaky, honest) pair of functions.")
        rows.append(optimism_gap(pair[0], pair[1], seeds=seeds, name=str(name)).to_dict())
    return pd.DataFrame(rows)


def preprocessing_gap(step: Any, model: Any, make_data: Callable[[int], tuple[Any, Any]], *,
                      seeds: int | Iterable[int] = 5, cv: int = 5, scoring: str | None = None,
                      name: str | None = None) -> GapResult:
    """The gap for one preprocessing step: fitted on all rows before cross-validation
    (leaky) versus inside a Pipeline in cross-validation (honest).

    ``make_data(seed)`` returns ``(X, y)``; ``step`` is a transformer and ``model`` an
    estimator (both cloned for each seed, so the ones passed are left untouched).

    >>> import numpy as np
    >>> from sklearn.feature_selection import SelectKBest
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> def noise(seed):
    ...     rng = np.random.default_rng(seed)
    ...     return rng.normal(size=(50, 1000)), rng.permutation([0, 1] * 25)
    >>> r = preprocessing_gap(SelectKBest(k=20), KNeighborsClassifier(1), noise, seeds=3)
    >>> r.leaky_mean > 0.8 and abs(r.honest_mean - 0.5) < 0.2
    True
    """
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    for arg, obj, meth in (("step", step, "fit_transform"), ("model", model, "fit")):
        if not hasattr(obj, meth):
            raise TypeError(f"{arg}: expected a scikit-learn estimator with a {meth} method, got {type(obj).__name__}.")
    if not callable(make_data):
        raise TypeError("make_data: expected a function seed -> (X, y).")
    check_int(cv, "cv", minimum=2)

    def leaky(seed: int) -> float:
        X, y = make_data(seed)
        Xt = clone(step).fit_transform(X, y)  # unsupervised steps ignore y
        return float(cross_val_score(clone(model), Xt, y, cv=cv, scoring=scoring).mean())

    def honest(seed: int) -> float:
        X, y = make_data(seed)
        return float(cross_val_score(make_pipeline(clone(step), clone(model)), X, y, cv=cv, scoring=scoring).mean())

    return optimism_gap(leaky, honest, seeds=seeds, name=name or type(step).__name__)
