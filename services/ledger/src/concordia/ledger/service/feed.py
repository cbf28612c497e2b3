"""The funding feed's reads: keyset pages of grants with their transactions.

A page is a few statements whatever its depth: the grants after the cursor (an index range
scan on ``feed_seq``), the transactions of exactly those grants (the same ``feed_seq`` range
joined to transactions), and their donors and organisations. ``page`` gives rows and dicts of
Python values (the IATI export and the stream use it); ``page_body`` gives the HTTP feed's JSON
bytes straight from the driver's values, which a million-grant pull needs. Pydantic stays off
both. Feed readers never see restricted grants, and see a person only as
``{"type": "individual"}``.
"""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import orjson
from sqlalchemy import Row, String, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.ledger.models import Donor, Grant, KnownOrganisation, Money, Rate, Transaction

MAX_LIMIT = 10_000
DEFAULT_LIMIT = 1000
_CENT = Decimal("0.01")
_VISIBLE = Grant.visibility != "restricted"
#: In the feed: visible grants, and grants that were visible once (restricted or withdrawn since),
#: which appear as tombstones so that portals drop the copy they hold.
_IN_FEED = or_(_VISIBLE, Grant.ever_visible)


def _raw(column: Any, label: str) -> Any:
    # UUIDs as the driver gives them (hex text on SQLite): parsing 70,000 UUIDs per 10k page
    # only to print them again was a fifth of the page's time.
    return type_coerce(column, String).label(label)


def _id(value: Any) -> str:
    text = str(value)
    if len(text) == 32:  # SQLite's hex form
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


_GRANT_COLUMNS = (
    _raw(Grant.id, "id"),
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
    _raw(Donor.id, "donor_id"),
    Donor.identifier.label("donor_identifier"),
    Donor.name.label("donor_name"),
    Donor.type.label("donor_type"),
    Donor.country.label("donor_country"),
    _raw(KnownOrganisation.id, "org_id"),
    KnownOrganisation.identifier.label("org_identifier"),
    KnownOrganisation.name.label("org_name"),
)
_TX_COLUMNS = (
    _raw(Transaction.grant_id, "grant_id"),
    _raw(Transaction.id, "id"),
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
            "id": _id(row.org_id),
            "identifier": row.org_identifier,
            "name": row.org_name,
        }
    return {"type": "individual"}


def grant_item(row: Row[Any], txs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The feed item of one grant row: a tombstone if withdrawn or restricted, else in full."""
    if row.withdrawn_at is not None or row.visibility == "restricted":
        return {"id": _id(row.id), "feed_seq": row.feed_seq, "withdrawn": True}
    return {
        "id": _id(row.id),
        "feed_seq": row.feed_seq,
        "withdrawn": False,
        "version": row.version,
        "external_id": row.external_id,
        "donor": {
            "id": _id(row.donor_id),
            "identifier": row.donor_identifier,
            "name": row.donor_name,
            "type": row.donor_type,
            "country": row.donor_country,
        },
        "recipient": _recipient(row),
        "title": row.title,
        "description": row.description,
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

    def items(self) -> list[dict[str, Any]]:
        """The page's feed items, in feed order."""
        return [grant_item(row, self.transactions.get(row.id, [])) for row in self.rows]


async def page(*, session: AsyncSession, after: int, limit: int) -> FeedPage:
    """The visible grants with ``feed_seq`` > ``after``, at most ``limit``, and their
    transactions (with EUR amounts where a rate covers the value date): two queries."""
    query = (
        select(*_GRANT_COLUMNS)
        .join(Donor, Donor.id == Grant.donor_id)
        .outerjoin(KnownOrganisation, KnownOrganisation.id == Grant.recipient_organisation_id)
        .where(Grant.feed_seq > after, _IN_FEED)
        .order_by(Grant.feed_seq)
        .limit(limit)
    )
    # Core execution: the ORM's row loading would cost more than the query on a 10k page.
    conn = await session.connection()
    rows = list((await conn.execute(query)).all())
    if not rows:
        return FeedPage(rows=[], transactions={}, next=after)
    last = rows[-1].feed_seq
    tx_query = (
        select(*_TX_COLUMNS)
        .join(Grant, Grant.id == Transaction.grant_id)
        .where(
            Grant.feed_seq > after,
            Grant.feed_seq <= last,
            _VISIBLE,
            Grant.withdrawn_at.is_(None),
        )
        .order_by(Transaction.grant_id, Transaction.value_date, Transaction.id)
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
                    "id": _id(t.id),
                    "external_id": t.external_id,
                    "type": t.type,
                    "amount": _money(t.amount),
                    "currency": t.currency,
                    "value_date": t.value_date,
                    "amount_eur": _money(book.in_eur(t.amount, t.currency, t.value_date)),
                    "description": t.description,
                }
            )
    return FeedPage(rows=rows, transactions=by_grant, next=last)


