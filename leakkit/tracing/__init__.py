"""A runtime recorder that answers "did anything fitted or computed on held-out rows reach
the model?" from what the code really did.

Inside ``with leakkit.trace() as t:`` the tracer records every ``fit``, ``fit_transform``,
``partial_fit``, ``transform`` and prediction of every scikit-learn estimator, every
splitter's folds, and the statistics computed in pandas and numpy. When the block ends,
``t.findings`` lists what leaked, ``t.evaluations`` lists what each model scored, and
``t.coverage`` lists what the tracer could not see. An empty ``findings`` means "nothing
leaked among what was seen": read ``coverage`` too, or pass ``strict=True`` to make any
gap an error. (Before 0.2.0 this package was the module ``leakkit.trace``; ``leakkit.trace``
is now only the function.)

How rows are followed
---------------------
Each row is known by its content fingerprint (:mod:`leakkit._rows`). A transform's output
rows are linked, by position, to the input rows they came from, so when a split runs on
the output of a fit the tracer still knows which original rows are held out, and which
fits saw them. Raw data is never taken for a derived output: an output's columns that are
unchanged copies of its input's (a selector's kept columns, a ``ColumnTransformer``'s
passthrough, an identity ``FunctionTransformer``) carry nothing; data that is itself a
recorded output is not matched by column to another output; and a row derived from a
statistic counts as such in a DataFrame only at the index label it was derived at (a lagged
window can equal a centred one a few rows away). So a notebook that shows the wrong way,
then the right way, on the same data, in one long trace, is judged like each part alone. Links also run through element-wise re-expressions of an output
(``astype``, ``np.round``, ``clip``, ``np.log1p``, ``np.sqrt``...; recognised by value, and
never when the raw input re-expressed alike would match as well), through columns written
back into a frame, and from a frame holding some of a split frame's columns.

Statistics (``statistic_saw_held_out``)
---------------------------------------
A statistic read over rows is recorded like a fit: which rows it read and what it gave.
It counts as used when its value is found in data that reaches a split, a fit or a score:

* *replaced values*: every changed value of a column equals the statistic, where the raw
  value was missing (``fillna(df.mean())``, a group median by ``transform``) or beyond it
  on one side with every unchanged value on the other (``clip(upper=cap)``);
* *centred or scaled*: the column is exactly ``(raw - a) / b`` with ``a`` and ``b``
  statistics of that column (z-score, min-max, centring, share of a total), or the raw
  column against a per-row statistic (deviation from, or ratio to, a group mean);
* *looked up by key*: a new column equals a group statistic (``groupby(...).mean()``,
  ``value_counts()``, ``agg``) at each row's key (``map``, ``merge``), missing keys filled
  with another statistic (a prior), or a smoothed encoding ``(n*mean + a*prior)/(n + a)``;
* *per-row statistics placed as a column*: ``groupby(...).transform``, ``rank``, ``pd.qcut``;
* *a flag*: a 0/1 column equal to the raw column above (or below) a statistic of it
  (``x > x.median()``);
* *a column choice*: the data's columns are exactly the k best by (absolute) correlation
  with the target (``corrwith``, ``corr``, ``Series.corr`` in a loop, ``np.corrcoef``);
  a warning rather than a fail when a choice of k could match by chance (1 in 1,000 or
  likelier).

A statistic over a whole column is a leak when the rows it read include rows a split holds
out (computed before the split), or rows a model then scores (computed on the test rows).
A statistic read *per row* is judged row by row: a lag, a difference, a rolling, expanding
or exponential window (``shift``, ``diff``, ``rolling``, ``expanding``, ``ewm``, cumulative
sums, per group too, and chains of them) reads a window of rows; a group statistic
(``groupby(...).transform``, a group mean looked up by key, value counts) reads the rows of
the row's group. It leaks when a *training* row's value read a held-out row (a lag across a
shuffled split, a centred window across a time split, a per-customer mean with one
customer's rows on both sides), or when a held-out row's value read its own label (a target
mean of the very key the split groups by, a rolling mean of the target that includes today).
``groupby(...).transform(f)`` with a function ``f`` is probed to learn which rows each value
reads (an influence test: ``f`` runs on one real group with one value changed at a time).

It is not a leak when the statistic read training rows only, when it was only printed, or
when several statistics give the same value and one of them read no held-out row; a fill or
bound equal to a constant people type (0, 1, -1, 99, 100, 999, 9999...) is no evidence of a
statistic. Per-row arithmetic and stateless encodings (``get_dummies``, date parts,
``np.log1p`` of a column) involve no statistic.

Held-out rows and evaluations
-----------------------------
Held-out rows are the test side of a splitter (``train_test_split`` with or without
``shuffle``, any ``split``, the folds of ``cross_val_score``/``cross_validate``/searches),
rows declared with ``held_out=``/:meth:`Trace.hold_out`, and, for a split made by hand
(``rng.permutation`` then slicing, ``.iloc``, ``df.sample``, a boolean mask), the rows a
model is scored on that its own fit did not see: such a split is inferred when the block
ends (``t.splits``, ``kind="inferred"``). ``t.evaluations`` lists each scoring with the
number of held-out rows; ``no_held_out`` is reported when every evaluation scored only
rows its model was fitted on.

What is a leak
--------------
* ``fit_before_split`` (LK101): the split data came out of a fit that saw rows it holds out.
* ``fit_saw_held_out`` (LK102): held-out rows were scored by, or through, a fit that saw them.
* ``duplicates_across_split`` (LK103): identical rows on both sides of a split.
* ``outliers_removed_before_split`` (LK104): a detector fitted on all rows chose the rows kept.
* ``test_reuse`` (LK105, a warning): the same held-out rows scored by several settings (model
  classes and hyperparameters, preprocessing steps set differently); the same model prepared
  differently (the wrong way, then the right way) is one setting.
* ``statistic_saw_held_out`` (LK106): a pandas/numpy statistic read held-out rows and reached
  the model's data.
* ``no_held_out`` (LK107): every score was computed on rows the model was fitted on (a fail
  when a split was made and ignored, judged split by split; a warning when none was made).

Splits made inside an estimator's own ``fit`` (``TargetEncoder``'s cross-fitting, early
stopping) are internal and not evaluations; scoring many candidates inside a search object
is its job, not test reuse.

What it sees, and what it does not
----------------------------------
Seen: scikit-learn estimators (subclasses, mixins, Pipeline steps, classes defined or first
imported inside the block); duck-typed models with ``fit`` and ``predict``/``transform``
(CatBoost-style) whose class is in the opener's namespace, is created inside the block, or
whose instance is there; ``cross_val_score``/``cross_validate``/... with ``n_jobs`` > 1 (the
folds are split in the caller's process: each fold's fit and score is reconstructed from
them, and ``coverage`` says the fits ran in workers).

Listed in ``coverage`` (never silently dropped): work in worker processes or in threads
other than the one that opened the trace (each trace records only its own thread), classes
that refuse to be wrapped or that other code re-wrapped inside the block, data that could
not be fingerprinted, models fitted before the block (their training rows are unknown),
statistics whose rows could not be placed or whose reading pattern could not be told,
arrays too large to copy, and any failure of the tracer itself (``tracer_error``: the tracer
never breaks the traced code, and never hides its exceptions).

Not seen at all: numpy *array methods* (``X.mean(axis=0)``: a C type that cannot be
wrapped) and pure-Python arithmetic on statistics other than the forms above (a statistic
passed through ``np.log`` then used, a weighted blend of several statistics, a bound such as
``mean + 3 * std``); functions that fit and transform in one call without an estimator or a
recorded statistic (``sklearn.preprocessing.scale``, ``scipy.stats.zscore``); statistics of
inputs with fewer than 10 rows (a handful of cross-validation scores); rows chosen by a statistic (an outlier filter ``df[df.x < df.x.quantile(.99)]``
keeps values unchanged); statistics computed before the block; time-based windows
(``rolling("7D")``) and transforms whose function has no clear pattern are named in
``coverage`` (``statistic_unfollowed``); duck-typed models reachable only through other modules; an
array overwritten in place after it was first seen keeps its old rows (assign a new array
instead). A pandas object is read by index label, so a statistic's rows are matched to
later data only while the index labels survive (no ``reset_index`` in between).

Patching is global while a trace is open and is undone, attribute by attribute, only where
the tracer's own wrapper is still in place; a failure part-way through patching undoes
everything. When the block ends the trace analyses what it recorded and releases the
arrays it kept (row fingerprints and the report stay).

Examples
--------
>>> import numpy as np
>>> from sklearn.preprocessing import StandardScaler
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.model_selection import train_test_split
>>> import leakkit
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(200, 5)), rng.integers(0, 2, 200)
>>> with leakkit.trace() as t:
...     Xs = StandardScaler().fit_transform(X)          # fitted on all 200 rows
...     X_tr, X_te, y_tr, y_te = train_test_split(Xs, y, random_state=0)
...     _ = LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)
>>> [f.check for f in t.findings]
['fit_before_split']
>>> t.findings[0].evidence["n_held_out_seen"]
50
"""
from __future__ import annotations

