"""Bulk sync plumbing every service shares: per-record validation, reports, idempotency, routes.

A bulk sync takes up to ``MAX_RECORDS`` records in one unit of work. Each record is validated on
its own, so a rejected record never blocks the valid ones; the answer lists every record's
outcome. An ``Idempotency-Key`` replays the first answer for the same body (409 for another
body); ``dry_run`` reports without writing. Services supply only the upsert itself.

Example (a route)::

    @router.put("/v1/sync/things", response_model=SyncReport, openapi_extra=body_doc(ThingSync))
    async def sync_things(request: Request, session: SessionDep, principal: Writer,
                          idempotency_key: IdempotencyKey = None, dry_run: DryRun = False):
        async def apply(records):
            return await service.sync(session=session, records=records, dry_run=dry_run)
        return await run_sync(request, session, idempotency, principal.token_id, apply,
                              idempotency_key=idempotency_key, dry_run=dry_run)
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

import orjson
from fastapi import Header, Query, Request, Response
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Executable,
    Integer,
    LargeBinary,
    MetaData,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import column as sa_column
from sqlalchemy import values as sa_values
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import new_id
from concordia.core.crypto import FieldCipher
from concordia.core.db import UtcDateTime, insert_rows, table_of
from concordia.core.errors import ConflictError, FieldError
from concordia.core.problems import MALFORMED_BODY, problem

MAX_RECORDS = 5000
#: Bounds ``IN (...)`` lists and executemany batches on every backend.
CHUNK = 500

M = TypeVar("M", bound=BaseModel)
Status = Literal["created", "updated", "unchanged", "rejected"]


@dataclass(slots=True)
class RecordError:
    """Why one record of a bulk sync was rejected."""

    loc: list[str | int]
    msg: str


# Results are plain dataclasses, not models: a 5,000-record sync builds 5,000 of them, and its
# answer is written by orjson (:meth:`SyncReport.to_json`), which takes dataclasses as they are.
# Pydantic still documents them (the route's ``response_model``) and checks a test's own.
@dataclass(slots=True)
class SyncResult:
    """The outcome for one record of a bulk sync."""

    index: int
    external_id: str | None
    status: Status
    id: UUID | None = None
    version: int | None = None
    errors: list[RecordError] = field(default_factory=list)
    left_unchanged: Annotated[
        list[str],
        Field(
            description="Fields absent from the record that kept their stored value (an update)."
        ),
    ] = field(default_factory=list)
    defaulted: Annotated[
        list[str],
        Field(description="Fields absent from the record that took their default (a new record)."),
    ] = field(default_factory=list)


class SyncReport(BaseModel):
    """Per-record results of a bulk sync and the counts by outcome."""

    dry_run: bool
    counts: dict[str, int]
    results: list[SyncResult]

    def to_json(self) -> bytes:
        """The answer's JSON, as pydantic would write it (a test holds them equal)."""
        return orjson.dumps(
            {"dry_run": self.dry_run, "counts": self.counts, "results": self.results},
            default=_uuid_text,
        )


def _uuid_text(value: Any) -> str:
    # orjson writes uuid.UUID itself, not a subclass of it (asyncpg hands back its own).
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def rejected(index: int, external_id: str | None, errors: list[RecordError]) -> SyncResult:
    """A rejected record's result."""
    return SyncResult(index, external_id, "rejected", errors=errors)


def accepted(
    index: int,
    external_id: str,
    status: Status,
    id_: UUID,
    version: int,
    *,
    left_unchanged: list[str] | None = None,
    defaulted: list[str] | None = None,
) -> SyncResult:
    """A created, updated or unchanged record's result."""
    return SyncResult(index, external_id, status, id_, version, [], left_unchanged or [],
                      defaulted or [])  # fmt: skip


#: One list validator per record schema: a whole request is validated in one call.
_LIST_ADAPTERS: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}


