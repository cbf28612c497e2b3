"""Threshold (minimum frequency) rule for count cells."""

from __future__ import annotations


def below_threshold(count: int, *, k: int = 10, zeros_disclosive: bool = False) -> bool:
    """Return True if a count must be suppressed: ``0 < count < k``, or zero if zeros disclose."""
    if count < 0:
        raise ValueError("counts are never negative")
    if count == 0:
        return zeros_disclosive
    return count < k
