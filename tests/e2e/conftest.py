"""Fixtures of the end-to-end tests: a generated coalition on real brokers, and its services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from e2e_support import Running
from federation_support import Coalition, add_spies, make_coalition

pytestmark = [pytest.mark.slow]


@pytest.fixture
def running() -> Iterator[Running]:
    """The service processes a test starts; all stopped at the end."""
    r = Running()
    try:
        yield r
    finally:
        r.stop()


@pytest.fixture
async def coalition(tmp_path: Path) -> AsyncIterator[Coalition]:
    """Hub, SE and PL brokers from generated configs, with a spy in each hub account."""
    c = make_coalition(tmp_path / "var")
    add_spies(c.hub.conf, {"SE": "spy-se", "PL": "spy-pl"})
    c.hub.start()
    for broker in c.brokers.values():
        broker.start()
    c.wait_leafs(len(c.nodes))
    try:
        yield c
    finally:
        for client in c.clients:
            if not client.is_closed:
                await client.close()
        for broker in [*c.brokers.values(), c.hub]:
            broker.stop()
