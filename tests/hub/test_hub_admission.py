"""The hub refuses what no honest node would send: values out of range, codes outside the
charter's code lists, snapshots beyond a node's daily quota; and the node does not build them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, get_args

import pytest
from hub_support import Hub, node_client, publish, snapshot, wait_for
from sqlalchemy import select

from concordia.disclosure import ProtectedCell
from concordia.events import (
    BUILT_IN_CODE_LISTS,
    DEFAULT_CHARTER,
    AggregateSnapshotPublished,
    Cell,
    Envelope,
    NatsServer,
    published_cells,
)
from concordia.hub.models import Refusal, Snapshot
from concordia.ledger import aggregates as ledger_aggregates
from concordia.registry import aggregates as registry_aggregates
from concordia.registry import codes as registry_codes


def funding(
    node: str = "se", amount: str = "1250.50", version: int = 1
) -> AggregateSnapshotPublished:
    """A synthetic one-way funding table in EUR."""
    return AggregateSnapshotPublished(
        node=node, service="ledger", aggregate="committed_eur_by_purpose", period="2026-Q4",
        version=version, charter_version="default", measure="eur_committed",
        dimensions=("purpose",),
        cells=(Cell(key=("independent_media",), amount=Decimal(amount)),),
        margins=(Cell(key=("_all",), amount=Decimal(amount)),),
    )  # fmt: skip


async def _send_raw(country_nats: NatsServer, code: str, bodies: list[dict[str, Any]]) -> None:
    """Publish envelopes as JSON text: what a dishonest node could put on the wire."""
    nc = await node_client(country_nats, code)
    try:
        for body in bodies:
            raw = json.dumps(body).replace('"__RAW__"', "1E+999999")
            ack = await nc.jetstream().publish(
                body["subject"], raw.encode(), headers={"Nats-Msg-Id": body["id"]}
            )
            assert ack.stream.startswith("NODE_")
    finally:
        await nc.close()


async def _refusals(hub: Hub) -> list[str]:
    async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
        return sorted((await session.scalars(select(Refusal.reason))).all())


async def _snapshots(hub: Hub) -> list[tuple[str, str, int]]:
    async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
        rows = await session.execute(select(Snapshot.node, Snapshot.aggregate, Snapshot.version))
        return sorted(tuple(r) for r in rows)  # type: ignore[misc]


async def _until_refused(hub: Hub, n: int) -> list[str]:
    async def enough() -> list[str] | None:
        reasons = await _refusals(hub)
        return reasons if len(reasons) >= n else None

    result: list[str] = await wait_for(enough)
    return result


def _with(
    make: Callable[..., AggregateSnapshotPublished], version: int, **cell: Any
) -> dict[str, Any]:
    # One version each: the stream keeps one message per subject.
    body = Envelope.wrap(make(version=version), node="se").to_dict()
    body["data"]["cells"][0].update(cell)
    return body


async def test_values_out_of_range_are_refused_with_their_reason(
    hub: Hub, country_nats: NatsServer
) -> None:
    bodies = [
        _with(snapshot, 1, value=-5),
        _with(snapshot, 2, value=10**7 + 1),
        _with(snapshot, 3, value=10**40),  # beyond what the hub's parser takes as an integer
        _with(funding, 1, amount="1E+999999"),  # a Decimal as the node's JSON writes it
        _with(funding, 2, amount="__RAW__"),  # a JSON number beyond any float
        _with(funding, 3, amount="1250.505"),  # three decimal places
        _with(funding, 4, amount="1000000000000.01"),  # one cent over 10^12 EUR
    ]
    await _send_raw(country_nats, "se", bodies)
    reasons = await _until_refused(hub, len(bodies))
    assert reasons == sorted(
        [
            "count_out_of_range", "count_out_of_range", "unparseable", "amount_out_of_range",
            "unparseable", "amount_precision", "amount_out_of_range",
        ]
    )  # fmt: skip
    assert await _snapshots(hub) == []
    # The largest honest values pass.
    nc = await node_client(country_nats, "se")
    try:
        await publish(nc, Envelope.wrap(snapshot(version=9, female=10**7, male=0), node="se"))
        await publish(nc, Envelope.wrap(funding(amount="1000000000000.00", version=9), node="se"))
    finally:
        await nc.close()

    async def stored() -> bool:
        return len(await _snapshots(hub)) == 2

    await wait_for(stored)
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    assert nodes["se"]["refused"] == len(bodies)


async def test_codes_outside_the_charters_code_lists_are_refused(
    hub: Hub, country_nats: NatsServer
) -> None:
    robot = Envelope.wrap(snapshot(version=1, female=40, robot=35), node="se").to_dict()
    unknown = Envelope.wrap(snapshot(version=2), node="se").to_dict()
    unknown["data"]["dimensions"] = ["favourite_colour"]
    margin = Envelope.wrap(snapshot(version=3), node="se").to_dict()
    margin["data"]["margins"][0]["key"] = ["_sum"]
    await _send_raw(country_nats, "se", [robot, unknown, margin])
    reasons = await _until_refused(hub, 3)
    assert reasons == ["code_outside_code_list", "code_outside_code_list", "unknown_dimension"]
    assert await _snapshots(hub) == []


async def test_a_charter_replaces_one_code_list_and_keeps_the_others(
    hub: Hub, country_nats: NatsServer
) -> None:
    body = {
        "version": "2026.9",
        "effective": "2026-01-01",
        "disclosure": {"k": 10, "dominance_n": 2, "dominance_k": "85", "p_percent": "10",
                       "rounding_base": 5},
        "code_lists": [{"dimension": "gender", "codes": ["female", "male", "robot"]}],
    }  # fmt: skip
    response = await hub.client.put("/v1/charter", json=body, headers=hub.auth("hub:admin"))
    assert response.status_code == 200, response.text
    lists = {c["dimension"]: c["codes"] for c in response.json()["code_lists"]}
    assert lists["gender"] == ["female", "male", "robot"]
    assert lists["purpose"] == list(BUILT_IN_CODE_LISTS["purpose"])
    await hub.adopt(response.json()["revision"])  # the members sign: it applies at the hub
    nc = await node_client(country_nats, "se")
    try:
        await publish(nc, Envelope.wrap(snapshot(female=40, robot=35), node="se"))
        await publish(nc, Envelope.wrap(funding(), node="se"))
    finally:
        await nc.close()

    async def stored() -> bool:
        return len(await _snapshots(hub)) == 2

    await wait_for(stored)


async def test_a_node_beyond_its_daily_quota_is_refused(
    make_hub: Callable[..., Awaitable[Hub]], country_nats: NatsServer
) -> None:
    hub = await make_hub(snapshots_per_node_per_day=2)
    await hub.linked("se")
    await hub.linked("pl")
    nc, pl = await node_client(country_nats, "se"), await node_client(country_nats, "pl")
    try:
        for version in (1, 2, 3, 4):
            await publish(nc, Envelope.wrap(snapshot(version=version), node="se"))
        await publish(pl, Envelope.wrap(snapshot(node="pl"), node="pl"))
    finally:
        await nc.close()
        await pl.close()
    assert await _until_refused(hub, 2) == ["quota_exceeded", "quota_exceeded"]

    async def pl_stored() -> bool:
        return ("pl", "persons_by_gender", 1) in await _snapshots(hub)

    await wait_for(pl_stored)  # one node's quota is its own
    assert [s for s in await _snapshots(hub) if s[0] == "se"] == [
        ("se", "persons_by_gender", 1), ("se", "persons_by_gender", 2),
    ]  # fmt: skip


async def test_targets_at_the_api_23_percent_met_and_65_percent_women_not(
    hub: Hub, country_nats: NatsServer
) -> None:
    origin = snapshot("se", "persons_by_ethnic_origin", russian=77, non_russian=23)
    origin = origin.model_copy(update={"dimensions": ("ethnic_origin",)})
    nc = await node_client(country_nats, "se")
    try:
        await publish(nc, Envelope.wrap(origin, node="se"))
        await publish(nc, Envelope.wrap(snapshot("se", female=65, male=35), node="se"))
    finally:
        await nc.close()

    async def both() -> bool:
        return len(await hub.get("/v1/aggregates", period="2026-Q4")) == 2

    await wait_for(both)
    body = await hub.get("/v1/coalition/indicators", period="2026-Q4")
    targets = {t["indicator"]: t for t in body["targets"]}
    non_russian, women = targets["non_russian_share"], targets["women_share"]
    assert (non_russian["share"], non_russian["met"], non_russian["aim_reached"]) == (
        "0.2300", True, True,
    )  # fmt: skip
    assert non_russian["max_share"] is None
    assert (women["share"], women["met"], women["aim_reached"]) == ("0.6500", False, True)
    assert (women["min_share"], women["max_share"]) == ("0.40", "0.60")


@pytest.mark.parametrize(
    "value", [-5, 10**7 + 1, 10**40, Decimal("1E+999999"), Decimal(-1), Decimal("1E+12") + 1]
)
def test_the_node_does_not_build_a_table_with_such_a_value(value: int | Decimal) -> None:
    cell = ProtectedCell(key=("female",), value=value)
    with pytest.raises(ValueError, match="cannot be published"):
        published_cells([cell])
    assert published_cells([ProtectedCell(key=("female",), value=10**7)])


def test_every_code_the_services_publish_is_in_the_built_in_code_lists() -> None:
    published = {
        "permit_status": registry_aggregates.PERMIT_LEVELS,
        "federal_district": registry_aggregates.DISTRICT_LEVELS,
        "profession": registry_aggregates.PROFESSION_LEVELS,
        "ethnic_origin": (*registry_aggregates.ORIGIN_LEVELS, *ledger_aggregates.ORIGIN_LEVELS),
        "gender": (*get_args(registry_codes.Gender), *ledger_aggregates.GENDER_LEVELS),
        **ledger_aggregates.FUNDING_LEVELS,
        ledger_aggregates.BAND_DIMENSION: ledger_aggregates.BAND_LEVELS,
    }
    lists = {c.dimension: set(c.codes) for c in DEFAULT_CHARTER.code_lists}
    for dimension, levels in published.items():
        assert set(levels) <= lists[dimension], dimension
