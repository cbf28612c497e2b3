"""Helpers of the events tests (tables, events, reading a stream back)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import polling
from nats.aio.msg import Msg
from nats.js import JetStreamContext, api
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from concordia.core.db import Database, new_metadata
from concordia.events import Envelope, Event, Inbox, Outbox, PersonUpdated


@dataclass
class EventsDb:
    """A test database with the events tables."""

    db: Database
    metadata: MetaData
    outbox: Outbox
    inbox: Inbox
    effects: Table

    async def pending(self) -> int:
        """Outbox rows not yet published."""
        table = self.outbox.table
        async with self.db.sessionmaker() as session:
            return int(
                await session.scalar(
                    select(func.count()).select_from(table).where(table.c.published_at.is_(None))
                )
                or 0
            )

    async def outbox_ids(self) -> list[str]:
        """Event ids in the outbox, in seq order."""
        table = self.outbox.table
        async with self.db.sessionmaker() as session:
            return list(await session.scalars(select(table.c.event_id).order_by(table.c.seq)))

    async def effect_counts(self) -> dict[str, int]:
        """How often each person's effect was applied."""
        async with self.db.sessionmaker() as session:
            rows = (await session.execute(select(self.effects))).all()
        return {row.person_id: row.count for row in rows}


def events_tables() -> tuple[MetaData, Outbox, Inbox, Table]:
    """A service-like MetaData with the outbox, inbox and an effects table."""
    metadata = new_metadata()
    outbox = Outbox(metadata)
    inbox = Inbox(metadata)
    effects = Table(
        "effects",
        metadata,
        Column("person_id", String(36), primary_key=True),
        Column("count", Integer, nullable=False),
    )
    return metadata, outbox, inbox, effects


async def make_events_db(url: str) -> EventsDb:
    """Open the database and create the tables."""
    metadata, outbox, inbox, effects = events_tables()
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return EventsDb(db, metadata, outbox, inbox, effects)


def updates(person: uuid.UUID, first: int, count: int) -> list[PersonUpdated]:
    """Successive versions of one person."""
    return [
        PersonUpdated(person_id=person, host_country="SE", version=v)
        for v in range(first, first + count)
    ]


async def write(edb: EventsDb, events: list[Event], node: str) -> list[Envelope[Event]]:
    """One unit of work adding ``events`` to the outbox."""
    async with edb.db.unit_of_work() as session:
        return await edb.outbox.add_many(session, events, node=node)


async def stream_count(js: JetStreamContext, stream: str) -> int:
    """Messages in the stream."""
    return int((await js.stream_info(stream)).state.messages)


async def read_stream(js: JetStreamContext, stream: str) -> list[Msg]:
    """Every message of the stream, in stream order."""
    total = await stream_count(js, stream)
    if total == 0:
        return []
    config = api.ConsumerConfig(ack_policy=api.AckPolicy.NONE, inactive_threshold=10.0)
    sub = await js.pull_subscribe(">", stream=stream, config=config)
    msgs: list[Msg] = []
    try:
        while len(msgs) < total:
            msgs += await sub.fetch(min(1000, total - len(msgs)), timeout=5)
    finally:
        await sub.unsubscribe()
    return msgs


def msg_ids(msgs: list[Msg]) -> list[str]:
    """The ``Nats-Msg-Id`` of each message."""
    return [(m.headers or {})["Nats-Msg-Id"] for m in msgs]


async def eventually(
    check: Callable[[], Awaitable[bool] | bool], within: float = 10.0, what: str = "condition"
) -> None:
    """Poll ``check`` until it holds or fail after ``within`` seconds."""
    await polling.eventually(check, within=within, interval=0.02, what=what)
