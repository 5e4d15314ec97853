"""The course's plots, in one style.

Colours carry meaning everywhere: **warm red is leaky**, **teal is honest**, grey is
neutral. Every function takes an optional ``ax=`` (a new figure is made otherwise) and
returns the matplotlib Axes. Every figure has a title that states its finding: the
functions either require ``title`` or, where the data says it, build one ("The leaky
protocol overstates accuracy by 0.30").

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from leakkit.plot import score_bars
>>> ax = score_bars({"validation": 0.97, "production": 0.61}, kinds=["leaky", "honest"],
...                 title="Validation promised 0.97; production delivered 0.61", chance=0.5)
>>> ax.get_title()
'Validation promised 0.97; production delivered 0.61'
>>> plt.close("all")
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from leakkit._extras import require
from leakkit._validation import check_columns, check_frame

require("matplotlib", extra="plot", feature="leakkit.plot")

__all__ = [
    "COLORS",
    "STYLE",
    "use_style",
    "score_gap",
    "score_bars",
    "score_strips",
    "fold_diagram",
    "score_over_time",
    "scores_over_time",
    "distribution_comparison",
    "gap_vs_configs",
]

#: The meaning of each colour. ``leaky``: a protocol or a row that leaked; ``honest``:
#: the correct protocol; ``neutral``: context (held-out rows, chance, references).
COLORS: dict[str, str] = {
    "leaky": "#D1495B",
    "honest": "#00798C",
    "neutral": "#8C8C8C",
}
#: Colours for series that are neither leaky nor honest, in order.
OTHER_COLORS: tuple[str, ...] = ("#4D4D4D", "#EDAE49", "#66A182", "#8E6C8A", "#3C6E9F")

_BAND_COLORS = {"train": "#9CCFD8", "held out": "#595959", "seen": COLORS["honest"], "leaked": COLORS["leaky"]}

#: matplotlib rc settings of the course style (applied by :func:`use_style`).
STYLE: dict[str, Any] = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.labelcolor": "#333333",
    "axes.edgecolor": "#777777",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#E6E6E6",
    "grid.linewidth": 0.8,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "legend.frameon": False,
    "legend.fontsize": 10,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
}


@contextmanager
def use_style() -> Iterator[None]:
    """Context manager: matplotlib's rc settings set to the course style inside the block.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with use_style():
    ...     plt.rcParams["axes.spines.top"]
    False
    """
    import matplotlib as mpl

    with mpl.rc_context(STYLE):
        yield


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _check_title(title: Any, *, required: bool = True) -> str | None:
    if title is None:
        if required:
            raise ValueError(
                "title: a title is required; state the finding, e.g. "
                "title='Selecting features before CV inflates accuracy by 0.30'."
            )
        return None
    if not isinstance(title, str):
        raise TypeError(f"title: expected a str stating the figure's finding, got {type(title).__name__}.")
    if not title.strip():
        raise ValueError("title: empty; state the figure's finding in it.")
    return title


def _axes(ax: Any) -> Any:
    """The given Axes (styled), or a new figure's."""
    from matplotlib.axes import Axes

    if ax is None:
        _, ax = _plt().subplots(layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax: expected a matplotlib Axes or None, got {type(ax).__name__}.")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _kind_colors(kinds: Any, n: int, name: str = "kinds") -> list[str]:
    """One colour per series from ``kinds`` ("leaky"/"honest"/"neutral" or None)."""
    if kinds is None:
        return [OTHER_COLORS[i % len(OTHER_COLORS)] for i in range(n)]
    if isinstance(kinds, str) or not isinstance(kinds, Sequence):
        raise TypeError(f"{name}: expected a list of 'leaky'/'honest'/'neutral', one per series, got {kinds!r}.")
    if len(kinds) != n:
        raise ValueError(f"{name}: {len(kinds)} kind(s) given for {n} series; give one per series.")
    out = []
    for k in kinds:
        if k not in COLORS:
            raise ValueError(f"{name}: unknown kind {k!r}; choose from 'leaky', 'honest', 'neutral'.")
        out.append(COLORS[k])
    return out


def _numbers(values: Any, name: str, *, allow_nan: bool = False) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: expected numbers, got values that are not numeric ({exc}).") from None
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-dimensional sequence of numbers, got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name}: empty; pass at least one number.")
    if not allow_nan and not np.isfinite(arr).all():
        raise ValueError(f"{name}: {int((~np.isfinite(arr)).sum())} value(s) are NaN or infinite; drop or fix them first.")
    return arr


def _date_axis(ax: Any, x: np.ndarray) -> None:
    """Compact date labels on this Axes only (autofmt_xdate would touch the whole figure)."""
    if np.issubdtype(np.asarray(x).dtype, np.datetime64):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


# --------------------------------------------------------------------------------------
# score gaps
# --------------------------------------------------------------------------------------

_GAP_COLUMNS = ("experiment", "leaky_mean", "leaky_std", "honest_mean", "honest_std")


