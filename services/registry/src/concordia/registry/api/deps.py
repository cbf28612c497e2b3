"""Registry-specific dependencies: the node context and the acting principal."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from concordia.core.auth import Principal, require
from concordia.core.errors import FieldError
from concordia.kit import service_state
from concordia.registry.codes import ACCESS_PURPOSES
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


_PURPOSE_DOC = (
    "Why personal data is read or changed: a code from `GET /v1/codes` (`access_purpose`), "
    "optionally followed by `; ` and a note, e.g. `safety_check; relocation`. Kept in the "
    "audit trail; required."
)


def check_purpose(value: str | None) -> str:
    """The X-Purpose header normalised to ``code`` or ``code; note``; 422 naming the header."""
    code, _, note = (value or "").partition(";")
    code, note = code.strip(), note.strip()
    if code not in ACCESS_PURPOSES:
        known = ", ".join(ACCESS_PURPOSES)
        msg = "X-Purpose is required" if not code else f"X-Purpose code {code!r} is unknown"
        raise FieldError(["header", "X-Purpose"], f"{msg}; send one of: {known}")
    return f"{code}; {note}" if note else code


#: A code from the list, then optionally ``;`` and a note: what the OpenAPI document promises.
PURPOSE_PATTERN = rf"^\s*({'|'.join(ACCESS_PURPOSES)})\s*(;.*)?$"


def actor_with(*scopes: str, purpose: bool = True) -> object:
    """A dependency giving the Actor: a principal holding ``scopes`` and its X-Purpose.

    With ``purpose`` (routes that touch personal data) the header is required and checked;
    a missing or unknown one is a 422 naming the header.
    """

    async def with_purpose(
        principal: Annotated[Principal, require(*scopes)],
        x_purpose: Annotated[
            str, Header(max_length=256, pattern=PURPOSE_PATTERN, description=_PURPOSE_DOC)
        ],
    ) -> Actor:
        return Actor(principal=principal, purpose=check_purpose(x_purpose))

    async def without_purpose(
        principal: Annotated[Principal, require(*scopes)],
        x_purpose: Annotated[
            str | None, Header(max_length=256, description="Why; kept in the audit log.")
        ] = None,
    ) -> Actor:
        return Actor(principal=principal, purpose=x_purpose)

    return Depends(with_purpose if purpose else without_purpose)


#: Reads and writes of personal data: X-Purpose required.
Reader = Annotated[Actor, actor_with("registry:read")]
Writer = Annotated[Actor, actor_with("registry:write")]
#: Reads and writes of organisations, code lists and aggregates: no personal data.
OrgReader = Annotated[Actor, actor_with("registry:read", purpose=False)]
OrgWriter = Annotated[Actor, actor_with("registry:write", purpose=False)]
