"""What the ledger figures share: a seeded ledger database, written straight into SQLite.

The feed figures need a million grants; syncing them through the API would take minutes and
measure the sync, which ``ledger.bulk_sync`` does on its own. So donors, known organisations
and persons, rates, grants (with their digest, feed position and the feed counter) and two
transactions per grant go in with SQLAlchemy Core ``executemany``, as valid rows as the sync
service writes them, into a copy of the migrated template. One run seeds a size once
(``Workspace.cache``) and every figure reads the same file.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, insert, update
from sqlalchemy.engine import make_url
from uuid_utils import uuid7

from bench._common import LEDGER_DIR, Workspace
from concordia.core.changes import new_id
from concordia.ledger.codes import GOALS, PURPOSES
from concordia.ledger.models import (
    Donor,
    FeedCounter,
    Grant,
    KnownOrganisation,
    KnownPerson,
    Rate,
    Transaction,
)
from concordia.ledger.service import grants

DONORS = 60
ORGANISATIONS = 2000
PERSONS = 200
CHUNK = 20_000
#: Distinct field sets (and digests) the seeded grants cycle through.
TEMPLATES = 10_007
_PURPOSES = tuple(PURPOSES)
_DONOR_TYPES = ("government_programme", "foundation", "multilateral")


@dataclass(frozen=True)
class Seeded:
    """A seeded ledger database: its URL and what is in it."""

    url: str
    grants: int
    transactions: int
    donor_ids: list[uuid.UUID]
    org_ids: list[uuid.UUID]
    seconds: float

    @property
    def path(self) -> Path:
        """The SQLite file."""
        return Path(make_url(self.url).database or "")


def _seed_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # A scratch file rebuilt each run: no journal, no fsync. The servers reopen it in WAL mode.
    cursor = dbapi_connection.cursor()
    # Foreign keys off: every reference is built from rows inserted just before.
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144",
                   "foreign_keys=OFF"):  # fmt: skip
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def seed_engine(url: str) -> Engine:
    """A synchronous engine on ``url`` tuned for bulk loading."""
    engine = create_engine(url)
    event.listen(engine, "connect", _seed_pragmas)
    return engine


def parties(
    at: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Donors, known organisations and known persons, as rows (as the consumer would write)."""
    donors = [
        {"id": new_id(), "identifier": f"XM-DAC-BENCH{n:04d}", "name": f"Bench Programme {n}",
         "type": _DONOR_TYPES[n % 3], "country": "SE", "version": 1, "created_at": at,
         "updated_at": at}
        for n in range(DONORS)
    ]  # fmt: skip
    orgs = [
        {"id": new_id(), "identifier": f"SE-ON-80{n:08d}", "name": f"Bench Media {n}",
         "type": "independent_media", "registration_country": "SE", "version": 1,
         "removed_at": None, "updated_at": at}
        for n in range(ORGANISATIONS)
    ]  # fmt: skip
    persons = [
        {"id": new_id(), "version": 1, "erased_at": None, "updated_at": at} for _ in range(PERSONS)
    ]
    return donors, orgs, persons


def grant_fields(n: int, org_id: uuid.UUID | None, person_id: uuid.UUID | None) -> dict[str, Any]:
    """The client-set columns of synthetic grant ``n`` (every twentieth to a person)."""
    start = date(2024, 1, 1) + timedelta(days=n % 700)
    return {
        "recipient_type": "person" if person_id is not None else "organisation",
        "recipient_organisation_id": org_id,
        "recipient_person_id": person_id,
        "title": f"Bench grant {n:07d}: core support for an independent newsroom in exile",
        "description": "Synthetic benchmark data: salaries, security and distribution costs.",
        "purpose": _PURPOSES[n % len(_PURPOSES)],
        "horizon": ("short", "mid", "long")[n % 3],
        "goals": [GOALS[n % 6], GOALS[(n + 2) % 6]],
        "gender_marker": n % 3,
        "start_date": start,
        "end_date": start + timedelta(days=365 * (1 + n % 5)),
        "visibility": ("public", "coalition")[n % 2],
    }


def _storage(table: Any, conn: Connection) -> tuple[str, list[Any]]:
    """The table's INSERT for the driver, and each column's bind processor (None: as is)."""
    dialect = conn.dialect
    sql = str(insert(table).compile(dialect=dialect))
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c]
    return sql, processors


#: The owner of the seeded grants: the node's operator, as the bench's token.
OWNER = "operator"


def _as_stored(row: dict[str, Any], table: Any, processors: list[Any]) -> tuple[Any, ...]:
    """What SQLAlchemy itself would hand the driver for ``row`` (the reference for checks)."""
    return tuple(
        p(row[c.name]) if p is not None else row[c.name]
        for c, p in zip(table.c, processors, strict=True)
    )


