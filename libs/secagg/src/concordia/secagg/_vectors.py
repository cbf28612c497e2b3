"""Integer vectors modulo 2^64 (numpy ``uint64``: addition wraps exactly)."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.uint64]

#: Values a node may contribute to one cell are bounded well inside int64, so that a sum of
#: many nodes plus two-sided noise never wraps around 2^64.
MAX_BOUND = 2**40


def zeros(length: int) -> Vector:
    return np.zeros(length, dtype=np.uint64)


def encode(values: Sequence[int]) -> Vector:
    """Signed integers (|v| < 2^63) as their two's complement residues mod 2^64."""
    return np.array([v % 2**64 for v in values], dtype=np.uint64)


def decode(vector: Vector) -> list[int]:
    """Residues mod 2^64 back to signed integers (the sum of small signed values)."""
    return [int(v) for v in vector.view(np.int64)]


def add(a: Vector, b: Vector) -> Vector:
    with np.errstate(over="ignore"):
        return a + b


def sub(a: Vector, b: Vector) -> Vector:
    with np.errstate(over="ignore"):
        return a - b


def to_bytes(vector: Vector) -> bytes:
    return vector.astype("<u8").tobytes()


def from_bytes(data: bytes, length: int) -> Vector:
    if len(data) != 8 * length:
        raise ValueError(f"expected {length} cells, got {len(data)} bytes")
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def to_text(vector: Vector) -> str:
    return base64.b64encode(to_bytes(vector)).decode()


def from_text(text: str, length: int) -> Vector:
    return from_bytes(base64.b64decode(text, validate=True), length)
