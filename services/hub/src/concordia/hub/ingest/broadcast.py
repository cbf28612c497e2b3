"""The hub's broadcast relay: what a node publishes for the coalition reaches every other node.

A node publishes on ``shared.<node>.broadcast.>`` (its ``exchange-shared`` user); the message
lands in the hub's ``NODE_<CODE>`` like everything under ``shared.``. A durable consumer
(``hub-broadcast-<code>``) on that stream, filtered to the broadcast subjects, re-publishes it
unchanged as ``hub.broadcast.<code>.<rest>`` into every *other* country's account, never back to
the origin. Only registered shared event types pass (the envelope is parsed; an unknown type
can never be applied), and only a payload sent by its own node on its own subject.

Each relayed copy is *stored* in the receiving country's ``BROADCAST_<CODE>`` at the hub (a
JetStream publish, acknowledged), which the node's ``INBOUND_<CODE>`` sources through the hub's
domain: a node that was away catches up with everything when it returns. The bytes are the
origin node's envelope, unchanged; the receiving node checks that its subject is the origin's.

The hub also keeps the newest revision of every relayed practice (``library_practices``): the
coalition's library, which the dashboard searches.

The consumer's inbox makes the relay once per event across redeliveries. A copy carries
``Nats-Msg-Id`` = the event id: if the hub fails between storing and recording it, the retry
sends the same id again; the stream drops it within its duplicate window, receivers' inboxes
after that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core import tracing
from concordia.events import Envelope, Event, Handler, SharedEvent
from concordia.events.exchange import PracticeRevisionPublished
from concordia.hub.ingest.handler import refuse
from concordia.hub.models import LibraryPractice

log = logging.getLogger(__name__)


class Target(Protocol):
    """Where a broadcast goes: a country link that can publish into its account."""

    @property
    def connected(self) -> bool:
        """Whether the link into the account is up."""
        ...

    async def send(self, subject: str, data: bytes, headers: dict[str, str]) -> None:
        """Store the copy in the account's broadcast stream; raises unless acknowledged."""
        ...


def broadcast_filter(code: str) -> str:
    """The subjects country ``code`` broadcasts on."""
    return f"shared.{code}.broadcast.>"


def relayed_subject(code: str, subject: str) -> str:
    """``shared.<code>.broadcast.<rest>`` as the others get it: ``hub.broadcast.<code>.<rest>``."""
    prefix = f"shared.{code}.broadcast."
    if not subject.startswith(prefix):
        raise ValueError(f"{subject!r} is not a broadcast of {code!r}")
    return f"hub.broadcast.{code}.{subject.removeprefix(prefix)}"


async def keep_in_library(session: AsyncSession, event: PracticeRevisionPublished) -> None:
    """Keep the newest revision of a relayed practice in the hub's library (an older one that
    arrives late changes nothing)."""
    row = await session.get(LibraryPractice, event.practice)
    if row is not None and row.revision >= event.revision:
        return
    if row is None:
        row = LibraryPractice(practice=event.practice)
        session.add(row)
    row.origin, row.revision, row.topic = event.node, event.revision, event.topic
    row.standing, row.country, row.language = event.standing, event.country, event.language
    row.tags, row.title, row.summary, row.body = (
        list(event.tags),
        event.title,
        event.summary,
        event.body,
    )
    row.legal_basis, row.what_worked = event.legal_basis, event.what_worked
    row.what_did_not, row.published_at = event.what_did_not, event.published_at
    row.received_at = datetime.now(UTC)


def broadcast_handler(code: str, targets: Callable[[], Mapping[str, Target]]) -> Handler:
    """The consumer handler relaying country ``code``'s broadcasts to ``targets()`` but itself."""

    async def handle(session: AsyncSession, envelope: Envelope[Event]) -> None:
        event = envelope.data
        prefix = f"shared.{code}.broadcast."
        if not isinstance(event, SharedEvent):
            await refuse(session, code, "unexpected_type", envelope.id)
            return
        try:
            own = event.subject(code)
        except ValueError:  # the payload names another node
            await refuse(session, code, "foreign_node", envelope.id)
            return
        if not own.startswith(prefix):  # a shared type, but not one that is broadcast
            await refuse(session, code, "unexpected_type", envelope.id)
            return
        if own != envelope.subject:
            await refuse(session, code, "subject_mismatch", envelope.id)
            return
        others = {c: t for c, t in targets().items() if c != code}
        down = sorted(c for c, t in others.items() if not t.connected)
        if down:  # retried later (the inbox row rolls back with this)
            raise RuntimeError(f"broadcast of {code} waits for the links of {down}")
        subject, data = relayed_subject(code, envelope.subject), envelope.to_bytes()
        headers = {"Nats-Msg-Id": envelope.id}
        tracing.inject(headers)  # the receiving nodes continue this relay's span (tracing on)
        for target in others.values():
            await target.send(subject, data, dict(headers))
        if isinstance(event, PracticeRevisionPublished):
            await keep_in_library(session, event)
        log.info("broadcast relayed", extra={"node": code, "to": sorted(others)})

    return handle
