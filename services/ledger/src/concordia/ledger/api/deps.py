"""Ledger-specific dependencies: the node context and who is reading or writing."""

from typing import Annotated

from fastapi import Depends, Request

from concordia.core.auth import Principal, require
from concordia.ledger.service._common import NodeContext, Viewer


async def _ctx(request: Request) -> NodeContext:
    ctx: NodeContext = request.app.state.ctx
    return ctx


async def _viewer(
    principal: Annotated[Principal, require("feed:read", "ledger:write", any_of=True)],
) -> Viewer:
    return Viewer(principal=principal)


async def _recorder(principal: Annotated[Principal, require("ledger:write")]) -> Viewer:
    return Viewer(principal=principal)


CtxDep = Annotated[NodeContext, Depends(_ctx)]
#: Reads: ``feed:read`` or ``ledger:write``; feed readers see no restricted grants or persons.
Reader = Annotated[Viewer, Depends(_viewer)]
Writer = Annotated[Principal, require("ledger:write")]
#: Node operation (loading exchange rates): ``ops``. A rate moves every EUR figure of the node,
#: so a donor's or agency's recording token cannot change it.
Operator = Annotated[Principal, require("ops")]
#: Reads of unprotected detail (per-activity participant counts): ``ledger:write`` only. A
#: three-person workshop's counts by ethnic origin are not for donor portals; they get the
#: disclosure-controlled tables instead.
Recorder = Annotated[Viewer, Depends(_recorder)]
