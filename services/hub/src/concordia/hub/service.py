"""Reads of the hub: nodes with their status, stored aggregate versions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.hub.charter import service as charters
from concordia.hub.models import Node, Refusal, ServiceStatus, Snapshot
from concordia.hub.nodes import Federation
from concordia.hub.schemas import NodeRead, ServiceRead, SnapshotRead


async def nodes(
    *, session: AsyncSession, federation: Federation, stale_after: float
) -> list[NodeRead]:
    """Every node the hub has linked, with its services' status and its lag."""
    now = datetime.now(UTC)
    current = await charters.current(session=session)
    # Statuses first: a read on SQLite may see a commit between two statements, and a report
    # seen here then has its node's last_report_at (same commit) seen below.
    statuses = list(await session.scalars(select(ServiceStatus).order_by(ServiceStatus.service)))
    rows = list(await session.scalars(select(Node).order_by(Node.code)))
    query = select(Refusal.account, func.count()).group_by(Refusal.account)
    refused: dict[str, int] = {row[0]: row[1] for row in await session.execute(query)}
    links = federation.links
    lags = await asyncio.gather(
        *(links[n.code].source_lag() if n.code in links else _none() for n in rows)
    )
    out = []
    for node, source_lag in zip(rows, lags, strict=True):
        services = [
            ServiceRead(
                service=s.service,
                charter_version=s.charter_version,
                charter_revision=s.charter_revision,
                charter_current=s.charter_revision == current.revision,
                outbox_pending=s.outbox_pending,
                last_report_at=s.sent_at,
                lag_seconds=max(0.0, (now - s.sent_at).total_seconds()),
                stale=(now - s.sent_at).total_seconds() > stale_after,
                charter_refused=s.charter_refused,
                signature=s.signature,
                signature_verified=s.signature_verified,
                charter_pending=s.charter_pending,
            )
            for s in statuses
            if s.node == node.code
        ]
        lag = None if node.last_report_at is None else (now - node.last_report_at).total_seconds()
        out.append(
            NodeRead(
                code=node.code,
                name=node.title,
                linked=node.code in links,
                connected=node.code in links and links[node.code].link.connected,
                last_report_at=node.last_report_at,
                lag_seconds=None if lag is None else max(0.0, lag),
                stale=lag is None or lag > stale_after,
                source_lag=source_lag,
                refused=refused.get(node.code, 0),
                services=services,
            )
        )
    return out


async def _none() -> None:
    return None


S = TypeVar("S", bound=Select)  # type: ignore[type-arg]


def _filtered(query: S, filters: dict[str, str | None]) -> S:
    for column, value in filters.items():
        if value is not None:
            query = query.where(getattr(Snapshot, column) == value)
    return query


async def aggregates(
    *, session: AsyncSession, filters: dict[str, str | None], history: bool, limit: int
) -> list[SnapshotRead]:
    """Stored versions matching ``filters`` (newest only unless ``history``)."""
    query = _filtered(select(Snapshot), filters)
    if not history:
        newest = (
            _filtered(
                select(
                    Snapshot.node, Snapshot.service, Snapshot.aggregate, Snapshot.period,
                    func.max(Snapshot.version).label("version"),
                ),
                filters,
            )
            .group_by(Snapshot.node, Snapshot.service, Snapshot.aggregate, Snapshot.period)
            .subquery()
        )  # fmt: skip
        query = query.join(
            newest,
            (Snapshot.node == newest.c.node)
            & (Snapshot.service == newest.c.service)
            & (Snapshot.aggregate == newest.c.aggregate)
            & (Snapshot.period == newest.c.period)
            & (Snapshot.version == newest.c.version),
        )
    query = query.order_by(
        Snapshot.period, Snapshot.aggregate, Snapshot.node, Snapshot.service, Snapshot.version
    ).limit(limit)
    return [
        SnapshotRead.model_validate(
            {
                **row.payload,
                "received_at": row.received_at,
                "signature_verified": row.signature_verified,
            }
        )
        for row in await session.scalars(query)
    ]