def _results_frame(results: Any) -> Any:
    """A gap-result object (anything with ``to_dict()`` and ``leaky_mean``, such as
    ``leakkit.evaluate.GapResult``) or a list of them, as a DataFrame; anything else unchanged."""
    def is_result(obj: Any) -> bool:
        return hasattr(obj, "leaky_mean") and callable(getattr(obj, "to_dict", None)) and not isinstance(obj, pd.DataFrame)

    if is_result(results):
        return pd.DataFrame([results.to_dict()])
    if isinstance(results, (list, tuple)) and results and all(is_result(r) for r in results):
        return pd.DataFrame([r.to_dict() for r in results])
    return results


def _signed(value: float, digits: int = 2) -> str:
    """``+0.30``/``-0.30``; a value that rounds to zero prints ``0.00`` (never ``-0.00``)."""
    r = round(float(value), digits)
    return f"{0.0:.{digits}f}" if r == 0 else f"{r:+.{digits}f}"


def _unit_interval(*arrays: np.ndarray) -> bool:
    """True when every finite value lies in [0, 1]: a score such as accuracy or ROC AUC."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    return bool(values.size) and bool((values >= 0).all() and (values <= 1).all())


def score_gap(
    results: pd.DataFrame,
    *,
    title: str | None = None,
    ax: Any = None,
    metric: str = "score",
    labels: tuple[str, str] = ("leaky", "honest"),
    kinds: Sequence[str] | None = None,
) -> Any:
    """Leaky vs honest score per experiment: paired bars with the spread over seeds.

    Parameters
    ----------
    results : DataFrame, gap result or list of gap results
        One row per experiment with columns ``experiment``, ``leaky_mean``,
        ``leaky_std``, ``honest_mean``, ``honest_std`` (``leakkit.evaluate``'s
        ``compare_protocols`` output); other columns are ignored. A NaN std draws no
        error bar. A ``GapResult`` (or a list of them) is turned into such a frame
        through its ``to_dict()``.
    title : str, optional
        Default: built from the gaps, e.g. "The leaky protocol overstates accuracy by 0.30".
    ax : matplotlib Axes, optional
    metric : str, default "score"
        The y-axis label and the word used in the built title.
    labels : (str, str)
        Legend labels of the first (``leaky_*`` columns) and the second (``honest_*``) bar.
    kinds : list of "leaky"/"honest"/"neutral", optional
        When the rows are *models* and the two bars two ways of scoring each (say
        "validation" and "production"), the colour must follow the model: give one kind
        per row. Each pair is then drawn in its row's colour, the first bar solid and the
        second hatched. By default the first bar is leaky (red) and the second honest (teal).

    Returns
    -------
    matplotlib Axes. Bars: ``2 * len(results)``. Each experiment's tick label ends with
    its gap (first minus second bar, e.g. "gap +0.30"). When every value is a score in
    [0, 1] the y axis runs from 0 to 1.

    Examples
    --------
    >>> import pandas as pd, matplotlib.pyplot as plt
    >>> res = pd.DataFrame({"experiment": ["select before CV", "scale before split"],
    ...     "leaky_mean": [0.76, 0.81], "leaky_std": [0.03, 0.02],
    ...     "honest_mean": [0.46, 0.80], "honest_std": [0.04, 0.02]})
    >>> ax = score_gap(res, metric="accuracy")
    >>> ax.get_title()
    'The leaky protocol overstates accuracy by up to 0.30 (2 of 2 experiments)'
    >>> len(ax.patches), tuple(map(float, ax.get_ylim()))
    (4, (0.0, 1.0))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['select before CV\\ngap +0.30', 'scale before split\\ngap +0.01']
    >>> plt.close("all")
    """
    results = check_frame(_results_frame(results), "results")
    check_columns(results, list(_GAP_COLUMNS), "results", frame_name="results")
    if not isinstance(metric, str) or not metric:
        raise TypeError("metric: expected a non-empty str naming the score, e.g. 'accuracy'.")
    if isinstance(labels, str) or len(labels) != 2:
        raise ValueError("labels: expected two strings, (leaky label, honest label).")
    title = _check_title(title, required=False)
    lm = _numbers(results["leaky_mean"], "results['leaky_mean']")
    hm = _numbers(results["honest_mean"], "results['honest_mean']")
    ls = _numbers(results["leaky_std"], "results['leaky_std']", allow_nan=True)
    hs = _numbers(results["honest_std"], "results['honest_std']", allow_nan=True)
    for name, s in (("leaky_std", ls), ("honest_std", hs)):
        if (s[~np.isnan(s)] < 0).any():
            raise ValueError(f"results['{name}']: standard deviations must be >= 0.")
    pair_colors = _kind_colors(kinds, len(results)) if kinds is not None else None
    gap = lm - hm
    if title is None:
        verb = "overstates" if gap.max() >= 0 else "understates"
        if len(gap) == 1:
            title = f"The leaky protocol {verb} {metric} by {abs(gap[0]):.2f}"
        else:
            k = int((gap > 0).sum())
            title = f"The leaky protocol overstates {metric} by up to {gap.max():.2f} ({k} of {len(gap)} experiments)"
            if k == 0:
                title = f"The leaky protocol does not overstate {metric} in any of {len(gap)} experiments"
    lo_l, hi_l = lm - np.nan_to_num(ls), lm + np.nan_to_num(ls)
    lo_h, hi_h = hm - np.nan_to_num(hs), hm + np.nan_to_num(hs)
    with use_style():
        ax = _axes(ax)
        x = np.arange(len(results))
        w = 0.38
        err = {"elinewidth": 1.2, "capthick": 1.2, "ecolor": "#333333"}
        if pair_colors is None:
            bl = ax.bar(x - w / 2, lm, w, yerr=np.nan_to_num(ls), capsize=4, color=COLORS["leaky"], label=labels[0],
                        error_kw=err)
            bh = ax.bar(x + w / 2, hm, w, yerr=np.nan_to_num(hs), capsize=4, color=COLORS["honest"], label=labels[1],
                        error_kw=err)
            handles = [bl, bh]
        else:
            from matplotlib.patches import Patch

            ax.bar(x - w / 2, lm, w, yerr=np.nan_to_num(ls), capsize=4, color=pair_colors, error_kw=err)
            ax.bar(x + w / 2, hm, w, yerr=np.nan_to_num(hs), capsize=4, color="white", edgecolor=pair_colors,
                   hatch="///", linewidth=1.5, error_kw=err)
            handles = [Patch(facecolor=COLORS["neutral"], label=labels[0]),
                       Patch(facecolor="white", edgecolor=COLORS["neutral"], hatch="///", label=labels[1])]
        ax.set_xticks(x, [f"{e}\ngap {_signed(g)}" for e, g in zip(results["experiment"], gap)])
        ax.set_ylabel(metric)
        if _unit_interval(lo_l, hi_l, lo_h, hi_h):
            ax.set_ylim(0.0, 1.0)
        else:
            tops = np.maximum(hi_l, hi_h)
            low = float(np.min([lo_l, lo_h]))
            ax.set_ylim(min(0.0, low * 1.15), max(float(tops.max()) * 1.15, 1e-9))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title, wrap=True)
    return ax


def score_bars(
    scores: Mapping[str, float],
    *,
    title: str,
    ax: Any = None,
    chance: float | None = None,
    kinds: Sequence[str] | None = None,
    metric: str = "score",
) -> Any:
    """One bar per labelled score, e.g. "validation" vs "production".

    Parameters
    ----------
    scores : dict of label -> number
    title : str
        Required: state the finding ("Validation promised 0.97; production delivered 0.61").
    ax : matplotlib Axes, optional
    chance : float, optional
        Draw a dashed line at the chance level.
    kinds : list of "leaky"/"honest"/"neutral", optional
        Colour meaning of each bar, in the dict's order; by default neutral colours.
    metric : str, default "score"
        The y-axis label.

    Returns
    -------
    matplotlib Axes with ``len(scores)`` bars, each labelled with its value. When every
    value is a score in [0, 1] the y axis runs from 0 to 1.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = score_bars({"random split": 0.93, "time split": 0.71}, kinds=["leaky", "honest"],
    ...                 title="A random split overstates accuracy by 0.22")
    >>> [round(float(p.get_height()), 2) for p in ax.patches], tuple(map(float, ax.get_ylim()))
    ([0.93, 0.71], (0.0, 1.0))
    >>> plt.close("all")
    """
    if not isinstance(scores, Mapping):
        raise TypeError(f"scores: expected a dict of label -> score, got {type(scores).__name__}.")
    if not scores:
        raise ValueError("scores: empty; pass at least one label -> score pair.")
    title = _check_title(title)
    values = _numbers(list(scores.values()), "scores")
    colors = _kind_colors(kinds, len(values))
    if chance is not None:
        chance = float(_numbers([chance], "chance")[0])
    bounded = _unit_interval(values, np.array([chance if chance is not None else 0.0]))
    with use_style():
        ax = _axes(ax)
        x = np.arange(len(values))
        bars = ax.bar(x, values, 0.6, color=colors)
        top = 1.0 if bounded else max(float(values.max()), chance if chance is not None else 0.0) * 1.15 + 1e-9
        for bar, v in zip(bars, values):
            inside = v > 0.15 * top
            ax.annotate(f"{v:.2f}", (bar.get_x() + bar.get_width() / 2, max(v, 0.0)),
                        xytext=(0, -4 if inside else 3), textcoords="offset points", ha="center",
                        va="top" if inside else "bottom", fontsize=9, fontweight="bold" if inside else "normal",
                        color="white" if inside else "#333333")
        ax.set_xticks(x, [str(k) for k in scores])
        ax.set_ylabel(metric)
        if chance is not None:
            ax.axhline(chance, color=COLORS["neutral"], linestyle="--", linewidth=1.5, label=f"chance ({chance:.2f})")
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylim(min(0.0, float(values.min())), top)
        ax.set_title(title, wrap=True)
    return ax


def score_strips(
    samples: Mapping[str, Any],
    *,
    title: str,
    ax: Any = None,
    kinds: Sequence[str] | None = None,
    reference: float | None = None,
    reference_label: str = "truth",
    metric: str = "score",
) -> Any:
    """Independent trials as dots, one column per protocol, with each column's mean.

    Trials (seeds, corpora, simulations) are independent, so nothing joins them: each
    is a dot, spread sideways so that equal values stay visible, and a short bar marks
    the column's mean.

    Parameters
    ----------
    samples : dict of label -> 1-D array of numbers
        One column of dots per label, in the dict's order.
    title : str
        Required: state the finding.
    ax : matplotlib Axes, optional
    kinds : list of "leaky"/"honest"/"neutral", optional
        Colour meaning per column; by default neutral colours.
    reference : float, optional
        A dashed horizontal line (the true value, chance...).
    reference_label : str, default "truth"
    metric : str, default "score"
        The y-axis label. When every value is a score in [0, 1] the axis runs from 0 to 1.

    Returns
    -------
    matplotlib Axes: one scatter collection per column (no lines between trials).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = score_strips({"best grid-search score": [0.62, 0.58, 0.65], "nested CV": [0.49, 0.52, 0.47]},
    ...                   kinds=["leaky", "honest"], reference=0.5, metric="accuracy",
    ...                   title="The best of 9 settings looks better than a coin; nested CV does not")
    >>> len(ax.collections), tuple(map(float, ax.get_ylim()))
    (2, (0.0, 1.0))
    >>> plt.close("all")
    """
    if not isinstance(samples, Mapping):
        raise TypeError(f"samples: expected a dict of label -> array of numbers, got {type(samples).__name__}.")
    if not samples:
        raise ValueError("samples: empty; pass at least one label -> array pair.")
    title = _check_title(title)
    arrays = {str(k): _numbers(v, f"samples[{k!r}]") for k, v in samples.items()}
    colors = _kind_colors(kinds, len(arrays))
    if reference is not None:
        reference = float(_numbers([reference], "reference")[0])
    extra = [np.array([reference])] if reference is not None else []
    bounded = _unit_interval(*arrays.values(), *extra)
    with use_style():
        ax = _axes(ax)
        for i, ((label, arr), color) in enumerate(zip(arrays.items(), colors)):
            # each trial gets its own sideways position, in trial order: equal scores stay visible,
            # and no ordering by value suggests a trend that is not there
            offsets = np.zeros(len(arr)) if len(arr) == 1 else np.linspace(-0.18, 0.18, len(arr))
            ax.scatter(i + offsets, arr, s=36, color=color, alpha=0.85, edgecolors="white", linewidths=0.6, zorder=3)
            m = float(arr.mean())
            ax.plot([i - 0.3, i + 0.3], [m, m], color=color, linewidth=2.5, zorder=4)  # the mean, not a trial
            ax.annotate(f"mean {m:.2f}", (i + 0.3, m), xytext=(4, 2), textcoords="offset points", va="bottom",
                        fontsize=9, color="#333333")
        if reference is not None:
            ax.axhline(reference, color="#333333", linestyle="--", linewidth=1.2,
                       label=f"{reference_label} ({reference:.2f})")
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_xticks(np.arange(len(arrays)), list(arrays))
        ax.set_xlim(-0.6, len(arrays) - 0.1)
        ax.set_ylabel(metric)
        if bounded:
            ax.set_ylim(0.0, 1.0)
        ax.set_title(title, wrap=True)
    return ax


# --------------------------------------------------------------------------------------
# fold diagram
# --------------------------------------------------------------------------------------


def _indices(values: Any, n_samples: int, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == bool:
        raise TypeError(f"{name}: got a boolean mask; pass row indices, e.g. np.flatnonzero(mask).")
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-dimensional array of row indices, got shape {arr.shape}.")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(np.mod(arr, 1) == 0):
            raise TypeError(f"{name}: row indices must be integers, got floats; use .astype(int) if they are whole.")
        raise TypeError(f"{name}: row indices must be integers, got dtype {arr.dtype}.")
    arr = arr.astype(np.int64)
    bad = arr[(arr < 0) | (arr >= n_samples)]
    if bad.size:
        raise ValueError(f"{name}: index {int(bad[0])} is out of range for n_samples={n_samples}; use 0..{n_samples - 1}.")
    return arr


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True in a boolean array."""
    padded = np.r_[False, mask, False].astype(np.int8)
    d = np.diff(padded)
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return [(int(s), int(e - s)) for s, e in zip(starts, ends)]