# -- the HTTP feed's fast path ----------------------------------------------------------------
#
# A portal's full pull is a million grants; every per-row step counts. The body is built from
# columns as the driver returns them: SQLite's dates are already ISO text, its money an integer
# of hundredths, JSON columns their text (embedded as an orjson Fragment, not parsed);
# PostgreSQL hands over dates and Decimals, which come out the same. Donors and recipient
# organisations repeat across a page, so each is built once per page. The JSON is the same as
# ``orjson.dumps`` of ``FeedPage.items()`` (which the IATI export and the stream still use).

_CENTS = Money.scale
assert _CENTS == 2, "the fast path formats SQLite's scaled integers as hundredths"

_BODY_GRANT_COLUMNS = (
    _raw(Grant.id, "id"),
    Grant.feed_seq,
    Grant.version,
    Grant.external_id,
    Grant.recipient_type,
    Grant.title,
    Grant.description,
    Grant.purpose,
    Grant.horizon,
    type_coerce(Grant.goals, String).label("goals"),
    Grant.gender_marker,
    type_coerce(Grant.start_date, String).label("start_date"),
    type_coerce(Grant.end_date, String).label("end_date"),
    Grant.visibility,
    type_coerce(Grant.withdrawn_at, String).label("withdrawn_at"),
    type_coerce(Grant.updated_at, String).label("updated_at"),
    _raw(Grant.donor_id, "donor_id"),
    _raw(Grant.recipient_organisation_id, "org_id"),
)
_BODY_TX_COLUMNS = (
    _raw(Transaction.grant_id, "grant_id"),
    _raw(Transaction.id, "id"),
    Transaction.external_id,
    Transaction.type,
    type_coerce(Transaction.amount, String).label("amount"),
    Transaction.currency,
    type_coerce(Transaction.value_date, String).label("value_date"),
    Transaction.description,
)


_MISSING = Decimal("NaN")


def _amount_text(value: Any) -> str:
    """Money as the driver gives it (SQLite: an int of hundredths; else a Decimal), as text."""
    if isinstance(value, int):
        units, cents = divmod(abs(value), 100)
        return f"-{units}.{cents:02d}" if value < 0 else f"{units}.{cents:02d}"
    return f"{value:f}"


def _in_eur(value: Any, rate: Decimal) -> str:
    """``value`` (as the driver gives it) at ``rate``, to the cent, half to even, as text."""
    amount = Decimal(value).scaleb(-_CENTS) if isinstance(value, int) else value
    return f"{(amount * rate).quantize(_CENT, ROUND_HALF_EVEN):f}"


class _Stamps(dict[Any, datetime]):
    """UTC timestamps from SQLite's text or PostgreSQL's datetimes; a bulk write gives many
    grants the same one, so each is parsed once per page."""

    def __missing__(self, value: Any) -> datetime:
        if isinstance(value, str):
            stamp = datetime.fromisoformat(value).replace(tzinfo=UTC)
        else:
            stamp = value.astimezone(UTC)
        self[value] = stamp
        return stamp


def _json(value: Any) -> Any:
    """A JSON column: SQLite's text embedded as is; asyncpg decodes it already."""
    return orjson.Fragment(value) if isinstance(value, str | bytes) else value


def _day(value: Any) -> date:
    """A date from SQLite's ISO text or PostgreSQL's date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


async def _parties(conn: Any, donor_ids: set[Any], org_ids: set[Any]) -> tuple[dict[Any, Any], ...]:
    """The page's donors and recipient organisations as feed dicts, by raw id."""
    donors: dict[Any, Any] = {}
    orgs: dict[Any, Any] = {}
    if donor_ids:
        query = select(_raw(Donor.id, "id"), Donor.identifier, Donor.name, Donor.type,
                       Donor.country).where(Donor.id.in_(list(donor_ids)))  # fmt: skip
        for d in (await conn.execute(query)).all():
            donors[d.id] = {"id": _id(d.id), "identifier": d.identifier, "name": d.name,
                            "type": d.type, "country": d.country}  # fmt: skip
    if org_ids:
        query = select(
            _raw(KnownOrganisation.id, "id"), KnownOrganisation.identifier, KnownOrganisation.name
        ).where(KnownOrganisation.id.in_(list(org_ids)))
        for o in (await conn.execute(query)).all():
            orgs[o.id] = {"type": "organisation", "id": _id(o.id), "identifier": o.identifier,
                          "name": o.name}  # fmt: skip
    return donors, orgs


