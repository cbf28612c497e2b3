"""Registry-specific dependencies: the node context and the acting principal."""

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from concordia.core.auth import Caller, caller
from concordia.core.errors import FieldError
from concordia.core.fastpath import bearer
from concordia.kit import service_state
from concordia.registry.codes import ACCESS_PURPOSES
from concordia.registry.service._common import NodeContext
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
_PURPOSE = re.compile(PURPOSE_PATTERN)
_MAX_PURPOSE = 256


async def _required_purpose(
    x_purpose: Annotated[
        str, Header(max_length=256, pattern=PURPOSE_PATTERN, description=_PURPOSE_DOC)
    ],
) -> str:
    return check_purpose(x_purpose)


async def _optional_purpose(
    x_purpose: Annotated[
        str | None, Header(max_length=256, description="Why; kept in the audit log.")
    ] = None,
) -> str | None:
    return x_purpose


def plain_reader(request: Request) -> Caller | None:
    """The ``Reader`` of a request whose token and X-Purpose are plainly valid, for a route's
    fast path (``concordia.core.fastpath``); None when the declared dependencies must answer."""
    why = request.headers.get("x-purpose")
    if why is None or len(why) > _MAX_PURPOSE or _PURPOSE.match(why) is None:
        return None
    principal = bearer(request, _READ)
    if principal is None:
        return None
    return Caller(
        token_id=principal.token_id, name=principal.name, scopes=principal.scopes,
        owner=principal.owner, purpose=check_purpose(why), admin_scope=_ADMIN,
    )  # fmt: skip


def actor_with(*scopes: str, purpose: bool = True) -> Any:
    """A dependency giving the caller holding ``scopes``, with its X-Purpose.

    With ``purpose`` (routes that touch personal data) the header is required and checked;
    a missing or unknown one is a 422 naming the header.
    """
    why = _required_purpose if purpose else _optional_purpose
    return caller(*scopes, admin=_ADMIN, purpose=Depends(why))


_ADMIN = "registry:admin"
_READ = frozenset({"registry:read"})


#: Reads and writes of personal data: X-Purpose required.
Reader = Annotated[Caller, actor_with("registry:read")]
Writer = Annotated[Caller, actor_with("registry:write")]
#: Reads and writes of organisations, code lists and aggregates: no personal data.
OrgReader = Annotated[Caller, actor_with("registry:read", purpose=False)]
OrgWriter = Annotated[Caller, actor_with("registry:write", purpose=False)]
