"""Ledger-specific dependencies: the node context and who is reading or writing."""

from typing import Annotated

from fastapi import Depends, Request

from concordia.core.auth import Principal, require
from concordia.ledger.service._common import NodeContext, Viewer


def _ctx(request: Request) -> NodeContext:
    ctx: NodeContext = request.app.state.ctx
    return ctx


def _viewer(
    principal: Annotated[Principal, require("feed:read", "ledger:write", any_of=True)],
) -> Viewer:
    return Viewer(principal=principal)


CtxDep = Annotated[NodeContext, Depends(_ctx)]
#: Reads: ``feed:read`` or ``ledger:write``; feed readers see no restricted grants or persons.
Reader = Annotated[Viewer, Depends(_viewer)]
Writer = Annotated[Principal, require("ledger:write")]
