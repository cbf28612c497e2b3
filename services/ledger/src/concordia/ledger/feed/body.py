"""The HTTP feed's fast path: a keyset page of the funding feed as JSON bytes.

A portal's full pull is a million grants; every per-row step counts. The body is built from
columns as the driver returns them: SQLite's dates are already ISO text, its money an integer
of hundredths, JSON columns their text (embedded as an orjson Fragment, not parsed);
PostgreSQL hands over dates and Decimals, which come out the same. Donors and recipient
organisations repeat across a page, so each is built once per page; EUR amounts of SQLite's
hundredths are integer arithmetic. On SQLite the page is read through the driver's own
connection (aiosqlite): rows as its tuples, no SQLAlchemy result objects, the donors and
organisations read apart by the ids the page names. The cyclic garbage collector waits while
a page is built (its passes over a page's objects were half the page's time). The JSON is
the same as ``orjson.dumps`` of ``feed.FeedPage.items()`` (which the IATI export and the
stream use).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import orjson
import zstandard
from isal import igzip
from sqlalchemy import Dialect, Select, String, bindparam, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from concordia.ledger.feed.service import (
    DONOR_COLUMNS,
    GRANT_FIELDS,
    INDIVIDUAL_TITLE,
    ORG_COLUMNS,
    PUBLIC,
    TX_COLUMNS,
    RateBook,
    feed_id,
    grants_after,
    page_grants,
    page_transactions,
    rate_book,
    raw_id,
)
from concordia.ledger.models import (
    Donor,
    Grant,
    KnownOrganisation,
    Money,
    Transaction,
)

_CENT = Decimal("0.01")

_CENTS = Money.scale
assert _CENTS == 2, "the fast path formats SQLite's scaled integers as hundredths"

#: Dates, timestamps, JSON and amounts are read as the database's text, formatted as is.
_AS_TEXT = {"goals", "start_date", "end_date", "withdrawn_at", "updated_at", "amount", "value_date"}


def _text(columns: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(type_coerce(c, String).label(c.key) if c.key in _AS_TEXT else c for c in columns)


_BODY_GRANT_COLUMNS = (
    raw_id(Grant.id, "id"),
    *_text(GRANT_FIELDS),
    raw_id(Grant.donor_id, "donor_id"),
    raw_id(Grant.recipient_organisation_id, "org_id"),
    # The donor and the recipient organisation come joined to each grant, as in the raw scan:
    # one statement, where fetching them apart cost a query with thousands of bound ids.
    *DONOR_COLUMNS,
    *ORG_COLUMNS,
)
_BODY_TX_COLUMNS = _text(TX_COLUMNS)


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


#: Beyond 28 digits Decimal's default context rounds the product before it is quantized.
_EXACT = 10**28


@dataclass(frozen=True, slots=True)
class _Rate:
    """A EUR rate as an integer ``mantissa`` of 10^-``scale``: SQLite's hundredths convert in
    integer arithmetic, to the cent and half to even, as :func:`_in_eur` does (which converts
    the rest: PostgreSQL's Decimals, products beyond 28 digits)."""

    rate: Decimal
    mantissa: int
    scale: int
    negative: bool

    @classmethod
    def of(cls, rate: Decimal | None) -> _Rate | None:
        """``rate`` split for integer arithmetic (None: no rate)."""
        if rate is None:
            return None
        sign, digits, exponent = rate.as_tuple()
        if not isinstance(exponent, int):  # NaN or infinity: Decimal's own way
            return cls(rate, 0, -1, bool(sign))
        mantissa = int("".join(map(str, digits)))
        if exponent >= 0:
            return cls(rate, mantissa * 10**exponent, 0, bool(sign))
        return cls(rate, mantissa, -exponent, bool(sign))

    def in_eur(self, value: Any) -> str:
        """``value`` (as the driver gives it) in EUR, as text."""
        if type(value) is not int or self.scale < 0:
            return _in_eur(value, self.rate)
        product = abs(value) * self.mantissa  # in 10^-(2 + scale) EUR
        if product >= _EXACT:
            return _in_eur(value, self.rate)
        unit = 10**self.scale
        cents, rest = divmod(product, unit)
        if rest * 2 > unit or (rest * 2 == unit and cents & 1):
            cents += 1
        # The product's sign is Decimal's, a negative zero included.
        minus = "-" if (value < 0) != self.negative else ""
        return f"{minus}{cents // 100}.{cents % 100:02d}"


class _Rates(dict[tuple[str, Any], _Rate | None]):
    """The rate of each (currency, value date) of a page, looked up once."""

    def __init__(self, book: RateBook) -> None:
        super().__init__()
        self.book = book

    def __missing__(self, key: tuple[str, Any]) -> _Rate | None:
        currency, value_date = key
        rate = self[key] = _Rate.of(self.book.rate(currency, _day(value_date)))
        return rate


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


def next_of(body: bytes) -> int:
    """The ``next`` of a page body (its last member), without parsing the page."""
    at = body.rindex(b'"next":"') + len(b'"next":"')
    return int(body[at : body.index(b'"', at)])


#: Told the page's ``next`` as soon as a page's grants are read and fill it (the rest of the
#: page is still to be built): the read-ahead starts the page after it then.
OnFull = Callable[[int], None]


async def page_body(
    *,
    session: AsyncSession,
    after: int,
    limit: int,
    audience: frozenset[str] = PUBLIC,
    on_full: OnFull | None = None,
) -> tuple[bytes, int]:
    """The JSON body of the feed page after ``after`` (``{"items": [...], "next": "..."}``)
    and its number of items: the same page as :func:`page`, in fewer steps per row.
    ``on_full`` is called with ``next`` once the page's grants are read, if they fill it."""
    with _COLLECTOR_PAUSED:
        return await _page_body(session, after, limit, audience, on_full)


class _CollectorPause:
    """The cyclic garbage collector paused while feed pages are built (nested: until the last
    build ends).

    A 10k page allocates some 60,000 tracked objects (rows, lists) that live until the page is
    serialised and are then freed by reference counting, none of them in a cycle: the
    collector ran ~145 times per page, its older generations scanning the whole heap, and
    took about half of the event loop's time for the page (measured for issue 17). Garbage
    cycles made meanwhile, by anything, are collected once it resumes; builds that overlap
    without end (many portals pulling) still see a full collection every ``longest`` seconds.
    """

    def __init__(self, longest: float = 2.0) -> None:
        self.longest = longest
        self.depth = 0
        self.resume = False
        self.since = 0.0

    def __enter__(self) -> None:
        if not self.depth:
            self.resume = gc.isenabled()
            self.since = time.monotonic()
            gc.disable()
        self.depth += 1

    def __exit__(self, *_: object) -> None:
        self.depth -= 1
        if not self.resume:
            return
        if not self.depth:
            gc.enable()
        elif time.monotonic() - self.since >= self.longest:
            self.since = time.monotonic()
            gc.collect()


_COLLECTOR_PAUSED = _CollectorPause()


async def _page_body(
    session: AsyncSession, after: int, limit: int, audience: frozenset[str], on_full: OnFull | None
) -> tuple[bytes, int]:
    conn = await session.connection()
    if conn.dialect.name == "sqlite":
        built = await _sqlite_page_body(session, conn, after, limit, audience, on_full)
        if built is not None:
            return built
    query = page_grants(_BODY_GRANT_COLUMNS, after, limit, audience)
    rows = (await conn.execute(query)).all()
    if not rows:
        return orjson.dumps({"items": [], "next": str(after)}), 0
    last = rows[-1].feed_seq
    if on_full is not None and len(rows) == limit:
        on_full(last)
    # feed_seq first: the grants' index gives that order, leaving SQLite only a small sort of
    # each grant's few transactions (grant_id first sorted the whole page).
    tx_query = page_transactions(_BODY_TX_COLUMNS, after, last, audience).order_by(
        Grant.feed_seq, Transaction.value_date, Transaction.id
    )
    tx_rows = (await conn.execute(tx_query)).all()
    book = RateBook()
    if tx_rows:
        # Plain indexes: a Row's attributes cost more than its tuple on 20,000 rows.
        currencies = {t[5] for t in tx_rows}
        if currencies - {"EUR"}:
            # ISO text (SQLite) sorts as the dates do (PostgreSQL's date objects).
            book = await rate_book(session, currencies, _day(max(t[6] for t in tx_rows)))
    items = _items(rows, _transactions(tx_rows, book), audience)
    return orjson.dumps({"items": items, "next": str(last)}), len(items)


@dataclass(frozen=True, slots=True)
class _Statement:
    """A statement compiled once for the driver: its SQL and where its parameters go."""

    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]

    @classmethod
    def of(cls, query: Select[Any], dialect: Dialect) -> _Statement:
        """``query`` compiled for ``dialect`` (its bound values are the defaults)."""
        compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        return cls(str(compiled), tuple(compiled.positiontup or ()), dict(compiled.params))

    def params(self, **values: Any) -> tuple[Any, ...]:
        """The positional parameters, ``values`` by name, the rest as compiled."""
        return tuple(values[n] if n in values else self.fixed[n] for n in self.names)


