"""A synthetic coalition for the dashboard's tests: what `se` and `pl` publish to a hub.

Two quarters of ledger funding (one cell of `pl` suppressed), gender, ethnic origin and federal
districts from the registry, published over the nodes' real NATS accounts, and one overlap
outcome. The numbers are small and synthetic; tests assert them on the pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hub_support import Hub, node_client, publish, wait_for

from concordia.core.auth import TokenStore
from concordia.events import AggregateSnapshotPublished, Cell, Envelope, NatsServer
from concordia.hub.models import OverlapOutcome

PERIODS = ("2026-Q3", "2026-Q4")
#: committed EUR by purpose per node and period; None: suppressed.
COMMITTED: dict[tuple[str, str], dict[str, str | None]] = {
    ("se", "2026-Q3"): {"independent_media": "100000.00", "legal_aid": "20000.00"},
    ("pl", "2026-Q3"): {"independent_media": "50000.00", "legal_aid": "30000.00"},
    ("se", "2026-Q4"): {"independent_media": "120000.00", "legal_aid": "25000.00"},
    ("pl", "2026-Q4"): {"independent_media": "70000.00", "legal_aid": None},
}
GENDER = {"se": {"female": 40, "male": 35}, "pl": {"female": 30, "male": 25}}
ORIGIN = {"se": {"russian": 60, "non_russian": 15}, "pl": {"russian": 45, "non_russian": 10}}
DISTRICTS = {"se": {"central": 50, "volga": 25}, "pl": {"central": 30, "siberian": 25}}


def _meta(node: str, service: str, name: str, period: str) -> dict[str, object]:
    start = date(2026, 7, 1) if period.endswith("Q3") else date(2026, 10, 1)
    return {
        "node": node, "service": service, "aggregate": name, "period": period, "version": 1,
        "period_start": start, "charter_version": "default",
    }  # fmt: skip


def funding(node: str, period: str) -> AggregateSnapshotPublished:
    """committed_eur_by_purpose of one node and period."""
    amounts = COMMITTED[(node, period)]
    cells = tuple(
        Cell(key=(k,), suppressed=True) if v is None else Cell(key=(k,), amount=Decimal(v))
        for k, v in amounts.items()
    )
    known = [Decimal(v) for v in amounts.values() if v is not None]
    total = (
        Cell(key=("_all",), amount=sum(known, Decimal(0)))
        if len(known) == len(amounts)
        else Cell(key=("_all",), suppressed=True)
    )
    return AggregateSnapshotPublished(
        **_meta(node, "ledger", "committed_eur_by_purpose", period),
        measure="eur_committed", dimensions=("purpose",), cells=cells, margins=(total,),
    )  # fmt: skip


def one_way(node: str, name: str, dimension: str, counts: dict[str, int], period: str) -> Any:
    """A one-way count table with its grand total."""
    return AggregateSnapshotPublished(
        **_meta(node, "registry", name, period),
        dimensions=(dimension,),
        cells=tuple(Cell(key=(k,), value=v) for k, v in counts.items()),
        margins=(Cell(key=("_all",), value=sum(counts.values())),),
    )  # fmt: skip


def districts(node: str, period: str) -> AggregateSnapshotPublished:
    """persons_by_gender_and_district with its district margins."""
    by = DISTRICTS[node]
    return AggregateSnapshotPublished(
        **_meta(node, "registry", "persons_by_gender_and_district", period),
        dimensions=("gender", "federal_district"),
        cells=tuple(Cell(key=("undisclosed", d), value=v) for d, v in by.items()),
        margins=(
            *(Cell(key=("_all", d), value=v) for d, v in by.items()),
            Cell(key=("undisclosed", "_all"), value=sum(by.values())),
            Cell(key=("_all", "_all"), value=sum(by.values())),
        ),
    )  # fmt: skip


def everything() -> list[AggregateSnapshotPublished]:
    """Every snapshot of the synthetic coalition."""
    out: list[AggregateSnapshotPublished] = []
    for period in PERIODS:
        for node in ("se", "pl"):
            out.append(funding(node, period))
            out.append(one_way(node, "persons_by_gender", "gender", GENDER[node], period))
            out.append(
                one_way(node, "persons_by_ethnic_origin", "ethnic_origin", ORIGIN[node], period)
            )
            out.append(districts(node, period))
    return out


async def seed(hub: Hub, server: NatsServer) -> None:
    """Publish the coalition from the nodes' accounts, record one overlap; wait for the hub."""
    snapshots = everything()
    for code in ("se", "pl"):
        nc = await node_client(server, code)
        try:
            for snap in snapshots:
                if snap.node == code:
                    await publish(nc, Envelope.wrap(snap, node=code))
        finally:
            await nc.close()

    async def stored() -> bool:
        return len(await hub.get("/v1/aggregates", limit=1000)) == len(snapshots)

    await wait_for(stored, 30)
    db = hub.app.state.concordia.db
    async with db.unit_of_work(write=True) as session:
        session.add(OverlapOutcome(
            run_id="synthetic-run-1", period="2026-Q4", purpose="independent_media",
            client="se", server="pl", status="counted", count=3, declined_by=None, reason=None,
            at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        ))  # fmt: skip