def fold_diagram(
    folds: Sequence[tuple[Any, Any]],
    n_samples: int,
    *,
    fits: Sequence[tuple] | None = None,
    title: str | None = None,
    ax: Any = None,
    order: Any = None,
) -> Any:
    """Which rows each fold trains and tests on, and which rows each fit saw.

    One horizontal band per fold (light teal: training rows, dark grey: held-out rows,
    white: unused, e.g. before a time split's first fold; red: rows in both the training
    and the held-out part of the same fold), then one band per recorded fit (teal: rows
    it saw; **red: held-out rows it saw**).

    A fit given as ``(label, seen)`` is matched to the first fold whose held-out rows it
    did not see (a legitimate within-fold fit: nothing red); if every fold's held-out
    rows overlap what it saw, it is a fit outside cross-validation and every held-out row
    it saw is red. Give ``(label, seen, fold)`` to state the fold (0-based) yourself: then
    the rows it saw of that fold's held-out part are red.

    Parameters
    ----------
    folds : list of (train_indices, test_indices)
        As yielded by a scikit-learn splitter's ``split``.
    n_samples : int
        Number of rows; indices must lie in ``0 .. n_samples - 1``.
    fits : list of (label, seen_indices) or (label, seen_indices, fold), optional
    title : str, optional
        Default: the finding, e.g. "1 of 6 fits saw held-out rows (100 rows leaked)".
    ax : matplotlib Axes, optional
    order : array of int, optional
        A permutation of ``0 .. n_samples - 1``: the row shown at position ``p`` is
        ``order[p]`` (sort by time or group to make the structure visible).

    Returns
    -------
    matplotlib Axes. Each band is drawn with ``broken_barh``: one collection per band
    and category, whose ``get_gid()`` is the band's label ("fold 1", a fit's label) and
    whose ``get_label()`` is the category ``"train"``, ``"held out"``, ``"seen"`` or
    ``"leaked"`` (with a leading ``_`` after its first use, which keeps it out of the
    legend).

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> from sklearn.model_selection import KFold
    >>> folds = list(KFold(4).split(np.zeros((20, 1))))
    >>> fits = [("scaler on all rows", np.arange(20))] + [(f"fold {i + 1} model", tr) for i, (tr, _) in enumerate(folds)]
    >>> ax = fold_diagram(folds, 20, fits=fits)
    >>> ax.get_title()
    '1 of 5 fits saw held-out rows (20 rows leaked)'
    >>> plt.close("all")
    """
    n_samples_ = n_samples
    if isinstance(n_samples_, bool) or not isinstance(n_samples_, (int, np.integer)):
        raise TypeError(f"n_samples: expected an int, got {type(n_samples).__name__}.")
    if n_samples_ < 1:
        raise ValueError(f"n_samples: must be at least 1, got {n_samples}.")
    n = int(n_samples_)
    if isinstance(folds, (str, bytes)) or not isinstance(folds, Sequence):
        raise TypeError(f"folds: expected a list of (train_indices, test_indices) pairs, got {type(folds).__name__}; "
                        f"use list(cv.split(X, y)).")
    if len(folds) == 0:
        raise ValueError("folds: empty; pass at least one (train_indices, test_indices) pair.")
    parsed_folds = []
    for i, fold in enumerate(folds):
        if not isinstance(fold, (tuple, list)) or len(fold) != 2:
            raise ValueError(f"folds: item {i} is not a (train_indices, test_indices) pair.")
        parsed_folds.append((_indices(fold[0], n, f"folds[{i}] train"), _indices(fold[1], n, f"folds[{i}] test")))
    parsed_fits = []
    for j, fit in enumerate(fits or []):
        if not isinstance(fit, (tuple, list)) or len(fit) not in (2, 3):
            raise ValueError(f"fits: item {j} must be (label, seen_indices) or (label, seen_indices, fold).")
        label, seen = str(fit[0]), _indices(fit[1], n, f"fits[{j}] seen")
        fold = None
        if len(fit) == 3 and fit[2] is not None:
            fold = fit[2]
            if isinstance(fold, bool) or not isinstance(fold, (int, np.integer)) or not 0 <= fold < len(parsed_folds):
                raise ValueError(f"fits: item {j} names fold {fold!r}; use a fold number 0..{len(parsed_folds) - 1} or None.")
        parsed_fits.append((label, seen, fold))
    if order is None:
        pos = np.arange(n)
    else:
        order_arr = _indices(order, n, "order")
        if len(order_arr) != n or len(np.unique(order_arr)) != n:
            raise ValueError(f"order: must be a permutation of 0..{n - 1} (each row once), got {len(order_arr)} values "
                             f"with {len(np.unique(order_arr))} distinct.")
        pos = np.empty(n, dtype=np.int64)
        pos[order_arr] = np.arange(n)
    title = _check_title(title, required=False)

    def mask(idx: np.ndarray) -> np.ndarray:
        m = np.zeros(n, dtype=bool)
        m[pos[idx]] = True
        return m

    any_test = np.zeros(n, dtype=bool)
    bands = []  # (band label, [(category, mask)])
    for i, (tr, te) in enumerate(parsed_folds):
        m_tr, m_te = mask(tr), mask(te)
        any_test |= m_te
        bands.append((f"fold {i + 1}", [("train", m_tr & ~m_te), ("held out", m_te & ~m_tr), ("leaked", m_tr & m_te)]))
    fold_test = [mask(te) for _, te in parsed_folds]
    n_leaky_fits, leaked_rows = 0, np.zeros(n, dtype=bool)
    for label, seen, fold in parsed_fits:
        m_seen = mask(seen)
        if fold is None:
            clean = [k for k, t in enumerate(fold_test) if not (m_seen & t).any()]
            leaked = np.zeros(n, dtype=bool) if clean else m_seen & any_test
        else:
            leaked = m_seen & fold_test[fold]
        if leaked.any():
            n_leaky_fits += 1
            leaked_rows |= leaked
        bands.append((label, [("seen", m_seen & ~leaked), ("leaked", leaked)]))

    if title is None:
        if parsed_fits:
            if n_leaky_fits:
                title = (f"{n_leaky_fits} of {len(parsed_fits)} fit{'s' if len(parsed_fits) != 1 else ''} "
                         f"saw held-out rows ({int(leaked_rows.sum())} rows leaked)")
            else:
                title = f"No fit saw held-out rows: all {len(parsed_fits)} stayed inside their training rows"
        else:
            sizes = [len(te) for _, te in parsed_folds]
            title = (f"{len(parsed_folds)} fold{'s' if len(parsed_folds) != 1 else ''} over {n} rows, "
                     f"{int(np.mean(sizes))} held out per fold on average")
        if any(m.any() for _, cats in bands[: len(parsed_folds)] for c, m in cats if c == "leaked"):
            title += "; some folds test on their own training rows"

    colors = _BAND_COLORS
    with use_style():
        ax = _axes(ax)
        height = 0.7
        used = set()
        for b, (band_label, cats) in enumerate(bands):
            for cat, m in cats:
                runs = _runs(m)
                if not runs:
                    continue
                coll = ax.broken_barh(runs, (b - height / 2, height), facecolors=colors[cat], edgecolor="none",
                                      label=cat if cat not in used else f"_{cat}")
                coll.set_gid(band_label)
                used.add(cat)
        if parsed_fits:
            ax.axhline(len(parsed_folds) - 0.5, color="#BBBBBB", linewidth=0.8)
        ax.set_yticks(np.arange(len(bands)), [b for b, _ in bands])
        ax.set_ylim(len(bands) - 0.5, -0.5)
        ax.set_xlim(0, n)
        ax.set_xlabel("row" if order is None else "row (in the given order)")
        ax.grid(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4)
        ax.set_title(title, wrap=True)
    return ax


