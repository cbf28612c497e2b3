"""Fixtures of the end-to-end tests: a generated coalition on real brokers, and its services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_support import Running
from federation_support import coalition

__all__ = ["coalition", "running"]


@pytest.fixture
def running() -> Iterator[Running]:
    """The service processes a test starts; all stopped at the end."""
    r = Running()
    try:
        yield r
    finally:
        r.stop()
