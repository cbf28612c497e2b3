"""What the node shares of its evaluation: protected score distributions, through real NATS."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import nats
import orjson
import pytest
from evaluation_support import Evaluation, assess, draw, new_evaluator, seed_organisations

from concordia.evaluation import aggregates

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
