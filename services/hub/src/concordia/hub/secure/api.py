"""``/v1/secure``: the releases of the secure tables, epsilon spent, research CSV, rounds."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from concordia.core.deps import SessionDep
from concordia.core.errors import DomainError
from concordia.events import quarter_of
from concordia.events._types import TOKEN_PATTERN
from concordia.hub.api.deps import Admin, Reader, hub_state
from concordia.hub.secure import service

router = APIRouter(prefix="/v1/secure", tags=["secure"])
Token = Annotated[str | None, Query(pattern=TOKEN_PATTERN)]


class NotRunningError(DomainError):
    """The hub runs no secure rounds (no directory of node keys)."""

    status = 409


class ReleaseRead(BaseModel):
    """One release: a coalition total (or the count of contributing nodes per cell)."""

    release_id: str
    service: str
    table: str
    period: str
    phase: str = Field(description="`count`: nodes per cell; `sum`: the released totals.")
    measure: str
    dimension: str
    roster: list[str]
    survivors: list[str]
    cells: list[str]
    values: list[Any]
    epsilon: Decimal | None
    created_at: datetime


class EpsilonRead(BaseModel):
    """Privacy loss spent on one table: every node spent as much (each keeps its own ledger)."""

    table: str
    epsilon_spent: Decimal
    periods: list[str]


class RoundRequest(BaseModel):
    """Run the rounds of a period now (tables: every secure table of the charter by default)."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(pattern=r"^[0-9]{4}-Q[1-4]$", examples=["2026-Q4"])
    tables: list[str] | None = Field(default=None, max_length=100)


class RoundReportRead(BaseModel):
    """What one table's rounds came to."""

    table: str
    period: str
    status: str
    detail: str
    roster: list[str]
    refusals: list[dict[str, str]]
    at: datetime


def _read(row: Any) -> ReleaseRead:
    return ReleaseRead(
        release_id=row.release_id, service=row.service, table=row.aggregate, period=row.period,
        phase=row.phase, measure=row.measure, dimension=row.dimension, roster=row.roster,
        survivors=row.survivors, cells=row.cells, values=row.values, epsilon=row.epsilon,
        created_at=row.created_at,
    )  # fmt: skip


@router.get("/releases", response_model=list[ReleaseRead])
async def list_releases(
    session: SessionDep, _: Reader, table: Token = None, period: Token = None
) -> list[ReleaseRead]:
    """Every release of the secure tables, in log order: coalition totals, never a node's."""
    return [_read(r) for r in await service.releases(session, table=table, period=period)]


@router.get("/epsilon", response_model=list[EpsilonRead])
async def epsilon_spent(session: SessionDep, _: Reader) -> list[EpsilonRead]:
    """Epsilon spent per table: what the hub saw released (each node refuses past its own
    budget; the hub only shows)."""
    rows = await service.releases(session)
    spent = service.spent(rows)
    return [
        EpsilonRead(
            table=table,
            epsilon_spent=value,
            periods=sorted({r.period for r in rows if r.aggregate == table and r.phase == "sum"}),
        )
        for table, value in sorted(spent.items())
    ]


@router.get(
    "/research.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def research_release(session: SessionDep, _: Reader) -> Response:
    """The coalition's differentially private tables over past periods, as CSV with their
    epsilon: for independent research (the current period is left out until it closes)."""
    current = quarter_of(datetime.now().date())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "period", "dimension", "cell", "value", "suppressed", "epsilon",
                     "sensitivity", "nodes"])  # fmt: skip
    for row in await service.releases(session):
        if row.phase != "sum" or row.epsilon is None or row.period >= current:
            continue
        for cell in row.values:
            writer.writerow([
                row.aggregate, row.period, row.dimension, cell["key"][0],
                "" if cell["value"] is None else cell["value"], str(cell["suppressed"]).lower(),
                row.epsilon, row.sensitivity, len(row.survivors),
            ])  # fmt: skip
    return Response(
        out.getvalue(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="concordia-dp-tables.csv"'},
    )  # fmt: skip


@router.post("/rounds", response_model=list[RoundReportRead])
async def run_rounds(body: RoundRequest, request: Request, _: Admin) -> list[RoundReportRead]:
    """Run the rounds of ``period`` now for every secure table not released yet (one release per
    table and period: a released one is left as it is)."""
    rounds = hub_state(request).secure
    if rounds is None:
        raise NotRunningError("no directory of node keys: the hub runs no secure rounds")
    reports = await rounds.run_period(body.period, body.tables)
    return [RoundReportRead(**asdict(r)) for r in reports]


@router.get("/rounds", response_model=list[RoundReportRead])
async def last_rounds(request: Request, _: Reader) -> list[RoundReportRead]:
    """The last attempt at each table and period since the hub started."""
    rounds = hub_state(request).secure
    reports = [] if rounds is None else list(rounds.reports.values())
    return [RoundReportRead(**asdict(r)) for r in reports]
