"""Seeded scenario generators that return the data *and* the ground truth of what leaks.

Every generator is offline, fast (well under a second at its default size) and
deterministic for a given ``random_state``. The table generators return a
:class:`Scenario`: the frame, the target's name, and which columns (or rows) leak and
how. The high-dimensional null setups return plain ``(X, y)`` arrays, and the question
answering corpus returns a :class:`QACorpus`.

Leak kinds (the fixed vocabulary of :data:`LEAK_KINDS`):

========== ===============================================================
kind       meaning
========== ===============================================================
future     a field filled in only after the outcome is known
id         an identifier whose values encode the target
post_event a variable set after (and because of) the event to predict
duplicate  re-recorded copies of rows, so a split puts copies on both sides
group      rows of one group share a signature and a label
temporal   a feature computed from values later in time than its row
========== ===============================================================

``Scenario.leaks`` maps a column of ``frame`` to its kind. Duplicated *rows* are not a
column: they are listed under the key :data:`ROWS` (``"<rows>"``) with kind
``"duplicate"``, and the pairs themselves are in ``Scenario.duplicated_rows``. Use
``Scenario.leaky_columns`` when you only want the leaking columns.

Random state convention
-----------------------
``random_state`` is an ``int`` seed (>= 0), a :class:`numpy.random.Generator` or a
:class:`numpy.random.RandomState`. An int gives the same data on every call. A
Generator is used as is (and advanced), so two calls with the same Generator object give
different data; a RandomState is used to draw one seed for a new Generator. ``None`` is
refused: every dataset in the course is seeded.

>>> from leakkit.datasets import make_churn
>>> churn = make_churn(n_samples=500, random_state=0)
>>> sorted(churn.leaks.items())
[('account_closed_days', 'future'), ('customer_id', 'id'), ('retention_offer_made', 'post_event')]
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from leakkit._validation import check_fraction, check_int, check_random_state

__all__ = [
    "LEAK_KINDS",
    "ROWS",
    "QACorpus",
    "Scenario",
    "make_churn",
    "make_duplicates",
    "make_esl_null",
    "make_messy_project",
    "make_noise",
    "make_patients",
    "make_qa_corpus",
    "make_sales",
]

#: The fixed vocabulary of leak kinds.
LEAK_KINDS: tuple[str, ...] = ("future", "id", "post_event", "duplicate", "group", "temporal")

#: Key of ``Scenario.leaks`` that stands for duplicated rows (not a column).
ROWS = "<rows>"

_KIND_WORDS = {
    "future": "filled in only after the outcome is known, so it is unknown at prediction time",
    "id": "an identifier whose values encode the target (assigned in an order that depends on it)",
    "post_event": "set after, and because of, the event the model should predict",
    "duplicate": "re-recorded copies of rows, so a random split puts copies on both sides",
    "group": "rows of one group share a signature and a label, so a random split "
    "lets the model recognise the group instead of learning the signal",
    "temporal": "computed from values later in time than its own row",
}


# --------------------------------------------------------------------------- helpers
def _check_random_state(random_state: Any, name: str = "random_state") -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`: leakkit's one convention
    (:func:`leakkit._validation.check_random_state`, see the module doc)."""
    return check_random_state(random_state, name)


def _derived_rng(random_state: Any, salt: int, name: str = "random_state") -> np.random.Generator:
    """A Generator for a separate stream (e.g. production data): an int seed is mixed with
    ``salt`` so that it never repeats the stream of the same seed used for training."""
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        _check_random_state(random_state, name)  # validation only
        return np.random.default_rng([int(random_state), salt])
    return _check_random_state(random_state, name)


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _sequential_ids(order_key: np.ndarray, start: int, rng: np.random.Generator) -> np.ndarray:
    """Unique increasing integer IDs assigned in the order of ``order_key`` (gaps of 1-3)."""
    n = len(order_key)
    ranks = np.empty(n, dtype=np.int64)
    ranks[np.argsort(order_key, kind="stable")] = np.arange(n)
    steps = np.cumsum(rng.integers(1, 4, size=n))
    return (start + steps[ranks]).astype(np.int64)


def _bucket_jitter(values: np.ndarray, rng: np.random.Generator, decimals: int = 3) -> np.ndarray:
    """Move each value inside its rounding bucket at ``decimals`` places (and away from
    itself): the result differs from ``values`` but rounds to the same number."""
    step = 10.0 ** -decimals
    centre = np.round(values, decimals)
    out = centre + rng.uniform(-0.4, 0.4, size=values.shape) * step
    out = np.round(out, decimals + 3)
    same = out == values
    out[same] = np.round(centre[same] + np.where(values[same] >= centre[same], -0.2, 0.2) * step, decimals + 3)
    return out


_TEXT_EDITS = (
    lambda s: s.upper(),
    lambda s: s.lower(),
    lambda s: s.replace(" ", "  ", 1),
    lambda s: "  " + s,
    lambda s: s + " ",
    lambda s: " ".join(s.lower().split()) + "  ",
)


def _retype_text(text: str, rng: np.random.Generator) -> str:
    """The same text re-typed: another case or other white space (never identical)."""
    for k in rng.permutation(len(_TEXT_EDITS)):
        new = _TEXT_EDITS[k](text)
        if new != text:
            return new
    return text + " "  # pragma: no cover - every edit above changes a non-empty text


# --------------------------------------------------------------------------- Scenario
@dataclass(frozen=True)
class _Production:
    """Draws production rows for a scenario (a plain object, so a Scenario pickles)."""

    scenario: str
    id_start: int
    customer_start: int = 0

    def __call__(self, n_samples: int, random_state: Any) -> pd.DataFrame:
        if self.scenario == "churn":
            return _churn_frame(n_samples, _derived_rng(random_state, 7919), production=True, id_start=self.id_start)
        prod = _messy_invoices(
            n_samples,
            _derived_rng(random_state, 104729),
            production=True,
            id_start=self.id_start,
            customer_start=self.customer_start,
        )
        prod["region"] = prod["region"].astype("str")
        return prod


