"""What the ledger tells evaluation through its local events: grant facts, EUR, activities."""

from __future__ import annotations

from typing import Any

import orjson
from ledger_support import Ledger
from sqlalchemy import select

from concordia.kit.tables import outbox


async def _events(ledger: Ledger, event_type: str) -> list[dict[str, Any]]:
    async with ledger.app.state.concordia.db.unit_of_work(write=False) as session:
        rows = await session.scalars(
            select(outbox.table.c.payload)
            .where(outbox.table.c.type == event_type)
            .order_by(outbox.table.c.seq)
        )
        return [orjson.loads(p)["data"] for p in rows]


async def test_grant_events_carry_what_evaluation_needs(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    [recorded] = await _events(ledger, "concordia.ledger.grant.recorded.v1")
    assert recorded["purpose"] == "independent_media"
    assert recorded["horizon"] == "mid"
    assert recorded["strategic_goals"] == ["value_of_politics", "voice_of_disenfranchised"]
    assert recorded["recipient_organisation_id"] == str(funded["org_id"])
    assert (recorded["start_date"], recorded["end_date"]) == ("2026-01-01", "2030-12-31")
    loaded = await ledger.client.put(
        "/v1/rates", json=[{"currency": "SEK", "date": "2026-01-01", "rate": "0.09"}],
        headers=ledger.ops,
    )  # fmt: skip
    assert loaded.status_code == 200
    url = f"/v1/grants/{funded['grant']['id']}/transactions"
    for tx in (
        {"type": 2, "amount": "100000.00", "currency": "SEK", "value_date": "2026-03-01"},
        {"type": 3, "amount": "10", "currency": "USD", "value_date": "2026-03-01"},
    ):
        assert (await ledger.client.post(url, json=tx, headers=ledger.rw)).status_code == 201
    amounts = [
        e["amount_eur"] for e in await _events(ledger, "concordia.ledger.transaction.recorded.v1")
    ]
    assert amounts == ["9000.00", None]  # no USD rate: unknown, never a guess


async def test_grant_events_to_a_person_name_no_one(ledger: Ledger) -> None:
    from ledger_support import grant, new_donor

    donor = await new_donor(ledger)
    person = await ledger.announce_person()
    body = grant(donor["id"], {"type": "person", "id": str(person)})
    assert (await ledger.client.post("/v1/grants", json=body, headers=ledger.rw)).status_code == 201
    [recorded] = await _events(ledger, "concordia.ledger.grant.recorded.v1")
    assert recorded["recipient_organisation_id"] is None
    assert str(person) not in orjson.dumps(recorded).decode()


async def test_activity_events_carry_counts_and_no_free_text(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    activity = {
        "kind": "event", "title": "Example media school", "start_date": "2026-04-01",
        "end_date": "2026-04-03", "country": "LT", "city": "Vilnius",
        "participants_by_gender": {"women": 12, "men": 9, "other": 1, "undisclosed": 2},
        "participants_by_origin": {"russian": 15, "non_russian": 6, "undisclosed": 3},
    }  # fmt: skip
    url = f"/v1/grants/{funded['grant']['id']}/activities"
    created = (await ledger.client.post(url, json=activity, headers=ledger.rw)).json()
    one = f"/v1/activities/{created['id']}"
    patch = {"participants_by_gender": {"women": 10, "men": 11, "other": 1, "undisclosed": 2}}
    assert (await ledger.client.patch(one, json=patch, headers=ledger.rw)).status_code == 200
    assert (await ledger.client.delete(one, headers=ledger.rw)).status_code == 204
    [recorded] = await _events(ledger, "concordia.ledger.activity.recorded.v1")
    assert (recorded["women"], recorded["non_russian"]) == (12, 6)
    assert (recorded["country"], recorded["kind"]) == ("LT", "event")
    assert not {"title", "city"} & set(recorded)
    [updated] = await _events(ledger, "concordia.ledger.activity.updated.v1")
    assert (updated["women"], updated["men"], updated["version"]) == (10, 11, 2)
    [removed] = await _events(ledger, "concordia.ledger.activity.removed.v1")
    assert removed["activity_id"] == created["id"]
