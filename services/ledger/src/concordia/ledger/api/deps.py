"""Ledger-specific dependencies: the node context and who is reading or writing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from concordia.core.auth import Caller, caller
from concordia.kit import service_state
from concordia.ledger.service._common import NodeContext, Viewer

if TYPE_CHECKING:
    from concordia.ledger.feed.ahead import ReadAhead
    from concordia.ledger.feed.stream import FeedNotifier
    from concordia.ledger.overlap.engine import OverlapEngine


@dataclass(eq=False)
class LedgerState:
    """The ledger's own typed app state: node context, feed notifier, overlap engine."""

    ctx: NodeContext
    notifier: FeedNotifier | None = None
    #: The feed pages read ahead after full ones.
    feed_ahead: ReadAhead | None = None
    engine: OverlapEngine | None = None
    #: Seconds between SSE keep-alive comments, and between feed polls without a notice.
    feed_keepalive: float = 15.0
    feed_poll: float = 1.0
    #: A stream's longest life, and how many streams one token may hold open.
    feed_stream_seconds: float = 3600.0
    feed_streams_per_token: int = 4
    #: Open streams by token id.
    open_streams: dict[str, int] = field(default_factory=dict)


_ADMIN = "ledger:admin"


def ledger_state(request: Request) -> LedgerState:
    """The ledger's typed state of the app serving ``request``."""
    return service_state(request, LedgerState)


async def _ctx(request: Request) -> NodeContext:
    return ledger_state(request).ctx


CtxDep = Annotated[NodeContext, Depends(_ctx)]
#: Reads: ``feed:read`` or ``ledger:write``; feed readers see no restricted grants or persons
#: (``Viewer(principal=caller)`` applies the rule).
Reader = Annotated[Caller, caller("feed:read", "ledger:write", any_of=True, admin=_ADMIN)]
#: Writes, and reads of unprotected detail (per-activity participant counts): a three-person
#: workshop's counts by ethnic origin are not for donor portals; they get the
#: disclosure-controlled tables instead. ``Operator`` (``ops``) loads exchange rates: a rate
#: moves every EUR figure of the node, so a donor's or agency's recording token cannot change it.
Writer = Annotated[Caller, caller("ledger:write", admin=_ADMIN)]


async def _reading(caller: Reader) -> Viewer:
    return Viewer(principal=caller)


async def _writing(principal: Writer) -> Viewer:
    return Viewer(principal=principal)


#: The ``Viewer`` of a ``Reader`` and of a ``Writer``: what the services take.
ReaderView = Annotated[Viewer, Depends(_reading)]
WriterView = Annotated[Viewer, Depends(_writing)]