# --------------------------------------------------------------------------------------
# scores over time, distributions, tuning curves
# --------------------------------------------------------------------------------------


def _xvalues(values: Any, name: str) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name}: expected a sequence of dates or numbers, got a string.")
    arr = pd.Series(values).to_numpy() if not isinstance(values, np.ndarray) else values
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected 1-dimensional values, got shape {arr.shape}.")
    if len(arr) == 0:
        raise ValueError(f"{name}: empty; pass at least one value.")
    if pd.isna(arr).any():
        raise ValueError(f"{name}: {int(pd.isna(arr).sum())} missing value(s); drop those rows first.")
    return arr


def score_over_time(
    dates: Any,
    scores: Any,
    *,
    title: str,
    ax: Any = None,
    label: str | None = None,
    kind: str = "honest",
    metric: str = "score",
) -> Any:
    """One score series over time (or any ordered x), as a line with markers.

    Parameters
    ----------
    dates : sequence of dates or numbers
    scores : sequence of numbers, same length
    title : str
        Required: state the finding ("Accuracy falls from 0.90 to 0.70 within a year").
    ax : matplotlib Axes, optional
    label : str, optional
        Legend label (a legend is drawn only when given).
    kind : {"honest", "leaky", "neutral"}, default "honest"
    metric : str, default "score"
        The y-axis label.

    Returns
    -------
    matplotlib Axes with one line.

    Examples
    --------
    >>> import pandas as pd, matplotlib.pyplot as plt
    >>> months = pd.date_range("2024-01-01", periods=6, freq="MS")
    >>> ax = score_over_time(months, [0.9, 0.88, 0.84, 0.8, 0.77, 0.71],
    ...                      title="Accuracy falls from 0.90 to 0.71 in six months")
    >>> len(ax.lines)
    1
    >>> plt.close("all")
    """
    title = _check_title(title)
    x = _xvalues(dates, "dates")
    y = _numbers(scores, "scores")
    if len(x) != len(y):
        raise ValueError(f"dates and scores: lengths differ ({len(x)} vs {len(y)}); pass one score per date.")
    color = _kind_colors([kind], 1, "kind")[0]
    with use_style():
        ax = _axes(ax)
        ax.plot(x, y, marker="o", color=color, label=label)
        ax.set_ylabel(metric)
        if label is not None:
            ax.legend()
        ax.set_title(title, wrap=True)
        _date_axis(ax, x)
    return ax


