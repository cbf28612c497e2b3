"""Routes of the evaluation service: no business logic, one unit of work per request."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.types import DecoratedCallable
from pydantic import BaseModel

from concordia.core.auth import Caller, caller
from concordia.core.deps import AfterDep, LimitDep, SessionDep
from concordia.core.pagination import page_of
from concordia.core.schemas import Page
from concordia.evaluation.schemas import (
    PERIOD_PATTERN,
    AgreementRead,
    AssessmentCreate,
    AssessmentRead,
    AssignmentRequest,
    ConflictCreate,
    ConflictRead,
    DrawRead,
    EvaluatorCreate,
    EvaluatorRead,
    IndicatorsRead,
    PanelCreate,
    PanelRead,
    TargetsRead,
)
from concordia.evaluation.service import assessments, people, reports
from concordia.evaluation.service._common import Forbidden, NodeContext, rules_from
from concordia.kit import runtime, service_state

router = APIRouter(prefix="/v1", tags=["evaluation"])

ADMIN, WRITE, READ = "evaluation:admin", "evaluation:write", "evaluation:read"
Admin = Annotated[Caller, caller(ADMIN, admin=ADMIN)]
Writer = Annotated[Caller, caller(WRITE, admin=ADMIN)]
AdminOrWriter = Annotated[Caller, caller(ADMIN, WRITE, any_of=True, admin=ADMIN)]
Reader = Annotated[Caller, caller(READ, WRITE, ADMIN, any_of=True, admin=ADMIN)]
PeriodQuery = Annotated[str, Query(pattern=PERIOD_PATTERN, examples=["2026-Q4"])]


@dataclass(eq=False)
class EvaluationState:
    """The evaluation service's own typed state."""

    ctx: NodeContext


def _ctx(request: Request) -> NodeContext:
    """The node context with the rules of the charter the service follows now."""
    ctx = service_state(request, EvaluationState).ctx
    follower = runtime(request).follower
    if follower is None:
        return ctx
    return replace(ctx, rules=rules_from(follower.current, ctx.rules))


@router.post("/evaluators", status_code=status.HTTP_201_CREATED, response_model=EvaluatorRead)
async def create_evaluator(
    data: EvaluatorCreate, request: Request, session: SessionDep, principal: Admin
) -> EvaluatorRead:
    """Register an independent evaluator (the name is encrypted at rest)."""
    ctx = _ctx(request)
    row = await people.create_evaluator(session=session, ctx=ctx, data=data, owner=principal.owner)
    return people.read_evaluator(ctx, row, with_name=True)


@router.get("/evaluators", response_model=Page[EvaluatorRead])
async def list_evaluators(
    request: Request, session: SessionDep, principal: Reader, after: AfterDep, limit: LimitDep = 100
) -> Page[EvaluatorRead]:
    """The token owner's evaluators (administrators: all); names only for administrators."""
    rows = await people.list_evaluators(
        session=session, scope=principal.owner_filter(ADMIN), after=after, limit=limit
    )
    admin = ADMIN in principal.scopes
    items = [people.read_evaluator(_ctx(request), r, with_name=admin) for r in rows]
    return page_of(rows, limit, items)


#: What a well-formed body may name that is not there (404), and what it may conflict with
#: (409), by the path of the route that creates.
_ANSWERS: dict[str, tuple[str, str]] = {
    "/conflicts": (
        "No evaluator with the body's `evaluator_id` (of this owner).",
        "Not exactly one of `organisation_id` and `donor_id`.",
    ),
    "/assignments": (
        "No grant or organisation with the body's `item_id` known here.",
        "No eligible assessors, or the item has its assessors.",
    ),
    "/assessments": (
        "No assignment with the body's `assignment_id`, or its item is gone.",
        "Conflict of interest, rotation, or already scored.",
    ),
    "/panels": (
        "No grant with the body's `grant_id` known here, or no such `members` evaluator.",
        "A conflicted or twice-named member, a grant not for research or media, or one "
        "with its panel.",
    ),
}


def _creates(path: str, model: type[BaseModel]) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """``POST path`` answering 201 with ``model``, its 404 and 409 as ``_ANSWERS`` says."""
    not_found, conflict = _ANSWERS[path]
    answers: dict[int | str, dict[str, Any]] = {
        404: {"description": not_found}, 409: {"description": conflict},
    }  # fmt: skip
    return router.post(
        path, status_code=status.HTTP_201_CREATED, response_model=model, responses=answers
    )


@_creates("/conflicts", ConflictRead)
async def declare_conflict(
    data: ConflictCreate, session: SessionDep, principal: AdminOrWriter
) -> ConflictRead:
    """Declare a relationship with an organisation or a donor (evaluators: their own)."""
    if ADMIN not in principal.scopes:
        me = await people.evaluator_for(session, principal)
        if me is None or me.id != data.evaluator_id:
            raise Forbidden("evaluators declare their own conflicts only")
    row = await people.declare_conflict(
        session=session, data=data, scope=principal.owner_filter(ADMIN)
    )
    return ConflictRead.model_validate(row, from_attributes=True)


