"""Bulk sync for agencies: upsert up to 5,000 records by ``external_id`` in one unit of work.

Each record is validated on its own (``concordia.core.bulk``), so a rejected record never blocks
the valid ones. A field absent from a record (a blank cell in an agency's export) keeps its
stored value, never the schema's default: a missing ``risk_level`` must not turn a ``critical``
person into a ``medium`` one. Each result names the fields left so (or, for a new record, the
ones that took their default). Valid records are written with set-based statements (one INSERT,
one UPDATE per batch), which is what keeps a 100,000-person sync within a small factor of a raw
``executemany``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.bulk import (
    RecordError,
    SyncPlan,
    SyncReport,
    fetch_in,
    next_version,
    validate_records,
)
from concordia.registry.models import Organisation, Person
from concordia.registry.schemas import OrganisationSync, PersonSync
from concordia.registry.service import organisations as org_service
from concordia.registry.service import persons as person_service
from concordia.registry.service._common import (
    Actor,
    NodeContext,
    emit,
    record_changes,
)


@dataclass
class _Plan(SyncPlan):
    """A sync's plan with its delta-feed entries."""

    changes: list[dict[str, Any]] = field(default_factory=list)


async def _existing(
    session: AsyncSession,
    columns: Sequence[Any],
    key: Any,
    values: Sequence[str | bytes],
    where: Sequence[Any] = (),
) -> dict[Any, Any]:
    rows = await fetch_in(session, columns, key, values, where=where)
    return {getattr(row, key.key): row for row in rows}


async def sync_persons(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    records: Sequence[Any],
    dry_run: bool,
) -> SyncReport:
    """Upsert the actor's owner's persons by external_id; every record touched is audited.

    Only the owner's records are matched: another owner's person with the same external id is
    neither reported nor changed (the sync creates the owner's own record).
    """
    valid, refused = validate_records(records, PersonSync)
    keys = [r.external_id for _, r in valid]
    owner = actor.owner
    # External ids are found by their keyed digests (under every node key), never as text.
    digests = {k: person_service.external_keys(ctx, owner, k) for k in keys}
    lookup = {digest: k for k, under_each in digests.items() for digest in under_each}
    cols = (Person.id, Person.external_key, Person.version, Person.digest)
    mine = [Person.owner == owner]
    found = await _existing(session, cols, Person.external_key, [*lookup], mine)
    existing = {lookup[digest]: row for digest, row in found.items()}
    erased = await _erased(session, ctx, [k for k in keys if k not in existing], mine)
    stored = await _stored_persons(session, ctx, valid, existing)
    plan = _Plan(results=refused)
    for index, record in valid:
        fields = record.model_dump(mode="json", exclude={"external_id"})
        key = record.external_id
        if key in erased:
            plan.reject(index, key, [ERASED])
            continue
        row = existing.get(key)
        absent = _absent(record, PersonSync)
        if row is not None and absent:
            fields |= {name: stored[row.id][name] for name in absent}
        if row is not None and row.digest == person_service.fields_digest(ctx, fields):
            plan.unchanged(index, key, row, absent)
            continue
        person_id, version = next_version(row)
        values = plan.upsert(index, key, row, {
            "id": person_id,
            "owner": owner,
            "version": version,
            "updated_at": plan.at,
            # The current key's digest, computed for the lookup above.
            **person_service.external_columns(ctx, person_id, owner, key, digests[key][0]),
            **person_service.person_columns(ctx, person_id, fields),
        }, absent)  # fmt: skip
        event = person_service.registered_event if row is None else person_service.updated_event
        plan.events.append(event(values))
        plan.changes.append(_change("person", {**values, "external_id": None}))
    # Dry runs too: they tell which of the owner's persons exist. Ids a dry run would create
    # name no one, so they are left out.
    touched = [
        r.id for r in plan.results if r.id is not None and not (dry_run and r.status == "created")
    ]
    action = "sync_dry_run" if dry_run else "sync"
    await person_service.audit(session=session, actor=actor, person_ids=touched, action=action)
    return await _apply(session, ctx, Person, plan, dry_run)


