"""``check_no_leak``: run a learner's function under the tracer, and decide by behaviour.

Three questions, each answered from what the function did, not from which functions it
called:

1. *Did any fit see rows it was then scored on, or held-out rows?* The tracer's findings
   (:func:`leakkit.trace`), explained in the learner's terms.
2. *Was anything held out at all?* An evaluation is a prediction on rows its model was not
   fitted on, however the split was made (scikit-learn, numpy, pandas). A function whose
   every score comes from rows the model was fitted on held nothing out, whatever splitter
   it called.
3. *Did the held-out rows influence the model that scored them?* (``influence_arg``) The
   held-out rows are located from the first run's evaluations, their values changed, the
   function run again: the fits that scored them must see the same training data and keep
   the same settings. This catches statistics computed on all rows in pandas or numpy
   (a global mean for ``fillna``, a scaling, a group's target mean) and choices made on
   the test rows (a number of boosting stages, the best of several seeds), which the
   tracer's records alone do not show.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .._findings import Finding
from ._evaluations import evaluations, remember, reused_test_rows
from ._fail import fail, ok, option_bool
from ._influence import same_randomness
from ._selfsplit import copy_of, influence, with_arg

FIXES = {
    "fit_before_split": "split first (or cross-validate the raw data), and put every transformer in a Pipeline "
                        "with the model, so it is fitted on the training rows of each split only.",
    "fit_saw_held_out": "fit every step (scaler, imputer, encoder, selector, model) on the training rows only, "
                        "then use it to transform or score the held-out rows.",
    "duplicates_across_split": "remove duplicated records before splitting, or split by entity "
                               "(GroupKFold / GroupShuffleSplit) so copies stay on one side.",
    "outliers_removed_before_split": "fit the outlier detector on the training rows only, and remove outliers "
                                     "from the training rows only.",
    "test_reuse": "choose models and settings on a validation split (or with GridSearchCV inside "
                  "cross-validation), then score the test rows once, with the chosen model.",
    "statistic_saw_held_out": "compute every statistic (a mean or median for fillna, a scaling, a category's "
                              "target mean, the columns kept) on the training rows only, after the split.",
    "no_held_out": "fit the model on the training rows only and score it on the held-out rows.",
}
GENERAL_FIX = "fit every step on the training rows only, then score the held-out rows once, with the model you keep."


def explain(finding: Finding) -> str:
    """One learner-facing sentence for a tracer finding.

    >>> f = Finding("fit_before_split", "fail", "x", evidence={"estimator": "StandardScaler",
    ...             "n_held_out_seen": 50, "n_held_out": 50, "splitter": "train_test_split"})
    >>> explain(f)
    'Your StandardScaler was fitted before the split and saw 50 of the 50 held-out rows of train_test_split.'
    """
    ev = finding.evidence
    est = ev.get("estimator", "a step")
    seen, held, split = ev.get("n_held_out_seen"), ev.get("n_held_out"), ev.get("splitter", "the split")
    if finding.check == "fit_before_split":
        return f"Your {est} was fitted before the split and saw {seen} of the {held} held-out rows of {split}."
    if finding.check == "fit_saw_held_out":
        return (f"Your {est} was fitted on {seen} of the {held} held-out rows that {ev.get('predictor', 'the model')} "
                f"was then scored on.")
    if finding.check == "duplicates_across_split":
        return f"{seen} of the {held} held-out rows of {split} also appear, identical, among the training rows."
    if finding.check == "outliers_removed_before_split":
        return f"Your {est} chose which rows to keep after seeing all rows, including the {seen} held-out ones."
    if finding.check == "test_reuse":
        return (f"The held-out rows were scored by {ev.get('n_configs')} different models or settings, "
                f"so picking the best of them tunes on the test set.")
    return finding.message


def _traced(func: Callable, args: tuple, kwargs: dict, held_out: Any) -> tuple[Any, Any]:
    """One run under the tracer. The tracer watches the estimator classes that exist when it
    starts: when nothing was scored on held-out rows, every scikit-learn estimator is imported
    and the function run once more, so a model first imported inside it is seen too."""
    from ..tracing import trace

    with same_randomness(), trace(held_out=held_out) as t:
        result = func(*args, **kwargs)
        remember(t)
    if not evaluations(t):
        from sklearn.utils import all_estimators

        all_estimators()
        with same_randomness(), trace(held_out=held_out) as t:
            result = func(*args, **kwargs)
            remember(t)
    return t, result


def check_no_leak(func: Callable[..., Any], *args: Any, allow_test_reuse: bool = False, held_out: Any = None,
                  influence_arg: int | str | None = None, fixed_columns: Sequence[Any] = (), **kwargs: Any) -> Any:
    """Run ``func(*args, **kwargs)`` under :func:`leakkit.trace`; fail if a fit saw held-out
    rows (or rows were duplicated across a split, or the test set was reused), or if nothing
    was held out at all: every score came from rows the model was fitted on.

    With ``influence_arg`` (the position, or keyword, of the argument holding the rows the
    function splits), the held-out rows are then changed and the function run again: the
    fits that scored them must not change (``fixed_columns``: columns never changed, such as
    the target, ids, dates, groups). ``held_out`` declares test rows to the tracer.
    Returns what ``func`` returned (the first run).

    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 3)), rng.integers(0, 2, 100)
    >>> def honest(X, y):
    ...     return cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5).mean()
    >>> score = check_no_leak(honest, X, y)
    Correct: no fit saw held-out rows (5 fits recorded, 5 scores on held-out rows).
    """
    from ..tracing import trace

    if not callable(func):
        raise TypeError(f"func: expected the function to check, got {type(func).__name__}.")
    option_bool(allow_test_reuse, "allow_test_reuse")
    if influence_arg is not None and not (isinstance(influence_arg, str) and influence_arg in kwargs) and not (
            isinstance(influence_arg, int) and not isinstance(influence_arg, bool) and 0 <= influence_arg < len(args)):
        raise ValueError(f"influence_arg: expected the position of one of the {len(args)} arguments or the name of a "
                         f"keyword argument, got {influence_arg!r}.")
    if influence_arg is not None:  # every run gets its own copy: a function that edits its input in place
        pristine = args[influence_arg] if isinstance(influence_arg, int) else kwargs[influence_arg]
        args, kwargs = with_arg(args, kwargs, influence_arg, copy_of(pristine))  # leaves the original as it was
    t, result = _traced(func, args, kwargs, held_out)
    findings = [f for f in t.findings if f.severity == "fail" or (f.check == "test_reuse" and not allow_test_reuse)]
    if findings:
        lines = "\n".join(f"- {explain(f)}" for f in findings)
        fixes = " Also: ".join(dict.fromkeys(FIXES.get(f.check, GENERAL_FIX) for f in findings))
        fail(f"Information from held-out rows reached your model:\n{lines}", fixes)
    evals = evaluations(t)
    n_rows, n_models = reused_test_rows(evals)
    if n_models > 1 and not allow_test_reuse and not any(f.check == "test_reuse" for f in t.findings):
        fail(f"The same {n_rows} held-out rows were scored by {n_models} different models or settings: picking the "
             f"best of them (a seed, a setting, a model) tunes on the test rows, and the score you report is the "
             f"luckiest of {n_models}, not what new data will show.", FIXES["test_reuse"])
    searched = any(sp.inside_search and not sp.internal for sp in t.splits)  # a search scores its own folds
    if not evals and held_out is None and not searched:
        fail("Nothing was held out: every score your code computed came from rows its model had been fitted on "
             "(or no model was scored at all), so the number measures memory, not prediction. A split that is "
             "made and then not used holds nothing out either. (Only scikit-learn-compatible models are watched: "
             "score with their predict, predict_proba or score methods.)",
             "fit the model on the training rows only and score it on the held-out rows (train_test_split, or "
             "cross_val_score with a Pipeline).")
    note = ""
    if influence_arg is not None and evals:
        args, kwargs = with_arg(args, kwargs, influence_arg, pristine)
        note = influence(func, list(args), dict(kwargs), influence_arg, fixed_columns, evals, held_out)
    ok(f"no fit saw held-out rows ({sum(f.outermost for f in t.fits)} fits recorded, {len(evals)} score"
       f"{'s' if len(evals) != 1 else ''} on held-out rows{note}).")
    return result