from typing import Any

from ._records import CoverageGap, Evaluation, FitRecord, PredictRecord, SplitRecord, StatRecord
from ._trace import CoverageError, Trace

__all__ = ["trace", "Trace", "CoverageError", "CoverageGap", "Evaluation", "FitRecord", "SplitRecord",
           "PredictRecord", "StatRecord"]

def trace(*, detail: str = "outer", test_reuse_min_configs: int = 2, held_out: Any = None,
          strict: bool = False) -> Trace:
    """Record every fit, transform, prediction, split and statistic in a ``with`` block.

    Parameters
    ----------
    detail : {"outer", "all"}
        ``"outer"`` fingerprints the rows of outermost calls only (fast: a Pipeline's fit is
        one record, its steps are recorded without rows); ``"all"`` also fingerprints the
        rows seen by every nested fit, for fold diagrams of each Pipeline step.
    test_reuse_min_configs : int, default 2
        How many distinct models/settings scored on the same held-out rows make a
        ``test_reuse`` warning.
    held_out : array, DataFrame, sparse matrix, or a list of them, optional
        Test rows split off without a splitter (see :meth:`Trace.hold_out`).
    strict : bool, default False
        Raise :class:`CoverageError` when the block ends if the tracer could not see part
        of the work (``Trace.coverage`` is not empty).

    Returns
    -------
    Trace
        Use as a context manager; read ``.findings`` (and ``.coverage``) after the block.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> import leakkit
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 4)), rng.integers(0, 2, 100)
    >>> with leakkit.trace() as t:
    ...     _ = cross_validate(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5)
    >>> t.findings, t.coverage
    ([], [])
    """
    return Trace(detail=detail, test_reuse_min_configs=test_reuse_min_configs, held_out=held_out, strict=strict)
