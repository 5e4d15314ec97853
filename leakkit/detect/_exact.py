"""Exact duplicate rows: test rows copied in the training table, and repeats inside one table.

"The same row" means one thing everywhere in leakkit: equal
:func:`leakkit._rows.row_fingerprints`, confirmed by comparing the actual values (so a
hash collision can never create a false duplicate). Optionally the values are compared
after rounding floats to ``decimals`` places and normalising text with
:func:`leakkit._text.normalize_text`; for copies that differ by noise or re-typing, see
:func:`leakkit.detect.near_duplicates`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from leakkit._findings import Finding, capped_rows
from leakkit._rows import comparable, finish, partial_sums, partial_sums_numbers, row_fingerprints, rows_equal
from leakkit._validation import check_bool, check_columns, check_fraction, check_int

from ._common import as_frame, pct


def _match_options(decimals: Any, normalize_text: Any) -> tuple[int | None, bool]:
    normalize_text = check_bool(normalize_text, "normalize_text")
    if decimals is not None:
        decimals = check_int(decimals, "decimals", minimum=0)
    return decimals, normalize_text


def _paired_frames(train: Any, test: Any, columns: Any) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    train = as_frame(train, "train")
    test = as_frame(test, "test")
    if columns is None:
        cols = list(train.columns)
        only_train = [c for c in cols if c not in test.columns]
        only_test = [c for c in test.columns if c not in train.columns]
        if only_train or only_test:
            raise ValueError(
                f"train and test: their columns differ (only in train: {only_train[:10]}; only in test: "
                f"{only_test[:10]}); pass columns=[...] with the columns to compare."
            )
    else:
        cols = check_columns(train, columns, "columns", frame_name="train")
        check_columns(test, cols, "columns", frame_name="test")
        if not cols:
            raise ValueError("columns: the list is empty; pass at least one column name, or None for all columns.")
    a = train if cols == list(train.columns) else train[cols]
    b = test if cols == list(test.columns) else test[cols]
    return a, b, cols


_CHUNK = 1 << 13  # rows hashed at a time: a block's buffers stay in the CPU cache (about 1.3 MB at 20 columns)
_THREADS = 2  # hashing threads (the course machine has two cores)


def _fingerprints(frame: pd.DataFrame, decimals: int | None, normalize_text: bool) -> np.ndarray:
    """:func:`leakkit._rows.row_fingerprints`, computed on blocks of rows (rows hash
    independently, so the result is the same) by two threads: numpy releases the GIL, so
    the blocks are hashed in parallel, and only a block's buffers are alive at a time."""
    n = len(frame)
    if n <= _CHUNK:
        return row_fingerprints(frame, decimals=decimals, normalize_text=normalize_text)
    out = np.empty(n, dtype=np.uint64)

    def block(start: int) -> None:
        part = frame.iloc[start:start + _CHUNK]
        out[start:start + len(part)] = row_fingerprints(part, decimals=decimals, normalize_text=normalize_text)

    list(_pool().map(block, range(0, n, _CHUNK)))
    return out


def _isin(values: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """``values`` in ``lookup``, through pandas' hash table (linear time, no sort)."""
    return pd.Series(values, copy=False).isin(lookup).to_numpy()


_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    """One pool of hashing threads for the process, started on first use."""
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="leakkit-hash"))
    return _POOL[0]


_BITS = 22  # the membership prefilter is a table of 2**22 flags (4 MB)


