"""External ids (an agency's own record ids): one record each, checked before a write.

Its own module so that ``persons``, ``organisations`` and ``sync`` all use it without importing
one another in a circle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.errors import ConflictError
from concordia.registry.models import Organisation, Person


async def ensure_external_id_free(
    *, session: AsyncSession, model: type[Person] | type[Organisation], external_id: str | None
) -> None:
    """409 when another record already carries ``external_id``."""
    if external_id is None:
        return
    taken = await session.scalar(select(model.id).where(model.external_id == external_id))
    if taken is not None:
        raise ConflictError(f"external_id {external_id!r} already belongs to {taken}")