def _list_adapter(schema: type[M]) -> TypeAdapter[list[M]]:
    adapter = _LIST_ADAPTERS.get(schema)
    if adapter is None:
        adapter = _LIST_ADAPTERS[schema] = TypeAdapter(list[schema])  # type: ignore[valid-type]
    return adapter


def _external_id(raw: Any) -> str | None:
    external_id = raw.get("external_id") if isinstance(raw, dict) else None
    return external_id if isinstance(external_id, str) else None


def validate_records(
    records: Sequence[Any],
    schema: type[M],
    *,
    key: Callable[[M], Hashable] = lambda r: r.external_id,  # type: ignore[attr-defined]
    key_loc: Sequence[str | int] = ("external_id",),
    duplicate_msg: str = "duplicate external_id in this request",
) -> tuple[list[tuple[int, M]], list[SyncResult]]:
    """Validate each record on its own; the second of two records with one key is rejected.

    The records are validated as one list (one call into the validator, not one per record);
    the invalid ones are told apart by the index leading each error's location and rejected
    with the rest of it, exactly as if each had been validated alone.
    """
    adapter = _list_adapter(schema)
    indexes = list(range(len(records)))
    refused: list[SyncResult] = []
    try:
        models = adapter.validate_python(records)
    except ValidationError as exc:
        by_index: dict[int, list[RecordError]] = {}
        for e in exc.errors():
            index, *loc = e["loc"]
            by_index.setdefault(int(index), []).append(RecordError(loc=loc, msg=e["msg"]))
        refused = [rejected(i, _external_id(records[i]), errors)
                   for i, errors in by_index.items()]  # fmt: skip
        indexes = [i for i in indexes if i not in by_index]
        models = adapter.validate_python([records[i] for i in indexes])
    valid: list[tuple[int, M]] = []
    seen: set[Hashable] = set()
    for index, record in zip(indexes, models, strict=True):
        record_key = key(record)
        if record_key in seen:
            error = RecordError(loc=list(key_loc), msg=duplicate_msg)
            refused.append(rejected(index, _external_id(records[index]), [error]))
            continue
        seen.add(record_key)
        valid.append((index, record))
    return valid, refused


