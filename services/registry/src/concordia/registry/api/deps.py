"""Registry-specific dependencies: the node context and the acting principal."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from concordia.core.auth import Principal, require
from concordia.kit import service_state
from concordia.registry.service._common import Actor, NodeContext
from concordia.registry.service.audit import AuditTrail


@dataclass(eq=False)
class RegistryState:
    """The registry's own typed app state: node context, and the audit trail once started."""

    ctx: NodeContext
    trail: AuditTrail | None = None


def registry_state(request: Request) -> RegistryState:
    """The registry's typed state of the app serving ``request``."""
    return service_state(request, RegistryState)


async def _ctx(request: Request) -> NodeContext:
    return registry_state(request).ctx


CtxDep = Annotated[NodeContext, Depends(_ctx)]


async def _trail(request: Request) -> AuditTrail:
    trail = registry_state(request).trail
    assert trail is not None, "the audit trail starts with the app"
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
