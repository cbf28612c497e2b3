"""Secure aggregation over the real topology: the hub's per-country users, leaf connections, the
nodes' COALITION users (``ledger-shared``), real nats-servers (tests/federation_support.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from federation_support import Coalition, make_coalition, running, spy_url
from polling import eventually

from concordia.secagg import (
    ConsistencyRequest,
    KeyDirectory,
    MemoryStore,
    Participant,
    RoundHeader,
    key_identities,
)
from concordia.secagg.transport import Coordinator, Responder

CODES = ("de", "fi", "pl", "se")
TABLE = "participants_by_gender"
CELLS = ("female", "male", "other")
CANARY = 7_654_321


class Values:
    def __init__(self, rows: dict[str, int]) -> None:
        self.rows = rows

    def values(self, table: str, period: str, cells: object) -> list[int]:
        if table != TABLE:
            raise LookupError(table)
        return [self.rows.get(c, 0) for c in CELLS]


@pytest.fixture
async def four(tmp_path: Path) -> AsyncIterator[Coalition]:
    async with running(make_coalition(tmp_path, CODES)) as c:
        yield c


def roster_header(round_id: str, **extra: object) -> RoundHeader:
    return RoundHeader.model_validate(
        {
            "round": round_id, "table": TABLE, "period": "2026-Q4", "phase": "sum",
            "cells": CELLS, "roster": CODES, "threshold": 3, "bound": 10_000_000,
            "expires_at": (datetime.now(UTC) + timedelta(minutes=5)).isoformat(), **extra,
        }
    )  # fmt: skip


ROWS = {
    "de": {"female": 40, "male": 31},
    "fi": {"female": 12, "male": 9, "other": 1},
    "pl": {"female": CANARY, "male": 17},
    "se": {"female": 25, "male": 22, "other": 2},
}


async def start_nodes(c: Coalition, identities, *, skip=()):  # type: ignore[no-untyped-def]
    responders = []
    for code in CODES:
        if code in skip:
            continue
        link = await c.connect(c.node_url(code, "ledger-shared"))
        participant = Participant(identities[code], Values(ROWS[code]), MemoryStore())
        responder = Responder(link, participant, service="ledger")
        await responder.start()
        await link.flush()
        responders.append(responder)
    return responders


async def coordinator(c: Coalition, identities, step: float = 5.0) -> Coordinator:  # type: ignore[no-untyped-def]
    links = {code: await c.connect(c.hub_url(code)) for code in CODES}
    directory = KeyDirectory({n: i._key.public_key() for n, i in identities.items()})
    return Coordinator(links, directory, service="ledger", step_timeout=step)


@pytest.mark.slow
async def test_a_round_over_leaf_connections_sums_exactly_and_no_value_crosses_in_clear(
    four: Coalition,
) -> None:
    identities = key_identities(list(CODES))
    await start_nodes(four, identities)
    hub = await coordinator(four, identities)
    # A spy in PL's hub account sees every message the hub exchanges with PL.
    spy = await four.connect(four.hub_spy_url("pl"))
    seen: list[bytes] = []

    async def keep(msg) -> None:  # type: ignore[no-untyped-def]
        seen.append(msg.data)

    await spy.subscribe(">", cb=keep)
    await spy.flush()
    outcome = await hub.run(roster_header("r1"))
    assert outcome.failure is None, (outcome.failure, outcome.refusals)
    assert outcome.result is not None
    assert outcome.result.values == [sum(ROWS[n].get(cell, 0) for n in CODES) for cell in CELLS]
    assert seen, "the spy saw the round"
    text = b"".join(seen)
    for form in (str(CANARY).encode(), CANARY.to_bytes(8, "little"), json.dumps(CANARY).encode()):
        assert form not in text
    assert all(outcome.traffic.sent[n] > 0 and outcome.traffic.received[n] > 0 for n in CODES)


@pytest.mark.slow
async def test_a_node_that_is_down_is_dropped_and_a_hostile_rerun_is_refused(
    four: Coalition,
) -> None:
    identities = key_identities(list(CODES))
    await start_nodes(four, identities, skip=("fi",))
    hub = await coordinator(four, identities, step=2.0)
    outcome = await hub.run(roster_header("r1"))
    assert outcome.result is not None
    assert outcome.dropped == {"fi": "advertise"}
    assert outcome.result.values == [
        sum(ROWS[n].get(cell, 0) for n in ("de", "pl", "se")) for cell in CELLS
    ]
    # The same round replayed: every node refuses.
    again = await hub.run(roster_header("r1"))
    assert again.result is None
    assert {r.code for r in again.refusals} == {"replay"}


@pytest.mark.slow
async def test_a_hub_that_equivocates_learns_nothing(four: Coalition) -> None:
    """A hostile coordinator tells SE that PL dropped; the nodes compare signatures and stop."""
    identities = key_identities(list(CODES))
    await start_nodes(four, identities)
    hub = await coordinator(four, identities)

    original = hub._step

    async def lying_step(header, step, requests, outcome):  # type: ignore[no-untyped-def]
        requests = dict(requests)
        if step == "check":
            requests["se"] = ConsistencyRequest(round=header.round, survivors=("de", "fi", "se"))
        if step == "unmask":
            # Ask SE to unmask too, showing it the others' signatures: with its view, PL dropped,
            # so SE would reveal PL's key share while the others reveal PL's self-mask share.
            requests["se"] = next(iter(requests.values()))
        return await original(header, step, requests, outcome)

    hub._step = lying_step  # type: ignore[method-assign]
    outcome = await hub.run(roster_header("r1"))
    assert [(r.node, r.code) for r in outcome.refusals] == [("se", "inconsistent_view")]
    # The honest nodes' view is the true one: the sum is complete, SE revealed nothing.
    assert outcome.result is not None
    assert "se" not in outcome.result.release.signatures
    assert outcome.result.values == [sum(ROWS[n].get(cell, 0) for n in CODES) for cell in CELLS]


@pytest.mark.slow
async def test_a_node_reaches_only_its_own_secagg_inbox_at_the_hub(four: Coalition) -> None:
    """The leaf lets SE answer on ``_SECAGG.se.>`` and on no other inbox of the hub's."""
    hub_spy = await four.connect(four.hub_spy_url("se"))
    got: list[str] = []

    async def keep(msg) -> None:  # type: ignore[no-untyped-def]
        got.append(msg.subject)

    for pattern in ("_SECAGG.>", "_INBOX.>"):
        await hub_spy.subscribe(pattern, cb=keep)
    await hub_spy.flush()
    node = await four.connect(spy_url(four, "se", "COALITION"))
    for target in ("_SECAGG.se.x", "_SECAGG.pl.x", "_INBOX.x"):
        await node.publish(target, b"{}")
    await node.flush()
    await eventually(lambda: "_SECAGG.se.x" in got)
    await asyncio.sleep(0.3)
    assert got == ["_SECAGG.se.x"]
