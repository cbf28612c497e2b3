"""Organisations' represented groups and regions of focus: stored, validated, announced."""

from __future__ import annotations

import orjson
from registry_support import Registry
from sqlalchemy import select

from concordia.events.registry import OrganisationRegistered, OrganisationUpdated
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
        assert bad.json()["detail"][0]["loc"] == ["body", field, 0]


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
