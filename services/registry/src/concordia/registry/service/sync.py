"""Bulk sync for agencies: upsert up to 5,000 records by ``external_id`` in one unit of work.

Each record is validated on its own, so a rejected record never blocks the valid ones. Valid
records are written with set-based statements (one INSERT, one UPDATE per batch), which is what
keeps a 100,000-person sync within a small factor of a raw ``executemany``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.errors import ConflictError
from concordia.events import Event
from concordia.registry.models import IdempotentRequest, Organisation, Person
from concordia.registry.schemas import (
    OrganisationSync,
    PersonSync,
    RecordError,
    SyncReport,
    SyncResult,
)
from concordia.registry.service import organisations as org_service
from concordia.registry.service import persons as person_service
from concordia.registry.service._common import NodeContext, emit, new_id, now, record_changes

MAX_RECORDS = 5000
_CHUNK = 500  # bound the IN (...) lists and executemany batches on every backend


async def ensure_external_id_free(
    *, session: AsyncSession, model: type[Person] | type[Organisation], external_id: str | None
) -> None:
    """409 when another record already carries ``external_id``."""
    if external_id is None:
        return
    taken = await session.scalar(select(model.id).where(model.external_id == external_id))
    if taken is not None:
        raise ConflictError(f"external_id {external_id!r} already belongs to {taken}")


@dataclass
class _Plan:
    results: list[SyncResult] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


def _validate(
    records: Sequence[Any], schema: type[BaseModel]
) -> tuple[list[tuple[int, BaseModel]], list[SyncResult]]:
    valid: list[tuple[int, BaseModel]] = []
    rejected: list[SyncResult] = []
    seen: set[str] = set()
    for index, raw in enumerate(records):
        external_id = raw.get("external_id") if isinstance(raw, dict) else None
        external_id = external_id if isinstance(external_id, str) else None
        try:
            record = schema.model_validate(raw)
        except ValidationError as exc:
            errors = [RecordError(loc=list(e["loc"]), msg=e["msg"]) for e in exc.errors()]
            rejected.append(_rejected(index, external_id, errors))
            continue
        key: str = record.external_id  # type: ignore[attr-defined]
        if key in seen:
            error = RecordError(loc=["external_id"], msg="duplicate external_id in this request")
            rejected.append(_rejected(index, key, [error]))
            continue
        seen.add(key)
        valid.append((index, record))
    return valid, rejected


def _rejected(index: int, external_id: str | None, errors: list[RecordError]) -> SyncResult:
    return SyncResult(index=index, external_id=external_id, status="rejected", errors=errors)


async def _existing(
    session: AsyncSession, columns: Sequence[Any], key: Any, values: list[str]
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        for row in await session.execute(select(*columns).where(key.in_(chunk))):
            found[getattr(row, key.key)] = row
    return found


async def sync_persons(
    *, session: AsyncSession, ctx: NodeContext, records: Sequence[Any], dry_run: bool
) -> SyncReport:
    """Upsert persons by external_id; unchanged records are detected by their keyed digest."""
    valid, rejected = _validate(records, PersonSync)
    keys = [r.external_id for _, r in valid]  # type: ignore[attr-defined]
    cols = (Person.id, Person.external_id, Person.version, Person.digest)
    existing = await _existing(session, cols, Person.external_id, keys)
    plan, at = _Plan(results=rejected), now()
    for index, record in valid:
        fields = record.model_dump(mode="json", exclude={"external_id"})
        key = record.external_id  # type: ignore[attr-defined]
        row = existing.get(key)
        if row is not None and row.digest == person_service.fields_digest(ctx, fields):
            plan.results.append(_result(index, key, "unchanged", row.id, row.version))
            continue
        person_id = row.id if row is not None else new_id()
        version = row.version + 1 if row is not None else 1
        values = {
            "id": person_id,
            "external_id": key,
            "version": version,
            "updated_at": at,
            **person_service.person_columns(ctx, person_id, fields),
        }
        if row is None:
            plan.inserts.append({**values, "created_at": at})
            plan.events.append(person_service.registered_event(values))
        else:
            plan.updates.append(values)
            plan.events.append(person_service.updated_event(values))
        status = "created" if row is None else "updated"
        plan.results.append(_result(index, key, status, person_id, version))
        plan.changes.append(_change("person", values))
    return await _apply(session, ctx, Person, plan, dry_run)


async def sync_organisations(
    *, session: AsyncSession, ctx: NodeContext, records: Sequence[Any], dry_run: bool
) -> SyncReport:
    """Upsert organisations by external_id; an identifier held by another record is rejected."""
    valid, rejected = _validate(records, OrganisationSync)
    keys = [r.external_id for _, r in valid]  # type: ignore[attr-defined]
    cols = (Organisation.id, Organisation.external_id, Organisation.version, Organisation.digest)
    existing = await _existing(session, cols, Organisation.external_id, keys)
    identifiers = [r.identifier for _, r in valid]  # type: ignore[attr-defined]
    id_cols = (Organisation.identifier, Organisation.external_id)
    owners = await _existing(session, id_cols, Organisation.identifier, identifiers)
    plan, at, claimed = _Plan(results=rejected), now(), set[str]()
    for index, record in valid:
        fields = record.model_dump(mode="json", exclude={"external_id"})
        key, identifier = record.external_id, record.identifier  # type: ignore[attr-defined]
        owner = owners.get(identifier)
        if (owner is not None and owner.external_id != key) or identifier in claimed:
            msg = "identifier already belongs to another organisation"
            plan.results.append(_rejected(index, key, [RecordError(loc=["identifier"], msg=msg)]))
            continue
        claimed.add(identifier)
        digest = org_service.fields_digest(ctx, fields)
        row = existing.get(key)
        if row is not None and row.digest == digest:
            plan.results.append(_result(index, key, "unchanged", row.id, row.version))
            continue
        org_id = row.id if row is not None else new_id()
        version = row.version + 1 if row is not None else 1
        values = {
            "id": org_id,
            "external_id": key,
            "version": version,
            "updated_at": at,
            "digest": digest,
            **fields,
        }
        if row is None:
            plan.inserts.append({**values, "created_at": at})
        else:
            plan.updates.append(values)
        plan.events.append(org_service.org_event(values, created=row is None))
        status = "created" if row is None else "updated"
        plan.results.append(_result(index, key, status, org_id, version))
        plan.changes.append(_change("organisation", values))
    return await _apply(session, ctx, Organisation, plan, dry_run)


def _result(index: int, key: str, status: Any, id_: Any, version: int) -> SyncResult:
    return SyncResult(index=index, external_id=key, status=status, id=id_, version=version)


def _change(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "entity": entity,
        "entity_id": values["id"],
        "external_id": values["external_id"],
        "version": values["version"],
        "op": "upsert",
    }


async def _apply(
    session: AsyncSession, ctx: NodeContext, model: Any, plan: _Plan, dry_run: bool
) -> SyncReport:
    plan.results.sort(key=lambda r: r.index)
    counts = dict.fromkeys(("created", "updated", "unchanged", "rejected"), 0)
    for result in plan.results:
        counts[result.status] += 1
    if not dry_run:
        for start in range(0, len(plan.inserts), _CHUNK):
            await session.execute(insert(model), plan.inserts[start : start + _CHUNK])
        for start in range(0, len(plan.updates), _CHUNK):
            await session.execute(update(model), plan.updates[start : start + _CHUNK])
        await record_changes(session, plan.changes)
        await emit(session, ctx, plan.events)
    return SyncReport(dry_run=dry_run, counts=counts, results=plan.results)


def request_hash(body: bytes) -> bytes:
    """The fingerprint that ties an Idempotency-Key to one request body."""
    return hashlib.sha256(body).digest()


async def replay(
    *, session: AsyncSession, key: str, token_id: str, body_hash: bytes
) -> tuple[int, bytes] | None:
    """The stored answer for a repeated Idempotency-Key; 409 if it came with another body."""
    stored = await session.get(IdempotentRequest, (key, token_id))
    if stored is None:
        return None
    if stored.request_hash != body_hash:
        raise ConflictError("Idempotency-Key was already used with a different request body")
    return stored.status, stored.response


async def remember(
    *, session: AsyncSession, key: str, token_id: str, body_hash: bytes, status: int, body: bytes
) -> None:
    """Store the answer of a sync under its Idempotency-Key, in the same unit of work."""
    session.add(
        IdempotentRequest(
            key=key,
            token_id=token_id,
            request_hash=body_hash,
            status=status,
            response=body,
            created_at=now(),
        )
    )
