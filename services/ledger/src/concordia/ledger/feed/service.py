"""The funding feed's reads: keyset pages of grants with their transactions.

A page is a few statements whatever its depth: the grants after the cursor (an index range
scan on ``feed_seq``), the transactions of exactly those grants (the same ``feed_seq`` range
joined to transactions), and their donors and organisations. ``page`` gives rows and dicts of
Python values (the IATI export and the stream use it); ``feed_body.page_body`` gives the HTTP
feed's JSON bytes straight from the driver's values, which a million-grant pull needs. Pydantic
stays off both. Feed readers never see restricted grants, and see a person only as
``{"type": "individual"}``, with no free text: a grant's title and description and its
transactions' descriptions can name or describe the person, so an individual's grant shows a
fixed title instead. Coalition grants are for portals holding ``feed:coalition``; the IATI file
(a publication) and other portals get public grants only.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import Row, Select, String, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.ledger.models import (
    HIDDEN_BASE,
    Donor,
    Grant,
    KnownOrganisation,
    Rate,
    Transaction,
)

MAX_LIMIT = 10_000
DEFAULT_LIMIT = 1000
_CENT = Decimal("0.01")
VISIBLE = Grant.visibility != "restricted"
#: Who sees what: every portal sees public grants; ``feed:coalition`` adds coalition ones.
PUBLIC: frozenset[str] = frozenset({"public"})
COALITION: frozenset[str] = frozenset({"public", "coalition"})
#: The fixed title of a grant to a person, in the feed and the IATI file.
INDIVIDUAL_TITLE = "Grant to an individual recipient (not disclosed)"


def audience_shown(audience: frozenset[str]) -> Any:
    """The grants ``audience`` sees in full (if live)."""
    return Grant.visibility.in_(sorted(audience))


def page_transactions(
    columns: Sequence[Any], after: Any, last: Any, audience: frozenset[str]
) -> Select[Any]:
    """``columns`` of the transactions of a page's shown, live grants (positions after..last)."""
    return (
        select(*columns)
        .join(Grant, Grant.id == Transaction.grant_id)
        .where(
            Grant.feed_seq > after,
            Grant.feed_seq <= last,
            audience_shown(audience),
            Grant.withdrawn_at.is_(None),
        )
    )


def grants_after(
    columns: Sequence[Any], after: Any, limit: Any, audience: frozenset[str]
) -> Select[Any]:
    """``columns`` of the grants in ``audience``'s feed after position ``after`` (at most
    ``limit``, in feed order)."""
    return (
        select(*columns)
        .where(Grant.feed_seq > after, Grant.feed_seq < HIDDEN_BASE, in_feed(audience))
        .order_by(Grant.feed_seq)
        .limit(limit)
    )


def page_grants(
    columns: Sequence[Any], after: int, limit: int, audience: frozenset[str]
) -> Select[Any]:
    """``columns`` of the grants in ``audience``'s feed after position ``after`` (at most
    ``limit``, in feed order), their donor and recipient organisation joined."""
    return (
        grants_after(columns, after, limit, audience)
        .join(Donor, Donor.id == Grant.donor_id)
        .outerjoin(KnownOrganisation, KnownOrganisation.id == Grant.recipient_organisation_id)
    )


def in_feed(audience: frozenset[str]) -> Any:
    """In ``audience``'s feed: the grants it sees, and those it saw once (restricted or withdrawn
    since), which appear as tombstones so that portals drop the copy they hold."""
    ever = Grant.ever_visible if "coalition" in audience else Grant.ever_public
    return or_(audience_shown(audience), ever)


def is_individual(recipient_type: str) -> bool:
    """Whether a grant goes to a person (or an erased one): its free text never leaves."""
    return recipient_type != "organisation"


def raw_id(column: Any, label: str) -> Any:
    # UUIDs as the driver gives them (hex text on SQLite): parsing 70,000 UUIDs per 10k page
    # only to print them again was a fifth of the page's time.
    return type_coerce(column, String).label(label)


