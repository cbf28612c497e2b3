"""The decision log, sent to every node it concerns until the node holds it.

Each entry is published on ``hub.decision`` into the account of each node it concerns, with
``previous``: the entry before it that concerns that node. Nodes report the newest entry they
hold (``decisions_held`` in their status, the lowest over their services); the hub sends again
whatever follows it. A node that was offline when a decision was taken gets it when it returns.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.events import CoalitionDecisionPublished, Envelope
from concordia.hub.models import DecisionLogEntry, ServiceStatus
from concordia.hub.nodes import Federation

log = logging.getLogger(__name__)
BATCH = 200


def _concerns(entry: DecisionLogEntry, node: str) -> bool:
    return not entry.concerns or node in entry.concerns


async def pending_for(
    session: AsyncSession, node: str, held: int, *, limit: int = BATCH
) -> list[CoalitionDecisionPublished]:
    """The entries after ``held`` concerning ``node``, each chained to the one before."""
    rows = await session.scalars(
        select(DecisionLogEntry).where(DecisionLogEntry.seq > held).order_by(DecisionLogEntry.seq)
    )
    out, previous = [], held
    for entry in rows:
        if not _concerns(entry, node):
            continue
        out.append(CoalitionDecisionPublished.model_validate(
            entry.payload | {"seq": entry.seq, "previous": previous}
        ))  # fmt: skip
        previous = entry.seq
        if len(out) >= limit:
            break
    return out


async def held_by_node(session: AsyncSession) -> dict[str, int]:
    """What each node holds of the log: the lowest over its services that follow decisions."""
    rows = await session.execute(
        select(ServiceStatus.node, ServiceStatus.decisions_held).where(
            ServiceStatus.decisions_held.is_not(None)
        )
    )
    held: dict[str, int] = {}
    for node, seq in rows:
        if seq is not None:
            held[node] = min(seq, held.get(node, seq))
    return held


async def send(federation: Federation, node: str, entries: list[CoalitionDecisionPublished]) -> int:
    """Publish ``entries`` into ``node``'s account, in order; how many went."""
    link = federation.links.get(node)
    if link is None:
        return 0
    sent = 0
    for entry in entries:
        raw = Envelope.wrap(entry, node="hub").to_bytes()
        try:
            if not await link.publish(entry.subject_template(), raw):
                break
        except Exception as exc:  # the node's link is down: the next round sends again
            log.warning("decision not sent", extra={"node": node, "error": type(exc).__name__})
            break
        sent += 1
    return sent


async def push(db: Database, federation: Federation) -> dict[str, int]:
    """Send every node what follows what it holds (from the start when it reported none yet)."""
    async with db.unit_of_work(write=False) as session:
        held = await held_by_node(session)
        plan = {
            code: await pending_for(session, code, held.get(code, 0)) for code in federation.links
        }
    return {
        code: await send(federation, code, entries) for code, entries in plan.items() if entries
    }


async def push_forever(db: Database, federation: Federation, interval: float) -> None:
    """Every ``interval`` s, send the nodes what they do not hold yet."""
    while True:
        try:
            await push(db, federation)
        except Exception:  # the next round tries again
            log.exception("decision delivery failed")
        await asyncio.sleep(interval)
