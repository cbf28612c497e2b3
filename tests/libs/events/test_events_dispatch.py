"""A consumer's handler by event type: each event reaches its type's route, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from concordia.events import (
    Envelope,
    Event,
    PersonErased,
    PersonRegistered,
    PersonUpdated,
    dispatch,
)


async def test_each_event_reaches_its_types_route_and_others_change_nothing() -> None:
    seen: list[tuple[str, object]] = []

    async def erased(session: AsyncSession, event: PersonErased) -> None:
        seen.append(("erased", event.person_id))

    async def enveloped(session: AsyncSession, envelope: Envelope[Event]) -> None:
        seen.append(("enveloped", envelope.time))

    handle = dispatch({PersonErased: erased}, enveloped={PersonUpdated: enveloped})
    person = uuid.uuid4()
    at = datetime(2026, 12, 5, 12, tzinfo=UTC)
    engine = create_async_engine("sqlite+aiosqlite://")
    async with AsyncSession(engine) as session:
        await handle(
            session, Envelope.wrap(PersonErased(person_id=person, erased_at=at), node="se")
        )
        updated = PersonUpdated(person_id=person, version=2)
        await handle(session, Envelope.wrap(updated, node="se", time=at))
        await handle(
            session, Envelope.wrap(PersonRegistered(person_id=person, version=1), node="se")
        )
        assert seen == [("erased", person), ("enveloped", at)]
    await engine.dispose()