class _GrantWriter:
    """Grants and their transactions as the driver's tuples, built without SQLAlchemy's
    per-row type processing (most of the load time at a million rows), checked against it.

    Grant ``n`` takes its client-set fields from template ``n % TEMPLATES`` (digest computed
    once per template), its own ids, external id and feed position.
    """

    def __init__(self, conn: Connection, parties: tuple[list[Any], list[Any], list[Any]],
                 at: datetime) -> None:  # fmt: skip
        self.conn, self.at = conn, at
        self.donors = [d["id"].hex for d in parties[0]]
        self.grant_sql, grant_proc = _storage(Grant.__table__, conn)
        self.tx_sql, tx_proc = _storage(Transaction.__table__, conn)
        self.at_text = grant_proc[-1](at)  # updated_at's processor: the stored timestamp
        self.templates = [self._template(n, parties) for n in range(TEMPLATES)]
        self._check(parties, grant_proc, tx_proc)

    def _template(self, n: int, parties: tuple[list[Any], list[Any], list[Any]]) -> Any:
        _, orgs, persons = parties
        person = persons[n % PERSONS]["id"] if n % 20 == 0 else None
        org = None if person else orgs[n % ORGANISATIONS]["id"]
        values = grant_fields(n, org, person)
        middle = (
            values["recipient_type"], org.hex if org else None, person.hex if person else None,
            values["title"], values["description"], values["purpose"], values["horizon"],
            orjson.dumps(values["goals"]).decode(), values["gender_marker"],
            values["start_date"].isoformat(), values["end_date"].isoformat(),
            values["visibility"], 1, int(values["visibility"] == "public"), 1,
            grants.digest(values),  # ever_visible, ever_public, version, digest
        )  # fmt: skip
        amount = 10_000 + (n % 9000) * 25
        currency = "SEK" if n % 2 else "EUR"
        start = values["start_date"]
        txs = (
            (2, Decimal(amount), currency, start, None),
            (3, Decimal(amount) / 2, currency, start + timedelta(days=30), "First tranche"),
        )
        stored_txs = tuple((k, int(m * 100), c, d.isoformat(), t) for k, m, c, d, t in txs)
        return values, middle, txs, stored_txs

    def rows(self, n: int) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[str]]:
        """Grant ``n`` and its transactions as the driver's tuples, and the ids used."""
        _, middle, _, stored_txs = self.templates[n % TEMPLATES]
        ids = [uuid7().hex for _ in range(3)]
        grant_id, at = ids[0], self.at_text
        grant = (grant_id, OWNER, self.donors[n % DONORS], f"BENCH-GRANT-{n:07d}", *middle,
                 n + 1, None, at, at)  # fmt: skip
        txs = [
            (tx_id, grant_id, f"TX-{n:07d}-{i}", kind, amount, currency, day, text, at)
            for i, (tx_id, (kind, amount, currency, day, text)) in enumerate(
                zip(ids[1:], stored_txs, strict=True), 1
            )
        ]
        return grant, txs, ids

    def _check(self, parties: tuple[list[Any], ...], grant_proc: list[Any],
               tx_proc: list[Any]) -> None:  # fmt: skip
        """Refuse to seed if a hand-built tuple differs from what SQLAlchemy would store."""
        n = 20  # a grant to a person
        grant, txs, ids = self.rows(n)
        values, _, tx_values, _ = self.templates[n % TEMPLATES]
        uid = [uuid.UUID(i) for i in ids]
        row = values | {"id": uid[0], "owner": OWNER,
                        "donor_id": parties[0][n % DONORS]["id"],
                        "external_id": grant[3], "version": 1, "digest": grant[19],
                        "ever_visible": True, "ever_public": values["visibility"] == "public",
                        "feed_seq": n + 1, "withdrawn_at": None, "created_at": self.at,
                        "updated_at": self.at}  # fmt: skip
        expected = [(grant, _as_stored(row, Grant.__table__, grant_proc), Grant.__table__)]
        for tx_id, tx, (kind, money, currency, day, text) in zip(uid[1:], txs, tx_values,
                                                                  strict=True):  # fmt: skip
            row = {"id": tx_id, "grant_id": uid[0], "external_id": tx[2], "type": kind,
                   "amount": money, "currency": currency, "value_date": day,
                   "description": text, "created_at": self.at}  # fmt: skip
            expected.append((tx, _as_stored(row, Transaction.__table__, tx_proc),
                             Transaction.__table__))  # fmt: skip
        for stored, reference, table in expected:
            same = all(  # JSON text may differ in spacing only: compare it parsed
                orjson.loads(a) == orjson.loads(b) if c.name == "goals" else a == b
                for c, a, b in zip(table.c, stored, reference, strict=True)
            )
            if not same:
                raise AssertionError(f"seed row of {table.name}: {stored} != {reference}")

    def write(self, span: range) -> int:
        """Insert grants ``span`` with two transactions each; return the transactions."""
        grant_rows: list[tuple[Any, ...]] = []
        tx_rows: list[tuple[Any, ...]] = []
        for n in span:
            grant, txs, _ = self.rows(n)
            grant_rows.append(grant)
            tx_rows += txs
        self.conn.exec_driver_sql(self.grant_sql, grant_rows)
        self.conn.exec_driver_sql(self.tx_sql, tx_rows)
        return len(tx_rows)


