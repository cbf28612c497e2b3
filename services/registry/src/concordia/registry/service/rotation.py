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

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from concordia.core.db import Database
from concordia.registry.models import Person
from concordia.registry.service import persons
from concordia.registry.service._common import NodeContext

_SEALED = ("name_enc", "aliases_enc", "host_city_enc", "external_id_enc")


@dataclass
class Rotation:
    """What a rotation did: persons looked at, persons re-encrypted, batches committed."""

    seen: int = 0
    rotated: int = 0
    batches: int = 0


async def rotate(*, db: Database, ctx: NodeContext, batch: int = 500) -> Rotation:
    """Re-encrypt every person not yet under the current key; safe to run again."""
    done, after = Rotation(), uuid.UUID(int=0)
    while True:
        async with db.unit_of_work() as session:
            rows = (
                await session.scalars(
                    select(Person)
                    .where(Person.id > after, Person.name_enc.is_not(None))
                    .order_by(Person.id)
                    .limit(batch)
                )
            ).all()
            if not rows:
                return done
            for person in rows:
                done.seen += 1
                blobs = [getattr(person, column) for column in _SEALED]
                if all(b is None or ctx.cipher.is_current(b) for b in blobs):
                    continue
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
                done.rotated += 1
            after = rows[-1].id
        done.batches += 1