@dataclass
class SyncPlan:
    """A bulk sync planned record by record: each record's result, the rows to insert and to
    update, and the events to emit once they are written.

    A record's ``absent`` fields (those it left out) are reported as ``defaulted`` for a new
    row and as ``left_unchanged`` for an existing one. :meth:`write` writes the rows with one
    executemany per statement (no ORM unit of work).

    Example::

        plan = SyncPlan(results=refused)
        for index, record in valid:
            row = existing.get(record.external_id)
            if row is not None and row.digest == digest(record):
                plan.unchanged(index, record.external_id, row)
                continue
            id_, version = next_version(row)
            plan.upsert(index, record.external_id, row, {"id": id_, "version": version, ...})
        await plan.write(session, Thing)
        return plan.report(dry_run=False)
    """

    results: list[SyncResult]
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)

    def reject(self, index: int, key: str | None, errors: list[RecordError]) -> None:
        """Report a record rejected for ``errors``."""
        self.results.append(rejected(index, key, errors))

    def unchanged(self, index: int, key: str, row: Any, absent: Sequence[str] = ()) -> None:
        """Report a record that changes nothing of the stored ``row``."""
        result = accepted(index, key, "unchanged", row.id, row.version, left_unchanged=[*absent])
        self.results.append(result)

    def upsert(
        self, index: int, key: str, row: Any, values: dict[str, Any], absent: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Plan ``values`` (with its ``id`` and ``version``) as a new row when ``row`` is None
        (stamped ``created_at``), else as the next version of the stored ``row``; returns the
        row as it will be written."""
        id_, version = values["id"], values["version"]
        if row is None:
            planned = {**values, "created_at": self.at}
            self.inserts.append(planned)
            result = accepted(index, key, "created", id_, version, defaulted=[*absent])
        else:
            planned = values
            self.updates.append(planned)
            result = accepted(index, key, "updated", id_, version, left_unchanged=[*absent])
        self.results.append(result)
        return planned

    async def write(self, session: AsyncSession, model: type[Any]) -> None:
        """Insert the new rows and update the changed ones of ``model``'s table."""
        await insert_rows(session, table_of(model), self.inserts)
        await execute_chunked(session, update(model), self.updates)

    def report(self, *, dry_run: bool) -> SyncReport:
        """The sync's answer: :func:`report` of the results."""
        return report(self.results, dry_run=dry_run)


def next_version(row: Any) -> tuple[UUID, int]:
    """The id and version a record's row takes: the stored ``row``'s next, or a new row's."""
    return (row.id, row.version + 1) if row is not None else (new_id(), 1)


def report(results: list[SyncResult], *, dry_run: bool) -> SyncReport:
    """The report: results in request order and the counts by outcome."""
    results.sort(key=lambda r: r.index)
    counts = dict.fromkeys(("created", "updated", "unchanged", "rejected"), 0)
    for result in results:
        counts[result.status] += 1
    # Every value is the service's own, already typed: nothing to validate.
    return SyncReport.model_construct(dry_run=dry_run, counts=counts, results=results)


async def execute_chunked(
    session: AsyncSession, statement: Executable, rows: Sequence[dict[str, Any]]
) -> None:
    """Run an executemany statement over ``rows`` in batches of ``CHUNK``."""
    for start in range(0, len(rows), CHUNK):
        await session.execute(statement, rows[start : start + CHUNK])


async def fetch_in(
    session: AsyncSession,
    columns: Sequence[Any],
    column: Any,
    values: Sequence[Any],
    *,
    where: Sequence[Any] = (),
) -> list[Any]:
    """Rows whose ``column`` is in ``values`` (and that meet ``where``).

    ``column`` may be a tuple of columns (a composite key, ``(Grant.donor_id,
    Grant.external_id)``), ``values`` then tuples of theirs: the rows are found through the
    index on those columns by joining the key list, never by a scan.

    On PostgreSQL in one query, ``column = ANY(:values)`` with the values bound as one array
    (a composite key: a join with ``unnest`` of one array per column): one statement text
    whatever the count (asyncpg prepares it once per connection, where every ``IN`` list length
    was a statement of its own to parse, plan and cache) and one index scan instead of
    ``len(values) / CHUNK``. On SQLite the same shape: the keys go in as one JSON array, read
    by ``json_each`` and joined to the table (one cached statement whatever the count; a
    ``VALUES`` list of the keys was compiled afresh for every call, a second of CPU per
    100,000 grants synced, and SQLite scans the table for a row-value ``IN``). Keys whose
    stored form JSON cannot give back exactly (bytes, floats, dates) go in joined ``VALUES``
    lists of ``CHUNK`` keys instead.
    """
    found: list[Any] = []
    unique = list(dict.fromkeys(values))
    if not unique:
        return found
    dialect = session.get_bind().dialect
    if isinstance(column, tuple):
        if dialect.name == "postgresql":
            return list((await session.execute(_pairs_pg(columns, column, unique, where))).all())
        keys = _json_keys(dialect, column, unique)
        if keys is not None:
            return list((await session.execute(_pairs_json(columns, column, keys, where))).all())
        for start in range(0, len(unique), CHUNK):
            query = _pairs_listed(columns, column, unique[start : start + CHUNK], where)
            found.extend((await session.execute(query)).all())
        return found
    if dialect.name == "postgresql":
        array = bindparam("values", unique, type_=postgresql.ARRAY(column.type))
        query = select(*columns).where(column == any_(array), *where)
        return list((await session.execute(query)).all())
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        query = select(*columns).where(column.in_(chunk), *where)
        found.extend((await session.execute(query)).all())
    return found


def _pairs_pg(
    columns: Sequence[Any], keys: tuple[Any, ...], values: list[Any], where: Sequence[Any]
) -> Select[Any]:
    """``unnest(:k0, :k1, ...) AS wanted(k0, k1, ...)`` joined to the table on the key."""
    names = [f"k{i}" for i in range(len(keys))]
    arrays = [
        bindparam(name, [value[i] for value in values], type_=postgresql.ARRAY(key.type))
        for i, (name, key) in enumerate(zip(names, keys, strict=True))
    ]
    wanted = func.unnest(*arrays).table_valued(*names).render_derived(name="wanted")
    return _joined(columns, keys, wanted, where)


def _json_keys(dialect: Any, keys: tuple[Any, ...], values: list[Any]) -> bytes | None:
    """The composite keys as a JSON array of arrays, each value in the form the column stores
    (a UUID as its 32 hex digits on SQLite); None when one is not a JSON scalar."""
    # The dialect's own form of each type: a TypeDecorator may store another type there.
    convert = [key.type.dialect_impl(dialect).bind_processor(dialect) for key in keys]
    stored = [
        [value if process is None else process(value)
         for value, process in zip(pair, convert, strict=True)]
        for pair in values
    ]  # fmt: skip
    if not all(_json_exact(value) for pair in stored for value in pair):
        return None
    return orjson.dumps(stored)


def _json_exact(value: Any) -> bool:
    """Whether ``json_extract`` gives ``value`` back as SQLite stores it: text without NUL,
    64-bit integers, NULL (a float may not be the number stored; other objects are not JSON)."""
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return value is None


def _pairs_json(
    columns: Sequence[Any], keys: tuple[Any, ...], values: bytes, where: Sequence[Any]
) -> Select[Any]:
    """``WITH wanted AS (SELECT json_extract(value, '$[0]') AS k0, ... FROM json_each(:keys))``
    joined to the table on the key (SQLite loops over the keys and probes the key's index)."""
    each = func.json_each(bindparam("keys", values.decode(), type_=String)).table_valued("value")
    wanted = select(
        *(func.json_extract(each.c.value, f"$[{i}]").label(f"k{i}") for i in range(len(keys)))
    ).cte("wanted")
    return _joined(columns, keys, wanted, where)


def _pairs_listed(
    columns: Sequence[Any], keys: tuple[Any, ...], values: list[Any], where: Sequence[Any]
) -> Select[Any]:
    """``WITH wanted(...) AS (VALUES ...)`` joined to the table on the key."""
    names = [f"k{i}" for i in range(len(keys))]
    typed = [sa_column(name, key.type) for name, key in zip(names, keys, strict=True)]
    wanted = sa_values(*typed, name="wanted").data(values).cte("wanted")
    return _joined(columns, keys, wanted, where)


def _joined(
    columns: Sequence[Any], keys: tuple[Any, ...], wanted: Any, where: Sequence[Any]
) -> Select[Any]:
    """``columns`` of the rows whose key equals a row of ``wanted`` (columns ``k0, k1, ...``)."""
    on = and_(*(key == wanted.c[f"k{i}"] for i, key in enumerate(keys)))
    return select(*columns).join_from(wanted, keys[0].table, on).where(*where)


def request_hash(body: bytes) -> bytes:
    """The fingerprint that ties an Idempotency-Key to one request body."""
    return hashlib.sha256(body).digest()


#: How long a sync's answer can be replayed by its Idempotency-Key.
IDEMPOTENCY_TTL = timedelta(hours=24)


class IdempotencyStore:
    """Stored answers of bulk syncs, by (Idempotency-Key, token), on a service's MetaData.

    Example::

        idempotency = IdempotencyStore(Base.metadata)   # next to the outbox; Alembic sees it
    """

    def __init__(self, metadata: MetaData, *, table_name: str = "idempotency_keys") -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("key", String(128), primary_key=True),
            Column("token_id", String(32), primary_key=True),
            Column("request_hash", LargeBinary(32), nullable=False),
            Column("status", Integer, nullable=False),
            Column("response", LargeBinary, nullable=False),
            Column("created_at", UtcDateTime(), nullable=False),
        )

    async def replay(
        self,
        session: AsyncSession,
        *,
        key: str,
        token_id: str,
        body_hash: bytes,
        cipher: FieldCipher | None = None,
    ) -> tuple[int, bytes] | None:
        """The stored answer for a repeated key; 409 if it came with another body.

        ``cipher``: the answer was stored encrypted (:meth:`remember` with the same cipher).
        """
        t = self.table
        row = (
            await session.execute(
                select(t.c.request_hash, t.c.status, t.c.response).where(
                    t.c.key == key,
                    t.c.token_id == token_id,
                    t.c.created_at >= datetime.now(UTC) - IDEMPOTENCY_TTL,
                )
            )
        ).first()
        if row is None:
            return None
        if row.request_hash != body_hash:
            raise ConflictError("Idempotency-Key was already used with a different request body")
        response = bytes(row.response)
        if cipher is not None and not response.startswith(b"{"):  # older answers: plain JSON
            response = cipher.decrypt(response, aad=_answer_aad(key, token_id)).encode()
        return int(row.status), response

    async def remember(
        self,
        session: AsyncSession,
        *,
        key: str,
        token_id: str,
        body_hash: bytes,
        status: int,
        body: bytes,
        cipher: FieldCipher | None = None,
    ) -> None:
        """Store an answer under its key, in the same unit of work as the sync itself.

        Answers name records by id and external id, so they are kept only for
        ``IDEMPOTENCY_TTL`` (long enough for any retry) and then deleted; with a ``cipher``
        (the registry's: agencies' case numbers are personal) they are stored encrypted.
        """
        if cipher is not None:
            body = cipher.encrypt(body.decode(), aad=_answer_aad(key, token_id))
        cutoff = datetime.now(UTC) - IDEMPOTENCY_TTL
        await session.execute(
            delete(self.table).where(
                (self.table.c.created_at < cutoff)
                | ((self.table.c.key == key) & (self.table.c.token_id == token_id))
            )
        )
        await session.execute(
            insert(self.table).values(
                key=key,
                token_id=token_id,
                request_hash=body_hash,
                status=status,
                response=body,
                created_at=datetime.now(UTC),
            )
        )


