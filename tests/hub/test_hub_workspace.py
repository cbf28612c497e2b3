"""The coordination group's workspace: commitments tracked against aggregates, signals that
raise one agenda item each, discussion, decisions (experts advise, members decide), charter
decisions pending until in force, and decisions reaching a node that was offline."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import nats
import pytest
from hub_support import Hub, node_client, publish, snapshot, status, user_url, wait_for

from concordia.core.auth import TokenStore
from concordia.core.db import Database, new_metadata
from concordia.events import (
    AggregateSnapshotPublished,
    Cell,
    CharterFollower,
    CharterStore,
    DecisionFollower,
    DecisionStore,
    Envelope,
    NatsServer,
)
from concordia.events.runtime.snapshots import quarter_of
from concordia.hub.models import OverlapOutcome
from concordia.hub.workspace.signals import KINDS, previous_period

PERIOD = quarter_of(datetime.now(UTC).date())
METADATA = new_metadata()
CHARTERS, DECISIONS = CharterStore(METADATA), DecisionStore(METADATA)
CHARTER_BODY: dict[str, Any] = {
    "version": "2026.7",
    "effective": "2026-01-01",
    "disclosure": {
        "k": 10,
        "dominance_n": 2,
        "dominance_k": "85",
        "p_percent": "10",
        "rounding_base": 5,
    },
    "targets": [
        {
            "indicator": "women_share",
            "dimension": "gender",
            "levels": ["female", "women"],
            "min_share": "0.4",
            "aim_share": "0.5",
            "max_share": "0.6",
        }
    ],
}


@pytest.fixture
def tokens(hub: Hub) -> dict[str, str]:
    """Workspace tokens: two member states, a donor, an expert."""
    store = TokenStore(hub.settings.tokens_file)
    return {
        "se": store.create("test-se", {"hub:member"}, owner="state:se"),
        "pl": store.create("test-pl", {"hub:member"}, owner="state:pl"),
        "donor": store.create("test-donor", {"hub:member"}, owner="donor:fund-x"),
        "expert": store.create("test-expert", {"hub:advise"}, owner="expert:panel-1"),
        "admin": hub.tokens["hub:admin"],
        "reader": hub.tokens["hub:read"],
    }


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def money_table(
    node: str, aggregate: str, service: str, dimension: str, amounts: dict[str, Decimal | None]
) -> AggregateSnapshotPublished:
    cells = tuple(
        Cell(key=(k,), suppressed=True) if v is None else Cell(key=(k,), amount=v)
        for k, v in amounts.items()
    )
    known = [v for v in amounts.values() if v is not None]
    total = (Cell(key=("_all",), amount=sum(known, Decimal(0))) if len(known) == len(amounts)
             else Cell(key=("_all",), suppressed=True))  # fmt: skip
    return AggregateSnapshotPublished(
        node=node, service=service, aggregate=aggregate, period=PERIOD, version=1,
        period_start=date(2026, 10, 1), period_end=date(2026, 12, 31), charter_version="default",
        dimensions=(dimension,), measure="eur_committed", cells=cells, margins=(total,),
    )  # fmt: skip


def health_table(node: str, **basis_points: int) -> AggregateSnapshotPublished:
    return AggregateSnapshotPublished(
        node=node, service="evaluation", aggregate="funding_health", period=PERIOD, version=1,
        period_start=date(2026, 10, 1), period_end=date(2026, 12, 31), charter_version="default",
        dimensions=("health_indicator",), measure="basis_points",
        cells=tuple(Cell(key=(k,), value=v) for k, v in basis_points.items()), margins=(),
    )  # fmt: skip


async def send(country_nats: NatsServer, *events: Any, node: str = "se") -> None:
    nc = await node_client(country_nats, node)
    try:
        for event in events:
            await publish(nc, Envelope.wrap(event, node=node))
    finally:
        await nc.close()


async def stored(hub: Hub, count: int) -> None:
    async def enough() -> bool:
        return len(await hub.get("/v1/aggregates", period=PERIOD)) >= count

    await wait_for(enough)


async def test_commitments_are_tracked_against_the_aggregates(
    hub: Hub, tokens: dict[str, str], country_nats: NatsServer
) -> None:
    purposes = {"independent_media": Decimal("120000"), "research": None}
    await send(country_nats, money_table(
        "se", "committed_eur_by_purpose", "ledger", "purpose", purposes
    ))  # fmt: skip
    await stored(hub, 1)

    async def commit(who: str, **body: Any) -> Any:
        data = {"kind": "funding", "period": PERIOD} | body
        return await hub.client.post("/v1/commitments", json=data, headers=auth(tokens[who]))

    media = {"dimension": "purpose", "level": "independent_media"}
    met = await commit("se", pledge=media, target="100000")
    assert met.status_code == 201, met.text
    assert met.json()["node"] == "se"
    assert met.json()["member"] == "state:se"
    assert met.json()["progress"]["status"] == "met"
    assert met.json()["progress"]["evidence"]["versions"] == {"se": 1}
    behind = await commit("se", pledge=media, target="5000000")
    assert behind.json()["progress"]["status"] == "behind"
    hidden = await commit("se", kind="research", target="1000")
    assert hidden.json()["progress"] | {"evidence": None} == {
        "actual": None, "expected": hidden.json()["progress"]["expected"], "status": "unknown",
        "reason": "suppressed or not published at se", "evidence": None,
    }  # fmt: skip
    # A donor's commitment without a node is tracked on the coalition's totals.
    donor = await commit("donor", pledge=media, target="1")
    assert (donor.json()["node"], donor.json()["progress"]["status"]) == (None, "met")

    # Bad input: the field and the reason; nothing written.
    for body, field in (
        ({"kind": "research", "pledge": media, "target": "1"}, "pledge"),
        ({"kind": "permits", "measure": "eur_committed", "target": "5"}, "measure"),
        ({"pledge": {"dimension": "purpose", "level": "no_such_purpose"}, "target": "5"}, "level"),
        ({"target": "-5"}, "target"),
        ({"target": "5.001"}, "target"),
        ({"target": "5", "note": "Agreed with Mr. Example"}, "note"),
        ({"kind": "gifts", "target": "5"}, "body"),
    ):
        bad = await commit("se", **body)
        assert bad.status_code == 422, (body, bad.text)
        assert any(field in str(issue["loc"]) for issue in bad.json()["errors"]), bad.text
    assert (await commit("se", target="5", node="pl")).status_code == 403  # not its node
    assert (await commit("donor", target="5", node="xx")).status_code == 404
    assert len(await hub.get("/v1/commitments", period=PERIOD)) == 4
    assert (await commit("expert", target="5")).status_code == 403
    reader = await hub.client.post("/v1/commitments", json={}, headers=hub.auth())
    assert reader.status_code == 403

    # Only its member changes it; each change is a revision; a stale If-Match is a 412.
    url = f"/v1/commitments/{behind.json()['id']}"
    other = await hub.client.patch(url, json={"target": "1"}, headers=auth(tokens["pl"]))
    assert other.status_code == 403
    changed = await hub.client.patch(
        url, json={"target": "150000"}, headers=auth(tokens["se"]) | {"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["revision"], changed.json()["progress"]["status"]) == (2, "on_track")
    stale = await hub.client.patch(
        url, json={"target": "2"}, headers=auth(tokens["se"]) | {"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    history = await hub.get(f"{url}/history")
    assert [(h["revision"], h["commitment"]["target"]) for h in history] == [
        (1, "5000000.00"), (2, "150000.00"),
    ]  # fmt: skip


async def test_each_signal_raises_exactly_one_item(
    hub: Hub, tokens: dict[str, str], country_nats: NatsServer
) -> None:
    # The charter moves on (revision 1) while se's registry still reports revision 0.
    put = await hub.client.put("/v1/charter", json=CHARTER_BODY, headers=hub.auth("hub:admin"))
    assert put.status_code == 200, put.text
    await hub.adopt(put.json()["revision"])
    groups = {g: Decimal(50000) for g in
              ("women", "lgbt", "regional_communities", "other_discriminated")}  # fmt: skip
    groups["national_minorities"] = Decimal(0)
    await send(
        country_nats,
        status("se"),
        snapshot("se", female=10, male=90, period=PERIOD),  # women's share 0.1: the band missed
        health_table("se", hhi=4000, top10_share=9000, small_commitments_share=8000),
        money_table("se", "committed_eur_by_represented_group", "evaluation",
                    "represented_group", groups),
        money_table("se", "committed_eur_by_purpose", "ledger", "purpose",
                    {"independent_media": Decimal(1000)}),
    )  # fmt: skip
    await stored(hub, 4)
    commitment = await hub.client.post("/v1/commitments", headers=auth(tokens["se"]), json={
        "kind": "funding", "period": PERIOD, "measure": "eur_committed", "target": "9000000",
    })  # fmt: skip
    assert commitment.json()["progress"]["status"] == "behind"
    async with hub.app.state.concordia.db.unit_of_work() as session:
        before = previous_period(PERIOD)  # the scan looks at two quarters: steady, then rising
        for period, count in ((previous_period(before), 1), (before, 1), (PERIOD, 4)):
            session.add(OverlapOutcome(
                run_id=str(uuid.uuid4()), period=period, purpose="independent_media",
                client="se", server="pl", status="done", count=count, at=datetime.now(UTC),
            ))  # fmt: skip

    scan = await hub.client.post("/v1/agenda/scan", headers=hub.auth("hub:admin"))
    assert scan.status_code == 200, scan.text
    kinds = sorted(item["kind"] for item in scan.json()["raised"])
    # pl never reported: stale. Every kind the planted data can produce, once each.
    assert kinds == sorted(KINDS), [(i["kind"], i["title"]) for i in scan.json()["raised"]]
    by_kind = {item["kind"]: item for item in scan.json()["raised"]}
    assert by_kind["target_missed"]["evidence"]["share"] == "0.1000"
    assert by_kind["target_missed"]["evidence"]["versions"] == {"se": 1}
    assert by_kind["no_funded_actors"]["evidence"]["group"] == "national_minorities"
    assert by_kind["concentration"]["evidence"]["value"] == "0.4"
    assert by_kind["node_stale"]["evidence"]["node"] == "pl"
    assert by_kind["node_old_charter"]["evidence"] | {"refused": None} == {
        "node": "se", "service": "registry", "runs": 0, "current": 1, "refused": None,
    }  # fmt: skip

    # The signals persist: a second scan raises nothing more.
    again = await hub.client.post("/v1/agenda/scan", headers=hub.auth("hub:admin"))
    assert again.json()["raised"] == []
    assert again.json()["signals"] == len(KINDS)
    assert len(await hub.get("/v1/agenda")) == len(KINDS)
    assert (await hub.client.post("/v1/agenda/scan", headers=auth(tokens["se"]))).status_code == 403


async def _item(hub: Hub, tokens: dict[str, str], title: str = "Share lessons on permits") -> str:
    made = await hub.client.post(
        "/v1/agenda", json={"title": title, "period": PERIOD}, headers=auth(tokens["se"])
    )
    assert made.status_code == 201, made.text
    assert made.json()["raised_by"] == "state:se"
    return str(made.json()["id"])


async def test_experts_advise_and_members_decide(hub: Hub, tokens: dict[str, str]) -> None:
    item = await _item(hub, tokens)
    url = f"/v1/agenda/{item}"
    proposal = {"body": "Open a research track for regional scholars", "kind": "objective"}
    advice = await hub.client.post(f"{url}/comments", json=proposal, headers=auth(tokens["expert"]))
    assert advice.status_code == 201, advice.text
    assert (advice.json()["role"], advice.json()["kind"]) == ("expert", "objective")
    said = await hub.client.post(f"{url}/comments", json=proposal, headers=auth(tokens["pl"]))
    assert (said.json()["role"], said.json()["kind"]) == ("member", "comment")
    named = {"body": "Ask Dr. Example about it"}
    assert (await hub.client.post(f"{url}/comments", json=named,
                                  headers=auth(tokens["pl"]))).status_code == 422  # fmt: skip

    decision = {
        "decided": "Open a pooled research track", "rationale": "Three members asked for it",
        "concerns": ["se"], "due": "2027-03-31",
        "follow_ups": [{"action": "Draft the track's terms", "actor": "state:se"}],
    }  # fmt: skip
    refused = await hub.client.post(
        f"{url}/decision", json=decision, headers=auth(tokens["expert"])
    )
    assert refused.status_code == 403
    assert "members decide" in refused.json()["detail"]
    assert (await hub.get(url))["status"] == "open"

    taken = await hub.client.post(f"{url}/decision", json=decision, headers=auth(tokens["pl"]))
    assert taken.status_code == 201, taken.text
    assert (taken.json()["status"], taken.json()["decided_by"]) == (
        "pending_signatures",
        "state:pl",
    )
    again = await hub.client.post(f"{url}/decision", json=decision, headers=auth(tokens["pl"]))
    assert again.status_code == 409
    closed = await hub.client.post(f"{url}/comments", json=proposal, headers=auth(tokens["pl"]))
    assert closed.status_code == 409
    read = await hub.get(url)
    assert read["status"] == "decided"
    assert read["decision"]["id"] == taken.json()["id"]

    # In force once a majority of the member states signed it with their node keys.
    signed = await hub.sign(f"decisions/{taken.json()['id']}", ("se", "pl", "de"))
    assert signed["signed"]
    assert signed["kind"] == "decision"
    decided = await hub.get(f"/v1/decisions/{taken.json()['id']}")
    assert decided["status"] == "in_force"
    assert [s["signer"] for s in decided["signatures"]] == ["se", "pl", "de"]
    done_url = f"/v1/decisions/{taken.json()['id']}/follow-ups/1/done"
    assert (await hub.client.post(done_url, headers=auth(tokens["pl"]))).status_code == 403
    done = await hub.client.post(done_url, headers=auth(tokens["se"]))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["follow_ups"][0]["done_by"] == "state:se"


async def test_a_charter_decision_stays_pending_until_the_charter_is_in_force(
    hub: Hub, tokens: dict[str, str]
) -> None:
    item = await _item(hub, tokens, "Raise the disclosure threshold")
    decision = {"decided": "Adopt charter 2026.7", "rationale": "k of 10 is too low",
                "charter": CHARTER_BODY}  # fmt: skip
    taken = await hub.client.post(
        f"/v1/agenda/{item}/decision", json=decision, headers=auth(tokens["se"])
    )
    assert taken.status_code == 201, taken.text
    assert (taken.json()["status"], taken.json()["charter_version"]) == (
        "pending_signatures", "2026.7",
    )  # fmt: skip
    url = f"/v1/decisions/{taken.json()['id']}"
    from concordia.hub.workspace import decisions

    # Signed by the members, but its charter is not adopted yet: still pending.
    assert (await hub.sign(f"decisions/{taken.json()['id']}", ("se", "pl", "de")))["signed"]
    async with hub.app.state.concordia.db.unit_of_work() as session:
        assert await decisions.refresh(session, hub.directory()()) == []
    assert (await hub.get(url))["status"] == "pending_signatures"
    assert (await hub.get("/v1/charter"))["version"] == "default"  # nothing took effect

    put = await hub.client.put("/v1/charter", json=CHARTER_BODY, headers=hub.auth("hub:admin"))
    assert put.status_code == 200, put.text
    assert (await hub.get(url))["status"] == "pending_signatures"  # proposed, not adopted
    await hub.adopt(put.json()["revision"])

    async def in_force() -> bool:
        return bool((await hub.get(url))["status"] == "in_force")

    await wait_for(in_force)


@pytest.fixture
async def node_db(tmp_path: Path) -> AsyncIterator[Callable[[str], Any]]:
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


async def test_decisions_reach_a_node_that_was_offline(
    hub: Hub, tokens: dict[str, str], country_nats: NatsServer, node_db: Callable[[str], Any]
) -> None:
    # Taken while no service of se listens: one for se, one for pl only, one for everyone.
    made = []
    for concerns in (["se"], ["pl"], []):
        item = await _item(hub, tokens, f"Item for {concerns or 'all'}")
        taken = await hub.client.post(f"/v1/agenda/{item}/decision", headers=auth(tokens["se"]),
                                      json={"decided": "Agreed", "rationale": "As discussed",
                                            "concerns": concerns,
                                            "follow_ups": [{"action": "Report back",
                                                            "actor": "state:se"}]})  # fmt: skip
        assert taken.status_code == 201, taken.text
        made.append(taken.json()["id"])
        await hub.sign(f"decisions/{taken.json()['id']}", ("se", "pl", "de"))

    db = await node_db("se-registry")
    client = await nats.connect(user_url(country_nats, "se", "node"))
    charter = CharterFollower(
        db, CHARTERS, node="se", service="registry", interval=0.3, directory=hub.directory()
    )
    follower = DecisionFollower(
        db, DECISIONS, node="se", on_held=charter.held_decisions, directory=hub.directory()
    )
    await charter.start(client)
    await follower.start(client)
    try:

        async def holds(ids: set[str], status_: str) -> bool:
            kept = await DECISIONS.all(db)
            return {d.decision_id for d in kept} == ids and all(d.status == status_ for d in kept)

        await wait_for(lambda: holds({made[0], made[2]}, "in_force"))
        assert follower.unsigned_total == 0
        # Each in-force entry follows its decision's pending one (pl's pair is not se's).
        kept = sorted(await DECISIONS.all(db), key=lambda d: d.seq)
        assert [d.previous for d in kept] == [d.seq - 1 for d in kept]
        assert kept[1].seq - kept[0].seq == 4

        # A follow-up done changes the decision: the node gets the new state, once.
        for decision_id in (made[0], made[2]):
            url = f"/v1/decisions/{decision_id}/follow-ups/1/done"
            assert (await hub.client.post(url, headers=auth(tokens["se"]))).status_code == 200
        await wait_for(lambda: holds({made[0], made[2]}, "done"))

        async def reported() -> bool:
            nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
            return bool(nodes["se"]["services"])

        await wait_for(reported)
        assert await DECISIONS.count(db) == 2
    finally:
        await follower.stop()
        await charter.stop()
        await client.close()
