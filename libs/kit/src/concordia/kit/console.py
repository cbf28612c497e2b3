"""The node console (``/console`` on every node service): what the service holds and sent.

A service lists its own sections (``ServiceDefinition.console``); the kit adds what every node
service has: exactly what it sent to the hub (every release of its published aggregates, their
SHA-256 fingerprints and cells, from the library table the publisher writes before the outbox),
and the log of its bulk syncs and imports with their errors. Each section names the scopes of
which a reader needs one; the page shows only the sections the token allows, and a token
allowed none gets 403 and no data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.deps import SessionDep
from concordia.kit.tables import decisions, snapshots, sync_runs
from concordia.web import charts
from concordia.web.i18n import N_
from concordia.web.pages import Lang, NavItem, Pages, View
from concordia.web.tables import SUPPRESSED, Column, Section, Table

K = TypeVar("K")

MOUNT = "/console"
OPS = frozenset({"ops"})
LOCALES = Path(__file__).parent / "locales"
#: How many releases the "sent to the hub" list shows (the newest).
SENT_LIMIT = 500


@dataclass(frozen=True)
class ConsoleContext:
    """What a section builder gets: the request, a read session, the language and the reader."""

    request: Request
    session: AsyncSession
    lang: Lang
    principal: Principal
    service: str
    node: str


@dataclass(frozen=True)
class ConsoleSection:
    """A part of the console: shown to readers holding one of ``scopes``."""

    id: str
    scopes: frozenset[str]
    build: Callable[[ConsoleContext], Awaitable[Section]]


def counted_section(
    *,
    id: str,
    title: str,
    note: str,
    chart: tuple[str, str, str],
    series: str,
    labels: Mapping[K, str],
    counts: Mapping[K, int],
) -> Section:
    """A section that opens with one bar chart: how many of ``series`` there are in each
    category (``counts``, in its order, named by ``labels``); ``chart`` is the chart's id,
    title and description. The builder appends its tables."""
    chart_id, chart_title, description = chart
    section = Section(id=id, title=title, note=note)
    section.charts.append(
        charts.stacked_bars(
            chart_id, chart_title, description, [labels[k] for k in counts], [series],
            {(labels[k], series): n for k, n in counts.items()},
        )
    )  # fmt: skip
    return section


def pages(service: str, locale_dirs: Sequence[Path] = ()) -> Pages:
    """The console's pages of one service."""
    return Pages(
        mount=MOUNT,
        title=N_("Concordia node console"),
        nav=[NavItem("", N_("Console"))],
        locale_dirs=[*locale_dirs, LOCALES],
    )


async def _sent(ctx: ConsoleContext) -> Section:
    _ = ctx.lang.gettext
    t = snapshots.table
    rows = await ctx.session.execute(
        select(t.c.name, t.c.period, t.c.version, t.c.digest, t.c.payload, t.c.published_at)
        .order_by(t.c.published_at.desc(), t.c.name, t.c.period, t.c.version.desc())
        .limit(SENT_LIMIT)
    )
    releases, cells = [], []
    newest: set[tuple[str, str]] = set()
    for name, period, version, digest, payload, at in rows:
        releases.append({
            "name": name, "period": period, "version": version, "at": at,
            "charter": payload.get("charter_version"), "measure": payload.get("measure"),
            "sha256": bytes(digest).hex(),
        })  # fmt: skip
        if (name, period) in newest:
            continue
        newest.add((name, period))
        for kind, key in (("cell", "cells"), ("margin", "margins")):
            for cell in payload.get(key, ()):
                value = cell.get("amount") if cell.get("amount") is not None else cell.get("value")
                cells.append({
                    "name": name, "period": period, "version": version, "kind": kind,
                    "key": " / ".join(cell["key"]),
                    "value": SUPPRESSED if cell.get("suppressed") else value,
                })  # fmt: skip
    return Section(
        id="sent", title=_("Sent to the hub"),
        note=_("Every aggregate this service published for the coalition, exactly as it left "
               "(the fingerprint is the SHA-256 of the snapshot), and the cells of the newest "
               "release of each table. Nothing else of this service reaches the hub."),
        tables=[
            Table(id="sent", caption=_("Releases, newest first"), columns=[
                Column("name", _("Table")), Column("period", _("Period")),
                Column("version", _("Version"), True), Column("at", _("Published")),
                Column("charter", _("Charter version")), Column("measure", _("Measure")),
                Column("sha256", _("Fingerprint (SHA-256)")),
            ], rows=releases, empty=_("nothing has been sent yet.")),
            Table(id="sent-cells", caption=_("Cells of the newest releases"), columns=[
                Column("name", _("Table")), Column("period", _("Period")),
                Column("version", _("Version"), True), Column("kind", _("Cell or margin")),
                Column("key", _("Key")), Column("value", _("Value"), True),
            ], rows=cells, empty=_("nothing has been sent yet.")),
        ],
    )  # fmt: skip


