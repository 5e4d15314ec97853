"""Evaluations: predictions a trace recorded on rows their model was not fitted on."""
from __future__ import annotations

import re
import weakref
from typing import Any

import numpy as np


def evaluations(t: Any) -> list[tuple[Any, Any]]:
    """(prediction, the fit of its model) for every prediction a :class:`leakkit.Trace` recorded on
    rows its model was not fitted on: the evaluations, however the rows were split.

    >>> import numpy as np, leakkit
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    >>> with leakkit.trace() as t:
    ...     m = LogisticRegression().fit(X[:30], y[:30])
    ...     _ = m.score(X[:30], y[:30]), m.score(X[30:], y[30:])
    >>> [p.method for p, _ in evaluations(t)]
    ['score']
    """
    fits = {f.id: f for f in t.fits}
    out = []
    for p in t.predictions:
        f = fits.get(p.model_fit)
        if f is None or f.rows is None or p.rows is None or not len(p.rows):
            continue
        if not np.isin(p.rows, f.rows).all():
            out.append((p, f))
    return out


def _estimator(p: Any) -> Any:
    """The estimator that made a prediction (the tracer keeps a weak reference once its block
    ended: None when nothing else kept the estimator alive)."""
    est = p.est
    return est() if isinstance(est, weakref.ReferenceType) else est


def _read_params(est: Any) -> str:
    try:
        params = est.get_params(deep=True)
    except Exception:  # noqa: BLE001 - not an estimator we can read
        return type(est).__name__
    text = repr(sorted((k, repr(v)) for k, v in params.items()))
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


# What each recorded prediction's estimator was, read while the trace block was still open
# (the estimators may be gone afterwards): its settings and the columns it was fitted on.
_SEEN: "weakref.WeakKeyDictionary[Any, tuple[str, tuple | None]]" = weakref.WeakKeyDictionary()


def remember(t: Any) -> None:
    """Call inside the ``with trace()`` block, after the learner's function returned."""
    for p in t.predictions:
        est = _estimator(p)
        if est is not None:
            names = getattr(est, "feature_names_in_", None)
            _SEEN[p] = (_read_params(est), tuple(names) if names is not None else None)


def _params(p: Any) -> str:
    seen = _SEEN.get(p)
    if seen is not None:
        return seen[0]
    est = _estimator(p)
    if est is not None:
        return _read_params(est)
    return getattr(p, "config", None) or f"{p.estimator}@{getattr(p, 'owner', '?')}"


def feature_names(p: Any) -> tuple | None:
    seen = _SEEN.get(p)
    return seen[1] if seen is not None else None


def reused_test_rows(evals: list) -> tuple[int, int]:
    """(how many rows, by how many different models) for the held-out rows scored by the most
    different models or settings; (0, 0) when no rows were scored by two."""
    groups: dict[bytes, set] = {}
    for p, f in evals:
        key = np.sort(p.rows).tobytes()
        groups.setdefault(key, set()).add((p.estimator, _params(p), f.rows.tobytes()))
    worst = max(groups.items(), key=lambda kv: len(kv[1]), default=(b"", set()))
    n_models = len(worst[1])
    return (len(worst[0]) // 8, n_models) if n_models > 1 else (0, 0)