#: How many rejected records a sync run's log keeps (with their reasons, never their values).
LOGGED_REJECTIONS = 50
#: How long the log keeps a run (reasons can quote an agency's external ids).
SYNC_LOG_RETENTION = timedelta(days=90)


class SyncRunLog:
    """The log of bulk syncs and imports a service ran: when, by which token, the counts by
    outcome and the first rejected records with their reasons (never a rejected value).

    The node console shows it; the run is logged in the sync's own unit of work, so a sync that
    rolled back leaves no entry.
    """

    def __init__(self, metadata: MetaData, *, table_name: str = "sync_runs") -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("route", String(128), nullable=False),
            Column("token_id", String(32), nullable=False),
            Column("dry_run", Boolean, nullable=False),
            Column("records", Integer, nullable=False),
            Column("created", Integer, nullable=False),
            Column("updated", Integer, nullable=False),
            Column("unchanged", Integer, nullable=False),
            Column("rejected", Integer, nullable=False),
            Column("errors", JSON, nullable=False),
            Column("at", UtcDateTime(), nullable=False, index=True),
            comment="Bulk syncs and imports: counts and the first rejections' reasons.",
        )

    async def record(
        self, session: AsyncSession, *, route: str, token_id: str, report: SyncReport
    ) -> None:
        """Log one run."""
        errors = [
            {"index": r.index, "external_id": r.external_id,
             "errors": [{"loc": e.loc, "msg": e.msg} for e in r.errors]}
            for r in report.results if r.status == "rejected"
        ][:LOGGED_REJECTIONS]  # fmt: skip
        counts = {k: report.counts.get(k, 0) for k in ("created", "updated", "unchanged")}
        now = datetime.now(UTC)
        await session.execute(delete(self.table).where(self.table.c.at < now - SYNC_LOG_RETENTION))
        await session.execute(
            insert(self.table).values(
                route=route[:128], token_id=token_id, dry_run=report.dry_run,
                records=len(report.results), rejected=report.counts.get("rejected", 0),
                errors=errors, at=now, **counts,
            )
        )  # fmt: skip

    async def recent(self, session: AsyncSession, limit: int = 50) -> list[dict[str, Any]]:
        """The newest runs first."""
        t = self.table
        rows = await session.execute(select(t).order_by(t.c.at.desc(), t.c.id.desc()).limit(limit))
        return [dict(row._mapping) for row in rows]


