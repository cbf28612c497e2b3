"""Shamir secret sharing over the prime field GF(2^521 - 1) (secrets are 32-byte keys)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

PRIME = 2**521 - 1


def split(secret: bytes, xs: list[int], threshold: int) -> dict[int, int]:
    """Shares of ``secret`` at the points ``xs`` (distinct, non-zero); ``threshold`` rebuild it."""
    if not 1 <= threshold <= len(xs):
        raise ValueError("threshold out of range")
    if len(set(xs)) != len(xs) or any(not 0 < x < PRIME for x in xs):
        raise ValueError("share points must be distinct and non-zero")
    value = int.from_bytes(secret, "big")
    coefficients = [value, *(secrets.randbelow(PRIME) for _ in range(threshold - 1))]
    shares: dict[int, int] = {}
    for x in xs:
        y = 0
        for c in reversed(coefficients):
            y = (y * x + c) % PRIME
        shares[x] = y
    return shares


def combine(shares: Mapping[int, int], size: int = 32) -> bytes:
    """The secret from shares (x -> y); the caller supplies at least the threshold of them."""
    if not shares:
        raise ValueError("no shares")
    total = 0
    points = list(shares.items())
    for i, (xi, yi) in enumerate(points):
        num, den = 1, 1
        for j, (xj, _) in enumerate(points):
            if i != j:
                num = num * (-xj) % PRIME
                den = den * (xi - xj) % PRIME
        total = (total + yi * num * pow(den, -1, PRIME)) % PRIME
    if total >= 2 ** (8 * size):
        raise ValueError("shares do not combine to a secret of this size")
    return total.to_bytes(size, "big")
