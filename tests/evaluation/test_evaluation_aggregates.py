"""What the node shares of its evaluation: protected score distributions, through real NATS."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import nats
import orjson
import pytest
from evaluation_support import (
    Evaluation,
    assess,
    draw,
    new_evaluator,
    seed_grant,
    seed_organisations,
    until_known,
)

from concordia.evaluation import aggregates
from concordia.evaluation.models import KnownOrganisation
from concordia.events import OrganisationRegistered

K = 3
FULL, SINGLE = "2026-Q3", "2026-Q4"


async def _assess_both(ev: Evaluation, org: uuid.UUID, period: str, value: int,
                       accounts: dict[str, str]) -> None:  # fmt: skip
    made = await draw(ev, "organisation", org, period)
    assert made.status_code == 201, made.text
    for evaluator, assignment in zip(made.json()["drawn"], made.json()["assignment_ids"],
                                     strict=True):  # fmt: skip
        assert (await assess(ev, accounts[evaluator], assignment, value)).status_code == 201


async def _sent(ev: Evaluation, expected: int) -> list[Any]:
    """Every evaluation snapshot of this node in JetStream, and nothing more."""
    async with asyncio.timeout(20):
        await ev.app.state.concordia.relay.wait_until_idle()
    nc = await nats.connect(ev.nats_url)
    try:
        sub = await nc.jetstream().subscribe(
            f"shared.{ev.node}.evaluation.aggregate.>", ordered_consumer=True
        )
        messages = []
        async with asyncio.timeout(15):
            while len(messages) < expected:
                messages.append(await sub.next_msg(timeout=5))
        with pytest.raises(nats.errors.TimeoutError):
            await sub.next_msg(timeout=0.5)
        return messages
    finally:
        await nc.close()


def _cells(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"][0]: c for c in (*snapshot["cells"], *snapshot["margins"])}


async def test_scores_leave_protected_and_a_lone_organisation_leaves_nothing(
    evaluation: Evaluation,
) -> None:
    ev = evaluation
    orgs = await seed_organisations(ev, 4)
    accounts = {await new_evaluator(ev, n): n for n in ("eval-a", "eval-b")}
    for org, value in zip(orgs, (3, 3, 3, 1), strict=True):
        await _assess_both(ev, org, FULL, value, accounts)
    await _assess_both(ev, orgs[0], SINGLE, 4, accounts)  # one organisation alone in its period
    # One assessment only: the item does not count yet.
    made = await draw(ev, "organisation", orgs[1], SINGLE)
    first = made.json()["drawn"][0]
    assert (
        await assess(ev, accounts[first], made.json()["assignment_ids"][0], 0)
    ).status_code == 201

    published = await aggregates.publish(
        db=ev.app.state.concordia.db, ctx=ev.app.state.concordia.extra.ctx, k=K, rounding_base=None
    )
    shown = {(e.aggregate, e.period): e.model_dump(mode="json") for e in published}
    # A period where one organisation is assessed shares nothing: a lone suppressed cell beside
    # published zeros would say what it scored.
    assert set(shown) == {(name, FULL) for name in aggregates.SCORE_TABLES}
    for name in aggregates.SCORE_TABLES:
        full = _cells(shown[(name, FULL)])
        assert full["1"]["suppressed"]  # one organisation's score
        # Not recoverable: a second cell is hidden with it (the total minus the rest is not it).
        assert full["3"]["suppressed"]
        assert full["_all"]["value"] == 4
        assert full["0"]["value"] == full["2"]["value"] == full["4"]["value"] == 0

    messages = await _sent(ev, len(shown))
    sent = {}
    for message in messages:
        data = orjson.loads(message.data)["data"]
        sent[(data["aggregate"], data["period"])] = data
        for org in orgs:
            assert str(org).encode() not in message.data
    assert sent == shown  # what left is exactly what was published


async def _organisations(ev: Evaluation, group: str, count: int) -> list[uuid.UUID]:
    orgs = [uuid.uuid4() for _ in range(count)]
    await ev.publish(*(
        OrganisationRegistered(
            organisation_id=org, identifier=f"SE-ON-7{group[:3].upper()}{n:04d}",
            name=f"Example {group} Initiative {n}", type="ngo", registration_country="SE",
            version=1, represents=(group,), regions_of_focus=("RU-TA",),
        )
        for n, org in enumerate(orgs)
    ))  # fmt: skip
    await until_known(ev, KnownOrganisation, orgs)
    return orgs


async def test_a_group_funded_through_fewer_than_k_organisations_is_suppressed(
    evaluation: Evaluation,
) -> None:
    """The funding-by-group table counts organisations, not grants: a group whose money went
    to fewer than k organisations is hidden however many grants carried it."""
    ev, k = evaluation, 5
    few = await _organisations(ev, "lgbt", k - 1)
    for org in few:  # two equal grants each: 2(k-1) grants, yet only k-1 organisations
        for _ in range(2):
            await seed_grant(ev, org=org)
    for group in ("national_minorities", "women"):
        for org in await _organisations(ev, group, k):
            await seed_grant(ev, org=org)

    published = await aggregates.publish(
        db=ev.app.state.concordia.db, ctx=ev.app.state.concordia.extra.ctx, k=k, rounding_base=None
    )
    (table,) = [e for e in published if e.aggregate == aggregates.GROUP_TABLE]
    assert table.period == "2026-Q4"
    cells = _cells(table.model_dump(mode="json"))
    assert cells["lgbt"]["suppressed"], cells["lgbt"]
    assert cells["lgbt"]["value"] is None
    # Not recoverable from the margin: another cell (or the margin itself) is hidden with it.
    assert len([key for key, cell in cells.items() if cell["suppressed"]]) >= 2
    # A group funded through k organisations is no secret.
    assert not (cells["national_minorities"]["suppressed"] and cells["women"]["suppressed"])
    # No group cell says which organisations are in it.
    for org in few:
        assert str(org) not in table.model_dump_json()
    # Funding per long-term goal and per horizon leave the same way: every grant here is a
    # mid-term grant for one goal, 5,000 EUR each, to 14 organisations (18 grants).
    for name, level in ((aggregates.GOAL_TABLE, "value_of_politics"),
                        (aggregates.HORIZON_TABLE, "mid")):  # fmt: skip
        (shared,) = [e for e in published if e.aggregate == name]
        cells = _cells(shared.model_dump(mode="json"))
        assert cells[level]["amount"] == cells["_all"]["amount"] == "90000.00"
        assert all(str(org) not in shared.model_dump_json() for org in few)
