"""Statistics computed in pandas or numpy over rows (placeholder, filled in next)."""
from __future__ import annotations


def patch_targets() -> list:
    return []
