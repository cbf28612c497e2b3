"""The ledger learns organisations and persons from the registry's local events, exactly once."""

from __future__ import annotations

import uuid
from typing import Any

from ledger_support import Ledger, eventually, grant, new_donor
from registry_support import Registry

from concordia.events import Envelope, OrganisationRegistered, OrganisationUpdated
from concordia.ledger.models import KnownOrganisation


async def test_learns_organisations_from_a_real_registry(
    ledger: Ledger, registry: Registry
) -> None:
    assert registry.settings.node == ledger.settings.node
    org = {"identifier": "SE-ON-8020004242", "name": "Example Exile Newsroom",
           "type": "independent_media", "registration_country": "SE"}  # fmt: skip
    created = await registry.client.post("/v1/organisations", json=org, headers=registry.rw)
    assert created.status_code == 201, created.text
    org_id = uuid.UUID(created.json()["id"])
    await registry.relay_idle()
    known = await ledger.wait_for(KnownOrganisation, org_id)
    assert known.identifier == "SE-ON-8020004242"
    renamed = await registry.client.patch(
        f"/v1/organisations/{org_id}", json={"name": "Example Renamed Newsroom"},
        headers=registry.rw,
    )  # fmt: skip
    assert renamed.status_code == 200
    await registry.relay_idle()
    await ledger.wait_for(KnownOrganisation, org_id, name="Example Renamed Newsroom", version=2)
    donor = await new_donor(ledger)
    by_identifier = {"type": "organisation", "identifier": "SE-ON-8020004242"}
    response = await ledger.client.post(
        "/v1/grants", json=grant(donor["id"], by_identifier), headers=ledger.rw
    )
    assert response.status_code == 201, response.text
    assert response.json()["recipient"]["name"] == "Example Renamed Newsroom"
    removed = await registry.client.delete(f"/v1/organisations/{org_id}", headers=registry.rw)
    assert removed.status_code == 204
    await registry.relay_idle()

    async def removed_known() -> bool:
        return (await ledger.wait_for(KnownOrganisation, org_id)).removed_at is not None

    await eventually(removed_known)
    refused = await ledger.client.post(
        "/v1/grants", json=grant(donor["id"], by_identifier, 1), headers=ledger.rw
    )
    assert refused.status_code == 404
    assert "body.recipient" in refused.json()["detail"]
    kept = await ledger.client.get(f"/v1/grants/{response.json()['id']}", headers=ledger.rw)
    assert kept.status_code == 200  # the existing grant stays


async def test_a_redelivered_event_is_applied_once(ledger: Ledger) -> None:
    org_id = uuid.uuid4()
    first = OrganisationRegistered(
        organisation_id=org_id, identifier="SE-ON-8020000777", name="Example First",
        type="ngo", registration_country="SE", version=1,
    )  # fmt: skip
    envelope = Envelope.wrap(first, node=ledger.settings.node)
    consumer = ledger.app.state.concordia.consumers["registry"]
    await ledger.publish(envelope=envelope)
    await ledger.wait_for(KnownOrganisation, org_id)
    applied = consumer.metrics.applied_total
    # The same event again (as after a lost ack), then an older update arriving late.
    await ledger.publish(envelope=envelope)
    stale = OrganisationUpdated(**{**first.model_dump(), "name": "Example Stale", "version": 1})
    newer = OrganisationUpdated(**{**first.model_dump(), "name": "Example Newer", "version": 2})
    await ledger.publish(stale, newer)
    await ledger.wait_for(KnownOrganisation, org_id, name="Example Newer", version=2)

    async def duplicate_seen() -> bool:
        return bool(consumer.metrics.duplicates_total >= 1)

    await eventually(duplicate_seen)
    assert consumer.metrics.duplicates_total == 1
    assert consumer.metrics.applied_total == applied + 2


async def test_erasure_keeps_the_grant_but_forgets_the_person(ledger: Ledger) -> None:
    donor = await new_donor(ledger)
    person_id = await ledger.announce_person()
    recipient = {"type": "person", "id": str(person_id)}
    record = grant(donor["id"], recipient, title="Stipend for Testperson Beta",
                   description="Testperson Beta, journalist from Exampletown")  # fmt: skip
    created = await ledger.client.post("/v1/grants", json=record, headers=ledger.rw)
    assert created.status_code == 201, created.text
    before: dict[str, Any] = created.json()
    tx = {"type": 3, "amount": "100.00", "currency": "EUR", "value_date": "2026-02-01",
          "description": "Rent of Testperson Beta"}  # fmt: skip
    paid = await ledger.client.post(
        f"/v1/grants/{before['id']}/transactions", json=tx, headers=ledger.rw
    )
    assert paid.status_code == 201, paid.text
    await ledger.erase_person(person_id)
    url = f"/v1/grants/{before['id']}"

    async def changed() -> bool:
        return bool((await ledger.client.get(url, headers=ledger.rw)).json()["version"] > 1)

    await eventually(changed)
    after = (await ledger.client.get(url, headers=ledger.rw)).json()
    assert after["recipient"] == {"type": "individual", "id": None, "identifier": None,
                                  "name": None, "erased": True}  # fmt: skip
    assert after["feed_seq"] > before["feed_seq"]
    # The free text that could describe the person is gone from the ledger itself.
    assert (after["title"], after["description"]) == ("Grant to an erased individual", None)
    txs = await ledger.client.get(f"{url}/transactions", headers=ledger.rw)
    assert [t["description"] for t in txs.json()] == [None]
    again = await ledger.client.post(
        "/v1/grants", json=grant(donor["id"], recipient, 1), headers=ledger.rw
    )
    assert again.status_code == 404
    assert "erased" in again.json()["detail"]
