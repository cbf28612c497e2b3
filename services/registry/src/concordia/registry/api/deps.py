"""Registry-specific dependencies: the node context and the acting principal."""

from typing import Annotated

from fastapi import Depends, Header, Request

from concordia.core.auth import Principal, require
from concordia.registry.service._common import Actor, NodeContext
from concordia.registry.service.audit import AuditTrail


async def _ctx(request: Request) -> NodeContext:
    ctx: NodeContext = request.app.state.ctx
    return ctx


CtxDep = Annotated[NodeContext, Depends(_ctx)]


async def _trail(request: Request) -> AuditTrail:
    trail: AuditTrail = request.app.state.audit_trail
    return trail


TrailDep = Annotated[AuditTrail, Depends(_trail)]


def actor_with(*scopes: str) -> object:
    """A dependency giving the Actor: a principal holding ``scopes`` and its X-Purpose."""

    async def dependency(
        principal: Annotated[Principal, require(*scopes)],
        x_purpose: Annotated[
            str | None,
            Header(max_length=256, description="Why the record is read; kept in the audit log."),
        ] = None,
    ) -> Actor:
        return Actor(principal=principal, purpose=x_purpose)

    return Depends(dependency)


Reader = Annotated[Actor, actor_with("registry:read")]
Writer = Annotated[Actor, actor_with("registry:write")]
