"""What kind of cross-validation splitter is this? One answer for the checklist and the
exercise checks.

>>> from sklearn.model_selection import GroupKFold, TimeSeriesSplit
>>> from leakkit._splitters import describe, is_forward, is_group_aware
>>> is_group_aware(GroupKFold(3)), is_forward(TimeSeriesSplit(3)), describe(5)
(True, True, 'cv=5 (a plain KFold)')
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _group_classes() -> tuple[type, ...]:
    from sklearn.model_selection import (
        GroupKFold, GroupShuffleSplit, LeaveOneGroupOut, LeavePGroupsOut, StratifiedGroupKFold,
    )

    return (GroupKFold, GroupShuffleSplit, LeaveOneGroupOut, LeavePGroupsOut, StratifiedGroupKFold)


def is_group_aware(cv: Any) -> bool:
    """True for splitters that keep each group on one side of every split."""
    return isinstance(cv, _group_classes())


def is_forward(cv: Any) -> bool:
    """True for splitters that train on the past and test on the future."""
    from sklearn.model_selection import TimeSeriesSplit

    return isinstance(cv, TimeSeriesSplit)


def describe(cv: Any) -> str:
    """A short name for messages: the class name, or ``cv=5 (a plain KFold)``."""
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        return f"cv={int(cv)} (a plain KFold)"
    return type(cv).__name__
