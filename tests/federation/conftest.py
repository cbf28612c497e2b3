"""Fixtures of the federation tests (helpers live in tests/federation_support.py)."""

from federation_support import coalition

__all__ = ["coalition"]
