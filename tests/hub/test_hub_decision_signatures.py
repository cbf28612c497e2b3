"""A decision of the coordination group is in force only with m member states' signatures: at
the hub (pending until then, whatever the hub's operator does) and at each node, which checks
the signatures again and holds an entry that says "in force" without them as pending.

Real parts: the hub service and its database, a nats-server with the country accounts, a node
service's decision follower over se's node user.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nats
import pytest
from hub_support import Hub, user_url, wait_for

from concordia.core.auth import TokenStore
from concordia.core.db import Database, new_metadata
from concordia.events import (
    CharterFollower,
    CharterStore,
    CoalitionDecisionPublished,
    DecisionFollower,
    DecisionStore,
    NatsServer,
)
from concordia.hub.workspace import decisions
from concordia.identity import SignedDocument

METADATA = new_metadata()
CHARTERS, DECISIONS = CharterStore(METADATA), DecisionStore(METADATA)


@pytest.fixture
async def node_db(tmp_path: Path) -> AsyncIterator[Database]:
    """se's registry database with the decision and charter tables."""
    db = Database(f"sqlite:///{tmp_path / 'se-registry'}.db")
    async with db.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    yield db
    await db.dispose()


@pytest.fixture
async def other_db(tmp_path: Path) -> AsyncIterator[Database]:
    """Another service's database of se (it hears the same log)."""
    db = Database(f"sqlite:///{tmp_path / 'se-ledger'}.db")
    async with db.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    yield db
    await db.dispose()


async def take(hub: Hub) -> str:
    """se's representative closes a new agenda item with a decision; its id."""
    token = TokenStore(hub.settings.tokens_file).create("test-se", {"hub:member"}, owner="state:se")
    headers = {"Authorization": f"Bearer {token}"}
    item = await hub.client.post(
        "/v1/agenda", json={"title": "Pool the regional grants", "period": "2026-Q4"},
        headers=headers,
    )  # fmt: skip
    assert item.status_code == 201, item.text
    taken = await hub.client.post(
        f"/v1/agenda/{item.json()['id']}/decision", headers=headers,
        json={"decided": "Pool them", "rationale": "Less overhead", "concerns": ["se"]},
    )  # fmt: skip
    assert taken.status_code == 201, taken.text
    assert taken.json()["status"] == "pending_signatures"
    return str(taken.json()["id"])


async def test_a_decision_is_pending_until_m_members_sign_it_at_hub_and_node(
    hub: Hub, country_nats: NatsServer, node_db: Database, other_db: Database
) -> None:
    decision = await take(hub)
    url = f"/v1/decisions/{decision}"
    client = await nats.connect(user_url(country_nats, "se", "node"))
    charter = CharterFollower(
        node_db, CHARTERS, node="se", service="registry", interval=0.3, directory=hub.directory()
    )
    follower = DecisionFollower(
        node_db, DECISIONS, node="se", on_held=charter.held_decisions, directory=hub.directory()
    )
    await charter.start(client)
    await follower.start(client)
    try:

        async def held(status: str) -> CoalitionDecisionPublished | None:
            kept = {d.decision_id: d for d in await DECISIONS.all(node_db)}
            entry = kept.get(decision)
            return entry if entry is not None and entry.status == status else None

        # Two of four members sign: not m (3). The node holds it, pending.
        status = await hub.sign(f"decisions/{decision}", ("se", "pl"))
        assert (status["required"], status["signers"], status["signed"]) == (3, ["pl", "se"], False)
        assert (await hub.get(url))["status"] == "pending_signatures"
        async with hub.app.state.concordia.db.unit_of_work() as session:
            assert await decisions.refresh(session, hub.directory()()) == []
        await wait_for(lambda: held("pending_signatures"))

        # A hub that says "in force" without the signatures does not make it so at a node.
        pending = await held("pending_signatures")
        assert pending is not None
        other = DecisionFollower(other_db, DECISIONS, node="se", directory=hub.directory())
        forged = pending.model_copy(update={"previous": 0, "status": "in_force"})
        assert await other.apply(forged)
        assert other.unsigned_total == 1
        (kept,) = await DECISIONS.all(other_db)
        assert kept.status == "pending_signatures"

        # The third member signs: in force at the hub, and at the node with the signatures.
        status = await hub.sign(f"decisions/{decision}", ("fi",))
        assert status["signed"]
        assert (await hub.get(url))["status"] == "in_force"
        entry = await wait_for(lambda: held("in_force"))
        assert sorted(s.signer for s in entry.signatures) == ["fi", "pl", "se"]
        assert follower.unsigned_total == 0
        # The signed entry, as relayed, counts at the other service too.
        assert await other.apply(entry.model_copy(update={"previous": kept.seq, "seq": entry.seq}))
        (kept,) = await DECISIONS.all(other_db)
        assert (kept.status, other.unsigned_total) == ("in_force", 1)
    finally:
        await follower.stop()
        await charter.stop()
        await client.close()


async def test_a_decision_signature_is_checked_against_the_hubs_directory(hub: Hub) -> None:
    decision = await take(hub)
    served: dict[str, Any] = await hub.get(f"/v1/decisions/{decision}/document")
    assert served["kind"] == "decision"
    assert served["body"]["decided"] == "Pool them"
    document = SignedDocument.model_validate(served)
    forged = document.signed("pl", hub.keys["se"]).signatures[-1]  # pl's name, se's key
    response = await hub.client.post(
        f"/v1/decisions/{decision}/signatures", json=forged.model_dump(),
        headers=hub.auth("hub:admin"),
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["type"] == "urn:concordia:problem:inconsistent-fields"
    reader = await hub.client.post(
        f"/v1/decisions/{decision}/signatures",
        json=document.signed("se", hub.keys["se"]).signatures[-1].model_dump(),
        headers=hub.auth("hub:read"),
    )
    assert reader.status_code == 403  # readers do not relay signatures
    shown = await hub.get(f"/v1/decisions/{decision}/signatures")
    assert (shown["signers"], shown["shortfall"]) == ([], ["unsigned"])