async def page_body(*, session: AsyncSession, after: int, limit: int) -> tuple[bytes, int]:
    """The JSON body of the feed page after ``after`` (``{"items": [...], "next": "..."}``)
    and its number of items: the same page as :func:`page`, in fewer steps per row."""
    conn = await session.connection()
    query = (
        select(*_BODY_GRANT_COLUMNS)
        .where(Grant.feed_seq > after, _IN_FEED)
        .order_by(Grant.feed_seq)
        .limit(limit)
    )
    rows = (await conn.execute(query)).all()
    if not rows:
        return orjson.dumps({"items": [], "next": str(after)}), 0
    last = rows[-1].feed_seq
    # Raw ids stand for the uuids, as UUID or in SQLite's form; Core binds need real UUIDs.
    live = [r for r in rows if r.withdrawn_at is None and r.visibility != "restricted"]
    raw_orgs = {r.org_id for r in live if r.recipient_type == "organisation"} - {None}
    donors, orgs = await _parties(
        conn,
        {uuid.UUID(str(i)) for i in {r.donor_id for r in live}},
        {uuid.UUID(str(i)) for i in raw_orgs},
    )
    tx_query = (
        select(*_BODY_TX_COLUMNS)
        .join(Grant, Grant.id == Transaction.grant_id)
        .where(
            Grant.feed_seq > after, Grant.feed_seq <= last, _VISIBLE, Grant.withdrawn_at.is_(None)
        )
        # feed_seq first: the grants' index gives that order, leaving SQLite only a small
        # sort of each grant's few transactions (grant_id first sorted the whole page).
        .order_by(Grant.feed_seq, Transaction.value_date, Transaction.id)
    )
    tx_rows = (await conn.execute(tx_query)).all()
    by_grant: dict[Any, list[dict[str, Any]]] = {}
    if tx_rows:
        currencies = {t.currency for t in tx_rows}
        foreign = currencies - {"EUR"}
        # ISO text (SQLite) sorts as the dates do (PostgreSQL's date objects).
        until = _day(max(t.value_date for t in tx_rows)) if foreign else date.min
        book = await rate_book(session, currencies, until)
        rates: dict[tuple[str, Any], Decimal | None] = {}
        for grant_id, tx_id, external_id, kind, raw, currency, value_date, text in tx_rows:
            amount = _amount_text(raw)
            eur: str | None = amount
            if currency != "EUR":
                rate = rates.get((currency, value_date), _MISSING)
                if rate is _MISSING:
                    rate = rates[currency, value_date] = book.rate(currency, _day(value_date))
                eur = None if rate is None else _in_eur(raw, rate)
            tx = {"id": _id(tx_id), "external_id": external_id, "type": kind, "amount": amount,
                  "currency": currency, "value_date": value_date, "amount_eur": eur,
                  "description": text}  # fmt: skip
            found = by_grant.get(grant_id)
            if found is None:
                by_grant[grant_id] = [tx]
            else:
                found.append(tx)
    individual = {"type": "individual"}
    items: list[dict[str, Any]] = []
    append, empty, stamps = items.append, (), _Stamps()
    for (grant_id, seq, version, external_id, recipient_type, title, description, purpose,
         horizon, goals, gender_marker, start_date, end_date, visibility, withdrawn_at,
         updated_at, donor_id, org_id) in rows:  # fmt: skip
        if withdrawn_at is not None or visibility == "restricted":
            append({"id": _id(grant_id), "feed_seq": seq, "withdrawn": True})
            continue
        org = orgs.get(org_id) if recipient_type == "organisation" else None
        append(
            {"id": _id(grant_id), "feed_seq": seq, "withdrawn": False, "version": version,
             "external_id": external_id, "donor": donors[donor_id],
             "recipient": org or individual, "title": title, "description": description,
             "purpose": purpose, "horizon": horizon, "goals": _json(goals),
             "gender_marker": gender_marker, "start_date": start_date, "end_date": end_date,
             "visibility": visibility, "updated_at": stamps[updated_at],
             "transactions": by_grant.get(grant_id, empty)}
        )  # fmt: skip
    return orjson.dumps({"items": items, "next": str(last)}), len(items)


async def latest_seq(session: AsyncSession) -> int:
    """The highest ``feed_seq`` handed to a committed grant (0 for an empty ledger)."""
    return int(await session.scalar(select(func.coalesce(func.max(Grant.feed_seq), 0))) or 0)


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
