"""Organisations' external ids (an agency's own record ids): one each per owner.

Persons' external ids are stored only as a keyed digest and a ciphertext; they are checked in
``persons`` (``find_by_external_id``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.errors import ConflictError
from concordia.registry.models import Organisation


async def ensure_external_id_free(
    *,
    session: AsyncSession,
    model: type[Organisation],
    owner: str,
    external_id: str | None,
) -> None:
    """409 when another record of ``owner`` already carries ``external_id``.

    External ids are an owner's own keys: another owner's use of the same id is not a conflict
    (and is never revealed).
    """
    if external_id is None:
        return
    query = select(model.id).where(model.external_id == external_id, model.owner == owner)
    taken = await session.scalar(query)
    if taken is not None:
        raise ConflictError(f"external_id {external_id!r} already belongs to {taken}")
