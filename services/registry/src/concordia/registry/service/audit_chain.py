"""The audit trail as a hash chain: each entry's hash covers its content and the previous hash.

Entries are appended only by writers holding the database's write lock (SQLite's single writer,
the PostgreSQL advisory lock every writing unit of work takes), so reading the last entry and
appending after it cannot interleave with another append. The chain head is anchored outside
the database (``AuditHeadAnchored`` on the node's LOCAL stream); ``verify`` recomputes the chain
and checks it against the anchors, so an edited, removed or reordered entry is found.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from concordia.core.changes import fields_of
from concordia.core.db import Database, insert_rows, insert_rows_sync, table_of
from concordia.events import AuditHeadAnchored
from concordia.kit.tables import outbox
from concordia.registry.models import AuditEntry

log = logging.getLogger(__name__)

#: The "previous hash" of the first entry.
GENESIS = bytes(32)
#: The columns an entry's hash covers, in this order.
FIELDS = ("seq", "at", "token_id", "token_name", "owner", "action", "person_id", "purpose")


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def entry_hash(previous: bytes, entry: dict[str, Any] | AuditEntry) -> bytes:
    """SHA-256 of the previous hash and the entry's content (its fields as canonical JSON)."""
    content = orjson.dumps([_text(value) for value in fields_of(entry, FIELDS).values()])
    return hashlib.sha256(previous + content).digest()


async def head(session: AsyncSession) -> tuple[int, bytes]:
    """The last entry's sequence number and hash, (0, GENESIS) for an empty trail."""
    return await session.run_sync(head_of)


def head_of(session: Session) -> tuple[int, bytes]:
    """:func:`head`, on a synchronous session."""
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    if row is None:
        return 0, GENESIS
    return int(row.seq), bytes(row.hash or GENESIS)


async def append(session: AsyncSession, entries: Sequence[dict[str, Any]]) -> tuple[int, bytes]:
    """Chain ``entries`` after the head and insert them; the caller holds the write lock.

    Returns the new head. Sequence numbers are assigned here, not by the database, because
    the hash covers them: a gap is then a removed entry. A sync's thousands of entries go in
    as one ``insert_rows`` (binary COPY on PostgreSQL).
    """
    seq, previous = await head(session)
    rows, seq, previous = chained(entries, seq, previous)
    await insert_rows(session, table_of(AuditEntry), rows)
    return seq, previous


def append_to(session: Session, entries: Sequence[dict[str, Any]]) -> tuple[int, bytes]:
    """:func:`append`, on a synchronous session (one hand-off for a whole batch)."""
    seq, previous = head_of(session)
    rows, seq, previous = chained(entries, seq, previous)
    insert_rows_sync(session, table_of(AuditEntry), rows)
    return seq, previous


def chained(
    entries: Sequence[dict[str, Any]], seq: int, previous: bytes
) -> tuple[list[dict[str, Any]], int, bytes]:
    """``entries`` as rows chained after the entry ``seq`` with hash ``previous`` (each with
    its ``seq`` and ``hash``), and the new head's sequence number and hash."""
    rows = []
    # entry_hash, unrolled: a sync chains 5,000 entries sharing one time and one caller, so
    # each distinct value is formatted once (the bytes hashed are the same).
    texts: dict[Any, Any] = {}
    dumps, sha256 = orjson.dumps, hashlib.sha256
    for entry in entries:
        seq += 1
        row = {**entry, "seq": seq}
        content: list[Any] = [seq]
        for name in FIELDS[1:]:
            value = row.get(name)
            try:
                text = texts[value]
            except KeyError:
                text = texts[value] = _text(value)
            content.append(text)
        previous = row["hash"] = sha256(previous + dumps(content)).digest()
        rows.append(row)
    return rows, seq, previous


@dataclass(frozen=True, slots=True)
class Finding:
    """What is wrong with the trail, at which entry."""

    seq: int
    problem: str


def verify(
    entries: Iterable[AuditEntry | Any], anchors: dict[int, bytes]
) -> tuple[int, list[Finding]]:
    """Recompute the chain over ``entries`` (in ``seq`` order) and check the anchored heads.

    Returns how many entries were checked and every finding (empty when the trail is intact).
    ``anchors`` maps an anchored head's sequence number to its hash.
    """
    findings: list[Finding] = []
    previous, expected_seq, count = GENESIS, 1, 0
    seen: dict[int, bytes] = {}
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            missing = f"{expected_seq}" if entry.seq == expected_seq + 1 else "some"
            findings.append(
                Finding(entry.seq, f"entry {missing} before it is missing or out of order")
            )
        computed = entry_hash(previous, entry)
        if entry.hash is None or bytes(entry.hash) != computed:
            findings.append(Finding(entry.seq, "its content or position does not match its hash"))
        previous = bytes(entry.hash) if entry.hash is not None else computed
        seen[entry.seq] = computed
        expected_seq = entry.seq + 1
    for seq, anchored in sorted(anchors.items()):
        if seq not in seen:
            findings.append(Finding(seq, "the anchored head entry is missing"))
        elif seen[seq] != anchored:
            findings.append(Finding(seq, "the trail up to it differs from its anchored hash"))
    return count, findings


async def anchor(db: Database, node: str, after: int = 0) -> int:
    """Publish the chain head (through the outbox, to the node's LOCAL stream) if it moved past
    ``after``; returns the head's sequence number."""
    async with db.unit_of_work() as session:
        seq, digest = await head(session)
        if seq > after:
            event = AuditHeadAnchored(seq=seq, hash=digest.hex())
            await outbox.add_many(session, [event], node=node)
    return seq


async def anchor_every(db: Database, node: str, interval: float) -> None:
    """Anchor the chain head every ``interval`` seconds, for the app's lifetime."""
    last = 0
    while True:
        await asyncio.sleep(interval)
        try:
            last = await anchor(db, node, last)
        except Exception:  # the next round tries again; a missed anchor only delays it
            log.exception("anchoring the audit chain failed")