def sent_section() -> ConsoleSection:
    """Exactly what this service sent to the hub (scope `ops`: the data-protection officer)."""
    return ConsoleSection("sent", OPS, _sent)


def sync_runs_section(scopes: frozenset[str]) -> ConsoleSection:
    """The service's bulk syncs and imports, newest first, with their rejected records."""

    async def build(ctx: ConsoleContext) -> Section:
        _ = ctx.lang.gettext
        runs, errors = [], []
        for run in await sync_runs.recent(ctx.session):
            runs.append(run | {"errors": len(run["errors"])})
            for rejected in run["errors"]:
                for error in rejected["errors"]:
                    errors.append({
                        "at": run["at"], "route": run["route"], "index": rejected["index"],
                        "external_id": rejected["external_id"],
                        "field": ".".join(str(p) for p in error["loc"]), "reason": error["msg"],
                    })  # fmt: skip
        return Section(id="sync-runs", title=_("Bulk syncs and imports"), tables=[
            Table(id="sync-runs", caption=_("Recent runs, newest first"), columns=[
                Column("at", _("When")), Column("route", _("Route")),
                Column("token_id", _("Token")), Column("dry_run", _("Dry run")),
                Column("records", _("Records"), True), Column("created", _("Created"), True),
                Column("updated", _("Updated"), True), Column("unchanged", _("Unchanged"), True),
                Column("rejected", _("Rejected"), True),
            ], rows=runs, empty=_("no sync has run yet.")),
            Table(id="sync-errors", caption=_("Rejected records and why"), columns=[
                Column("at", _("When")), Column("route", _("Route")),
                Column("index", _("Record"), True), Column("external_id", _("External id")),
                Column("field", _("Field")), Column("reason", _("Reason")),
            ], rows=errors, empty=_("no record was rejected.")),
        ])  # fmt: skip

    return ConsoleSection("sync-runs", scopes, build)


def decisions_section(scopes: frozenset[str]) -> ConsoleSection:
    """The coordination group's decisions that concern this node, as the node holds them."""

    async def build(ctx: ConsoleContext) -> Section:
        _ = ctx.lang.gettext
        rows = [
            {
                "decided_at": d.decided_at, "title": d.title, "decided": d.decided,
                "period": d.period or "", "due": d.due or "", "status": d.status,
                "concerns": ", ".join(d.concerns) or _("every node"),
                "signatures": len(d.signatures),
                "follow_ups": sum(1 for f in d.follow_ups if f.done_at is None),
            }
            for d in await decisions.listed(ctx.session)
            if not d.concerns or ctx.node in d.concerns
        ]  # fmt: skip
        return Section(id="decisions", title=_("The coalition's decisions"), tables=[
            Table(id="decisions", caption=_("Decisions that concern this node, newest first"),
                  columns=[
                Column("decided_at", _("Decided")), Column("title", _("Item")),
                Column("decided", _("Decision")), Column("period", _("Period")),
                Column("due", _("Due")), Column("status", _("Status")),
                Column("concerns", _("Concerns")), Column("signatures", _("Signatures"), True),
                Column("follow_ups", _("Open follow-ups"), True),
            ], rows=rows, empty=_("no decision of the coordination group has reached this node."))
        ])  # fmt: skip

    return ConsoleSection("decisions", scopes, build)


def router(
    service: str, node: str, sections: Sequence[ConsoleSection], locale_dirs: Sequence[Path]
) -> APIRouter:
    """``/console`` (and its sign-in) for a node service with ``sections``."""
    console = pages(service, locale_dirs)
    routes = console.router()
    every = frozenset().union(*(s.scopes for s in sections))

    @routes.get(MOUNT, include_in_schema=False)
    @console.page(every)
    async def show(view: View, session: SessionDep) -> Response:
        lang, reader = view.lang, view.reader
        ctx = ConsoleContext(view.request, session, lang, reader, service, node)
        built = [await s.build(ctx) for s in sections if s.scopes & reader.scopes]
        heading = lang.gettext("%(service)s at node %(node)s") % {
            "service": service, "node": node.upper(),
        }  # fmt: skip
        return view.render(heading=heading, sections=built)

    return routes
