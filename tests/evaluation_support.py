"""Helpers for evaluation tests: the harness around a running evaluation service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
import nats
import polling
from fastapi import FastAPI
from sqlalchemy import select

from concordia.evaluation.models import KnownGrant, KnownOrganisation
from concordia.events import Envelope, Event, OrganisationRegistered
from concordia.events.ledger import GrantRecorded, TransactionRecorded
from concordia.identity import NodeKey


@dataclass
class Evaluation:
    """The app in its lifespan, a client, tokens by name, and a way to publish local events."""

    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str]
    node: str
    nats_url: str
    #: The node keys of the coalition directory the service pinned (members' charter signatures).
    keys: dict[str, NodeKey] = field(default_factory=dict)

    def auth(self, name: str) -> dict[str, str]:
        """Headers with the token called ``name``."""
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    async def publish(self, *events: Event, time: datetime | None = None) -> None:
        """Publish local events as the registry's and ledger's relays do (at ``time``)."""
        nc = await nats.connect(self.nats_url)
        try:
            js = nc.jetstream()
            for event in events:
                envelope = Envelope.wrap(event, node=self.node, time=time)
                await js.publish(envelope.subject, envelope.to_bytes())
        finally:
            await nc.close()


PERIOD = "2026-Q4"


def scores(value: int, evidence: str = "Synthetic evidence for a test.") -> dict[str, Any]:
    """The five criteria all scored ``value``, with evidence."""
    return {
        c: {"score": value, "evidence": evidence}
        for c in ("standards", "knowledge", "inside_support", "relevance", "impact")
    }


async def until_known(ev: Evaluation, model: Any, ids: list[uuid.UUID]) -> None:
    async def known() -> bool:
        async with ev.app.state.concordia.db.unit_of_work(write=False) as session:
            found = await session.scalars(select(model.id).where(model.id.in_(ids)))
            return len(set(found.all())) == len(ids)

    await polling.eventually(known, within=15)


async def seed_organisations(ev: Evaluation, count: int) -> list[uuid.UUID]:
    """Announce ``count`` synthetic organisations and wait until the service knows them."""
    orgs = [uuid.uuid4() for _ in range(count)]
    await ev.publish(*(
        OrganisationRegistered(
            organisation_id=org, identifier=f"SE-ON-80200{n:05d}",
            name=f"Example Research Centre {n}", type="research_centre",
            registration_country="SE", version=1, represents=("women",),
            regions_of_focus=("RU-TA",),
        )
        for n, org in enumerate(orgs)
    ))  # fmt: skip
    await until_known(ev, KnownOrganisation, orgs)
    return orgs


async def seed_grant(
    ev: Evaluation, *, purpose: str = "research", org: uuid.UUID | None = None,
    donor: uuid.UUID | None = None,
) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:  # fmt: skip
    """A grant of ``donor`` to ``org`` (new ones by default), committed 5,000 EUR; known."""
    org = org or (await seed_organisations(ev, 1))[0]
    grant, donor = uuid.uuid4(), donor or uuid.uuid4()
    await ev.publish(
        GrantRecorded(
            grant_id=grant, donor_id=donor, external_id=f"TEST-{grant.hex[:8]}",
            visibility="public", version=1, feed_seq=1, purpose=purpose, horizon="mid",
            strategic_goals=("value_of_politics",), recipient_organisation_id=org,
            start_date=date(2026, 1, 1), end_date=date(2027, 12, 31),
        ),
        TransactionRecorded(
            transaction_id=uuid.uuid4(), grant_id=grant, type=2, amount=Decimal(5000),
            currency="EUR", value_date=date(2026, 11, 2), feed_seq=2, amount_eur=Decimal(5000),
        ),
    )  # fmt: skip
    await until_known(ev, KnownGrant, [grant])
    return org, grant, donor


async def new_evaluator(ev: Evaluation, account: str, **extra: Any) -> str:
    """Register an evaluator scoring with the token named ``account``; its id."""
    body = {
        "name": f"Example Evaluator {account}", "account": account, "expertise": ["research"],
        "languages": ["en", "ru"], "european": True,
    } | extra  # fmt: skip
    response = await ev.client.post("/v1/evaluators", json=body, headers=ev.auth("admin"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def draw(
    ev: Evaluation, item_type: str, item_id: uuid.UUID, period: str = PERIOD
) -> httpx.Response:
    """Ask for a draw of assessors."""
    body = {"item_type": item_type, "item_id": str(item_id), "period": period}
    return await ev.client.post("/v1/assignments", headers=ev.auth("admin"), json=body)


async def assess(ev: Evaluation, token: str, assignment: str, value: int) -> httpx.Response:
    """Score an assignment ``value`` on every criterion."""
    body = {"assignment_id": assignment, **scores(value)}
    return await ev.client.post("/v1/assessments", headers=ev.auth(token), json=body)
