"""The evaluation service's part of the node console: assignments, indicators and targets.

Assignments as the API shows them: an administrator sees its owner's draws (every owner's with
no owner filter), an evaluator its own. Indicators (concentration, newcomer share,
fragmentation, regional coverage...) of the chosen quarter and their trend over the four
quarters up to it, and the charter's participation targets; readers with any evaluation scope.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from concordia.evaluation.api import EvaluationState
from concordia.evaluation.models import Assignment
from concordia.evaluation.service import people, reports
from concordia.evaluation.service._common import rules_from
from concordia.events.runtime.snapshots import quarter_of
from concordia.kit import runtime, service_state
from concordia.kit.console import ConsoleContext, ConsoleSection
from concordia.web import charts
from concordia.web.tables import Column, Section, Table

LOCALES = Path(__file__).parent / "locales"
ADMIN, WRITE, READ = "evaluation:admin", "evaluation:write", "evaluation:read"
#: The indicators drawn as trends (single numbers per period).
TRENDS = ("hhi", "top10_share", "newcomer_share", "fragmentation_share")
_PERIOD = re.compile(r"^[0-9]{4}-Q[1-4]$")
LIMIT = 500


def _period(ctx: ConsoleContext) -> str:
    asked = ctx.request.query_params.get("period", "")
    return asked if _PERIOD.fullmatch(asked) else quarter_of(date.today())


def _before(period: str, n: int) -> str:
    year, quarter = int(period[:4]), int(period[-1]) - 1 - n
    return f"{year + quarter // 4}-Q{quarter % 4 + 1}"


def _shown(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


async def _assignments(ctx: ConsoleContext) -> Section:
    _ = ctx.lang.gettext
    query = select(Assignment).order_by(Assignment.created_at.desc()).limit(LIMIT)
    scope = ctx.principal.owner_filter(ADMIN)
    if scope is not None:
        query = query.where(Assignment.owner == scope)
    if ADMIN not in ctx.principal.scopes:
        me = await people.evaluator_for(ctx.session, ctx.principal)
        query = query.where(Assignment.evaluator_id == (me.id if me else uuid.UUID(int=0)))
    rows = [{
        "period": a.period, "item_type": a.item_type, "item": str(a.item_id),
        "evaluator": str(a.evaluator_id), "at": a.created_at,
    } for a in await ctx.session.scalars(query)]  # fmt: skip
    return Section(id="assignments", title=_("Evaluation assignments"), tables=[Table(
        id="assignments", caption=_("Drawn assessors, newest first"), columns=[
            Column("period", _("Period")), Column("item_type", _("Item")),
            Column("item", _("Item id")), Column("evaluator", _("Evaluator")),
            Column("at", _("Drawn")),
        ], rows=rows, empty=_("no assessor has been drawn yet."),
    )])  # fmt: skip


async def _indicators(ctx: ConsoleContext) -> Section:
    _ = ctx.lang.gettext
    period = _period(ctx)
    own = service_state(ctx.request, EvaluationState).ctx.rules
    rules = rules_from(rules_charter(ctx), own)  # the charter's rules where it has them
    found = await reports.indicators(ctx.session, period, rules)
    section = Section(
        id="indicators",
        title=_("Indicators of %(period)s") % {"period": period},
        note=_("Coalition health and plurality of this node's funding; choose another quarter "
               "with ?period=2026-Q3."),
    )  # fmt: skip
    section.tables.append(Table(
        id="indicators", caption=_("Indicators and their definitions"), columns=[
            Column("code", _("Indicator")), Column("value", _("Value")),
            Column("level", _("Combines across nodes")), Column("definition", _("Definition")),
        ], rows=[{"code": i.code, "value": _shown(i.value), "level": i.level == "combinable",
                  "definition": i.definition} for i in found],
    ))  # fmt: skip
    periods = [_before(period, n) for n in (3, 2, 1, 0)]
    history: list[dict[str, Any]] = []
    for p in periods:
        values = {i.code: i.value for i in await reports.indicators(ctx.session, p, rules)}
        coverage = values.get("regional_coverage") or {}
        history.append({"period": p, **{c: values.get(c) for c in TRENDS},
                        "districts": len(coverage.get("federal_districts", ()))})  # fmt: skip
    names = {
        "hhi": _("Concentration (HHI)"),
        "top10_share": _("Share of the ten largest"),
        "newcomer_share": _("Newcomer share"),
        "fragmentation_share": _("Fragmentation"),
        "districts": _("Federal districts covered"),
    }
    for code in (*TRENDS, "districts"):
        section.charts.append(charts.trend(
            f"trend-{code}", names[code], _("The value per quarter; a gap: nothing to measure."),
            [(h["period"], h[code]) for h in history],
        ))  # fmt: skip
    section.tables.append(Table(
        id="indicator-trends", caption=_("Indicators over the last four quarters"),
        columns=[Column("period", _("Period")),
                 *(Column(c, names[c], True) for c in (*TRENDS, "districts"))],
        rows=history,
    ))  # fmt: skip
    targets = await reports.targets(ctx.session, period, rules_charter(ctx))
    section.tables.append(Table(
        id="targets", caption=_("Participation targets of %(period)s") % {"period": period},
        columns=[
            Column("indicator", _("Indicator")), Column("value", _("Pooled share"), True),
            Column("status", _("Status")), Column("floor", _("Floor"), True),
            Column("aim", _("Aim"), True), Column("ceiling", _("Ceiling"), True),
            Column("events_inside", _("Events inside the band"), True),
        ],
        rows=[{"indicator": t["indicator"], "value": t["pooled"]["value"],
               "status": t["pooled"]["status"], "floor": t["floor"], "aim": t["aim"],
               "ceiling": t["ceiling"], "events_inside": t["events_inside"]} for t in targets],
        empty=_("the charter sets no participation target."),
    ))  # fmt: skip
    return section


def rules_charter(ctx: ConsoleContext) -> Any:
    """The charter the service follows now."""
    follower = runtime(ctx.request).follower
    assert follower is not None, "a node service follows the charter"
    return follower.current


SECTIONS = [
    ConsoleSection("assignments", frozenset({ADMIN, WRITE}), _assignments),
    ConsoleSection("indicators", frozenset({ADMIN, WRITE, READ}), _indicators),
]
