"""Routes for organisations and memberships."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from concordia.core.deps import AfterDep, IfMatchDep, LimitDep, SessionDep, tagged
from concordia.core.pagination import page_of
from concordia.core.schemas import Page
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


def _read(org: object) -> OrganisationRead:
    return OrganisationRead.model_validate(org, from_attributes=True)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=OrganisationRead)
async def create_organisation(
    data: OrganisationCreate, session: SessionDep, ctx: CtxDep, actor: OrgWriter, response: Response
) -> OrganisationRead:
    """Register an organisation under its `{agency}-{number}` identifier."""
    org = await service.create(session=session, ctx=ctx, actor=actor, data=data)
    return tagged(response, org.version, _read(org), location=f"/v1/organisations/{org.id}")


@router.get("", response_model=Page[OrganisationRead])
async def list_organisations(
    session: SessionDep, actor: OrgReader, after: AfterDep, limit: LimitDep = 100
) -> Page[OrganisationRead]:
    """The token owner's organisations in registration order, a keyset page at a time."""
    orgs = await service.list_page(session=session, actor=actor, after=after, limit=limit)
    return page_of(orgs, limit, [_read(o) for o in orgs])


@router.get("/{org_id}", response_model=OrganisationRead)
async def get_organisation(
    org_id: uuid.UUID, session: SessionDep, actor: OrgReader, response: Response
) -> OrganisationRead:
    """One organisation."""
    org = await service.get(session=session, actor=actor, org_id=org_id)
    return tagged(response, org.version, _read(org))


@router.patch("/{org_id}", response_model=OrganisationRead, responses={409: {}, 412: {}})
async def update_organisation(
    org_id: uuid.UUID,
    data: OrganisationUpdate,
    session: SessionDep,
    ctx: CtxDep,
    actor: OrgWriter,
    if_match: IfMatchDep,
    response: Response,
) -> OrganisationRead:
    """Change the fields sent; `If-Match` guards against lost updates."""
    org = await service.update(
        session=session, ctx=ctx, actor=actor, org_id=org_id, data=data, if_match=if_match
    )
    return tagged(response, org.version, _read(org))


@router.delete("/{org_id}", status_code=status.HTTP_204_NO_CONTENT, responses={412: {}})
async def delete_organisation(
    org_id: uuid.UUID, session: SessionDep, ctx: CtxDep, actor: OrgWriter, if_match: IfMatchDep
) -> Response:
    """Remove an organisation and its memberships."""
    await service.remove(session=session, ctx=ctx, actor=actor, org_id=org_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
