"""The exchange's part of the node console: this node's practices in draft, in review and
published (any exchange scope reads them, as the API's search does), with replicas apart."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from sqlalchemy import select

from concordia.exchange.codes import Workflow
from concordia.exchange.models import Practice
from concordia.kit.console import ConsoleContext, ConsoleSection, counted_section
from concordia.web.tables import Column, Section, Table

LOCALES = Path(__file__).parent / "locales"
READ = frozenset({"exchange:read", "exchange:write", "exchange:approve"})
LIMIT = 1000


async def _practices(ctx: ConsoleContext) -> Section:
    _ = ctx.lang.gettext
    query = select(Practice).order_by(Practice.updated_at.desc()).limit(LIMIT)
    found = list(await ctx.session.scalars(query))
    local = [p for p in found if p.origin == ctx.node]
    states = get_args(Workflow)
    labels = {
        "draft": _("Draft"),
        "in_review": _("In review"),
        "published": _("Published"),
        "withdrawn": _("Withdrawn"),
    }
    counts = {s: sum(1 for p in local if p.workflow == s) for s in states}
    section = counted_section(
        id="practices", title=_("Best practices"),
        note=_("This node's practices by their state; replicas from other nodes are listed "
               "apart."),
        chart=("practices-by-state", _("Practices by state"), _(
            "How many of this node's practices are in draft, in review, published or withdrawn."
        )),
        series=_("Practices"), labels=labels, counts=counts,
    )  # fmt: skip
    columns = [
        Column("workflow", _("State")),
        Column("title", _("Title")),
        Column("topic", _("Topic")),
        Column("language", _("Language")),
        Column("revision", _("Revision"), True),
        Column("published", _("Published revision"), True),
        Column("updated", _("Updated")),
    ]
    for table_id, caption, rows in (
        ("practices", _("Practices of this node, newest change first"), local),
        ("replicas", _("Published practices of other nodes"),
         [p for p in found if p.origin != ctx.node]),
    ):  # fmt: skip
        section.tables.append(Table(
            id=table_id, caption=caption, columns=columns if table_id == "practices"
            else [Column("origin", _("Node")), *columns[1:]],
            rows=[{
                "workflow": labels.get(p.workflow, p.workflow), "title": p.title,
                "topic": p.topic, "language": p.language, "revision": p.revision,
                "published": p.published_revision, "updated": p.updated_at, "origin": p.origin,
            } for p in rows], empty=_("none yet."),
        ))  # fmt: skip
    return section


SECTIONS = [ConsoleSection("practices", READ, _practices)]
