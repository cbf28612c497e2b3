"""Persons: create, read (audited), change, erase, list."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import check_version, field_reader, new_id, now
from concordia.core.errors import ConflictError, NotFoundError
from concordia.core.pagination import owned_page
from concordia.events.registry import PersonErased, PersonRegistered, PersonUpdated
from concordia.registry import codes
from concordia.registry.models import Consent, Membership, Permit, Person
from concordia.registry.schemas import PersonCreate, PersonFields, PersonRead, PersonUpdate
from concordia.registry.service import audit_chain
from concordia.registry.service._common import Actor, NodeContext, emit, record_changes, save_change
from concordia.registry.service.audit import AuditTrail

_ENCRYPTED = ("name", "aliases", "host_city")
_PLAIN = (
    "gender", "ethnic_origin", "national_minority", "region_of_origin", "profession_category",
    "host_country", "risk_level",
)  # fmt: skip


def _aad(person_id: uuid.UUID | str, column: str) -> bytes:
    return f"persons.{column}:{person_id}".encode()


def fields_digest(ctx: NodeContext, fields: dict[str, Any]) -> bytes:
    """A keyed digest of a person's fields: equal digests mean nothing changed."""
    return ctx.cipher.digest(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS))


def _external_input(owner: str, external_id: str) -> bytes:
    # The owner is part of the digest: one case number at two agencies gives two unrelated
    # digests, so the table does not link them. Frozen in migration b7c1e2d3f4a5 too.
    return b"external-id:" + owner.encode() + b"\x00" + external_id.encode()


def external_key(ctx: NodeContext, owner: str, external_id: str) -> bytes:
    """The keyed digest by which an owner's person is found from its external id."""
    return ctx.cipher.digest(_external_input(owner, external_id))


def external_keys(ctx: NodeContext, owner: str, external_id: str) -> list[bytes]:
    """:func:`external_key` under every node key, the current first (finds rows written before
    a rotation finished)."""
    return ctx.cipher.digests(_external_input(owner, external_id))


def external_columns(
    ctx: NodeContext,
    person_id: uuid.UUID,
    owner: str,
    external_id: str | None,
    key: bytes | None = None,
) -> dict[str, bytes | None]:
    """The stored form of an external id: a keyed digest for lookup and the value encrypted.

    ``key``: :func:`external_key` of it, when the caller computed it already.
    """
    if external_id is None:
        return {"external_key": None, "external_id_enc": None}
    return {
        "external_key": key or external_key(ctx, owner, external_id),
        "external_id_enc": ctx.cipher.encrypt(external_id, aad=_aad(person_id, "external_id")),
    }


def external_id_of(ctx: NodeContext, person: Any) -> str | None:
    """A person's external id, decrypted (None when it has none or was erased)."""
    blob = person.external_id_enc
    if blob is None:
        return None
    return ctx.cipher.decrypt(blob, aad=_aad(person.id, "external_id"))


async def find_by_external_id(
    session: AsyncSession, ctx: NodeContext, owner: str, external_id: str
) -> uuid.UUID | None:
    """The id of ``owner``'s person with ``external_id``, if there is one."""
    keys = external_keys(ctx, owner, external_id)
    query = select(Person.id).where(Person.external_key.in_(keys), Person.owner == owner)
    return await session.scalar(query)


def erased_key(ctx: NodeContext, external_id: str) -> bytes:
    """The keyed digest that remembers an erased person's external id without keeping it."""
    return ctx.cipher.digest(b"erased-external-id:" + external_id.encode())


def erased_keys(ctx: NodeContext, external_id: str) -> list[bytes]:
    """:func:`erased_key` under every node key: tombstones written before a rotation match."""
    return ctx.cipher.digests(b"erased-external-id:" + external_id.encode())


def person_columns(
    ctx: NodeContext, person_id: uuid.UUID, fields: dict[str, Any]
) -> dict[str, Any]:
    """Map validated person fields (``model_dump(mode="json")``) to table columns, encrypting."""
    enc = ctx.cipher.encrypt
    city = fields.get("host_city")
    pid = str(person_id)  # once, not per column (a sync maps 5,000 persons per call)
    return {
        "name_enc": enc(fields["name"], aad=_aad(pid, "name")),
        "aliases_enc": enc(orjson.dumps(fields["aliases"]).decode(), aad=_aad(pid, "aliases")),
        "host_city_enc": enc(city, aad=_aad(pid, "host_city")) if city else None,
        "vulnerabilities": sorted(set(fields["vulnerabilities"])),
        "family": fields["family"],
        "digest": fields_digest(ctx, fields),
        **{name: fields.get(name) for name in _PLAIN},
    }


