"""Exchange rates to EUR, loaded by ops, and conversion of transactions with them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.bulk import CHUNK
from concordia.core.errors import InconsistentError
from concordia.ledger import codes
from concordia.ledger.feed import moves as feed_moves
from concordia.ledger.models import Rate, Transaction
from concordia.ledger.schemas import RateIn, Totals
from concordia.ledger.service._common import now

_CENT = Decimal("0.01")


async def load(*, session: AsyncSession, rates: Sequence[RateIn]) -> int:
    """Store rates, replacing any for the same currency and date; 409 on a repeated pair."""
    seen: dict[tuple[str, date], int] = {}
    for index, rate in enumerate(rates):
        key = (rate.currency, rate.date)
        if key in seen:
            raise InconsistentError(
                ["body", index, "date"], f"{rate.currency} on {rate.date} repeats item {seen[key]}"
            )
        seen[key] = index
    earliest = await feed_moves.changed_rates(session, rates)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    at = now()
    rows = [
        {"currency": r.currency, "date": r.date, "rate": r.rate, "updated_at": at} for r in rates
    ]
    for start in range(0, len(rows), CHUNK):
        statement = insert(Rate).values(rows[start : start + CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=[Rate.currency, Rate.date],
            set_={"rate": statement.excluded.rate, "updated_at": statement.excluded.updated_at},
        )
        await session.execute(statement)
    # Feed items show EUR amounts: grants whose conversion this changes move in the feed.
    await feed_moves.for_rates(session, earliest)
    return len(rows)


async def list_rates(
    *, session: AsyncSession, currency: str, before: date | None, limit: int
) -> list[Rate]:
    """A currency's rates, newest first; ``before`` pages back in time."""
    query = select(Rate).where(Rate.currency == currency).order_by(Rate.date.desc()).limit(limit)
    if before is not None:
        query = query.where(Rate.date < before)
    return list((await session.scalars(query)).all())


async def rate_on(session: AsyncSession, currency: str, day: date) -> Decimal | None:
    """EUR per unit of ``currency``: the latest rate on or before ``day`` (1 for EUR)."""
    if currency == "EUR":
        return Decimal(1)
    return await session.scalar(
        select(Rate.rate)
        .where(Rate.currency == currency, Rate.date <= day)
        .order_by(Rate.date.desc())
        .limit(1)
    )


async def in_eur(
    session: AsyncSession, transactions: Sequence[Transaction]
) -> list[Decimal | None]:
    """Each transaction's amount in EUR (to the cent), or None where no rate covers it."""
    cache: dict[tuple[str, date], Decimal | None] = {}
    result: list[Decimal | None] = []
    for tx in transactions:
        key = (tx.currency, tx.value_date)
        if key not in cache:
            cache[key] = await rate_on(session, *key)
        rate = cache[key]
        converted = None if rate is None else tx.amount * rate
        result.append(None if converted is None else converted.quantize(_CENT, ROUND_HALF_EVEN))
    return result


def totals(transactions: Sequence[Transaction], eur: Sequence[Decimal | None]) -> Totals:
    """Committed and disbursed EUR of one grant's transactions (pledges never count)."""
    committed, disbursed, missing = Decimal("0.00"), Decimal("0.00"), 0
    for tx, amount in zip(transactions, eur, strict=True):
        counted = tx.type in codes.COMMITTED_TYPES or tx.type in codes.DISBURSED_TYPES
        if amount is None:
            missing += counted
            continue
        if tx.type in codes.COMMITTED_TYPES:
            committed += amount
        elif tx.type in codes.DISBURSED_TYPES:
            disbursed += amount
    return Totals(
        committed_eur=committed, disbursed_eur=disbursed, unconverted_transactions=missing
    )