def _rates(at: datetime) -> list[dict[str, Any]]:
    """Monthly SEK rates over the grants' value dates, so the feed converts to EUR."""
    return [
        {"currency": "SEK", "date": date(2023 + m // 12, 1 + m % 12, 1),
         "rate": Decimal("0.0871") + Decimal(m) / 100_000, "updated_at": at}
        for m in range(48)
    ]  # fmt: skip


def seed(url: str, total: int) -> tuple[int, list[uuid.UUID], list[uuid.UUID]]:
    """Write ``total`` grants (2 transactions each) and their parties into migrated ``url``."""
    at = datetime.now(UTC)
    donors, orgs, persons = parties(at)
    engine = seed_engine(url)
    transactions = 0
    try:
        with engine.begin() as conn:
            conn.execute(insert(Donor.__table__), donors)
            conn.execute(insert(KnownOrganisation.__table__), orgs)
            conn.execute(insert(KnownPerson.__table__), persons)
            conn.execute(insert(Rate.__table__), _rates(at))
            writer = _GrantWriter(conn, (donors, orgs, persons), at)
            # Explicit indexes are rebuilt once after the load: cheaper than a million updates.
            indexes = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('grants', 'transactions')"
            ).all()
            for name, _ in indexes:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
            for span in chunks(total, CHUNK):
                transactions += writer.write(span)
            for _, sql in indexes:
                conn.exec_driver_sql(sql)
            conn.execute(
                update(FeedCounter.__table__)
                .where(FeedCounter.name == "grants")
                .values(value=total)
            )
    finally:
        engine.dispose()
    return transactions, [d["id"] for d in donors], [o["id"] for o in orgs]


async def seeded(ws: Workspace, total: int) -> Seeded:
    """The run's ledger database of ``total`` grants, seeded on first use."""
    key = f"ledger-seeded-{total}"
    if key not in ws.cache:
        url = await ws.database(f"ledger-{total}", LEDGER_DIR)
        started = time.perf_counter()
        transactions, donors, orgs = await asyncio.to_thread(seed, url, total)
        ws.cache[key] = Seeded(url, total, transactions, donors, orgs,
                               time.perf_counter() - started)  # fmt: skip
    result: Seeded = ws.cache[key]
    return result


def chunks(total: int, size: int) -> Iterator[range]:
    """``range(total)`` in consecutive pieces of ``size``."""
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


async def seed_pg(url: str, total: int) -> tuple[int, list[uuid.UUID], list[uuid.UUID]]:
    """``seed`` on PostgreSQL: the same rows (the same templates, digests and feed positions),
    loaded with binary ``COPY`` in chunks of ``CHUNK`` grants over one connection."""
    import asyncpg

    from bench._common import asyncpg_url, driver_rows, pg_copy

    at = datetime.now(UTC)
    donors, orgs, persons = parties(at)
    templates = []
    for n in range(min(TEMPLATES, total)):
        person = persons[n % PERSONS]["id"] if n % 20 == 0 else None
        org = None if person else orgs[n % ORGANISATIONS]["id"]
        values = grant_fields(n, org, person)
        templates.append((values, grants.digest(values)))
    conn = await asyncpg.connect(asyncpg_url(url))

    async def copy(table: Any, rows: list[dict[str, Any]]) -> None:
        await pg_copy(conn, driver_rows(table, rows))

    transactions = 0
    try:
        async with conn.transaction():
            await copy(Donor.__table__, donors)
            await copy(KnownOrganisation.__table__, orgs)
            await copy(KnownPerson.__table__, persons)
            await copy(Rate.__table__, _rates(at))
            for span in chunks(total, CHUNK):
                grant_rows, tx_rows = [], []
                for n in span:
                    values, digest = templates[n % len(templates)]
                    grant_id = uuid7()
                    grant_rows.append(values | {
                        "id": grant_id, "owner": OWNER, "donor_id": donors[n % DONORS]["id"],
                        "external_id": f"BENCH-GRANT-{n:07d}", "ever_visible": True,
                        "ever_public": values["visibility"] == "public", "version": 1,
                        "digest": digest, "feed_seq": n + 1, "withdrawn_at": None,
                        "created_at": at, "updated_at": at,
                    })  # fmt: skip
                    amount = Decimal(10_000 + (n % 9000) * 25)
                    currency = "SEK" if n % 2 else "EUR"
                    start = values["start_date"]
                    for i, (kind, money, day, text) in enumerate(
                        ((2, amount, start, None),
                         (3, amount / 2, start + timedelta(days=30), "First tranche")), 1
                    ):  # fmt: skip
                        tx_rows.append({
                            "id": uuid7(), "grant_id": grant_id, "external_id": f"TX-{n:07d}-{i}",
                            "type": kind, "amount": money, "currency": currency,
                            "value_date": day, "description": text, "created_at": at,
                        })  # fmt: skip
                await copy(Grant.__table__, grant_rows)
                await copy(Transaction.__table__, tx_rows)
                transactions += len(tx_rows)
            await conn.execute("UPDATE feed_counter SET value = $1 WHERE name = 'grants'", total)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return transactions, [d["id"] for d in donors], [o["id"] for o in orgs]
