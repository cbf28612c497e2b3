"""Moving grants to new feed positions when something they show changed elsewhere.

A portal pulls the feed with a cursor and only sees grants whose ``feed_seq`` is past it. A
grant's feed item shows its donor, its recipient organisation (name and identifier) and the EUR
value of its transactions, so a donor's edit, a registry rename or a (re)loaded rate changes
items without touching the grants: those grants move to new positions here, in the same unit
of work as the change. Tombstones (withdrawn or restricted grants) show none of it and stay.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.ledger.feed.service import VISIBLE
from concordia.ledger.models import Grant, Rate, Transaction
from concordia.ledger.service._common import feed_positions


async def move(session: AsyncSession, where: ColumnElement[bool]) -> int:
    """Give every live, visible grant matching ``where`` a new feed position; returns how many."""
    live = VISIBLE & Grant.withdrawn_at.is_(None)
    ids = list(
        (await session.scalars(select(Grant.id).where(where, live).order_by(Grant.feed_seq))).all()
    )
    if not ids:
        return 0
    positions = await feed_positions(session, len(ids))
    await session.execute(
        update(Grant), [{"id": i, "feed_seq": seq} for i, seq in zip(ids, positions, strict=True)]
    )
    return len(ids)


async def for_donor(session: AsyncSession, donor_id: uuid.UUID) -> int:
    """A donor's name, identifier, type or country changed: move its grants."""
    return await move(session, Grant.donor_id == donor_id)


async def for_organisation(session: AsyncSession, organisation_id: uuid.UUID) -> int:
    """A recipient organisation's name or identifier changed: move the grants to it."""
    return await move(
        session,
        (Grant.recipient_type == "organisation")
        & (Grant.recipient_organisation_id == organisation_id),
    )


async def changed_rates(session: AsyncSession, rates: Iterable[Any]) -> dict[str, date]:
    """Of ``rates`` about to be stored (``currency``, ``date``, ``rate``), the earliest date per
    currency whose rate is new or different; unchanged rates move nothing."""
    wanted = {(r.currency, r.date): Decimal(r.rate) for r in rates}
    if not wanted:
        return {}
    stored: dict[tuple[str, date], Decimal] = {}
    for currency in {c for c, _ in wanted}:
        days = [d for c, d in wanted if c == currency]
        query = select(Rate.date, Rate.rate).where(
            Rate.currency == currency, Rate.date >= min(days), Rate.date <= max(days)
        )
        stored |= {(currency, d): r for d, r in await session.execute(query)}
    earliest: dict[str, date] = {}
    for (currency, day), rate in wanted.items():
        if stored.get((currency, day)) != rate and day < earliest.get(currency, date.max):
            earliest[currency] = day
    return earliest


async def for_rates(session: AsyncSession, earliest: dict[str, date]) -> int:
    """Rates changed from ``earliest[currency]`` on: move grants with a transaction they
    convert (a value date on or after it, in that currency)."""
    if not earliest:
        return 0
    hits: Sequence[ColumnElement[bool]] = [
        (Transaction.currency == currency) & (Transaction.value_date >= day)
        for currency, day in earliest.items()
    ]
    condition = hits[0]
    for hit in hits[1:]:
        condition = condition | hit
    return await move(session, exists().where(Transaction.grant_id == Grant.id, condition))
