"""Re-encrypt the registry's personal fields under the current node key, a batch at a time.

Each batch is one unit of work: persons in id order after a cursor, their ciphertexts opened
under whichever key sealed them and sealed again under the current one, their change digests
and the keyed digests of their external ids recomputed. A row already under the current key is
skipped, so an interrupted rotation simply runs again and finishes the rest. Erased persons
hold no ciphertext; the keyed digests that remember their external ids cannot be recomputed
(the ids are gone), so a retired key stays in ``CONCORDIA_NODE_KEYS_RETIRED`` for as long as
those tombstones must match.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database, Rotation, rotate_rows
from concordia.registry.models import Person
from concordia.registry.service import persons
from concordia.registry.service._common import NodeContext

__all__ = ["Rotation", "rotate"]

_SEALED = ("name_enc", "aliases_enc", "host_city_enc", "external_id_enc")


async def rotate(*, db: Database, ctx: NodeContext, batch: int = 500) -> Rotation:
    """Re-encrypt every person not yet under the current key; safe to run again."""

    async def reseal(session: AsyncSession, person: Person) -> bool:
        blobs = [getattr(person, column) for column in _SEALED]
        if all(b is None or ctx.cipher.is_current(b) for b in blobs):
            return False
        fields = persons.person_fields(ctx, person)
        external_id = persons.external_id_of(ctx, person)
        columns = {
            **persons.person_columns(ctx, person.id, fields),
            **persons.external_columns(ctx, person.id, person.owner, external_id),
        }
        await session.execute(
            update(Person)
            .where(Person.id == person.id)
            .values({c: columns[c] for c in (*_SEALED, "digest", "external_key")})
        )
        return True

    return await rotate_rows(db, Person, reseal, where=[Person.name_enc.is_not(None)], batch=batch)
