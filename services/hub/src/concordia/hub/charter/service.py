"""The coalition charter at the hub: versions kept, the newest sent to every country.

A new charter is stored as the next revision; the hub publishes it on ``hub.charter`` into
every country account at once, and re-sends it to services whose status shows an older one
(a node that was offline when it was set catches up by itself).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.core.errors import ConflictError, FieldError
from concordia.events import DEFAULT_CHARTER, CharterPublished, Envelope
from concordia.hub.models import Charter, ServiceStatus
from concordia.hub.schemas import CharterUpdate

if TYPE_CHECKING:  # nodes -> ingest -> charter: the import would be circular
    from concordia.hub.nodes import Federation

log = logging.getLogger(__name__)


async def current(*, session: AsyncSession) -> CharterPublished:
    """The current charter: the highest revision, or the built-in defaults (revision 0)."""
    payload = await session.scalar(
        select(Charter.payload).order_by(Charter.revision.desc()).limit(1)
    )
    return DEFAULT_CHARTER if payload is None else CharterPublished.model_validate(payload)


async def versions(*, session: AsyncSession) -> list[CharterPublished]:
    """Every stored revision, oldest first, after the built-in defaults."""
    rows = await session.scalars(select(Charter.payload).order_by(Charter.revision))
    return [DEFAULT_CHARTER, *(CharterPublished.model_validate(p) for p in rows)]


async def put(
    *, session: AsyncSession, data: CharterUpdate, if_match: int | None
) -> CharterPublished:
    """Store ``data`` as the next revision; 409 if ``if_match`` is stale or the version taken."""
    now = await current(session=session)
    if if_match is not None and if_match != now.revision:
        raise ConflictError(
            f"the charter changed: revision {now.revision} is current, not {if_match}; "
            "read it again and retry"
        )
    if data.version == DEFAULT_CHARTER.version:
        raise FieldError(["body", "version"], "'default' names the built-in charter")
    taken = await session.scalar(select(Charter.revision).where(Charter.version == data.version))
    if taken is not None:
        raise ConflictError(f"charter version {data.version!r} exists (revision {taken})")
    charter = CharterPublished(
        revision=now.revision + 1,
        **data.model_dump(exclude={"code_lists"}),
        code_lists=tuple(data.merged_code_lists()),
    )
    session.add(
        Charter(
            revision=charter.revision,
            version=charter.version,
            effective=charter.effective,
            payload=charter.model_dump(mode="json"),
            created_at=datetime.now(UTC),
        )
    )
    return charter


async def broadcast(federation: Federation, charter: CharterPublished, codes: list[str]) -> int:
    """Publish ``charter`` on ``hub.charter`` into the accounts of ``codes``; how many got it."""
    raw = Envelope.wrap(charter, node="hub").to_bytes()
    sent = 0
    for code in codes:
        link = federation.links.get(code)
        try:
            if link is not None and await link.publish(charter.subject_template(), raw):
                sent += 1
        except Exception as exc:  # one country's broken link must not stop the others
            log.warning("charter not sent", extra={"node": code, "error": type(exc).__name__})
    return sent


async def behind(db: Database, federation: Federation) -> tuple[CharterPublished, list[str]]:
    """The current charter and the linked nodes that do not all run it yet."""
    async with db.unit_of_work(write=False) as session:
        charter = await current(session=session)
        query = select(
            ServiceStatus.node, ServiceStatus.charter_revision, ServiceStatus.charter_refused
        )
        rows = (await session.execute(query)).all()
    reported: dict[str, int] = {}
    for node, revision, refused in rows:
        # A service that refused this very charter (looser than its floors) has heard it:
        # sending it again changes nothing until its operator changes the floors.
        if refused is not None and refused.get("revision") == charter.revision:
            revision = charter.revision
        reported[node] = min(revision, reported.get(node, revision))
    codes = [c for c in federation.links if reported.get(c, -1) < charter.revision]
    return charter, codes


async def resend(db: Database, federation: Federation) -> list[str]:
    """Send the current charter to the nodes whose status shows an older one; which were sent."""
    charter, codes = await behind(db, federation)
    if charter.revision == 0 or not codes:
        return []
    await broadcast(federation, charter, codes)
    return codes


async def resend_forever(db: Database, federation: Federation, interval: float) -> None:
    """Every ``interval`` s send the current charter to nodes whose status shows an older one."""
    while True:
        await asyncio.sleep(interval)
        try:
            await resend(db, federation)
        except Exception:  # the next round tries again; the cause is logged
            log.exception("charter re-send failed")
