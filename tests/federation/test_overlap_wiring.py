"""Overlap detection through the hub's API between two ledgers of a generated coalition.

SE funds six synthetic organisations, PL six others, three of them the same. A round started at
the hub (``POST /v1/overlaps/runs``) runs PSI in both directions over the leaf connections (the
ledgers' COALITION users, the hub's per-country users); each ledger then shows exactly its own
grantees that the other funds, and the hub keeps only how many. A request the hub forges
(sent with its own per-country user, as a dishonest hub would) gets a declined result only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from federation_support import Coalition
from ledger_support import Ledger, grant, new_donor
from sqlalchemy import select
from wiring_support import Running, apps, start_hub, start_ledger, until

from concordia.events import Envelope, PsiInvitation, PsiResult, quarter_of
from concordia.hub.models import OverlapOutcome
from concordia.ledger.overlap import psi

# Ledgers take part only in the current and previous quarter (grants run 2026-2030).
ROUND = {"period": quarter_of(datetime.now(UTC).date()), "purpose": "independent_media"}
SHARED = [f"XM-SYN-{n:04d}" for n in (1, 2, 3)]
PLANTED = {
    "se": [*SHARED, "SE-SYN-0001", "SE-SYN-0002", "SE-SYN-0003"],
    "pl": [*SHARED, "PL-SYN-0001", "PL-SYN-0002", "PL-SYN-0003"],
}


async def fund(ledger: Ledger, identifiers: list[str]) -> None:
    """One grant (independent media, 2026-2030) to each organisation."""
    donor = await new_donor(ledger)
    for n, identifier in enumerate(identifiers):
        org = await ledger.announce_organisation(identifier, name=f"Testorg {identifier}")
        recipient = {"type": "organisation", "id": str(org)}
        response = await ledger.client.post(
            "/v1/grants", json=grant(donor["id"], recipient, n), headers=ledger.rw
        )
        assert response.status_code == 201, response.text


async def test_a_round_through_the_hub_finds_exactly_the_planted_overlaps(
    coalition: Coalition, database_factories: Callable[[str], Awaitable[str]]
) -> None:
    async with apps() as runner:
        hub = await start_hub(runner, coalition, await database_factories("hub"))
        ledgers: dict[str, Running] = {}
        for code, identifiers in PLANTED.items():
            ledgers[code], harness = await start_ledger(
                runner, coalition, code, await database_factories("ledger")
            )
            await fund(harness, identifiers)
            engine = ledgers[code].app.state.concordia.extra.engine
            await until(lambda e=engine: e._sub is not None)
        await until(
            lambda: set(hub.app.state.concordia.extra.rounds.coordinator.links) == {"se", "pl"}
        )

        response = await hub.client.post("/v1/overlaps/runs", json=ROUND, headers=hub.auth)
        assert response.status_code == 202, response.text
        runs = {(r["client"], r["server"]): r["run_id"] for r in response.json()["runs"]}
        assert set(runs) == {("se", "pl"), ("pl", "se")}

        async def settled() -> list[Any]:
            shown = await hub.get("/v1/overlaps", **ROUND)
            return shown if len(shown) == 2 else []

        shown = await until(settled, 30)
        assert {(p["client"], p["server"]): (p["status"], p["count"]) for p in shown} == {
            ("se", "pl"): ("counted", 3),
            ("pl", "se"): ("counted", 3),
        }
        assert {p["run_id"] for p in shown} == set(runs.values())

        # Each node sees exactly its own grantees that the other funds...
        for code, peer in (("se", "pl"), ("pl", "se")):
            found = await ledgers[code].get("/v1/overlaps", **ROUND)
            assert sorted(i["identifier"] for i in found["items"]) == SHARED
            assert {tuple(i["funded_elsewhere_by"]) for i in found["items"]} == {(peer,)}

        # ...and the hub keeps counts and codes, nothing that names an organisation.
        async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
            rows = (await session.scalars(select(OverlapOutcome))).all()
        kept = repr([{c.name: getattr(r, c.name) for c in OverlapOutcome.__table__.columns}
                     for r in rows])  # fmt: skip
        assert len(rows) == 2
        for identifier in {i for ids in PLANTED.values() for i in ids}:
            assert identifier not in kept

        # The hub forges a request of SE to PL (guessed identifiers, no SE seal): PL refuses.
        hub_pl = await coalition.connect(coalition.hub_url("pl"))
        replies: list[Any] = []

        async def keep(msg: Any) -> None:
            replies.append(Envelope.from_bytes(msg.data).data)

        await hub_pl.subscribe("shared.pl.ledger.psi.forged-run.>", cb=keep)
        _, request = psi.client_request([*SHARED, "XM-SYN-0999"])
        forged = PsiInvitation(node="pl", run_id="forged-run", role="server", peer="se",
                               request=request, **ROUND)  # fmt: skip
        envelope = Envelope.wrap(forged, node="hub")
        await hub_pl.publish(envelope.subject, envelope.to_bytes())
        await until(lambda: replies)
        (reply,) = replies
        assert isinstance(reply, PsiResult)
        assert (reply.outcome, reply.reason, reply.count) == ("declined", "unsigned", None)
        engine = ledgers["pl"].app.state.concordia.extra.engine
        assert engine.metrics.refused == {"unsigned": 1}
