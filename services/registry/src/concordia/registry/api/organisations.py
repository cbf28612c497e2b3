"""Routes for organisations and memberships."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from concordia.core.deps import SessionDep
from concordia.kit.routes import Records
from concordia.registry.api.deps import CtxDep, OrgReader, OrgWriter, Reader, TrailDep, Writer
from concordia.registry.schemas import (
    MembershipCreate,
    MembershipRead,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
)
from concordia.registry.service import organisations as service

router = APIRouter(prefix="/v1/organisations", tags=["organisations"])


orgs = Records(router, OrganisationRead, key="org_id", noun="organisation",
               write={"ctx": CtxDep, "actor": OrgWriter}, read={"actor": OrgReader})  # fmt: skip
orgs.create("Register an organisation under its `{agency}-{number}` identifier.",
            body=OrganisationCreate, call=service.create)  # fmt: skip
orgs.page("The token owner's organisations in registration order, a keyset page at a time.",
          call=service.list_page)  # fmt: skip
orgs.get("One organisation.", call=service.get)
orgs.patch("Change the fields sent; `If-Match` guards against lost updates.",
           body=OrganisationUpdate, call=service.update, responses={409: {}, 412: {}})  # fmt: skip
orgs.delete("Remove an organisation and its memberships.", call=service.remove,
            responses={412: {}})  # fmt: skip


@router.post(
    "/{org_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=MembershipRead,
    responses={
        404: {"description": "No such organisation, or no such person (the body's `person_id`)"},
        409: {},
    },
)
async def add_member(
    org_id: uuid.UUID, data: MembershipCreate, session: SessionDep, ctx: CtxDep, actor: Writer
) -> MembershipRead:
    """Add a person to an organisation; 404 when either is unknown (or erased, or another
    owner's), 409 when the person already is a member."""
    member = await service.add_member(
        session=session, ctx=ctx, actor=actor, org_id=org_id, data=data
    )
    return MembershipRead.model_validate(member, from_attributes=True)


@router.get("/{org_id}/members", response_model=list[MembershipRead])
async def list_members(
    org_id: uuid.UUID, session: SessionDep, trail: TrailDep, actor: Reader
) -> list[MembershipRead]:
    """The members of an organisation; each member's appearance is audited."""
    found = await service.members(session=session, trail=trail, actor=actor, org_id=org_id)
    return [MembershipRead.model_validate(m, from_attributes=True) for m in found]


@router.delete("/{org_id}/members/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(
    org_id: uuid.UUID, person_id: uuid.UUID, session: SessionDep, ctx: CtxDep, actor: Writer
) -> Response:
    """End a membership."""
    await service.remove_member(
        session=session, ctx=ctx, actor=actor, org_id=org_id, person_id=person_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