def _answer_aad(key: str, token_id: str) -> bytes:
    return b"idempotency:" + token_id.encode() + b"\x00" + key.encode()


# -- the HTTP side ---------------------------------------------------------------------------

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=128,
        description="Repeat a sync safely: the same key and body replay the first answer.",
    ),
]
DryRun = Annotated[bool, Query(description="Validate and report without writing anything.")]
#: Documented on sync routes besides the common answers.
SYNC_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "Idempotency-Key reused with another body"}
}


_ANY_RECORD = "Any other value: that record is reported `rejected` with its errors."


def body_doc(schema: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` for a sync route whose body is validated by hand, record by record."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["records"],
                        "additionalProperties": False,
                        "properties": {
                            "records": {
                                "type": "array",
                                "maxItems": MAX_RECORDS,
                                # Each record is validated on its own: one that breaks the
                                # record schema is reported `rejected`, never the whole call.
                                "items": {
                                    "anyOf": [
                                        {"$ref": f"#/components/schemas/{schema.__name__}"},
                                        {"description": _ANY_RECORD},
                                    ]
                                },
                            }
                        },
                    }
                }
            },
        }
    }


class _MalformedError(Exception):
    pass


def parse_records(body: bytes) -> Sequence[Any]:
    """The raw records of a sync body ``{"records": [...]}``; 422 for any other shape."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _MalformedError(str(exc)) from exc
    if not isinstance(payload, dict) or set(payload) != {"records"}:
        raise FieldError(["body"], "must be an object with exactly one field, `records`")
    records = payload["records"]
    if not isinstance(records, list):
        raise FieldError(["body", "records"], "must be an array of records")
    if len(records) > MAX_RECORDS:
        raise FieldError(["body", "records"], f"at most {MAX_RECORDS} records per call")
    return records


async def run_sync(
    request: Request,
    session: AsyncSession,
    store: IdempotencyStore,
    token_id: str,
    apply: Callable[[Sequence[Any]], Awaitable[SyncReport]],
    *,
    idempotency_key: str | None,
    dry_run: bool,
    log: SyncRunLog | None = None,
    cipher: FieldCipher | None = None,
) -> Response:
    """Answer a sync request: replay a known key, parse the body, apply, remember the answer
    (encrypted under ``cipher`` when one is given) and log the run in ``log``."""
    body = await request.body()
    # The key is bound to this endpoint and mode as well as the body: the same key sent to
    # another sync route is another request, not a replay.
    route = f"{request.method} {request.url.path} dry_run={dry_run}\n".encode()
    body_hash = request_hash(route + body)
    if idempotency_key is not None:
        stored = await store.replay(
            session, key=idempotency_key, token_id=token_id, body_hash=body_hash, cipher=cipher
        )
        if stored is not None:
            status, content = stored
            return Response(content, status, media_type="application/json",
                            headers={"Idempotent-Replayed": "true"})  # fmt: skip
    try:
        records = parse_records(body)
    except _MalformedError as exc:
        detail = f"malformed JSON body: {exc}"
        return problem(400, detail, instance=request.url.path, type_=MALFORMED_BODY)
    result = await apply(records)
    if log is not None:
        await log.record(session, route=request.url.path, token_id=token_id, report=result)
    content = result.to_json()
    if idempotency_key is not None and not dry_run:
        await store.remember(
            session,
            key=idempotency_key,
            token_id=token_id,
            body_hash=body_hash,
            status=200,
            body=content,
            cipher=cipher,
        )
    return Response(content, 200, media_type="application/json")
