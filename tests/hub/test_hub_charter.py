"""The charter: proposed at the hub, adopted only with m members' signatures, sent to every
country, applied and reported by services, re-sent to a node that was away."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from hub_support import Hub, user_url, wait_for

from concordia.core.db import Database, new_metadata
from concordia.events import CharterFollower, CharterStore, NatsServer

METADATA = new_metadata()
STORE = CharterStore(METADATA)


def body(version: str = "2026.1", **disclosure: Any) -> dict[str, Any]:
    """A charter as the coordination group would send it."""
    rules = {"k": 12, "dominance_n": 2, "dominance_k": "85", "p_percent": "10", "rounding_base": 5}
    return {
        "version": version,
        "effective": "2026-01-01",
        "disclosure": rules | disclosure,
        "targets": [
            {
                "indicator": "women_share",
                "dimension": "gender",
                "levels": ["female", "women"],
                "min_share": "0.5",
            },
            {
                "indicator": "non_russian_share",
                "dimension": "ethnic_origin",
                "levels": ["non_russian"],
                "min_share": "0.15",
                "max_share": "0.2",
            },
        ],
        "code_lists": [{"dimension": "gender", "codes": ["female", "male", "other"]}],
    }


async def put(
    hub: Hub, data: dict[str, Any], if_match: str | None = None, scope: str = "hub:admin"
) -> httpx.Response:
    """PUT the charter."""
    headers = hub.auth(scope) | ({"If-Match": if_match} if if_match else {})
    return await hub.client.put("/v1/charter", json=data, headers=headers)


async def test_versions_etags_and_conflicts(hub: Hub) -> None:
    response = await hub.client.get("/v1/charter", headers=hub.auth())
    assert response.status_code == 200
    assert response.headers["ETag"] == '"0"'
    assert response.json()["version"] == "default"
    assert response.json()["disclosure"]["k"] == 10

    assert (await put(hub, body(), scope="hub:read")).status_code == 403
    created = await put(hub, body(), if_match='"0"')
    assert created.status_code == 200, created.text
    assert created.json()["revision"] == 1
    # A proposal: nothing changes until the members sign it.
    assert (await hub.get("/v1/charter"))["version"] == "default"
    assert [p["version"] for p in await hub.get("/v1/charter/proposals")] == ["2026.1"]
    await hub.adopt(1)
    response = await hub.client.get("/v1/charter", headers=hub.auth())
    assert response.headers["ETag"] == '"1"'
    assert [s["signer"] for s in response.json()["signatures"]] == ["se", "pl", "de"]

    stale = await put(hub, body("2026.2"), if_match='"0"')
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:concordia:problem:stale-version"
    assert "revision 1 is current" in stale.json()["detail"]
    assert (await put(hub, body("2026.1"), if_match='"1"')).status_code == 409  # taken version
    assert (await put(hub, body("2026.2"), if_match='"1"')).status_code == 200
    await hub.adopt(2)
    versions = await hub.get("/v1/charter/versions")
    assert [(v["version"], v["revision"]) for v in versions] == [
        ("default", 0), ("2026.1", 1), ("2026.2", 2),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["disclosure"].update(k=1), "k"),
        (lambda b: b["disclosure"].update(dominance_k="40"), "dominance_k"),
        (lambda b: b["disclosure"].update(rounding_base=1), "rounding_base"),
        (lambda b: b["targets"][0].update(min_share="1.5"), "min_share"),
        (lambda b: b.update(version="has space"), "version"),
        (lambda b: b.update(version="default"), "version"),
    ],
)
async def test_bad_thresholds_are_refused_with_the_field(
    hub: Hub, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    data = body()
    change(data)
    response = await put(hub, data)
    assert response.status_code == 422, response.text
    assert any(field in issue["loc"] for issue in response.json()["errors"])
    assert (await hub.get("/v1/charter"))["version"] == "default"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["targets"][1].update(min_share="0.3"), "targets"),  # floor above the aim
        (lambda b: b["targets"][1].update(min_share=None, max_share=None), "targets"),
        (lambda b: b["targets"].append(b["targets"][0]), "body"),  # an indicator twice
    ],
)
async def test_rules_between_valid_fields_are_inconsistent(
    hub: Hub, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    """Each field valid, together breaking a rule JSON Schema cannot state: 409, named."""
    data = body()
    change(data)
    response = await put(hub, data)
    assert response.status_code == 409, response.text
    assert response.json()["type"] == "urn:concordia:problem:inconsistent-fields"
    assert any(field in issue["loc"] for issue in response.json()["errors"])
    assert (await hub.get("/v1/charter"))["version"] == "default"


async def test_an_if_match_that_names_no_revision_is_a_failed_precondition(hub: Hub) -> None:
    for value in ('"9"', "0", 'W/"0"', "garbage"):
        response = await put(hub, body(), if_match=value)
        assert response.status_code == 412, (value, response.text)
    assert (await put(hub, body(), if_match="")).status_code == 200  # no header sent


@pytest.fixture
async def service_db(tmp_path: Path) -> AsyncIterator[Callable[[str], Any]]:
    """Databases of node services, each with its charter table."""
    made: list[Database] = []

    async def make(name: str) -> Database:
        db = Database(f"sqlite:///{tmp_path / name}.db")
        async with db.engine.begin() as conn:
            await conn.run_sync(METADATA.create_all)
        made.append(db)
        return db

    yield make
    for db in made:
        await db.dispose()


async def test_a_new_charter_reaches_services_and_a_late_node_catches_up(
    hub: Hub, country_nats: NatsServer, service_db: Callable[[str], Any]
) -> None:
    running: list[tuple[nats.NATS, CharterFollower]] = []

    async def follow(code: str) -> CharterFollower:
        client = await nats.connect(user_url(country_nats, code, "node"))
        follower = CharterFollower(
            await service_db(f"registry-{code}"), STORE, node=code, service="registry",
            interval=0.3, directory=hub.directory(),
        )  # fmt: skip
        await follower.start(client)
        running.append((client, follower))
        return follower

    async def runs(code: str, version: str) -> bool:
        nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
        services = nodes[code]["services"]
        return bool(services) and all(
            s["charter_version"] == version and s["charter_current"] for s in services
        )

    try:
        se = await follow("se")
        await wait_for(lambda: runs("se", "default"))
        assert (await put(hub, body(k=20))).status_code == 200
        await hub.adopt(1)
        await wait_for(lambda: runs("se", "2026.1"))
        assert se.current.disclosure.k == 20

        # PL was not listening when the charter was set: the hub re-sends it until PL runs it.
        pl = await follow("pl")
        await wait_for(lambda: runs("pl", "2026.1"))
        assert pl.current.revision == 1
    finally:
        for client, follower in running:
            await follower.stop()
            await client.close()
