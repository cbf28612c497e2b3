"""Deterministic rounding of published counts to a base.

Conventional rounding: to the nearest multiple of the base, halves up (with base 10, 15 becomes
20). Every published value, cells and margins alike, is rounded on its own, so rounded cells need
not add up to their rounded margin; nothing is rounded before suppression is decided.
"""

from __future__ import annotations


def round_to_base(value: int, base: int) -> int:
    """Round a non-negative count to the nearest multiple of ``base``, halves up."""
    if base < 1:
        raise ValueError("base must be at least 1")
    if value < 0:
        raise ValueError("counts are never negative")
    quotient, remainder = divmod(value, base)
    if 2 * remainder >= base:
        quotient += 1
    return quotient * base
