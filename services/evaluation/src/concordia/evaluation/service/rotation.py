"""Re-encrypt evaluators' names under the current node key, a batch at a time (resumable).

As the registry's, by ``concordia.core.db.rotate_rows``: each batch is one unit of work,
evaluators in id order after a cursor; a name already sealed under the current key is skipped,
so an interrupted rotation runs again and finishes the rest. ``concordia node rotate-key``
calls it.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.crypto import FieldCipher
from concordia.core.db import Database, Rotation, rotate_rows
from concordia.evaluation.models import Evaluator
from concordia.evaluation.service.people import name_aad

__all__ = ["Rotation", "rotate"]


async def rotate(*, db: Database, cipher: FieldCipher, batch: int = 500) -> Rotation:
    """Re-encrypt every evaluator's name not yet under the current key; safe to run again."""

    async def reseal(session: AsyncSession, evaluator: Evaluator) -> bool:
        if cipher.is_current(evaluator.name_enc):
            return False
        aad = name_aad(evaluator.id)
        sealed = cipher.encrypt(cipher.decrypt(evaluator.name_enc, aad=aad), aad=aad)
        await session.execute(
            update(Evaluator).where(Evaluator.id == evaluator.id).values(name_enc=sealed)
        )
        return True

    return await rotate_rows(db, Evaluator, reseal, batch=batch)
