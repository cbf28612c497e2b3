"""The workspace API: ``/v1/commitments``, ``/v1/agenda``, ``/v1/decisions``.

Scopes: ``hub:member`` (a member's representative; the token's owner names the member,
``state:<code>`` or ``donor:<name>``), ``hub:advise`` (European experts: comment and propose
objectives, never decide), ``hub:admin`` (the hub's operator), ``hub:read`` (read only).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from concordia.core.deps import IfMatchDep, SessionDep, etag
from concordia.events import MemberSignature
from concordia.hub.api.deps import DirectoryDep, FederationDep, hub_settings
from concordia.hub.schemas import SignaturesRead
from concordia.hub.workspace import agenda, commitments, decisions, delivery
from concordia.hub.workspace.members import (
    Admin,
    Discussant,
    MemberOrAdmin,
    WorkspaceReader,
    actor_of,
    may_decide,
    member_of,
    role_of,
)
from concordia.hub.workspace.schemas import (
    MEMBER,
    PERIOD,
    AgendaItemCreate,
    AgendaItemRead,
    CommentCreate,
    CommentRead,
    CommitmentCreate,
    CommitmentRead,
    CommitmentRevisionRead,
    CommitmentUpdate,
    DecisionCreate,
    DecisionRead,
    ScanResult,
)
from concordia.identity import SignedDocument
from concordia.kit import runtime

router = APIRouter(prefix="/v1", tags=["workspace"])
Id = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
Limit = Annotated[int, Query(ge=1, le=1000)]


# --- commitments -------------------------------------------------------------------------------


@router.get("/commitments", response_model=list[CommitmentRead])
async def list_commitments(
    session: SessionDep, _: WorkspaceReader,
    period: Annotated[str | None, Query(pattern=PERIOD)] = None,
    member: Annotated[str | None, Query(pattern=MEMBER)] = None,
    limit: Limit = 200,
) -> list[CommitmentRead]:  # fmt: skip
    """Commitments with their progress against the aggregates (status and evidence)."""
    return await commitments.listed(session, period=period, member=member, limit=limit)


@router.post(
    "/commitments", response_model=CommitmentRead, status_code=status.HTTP_201_CREATED,
    responses={404: {"description": "The hub knows no node of the body's `node`."}},
)  # fmt: skip
async def create_commitment(
    data: CommitmentCreate, request: Request, principal: MemberOrAdmin, response: Response
) -> CommitmentRead:
    """Record the calling member's commitment for a period (scope `hub:member`)."""
    member = member_of(principal)
    async with runtime(request).db.unit_of_work() as session:
        made = await commitments.create(session, member, data)
    response.headers["ETag"] = etag(made.revision)
    return made


@router.get("/commitments/{commitment_id}", response_model=CommitmentRead)
async def get_commitment(
    commitment_id: Id, session: SessionDep, _: WorkspaceReader, response: Response
) -> CommitmentRead:
    """One commitment with its progress; its ETag is its revision."""
    found = await commitments.one(session, commitment_id)
    response.headers["ETag"] = etag(found.revision)
    return found


@router.patch("/commitments/{commitment_id}", response_model=CommitmentRead)
async def update_commitment(
    commitment_id: Id, data: CommitmentUpdate, request: Request, principal: MemberOrAdmin,
    if_match: IfMatchDep, response: Response,
) -> CommitmentRead:  # fmt: skip
    """Change a commitment (its member, or the operator): a new revision; stale If-Match 412."""
    admin = "hub:admin" in principal.scopes and role_of(principal) == "admin"
    actor = actor_of(principal)
    async with runtime(request).db.unit_of_work() as session:
        changed = await commitments.update(
            session, commitment_id, actor, data, if_match, admin=admin
        )
    response.headers["ETag"] = etag(changed.revision)
    return changed


@router.get("/commitments/{commitment_id}/history", response_model=list[CommitmentRevisionRead])
async def commitment_history(
    commitment_id: Id, session: SessionDep, _: WorkspaceReader
) -> list[CommitmentRevisionRead]:
    """Every revision of a commitment, oldest first."""
    return await commitments.history(session, commitment_id)


# --- agenda ------------------------------------------------------------------------------------


@router.get("/agenda", response_model=list[AgendaItemRead])
async def list_agenda(
    session: SessionDep, _: WorkspaceReader,
    status_: Annotated[str | None, Query(alias="status", pattern="^(open|decided)$")] = None,
    kind: Annotated[str | None, Query(pattern="^[a-z_]{1,32}$")] = None,
    limit: Limit = 200,
) -> list[AgendaItemRead]:  # fmt: skip
    """Agenda items, newest first, with their evidence, discussion and decision."""
    return await agenda.listed(session, status=status_, kind=kind, limit=limit)


@router.post("/agenda", response_model=AgendaItemRead, status_code=status.HTTP_201_CREATED)
async def add_agenda_item(
    data: AgendaItemCreate, request: Request, principal: MemberOrAdmin
) -> AgendaItemRead:
    """A member adds an item of its own."""
    async with runtime(request).db.unit_of_work() as session:
        return await agenda.add(session, actor_of(principal), data)


