"""Re-encrypt evaluators' names under the current node key, a batch at a time (resumable).

As the registry's (``concordia.registry.service.rotation``): each batch is one unit of work,
evaluators in id order after a cursor; a name already sealed under the current key is skipped,
so an interrupted rotation runs again and finishes the rest. ``concordia node rotate-key``
calls it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from concordia.core.crypto import FieldCipher
from concordia.core.db import Database
from concordia.evaluation.models import Evaluator
from concordia.evaluation.service.people import name_aad


@dataclass
class Rotation:
    """What a rotation did: evaluators looked at, re-encrypted, batches committed."""

    seen: int = 0
    rotated: int = 0
    batches: int = 0


async def rotate(*, db: Database, cipher: FieldCipher, batch: int = 500) -> Rotation:
    """Re-encrypt every evaluator's name not yet under the current key; safe to run again."""
    done, after = Rotation(), uuid.UUID(int=0)
    while True:
        async with db.unit_of_work() as session:
            rows = (
                await session.execute(
                    select(Evaluator.id, Evaluator.name_enc)
                    .where(Evaluator.id > after)
                    .order_by(Evaluator.id)
                    .limit(batch)
                )
            ).all()
            if not rows:
                return done
            for evaluator_id, blob in rows:
                done.seen += 1
                if cipher.is_current(blob):
                    continue
                aad = name_aad(evaluator_id)
                sealed = cipher.encrypt(cipher.decrypt(blob, aad=aad), aad=aad)
                await session.execute(
                    update(Evaluator).where(Evaluator.id == evaluator_id).values(name_enc=sealed)
                )
                done.rotated += 1
            after = rows[-1][0]
        done.batches += 1
