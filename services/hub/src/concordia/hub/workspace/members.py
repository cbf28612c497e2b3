"""Who acts in the workspace: members (a state or a donor, by role), experts, administrators."""

from __future__ import annotations

from typing import Annotated, Literal

from concordia.core.auth import Principal, require
from concordia.core.errors import DomainError

Role = Literal["member", "expert", "admin"]

#: Read the workspace: every role, and plain readers of the hub.
WorkspaceReader = Annotated[
    Principal, require("hub:read", "hub:member", "hub:advise", "hub:admin", any_of=True)
]
#: Record commitments, add items, decide: a member's representative, or the hub's operator.
MemberOrAdmin = Annotated[Principal, require("hub:member", "hub:admin", any_of=True)]
#: Discuss: members, experts (advisory) and the operator.
Discussant = Annotated[Principal, require("hub:member", "hub:advise", "hub:admin", any_of=True)]
Admin = Annotated[Principal, require("hub:admin")]


class ForbiddenError(DomainError):
    """The caller's role may not do this (403, with the reason)."""

    status = 403


def is_member(owner: str) -> bool:
    """Whether ``owner`` names a member: ``state:<code>`` or ``donor:<name>``."""
    kind, _, name = owner.partition(":")
    return kind in ("state", "donor") and bool(name)


def member_of(principal: Principal) -> str:
    """The member a ``hub:member`` token speaks for; 403 when it names none."""
    if "hub:member" not in principal.scopes or not is_member(principal.owner):
        raise ForbiddenError(
            "only a member's representative (scope hub:member, owner state:<code> or "
            "donor:<name>) may do this"
        )
    return principal.owner


def role_of(principal: Principal) -> Role:
    """The role a token acts in: member first, then the operator, then expert."""
    if "hub:member" in principal.scopes and is_member(principal.owner):
        return "member"
    if "hub:admin" in principal.scopes:
        return "admin"
    if "hub:advise" in principal.scopes:
        return "expert"
    raise ForbiddenError("this token acts in no role of the workspace")


def actor_of(principal: Principal) -> str:
    """Who the record names: the member, ``operator`` for an admin, the expert's owner."""
    role = role_of(principal)
    if role == "member":
        return principal.owner
    return "operator" if role == "admin" else f"expert:{principal.owner.partition(':')[2] or 'x'}"


def may_decide(principal: Principal) -> str:
    """The deciding member (or ``operator`` recording it); experts only advise (403)."""
    role = role_of(principal)
    if role == "expert":
        raise ForbiddenError("experts advise and propose objectives; members decide")
    return actor_of(principal)