def person_fields(ctx: NodeContext, person: Person) -> dict[str, Any]:
    """Decrypt a person's row back into the API's field dictionary."""
    dec = ctx.cipher.decrypt
    return {
        "name": dec(person.name_enc, aad=_aad(person.id, "name")) if person.name_enc else None,
        "aliases": orjson.loads(dec(person.aliases_enc, aad=_aad(person.id, "aliases")))
        if person.aliases_enc
        else [],
        "host_city": dec(person.host_city_enc, aad=_aad(person.id, "host_city"))
        if person.host_city_enc
        else None,
        "vulnerabilities": person.vulnerabilities or [],
        "family": person.family or [],
        **{name: getattr(person, name) for name in _PLAIN},
    }


def to_read(ctx: NodeContext, person: Person) -> PersonRead:
    """Render a person for the API."""
    fields = person_fields(ctx, person)
    return PersonRead(
        id=person.id,
        version=person.version,
        external_id=external_id_of(ctx, person),
        erased=person.erased_at is not None,
        federal_district=codes.REGION_DISTRICT.get(person.region_of_origin or ""),
        created_at=person.created_at,
        updated_at=person.updated_at,
        **fields,
    )


_PersonEvent = TypeVar("_PersonEvent", PersonRegistered, PersonUpdated)


def _person_event(kind: type[_PersonEvent], person: Person | dict[str, Any]) -> _PersonEvent:
    # A person's local event carries ids and codes, never names.
    get = field_reader(person)
    return kind(person_id=get("id"), host_country=get("host_country"), version=get("version"))


def registered_event(person: Person | dict[str, Any]) -> PersonRegistered:
    """The local event for a new person: ids and codes, never names."""
    return _person_event(PersonRegistered, person)


def updated_event(person: Person | dict[str, Any]) -> PersonUpdated:
    """The local event for a changed person."""
    return _person_event(PersonUpdated, person)


async def create(
    *, session: AsyncSession, ctx: NodeContext, actor: Actor, data: PersonCreate
) -> Person:
    """Register a person for the actor's owner; 409 if the owner already uses the external id."""
    owner = actor.owner
    if data.external_id is not None:
        taken = await find_by_external_id(session, ctx, owner, data.external_id)
        if taken is not None:
            raise ConflictError(f"external_id {data.external_id!r} already belongs to {taken}")
        keys = erased_keys(ctx, data.external_id)
        tombstone = select(Person.id).where(Person.erased_key.in_(keys), Person.owner == owner)
        if await session.scalar(tombstone) is not None:
            raise ConflictError(
                f"external_id {data.external_id!r} belongs to an erased person; "
                "use a new external_id only with the person's renewed consent"
            )
    person_id, at = new_id(), now()
    fields = data.model_dump(mode="json", exclude={"external_id"})
    row = {
        "id": person_id,
        "owner": owner,
        "version": 1,
        "created_at": at,
        "updated_at": at,
        **external_columns(ctx, person_id, owner, data.external_id),
        **person_columns(ctx, person_id, fields),
    }
    await session.execute(insert(Person), [row])
    await audit(session=session, actor=actor, person_ids=[person_id], action="create")
    await record_changes(session, [_change(row, "upsert")])
    await emit(session, ctx, [registered_event(row)])
    return await _load(session, person_id, actor)


def _change(row: dict[str, Any], op: str) -> dict[str, Any]:
    # A person's external id is never copied into the feed: the feed reads it, decrypted, from
    # the person (``feeds.changes``), so erasure leaves nothing of it behind.
    return {
        "owner": row["owner"],
        "entity": "person",
        "entity_id": row["id"],
        "external_id": None,
        "version": row["version"],
        "op": op,
    }


async def _load(session: AsyncSession, person_id: uuid.UUID, actor: Actor) -> Person:
    person = await session.get(Person, person_id, populate_existing=True)
    return visible(person, person_id, actor)


def visible(person: Person | None, person_id: uuid.UUID, actor: Actor) -> Person:
    """The person if the actor may see it; another owner's person is a 404 like a missing one."""
    if person is None or not actor.owns(person.owner):
        raise NotFoundError(f"no person {person_id}")
    return person