async def _erased(
    session: AsyncSession, ctx: NodeContext, keys: list[str], mine: Sequence[Any]
) -> set[str]:
    """The external ids among ``keys`` of persons the owner erased (their tombstones)."""
    if not keys:
        return set()
    # Most owners never erased anyone: then no tombstone digest needs computing at all.
    any_tombstone = select(Person.id).where(Person.erased_key.is_not(None), *mine).limit(1)
    if await session.scalar(any_tombstone) is None:
        return set()
    unknown = {digest: k for k in keys for digest in person_service.erased_keys(ctx, k)}
    tombstones = await _existing(session, (Person.erased_key,), Person.erased_key, [*unknown], mine)
    return {unknown[digest] for digest in tombstones}


ERASED = RecordError(
    loc=["external_id"],
    msg="this person was erased at their request and is not re-created; "
    "register them again under a new external_id only with their renewed consent",
)


async def sync_organisations(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    records: Sequence[Any],
    dry_run: bool,
) -> SyncReport:
    """Upsert the owner's organisations by external_id; an identifier held by another record is
    rejected (identifiers are public registration numbers, unique on the node)."""
    valid, refused = validate_records(records, OrganisationSync)
    keys = [r.external_id for _, r in valid]
    # Every column: a field absent from a record keeps the value stored here.
    cols = tuple(Organisation.__table__.c)
    mine = [Organisation.owner == actor.owner]
    existing = await _existing(session, cols, Organisation.external_id, keys, mine)
    identifiers = [r.identifier for _, r in valid]
    id_cols = (Organisation.identifier, Organisation.external_id, Organisation.owner)
    owners = await _existing(session, id_cols, Organisation.identifier, identifiers)
    plan, claimed = _Plan(results=refused), set[str]()
    for index, record in valid:
        fields = record.model_dump(mode="json", exclude={"external_id"})
        key, identifier = record.external_id, record.identifier
        owner = owners.get(identifier)
        theirs = owner is not None and (owner.external_id != key or owner.owner != actor.owner)
        if theirs or identifier in claimed:
            msg = "identifier already belongs to another organisation"
            plan.reject(index, key, [RecordError(loc=["identifier"], msg=msg)])
            continue
        claimed.add(identifier)
        row = existing.get(key)
        absent = _absent(record, OrganisationSync)
        if row is not None and absent:
            fields |= {name: getattr(row, name) for name in absent}
        digest = org_service.fields_digest(ctx, fields)
        if row is not None and row.digest == digest:
            plan.unchanged(index, key, row, absent)
            continue
        org_id, version = next_version(row)
        values = {"id": org_id, "owner": actor.owner, "external_id": key, "version": version,
                  "updated_at": plan.at, "digest": digest, **fields}  # fmt: skip
        plan.upsert(index, key, row, values, absent)
        plan.events.append(org_service.org_event(values, created=row is None))
        plan.changes.append(_change("organisation", values))
    return await _apply(session, ctx, Organisation, plan, dry_run)


#: Each sync schema's fields but ``external_id``, sorted.
_FIELDS = {schema: sorted(set(schema.model_fields) - {"external_id"})
           for schema in (PersonSync, OrganisationSync)}  # fmt: skip


def _absent(record: Any, schema: type[PersonSync] | type[OrganisationSync]) -> list[str]:
    """The record's fields it did not carry (required ones never are: validation saw to it)."""
    given = record.__pydantic_fields_set__
    return [name for name in _FIELDS[schema] if name not in given]


async def _stored_persons(
    session: AsyncSession, ctx: NodeContext, valid: Sequence[Any], existing: dict[str, Any]
) -> dict[Any, dict[str, Any]]:
    """The stored fields (decrypted) of the existing persons whose records leave fields out."""
    ids = [existing[r.external_id].id for _, r in valid
           if r.external_id in existing and _absent(r, PersonSync)]  # fmt: skip
    if not ids:
        return {}
    rows = await fetch_in(session, tuple(Person.__table__.c), Person.id, ids)
    return {row.id: person_service.person_fields(ctx, row) for row in rows}


def _change(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "owner": values["owner"],
        "entity": entity,
        "entity_id": values["id"],
        "external_id": values["external_id"],
        "version": values["version"],
        "op": "upsert",
    }


async def _apply(
    session: AsyncSession, ctx: NodeContext, model: Any, plan: _Plan, dry_run: bool
) -> SyncReport:
    if not dry_run:
        await plan.write(session, model)
        await record_changes(session, plan.changes)
        await emit(session, ctx, plan.events)
    return plan.report(dry_run=dry_run)