@router.post("/agenda/scan", response_model=ScanResult)
async def scan_agenda(
    request: Request, federation: FederationDep, _: Admin,
    period: Annotated[str | None, Query(pattern=PERIOD)] = None,
) -> ScanResult:  # fmt: skip
    """Look at the signals now (scope `hub:admin`); raises an item per new signal only."""
    settings = hub_settings(request)
    periods = (
        [period] if period is not None
        else agenda.recent_periods(datetime.now(UTC), settings.agenda_periods)
    )  # fmt: skip
    return await agenda.scan(runtime(request).db, federation, periods, settings.stale_after_seconds)


# Only a UUID names an item: `/agenda/scan` is no item, so GET there is 405, not a lookup.
@router.get("/agenda/{item_id:uuid}", response_model=AgendaItemRead)
async def get_agenda_item(
    item_id: Annotated[uuid.UUID, Path()], session: SessionDep, _: WorkspaceReader
) -> AgendaItemRead:
    """One item with its evidence, discussion and decision."""
    return await agenda.read(session, str(item_id))


@router.post(
    "/agenda/{item_id}/comments", response_model=CommentRead, status_code=status.HTTP_201_CREATED
)
async def comment_agenda_item(
    item_id: Id, data: CommentCreate, request: Request, principal: Discussant
) -> CommentRead:
    """Discuss an open item: members and experts (who may also propose an objective)."""
    async with runtime(request).db.unit_of_work() as session:
        return await agenda.comment(session, item_id, actor_of(principal), role_of(principal), data)


@router.post(
    "/agenda/{item_id}/decision", response_model=DecisionRead, status_code=status.HTTP_201_CREATED
)
async def decide_agenda_item(
    item_id: Id, data: DecisionCreate, request: Request, principal: Discussant,
    federation: FederationDep,
) -> DecisionRead:  # fmt: skip
    """Close an item with a decision (members; an expert gets 403); it travels to the nodes."""
    by = may_decide(principal)
    db = runtime(request).db
    async with db.unit_of_work() as session:
        made = await decisions.take(session, item_id, by, data)
    await delivery.push(db, federation)
    return made


# --- decisions ---------------------------------------------------------------------------------


@router.get("/decisions", response_model=list[DecisionRead])
async def list_decisions(
    session: SessionDep, _: WorkspaceReader,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(taken|pending_signatures|in_force|done)$")
    ] = None,
    node: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
    limit: Limit = 200,
) -> list[DecisionRead]:  # fmt: skip
    """Decisions, newest first (``node``: those concerning it)."""
    return await decisions.listed(session, status=status_, node=node, limit=limit)


@router.get("/decisions/{decision_id}", response_model=DecisionRead)
async def get_decision(decision_id: Id, session: SessionDep, _: WorkspaceReader) -> DecisionRead:
    """One decision and its follow-ups."""
    return await decisions.one(session, decision_id)


@router.get("/decisions/{decision_id}/document", response_model=SignedDocument)
async def decision_document(decision_id: Id, session: SessionDep, _: WorkspaceReader) -> Any:
    """What a member signs of a decision (kind `decision`: what was decided, not how it went
    on), and the signatures so far (`concordia decision sign` fetches, signs and posts)."""
    return await decisions.document(session, decision_id)


@router.get("/decisions/{decision_id}/signatures", response_model=SignaturesRead)
async def decision_signatures(
    decision_id: Id, session: SessionDep, directory: DirectoryDep, _: WorkspaceReader
) -> SignaturesRead:
    """Where the member states' signatures of a decision stand (checked like a node would)."""
    return await decisions.signature_status(
        session, await decisions.get(session, decision_id), directory
    )


@router.post("/decisions/{decision_id}/signatures", response_model=SignaturesRead)
async def sign_decision(
    decision_id: Id, signature: MemberSignature, request: Request, directory: DirectoryDep,
    federation: FederationDep, _: MemberOrAdmin,
) -> SignaturesRead:  # fmt: skip
    """Relay a member state's signature of a decision (422 unless it verifies with the key of
    its node in the hub's directory); with m of them it comes into force and the nodes hear."""
    db = runtime(request).db
    async with db.unit_of_work() as session:
        status = await decisions.sign(session, decision_id, signature, directory)
        await decisions.refresh(session, directory)
    await delivery.push(db, federation)
    return status


@router.post("/decisions/{decision_id}/follow-ups/{number}/done", response_model=DecisionRead)
async def follow_up_done(
    decision_id: Id, number: Annotated[int, Path(ge=1, le=50)], request: Request,
    principal: MemberOrAdmin, federation: FederationDep,
) -> DecisionRead:  # fmt: skip
    """Report a follow-up done (its actor, or the operator); the nodes hear of it."""
    admin = role_of(principal) == "admin"
    db = runtime(request).db
    async with db.unit_of_work() as session:
        changed = await decisions.done(
            session, decision_id, number, actor_of(principal), admin=admin
        )
    await delivery.push(db, federation)
    return changed
