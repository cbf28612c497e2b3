"""Routes for persons and their consents."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from concordia.core.auth import Caller
from concordia.core.deps import SessionDep, etag
from concordia.core.fastpath import fast_route
from concordia.kit import runtime
from concordia.kit.routes import Records
from concordia.registry.api.deps import (
    CtxDep,
    Reader,
    RegistryState,
    TrailDep,
    Writer,
    plain_reader,
)
from concordia.registry.models import Person
from concordia.registry.schemas import (
    ConsentCreate,
    ConsentRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
)
from concordia.registry.service import permits as permit_service
from concordia.registry.service import persons as service
from concordia.registry.service._common import NodeContext

router = APIRouter(prefix="/v1/persons", tags=["persons"])


def _present(person: Person, *, ctx: NodeContext) -> PersonRead:
    return service.to_read(ctx, person)


persons = Records(router, PersonRead, key="person_id", noun="person", present=_present,
                  write={"ctx": CtxDep, "actor": Writer},
                  read={"ctx": CtxDep, "trail": TrailDep, "actor": Reader})  # fmt: skip
persons.create(
    "Register a person of the token's owner. Names and aliases are encrypted with the node key.",
    body=PersonCreate, call=service.create,
)  # fmt: skip
persons.page("Persons in registration order, a keyset page at a time; every read is audited.",
             call=service.list_page)  # fmt: skip


async def get_person(person_id: uuid.UUID, request: Request, actor: Reader) -> Response:
    """One person; the read is written to the audit log with the X-Purpose header."""
    return await _serve_person(request, actor, person_id)


async def _get_person_fast(request: Request) -> Response | None:
    # The registry's hottest route: a plainly valid request is served without FastAPI's
    # dependency resolution; anything else (no token, no purpose, a malformed id) declines
    # to the declared route above, which gives the same answers as ever.
    actor = plain_reader(request)
    raw = request.path_params["person_id"]
    if actor is None or len(raw) != _UUID_LENGTH:
        return None
    try:
        person_id = uuid.UUID(raw)
    except ValueError:
        return None
    return await _serve_person(request, actor, person_id)


async def _serve_person(request: Request, actor: Caller, person_id: uuid.UUID) -> Response:
    # Node context and trail come straight from the app state, and the body is serialised
    # once, not validated again against the response model.
    rt = runtime(request)
    state: RegistryState = rt.extra
    assert state.trail is not None
    person = await service.get(trail=state.trail, actor=actor, person_id=person_id)
    body = service.to_read(state.ctx, person).model_dump_json()
    return Response(body, media_type="application/json", headers={"ETag": etag(person.version)})


_UUID_LENGTH = 36
router.add_api_route(
    "/{person_id}",
    get_person,
    methods=["GET"],
    response_model=PersonRead,
    route_class_override=fast_route(_get_person_fast),
)


persons.patch(
    "Change the fields sent. Send `If-Match` with the ETag you read to avoid lost updates.",
    body=PersonUpdate, call=service.update, responses={412: {}},
)  # fmt: skip
persons.delete(
    "Erase a person: personal fields, permits, consents and memberships go; a tombstone stays.",
    call=service.erase, responses={412: {}}, name="erase_person",
)  # fmt: skip


@router.post(
    "/{person_id}/consents", status_code=status.HTTP_201_CREATED, response_model=ConsentRead
)
async def add_consent(
    person_id: uuid.UUID, data: ConsentCreate, session: SessionDep, actor: Writer
) -> ConsentRead:
    """Record a consent the person gave."""
    consent = await permit_service.add_consent(
        session=session, actor=actor, person_id=person_id, data=data
    )
    return ConsentRead.model_validate(consent, from_attributes=True)


@router.get("/{person_id}/consents", response_model=list[ConsentRead])
async def list_consents(
    person_id: uuid.UUID, session: SessionDep, trail: TrailDep, actor: Reader
) -> list[ConsentRead]:
    """Every consent of a person, withdrawn ones included; the read is audited."""
    found = await permit_service.consents(
        session=session, trail=trail, actor=actor, person_id=person_id
    )
    return [ConsentRead.model_validate(c, from_attributes=True) for c in found]


@router.post("/{person_id}/consents/{consent_id}/withdraw", response_model=ConsentRead)
async def withdraw_consent(
    person_id: uuid.UUID, consent_id: uuid.UUID, session: SessionDep, actor: Writer
) -> ConsentRead:
    """Withdraw a consent (idempotent)."""
    consent = await permit_service.withdraw_consent(
        session=session, actor=actor, person_id=person_id, consent_id=consent_id
    )
    return ConsentRead.model_validate(consent, from_attributes=True)