def scores_over_time(
    frame: pd.DataFrame,
    time_col: str,
    series_cols: Sequence[str],
    *,
    title: str,
    ax: Any = None,
    kinds: Sequence[str] | None = None,
    metric: str = "score",
) -> Any:
    """Several score series over time, e.g. "random split" vs "time split" estimates
    next to the score actually achieved later. Rows are plotted in ``time_col`` order.

    Parameters
    ----------
    frame : DataFrame
    time_col : str
        The x column (dates or numbers).
    series_cols : list of str
        One line per column.
    title : str
        Required: state the finding.
    ax : matplotlib Axes, optional
    kinds : list of "leaky"/"honest"/"neutral", optional
        Colour meaning per series; by default neutral colours.
    metric : str, default "score"

    Returns
    -------
    matplotlib Axes with ``len(series_cols)`` lines.

    Examples
    --------
    >>> import pandas as pd, matplotlib.pyplot as plt
    >>> f = pd.DataFrame({"month": [1, 2, 3, 4], "random split": [0.91, 0.92, 0.9, 0.91],
    ...                   "time split": [0.8, 0.78, 0.74, 0.7]})
    >>> ax = scores_over_time(f, "month", ["random split", "time split"], kinds=["leaky", "honest"],
    ...                       title="The random split hides a decline the time split shows")
    >>> [line.get_label() for line in ax.lines]
    ['random split', 'time split']
    >>> plt.close("all")
    """
    frame = check_frame(frame, "frame")
    title = _check_title(title)
    check_columns(frame, time_col, "time_col", frame_name="frame")
    if isinstance(series_cols, str) or not isinstance(series_cols, Sequence):
        raise TypeError("series_cols: expected a list of column names, e.g. ['random split', 'time split'].")
    if len(series_cols) == 0:
        raise ValueError("series_cols: empty; name at least one score column.")
    check_columns(frame, list(series_cols), "series_cols", frame_name="frame")
    colors = _kind_colors(kinds, len(series_cols))
    f = frame.sort_values(time_col, kind="stable")
    x = _xvalues(f[time_col], f"frame[{time_col!r}]")
    ys = [_numbers(f[c], f"frame[{c!r}]") for c in series_cols]
    with use_style():
        ax = _axes(ax)
        for c, y, color in zip(series_cols, ys, colors):
            ax.plot(x, y, marker="o", color=color, label=str(c))
        ax.set_xlabel(str(time_col))
        ax.set_ylabel(metric)
        ax.legend()
        ax.set_title(title, wrap=True)
        _date_axis(ax, x)
    return ax


