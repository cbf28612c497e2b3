"""A charter set at the hub reaches the services of generated nodes, which apply and report it.

Real parts throughout: the hub's and two nodes' nats-servers from the CLI's configs, joined by
leaf connections; the hub service sourcing each node's outbound stream; a registry (se) and a
ledger (pl) running with their generated LOCAL and COALITION users.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from federation_support import Coalition
from ledger_support import Ledger, grant, new_donor
from registry_support import person
from wiring_support import Running, adopt, apps, start_hub, start_ledger, start_registry, until

from concordia.events import ensure_streams, shared_stream
from concordia.hub import charter

CHARTER = {
    "version": "test.2",
    "effective": "2026-01-01",
    "disclosure": {
        "k": 3, "dominance_n": 2, "dominance_k": "85", "p_percent": "10", "rounding_base": None,
    },
    "targets": [{
        "indicator": "women_share", "dimension": "gender", "levels": ["female", "women"],
        "min_share": "0.40", "aim_share": "0.50", "max_share": "0.60",
    }],
}  # fmt: skip


async def services(hub: Running, code: str) -> dict[str, dict[str, Any]]:
    """The hub's view of node ``code``'s services (``GET /v1/nodes``)."""
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    return {s["service"]: s for s in nodes.get(code, {}).get("services", [])}


async def reported(hub: Running, code: str, service: str, *, current: bool) -> bool:
    """Whether the hub shows ``service`` of ``code`` as running the current charter or not."""
    shown = (await services(hub, code)).get(service)
    return shown is not None and shown["charter_current"] is current


def cell(snapshot: dict[str, Any], key: str) -> dict[str, Any]:
    """The cell (or margin) of a one-way table with ``key``."""
    return next(c for c in (*snapshot["cells"], *snapshot["margins"]) if c["key"] == [key])


async def fund_an_activity(ledger: Ledger) -> None:
    """A grant with one activity: 13 women and 7 men, 12 Russian and 8 non-Russian."""
    donor = await new_donor(ledger)
    org = await ledger.announce_organisation("XM-SYN-0100")
    recipient = {"type": "organisation", "id": str(org)}
    response = await ledger.client.post(
        "/v1/grants", json=grant(donor["id"], recipient), headers=ledger.rw
    )
    assert response.status_code == 201, response.text
    body = {
        "kind": "event", "title": "Example test seminar", "start_date": "2026-05-04",
        "end_date": "2026-05-04", "country": "LT", "city": "Vilnius",
        "participants_by_gender": {"women": 13, "men": 7},
        "participants_by_origin": {"russian": 12, "non_russian": 8},
    }  # fmt: skip
    response = await ledger.client.post(
        f"/v1/grants/{response.json()['id']}/activities", json=body, headers=ledger.rw
    )
    assert response.status_code == 201, response.text


async def publish_now(service: Running) -> list[Any]:
    """One run of the service's aggregate publisher, as its background loop makes it."""
    return list(await service.app.state.concordia.publish_aggregates())


