"""Data-only scans for direct leakage.

Each scan looks at the data alone (no model of yours is needed) and returns a list of
:class:`~leakkit._findings.Finding` objects; an empty list means the scan found nothing.
Every finding carries a stable code (``LK2xx``, see ``docs/codes/``).

- :func:`feature_power` - strong single columns, with a severity set by evidence that
  separates a leak (a column that reproduces the target, stands far above every other
  column, or is unrelated to the rest of the table once the target is known) from a
  strong honest feature (``"review"``: confirm it exists at prediction time); the full
  ranking is :func:`feature_power_table`.
- :func:`id_columns` - an identifier (customer number, ticket key) whose order predicts
  the target.
- :func:`duplicates` / :func:`duplicate_rows` - rows of the test frame that also sit in
  the training frame, exactly (optionally after rounding or normalising text);
  :func:`within_duplicates` finds repeats inside one frame before you split it.
- :func:`near_duplicates` - test rows that are near copies of training rows (noise,
  re-typing), by nearest-neighbour distance relative to the typical distance.
- :func:`time_overlap` - test rows dated before the latest training row;
  :func:`after_prediction_time` - date columns later than the prediction time.
- :func:`group_overlap` - groups (patients, stores, users) on both sides of the split.
- :func:`future_information` - time-series features built from future values of the target.

>>> import numpy as np, pandas as pd
>>> from leakkit.detect import duplicates
>>> train = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
>>> test = pd.DataFrame({"a": [2.0, 9.0], "b": ["y", "q"]})
>>> [f.evidence["n_rows"] for f in duplicates(train, test)]
[1]
"""
from ._common import MAX_ROWS
from ._exact import duplicate_rows, duplicates, within_duplicates
from ._features import feature_power, feature_power_table, id_columns
from ._near import near_duplicate_rows, near_duplicates
from ._overlap import after_prediction_time, future_information, group_overlap, time_overlap

__all__ = [
    "feature_power",
    "feature_power_table",
    "id_columns",
    "duplicates",
    "duplicate_rows",
    "within_duplicates",
    "near_duplicates",
    "near_duplicate_rows",
    "time_overlap",
    "group_overlap",
    "future_information",
    "after_prediction_time",
    "MAX_ROWS",
]