def practice_revision(n: int, revision: int = 1, **overrides: Any) -> Any:
    """A synthetic practice revision as se's exchange broadcasts it."""
    from concordia.events.exchange import PracticeRevisionPublished

    values: dict[str, Any] = {
        "node": "se", "practice": f"{n:032x}", "revision": revision, "topic": "work_permits",
        "standing": "pilot", "country": "SE", "language": "en", "tags": ["permits"],
        "author_role": "migration_ministry",
        "title": f"Test practice {n}: a fast track for work permits (r{revision})",
        "summary": "Synthetic summary: permits for threatened journalists within ten days.",
        "body": "A synthetic pilot issued permits <quickly> & safely.", "translations": [],
        "attachments": [], "created_at": datetime(2026, 10, 1, tzinfo=UTC),
        "published_at": datetime(2026, 11, 1, tzinfo=UTC),
    }  # fmt: skip
    return PracticeRevisionPublished(**(values | overrides))


async def broadcast_practices(hub: Hub, server: NatsServer) -> None:
    """se broadcasts two practices (the first in two revisions, the second arriving late)."""
    nc = await node_client(server, "se")
    try:
        for event in (practice_revision(1, 2), practice_revision(1, 1),
                      practice_revision(2, 1, topic="legal_aid", title="Test practice 2: legal "
                                        "aid clinics")):  # fmt: skip
            await publish(nc, Envelope.wrap(event, node="se"))
    finally:
        await nc.close()

    async def kept() -> bool:
        async with hub.app.state.concordia.db.unit_of_work() as session:
            from sqlalchemy import func, select

            from concordia.hub.models import LibraryPractice

            return (await session.scalar(select(func.count()).select_from(LibraryPractice))) == 2

    await wait_for(kept, 30)


#: The coordination group's workspace tokens (synthetic roles, never persons), by name.
WORKSPACE_ROLES = {
    "se": ({"hub:member"}, "state:se"),
    "pl": ({"hub:member"}, "state:pl"),
    "donor": ({"hub:member"}, "donor:fund-x"),
    "expert": ({"hub:advise"}, "expert:panel-1"),
}


async def seed_workspace(hub: Hub) -> dict[str, Any]:
    """The coordination group at work over the seeded coalition (``seed`` first), through the
    workspace API: three commitments (se's of 2026-Q4 met; pl's of 2026-Q4 unknown, its legal
    aid is suppressed; a donor's of 2026-Q3 on the coalition's totals, behind), the hub's scan
    of 2026-Q3 (which raises the donor's commitment), a member's item with an expert's
    objective, and its decision signed into force with one of its two follow-ups done.
    Returns the tokens (by role) and what was made."""
    store = TokenStore(hub.settings.tokens_file)
    tokens = {
        name: store.create(f"test-{name}", scopes, owner=owner)
        for name, (scopes, owner) in WORKSPACE_ROLES.items()
    }

    async def post(who: str, path: str, body: Any = None, status: int = 201) -> Any:
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        response = await hub.client.post(path, json=body, headers=headers)
        assert response.status_code == status, response.text
        return response.json()

    media = {"dimension": "purpose", "level": "independent_media"}
    made: dict[str, Any] = {"tokens": tokens}
    made["met"] = await post("se", "/v1/commitments", {
        "kind": "funding", "period": "2026-Q4", "pledge": media, "target": "100000",
        "note": "Synthetic pledge of the Swedish ministry",
    })  # fmt: skip
    made["unknown"] = await post("pl", "/v1/commitments", {
        "kind": "funding", "period": "2026-Q4", "target": "40000",
        "pledge": {"dimension": "purpose", "level": "legal_aid"},
    })  # fmt: skip
    made["donor"] = await post("donor", "/v1/commitments", {
        "kind": "funding", "period": "2026-Q3", "pledge": media, "target": "160000",
    })  # fmt: skip
    admin = {"Authorization": f"Bearer {hub.tokens['hub:admin']}"}
    scan = await hub.client.post("/v1/agenda/scan?period=2026-Q3", headers=admin)
    assert scan.status_code == 200, scan.text
    made["scan"] = scan.json()
    item = await post("se", "/v1/agenda", {
        "title": "Synthetic item: pool legal aid across nodes", "period": "2026-Q4",
        "description": "Legal aid is suppressed at pl for 2026-Q4",
    })  # fmt: skip
    made["item"] = item
    made["comment"] = await post("expert", f"/v1/agenda/{item['id']}/comments", {
        "body": "Synthetic objective: one legal aid desk per node", "kind": "objective",
    })  # fmt: skip
    decision = await post("pl", f"/v1/agenda/{item['id']}/decision", {
        "decided": "Synthetic decision: pool legal aid in 2027",
        "rationale": "Synthetic rationale: two members asked for it",
        "concerns": ["pl", "se"], "due": "2027-03-31",
        "follow_ups": [
            {"action": "Synthetic follow-up: draft the desk's terms", "actor": "state:se"},
            {"action": "Synthetic follow-up: report the first quarter", "actor": "state:pl",
             "due": "2027-06-30"},
        ],
    })  # fmt: skip
    signed = await hub.sign(f"decisions/{decision['id']}", ("se", "pl", "de"))
    assert signed["signed"], signed
    done = f"/v1/decisions/{decision['id']}/follow-ups/1/done"
    made["decision"] = await post("se", done, status=200)
    assert made["decision"]["status"] == "in_force"
    return made
