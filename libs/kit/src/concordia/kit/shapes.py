"""Column shapes that several services' models share (the ORM side of ``concordia.kit.ddl``).

Example::

    class Activity(ParticipantCounts, Base):
        __tablename__ = "activities"
        ...
"""

from __future__ import annotations

from sqlalchemy.orm import Mapped


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
