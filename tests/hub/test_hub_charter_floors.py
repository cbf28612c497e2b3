"""A node's floors hold: a charter looser than them is refused (the service keeps the charter it
runs) and the hub shows the refusal; the operator's opt-in applies it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import nats
import pytest
from hub_support import Hub, user_url, wait_for

from concordia.core.db import Database
from concordia.events import (
    DEFAULT_CHARTER,
    CharterFollower,
    DisclosureFloors,
    DisclosureRules,
    NatsServer,
)
from concordia.hub import charter as hub_charter
from concordia.kit.tables import charters
from concordia.registry.settings import RegistrySettings

LOOSER = {"k": 5, "dominance_n": 1, "dominance_k": "95", "p_percent": "5", "rounding_base": None}


def body(version: str, **disclosure: Any) -> dict[str, Any]:
    """A charter as the coordination group (or whoever took the hub) would send it."""
    rules = {"k": 12, "dominance_n": 2, "dominance_k": "85", "p_percent": "10", "rounding_base": 5}
    return {"version": version, "effective": "2026-01-01", "disclosure": rules | disclosure}


@pytest.fixture
async def node_db(
    database_factories: Callable[[str], Any],
) -> AsyncIterator[Callable[[], Any]]:
    """Migrated registry databases (SQLite, and PostgreSQL when configured)."""
    made: list[Database] = []

    async def make() -> Database:
        db = Database(await database_factories("registry"))
        made.append(db)
        return db

    yield make
    for db in made:
        await db.dispose()


async def _services(hub: Hub, code: str) -> dict[str, dict[str, Any]]:
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    return {s["service"]: s for s in nodes[code]["services"]}


async def test_a_looser_charter_is_refused_at_the_node_and_shown_at_the_hub(
    hub: Hub, country_nats: NatsServer, node_db: Callable[[], Any]
) -> None:
    db: Database = await node_db()
    client = await nats.connect(user_url(country_nats, "se", "node"))
    follower = CharterFollower(
        db, charters, node="se", service="registry", interval=0.3, floors=DisclosureFloors(),
        directory=hub.directory(),
    )  # fmt: skip
    await follower.start(client)
    try:
        put = await hub.client.put(
            "/v1/charter", json=body("2027.1", **LOOSER), headers=hub.auth("hub:admin")
        )
        assert put.status_code == 200, put.text
        await hub.adopt(put.json()["revision"])

        async def refused() -> dict[str, Any] | None:
            shown = (await _services(hub, "se")).get("registry")
            return shown if shown and shown["charter_refused"] else None

        shown = await wait_for(refused)
        assert shown["charter_refused"] == {
            "revision": 1, "version": "2027.1",
            "reasons": ["k_below_floor", "dominance_n_below_floor", "dominance_k_above_ceiling",
                        "p_percent_below_floor", "rounding_below_floor"],
        }  # fmt: skip
        assert (shown["charter_version"], shown["charter_current"]) == ("default", False)
        assert follower.current == DEFAULT_CHARTER  # not applied...
        assert await charters.kept(db) == []  # ...and not kept
        # The hub does not keep re-sending a charter the node refused.
        state = hub.app.state.concordia
        assert "se" not in await hub_charter.resend(state.db, state.extra.federation)

        # One parameter looser is enough; a charter that holds every floor is applied.
        for version, rules in (("2027.2", {"rounding_base": 2}), ("2027.3", {"k": 15})):
            put = await hub.client.put(
                "/v1/charter", json=body(version, **rules), headers=hub.auth("hub:admin")
            )
            assert put.status_code == 200, put.text
            await hub.adopt(put.json()["revision"])

        async def runs_2027_3() -> bool:
            shown = (await _services(hub, "se")).get("registry")
            return bool(shown) and shown["charter_version"] == "2027.3"

        await wait_for(runs_2027_3)
        shown = (await _services(hub, "se"))["registry"]
        assert shown["charter_refused"] is None
        assert shown["charter_current"] is True
        assert follower.current.disclosure.k == 15
        assert [c.version for c in await charters.kept(db)] == ["2027.3"]
    finally:
        await follower.stop()
        await client.close()


async def test_the_operators_opt_in_applies_a_looser_charter(
    hub: Hub, country_nats: NatsServer, node_db: Callable[[], Any]
) -> None:
    db: Database = await node_db()
    client = await nats.connect(user_url(country_nats, "pl", "node"))
    follower = CharterFollower(
        db, charters, node="pl", service="registry", interval=0.3, directory=hub.directory()
    )
    await follower.start(client)
    try:
        put = await hub.client.put(
            "/v1/charter", json=body("2027.1", **LOOSER), headers=hub.auth("hub:admin")
        )
        assert put.status_code == 200, put.text
        await hub.adopt(put.json()["revision"])

        async def runs() -> bool:
            shown = (await _services(hub, "pl")).get("registry")
            return bool(shown) and shown["charter_version"] == "2027.1"

        await wait_for(runs)
        assert (await _services(hub, "pl"))["registry"]["charter_refused"] is None
        assert follower.current.disclosure.rounding_base is None
    finally:
        await follower.stop()
        await client.close()


async def test_a_looser_charter_kept_before_is_not_run_after_a_restart(
    node_db: Callable[[], Any], nats_server: NatsServer
) -> None:
    db: Database = await node_db()
    loose = DEFAULT_CHARTER.model_copy(
        update={"version": "old.1", "revision": 1,
                "disclosure": DisclosureRules.model_validate(LOOSER)},
    )  # fmt: skip
    fine = DEFAULT_CHARTER.model_copy(update={"version": "old.0", "revision": 1})
    assert await charters.keep(db, fine.model_copy(update={"revision": 1}))
    assert await charters.keep(db, loose.model_copy(update={"revision": 2}))
    client = await nats.connect(nats_server.url)
    follower = CharterFollower(
        db, charters, node="se", service="registry", floors=DisclosureFloors()
    )
    try:
        await follower.start(client)
        assert follower.current.version == "old.0"  # the newest kept that holds the floors
        assert follower.refused is not None
        assert follower.refused.version == "old.1"
    finally:
        await follower.stop()
        await client.close()


def test_settings_give_the_floors_and_the_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = RegistrySettings(env="test")
    assert settings.disclosure_floors() == DisclosureFloors(
        k=10, dominance_n=2, dominance_k=Decimal(85), p_percent=Decimal(10), rounding_base=5
    )
    monkeypatch.setenv("CONCORDIA_DISCLOSURE_K_MIN", "20")
    monkeypatch.setenv("CONCORDIA_DISCLOSURE_DOMINANCE_K_MAX", "70")
    floors = RegistrySettings(env="test").disclosure_floors()
    assert floors is not None
    assert (floors.k, floors.dominance_k) == (20, Decimal(70))
    monkeypatch.setenv("CONCORDIA_DISCLOSURE_ROUNDING_BASE_MIN", "none")
    assert RegistrySettings(env="test").disclosure_rounding_base_min is None
    monkeypatch.setenv("CONCORDIA_DISCLOSURE_ACCEPT_LOOSER", "true")
    assert RegistrySettings(env="test").disclosure_floors() is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"k": 9}, "k_below_floor"),
        ({"dominance_n": 1}, "dominance_n_below_floor"),
        ({"dominance_k": Decimal("85.01")}, "dominance_k_above_ceiling"),
        ({"p_percent": Decimal("9.99")}, "p_percent_below_floor"),
        ({"rounding_base": 4}, "rounding_below_floor"),
        ({"rounding_base": None}, "rounding_below_floor"),
    ],
)
def test_each_looser_direction(change: dict[str, Any], reason: str) -> None:
    floors = DisclosureFloors()
    at_floor = DEFAULT_CHARTER.disclosure
    assert floors.looser(at_floor) == ()
    assert floors.looser(at_floor.model_copy(update=change)) == (reason,)
    stricter = {"k": 11, "dominance_n": 3, "dominance_k": Decimal(80), "p_percent": Decimal(20),
                "rounding_base": 10}  # fmt: skip
    assert floors.looser(at_floor.model_copy(update=stricter)) == ()
    assert (
        DisclosureFloors(rounding_base=None).looser(
            at_floor.model_copy(update={"rounding_base": None})
        )
        == ()
    )
