"""Permit indicators: permits granted to people in vulnerable groups, family members covered.

Learned from the registry's permit events through the inbox (one bit of the holder, no person),
shown in ``/v1/indicators`` against values counted by hand, and shared as protected tables.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

import nats
import polling
from evaluation_support import Evaluation
from sqlalchemy import func, select

from concordia.evaluation import aggregates
from concordia.evaluation.models import KnownPermit
from concordia.events import PermitRecorded, PermitUpdated

Q4 = "2026-Q4"
NOVEMBER = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _permit(
    pid: uuid.UUID, status: str, version: int, *, vulnerable: bool, family: int,
    valid_from: date | None = None, updated: bool = False,
) -> PermitRecorded:  # fmt: skip
    cls = PermitUpdated if updated else PermitRecorded
    return cls(
        permit_id=pid, person_id=uuid.uuid4(), host_country="SE", track="residence",
        status=status, valid_from=valid_from, family_members_covered=family, version=version,
        holder_vulnerable=vulnerable,
    )  # fmt: skip


async def _known(ev: Evaluation, count: int) -> None:
    async def applied() -> bool:
        async with ev.app.state.concordia.db.unit_of_work(write=False) as session:
            return (await session.scalar(select(func.count()).select_from(KnownPermit))) == count

    await polling.eventually(applied, within=15)


async def _seed(ev: Evaluation) -> dict[str, uuid.UUID]:
    """Five permits; by hand, in 2026-Q4: granted a, b, e (3); to vulnerable holders a (1);
    family members covered 2 + 0 + 4 = 6. c was granted in Q3, d refused."""
    ids = {name: uuid.uuid4() for name in "abcde"}
    # a: applied, then granted from 15 October; the update arrives first, then the older event,
    # then the update again: the newest state, applied once.
    granted_a = _permit(ids["a"], "granted", 2, vulnerable=True, family=2,
                        valid_from=date(2026, 10, 15), updated=True)  # fmt: skip
    await ev.publish(granted_a, time=NOVEMBER)
    await ev.publish(_permit(ids["a"], "applied", 1, vulnerable=True, family=2), time=NOVEMBER)
    await ev.publish(granted_a, time=NOVEMBER)
    await ev.publish(
        _permit(ids["b"], "granted", 1, vulnerable=False, family=0, valid_from=date(2026, 11, 1)),
        _permit(ids["c"], "granted", 1, vulnerable=True, family=3, valid_from=date(2026, 7, 1)),
        _permit(ids["d"], "refused", 1, vulnerable=True, family=1),
        # No first valid day: it counts from the day the registry said "granted".
        _permit(ids["e"], "granted", 1, vulnerable=False, family=4),
        time=NOVEMBER,
    )
    await _known(ev, 5)
    return ids


async def test_permit_indicators_count_what_was_granted_by_hand(evaluation: Evaluation) -> None:
    ev = evaluation
    ids = await _seed(ev)
    async with ev.app.state.concordia.db.unit_of_work(write=False) as session:
        a = await session.get(KnownPermit, ids["a"])
        assert a is not None
        assert (a.status, a.version, a.granted_on) == ("granted", 2, date(2026, 10, 15))
        # Nothing of the person is kept: no column names one.
        assert not {c.name for c in KnownPermit.__table__.columns} & {"person_id", "track"}

    async def indicators(period: str) -> dict[str, Any]:
        got = await ev.client.get(
            "/v1/indicators", params={"period": period}, headers=ev.auth("reader")
        )
        assert got.status_code == 200, got.text
        return {i["code"]: i for i in got.json()["indicators"]}

    q4 = await indicators(Q4)
    assert q4["permits_granted"]["value"] == 3
    assert q4["permits_granted_vulnerable"]["value"] == 1
    assert q4["family_members_covered"]["value"] == 6
    for code in ("permits_granted", "permits_granted_vulnerable", "family_members_covered"):
        assert q4[code]["level"] == "combinable"
        assert q4[code]["definition"]
    q3 = await indicators("2026-Q3")
    assert (q3["permits_granted"]["value"], q3["permits_granted_vulnerable"]["value"],
            q3["family_members_covered"]["value"]) == (1, 1, 3)  # fmt: skip

    # It expires: still granted in its quarter. It is refused after all: no longer counted.
    await ev.publish(
        _permit(ids["b"], "expired", 2, vulnerable=False, family=0, updated=True),
        _permit(ids["e"], "refused", 2, vulnerable=False, family=4, updated=True),
        time=NOVEMBER,
    )

    async def settled() -> bool:
        q4 = await indicators(Q4)
        return (q4["permits_granted"]["value"], q4["family_members_covered"]["value"]) == (2, 2)

    await polling.eventually(settled, within=15)


def _cells(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"][0]: c for c in (*snapshot["cells"], *snapshot["margins"])}


async def test_permit_tables_leave_protected(evaluation: Evaluation) -> None:
    ev, k = evaluation, 3
    # In 2026-Q4: four permits to vulnerable holders (family 1 each), and one other (family 9).
    vulnerable = [uuid.uuid4() for _ in range(4)]
    lone = uuid.uuid4()
    on = date(2026, 12, 1)
    await ev.publish(
        *(_permit(p, "granted", 1, vulnerable=True, family=1, valid_from=on) for p in vulnerable),
        _permit(lone, "granted", 1, vulnerable=False, family=9, valid_from=on),
    )
    await _known(ev, 5)

    published = await aggregates.publish(
        db=ev.app.state.concordia.db, ctx=ev.app.state.concordia.extra.ctx, k=k, rounding_base=None
    )
    shown = {e.aggregate: e for e in published if e.period == Q4}
    permits = _cells(shown[aggregates.PERMIT_TABLE].model_dump(mode="json"))
    family = _cells(shown[aggregates.FAMILY_TABLE].model_dump(mode="json"))
    # One permit to someone outside the vulnerable groups: below k, hidden, and the total with
    # it (else the total minus the published cell would give it away).
    assert permits["vulnerable_group"]["value"] is None or permits["_all"]["value"] is None
    assert permits["other"]["suppressed"]
    assert family["other"]["suppressed"]
    assert family["vulnerable_group"]["suppressed"] or family["_all"]["suppressed"]
    # Family members leave as counts of people, never as money.
    for cell in (*permits.values(), *family.values()):
        assert cell["amount"] is None

    async with asyncio.timeout(20):
        await ev.app.state.concordia.relay.wait_until_idle()
    nc = await nats.connect(ev.nats_url)
    try:
        sub = await nc.jetstream().subscribe(
            f"shared.{ev.node}.evaluation.aggregate.>", ordered_consumer=True
        )
        sent = []
        async with asyncio.timeout(15):
            while len(sent) < len(published):
                sent.append(await sub.next_msg(timeout=5))
    finally:
        await nc.close()
    for message in sent:
        for permit in (*vulnerable, lone):
            assert str(permit).encode() not in message.data