@dataclass(frozen=True, eq=False)
class Scenario:
    """A generated table together with the ground truth of what leaks.

    Parameters
    ----------
    frame : DataFrame
        Features, target, and the time / group / id columns where relevant.
    target : str
        Name of the target column of ``frame``.
    leaks : dict of str to str
        Column name -> leak kind (one of :data:`LEAK_KINDS`). The key :data:`ROWS`
        (``"<rows>"``) with kind ``"duplicate"`` stands for duplicated rows.
    honest_columns : list of str
        Model-ready features legitimately known at prediction time. Role columns (time,
        group, id) are not listed even when they are known then; use them to split.
    time_column, group_column, id_column : str or None
        The column holding time, groups, or record identifiers, if any.
    duplicated_rows : DataFrame or None
        For scenarios with duplicates: one row per copy, columns ``row_a`` (position of
        the original in ``frame``), ``row_b`` (position of the copy, ``row_a < row_b`` is
        *not* implied) and ``kind`` (``"exact"`` or ``"near"``); may carry extra columns.
    description : str
        A paragraph on what the data is and how the leaks got there.
    name : str
        Short name of the generator, e.g. ``"churn"``.
    task : {"classification", "regression"}
    train_index, test_index : ndarray or None
        A ready train/test split (row positions), where the scenario ships one.

    Examples
    --------
    >>> from leakkit.datasets import make_churn
    >>> sc = make_churn(n_samples=300, random_state=1)
    >>> sc.X.shape[0] == sc.y.shape[0] == 300
    True
    >>> sc.leaky_columns
    ['customer_id', 'account_closed_days', 'retention_offer_made']
    >>> set(sc.honest_X.columns) & set(sc.leaks)
    set()
    """

    frame: pd.DataFrame
    target: str
    leaks: dict[str, str]
    honest_columns: list[str]
    time_column: str | None = None
    group_column: str | None = None
    id_column: str | None = None
    duplicated_rows: pd.DataFrame | None = None
    description: str = ""
    name: str = "scenario"
    task: str = "classification"
    train_index: np.ndarray | None = None
    test_index: np.ndarray | None = None
    _production: Callable[[int, Any], pd.DataFrame] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise TypeError(f"frame: expected a pandas DataFrame, got {type(self.frame).__name__}.")
        if not isinstance(self.leaks, Mapping):
            raise TypeError(f"leaks: expected a dict of column -> kind, got {type(self.leaks).__name__}.")
        cols = set(self.frame.columns)
        if self.target not in cols:
            raise ValueError(f"target: {self.target!r} is not a column of frame.")
        for key, kind in self.leaks.items():
            if kind not in LEAK_KINDS:
                raise ValueError(f"leaks: kind {kind!r} of {key!r} is not one of {', '.join(LEAK_KINDS)}.")
            if key == ROWS:
                if kind != "duplicate":
                    raise ValueError(f"leaks: the key {ROWS!r} is reserved for kind 'duplicate', got {kind!r}.")
            elif key not in cols:
                raise ValueError(f"leaks: {key!r} is not a column of frame (use {ROWS!r} for duplicated rows).")
        missing = [c for c in self.honest_columns if c not in cols]
        if missing:
            raise ValueError(f"honest_columns: {missing} are not columns of frame.")
        for arg in ("time_column", "group_column", "id_column"):
            col = getattr(self, arg)
            if col is not None and col not in cols:
                raise ValueError(f"{arg}: {col!r} is not a column of frame.")
        if self.task not in ("classification", "regression"):
            raise ValueError(f"task: expected 'classification' or 'regression', got {self.task!r}.")
        # Own copies of the mutable containers, so the caller's objects are not shared.
        object.__setattr__(self, "leaks", dict(self.leaks))
        object.__setattr__(self, "honest_columns", list(self.honest_columns))

    # ---------------------------------------------------------------- views
    @property
    def X(self) -> pd.DataFrame:
        """Every column except the target (leaky columns included)."""
        return self.frame.drop(columns=[self.target])

    @property
    def y(self) -> pd.Series:
        """The target column."""
        return self.frame[self.target]

    @property
    def honest_X(self) -> pd.DataFrame:
        """Only the features legitimately known at prediction time."""
        return self.frame[self.honest_columns]

    @property
    def leaky_columns(self) -> list[str]:
        """The columns of ``frame`` that leak (``leaks`` without the :data:`ROWS` key)."""
        return [c for c in self.leaks if c != ROWS]

    @property
    def train_frame(self) -> pd.DataFrame:
        """Rows of the shipped training split (only when the scenario has one)."""
        return self.frame.iloc[self._split_positions("train_index")]

    @property
    def test_frame(self) -> pd.DataFrame:
        """Rows of the shipped test split (only when the scenario has one)."""
        return self.frame.iloc[self._split_positions("test_index")]

    def _split_positions(self, attr: str) -> np.ndarray:
        idx = getattr(self, attr)
        if idx is None:
            raise AttributeError(f"the {self.name!r} scenario ships no train/test split; split it yourself.")
        return idx

    # ---------------------------------------------------------------- production
    @property
    def has_production(self) -> bool:
        """Whether :meth:`production` can generate prediction-time data for this scenario."""
        return self._production is not None

    def production(self, n_samples: int | None = None, random_state: Any = 0) -> pd.DataFrame:
        """New rows as production sees them at prediction time.

        Same columns and the same honest-feature distribution as ``frame``, but the leaky
        fields hold what is known at prediction time: future fields are missing,
        post-event flags are not yet set, and identifiers come from a fresh range with no
        link to the target. The target column holds the outcome observed *later*, so a
        model can be scored on it.

        Parameters
        ----------
        n_samples : int or None
            Number of rows; ``None`` gives as many as ``frame``.
        random_state : int, Generator or RandomState
            Seed of the production draw. An int seed is mixed with a fixed salt, so
            ``production(random_state=0)`` never repeats the training rows of seed 0.

        Examples
        --------
        >>> from leakkit.datasets import make_churn
        >>> prod = make_churn(n_samples=300, random_state=0).production(200, random_state=1)
        >>> prod.shape[0], int(prod["retention_offer_made"].sum()), bool(prod["account_closed_days"].isna().all())
        (200, 0, True)
        """
        if self._production is None:
            raise NotImplementedError(
                f"the {self.name!r} scenario has no production data; "
                f"production() exists for scenarios whose leaks change at prediction time (churn, messy_project)."
            )
        if n_samples is None:
            n_samples = len(self.frame)
        n_samples = check_int(n_samples, "n_samples", minimum=1)
        return self._production(n_samples, random_state)

    # ---------------------------------------------------------------- text
    def describe_leaks(self) -> list[str]:
        """One plain-language sentence per planted leak.

        Examples
        --------
        >>> from leakkit.datasets import make_patients
        >>> make_patients(n_patients=6, visits_per_patient=2).describe_leaks()[0]
        "'patient_id' (group): rows of one group share a signature and a label, so a random split lets the model recognise the group instead of learning the signal."
        """
        lines = []
        for key, kind in self.leaks.items():
            if key == ROWS:
                n = 0 if self.duplicated_rows is None else len(self.duplicated_rows)
                lines.append(f"{n} duplicated rows (duplicate): {_KIND_WORDS[kind]}; the pairs are in duplicated_rows.")
            else:
                lines.append(f"{key!r} ({kind}): {_KIND_WORDS[kind]}.")
        return lines

    def summary(self) -> str:
        """A short plain-text summary: size, target, honest features and planted leaks."""
        n, p = self.frame.shape
        y = self.frame[self.target]
        if self.task == "classification":
            tgt = f"classification, {100 * float(np.mean(y == y.max())):.1f}% positive"
        else:
            tgt = f"regression, mean {float(y.mean()):.3g}"
        out = [
            f"Scenario {self.name!r}: {n} rows x {p} columns, target {self.target!r} ({tgt})",
            f"honest features ({len(self.honest_columns)}): {', '.join(self.honest_columns)}",
        ]
        roles = [f"{r}={getattr(self, r + '_column')!r}" for r in ("time", "group", "id") if getattr(self, r + "_column")]
        if roles:
            out.append("columns with a role: " + ", ".join(roles))
        if self.train_index is not None and self.test_index is not None:
            out.append(f"ready split: {len(self.train_index)} train rows, {len(self.test_index)} test rows")
        out.append(f"planted leaks ({len(self.leaks)}):")
        out.extend("  - " + line for line in self.describe_leaks())
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"


# --------------------------------------------------------------------------- churn
_CONTRACTS = np.array(["monthly", "annual", "two_year"])
_PAYMENTS = np.array(["electronic_check", "mailed_check", "bank_transfer", "credit_card"])
_REGIONS = np.array(["north", "south", "east", "west"])
_CHURN_ID_START = 100_000