@dataclass(frozen=True, slots=True)
class _SqliteStatements:
    grants: _Statement
    transactions: _Statement


#: The page's grants without their donor and organisation joined: those are read apart, once
#: per page (60 donors and a few thousand organisations for 10,000 grants), by the ids the
#: grants name; the joins cost a third of the grant statement and six strings per row.
_SQLITE_GRANT_COLUMNS = _BODY_GRANT_COLUMNS[:18]
assert [c.key for c in _SQLITE_GRANT_COLUMNS[-2:]] == ["donor_id", "org_id"]
#: Parties by the ids a page names (a JSON array: one bound value, however many ids).
_SQLITE_DONORS = (
    "SELECT id, identifier, name, type, country FROM donors "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
_SQLITE_ORGS = (
    "SELECT id, identifier, name FROM known_organisations "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
assert {c.name for c in Donor.__table__.c} >= {"id", "identifier", "name", "type", "country"}
assert {c.name for c in KnownOrganisation.__table__.c} >= {"id", "identifier", "name"}


@functools.lru_cache(maxsize=8)
def _sqlite_statements(dialect: Dialect, audience: frozenset[str]) -> _SqliteStatements:
    grants = grants_after(
        _SQLITE_GRANT_COLUMNS, bindparam("after", 0), bindparam("limit", 1), audience
    )
    # In the order of the grants' feed_seq and each grant's value dates, which the index on
    # (grant_id, value_date) gives without a sort; the few same-day transactions of a grant
    # are put in id order here (SQLite's sort of the whole page by id cost a quarter of it).
    # Each transaction names its grant by feed_seq (an integer: cheaper to read and to hash
    # than the grant's id, 20,000 times a page).
    transactions = page_transactions(
        (Grant.feed_seq, *_BODY_TX_COLUMNS[1:]),
        bindparam("after", 0),
        bindparam("last", 0),
        audience,
    ).order_by(Grant.feed_seq, Transaction.value_date)
    return _SqliteStatements(_Statement.of(grants, dialect), _Statement.of(transactions, dialect))


async def _sqlite_page_body(
    session: AsyncSession,
    conn: AsyncConnection,
    after: int,
    limit: int,
    audience: frozenset[str],
    on_full: OnFull | None,
) -> tuple[bytes, int] | None:
    """The page read through the driver's connection itself (aiosqlite): its rows as the
    driver's tuples, without SQLAlchemy's result objects. None: the caller's path reads it (a
    grant whose donor was not found, which the joined statement would leave out, or ids not
    stored as SQLAlchemy's hex text)."""
    statements = _sqlite_statements(conn.dialect, audience)
    driver: Any = (await conn.get_raw_connection()).driver_connection
    fetch = driver.execute_fetchall
    grant_sql = statements.grants
    rows = await fetch(grant_sql.sql, grant_sql.params(after=after, limit=limit))
    if not rows:
        return orjson.dumps({"items": [], "next": str(after)}), 0
    last = rows[-1][1]
    donor_ids = {row[16] for row in rows}
    org_ids = {row[17] for row in rows if row[4] == "organisation" and row[17] is not None}
    if any(type(i) is not str for i in donor_ids | org_ids):  # not ids as SQLAlchemy stores
        return None
    donors = {
        donor_id: {"id": feed_id(donor_id), "identifier": identifier, "name": name,
                   "type": kind, "country": country}
        for donor_id, identifier, name, kind, country in await fetch(
            _SQLITE_DONORS, (orjson.dumps(list(donor_ids)).decode(),))
    }  # fmt: skip
    if len(donors) < len(donor_ids):
        return None
    if on_full is not None and len(rows) == limit:  # this path builds the page: it is full
        on_full(last)
    tx_sql = statements.transactions
    tx_rows = await fetch(tx_sql.sql, tx_sql.params(after=after, last=last))
    orgs = {}
    if org_ids:
        orgs = {
            org_id: {"type": "organisation", "id": feed_id(org_id),
                     "identifier": identifier, "name": name}
            for org_id, identifier, name in await fetch(
                _SQLITE_ORGS, (orjson.dumps(list(org_ids)).decode(),))
            if identifier is not None
        }  # fmt: skip
    book = RateBook()
    if tx_rows:
        currencies = {t[5] for t in tx_rows}
        if currencies - {"EUR"}:
            book = await rate_book(session, currencies, _day(max(t[6] for t in tx_rows)))
    items = _sqlite_items(rows, _sqlite_transactions(tx_rows, book), audience, donors, orgs)
    return orjson.dumps({"items": items, "next": str(last)}), len(items)


def _tx_order(tx: dict[str, Any]) -> tuple[Any, Any]:
    # The formatted ids sort as SQLite's hex text does (the hyphens stand in the same places).
    return tx["value_date"], tx["id"]


def _money(raw: Any, currency: str, value_date: Any, rates: _Rates) -> tuple[str, str | None]:
    """A transaction's amount as text and in EUR (None: no rate covers its value date)."""
    sqlite_hundredths = type(raw) is int and raw >= 0
    amount = f"{raw // 100}.{raw % 100:02d}" if sqlite_hundredths else _amount_text(raw)
    if currency == "EUR":
        return amount, amount
    rate = rates[currency, value_date]
    return amount, None if rate is None else rate.in_eur(raw)


def _hex_id(value: Any) -> str:
    """An id as the feed writes it: SQLite's 32 hex digits hyphenated, anything else by
    :func:`feed_id`."""
    if type(value) is str and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return feed_id(value)


def _sqlite_transactions(tx_rows: Sequence[Any], book: RateBook) -> dict[Any, list[dict[str, Any]]]:
    """:func:`_transactions` of SQLite's rows in grant and value date order, by the grants'
    feed_seq: same-day transactions of a grant are put in id order here."""
    by_grant: dict[Any, list[dict[str, Any]]] = {}
    rates = _Rates(book)
    ties: list[list[dict[str, Any]]] = []
    grant: Any = None
    day: Any = None
    txs: list[dict[str, Any]] = []
    for seq, tx_id, external_id, kind, raw, currency, value_date, text in tx_rows:
        amount, eur = _money(raw, currency, value_date, rates)
        tx = {"id": _hex_id(tx_id), "external_id": external_id, "type": kind, "amount": amount,
              "currency": currency, "value_date": value_date, "amount_eur": eur,
              "description": text}  # fmt: skip
        if seq == grant:
            if value_date == day and (not ties or ties[-1] is not txs):
                ties.append(txs)
            txs.append(tx)
        else:
            grant, txs = seq, [tx]
            by_grant[seq] = txs
        day = value_date
    for same_days in ties:
        same_days.sort(key=_tx_order)
    return by_grant


def _sqlite_items(
    rows: Sequence[Any],
    by_grant: dict[Any, list[dict[str, Any]]],
    audience: frozenset[str],
    donors: dict[Any, dict[str, Any]],
    orgs: dict[Any, dict[str, Any]],
) -> list[dict[str, Any]]:
    """:func:`_items` of grant rows without their parties joined (``donors`` and ``orgs``
    hold them, by id), their transactions by feed_seq."""
    individual = {"type": "individual"}
    items: list[dict[str, Any]] = []
    append, empty, stamps, fragment = items.append, (), _Stamps(), orjson.Fragment
    for (grant_id, seq, version, external_id, recipient_type, title, description, purpose,
         horizon, goals, gender_marker, start_date, end_date, visibility, withdrawn_at,
         updated_at, donor_id, org_id) in rows:  # fmt: skip
        gid = _hex_id(grant_id)
        if withdrawn_at is not None or visibility not in audience:
            append({"id": gid, "feed_seq": seq, "withdrawn": True})
            continue
        txs = by_grant.get(seq, empty)
        if recipient_type == "organisation":
            org = orgs.get(org_id) if org_id is not None else None
        else:  # a person's grant: no free text leaves
            org, title, description = None, INDIVIDUAL_TITLE, None
            txs = [{**tx, "description": None} for tx in txs]
        append(
            {"id": gid, "feed_seq": seq, "withdrawn": False, "version": version,
             "external_id": external_id, "donor": donors[donor_id],
             "recipient": org or individual, "title": title, "description": description,
             "purpose": purpose, "horizon": horizon,
             "goals": fragment(goals) if type(goals) is str else _json(goals),
             "gender_marker": gender_marker, "start_date": start_date, "end_date": end_date,
             "visibility": visibility, "updated_at": stamps[updated_at],
             "transactions": txs}
        )  # fmt: skip
    return items


def _transactions(tx_rows: Sequence[Any], book: RateBook) -> dict[Any, list[dict[str, Any]]]:
    """The feed's transactions (dicts) by grant id, in the rows' order."""
    by_grant: dict[Any, list[dict[str, Any]]] = {}
    rates = _Rates(book)
    for grant_id, tx_id, external_id, kind, raw, currency, value_date, text in tx_rows:
        amount, eur = _money(raw, currency, value_date, rates)
        tx = {"id": feed_id(tx_id), "external_id": external_id, "type": kind, "amount": amount,
              "currency": currency, "value_date": value_date, "amount_eur": eur,
              "description": text}  # fmt: skip
        found = by_grant.get(grant_id)
        if found is None:
            by_grant[grant_id] = [tx]
        else:
            found.append(tx)
    return by_grant


def _items(
    rows: Sequence[Any], by_grant: dict[Any, list[dict[str, Any]]], audience: frozenset[str]
) -> list[dict[str, Any]]:
    """The page's feed items (dicts, for orjson), in the rows' order."""
    individual = {"type": "individual"}
    items: list[dict[str, Any]] = []
    append, empty, stamps = items.append, (), _Stamps()
    # Donors and organisations repeat across a page: each dict is built once and shared.
    donors: dict[Any, dict[str, Any]] = {}
    orgs: dict[Any, dict[str, Any]] = {}
    for (grant_id, seq, version, external_id, recipient_type, title, description, purpose,
         horizon, goals, gender_marker, start_date, end_date, visibility, withdrawn_at,
         updated_at, donor_id, org_id, donor_identifier, donor_name, donor_type, donor_country,
         org_identifier, org_name) in rows:  # fmt: skip
        if withdrawn_at is not None or visibility not in audience:
            append({"id": feed_id(grant_id), "feed_seq": seq, "withdrawn": True})
            continue
        donor = donors.get(donor_id)
        if donor is None:
            donor = donors[donor_id] = {
                "id": feed_id(donor_id), "identifier": donor_identifier, "name": donor_name,
                "type": donor_type, "country": donor_country,
            }  # fmt: skip
        org = None
        if recipient_type == "organisation" and org_identifier is not None:
            org = orgs.get(org_id)
            if org is None:
                org = orgs[org_id] = {"type": "organisation", "id": feed_id(org_id),
                                      "identifier": org_identifier, "name": org_name}  # fmt: skip
        txs = by_grant.get(grant_id, empty)
        if recipient_type != "organisation":  # a person's grant: no free text leaves
            title, description = INDIVIDUAL_TITLE, None
            txs = [{**tx, "description": None} for tx in txs]
        append(
            {"id": feed_id(grant_id), "feed_seq": seq, "withdrawn": False, "version": version,
             "external_id": external_id, "donor": donor,
             "recipient": org or individual, "title": title, "description": description,
             "purpose": purpose, "horizon": horizon, "goals": _json(goals),
             "gender_marker": gender_marker, "start_date": start_date, "end_date": end_date,
             "visibility": visibility, "updated_at": stamps[updated_at],
             "transactions": txs}
        )  # fmt: skip
    return items


#: ISA-L's igzip level 1 for pages: a 10k page (12 MB of JSON) in ~9 ms for 1.47 MB, where
#: zlib at GZIP_LEVEL took ~40 ms for 1.41 MB (igzip level 0: ~8 ms for 1.86 MB; level 3:
#: ~35 ms); the portal inflates it with any zlib.
PAGE_GZIP_LEVEL = 1
#: zlib level 2 (the streamed IATI file): on a 10k page (12 MB of JSON) 1.41 MB in ~42 ms,
#: where level 1 took as long for 1.54 MB, level 4 ~66 ms for 1.31 MB and level 6 ~99 ms for
#: 1.13 MB (measured for issue 17).
GZIP_LEVEL = 2
#: zstd level 1: the same page in 0.88 MB for ~10 ms (level 3: 1.06 MB, ~15 ms; negative
#: levels save a millisecond or two for a third more bytes), and ~4 ms to decode against
#: gzip's ~15 ms. Offered first to clients that accept it.
ZSTD_LEVEL = 1
#: Below this size a page is hashed and compressed on the event loop: the hand-off to a
#: thread would cost more than it frees.
_INLINE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Encoded:
    """A page body as sent: its ETag and its bytes in one content coding (None: as it is)."""

    tag: str
    coding: str | None
    content: bytes


def encode(body: bytes, coding: str | None) -> Encoded:
    """The ETag of ``body`` and ``body`` in ``coding`` (``gzip``, ``zstd`` or None).

    The tag is weak: the compressed and identity bodies are the same page and share it.
    """
    tag = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    if coding == "zstd":
        content = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(body)
    elif coding == "gzip":
        content = igzip.compress(body, compresslevel=PAGE_GZIP_LEVEL, mtime=0)
    else:
        content = body
    return Encoded(tag, coding, content)


async def encoded(body: bytes, coding: str | None) -> Encoded:
    """:func:`encode`, in a worker thread for a large page: blake2b, igzip and zstd let go of
    the GIL on large inputs, so the event loop meanwhile serves, and builds the page read
    ahead, on the other core (a 10k page took ~55 ms of the loop's time per request)."""
    if len(body) < _INLINE_BYTES:
        return encode(body, coding)
    return await asyncio.to_thread(encode, body, coding)
