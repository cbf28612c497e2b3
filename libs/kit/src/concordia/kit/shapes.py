"""Column shapes that several services' models share (the ORM side of ``concordia.kit.ddl``).

A mixin's columns come after the model's own, in the order the mixins are named (``UuidKey``'s
key comes first).

Example::

    class Activity(Tracked, ParticipantCounts, Base):
        __tablename__ = "activities"
        ...
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column


class UuidKey:
    """A record keyed by a UUID (``new_id()``: time-ordered, so keyset pages follow creation)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, sort_order=-1)


class ParticipantCounts:
    """An activity's participants as counts, never names: by gender, then by origin.

    The columns are ``concordia.events.ledger.PARTICIPANT_COUNTS``, the counts the ledger's
    activity events carry.
    """

    women: Mapped[int]
    men: Mapped[int]
    gender_other: Mapped[int]
    gender_undisclosed: Mapped[int]
    russian: Mapped[int]
    non_russian: Mapped[int]
    origin_undisclosed: Mapped[int]


class Tracked:
    """A record edited through the API: its version (the ETag, checked against ``If-Match``),
    when it was made and when it last changed."""

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class OwnedRecord:
    """A record a token wrote: whose it is (``Principal.owner``) and when it was made."""

    owner: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