def audit_entries(actor: Actor, person_ids: list[uuid.UUID], action: str) -> list[dict[str, Any]]:
    """The audit rows for ``action`` by ``actor`` on each person."""
    at = now()
    return [
        {
            "at": at,
            "token_id": actor.token_id,
            "token_name": actor.name,
            "owner": actor.owner,
            "action": action,
            "person_id": pid,
            "purpose": actor.purpose,
        }
        for pid in person_ids
    ]


async def audit(
    *, session: AsyncSession, actor: Actor, person_ids: list[uuid.UUID], action: str
) -> None:
    """Write audit entries in the caller's writing unit of work (for changes: atomic with them).

    The unit of work holds the database's write lock, so the entries chain after the head.
    """
    if person_ids:
        await audit_chain.append(session, audit_entries(actor, person_ids, action))


async def get(*, trail: AuditTrail, actor: Actor, person_id: uuid.UUID) -> Person:
    """Read one person; the attempt is durably audited before the record is fetched.

    The hottest read of the registry: the row is read in the audit trail's own batch (one
    hand-off to the database per batch of requests, none per request), and released only once
    the batch's audit entries are committed.
    """
    entries = audit_entries(actor, [person_id], "read")
    person = await trail.record_then_get(entries, Person, person_id)
    return visible(person, person_id, actor)


async def list_page(
    *,
    session: AsyncSession,
    trail: AuditTrail,
    actor: Actor,
    after: uuid.UUID | None,
    limit: int,
) -> list[Person]:
    """A keyset page of persons in creation order; every person returned is audited."""
    persons = await owned_page(session, Person, owner=actor.scope, after=after, limit=limit)
    await trail.record(audit_entries(actor, [p.id for p in persons], "list"))
    return persons


async def update(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    person_id: uuid.UUID,
    data: PersonUpdate,
    if_match: int | None,
) -> Person:
    """Change the fields sent; 412 on a stale If-Match, 404 for an erased person."""
    person = await _load(session, person_id, actor)
    if person.erased_at is not None:
        raise NotFoundError(f"person {person_id} was erased")
    check_version(person.version, if_match)
    current = person_fields(ctx, person)
    merged = PersonFields.model_validate(
        {**current, **data.model_dump(mode="json", exclude_unset=True)}, strict=False
    ).model_dump(mode="json")
    columns = person_columns(ctx, person_id, merged)
    await audit(session=session, actor=actor, person_ids=[person_id], action="update")
    if columns["digest"] == person.digest:
        return person
    await save_change(
        session,
        ctx,
        person,
        columns,
        lambda: _change(_as_row(person), "upsert"),
        lambda: updated_event(person),
    )
    return person


def _as_row(person: Person) -> dict[str, Any]:
    return {"id": person.id, "owner": person.owner, "version": person.version}


async def erase(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    person_id: uuid.UUID,
    if_match: int | None,
) -> None:
    """Remove every personal field, permit, consent and membership; keep a tombstone."""
    person = await _load(session, person_id, actor)
    await audit(session=session, actor=actor, person_ids=[person_id], action="erase")
    if person.erased_at is not None:
        return
    check_version(person.version, if_match)
    change = {**_as_row(person), "version": person.version + 1}
    external_id = external_id_of(ctx, person)
    if external_id is not None:
        person.erased_key = erased_key(ctx, external_id)
    for column in (
        "external_key", "external_id_enc", "digest", "name_enc", "aliases_enc", "host_city_enc",
        "vulnerabilities", "family", *_PLAIN,
    ):  # fmt: skip
        setattr(person, column, None)
    person.version += 1
    person.erased_at = person.updated_at = now()
    permits = (
        await session.execute(
            delete(Permit).where(Permit.person_id == person_id).returning(Permit.id, Permit.version)
        )
    ).all()
    for model in (Consent, Membership):
        await session.execute(delete(model).where(model.person_id == person_id))
    await session.flush()
    removed = [
        {
            "owner": person.owner,
            "entity": "permit",
            "entity_id": pid,
            "external_id": None,
            "version": v + 1,
            "op": "delete",
        }
        for pid, v in permits
    ]
    await record_changes(session, [*removed, _change(change, "erase")])
    await emit(session, ctx, [PersonErased(person_id=person_id, erased_at=person.erased_at)])
