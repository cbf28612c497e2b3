"""Routes for practices: write, edit (a new revision each), submit, approve, read, search."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from concordia.core.deps import IfMatchDep, SessionDep, tagged
from concordia.core.types import Country
from concordia.exchange import search as search_service
from concordia.exchange import service
from concordia.exchange.api.deps import Approver, Reader, StateDep, Writer
from concordia.exchange.codes import Language, Topic, Workflow
from concordia.exchange.schemas import (
    ApproveRequest,
    PracticeCreate,
    PracticeRead,
    PracticeUpdate,
    RevisionRead,
    SearchPage,
)

router = APIRouter(prefix="/v1/practices", tags=["practices"])
Cursor = Annotated[
    str | None,
    Query(pattern=search_service.CURSOR_PATTERN, description="The `next` cursor of the last page."),
]


async def _answer(session: SessionDep, practice_id: uuid.UUID, response: Response) -> PracticeRead:
    practice = await service.load(session, practice_id)
    rev = await service.served(session, practice)
    return tagged(response, practice.revision, service.to_read(practice, rev))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PracticeRead)
async def create_practice(
    data: PracticeCreate,
    session: SessionDep,
    state: StateDep,
    principal: Writer,
    response: Response,
) -> PracticeRead:
    """Write a practice: its first revision, a draft."""
    practice = await service.create(
        session=session, node=state.node, principal=principal, data=data
    )
    response.headers["Location"] = f"/v1/practices/{practice.id}"
    return await _answer(session, practice.id, response)


@router.get("", response_model=SearchPage)
async def search_practices(
    session: SessionDep,
    _: Reader,
    q: Annotated[str | None, Query(max_length=300)] = None,
    topic: Topic | None = None,
    country: Country | None = None,
    status: Workflow | None = None,
    lang: Language | None = None,
    after: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """Local and replicated practices, best match first, with facets; words match their forms."""
    return await search_service.search(
        session, q=q, topic=topic, country=country, status=status, lang=lang, after=after,
        limit=limit,
    )  # fmt: skip


@router.get("/{practice_id}", response_model=PracticeRead)
async def get_practice(
    practice_id: uuid.UUID, session: SessionDep, _: Reader, response: Response
) -> PracticeRead:
    """One practice: the newest revision at its origin, the published one elsewhere."""
    return await _answer(session, practice_id, response)


@router.patch("/{practice_id}", response_model=PracticeRead)
async def update_practice(
    practice_id: uuid.UUID,
    data: PracticeUpdate,
    session: SessionDep,
    state: StateDep,
    principal: Writer,
    expected: IfMatchDep,
    response: Response,
) -> PracticeRead:
    """Edit a practice (origin node only): a new draft revision; send `If-Match`."""
    await service.update(
        session=session, node=state.node, principal=principal, practice_id=practice_id,
        data=data, expected=expected,
    )  # fmt: skip
    return await _answer(session, practice_id, response)


@router.get("/{practice_id}/revisions", response_model=list[RevisionRead])
async def list_revisions(
    practice_id: uuid.UUID, session: SessionDep, _: Reader
) -> list[RevisionRead]:
    """The practice's history, oldest revision first."""
    return await service.history(session, practice_id)


@router.post("/{practice_id}/submit", response_model=PracticeRead)
async def submit_practice(
    practice_id: uuid.UUID,
    session: SessionDep,
    state: StateDep,
    _: Writer,
    expected: IfMatchDep,
    response: Response,
) -> PracticeRead:
    """Put the newest revision up for review by a second person."""
    await service.submit(
        session=session, node=state.node, practice_id=practice_id, expected=expected
    )
    return await _answer(session, practice_id, response)


@router.post(
    "/{practice_id}/approve",
    response_model=PracticeRead,
    responses={503: {"description": "The registry could not screen the text"}},
)
async def approve_practice(
    practice_id: uuid.UUID,
    data: ApproveRequest,
    session: SessionDep,
    state: StateDep,
    principal: Approver,
    response: Response,
) -> PracticeRead:
    """Approve the revision in review (not its author); screened by the registry, then sent.

    409 when the screen matches, unless `override_reason` says why the match is false.
    """
    await service.approve(
        session=session, node=state.node, principal=principal, practice_id=practice_id,
        override_reason=data.override_reason, screen=state.screen,
    )  # fmt: skip
    return await _answer(session, practice_id, response)