def distribution_comparison(
    samples: Mapping[str, Any],
    *,
    title: str,
    ax: Any = None,
    reference: float | None = None,
    reference_label: str = "true value",
    kinds: Sequence[str] | None = None,
    bins: int = 20,
    xlabel: str = "value",
) -> Any:
    """Overlaid histograms of several samples on shared bins, with an optional reference line.

    E.g. cross-validation errors over many simulations done the wrong way and the right
    way (ESL 7.10.2) against the true error of 0.5.

    Parameters
    ----------
    samples : dict of label -> 1-D array of numbers
    title : str
        Required: state the finding ("Selecting on all rows: CV error 0.03, true error 0.50").
    ax : matplotlib Axes, optional
    reference : float, optional
        Draw a dashed vertical line here.
    reference_label : str, default "true value"
    kinds : list of "leaky"/"honest"/"neutral", optional
        Colour meaning per sample; by default neutral colours.
    bins : int, default 20
    xlabel : str, default "value"

    Returns
    -------
    matplotlib Axes with one filled histogram patch per sample; the legend gives each mean.

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> rng = np.random.default_rng(0)
    >>> ax = distribution_comparison(
    ...     {"wrong": rng.normal(0.03, 0.02, 50), "right": rng.normal(0.5, 0.07, 50)},
    ...     kinds=["leaky", "honest"], reference=0.5, reference_label="true error",
    ...     title="Selecting on all rows: CV error 0.03; the true error is 0.50")
    >>> len(ax.patches), ax.lines[-1].get_xdata()[0]
    (2, 0.5)
    >>> plt.close("all")
    """
    if not isinstance(samples, Mapping):
        raise TypeError(f"samples: expected a dict of label -> array of numbers, got {type(samples).__name__}.")
    if not samples:
        raise ValueError("samples: empty; pass at least one label -> array pair.")
    title = _check_title(title)
    arrays = {str(k): _numbers(v, f"samples[{k!r}]") for k, v in samples.items()}
    colors = _kind_colors(kinds, len(arrays))
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins: expected a positive int, got {bins!r}.")
    if reference is not None:
        reference = float(_numbers([reference], "reference")[0])
    allv = np.concatenate(list(arrays.values()))
    lo, hi = float(allv.min()), float(allv.max())
    if reference is not None:
        lo, hi = min(lo, reference), max(hi, reference)
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, int(bins) + 1)
    with use_style():
        ax = _axes(ax)
        for (label, arr), color in zip(arrays.items(), colors):
            ax.hist(arr, bins=edges, histtype="stepfilled", alpha=0.45, color=color, edgecolor=color,
                    linewidth=1.5, label=f"{label} (mean {arr.mean():.2f})")
        if reference is not None:
            ax.axvline(reference, color="#333333", linestyle="--", linewidth=1.5, label=f"{reference_label} ({reference:.2f})")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("count")
        ax.legend()
        ax.set_title(title, wrap=True)
    return ax