async def test_a_charter_reaches_registry_and_ledger_and_their_snapshots_follow_it(
    coalition: Coalition, database_factories: Callable[[str], Awaitable[str]]
) -> None:
    async with apps() as runner:
        # Services first: their outbound streams exist when the hub starts sourcing them (else
        # nats-server retries the source with a back-off of several seconds).
        registry = await start_registry(
            runner, coalition, "se", await database_factories("registry")
        )
        ledger, harness = await start_ledger(
            runner, coalition, "pl", await database_factories("ledger")
        )
        hub = await start_hub(runner, coalition, await database_factories("hub"))
        # Both report the built-in charter first (revision 0 is "current" before any PUT).
        await until(lambda: reported(hub, "se", "registry", current=True))
        await until(lambda: reported(hub, "pl", "ledger", current=True))

        response = await hub.client.put("/v1/charter", json=CHARTER, headers=hub.auth)
        assert response.status_code == 200, response.text
        await adopt(hub, coalition, response.json()["revision"])  # se and pl sign it
        for service in (registry, ledger):
            follower = service.app.state.concordia.follower
            await until(lambda f=follower: f.current.version == "test.2")
            assert follower.current.disclosure.k == 3
        await until(lambda: reported(hub, "se", "registry", current=True))
        await until(lambda: reported(hub, "pl", "ledger", current=True))
        shown = await services(hub, "se")
        assert shown["registry"]["charter_version"] == "test.2"
        assert shown["registry"]["charter_revision"] == 1
        # Each report is signed by its node and checked against the directory (required here).
        assert shown["registry"]["signature_verified"] is True
        assert shown["registry"]["signature"]["signer"] == "se"
        assert (await services(hub, "pl"))["ledger"]["signature_verified"] is True

        # The next snapshots are made under the charter: its version, its k, its rounding.
        for n in range(4):  # four journalists: k 3 shows them (k 10 would hide them)
            body = person(n, profession_category="journalist")
            response = await registry.client.post("/v1/persons", json=body, headers=registry.auth)
            assert response.status_code == 201, response.text
        released = {e.aggregate: e for e in await publish_now(registry)}
        profession = released["persons_by_profession"]
        assert profession.charter_version == "test.2"
        journalists = next(c for c in profession.cells if c.key == ("journalist",))
        assert (journalists.value, journalists.suppressed) == (4, False)

        await fund_an_activity(harness)
        released = {e.aggregate: e for e in await publish_now(ledger)}
        gender = released["participants_by_gender"]
        assert gender.charter_version == "test.2"
        women = next(c for c in gender.cells if c.key == ("women",))
        assert women.value == 13  # no rounding under this charter (base 5 would show 15)

        # ...and that is what reaches the hub.
        async def at_hub(node: str, name: str) -> list[Any]:
            return list(await hub.get("/v1/aggregates", node=node, name=name))

        (snapshot,) = await until(lambda: at_hub("se", "persons_by_profession"))
        assert snapshot["charter_version"] == "test.2"
        assert cell(snapshot, "journalist")["value"] == 4
        (snapshot,) = await until(lambda: at_hub("pl", "participants_by_gender"))
        assert (snapshot["charter_version"], cell(snapshot, "women")["value"]) == ("test.2", 13)
        assert (snapshot["signature"]["signer"], snapshot["signature_verified"]) == ("pl", True)
        assert gender.signature is not None  # signed at the node, as it was kept there

        # The women band, judged on the one event (13 of 20: above the 60 % ceiling) at the
        # node, reaches the hub as counts; pooled the share is the same 65 %, both not met.
        band = released["participants_by_women_share_band"]
        assert next(c for c in band.cells if c.key == ("above_ceiling",)).value == 20
        await until(lambda: at_hub("pl", "participants_by_women_share_band"))
        shown = await hub.get("/v1/coalition/indicators", period="2026-Q2")
        women = {t["judged"]: t for t in shown["targets"] if t["aggregate"].startswith("partic")}
        assert (women["per_activity"]["share"], women["per_activity"]["met"]) == ("0.0000", False)
        assert (women["pooled"]["share"], women["pooled"]["met"]) == ("0.6500", False)


async def test_a_service_on_an_old_charter_is_shown_stale_then_converges(
    coalition: Coalition, database_factories: Callable[[str], Awaitable[str]]
) -> None:
    async with apps() as runner:
        # The ledger's outbound stream exists before the hub sources it (no retry back-off).
        shared = await coalition.connect(coalition.node_url("pl", "ledger-shared"))
        await ensure_streams(shared.jetstream(timeout=5), [shared_stream("pl")])
        # No timed re-send here: the test makes the hub's re-send round itself, once it has
        # seen the late ledger on the old charter (a timer could beat the hub's view of it).
        hub = await start_hub(
            runner, coalition, await database_factories("hub"), charter_resend_seconds=3600
        )
        response = await hub.client.put("/v1/charter", json=CHARTER, headers=hub.auth)
        assert response.status_code == 200, response.text
        await adopt(hub, coalition, response.json()["revision"])  # se and pl sign it
        # The ledger was not running when the charter went out: it starts on the defaults.
        ledger, _ = await start_ledger(runner, coalition, "pl", await database_factories("ledger"))
        assert ledger.app.state.concordia.follower.current.version == "default"
        await until(lambda: reported(hub, "pl", "ledger", current=False))
        assert (await services(hub, "pl"))["ledger"]["charter_version"] == "default"
        # The hub's re-send round sends the charter to the node that reports an older one...
        state = hub.app.state.concordia
        assert "pl" in await charter.resend(state.db, state.extra.federation)  # se: nothing runs
        await until(lambda: reported(hub, "pl", "ledger", current=True))
        assert ledger.app.state.concordia.follower.current.version == "test.2"
        assert (await services(hub, "pl"))["ledger"]["charter_revision"] == 1
        # ...and no more once all its services run it.
        assert "pl" not in await charter.resend(state.db, state.extra.federation)