def _churn_honest(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Honest churn features and the churn outcome (drawn from them plus noise)."""
    contract = rng.choice(_CONTRACTS, size=n, p=[0.55, 0.25, 0.20])
    payment = rng.choice(_PAYMENTS, size=n, p=[0.35, 0.20, 0.22, 0.23])
    region = rng.choice(_REGIONS, size=n, p=[0.30, 0.25, 0.25, 0.20])
    tenure = np.clip(np.round(rng.gamma(1.6, 18.0, size=n)), 1, 72).astype(np.int64)
    monthly = np.round(np.clip(rng.normal(62.0, 24.0, size=n) + 8.0 * (contract == "monthly"), 18.0, 120.0), 2)
    hidden = rng.normal(0.0, 1.0, size=n)  # unobserved dissatisfaction
    calls = rng.poisson(np.exp(0.1 + 0.35 * hidden)).astype(np.int64)
    satisfaction = np.clip(np.round(6.5 - 1.0 * hidden + rng.normal(0.0, 1.6, size=n)), 1, 10)
    logit = (
        -1.7
        - 0.03 * tenure
        + 0.013 * monthly
        + 0.20 * calls
        - 0.15 * (satisfaction - 6.5)
        + np.select([contract == "monthly", contract == "annual"], [0.7, -0.3], -1.0)
        + 0.45 * (payment == "electronic_check")
        + 0.5 * hidden
    )
    churned = (rng.random(n) < _logistic(logit)).astype(np.int64)
    satisfaction = satisfaction.astype(float)
    satisfaction[rng.random(n) < 0.15] = np.nan  # not every customer answered the survey
    frame = pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charges": monthly,
            "support_calls": calls,
            "contract_type": contract,
            "payment_method": payment,
            "region": region,
            "satisfaction_score": satisfaction,
        }
    )
    return frame, churned


_CHURN_HONEST = [
    "tenure_months",
    "monthly_charges",
    "support_calls",
    "contract_type",
    "payment_method",
    "region",
    "satisfaction_score",
]
_CHURN_COLUMNS = ["customer_id", *_CHURN_HONEST, "account_closed_days", "retention_offer_made", "churned"]


def _churn_frame(n: int, rng: np.random.Generator, *, production: bool, id_start: int) -> pd.DataFrame:
    frame, churned = _churn_honest(n, rng)
    if production:
        # Fresh customers: IDs in a new range, assigned in an order unrelated to churn.
        frame["customer_id"] = _sequential_ids(rng.random(n), id_start, rng)
        frame["account_closed_days"] = np.full(n, np.nan)  # nobody has closed yet
        frame["retention_offer_made"] = np.zeros(n, dtype=np.int64)  # nobody has asked to cancel yet
    else:
        # Churned customers were exported later (from the closed-accounts system): higher IDs.
        frame["customer_id"] = _sequential_ids(churned + rng.normal(0.0, 0.35, size=n), id_start, rng)
        closed = np.round(rng.gamma(2.0, 15.0, size=n)) + 1.0
        filled = (churned == 1) & (rng.random(n) < 0.95)  # a few closures not yet processed
        frame["account_closed_days"] = np.where(filled, closed, np.nan)
        p_offer = np.where(churned == 1, 0.75, 0.05)
        frame["retention_offer_made"] = (rng.random(n) < p_offer).astype(np.int64)
    frame["churned"] = churned
    return frame[_CHURN_COLUMNS]


def make_churn(n_samples: int = 2000, random_state: Any = 0) -> Scenario:
    """Customer churn table with an ID, a future field and a post-event flag that leak.

    Honest features: ``tenure_months``, ``monthly_charges``, ``support_calls``,
    ``contract_type`` ("monthly", "annual", "two_year"), ``payment_method``, ``region``
    and ``satisfaction_score`` (about 15 % missing). The target ``churned`` (0/1, about
    30 % positive) is moderately predictable from them (a logistic model reaches a ROC AUC
    of about 0.75).

    Leaks:

    - ``customer_id`` (id): churned customers were exported later and got higher IDs;
    - ``account_closed_days`` (future): days from the snapshot to the account's closure,
      missing for accounts still open;
    - ``retention_offer_made`` (post_event): set by the retention team after the customer
      asked to cancel.

    ``Scenario.production(n, random_state)`` gives the same table as production sees it
    at prediction time: no closure yet, no retention offer yet, fresh IDs.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of customers (at least 10).
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    Scenario

    Examples
    --------
    >>> from leakkit.datasets import make_churn
    >>> sc = make_churn(n_samples=1000, random_state=0)
    >>> sc.frame.shape
    (1000, 11)
    >>> sc.target, sc.id_column
    ('churned', 'customer_id')
    >>> bool(0.2 < sc.y.mean() < 0.4)
    True
    """
    n_samples = check_int(n_samples, "n_samples", minimum=10)
    rng = _check_random_state(random_state)
    frame = _churn_frame(n_samples, rng, production=False, id_start=_CHURN_ID_START)
    next_id = int(frame["customer_id"].max()) + 1000
    return Scenario(
        frame=frame,
        target="churned",
        leaks={"customer_id": "id", "account_closed_days": "future", "retention_offer_made": "post_event"},
        honest_columns=list(_CHURN_HONEST),
        id_column="customer_id",
        description=(
            "A telecom's customer snapshot, one row per customer, to predict who churns. "
            "The table was assembled after the fact: churned customers came from a later export "
            "(higher customer_id), closed accounts carry the days until closure, and the retention "
            "team flagged customers it made an offer to after they asked to cancel. None of these is "
            "known when the model must predict."
        ),
        name="churn",
        task="classification",
        _production=_Production("churn", id_start=next_id),
    )


# --------------------------------------------------------------------------- duplicates
_ADJECTIVES = ["Sturdy", "Compact", "Classic", "Deluxe", "Portable", "Quiet", "Smart", "Rustic", "Modern", "Basic"]
_COLOURS = ["Blue", "Red", "Green", "Black", "White", "Silver", "Amber", "Teal"]
_ITEMS = ["Kettle", "Lamp", "Blender", "Heater", "Toaster", "Fan", "Speaker", "Clock", "Mixer", "Grill"]
_CATEGORIES = np.array(["kitchen", "living", "office", "outdoor"])


def make_duplicates(
    n_samples: int = 1000,
    duplicate_fraction: float = 0.2,
    near_fraction: float = 0.5,
    random_state: Any = 0,
) -> Scenario:
    """Product-return records where a fraction of rows are re-recorded copies.

    Each row is a product sale: six numeric measurements ``x0`` ... ``x5``, a text column
    ``product`` and a categorical ``category``; the target ``returned`` (0/1) depends
    weakly on ``x0``, ``x1`` and ``x2``. Then ``round(duplicate_fraction * n_samples)``
    rows are copies of other rows, shuffled in among them. A share ``near_fraction`` of the
    copies are *near* copies (``product`` re-typed with another case or white space, and
    every float moved past its 3rd decimal, so rounding to 3 decimals and normalising the
    text makes them equal again); the rest are exact copies. A copy has its original's
    label. A random split puts copies on both sides, so a memorising model (1-NN, deep
    trees) scores higher than it should.

    ``duplicated_rows`` lists one pair per copy: ``row_a`` is the original's position,
    ``row_b`` the copy's, ``kind`` is ``"exact"`` or ``"near"``.

    Parameters
    ----------
    n_samples : int, default=1000
        Total rows, copies included (at least 10).
    duplicate_fraction : float in [0, 0.9], default=0.2
        Share of rows that are copies.
    near_fraction : float in [0, 1], default=0.5
        Share of the copies that are near (not exact) copies.
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    Scenario

    Examples
    --------
    >>> from leakkit.datasets import make_duplicates
    >>> sc = make_duplicates(n_samples=200, duplicate_fraction=0.25, random_state=0)
    >>> len(sc.frame), len(sc.duplicated_rows)
    (200, 50)
    >>> sorted(sc.duplicated_rows["kind"].value_counts().items())
    [('exact', 25), ('near', 25)]
    >>> a, b = sc.duplicated_rows.iloc[0][["row_a", "row_b"]]
    >>> int(sc.y.iloc[a]) == int(sc.y.iloc[b])
    True
    """
    n_samples = check_int(n_samples, "n_samples", minimum=10)
    duplicate_fraction = check_fraction(duplicate_fraction, "duplicate_fraction", low=0.0, high=0.9)
    near_fraction = check_fraction(near_fraction, "near_fraction")
    rng = _check_random_state(random_state)

    n_dup = int(round(duplicate_fraction * n_samples))
    n_orig = n_samples - n_dup
    n_near = int(round(near_fraction * n_dup))

    X = np.round(rng.normal(0.0, 1.0, size=(n_orig, 6)), 6)
    logit = 0.9 * X[:, 0] - 0.7 * X[:, 1] + 0.5 * X[:, 2] - 0.6
    label = (rng.random(n_orig) < _logistic(logit)).astype(np.int64)
    product = np.array(
        [
            f"{_ADJECTIVES[a]} {_COLOURS[c]} {_ITEMS[i]}"
            for a, c, i in zip(
                rng.integers(0, len(_ADJECTIVES), n_orig),
                rng.integers(0, len(_COLOURS), n_orig),
                rng.integers(0, len(_ITEMS), n_orig),
            )
        ],
        dtype=object,
    )
    category = rng.choice(_CATEGORIES, size=n_orig)

    source = rng.choice(n_orig, size=n_dup, replace=n_dup > n_orig)
    is_near = np.zeros(n_dup, dtype=bool)
    is_near[rng.choice(n_dup, size=n_near, replace=False)] = True

    X_all = np.vstack([X, X[source]])
    prod_all = np.concatenate([product, product[source]])
    for j in np.flatnonzero(is_near):
        k = n_orig + j
        X_all[k] = _bucket_jitter(X_all[k], rng)
        prod_all[k] = _retype_text(prod_all[k], rng)

    frame = pd.DataFrame(X_all, columns=[f"x{i}" for i in range(6)])
    frame["product"] = pd.Series(prod_all, dtype="str")
    frame["category"] = np.concatenate([category, category[source]])
    frame["returned"] = np.concatenate([label, label[source]])

    # Shuffle: position_of[k] is where generated row k ends up.
    perm = rng.permutation(n_samples)
    position_of = np.empty(n_samples, dtype=np.int64)
    position_of[perm] = np.arange(n_samples)
    frame = frame.iloc[perm].reset_index(drop=True)
    pairs = pd.DataFrame(
        {
            "row_a": position_of[source],
            "row_b": position_of[n_orig + np.arange(n_dup)],
            "kind": np.where(is_near, "near", "exact"),
        }
    )
    pairs = pairs.sort_values(["row_a", "row_b"], ignore_index=True)
    honest = [f"x{i}" for i in range(6)] + ["product", "category"]
    return Scenario(
        frame=frame,
        target="returned",
        leaks={ROWS: "duplicate"},
        honest_columns=honest,
        duplicated_rows=pairs,
        description=(
            f"Product sales with a return flag. {n_dup} of {n_samples} rows are re-recorded copies of "
            f"other rows ({n_near} near copies with re-typed text and floats differing past the 3rd "
            "decimal, the rest exact). Their labels equal the original's, so a random split lets a "
            "memorising model look up the answer."
        ),
        name="duplicates",
        task="classification",
    )


# --------------------------------------------------------------------------- patients
def make_patients(n_patients: int = 60, visits_per_patient: int = 8, random_state: Any = 0) -> Scenario:
    """Repeated visits of patients: a grouped data set where random folds leak.

    Each patient has a strong personal signature (their own level of every marker, their
    age and sex) and a diagnosis that does not change between visits. The diagnosis shifts
    ``marker_1`` and ``marker_2`` only slightly, so the signal that generalises to *new*
    patients is weak, while a model that recognises a patient from the signature gets the
    label right. Random KFold therefore scores far higher than GroupKFold on
    ``patient_id``. Rows come in visit-log order (patients interleaved), so even an
    unshuffled KFold mixes patients across folds.

    Parameters
    ----------
    n_patients : int, default=60
        Number of patients (at least 2); about half have the diagnosis.
    visits_per_patient : int, default=8
        Visits per patient (at least 1).
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    Scenario
        ``group_column="patient_id"``, ``leaks={"patient_id": "group"}``.

    Examples
    --------
    >>> from leakkit.datasets import make_patients
    >>> sc = make_patients(n_patients=10, visits_per_patient=4, random_state=0)
    >>> sc.frame.shape
    (40, 13)
    >>> bool((sc.frame.groupby("patient_id")["diagnosis"].nunique() == 1).all())
    True
    """
    n_patients = check_int(n_patients, "n_patients", minimum=2)
    visits_per_patient = check_int(visits_per_patient, "visits_per_patient", minimum=1)
    rng = _check_random_state(random_state)
    n_markers = 8

    diagnosis = rng.permutation(np.arange(n_patients) % 2).astype(np.int64)
    signature = rng.normal(0.0, 1.0, size=(n_patients, n_markers))
    signature[:, 0] += 0.6 * diagnosis
    signature[:, 1] -= 0.5 * diagnosis
    age = np.clip(np.round(rng.normal(55.0, 14.0, size=n_patients)), 18, 95).astype(np.int64)
    sex = rng.choice(np.array(["F", "M"]), size=n_patients)

    pid = np.repeat(np.arange(n_patients), visits_per_patient)
    visit = np.tile(np.arange(1, visits_per_patient + 1), n_patients)
    markers = signature[pid] + rng.normal(0.0, 0.3, size=(len(pid), n_markers))
    frame = pd.DataFrame({"patient_id": 1001 + pid, "visit": visit, "age": age[pid], "sex": sex[pid]})
    for j in range(n_markers):
        frame[f"marker_{j + 1}"] = np.round(markers[:, j], 4)
    frame["diagnosis"] = diagnosis[pid]
    # Visit-log order: by visit number, patients in random order within a round.
    order = np.lexsort((rng.random(len(pid)), visit))
    frame = frame.iloc[order].reset_index(drop=True)
    honest = ["visit", "age", "sex"] + [f"marker_{j + 1}" for j in range(n_markers)]
    return Scenario(
        frame=frame,
        target="diagnosis",
        leaks={"patient_id": "group"},
        honest_columns=honest,
        group_column="patient_id",
        description=(
            f"{n_patients} patients seen {visits_per_patient} times each. Every patient has a personal "
            "signature in all markers and one diagnosis for all visits; the diagnosis itself moves "
            "marker_1 and marker_2 only a little. A random split puts visits of one patient on both "
            "sides, so the model recognises the patient; only a split by patient_id measures how it "
            "does on new patients."
        ),
        name="patients",
        task="classification",
    )


# --------------------------------------------------------------------------- sales
def make_sales(n_days: int = 730, random_state: Any = 0) -> Scenario:
    """Daily sales of a shop: trend, weekly and yearly seasonality, and regime drift.

    Rows are days in date order from 2022-01-01 (``date`` is the time column). The
    regression target ``sales`` has a slow trend, a weekly and an annual cycle, promotion
    days (``promo``, planned in advance, so known), a random-walk drift and a level shift
    when a competitor opens. Honest features are calendar fields, ``promo`` and lags known
    a week ahead: ``lag_7``, ``lag_14``, ``lag_28`` and ``rolling_mean_7_lag_7`` (the mean
    of days t-13 ... t-7). The leak: ``rolling_mean_7_centered``, the mean of days t-3 ...
    t+3, which includes the target day and three days of its future (kind ``"temporal"``).
    A shuffled KFold is optimistic compared with TimeSeriesSplit.

    Parameters
    ----------
    n_days : int, default=730
        Number of days (rows), at least 30.
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    Scenario
        ``task="regression"``, ``time_column="date"``.

    Examples
    --------
    >>> from leakkit.datasets import make_sales
    >>> sc = make_sales(n_days=60, random_state=0)
    >>> sc.frame.shape, str(sc.frame["date"].iloc[0].date())
    ((60, 12), '2022-01-01')
    >>> bool(sc.frame["date"].is_monotonic_increasing), int(sc.frame.isna().sum().sum())
    (True, 0)
    """
    n_days = check_int(n_days, "n_days", minimum=30)
    rng = _check_random_state(random_state)
    burn, ahead = 28, 3
    n = burn + n_days + ahead
    t = np.arange(n) - burn  # day 0 is the first returned day
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(t, unit="D")
    dow = np.asarray(dates.day_of_week)
    doy = np.asarray(dates.day_of_year)

    weekly = np.array([-8.0, -10.0, -6.0, -3.0, 6.0, 18.0, 12.0])[dow]
    annual = 14.0 * np.sin(2 * np.pi * (doy - 100) / 365.25) + 6.0 * np.cos(4 * np.pi * doy / 365.25)
    drift = np.cumsum(rng.normal(0.0, 0.9, size=n))
    shift_day = int(rng.integers(int(0.45 * n_days), int(0.75 * n_days) + 1))
    competitor = np.where(t >= shift_day, -22.0, 0.0)
    promo = (rng.random(n) < 0.12).astype(np.int64)
    level = 120.0 + 0.04 * t + weekly * np.where(t >= shift_day, 1.4, 1.0) + annual + drift + competitor
    sales = np.round(level + 20.0 * promo + rng.normal(0.0, 5.0, size=n), 2)

    s = pd.Series(sales)
    frame = pd.DataFrame(
        {
            "date": dates,
            "day_of_week": dow.astype(np.int64),
            "month": np.asarray(dates.month).astype(np.int64),
            "day_of_year": doy.astype(np.int64),
            "promo": promo,
            "lag_7": s.shift(7),
            "lag_14": s.shift(14),
            "lag_28": s.shift(28),
            "rolling_mean_7_lag_7": s.shift(7).rolling(7).mean().round(3),
            "rolling_mean_7_centered": s.rolling(7, center=True).mean().round(3),
            "sales": sales,
        }
    )
    frame = frame.iloc[burn : burn + n_days].reset_index(drop=True)
    frame.insert(2, "is_weekend", (frame["day_of_week"] >= 5).astype(np.int64))
    honest = [
        "day_of_week",
        "is_weekend",
        "month",
        "day_of_year",
        "promo",
        "lag_7",
        "lag_14",
        "lag_28",
        "rolling_mean_7_lag_7",
    ]
    return Scenario(
        frame=frame,
        target="sales",
        leaks={"rolling_mean_7_centered": "temporal"},
        honest_columns=honest,
        time_column="date",
        description=(
            f"{n_days} days of a shop's sales with trend, weekly and annual cycles, promotions, a "
            f"drifting level and a competitor opening on day {shift_day}. The lags are known a week "
            "ahead; rolling_mean_7_centered averages the three days before and after each day, "
            "including the day itself, so it peeks into the future."
        ),
        name="sales",
        task="regression",
    )


# --------------------------------------------------------------------------- null setups
def make_esl_null(n_samples: int = 50, n_features: int = 5000, random_state: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """The null setup of *The Elements of Statistical Learning*, section 7.10.2.

    Standard normal predictors, independent of balanced binary labels: ``n_samples // 2``
    rows of class 0 and the rest of class 1, in random order. Any classifier's true error
    is 50 %; selecting the most correlated predictors on all rows before cross-validation
    makes it look close to 0 %.

    Parameters
    ----------
    n_samples : int, default=50
        At least 2.
    n_features : int, default=5000
        At least 1.
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), int64 with values 0 and 1

    Examples
    --------
    >>> from leakkit.datasets import make_esl_null
    >>> X, y = make_esl_null(random_state=0)
    >>> X.shape, X.dtype.name, int(y.sum())
    ((50, 5000), 'float64', 25)
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    n_features = check_int(n_features, "n_features", minimum=1)
    rng = _check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    y = rng.permutation((np.arange(n_samples) >= n_samples // 2).astype(np.int64))
    return X, y


def make_noise(n_samples: int = 200, n_features: int = 10000, random_state: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random data and random binary labels, as in scikit-learn's "Common pitfalls" page.

    ``X`` is standard normal and ``y`` is drawn independently, each label 0 or 1 with
    probability 1/2 (both classes always occur). Selecting features on all rows
    (``SelectKBest(k=25)``) before cross-validation gives an accuracy far above 0.5;
    selecting inside a Pipeline gives about 0.5.

    Parameters
    ----------
    n_samples : int, default=200
        At least 2.
    n_features : int, default=10000
        At least 1.
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), int64 with values 0 and 1

    Examples
    --------
    >>> from leakkit.datasets import make_noise
    >>> X, y = make_noise(n_samples=100, n_features=500, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 500), [0, 1])
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    n_features = check_int(n_features, "n_features", minimum=1)
    rng = _check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    y = rng.integers(0, 2, size=n_samples).astype(np.int64)
    if y.min() == y.max():  # only possible for tiny n: keep two classes
        y[rng.integers(0, n_samples)] = 1 - y[0]
    return X, y


# --------------------------------------------------------------------------- QA corpus
@dataclass(frozen=True, eq=False)
class QACorpus:
    """A small synthetic corpus for retrieval / LLM evaluation, with gold answers.

    Parameters
    ----------
    documents : DataFrame
        Columns ``doc_id``, ``title``, ``text``.
    questions : DataFrame
        Columns ``question_id``, ``question``, ``answer``, ``doc_id`` (the one document
        holding the answer), ``attribute`` (which fact is asked) and ``refers_by``
        (``"name"`` or ``"alias"``: how the question names the town).
    description : str

    Examples
    --------
    >>> from leakkit.datasets import make_qa_corpus
    >>> qa = make_qa_corpus(n_documents=10, n_questions=20, random_state=0)
    >>> dev, test = qa.split(test_size=0.5, random_state=0)
    >>> len(dev), len(test), bool(set(dev["question_id"]) & set(test["question_id"]))
    (10, 10, False)
    """

    documents: pd.DataFrame
    questions: pd.DataFrame
    description: str = ""

    def split(self, test_size: float = 0.5, random_state: Any = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Split the questions into a dev set (to tune on) and a test set (to report).

        Parameters
        ----------
        test_size : float in (0, 1), default=0.5
            Share of questions in the test set (at least one question on each side).
        random_state : int, Generator or RandomState, default=0

        Returns
        -------
        dev, test : DataFrame
            Disjoint subsets of ``questions``, each in ``question_id`` order.
        """
        test_size = check_fraction(test_size, "test_size")
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size: must be strictly between 0 and 1, got {test_size}.")
        n = len(self.questions)
        if n < 2:
            raise ValueError("questions: need at least 2 questions to split; generate more with n_questions.")
        rng = _check_random_state(random_state)
        n_test = min(max(int(round(test_size * n)), 1), n - 1)
        perm = rng.permutation(n)
        test_pos = np.sort(perm[:n_test])
        dev_pos = np.sort(perm[n_test:])
        return self.questions.iloc[dev_pos].reset_index(drop=True), self.questions.iloc[test_pos].reset_index(drop=True)

    def __repr__(self) -> str:
        words = self.documents["text"].str.split().str.len()
        return (
            f"QACorpus: {len(self.documents)} documents (about {int(words.mean())} words each), "
            f"{len(self.questions)} questions, each answered by exactly one document"
        )


_SYLLABLES = [
    "Kor", "Bel", "Vel", "Mar", "Tor", "Ash", "Dun", "Ral", "Sel", "Quin", "Bra", "Eld", "Fen", "Gal",
    "Hal", "Ist", "Jor", "Lun", "Mor", "Nor", "Orr", "Pel", "Ros", "Tam", "Ulm", "Var", "Wes", "Yar", "Zel",
]  # fmt: skip
_SUFFIXES = ["ath", "mira", "ford", "holm", "vale", "dor", "wick", "stead", "aris", "enne", "ston", "mouth"]
_QUALIFIERS = ["North", "South", "East", "West", "New", "Old", "Upper", "Lower"]
_PROVINCES = ["Ardent", "Brisk", "Coral", "Dusk", "Ember", "Frost", "Glen", "Hollow"]
_GOODS = [
    "copper", "tin", "wool", "salt", "timber", "glass", "amber", "silk", "barley", "olives",
    "marble", "honey", "paper", "pottery", "cider",
]  # fmt: skip
_FIRST = ["Ilsa", "Oren", "Mira", "Tobin", "Sana", "Edric", "Lena", "Corin", "Vera", "Anselm", "Hana", "Piet"]
_LAST = ["Marrow", "Quill", "Ashby", "Thorne", "Vance", "Holt", "Brenn", "Castell", "Dray", "Fenwick"]
_RIVERS = ["Ivel", "Saro", "Tamsin", "Orla", "Wend", "Carrow", "Lisk", "Mede"]
_MONTHS = ["January", "March", "May", "June", "August", "September", "October", "December"]
_FESTIVALS = ["Lantern", "Harvest", "Kite", "Boat", "Bell", "Candle", "Blossom", "Mask"]

# attribute -> (fact naming the town, the same fact referring back to it, question templates).
# The fact sentence is the only place the answer is stated for that town. Most facts refer
# back to the town ("Its main export is ..."), so a small chunk may not name the town at all.
_FACTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "province": (
        "{name} is a town in the {value} province.",
        "{name} is a town in the {value} province.",
        ("In which province is {name}?", "Which province is {name} part of?", "Where is {name} located?"),
    ),
    "population": (
        "{name} has a population of {value}.",
        "The town has a population of {value}.",
        ("What is the population of {name}?", "How many people live in {name}?", "How big is {name}'s population?"),
    ),
    "founded": (
        "{name} was founded in {value}.",
        "It was founded in {value}.",
        ("When was {name} founded?", "In what year was {name} established?", "How old is {name}; when was it founded?"),
    ),
    "export": (
        "The main export of {name} is {value}.",
        "Its main export is {value}.",
        ("What is the main export of {name}?", "What does {name} mostly export?", "Which good is {name} known for selling abroad?"),
    ),
    "mayor": (
        "The mayor of {name} is {value}.",
        "The current mayor is {value}.",
        ("Who is the mayor of {name}?", "Who leads the town council of {name}?", "Who governs {name}?"),
    ),
    "river": (
        "{name} sits on the banks of the {value} river.",
        "The town sits on the banks of the {value} river.",
        ("Which river runs through {name}?", "On which river is {name} built?", "What river flows past {name}?"),
    ),
    "festival": (
        "Every year {name} holds the {value} festival.",
        "Every year the town holds the {value} festival.",
        ("What festival does {name} hold?", "Which festival is celebrated in {name}?", "What is the yearly festival of {name} called?"),
    ),
    "festival_month": (
        "The festival of {name} takes place in {value}.",
        "The festival takes place in {value}.",
        ("In which month is the festival of {name}?", "When does {name} hold its festival?", "Which month is festival time in {name}?"),
    ),
}  # fmt: skip

# Filler sentences naming another town in the vocabulary of the facts, without stating
# any fact of it: they pull retrieval towards the wrong document.
_FILLERS = (
    "The mayor of {other} visited the town last spring.",
    "Traders say its markets are busier than those of {other}.",
    "Its export trade competes with the main export of {other}.",
    "Many residents moved here from {other}, whose population keeps growing.",
    "Unlike {other}, it was founded by fishermen.",
    "The river trade links the town to {other}.",
    "People from {other} come every year for the festival.",
    "A road connects {name} to {other}.",
)


# Nicknames reuse the words of other towns' facts (goods, festivals, rivers), so a question
# naming a town by its nickname also matches towns that export salt or hold a Kite festival.
_ALIAS_FIRST = [w.capitalize() for w in _GOODS] + _FESTIVALS + _RIVERS
_ALIAS_SECOND = ["Gate", "Harbour", "Crossing", "Crown", "Bridge", "Meadow", "Tower", "Well", "Garden", "Market",
                 "Ford", "Hill"]  # fmt: skip
_P_ALIAS = 0.35  # share of questions naming the town by its nickname ("the Copper Gate")
_N_FILLERS = (3, 5)  # filler sentences per document (min, max)
_P_TWIN = 0.3  # share of towns named after another town's stem ("North Korvale")
_P_KIN = 0.5  # chance that a filler names a town of the same stem, when there is one


def _town_names(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct town names; some share a stem with another (``Korvale`` and ``North
    Korvale``), which makes their documents lexical distractors for each other."""
    stems = [a + b for a in _SYLLABLES for b in _SUFFIXES]
    stems = [stems[i] for i in rng.permutation(len(stems))]
    names: list[str] = []
    used: set[str] = set()
    si = 0
    while len(names) < n:
        if names and rng.random() < _P_TWIN:
            base = names[int(rng.integers(0, len(names)))].split()[-1]
            cand = f"{_QUALIFIERS[int(rng.integers(0, len(_QUALIFIERS)))]} {base}"
        elif si < len(stems):
            cand = stems[si]
            si += 1
        else:
            cand = f"{_QUALIFIERS[int(rng.integers(0, len(_QUALIFIERS)))]} {stems[int(rng.integers(0, len(stems)))]}"
        if cand not in used:
            used.add(cand)
            names.append(cand)
    return names


_MAX_DOCUMENTS = len(_SYLLABLES) * len(_SUFFIXES) * (len(_QUALIFIERS) + 1)


def make_qa_corpus(n_documents: int = 60, n_questions: int = 120, random_state: Any = 0) -> QACorpus:
    """A synthetic corpus of town fact sheets and questions answered by exactly one of them.

    Each document describes one fictional town: eight facts (province, population,
    founding year, main export, mayor, river, festival and its month). The first sentence
    names the town; the other facts, in shuffled order, mostly refer back to it ("Its main
    export is tin."), so a small chunk may not name the town at all. They are mixed with
    filler sentences that name *other* towns in the facts' vocabulary ("The mayor of
    Belmira visited the town last spring."). Every town also has a nickname made of words
    from other towns' facts ("Wesholm, known as the Salt Bridge, ..."), and about a third
    of the questions name the town by it ("Who governs the Salt Bridge?").
    About a third of the towns share a name stem with another ("Korvale" and "North
    Korvale"). So lexical retrieval is good but imperfect: chunk size, top-k and score
    thresholds matter, and tuning many configurations on a small evaluation set overfits it.
    Questions are paraphrased, each asks for one fact of one town, and no (town, fact)
    pair is asked twice. Judge retrieval by ``doc_id``: an answer string such as
    ``"copper"`` or ``"August"`` can also occur in other documents as another town's fact.
    Everything is generated from word lists; nothing is downloaded.

    Parameters
    ----------
    n_documents : int, default=60
        Number of towns (documents), at least 2.
    n_questions : int, default=120
        Number of questions, at least 1 and at most ``8 * n_documents``.
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    QACorpus

    Examples
    --------
    >>> from leakkit.datasets import make_qa_corpus
    >>> qa = make_qa_corpus(n_documents=5, n_questions=8, random_state=0)
    >>> list(qa.documents.columns), list(qa.questions.columns)
    (['doc_id', 'title', 'text'], ['question_id', 'question', 'answer', 'doc_id', 'attribute', 'refers_by'])
    >>> q = qa.questions.iloc[0]
    >>> doc = qa.documents.set_index("doc_id").loc[q["doc_id"], "text"]
    >>> q["answer"] in doc
    True
    """
    n_documents = check_int(n_documents, "n_documents", minimum=2)
    if n_documents > _MAX_DOCUMENTS:
        raise ValueError(f"n_documents: at most {_MAX_DOCUMENTS} towns can be named, got {n_documents}; pass fewer.")
    n_attr = len(_FACTS)
    n_questions = check_int(n_questions, "n_questions", minimum=1)
    if n_questions > n_attr * n_documents:
        raise ValueError(
            f"n_questions: each document answers at most {n_attr} questions, so at most "
            f"{n_attr * n_documents} for {n_documents} documents; got {n_questions}. "
            f"Pass fewer questions or more documents."
        )
    rng = _check_random_state(random_state)
    names = _town_names(n_documents, rng)
    populations = rng.choice(np.arange(2_000, 400_000, 100), size=n_documents, replace=False)
    values = {
        "province": [_PROVINCES[i] for i in rng.integers(0, len(_PROVINCES), n_documents)],
        "population": [f"{p:,}" for p in populations],
        "founded": [str(y) for y in rng.integers(1050, 1900, n_documents)],
        "export": [_GOODS[i] for i in rng.integers(0, len(_GOODS), n_documents)],
        "mayor": [
            f"{_FIRST[i]} {_LAST[j]}"
            for i, j in zip(rng.integers(0, len(_FIRST), n_documents), rng.integers(0, len(_LAST), n_documents))
        ],
        "river": [_RIVERS[i] for i in rng.integers(0, len(_RIVERS), n_documents)],
        "festival": [_FESTIVALS[i] for i in rng.integers(0, len(_FESTIVALS), n_documents)],
        "festival_month": [_MONTHS[i] for i in rng.integers(0, len(_MONTHS), n_documents)],
    }
    combos = [f"{a} {b}" for a in _ALIAS_FIRST for b in _ALIAS_SECOND]
    order = rng.permutation(len(combos))
    aliases = [combos[order[d % len(combos)]] for d in range(n_documents)]
    alias_unique = n_documents <= len(combos)
    doc_ids = [f"D{d:04d}" for d in range(n_documents)]
    texts = []
    attrs = list(_FACTS)
    stems = [nm.split()[-1] for nm in names]
    family = {st: [i for i, s in enumerate(stems) if s == st] for st in set(stems)}
    for d, name in enumerate(names):
        kin = [i for i in family[stems[d]] if i != d]
        intro = f"{name}, known as the {aliases[d]}, is a town in the {values['province'][d]} province."
        sentences = [
            _FACTS[attr][0 if rng.random() < 0.3 else 1].format(name=name, value=values[attr][d]) for attr in attrs[1:]
        ]
        for k in rng.choice(len(_FILLERS), size=int(rng.integers(_N_FILLERS[0], _N_FILLERS[1] + 1)), replace=False):
            if kin and rng.random() < _P_KIN:  # a town of the same name stem: the hardest distractor
                other = names[kin[int(rng.integers(0, len(kin)))]]
            else:
                other = names[(d + int(rng.integers(1, n_documents))) % n_documents]
            sentences.append(_FILLERS[k].format(name=name, other=other))
        texts.append(" ".join([intro] + [sentences[i] for i in rng.permutation(len(sentences))]))
    documents = pd.DataFrame({"doc_id": doc_ids, "title": names, "text": texts}).astype("str")

    picks = np.sort(rng.choice(n_documents * n_attr, size=n_questions, replace=False))
    rows = []
    for qi, code in enumerate(picks[rng.permutation(n_questions)]):
        d, a = divmod(int(code), n_attr)
        attr = attrs[a]
        templates = _FACTS[attr][2]
        template = templates[int(rng.integers(0, len(templates)))]
        # Nicknames are unique up to len(combos) towns; beyond that only names are asked for.
        by_alias = alias_unique and rng.random() < _P_ALIAS
        question = template.format(name=f"the {aliases[d]}" if by_alias else names[d])
        rows.append((f"Q{qi:04d}", question, values[attr][d], doc_ids[d], attr, "alias" if by_alias else "name"))
    columns = ["question_id", "question", "answer", "doc_id", "attribute", "refers_by"]
    questions = pd.DataFrame(rows, columns=columns).astype("str")
    return QACorpus(
        documents=documents,
        questions=questions,
        description=(
            f"{n_documents} fact sheets about fictional towns and {n_questions} paraphrased questions, "
            "each answered by exactly one sheet. Sheets mention other towns, some towns share a "
            "name stem, and some questions use a nickname, so retrieval is imperfect."
        ),
    )


# --------------------------------------------------------------------------- messy project
_SEGMENTS = np.array(["retail", "wholesale", "public"])
_MESSY_REGIONS = np.array(["North", "South", "East", "West"])
_INVOICE_ID_START = 500_000
_MESSY_COLUMNS = [
    "invoice_id",
    "customer_id",
    "issue_date",
    "customer_segment",
    "region",
    "customer_credit_limit",
    "amount",
    "payment_terms_days",
    "discount_pct",
    "prior_invoices",
    "days_to_payment",
    "reminder_sent",
    "paid_late",
]
_MESSY_HONEST = [
    "customer_segment",
    "region",
    "customer_credit_limit",
    "amount",
    "payment_terms_days",
    "discount_pct",
    "prior_invoices",
]


def _messy_region_text(region: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Region names typed by hand: mostly clean, sometimes lower/upper case or padded."""
    out = region.astype(object)
    r = rng.random(len(out))
    out[r < 0.08] = [s.lower() for s in out[r < 0.08]]
    out[(r >= 0.08) & (r < 0.12)] = [s.upper() + " " for s in out[(r >= 0.08) & (r < 0.12)]]
    return out


def _messy_invoices(
    n: int, rng: np.random.Generator, *, production: bool, id_start: int, customer_start: int
) -> pd.DataFrame:
    n_customers = max(2, n // 10)
    cust_segment = rng.choice(_SEGMENTS, size=n_customers, p=[0.5, 0.3, 0.2])
    cust_region = rng.choice(_MESSY_REGIONS, size=n_customers)
    cust_limit = np.round(rng.lognormal(9.5, 0.6, size=n_customers), -1)
    cust_habit = rng.normal(0.0, 1.1, size=n_customers)  # how late this customer usually pays
    c = rng.integers(0, n_customers, size=n)
    issue = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, size=n), unit="D")
    amount = np.round(rng.lognormal(7.0, 0.9, size=n), 2)
    terms = rng.choice(np.array([15, 30, 60]), size=n, p=[0.3, 0.5, 0.2])
    discount = np.round(rng.choice([0.0, 2.0, 5.0, 10.0], size=n, p=[0.55, 0.2, 0.15, 0.1]), 1)
    seg = cust_segment[c]
    logit = (
        -1.2
        + 0.9 * (np.log(amount) - 7.0)
        + 0.03 * (terms - 30)
        - 0.15 * discount
        + np.select([seg == "public", seg == "wholesale"], [1.2, -0.6], 0.0)
        + cust_habit[c]
    )
    late = (rng.random(n) < _logistic(logit)).astype(np.int64)
    discount[rng.random(n) < 0.1] = np.nan  # not recorded for some invoices
    amount_rec = amount.copy()
    amount_rec[rng.random(n) < 0.03] = np.nan

    frame = pd.DataFrame(
        {
            "customer_id": customer_start + c,
            "issue_date": issue,
            "customer_segment": seg,
            "region": _messy_region_text(cust_region[c], rng),
            "customer_credit_limit": cust_limit[c],
            "amount": amount_rec,
            "payment_terms_days": terms.astype(np.int64),
            "discount_pct": discount,
            "paid_late": late,
        }
    )
    order = np.lexsort((rng.random(n), np.asarray(frame["issue_date"])))
    frame = frame.iloc[order].reset_index(drop=True)
    late = frame["paid_late"].to_numpy()
    terms = frame["payment_terms_days"].to_numpy()
    frame["prior_invoices"] = frame.groupby("customer_id").cumcount().astype(np.int64)
    if production:
        frame["invoice_id"] = _sequential_ids(rng.random(n), id_start, rng)
        frame["days_to_payment"] = np.full(n, np.nan)
        frame["reminder_sent"] = np.zeros(n, dtype=np.int64)
    else:
        # Late invoices were re-exported from the collections system: higher invoice numbers.
        frame["invoice_id"] = _sequential_ids(late + rng.normal(0.0, 0.4, size=n), id_start, rng)
        delay = np.where(late == 1, terms + 1 + rng.gamma(2.0, 8.0, size=n), terms * rng.uniform(0.2, 1.0, size=n))
        days = np.round(delay)
        days[rng.random(n) < 0.05] = np.nan  # unpaid at export time
        frame["days_to_payment"] = days
        frame["reminder_sent"] = (rng.random(n) < np.where(late == 1, 0.85, 0.04)).astype(np.int64)
    return frame[_MESSY_COLUMNS]


def make_messy_project(n_samples: int = 1500, random_state: Any = 0) -> Scenario:
    """A realistic, messy invoice table with several leaks at once, and a ready split.

    Predict whether an invoice will be paid late (``paid_late``). About 150 customers per
    1500 invoices, each with a payment habit of their own; region names typed
    inconsistently; some amounts and discounts missing. Planted leaks:

    - ``invoice_id`` (id): late invoices were re-exported from the collections system and
      got higher numbers;
    - ``days_to_payment`` (future): known only once the invoice is paid;
    - ``reminder_sent`` (post_event): sent after the due date passed unpaid;
    - ``customer_id`` (group): invoices of one customer share its habit, and the random
      split puts customers on both sides (``customer_credit_limit`` lets a model recognise
      the customer); production invoices come from new customers;
    - duplicated rows (key :data:`ROWS`): about 6 % of rows are re-recorded invoices
      (exact, or near: region re-typed and amount moved past its 3rd decimal), many
      of them across the split; see ``duplicated_rows`` (column ``crosses_split``).

    ``train_index`` / ``test_index`` give a random 75 / 25 split of row positions;
    ``time_column="issue_date"``, ``group_column="customer_id"``,
    ``id_column="invoice_id"``. ``production(n, random_state)`` gives invoices of new
    customers as seen at issue time.

    Parameters
    ----------
    n_samples : int, default=1500
        Total rows, duplicates included (at least 50).
    random_state : int, Generator or RandomState, default=0

    Returns
    -------
    Scenario

    Examples
    --------
    >>> from leakkit.datasets import make_messy_project
    >>> sc = make_messy_project(random_state=0)
    >>> sc.frame.shape, len(sc.train_index), len(sc.test_index)
    ((1500, 13), 1125, 375)
    >>> sorted(sc.leaks.values())
    ['duplicate', 'future', 'group', 'id', 'post_event']
    """
    n_samples = check_int(n_samples, "n_samples", minimum=50)
    rng = _check_random_state(random_state)
    n_dup = int(round(0.06 * n_samples))
    n_orig = n_samples - n_dup
    base = _messy_invoices(n_orig, rng, production=False, id_start=_INVOICE_ID_START, customer_start=1)

    source = np.sort(rng.choice(n_orig, size=n_dup, replace=False))
    is_near = rng.random(n_dup) < 0.5
    copies = base.iloc[source].reset_index(drop=True)
    for j in np.flatnonzero(is_near):
        copies.loc[j, "region"] = _retype_text(str(copies.loc[j, "region"]), rng)
        amt = copies.loc[j, "amount"]
        if pd.notna(amt):
            copies.loc[j, "amount"] = float(_bucket_jitter(np.array([amt]), rng)[0])
    # A copy sits right after its original (re-entered the same day): sort keys i for
    # original i and s + 0.5 for a copy of original s.
    frame = pd.concat([base, copies], ignore_index=True)
    sort_key = np.concatenate([np.arange(n_orig, dtype=float), source + 0.5])
    gen_order = np.argsort(sort_key, kind="stable")
    frame = frame.iloc[gen_order].reset_index(drop=True)
    position_of = np.empty(n_samples, dtype=np.int64)
    position_of[gen_order] = np.arange(n_samples)
    frame["region"] = frame["region"].astype("str")

    perm = rng.permutation(n_samples)
    n_test = int(round(0.25 * n_samples))
    test_index = np.sort(perm[:n_test])
    train_index = np.sort(perm[n_test:])
    in_test = np.zeros(n_samples, dtype=bool)
    in_test[test_index] = True
    row_a = position_of[source]
    row_b = position_of[n_orig + np.arange(n_dup)]
    pairs = pd.DataFrame(
        {
            "row_a": row_a,
            "row_b": row_b,
            "kind": np.where(is_near, "near", "exact"),
            "crosses_split": in_test[row_a] != in_test[row_b],
        }
    )
    next_invoice = int(frame["invoice_id"].max()) + 1000
    next_customer = int(frame["customer_id"].max()) + 1000

    return Scenario(
        frame=frame,
        target="paid_late",
        leaks={
            "invoice_id": "id",
            "days_to_payment": "future",
            "reminder_sent": "post_event",
            "customer_id": "group",
            ROWS: "duplicate",
        },
        honest_columns=list(_MESSY_HONEST),
        time_column="issue_date",
        group_column="customer_id",
        id_column="invoice_id",
        duplicated_rows=pairs,
        description=(
            "An accounts-receivable extract: one row per invoice, to predict late payment at issue "
            "time. It was pulled together from several systems after the fact: the collections "
            "system re-numbered late invoices, payment dates and reminders are already filled in, "
            "some invoices were entered twice, and each customer appears many times."
        ),
        name="messy_project",
        task="classification",
        train_index=train_index,
        test_index=test_index,
        _production=_Production("messy_project", id_start=next_invoice, customer_start=next_customer),
    )
