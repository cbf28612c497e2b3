"""What every ledger write shares: the node context, feed positions, versions and events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.changes import check_version, new_id, now
from concordia.events import Event
from concordia.kit.tables import outbox
from concordia.ledger.feed.service import COALITION, PUBLIC
from concordia.ledger.models import FeedCounter

__all__ = [
    "NodeContext",
    "Viewer",
    "check_version",
    "emit",
    "feed_positions",
    "new_id",
    "new_position",
    "now",
    "shown",
]


@dataclass(frozen=True, slots=True)
class NodeContext:
    """The node-wide things a ledger operation needs: its node code."""

    node: str


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads or writes. A ledger writer sees and changes its owner's donors and grants in
    full (``ledger:admin``: every owner's); a feed reader sees every owner's visible grants,
    never a restricted one or a recipient person's id."""

    principal: Principal

    @property
    def admin(self) -> bool:
        """Whether the caller may see and change every owner's records."""
        return "ledger:admin" in self.principal.scopes

    @property
    def feed_reader(self) -> bool:
        """Whether the caller reads the visible grants of every owner (``feed:read``)."""
        return "feed:read" in self.principal.scopes

    def may_change(self, owner: str) -> bool:
        """Whether a record of ``owner`` is the caller's to see in full and to change."""
        return self.admin or (
            "ledger:write" in self.principal.scopes and owner == self.principal.owner
        )

    def may_see(self, owner: str, visibility: str) -> bool:
        """Whether a grant of ``owner`` with ``visibility`` exists for the caller."""
        return self.may_change(owner) or (self.feed_reader and visibility in self.audience)

    @property
    def scope(self) -> str | None:
        """The one owner a writer without ``feed:read`` is limited to, else None."""
        if self.admin or self.feed_reader:
            return None
        return self.principal.owner

    @property
    def audience(self) -> frozenset[str]:
        """The visibilities the caller sees: coalition grants need ``feed:coalition``."""
        scopes = self.principal.scopes
        return COALITION if self.admin or "feed:coalition" in scopes else PUBLIC


async def feed_positions(session: AsyncSession, count: int, *, counter: str = "grants") -> range:
    """Hand out ``count`` new ``feed_seq`` values, increasing in commit order.

    The counter row stays locked until the unit of work commits, so a transaction that takes
    later positions commits after one that took earlier ones: a feed reader at cursor N can
    never later find a committed grant below N. (SQLite serialises writers by itself.)
    """
    if count <= 0:
        return range(0)
    last = await session.scalar(
        update(FeedCounter)
        .where(FeedCounter.name == counter)
        .values(value=FeedCounter.value + count)
        .returning(FeedCounter.value)
    )
    if last is None:
        raise RuntimeError("the feed counter row is missing: is the database migrated?")
    return range(last - count + 1, last + 1)


def shown(visibility: str, withdrawn_at: object) -> bool:
    """Whether a grant in this state is in some portal's feed in full (live, not restricted)."""
    return withdrawn_at is None and visibility != "restricted"


async def new_position(
    session: AsyncSession, *, was_shown: bool, is_shown: bool, current: int | None
) -> int:
    """The feed position of a grant after a change.

    A grant shown before or after the change takes the feed's next position (once hidden, that
    is its one tombstone). A grant hidden before and after keeps its position, so portals see
    no gap for its changes; a new hidden grant takes one from the hidden range, above any feed.
    """
    if was_shown or is_shown:
        return (await feed_positions(session, 1))[0]
    if current is None:
        return (await feed_positions(session, 1, counter="hidden"))[0]
    return current


async def emit(session: AsyncSession, ctx: NodeContext, events: list[Event]) -> None:
    """Write events to the outbox in the caller's unit of work."""
    await outbox.add_many(session, events, node=ctx.node)