def feed_id(value: Any) -> str:
    text = str(value)
    if len(text) == 32:  # SQLite's hex form
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


#: The grant's own columns a feed item shows (both page builders read these).
GRANT_FIELDS = (
    Grant.feed_seq,
    Grant.version,
    Grant.external_id,
    Grant.recipient_type,
    Grant.title,
    Grant.description,
    Grant.purpose,
    Grant.horizon,
    Grant.goals,
    Grant.gender_marker,
    Grant.start_date,
    Grant.end_date,
    Grant.visibility,
    Grant.withdrawn_at,
    Grant.updated_at,
)
#: What a grant's row carries of its donor and of its recipient organisation (joined to it).
DONOR_COLUMNS = (
    Donor.identifier.label("donor_identifier"),
    Donor.name.label("donor_name"),
    Donor.type.label("donor_type"),
    Donor.country.label("donor_country"),
)
ORG_COLUMNS = (
    KnownOrganisation.identifier.label("org_identifier"),
    KnownOrganisation.name.label("org_name"),
)
_GRANT_COLUMNS = (
    raw_id(Grant.id, "id"),
    *GRANT_FIELDS,
    raw_id(Donor.id, "donor_id"),
    *DONOR_COLUMNS,
    raw_id(KnownOrganisation.id, "org_id"),
    *ORG_COLUMNS,
)
TX_COLUMNS = (
    raw_id(Transaction.grant_id, "grant_id"),
    raw_id(Transaction.id, "id"),
    Transaction.external_id,
    Transaction.type,
    Transaction.amount,
    Transaction.currency,
    Transaction.value_date,
    Transaction.description,
)


@dataclass
class RateBook:
    """EUR rates of some currencies, each as dates and rates sorted by date, for bisecting."""

    dates: dict[str, list[date]] = field(default_factory=dict)
    rates: dict[str, list[Decimal]] = field(default_factory=dict)

    def rate(self, currency: str, day: date) -> Decimal | None:
        """EUR per unit of ``currency`` on ``day`` (the latest rate on or before), or None."""
        if currency == "EUR":
            return Decimal(1)
        dates = self.dates.get(currency)
        if not dates:
            return None
        at = bisect.bisect_right(dates, day) - 1
        return self.rates[currency][at] if at >= 0 else None

    def in_eur(self, amount: Decimal, currency: str, day: date) -> Decimal | None:
        """``amount`` in EUR at the latest rate on or before ``day``, to the cent, or None."""
        if currency == "EUR":
            return amount
        dates = self.dates.get(currency)
        if not dates:
            return None
        at = bisect.bisect_right(dates, day) - 1
        if at < 0:
            return None
        return (amount * self.rates[currency][at]).quantize(_CENT, ROUND_HALF_EVEN)


async def rate_book(session: AsyncSession, currencies: set[str], until: date) -> RateBook:
    """Every stored rate of ``currencies`` up to ``until``, in one query."""
    book = RateBook()
    wanted = sorted(currencies - {"EUR"})
    if not wanted:
        return book
    query = (
        select(Rate.currency, Rate.date, Rate.rate)
        .where(Rate.currency.in_(wanted), Rate.date <= until)
        .order_by(Rate.currency, Rate.date)
    )
    for currency, day, rate in (await (await session.connection()).execute(query)).all():
        book.dates.setdefault(currency, []).append(day)
        book.rates.setdefault(currency, []).append(rate)
    return book


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _recipient(row: Row[Any]) -> dict[str, Any]:
    if row.recipient_type == "organisation" and row.org_id is not None:
        return {
            "type": "organisation",
            "id": feed_id(row.org_id),
            "identifier": row.org_identifier,
            "name": row.org_name,
        }
    return {"type": "individual"}