def gap_vs_configs(
    frame: pd.DataFrame,
    *,
    x: str = "n_configs",
    y_cols: Sequence[str] = ("tuned_on_test_score", "fresh_test_score"),
    title: str,
    ax: Any = None,
    kinds: Sequence[str] | None = ("leaky", "honest"),
    labels: Sequence[str] | None = ("tuned and scored on the test set", "tuned on dev, test scored once"),
    metric: str = "score",
    logx: bool = False,
) -> Any:
    """Score against the number of configurations tried: tuned-on-test vs fresh.

    Made for the output of :func:`leakkit.llm.tuning_gap`; any frame with an ``x`` column
    and score columns works. When a column ``<name>_std`` (``tuned_on_test_score`` ->
    ``tuned_on_test_std``, or ``<col>_std``) exists, a band of +/- one std is drawn.

    Parameters
    ----------
    frame : DataFrame
    x : str, default "n_configs"
    y_cols : list of str, default ("tuned_on_test_score", "fresh_test_score")
    title : str
        Required: state the finding ("Trying 72 configurations on the test set adds 0.08").
    ax : matplotlib Axes, optional
    kinds : list of "leaky"/"honest"/"neutral" or None, default ("leaky", "honest")
        Colour meaning per column (None: neutral colours).
    labels : list of str or None
        Legend labels per column (None: the column names).
    metric : str, default "score"
    logx : bool, default False
        Logarithmic x axis (useful for 1, 2, 4, ... configurations).

    Returns
    -------
    matplotlib Axes with ``len(y_cols)`` lines.

    Examples
    --------
    >>> import pandas as pd, matplotlib.pyplot as plt
    >>> t = pd.DataFrame({"n_configs": [1, 8, 64], "tuned_on_test_score": [0.60, 0.68, 0.72],
    ...                   "fresh_test_score": [0.60, 0.62, 0.62]})
    >>> ax = gap_vs_configs(t, title="The more configurations tried on the test set, the rosier it looks")
    >>> len(ax.lines)
    2
    >>> plt.close("all")
    """
    frame = check_frame(frame, "frame")
    title = _check_title(title)
    check_columns(frame, x, "x", frame_name="frame")
    if isinstance(y_cols, str) or not isinstance(y_cols, Sequence):
        raise TypeError("y_cols: expected a list of column names.")
    if len(y_cols) == 0:
        raise ValueError("y_cols: empty; name at least one score column.")
    check_columns(frame, list(y_cols), "y_cols", frame_name="frame")
    if kinds is not None and len(kinds) != len(y_cols):
        raise ValueError(f"kinds: {len(kinds)} kind(s) for {len(y_cols)} column(s); give one per column or None.")
    colors = _kind_colors(kinds, len(y_cols))
    if labels is None:
        labels = [str(c) for c in y_cols]
    if isinstance(labels, str) or len(labels) != len(y_cols):
        raise ValueError(f"labels: give one label per column of y_cols ({len(y_cols)}), or None.")
    f = frame.sort_values(x, kind="stable")
    xv = _numbers(f[x], f"frame[{x!r}]")
    with use_style():
        ax = _axes(ax)
        for c, color, lab in zip(y_cols, colors, labels):
            y = _numbers(f[c], f"frame[{c!r}]")
            ax.plot(xv, y, marker="o", color=color, label=str(lab))
            std_col = next((s for s in (str(c)[: -len("_score")] + "_std" if str(c).endswith("_score") else None,
                                        f"{c}_std") if s is not None and s in f.columns), None)
            if std_col is not None:
                s = _numbers(f[std_col], f"frame[{std_col!r}]")
                ax.fill_between(xv, y - s, y + s, color=color, alpha=0.15, linewidth=0)
        if logx:
            ax.set_xscale("log")
            ax.set_xticks(xv, [f"{v:g}" for v in xv])
            from matplotlib.ticker import NullLocator

            ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("configurations tried" if x == "n_configs" else str(x))
        ax.set_ylabel(metric)
        ax.legend()
        ax.set_title(title, wrap=True)
    return ax