@router.get("/conflicts", response_model=Page[ConflictRead])
async def list_conflicts(
    session: SessionDep, principal: AdminOrWriter, after: AfterDep,
    evaluator_id: uuid.UUID | None = None, limit: LimitDep = 100,
) -> Page[ConflictRead]:  # fmt: skip
    """The conflict-of-interest register (evaluators: their own)."""
    if ADMIN not in principal.scopes:
        me = await people.evaluator_for(session, principal)
        evaluator_id = me.id if me is not None else uuid.UUID(int=0)
    rows = await people.list_conflicts(
        session=session, scope=principal.owner_filter(ADMIN), evaluator_id=evaluator_id,
        after=after, limit=limit,
    )  # fmt: skip
    return page_of(
        rows, limit, [ConflictRead.model_validate(r, from_attributes=True) for r in rows]
    )


def _draw_read(row: object, ids: list[uuid.UUID]) -> DrawRead:
    fields = {k: getattr(row, k) for k in DrawRead.model_fields if k != "assignment_ids"}
    return DrawRead.model_validate({**fields, "assignment_ids": ids})


@_creates("/assignments", DrawRead)
async def assign(
    data: AssignmentRequest, request: Request, session: SessionDep, principal: Admin
) -> DrawRead:
    """Draw assessors at random among the eligible; the seed is recorded for anyone to re-run."""
    row, made = await assessments.assign(
        session=session, ctx=_ctx(request), data=data, owner=principal.owner
    )
    return _draw_read(row, [a.id for a in made])


@router.get("/draws/{draw_id}", response_model=DrawRead)
async def get_draw(draw_id: uuid.UUID, session: SessionDep, principal: Reader) -> DrawRead:
    """A draw with its seed and eligible list (another owner's is a 404)."""
    row, ids = await assessments.get_draw(
        session=session, draw_id=draw_id, scope=principal.owner_filter(ADMIN)
    )
    return _draw_read(row, ids)


@_creates("/assessments", AssessmentRead)
async def record_assessment(
    data: AssessmentCreate, request: Request, session: SessionDep, principal: Writer
) -> AssessmentRead:
    """Score an assigned item on the five criteria, each with written evidence."""
    row = await assessments.record(
        session=session, ctx=_ctx(request), data=data, principal=principal
    )
    return assessments.read(row)


@router.get("/assessments", response_model=Page[AssessmentRead])
async def list_assessments(
    session: SessionDep, principal: AdminOrWriter, after: AfterDep,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN)] = None,
    item_id: uuid.UUID | None = None, limit: LimitDep = 100,
) -> Page[AssessmentRead]:  # fmt: skip
    """Assessments; an evaluator sees others' only once an item has two (blind until then)."""
    evaluator_id = None
    if ADMIN not in principal.scopes:
        me = await people.evaluator_for(session, principal)
        evaluator_id = me.id if me is not None else uuid.UUID(int=0)
    rows = await assessments.visible(
        session=session, period=period, item_id=item_id, scope=principal.owner_filter(ADMIN),
        evaluator_id=evaluator_id,
        after=after, limit=limit,
    )  # fmt: skip
    return page_of(rows, limit, [assessments.read(r) for r in rows])


@_creates("/panels", PanelRead)
async def record_panel(data: PanelCreate, session: SessionDep, principal: Admin) -> PanelRead:
    """Record the award panel of a research or media grant; a conflicted member is a 409."""
    row = await people.record_panel(session=session, data=data, owner=principal.owner)
    return PanelRead.model_validate(row, from_attributes=True)


@router.get("/panels/{grant_id}", response_model=PanelRead)
async def get_panel(grant_id: uuid.UUID, session: SessionDep, principal: Reader) -> PanelRead:
    """A grant's award panel (another owner's is a 404)."""
    row = await people.get_panel(
        session=session, grant_id=grant_id, scope=principal.owner_filter(ADMIN)
    )
    return PanelRead.model_validate(row, from_attributes=True)


@router.get("/indicators", response_model=IndicatorsRead)
async def get_indicators(
    period: PeriodQuery, request: Request, session: SessionDep, _: Reader
) -> IndicatorsRead:
    """Every coalition-health and plurality indicator of the period, with its definition."""
    found = await reports.indicators(session, period, _ctx(request).rules)
    return IndicatorsRead(period=period, indicators=found)


@router.get("/targets", response_model=TargetsRead)
async def get_targets(
    period: PeriodQuery, request: Request, session: SessionDep, _: Reader
) -> TargetsRead:
    """The status of every charter target in the period."""
    follower = runtime(request).follower
    assert follower is not None
    charter = follower.current
    found = await reports.targets(session, period, charter)
    return TargetsRead(period=period, charter_version=charter.version, targets=found)


@router.get("/agreement", response_model=AgreementRead)
async def get_agreement(
    period: PeriodQuery, request: Request, session: SessionDep, _: Reader
) -> AgreementRead:
    """Krippendorff's alpha (ordinal) per criterion, and kappa where the same pair scored."""
    rules = _ctx(request).rules
    found = await reports.agreement_of(session, period, rules)
    return AgreementRead(period=period, min_items=rules.agreement_min_items, criteria=found)