def grant_item(
    row: Row[Any], txs: Sequence[dict[str, Any]], audience: frozenset[str] = PUBLIC
) -> dict[str, Any]:
    """The feed item of one grant row: a tombstone if withdrawn or not for ``audience``, else
    in full (without free text for a person's grant)."""
    if row.withdrawn_at is not None or row.visibility not in audience:
        return {"id": feed_id(row.id), "feed_seq": row.feed_seq, "withdrawn": True}
    individual = is_individual(row.recipient_type)
    if individual:
        txs = [{**tx, "description": None} for tx in txs]
    return {
        "id": feed_id(row.id),
        "feed_seq": row.feed_seq,
        "withdrawn": False,
        "version": row.version,
        "external_id": row.external_id,
        "donor": {
            "id": feed_id(row.donor_id),
            "identifier": row.donor_identifier,
            "name": row.donor_name,
            "type": row.donor_type,
            "country": row.donor_country,
        },
        "recipient": _recipient(row),
        "title": INDIVIDUAL_TITLE if individual else row.title,
        "description": None if individual else row.description,
        "purpose": row.purpose,
        "horizon": row.horizon,
        "goals": row.goals,
        "gender_marker": row.gender_marker,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "visibility": row.visibility,
        "updated_at": row.updated_at,
        "transactions": txs,
    }


@dataclass
class FeedPage:
    """One keyset page: the grant rows, their transactions by grant id, and the next cursor."""

    rows: list[Row[Any]]
    transactions: dict[Any, list[dict[str, Any]]]
    next: int
    audience: frozenset[str] = PUBLIC

    def items(self) -> list[dict[str, Any]]:
        """The page's feed items, in feed order."""
        return [
            grant_item(row, self.transactions.get(row.id, []), self.audience) for row in self.rows
        ]


async def page(
    *, session: AsyncSession, after: int, limit: int, audience: frozenset[str] = PUBLIC
) -> FeedPage:
    """The grants ``audience`` sees with ``feed_seq`` > ``after``, at most ``limit``, and their
    transactions (with EUR amounts where a rate covers the value date): two queries."""
    query = page_grants(_GRANT_COLUMNS, after, limit, audience)
    # Core execution: the ORM's row loading would cost more than the query on a 10k page.
    conn = await session.connection()
    rows = list((await conn.execute(query)).all())
    if not rows:
        return FeedPage(rows=[], transactions={}, next=after, audience=audience)
    last = rows[-1].feed_seq
    tx_query = page_transactions(TX_COLUMNS, after, last, audience).order_by(
        Transaction.grant_id, Transaction.value_date, Transaction.id
    )
    tx_rows = list((await conn.execute(tx_query)).all())
    by_grant: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    if tx_rows:
        book = await rate_book(
            session, {t.currency for t in tx_rows}, max(t.value_date for t in tx_rows)
        )
        for t in tx_rows:
            by_grant[t.grant_id].append(
                {
                    "id": feed_id(t.id),
                    "external_id": t.external_id,
                    "type": t.type,
                    "amount": _money(t.amount),
                    "currency": t.currency,
                    "value_date": t.value_date,
                    "amount_eur": _money(book.in_eur(t.amount, t.currency, t.value_date)),
                    "description": t.description,
                }
            )
    return FeedPage(rows=rows, transactions=by_grant, next=last, audience=audience)


async def latest_seq(session: AsyncSession) -> int:
    """The highest feed position of a committed grant (0 for an empty ledger)."""
    query = select(func.coalesce(func.max(Grant.feed_seq), 0)).where(Grant.feed_seq < HIDDEN_BASE)
    return int(await session.scalar(query) or 0)


@asynccontextmanager
async def snapshot(db: Database) -> AsyncIterator[AsyncSession]:
    """A read-only session on one consistent snapshot, for exports that take many queries.

    PostgreSQL: a REPEATABLE READ transaction. SQLite: readers run in autocommit, so open a
    deferred transaction by hand; WAL keeps its snapshot from the first read on.
    """
    async with db.sessionmaker() as session:
        try:
            if db.engine.dialect.name == "postgresql":
                await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            else:
                conn = await session.connection()
                await conn.exec_driver_sql("BEGIN")
            yield session
        finally:
            await session.rollback()
