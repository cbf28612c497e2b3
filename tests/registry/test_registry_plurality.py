"""Organisations' represented groups and regions of focus: stored, validated, announced."""

from __future__ import annotations

import orjson
from registry_support import Registry, create, person
from sqlalchemy import select

from concordia.events.registry import (
    OrganisationRegistered,
    OrganisationUpdated,
    PermitRecorded,
    PermitUpdated,
)
from concordia.kit.tables import outbox

ORG = {
    "identifier": "SE-ON-8020005678",
    "name": "Example Regional Voices Network",
    "type": "ngo",
    "registration_country": "SE",
    "represents": ["national_minorities", "women"],
    "regions_of_focus": ["RU-TA", "RU-BA", "UA-43"],
}


async def _event_data(registry: Registry, event_type: str) -> list[dict[str, object]]:
    async with registry.app.state.concordia.db.unit_of_work(write=False) as session:
        rows = await session.scalars(
            select(outbox.table.c.payload).where(outbox.table.c.type == event_type)
        )
        return [orjson.loads(p)["data"] for p in rows]


async def test_groups_and_regions_are_kept_and_announced(registry: Registry) -> None:
    created = await registry.client.post("/v1/organisations", json=ORG, headers=registry.rw)
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["represents"] == ["national_minorities", "women"]
    assert org["regions_of_focus"] == ["RU-TA", "RU-BA", "UA-43"]
    url = f"/v1/organisations/{org['id']}"
    patched = await registry.client.patch(url, json={"represents": ["lgbt"]}, headers=registry.rw)
    assert patched.status_code == 200
    assert patched.json()["regions_of_focus"] == ["RU-TA", "RU-BA", "UA-43"]
    [registered] = await _event_data(registry, OrganisationRegistered.event_type)
    assert registered["represents"] == ["national_minorities", "women"]
    assert registered["regions_of_focus"] == ["RU-TA", "RU-BA", "UA-43"]
    [updated] = await _event_data(registry, OrganisationUpdated.event_type)
    assert updated["represents"] == ["lgbt"]


async def test_unknown_groups_and_refused_regions_are_422(registry: Registry) -> None:
    for field, value in (("represents", ["friends"]), ("regions_of_focus", ["RU-CR"])):
        bad = await registry.client.post(
            "/v1/organisations", json={**ORG, field: value}, headers=registry.rw
        )
        assert bad.status_code == 422, bad.text
        assert bad.json()["errors"][0]["loc"] == ["body", field, 0]


async def test_an_organisation_without_them_reads_empty(registry: Registry) -> None:
    plain = {k: v for k, v in ORG.items() if k not in ("represents", "regions_of_focus")}
    created = await registry.client.post("/v1/organisations", json=plain, headers=registry.rw)
    assert (created.json()["represents"], created.json()["regions_of_focus"]) == ([], [])


def test_events_written_before_the_fields_existed_still_parse() -> None:
    old = {"organisation_id": "01964f3a-9a10-7b7c-8c55-6f0e21d4a3b2", "identifier": "SE-ON-1",
           "name": "Example", "type": "ngo", "registration_country": "SE",
           "version": 1}  # fmt: skip
    event = OrganisationRegistered.model_validate(old)
    assert (event.represents, event.regions_of_focus) == ((), ())


async def test_permit_events_say_whether_the_holder_is_vulnerable_and_nothing_more(
    registry: Registry,
) -> None:
    """The plurality indicators count permits granted to people in vulnerable groups and the
    family members covered: the permit events carry one bit and the count, never which group."""
    holders = {}
    for n, vulnerable in ((1, ["lgbtq", "chronic_illness"]), (2, [])):
        made = await create(registry, person(n, vulnerabilities=vulnerable))
        assert made.status_code == 201, made.text
        holders[n] = made.json()["id"]
    permits = {}
    for n, holder in holders.items():
        body = {"person_id": holder, "host_country": "SE", "track": "residence",
                "status": "applied", "family_members_covered": n + 1}  # fmt: skip
        made = await registry.client.post("/v1/permits", json=body, headers=registry.rw)
        assert made.status_code == 201, made.text
        permits[n] = made.json()["id"]
    granted = await registry.client.patch(
        f"/v1/permits/{permits[1]}", json={"status": "granted"}, headers=registry.rw
    )
    assert granted.status_code == 200, granted.text

    recorded = {e["permit_id"]: e for e in await _event_data(registry, PermitRecorded.event_type)}
    assert recorded[permits[1]]["holder_vulnerable"] is True
    assert recorded[permits[2]]["holder_vulnerable"] is False
    assert recorded[permits[2]]["family_members_covered"] == 3
    [updated] = await _event_data(registry, PermitUpdated.event_type)
    assert (updated["status"], updated["holder_vulnerable"]) == ("granted", True)
    for event in (*recorded.values(), updated):
        assert not {"vulnerabilities", "lgbtq", "chronic_illness"} & set(map(str, event.values()))
        assert "vulnerabilities" not in event


def test_permit_events_written_before_the_bit_existed_still_parse() -> None:
    old = {"permit_id": "01964f3b-0c2d-7e11-a0f4-2b9d7c61e0aa", "host_country": "SE",
           "person_id": "01964f3a-7c1e-7d2a-9b1f-3a5c2e8d4f60", "track": "residence",
           "status": "granted", "version": 1}  # fmt: skip
    assert PermitRecorded.model_validate(old).holder_vulnerable is False