def _maybe_in(values: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """Which ``values`` may occur in ``lookup`` (no false negatives): a flag table indexed by
    the top bits, then pandas' hash table on the few that pass."""
    if len(values) < (1 << 16) or len(lookup) > (1 << (_BITS - 2)):
        return _isin(values, lookup)
    flags = np.zeros(1 << _BITS, dtype=bool)
    flags[lookup >> np.uint64(64 - _BITS)] = True
    maybe = np.flatnonzero(flags[values >> np.uint64(64 - _BITS)])
    out = np.zeros(len(values), dtype=bool)
    out[maybe] = _isin(values[maybe], lookup)
    return out


def _alike_rows(train: pd.DataFrame, test: pd.DataFrame, decimals: int | None,
                normalize_text: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training and test rows that may be equal, with their full row fingerprints.

    The fingerprint is a sum over columns, so the scan hashes a few columns first, keeps the
    rows whose partial sums occur on the other side, and hashes the next columns for those
    rows only (doubling the number of columns each round). Rows equal in every column are
    never dropped; for continuous data the first round already leaves only the copies."""
    d = train.shape[1]
    tr_idx, te_idx = np.arange(len(train)), np.arange(len(test))
    acc_tr = np.zeros(len(train), dtype=np.uint64)
    acc_te = np.zeros(len(test), dtype=np.uint64)
    start, width = 0, 4
    while start < d:
        cols = list(range(start, min(d, start + width)))
        with np.errstate(over="ignore"):
            acc_tr += _partial(train, tr_idx, cols, d, decimals, normalize_text)
            acc_te += _partial(test, te_idx, cols, d, decimals, normalize_text)
        keep_tr = _maybe_in(acc_tr, acc_te)
        tr_idx, acc_tr = tr_idx[keep_tr], acc_tr[keep_tr]
        keep_te = _isin(acc_te, acc_tr)
        te_idx, acc_te = te_idx[keep_te], acc_te[keep_te]
        start, width = start + width, width * 2
    return tr_idx, finish(acc_tr, d), te_idx, finish(acc_te, d)


def _partial(frame: pd.DataFrame, rows: np.ndarray, cols: list, d: int, decimals: int | None,
             normalize_text: bool) -> np.ndarray:
    """:func:`leakkit._rows.partial_sums` of the listed rows and columns, in cache-sized
    blocks of rows on two threads (numpy releases the GIL). A table of plain numbers is
    hashed straight from its float64 block."""
    numbers = frame.shape[1] > 0 and all(isinstance(t, np.dtype) and t.kind in "iuf" for t in frame.dtypes)
    if numbers:
        values = frame.to_numpy(dtype=np.float64)  # a view for a table of floats

        def sums(s: int, e: int) -> np.ndarray:
            r = rows[s:e]
            block = values[s:e, cols] if len(rows) == len(frame) else values[np.ix_(r, cols)]
            return partial_sums_numbers(block, cols, d, decimals)
    else:
        sub = (frame if len(rows) == len(frame) else frame.iloc[rows]).iloc[:, cols]

        def sums(s: int, e: int) -> np.ndarray:
            return partial_sums(sub.iloc[s:e], range(len(cols)), d, decimals=decimals,
                                normalize_text=normalize_text, positions=cols)

    n = len(rows)
    if n <= 4 * _CHUNK:
        return sums(0, n)
    out = np.empty(n, dtype=np.uint64)

    def block(s: int) -> None:
        out[s:s + _CHUNK] = sums(s, min(n, s + _CHUNK))

    list(_pool().map(block, range(0, n, _CHUNK)))
    return out


class _Matches:
    """Which test rows equal which train rows: a hash join on row fingerprints, with every
    candidate confirmed by comparing values. Memory stays linear in the rows involved."""

    def __init__(self, train: pd.DataFrame, test: pd.DataFrame, decimals: int | None, normalize_text: bool):
        self.n_train, self.n_test = len(train), len(test)
        tr_idx, fp_tr, te_idx, fp_te = _alike_rows(train, test, decimals, normalize_text)
        # A sort of the few training rows still alike, then a binary search for the test rows.
        sort = np.argsort(fp_tr, kind="stable")
        order, sorted_fp = tr_idx[sort], fp_tr[sort]
        inside = _isin(fp_te, sorted_fp)
        cand = te_idx[inside]  # test rows whose fingerprint occurs in train
        lo = np.zeros(self.n_test, dtype=np.int64)
        hi = np.zeros(self.n_test, dtype=np.int64)
        lo[cand] = np.searchsorted(sorted_fp, fp_te[inside], side="left")
        hi[cand] = np.searchsorted(sorted_fp, fp_te[inside], side="right")
        del sorted_fp
        self.collisions_rejected = 0
        # Per candidate test row: [start, stop) in `order` of the train rows it equals.
        starts, stops = lo[cand], hi[cand]
        groups, first = np.unique(starts, return_index=True)
        group_stop = stops[first]
        sizes = group_stop - groups
        # Confirm each train row of a matched group equals the group's first row.
        members = order[np.repeat(groups, sizes) + _ranges(sizes)]
        reps = order[np.repeat(groups, sizes)]
        member_ok = rows_equal(train, members, train, reps, decimals, normalize_text)
        # Per group: does every member equal the first one? (false only after a collision)
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        clean_group = np.logical_and.reduceat(member_ok, bounds[:-1]) if len(sizes) else np.ones(0, bool)
        group_of_cand = np.searchsorted(groups, starts)
        clean = clean_group[group_of_cand]
        # Clean groups: a test row equals all members iff it equals the first one.
        ok = rows_equal(test, cand[clean], train, order[starts[clean]], decimals, normalize_text)
        self.test_rows = [cand[clean][ok]]
        self.copies = [sizes[group_of_cand[clean][ok]]]
        self.pair_spans = [(cand[clean][ok], starts[clean][ok], stops[clean][ok])]
        # A test row that differs from its group's rows despite an equal fingerprint: a collision.
        self.collisions_rejected += int(sizes[group_of_cand[clean][~ok]].sum())
        self.extra_pairs: list[tuple[np.ndarray, np.ndarray]] = []
        # Groups mixing different rows under one fingerprint: compare every pair.
        dirty_cands = cand[~clean]
        if len(dirty_cands):
            dstarts, dstops = starts[~clean], stops[~clean]
            dsizes = dstops - dstarts
            t_idx = np.repeat(dirty_cands, dsizes)
            r_idx = order[np.repeat(dstarts, dsizes) + _ranges(dsizes)]
            pair_ok = rows_equal(test, t_idx, train, r_idx, decimals, normalize_text)
            self.collisions_rejected += int((~pair_ok).sum())
            t_ok, r_ok = t_idx[pair_ok], r_idx[pair_ok]
            self.extra_pairs.append((r_ok, t_ok))
            rows, counts = np.unique(t_ok, return_counts=True)
            self.test_rows.append(rows)
            self.copies.append(counts)
        self.order = order
        test_rows = np.concatenate(self.test_rows)
        copies = np.concatenate(self.copies)
        sort = np.argsort(test_rows, kind="stable")
        self.test_rows_sorted = test_rows[sort]
        self.copies_sorted = copies[sort]

    @property
    def n_pairs(self) -> int:
        return int(self.copies_sorted.sum())

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        t, s, e = self.pair_spans[0]
        sizes = e - s
        train_rows = [self.order[np.repeat(s, sizes) + _ranges(sizes)]]
        test_rows = [np.repeat(t, sizes)]
        for r, tt in self.extra_pairs:
            train_rows.append(r)
            test_rows.append(tt)
        tr, te = np.concatenate(train_rows), np.concatenate(test_rows)
        sort = np.lexsort((tr, te))
        return tr[sort], te[sort]


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """0..s-1 for each s in ``sizes``, concatenated."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def duplicate_rows(
    train: Any,
    test: Any,
    *,
    columns: Sequence | None = None,
    decimals: int | None = None,
    normalize_text: bool = False,
) -> pd.DataFrame:
    """Every (train row, test row) pair whose values are equal, by position.

    Exact equality by default (missing equals missing). ``decimals`` compares floats
    rounded to that many places and ``normalize_text`` compares text through
    :func:`leakkit._text.normalize_text` (lower case, punctuation to spaces, white space
    collapsed): copies re-saved with less precision or re-typed with another case. Rounding
    is not a similarity measure (0.1234565 and 0.1234575 fall on different sides at 6
    decimals, and noisy copies never match): for those, use :func:`near_duplicates`.

    The scan is a hash join on :func:`leakkit._rows.row_fingerprints` (sort and binary
    search on 64-bit integers), and every candidate pair is then confirmed by comparing the
    actual values, so a hash collision cannot produce a false pair. Integer and float
    columns holding the same numbers compare equal (an ``int`` column on one side and a
    ``float`` column on the other).

    Parameters
    ----------
    train, test : DataFrame or 2-D array
        The two frames; by default they must have the same columns (in any order).
    columns : list of column names, optional
        Compare on these columns only (e.g. the features, leaving out an ID and the target).
    decimals : int >= 0, optional
    normalize_text : bool, default False

    Returns
    -------
    DataFrame with int64 columns ``train_row`` and ``test_row`` (positions), one row per
    pair, sorted by ``test_row`` then ``train_row``. Its ``attrs`` hold the counts
    ``n_test_rows_with_copy``, ``n_train_rows_with_copy``, ``n_pairs``, ``n_test``,
    ``n_train``.

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"name": ["Ann Lee", "Bo", "Cy"], "age": [31.0, 40.0, 22.0]})
    >>> test = pd.DataFrame({"name": ["ann  lee", "Cy"], "age": [31.0000001, 22.0]})
    >>> duplicate_rows(train, test).to_dict("list")
    {'train_row': [2], 'test_row': [1]}
    >>> duplicate_rows(train, test, decimals=6, normalize_text=True).to_dict("list")
    {'train_row': [0, 2], 'test_row': [0, 1]}
    """
    decimals, normalize_text = _match_options(decimals, normalize_text)
    a, b, _ = _paired_frames(train, test, columns)
    m = _Matches(a, b, decimals, normalize_text)
    tr, te = m.pairs()
    out = pd.DataFrame({"train_row": tr.astype(np.int64), "test_row": te.astype(np.int64)})
    out.attrs.update({
        "n_test_rows_with_copy": len(m.test_rows_sorted), "n_train_rows_with_copy": int(len(np.unique(tr))),
        "n_pairs": m.n_pairs, "n_test": m.n_test, "n_train": m.n_train,
    })
    return out


def duplicates(
    train: Any,
    test: Any,
    *,
    columns: Sequence | None = None,
    decimals: int | None = None,
    normalize_text: bool = False,
    fail_fraction: float = 0.01,
) -> list[Finding]:
    """Report test rows that also appear in the training frame.

    A model can memorise rows it was trained on, so copies in the test set make the test
    score a score on seen data. Matching is that of :func:`duplicate_rows` (exact by
    default; ``decimals`` and ``normalize_text`` for copies re-saved or re-typed).

    Parameters
    ----------
    train, test, columns, decimals, normalize_text
        As in :func:`duplicate_rows`.
    fail_fraction : float in [0, 1], default 0.01
        Severity is ``"fail"`` when at least this share of test rows has a distinctive copy in
        train (see Returns), ``"warn"`` otherwise.

    Returns
    -------
    list of Finding
        Empty when no test row has a copy; otherwise one ``"duplicates"`` finding whose
        ``rows`` are test positions (the first 1,000) and whose ``evidence`` holds
        ``n_rows`` (test rows with a copy), ``fraction``, ``n_pairs``, ``n_test``,
        ``n_train``, ``n_rows_distinctive`` (test rows whose copy holds a value found in no other
        training row: established copies), ``collisions_rejected`` and a few example pairs.
        Severity is ``"fail"`` when the distinctive copies reach ``fail_fraction`` of the test
        rows; copies made only of values common in train (coarse data: genuine repeats are
        possible) only warn.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> train = rng.normal(size=(100, 3))
    >>> test = np.vstack([rng.normal(size=(45, 3)), train[:5]])
    >>> [f] = duplicates(train, test)
    >>> f.severity, f.evidence["n_rows"], f.evidence["fraction"], f.rows
    ('fail', 5, 0.1, (45, 46, 47, 48, 49))
    """
    fail_fraction = check_fraction(fail_fraction, "fail_fraction")
    decimals, normalize_text = _match_options(decimals, normalize_text)
    a, b, cols = _paired_frames(train, test, columns)
    m = _Matches(a, b, decimals, normalize_text)
    n = len(m.test_rows_sorted)
    if n == 0:
        return []
    frac = n / m.n_test
    how = "exact copies" if decimals is None and not normalize_text else (
        "copies after " + " and ".join(
            ([f"rounding floats to {decimals} decimals"] if decimals is not None else [])
            + (["normalising text"] if normalize_text else [])))
    message = (
        f"{n:,} of {m.n_test:,} test rows ({pct(frac)}) also appear in train ({how}, compared on "
        f"{len(cols)} column{'s' if len(cols) != 1 else ''}) — a model can memorise these rows, so the test score "
        f"overstates how it does on new data. Fix: drop duplicates before splitting (df.drop_duplicates()), or "
        f"split by entity (GroupShuffleSplit / GroupKFold) so all copies of one record stay on one side."
    )
    tr, te = (m.pairs() if m.n_pairs <= 1_000_000 else (np.zeros(0, int), np.zeros(0, int)))
    distinctive = _distinctive_copies(a, tr, te, m.test_rows_sorted, decimals, normalize_text)
    n_common = n - int(distinctive.sum())
    if n_common:
        message += (
            f" {n_common:,} of these copies hold only values that are common in train (each also occurs in other "
            f"training rows): with values this coarse, some may be genuine repeats rather than copied records."
        )
    examples = [[int(r), int(t)] for r, t in zip(tr[:5], te[:5])]
    evidence = {
        "n_rows": n, "fraction": round(frac, 6), "n_pairs": m.n_pairs, "n_test": m.n_test, "n_train": m.n_train,
        "n_rows_distinctive": int(distinctive.sum()), "collisions_rejected": m.collisions_rejected,
        "decimals": decimals, "normalize_text": normalize_text, "example_pairs_train_test": examples,
    }
    # Copies are established when they carry a value found nowhere else in train; copies of
    # rows made only of common values may be chance repeats, which only warn.
    severity = "fail" if distinctive.sum() / m.n_test >= fail_fraction else "warn"
    return [Finding("duplicates", severity, message, columns=tuple(cols),
                    rows=capped_rows(m.test_rows_sorted), evidence=evidence)]


def _occurrences(col: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """How often each of ``vals`` occurs in ``col`` (a missing value never counts as rare).
    Numbers go through a flag table on their bits first, so a long column is read once."""
    if col.dtype.kind == "f" and len(col) >= (1 << 16):
        bits = col.view(np.uint64)
        mask = np.uint64((1 << _BITS) - 1)
        flags = np.zeros(1 << _BITS, dtype=bool)
        vb = vals.view(np.uint64)
        flags[(vb ^ (vb >> np.uint64(29))) & mask] = True
        maybe = flags[(bits ^ (bits >> np.uint64(29))) & mask]
        col = col[maybe]
    s = pd.Series(col, copy=False)
    counts = s[s.isin(pd.Series(vals).dropna())].value_counts()
    n = counts.reindex(vals).to_numpy(dtype=float)
    return np.where(np.isnan(n) | pd.isna(vals), np.inf, n)


def _distinctive_copies(train: pd.DataFrame, tr: np.ndarray, te: np.ndarray, test_rows: np.ndarray,
                        decimals: int | None, normalize_text: bool) -> np.ndarray:
    """For each test row with a copy (``test_rows``, sorted): does its copy hold a value that
    occurs in train only in the copies of that very row? Columns are read one at a time
    until every copy is settled (usually the first, for continuous data)."""
    out = np.zeros(len(test_rows), dtype=bool)
    if len(tr) == 0:
        return out
    first = np.searchsorted(te, test_rows, side="left")
    rep = tr[np.minimum(first, len(tr) - 1)]  # one training copy per test row
    copies = np.diff(np.searchsorted(te, np.r_[test_rows, np.inf]))  # training copies per test row
    todo = np.arange(len(test_rows))
    for j in range(train.shape[1]):
        col = comparable(train.iloc[:, j], decimals, normalize_text)
        vals = col[rep[todo]]
        n_same = _occurrences(col, vals)
        settled = n_same <= copies[todo]
        out[todo[settled]] = True
        todo = todo[~settled]
        if len(todo) == 0:
            break
    return out


def within_duplicates(
    data: Any,
    *,
    columns: Sequence | None = None,
    decimals: int | None = None,
    normalize_text: bool = False,
) -> list[Finding]:
    """Report rows that repeat an earlier row of the same frame.

    Run it *before* splitting: a random split sends copies of one record to both sides.
    Matching is that of :func:`duplicate_rows`.

    Returns
    -------
    list of Finding
        Empty when every row is distinct; otherwise one ``"within_duplicates"`` finding
        (severity ``"warn"``) whose ``rows`` are the positions of the repeats (each after
        the first occurrence; the first 1,000) and ``evidence["n_rows"]`` their count.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 1, 1], "b": ["x", "y", "x", "z"]})
    >>> [f] = within_duplicates(df)
    >>> f.rows, f.evidence["n_rows"]
    ((2,), 1)
    """
    decimals, normalize_text = _match_options(decimals, normalize_text)
    data = as_frame(data, "data")
    cols = list(data.columns) if columns is None else check_columns(data, columns, "columns")
    if not cols:
        raise ValueError("columns: the list is empty; pass at least one column name, or None for all columns.")
    frame = data if cols == list(data.columns) else data[cols]
    fp = _fingerprints(frame, decimals, normalize_text)
    order = np.argsort(fp, kind="stable")  # stable: within a group, earlier rows first
    sfp = fp[order]
    new_group = np.concatenate([[True], sfp[1:] != sfp[:-1]])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(sfp)), 0))
    later = np.flatnonzero(~new_group)
    if len(later) == 0:
        return []
    rows, firsts = order[later], order[group_start[later]]
    ok = rows_equal(frame, rows, frame, firsts, decimals, normalize_text)
    repeats = set(rows[ok].tolist())
    # Rows that share a fingerprint with, but differ from, their group's first row (a hash
    # collision): compare them with each other the slow, exact way.
    odd = rows[~ok]
    if len(odd):
        odd = np.sort(odd)
        sub = pd.DataFrame({j: comparable(frame.iloc[odd, j], decimals, normalize_text)
                            for j in range(frame.shape[1])})
        dup = sub.duplicated(keep="first").to_numpy()
        repeats.update(odd[dup].tolist())
    repeats_arr = np.array(sorted(repeats), dtype=np.int64)
    if len(repeats_arr) == 0:
        return []
    n = len(repeats_arr)
    message = (
        f"{n:,} of {len(frame):,} rows ({pct(n / len(frame))}) repeat an earlier row — if you split this frame at "
        f"random, copies of one record land in both train and test and the test score rewards memorising. Fix: "
        f"drop duplicates before splitting (df.drop_duplicates()), or split by entity (GroupShuffleSplit / GroupKFold)."
    )
    evidence = {"n_rows": n, "fraction": round(n / len(frame), 6), "n": len(frame), "decimals": decimals,
                "normalize_text": normalize_text}
    return [Finding("within_duplicates", "warn", message, columns=tuple(cols), rows=capped_rows(repeats_arr),
                    evidence=evidence)]
