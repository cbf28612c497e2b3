"""Seeding again after users changed the demo data: erased, edited and added records stay so.

A registry served over real HTTP (uvicorn, a real nats-server, migrated SQLite); the seed runs
through the public API exactly as ``concordia up`` runs it on a resume.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_support import live_service
from services_support import create_app, settings_for_test

from concordia.cli.seed import DEMO_PURPOSE, seed_registry
from concordia.events import NatsServer
from concordia.kit import SERVICES

PERSONS = 12
(REGISTRY,) = [s for s in SERVICES if s.name == "registry"]


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A registry over HTTP; yields its base URL and a token with all its scopes."""
    with NatsServer(store_dir=tmp_path / "nats") as server:

        def make_app(url: str, tokens: Path) -> Any:
            settings = settings_for_test(
                REGISTRY, url=url, nats_url=server.url, tokens=tokens, workdir=tmp_path
            )
            return create_app(REGISTRY, settings)

        with live_service(tmp_path, REGISTRY.service_dir(), make_app, set(REGISTRY.scopes)) as (
            base,
            token,
        ):
            yield base, token


def _by_external_id(client: httpx.Client) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = client.get("/v1/persons", params=params)
        assert page.status_code == 200, page.text
        found |= {p["external_id"]: p for p in page.json()["items"]}
        if not page.json()["next"]:
            return found
        params["after"] = page.json()["next"]


def test_a_resumed_seed_keeps_erased_edited_and_added_records(
    registry: tuple[str, str],
) -> None:
    base, token = registry
    first = seed_registry(url=base, token=token, node="st", persons=PERSONS)
    assert first.persons == {"created": PERSONS}
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": DEMO_PURPOSE}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        persons = _by_external_id(client)
        erased, edited = persons["DEMO-P-0003"], persons["DEMO-P-0005"]
        answer = client.delete(f"/v1/persons/{erased['id']}")
        assert answer.status_code == 204, answer.text
        answer = client.patch(f"/v1/persons/{edited['id']}", json={"name": "Testperson Renamed"})
        assert answer.status_code == 200, answer.text
        added = {**_record_like(edited), "external_id": "USER-ADDED-1", "name": "Testperson Added"}
        answer = client.post("/v1/persons", json=added)
        assert answer.status_code == 201, answer.text

        again = seed_registry(url=base, token=token, node="st", persons=PERSONS)

        assert again.persons == {"unchanged": PERSONS - 2, "kept as edited": 1, "kept erased": 1}
        assert again.permits_skipped
        after = _by_external_id(client)
        tombstone = client.get(f"/v1/persons/{erased['id']}")
    assert after["DEMO-P-0005"]["name"] == "Testperson Renamed"
    assert "DEMO-P-0003" not in after  # not re-created
    assert tombstone.status_code in (200, 404), tombstone.text
    assert tombstone.status_code == 404 or tombstone.json()["erased"] is True
    assert after["USER-ADDED-1"]["name"] == "Testperson Added"
    living = [p for p in after.values() if not p["erased"]]
    assert len(living) == PERSONS  # the eleven demo persons left and the one added


def _record_like(person: dict[str, Any]) -> dict[str, Any]:
    """A create body with the coded fields of an existing person."""
    keep = ("gender", "birth_year", "region_of_origin", "host_country", "profession_category")
    return {name: person[name] for name in keep if person.get(name) is not None}
