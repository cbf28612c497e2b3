"""The coalition dashboard (``/dashboard``): what the hub holds, as pages, charts and CSV.

Readers sign in with a hub token (`hub:read` or `hub:admin`). Every number comes from the
snapshots nodes published (``service.aggregates``) and the totals the API gives
(``indicators.coalition``): a suppressed cell reads "suppressed", a total with a hidden part
is marked, nothing is estimated. A table computed by secure aggregation (named in
``secure_tables``) is shown as the coalition total only: a per-country view beside it would let
a reader subtract one country's value.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.responses import Response
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.deps import SessionDep
from concordia.events import CharterPublished
from concordia.events.aggregates import ALL, Cell
from concordia.events.codes import FEDERAL_DISTRICTS, UKRAINE_DISTRICT
from concordia.events.runtime.snapshot_store import digest_of
from concordia.hub import indicators, service
from concordia.hub.api.deps import FederationDep, hub_settings
from concordia.hub.charter import service as charters
from concordia.hub.models import LibraryPractice, OverlapOutcome, Snapshot
from concordia.hub.overlap import service as overlap
from concordia.hub.schemas import AggregateTotal, CellTotal, CoalitionIndicators, SnapshotRead
from concordia.hub.secure import service as secure
from concordia.web import charts
from concordia.web.i18n import N_
from concordia.web.pages import Lang, NavItem, Pages, View
from concordia.web.tables import SUPPRESSED, Column, Section, Table

MOUNT = "/dashboard"
READ = frozenset({"hub:read", "hub:admin"})
#: Who reads the coordination group's workspace (as the workspace API's readers).
WORKSPACE = frozenset({"hub:read", "hub:member", "hub:advise", "hub:admin"})
HERE = pathlib.Path(__file__).parent
PAGES = Pages(
    mount=MOUNT,
    title=N_("Concordia coalition dashboard"),
    nav=[
        NavItem("", N_("Overview"), READ),
        NavItem("/nodes", N_("Nodes"), READ),
        NavItem("/overlaps", N_("Overlaps"), READ),
        NavItem("/practices", N_("Practices"), READ),
        # The coordination group's workspace (``workspace.pages``): for every workspace role.
        NavItem("/commitments", N_("Commitments"), WORKSPACE),
        NavItem("/agenda", N_("Agenda"), WORKSPACE),
        NavItem("/decisions", N_("Decisions"), WORKSPACE),
    ],
    locale_dirs=[HERE / "locales"],
    template_dirs=[HERE / "templates"],
)
MEASURES = ("committed", "disbursed")
FUNDING_DIMENSIONS = ("purpose", "horizon", "strategic_goal")
DISTRICTS = (*FEDERAL_DISTRICTS, UKRAINE_DISTRICT)
DISTRICT_TABLE = "persons_by_gender_and_district"

router = PAGES.router()
#: The most snapshots the nodes page lists (the API pages through every version).
RECEIVED_LIMIT = 500
Period = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_-]{1,32}$")]


def secure_tables(charter: CharterPublished) -> frozenset[str]:
    """Tables the charter has computed by secure aggregation: shown as coalition totals only
    (from their secure release, ``concordia.hub.secure``), never per country."""
    return frozenset(t.table for t in charter.secure)


async def _periods(session: AsyncSession) -> list[str]:
    rows = await session.scalars(select(Snapshot.period).distinct().order_by(Snapshot.period))
    return list(rows)


def _value(cell: CellTotal | None) -> Any:
    if cell is None:
        return None
    if cell.amount is not None:
        return cell.amount
    if cell.value is not None:
        return cell.value
    return SUPPRESSED if cell.suppressed_nodes else None


def _one_way(total: AggregateTotal) -> dict[str, CellTotal]:
    """The totals of a one-way table by level."""
    return {c.key[0]: c for c in total.cells if len(c.key) == 1}


def _published(cell: Cell) -> Any:
    if cell.suppressed:
        return SUPPRESSED
    return cell.amount if cell.amount is not None else cell.value


def _by_node(snapshots: Sequence[SnapshotRead], name: str) -> dict[str, dict[str, Any]]:
    """node -> level -> its published amount or count (``SUPPRESSED`` where withheld)."""
    out: dict[str, dict[str, Any]] = {}
    for snap in snapshots:
        if snap.aggregate != name or len(snap.dimensions) != 1:
            continue
        out[snap.node] = {
            c.key[0]: SUPPRESSED
            if c.suppressed
            else (c.amount if c.amount is not None else c.value)
            for c in snap.cells
        }
    return out


def _funding(
    lang: Lang, period: str, snapshots: Sequence[SnapshotRead], totals: dict[str, AggregateTotal],
    secure: frozenset[str],
) -> list[Section]:  # fmt: skip
    _ = lang.gettext
    sections = []
    for dimension in FUNDING_DIMENSIONS:
        section = Section(
            id=f"funding-{dimension}",
            title={
                "purpose": _("Funding by purpose"),
                "horizon": _("Funding by horizon"),
                "strategic_goal": _("Funding by strategic goal"),
            }[dimension],
            note=_("EUR, from every node's protected ledger tables."),
        )
        for measure in MEASURES:
            name = f"{measure}_eur_by_{dimension}"
            total = totals.get(name)
            label = _("Committed") if measure == "committed" else _("Disbursed")
            caption = _("%(measure)s, EUR (%(period)s)") % {"measure": label, "period": period}
            if total is None:
                section.tables.append(Table(
                    id=name, caption=caption, columns=[], rows=[],
                    empty=_("no node has published this table for the period."),
                ))  # fmt: skip
                continue
            levels = [c.key[0] for c in total.cells if len(c.key) == 1]
            cells = _one_way(total)
            nodes = [] if name in secure else total.nodes
            per_node = _by_node(snapshots, name)
            values: dict[tuple[str, str], Any] = {}
            for level in levels:
                for node in nodes:
                    values[(level, node)] = per_node.get(node, {}).get(level)
                if not nodes:
                    values[(level, _("Coalition"))] = _value(cells.get(level))
            series = nodes or [_("Coalition")]
            section.charts.append(charts.stacked_bars(
                name, caption,
                _("Stacked by country; a marked bar has a part suppressed at a node."),
                levels, series, values,
            ))  # fmt: skip
            columns = [Column("level", _("Level"))]
            columns += [Column(n, n.upper(), numeric=True, data=True) for n in nodes]
            columns += [Column("total", _("Coalition total"), numeric=True),
                        Column("incomplete", _("Part suppressed or missing"))]  # fmt: skip
            rows = []
            for level in levels:
                cell = cells[level]
                row: dict[str, Any] = {"level": level, "total": _value(cell),
                                       "incomplete": cell.incomplete}  # fmt: skip
                for node in nodes:
                    row[node] = per_node.get(node, {}).get(level)
                rows.append(row)
            section.tables.append(Table(
                id=name, caption=caption, columns=columns, rows=rows,
                note=_("Computed by secure aggregation: the coalition total only.")
                if name in secure else "",
            ))  # fmt: skip
        sections.append(section)
    return sections


def _targets(lang: Lang, period: str, result: CoalitionIndicators) -> Section:
    _ = lang.gettext
    section = Section(
        id="targets", title=_("Targets"),
        note=_("Pooled shares of every participant across the coalition, against the charter."),
    )  # fmt: skip
    names = {"women_share": _("Women's share"), "non_russian_share": _("Non-Russian share")}
    rows = []
    for t in result.targets:
        title = _("%(indicator)s (%(table)s, %(period)s)") % {
            "indicator": names.get(t.indicator, t.indicator),
            "table": t.aggregate,
            "period": period,
        }
        section.charts.append(charts.band(
            f"target-{t.indicator}-{t.aggregate}", title,
            _("The shaded part is the target band (from the floor to the ceiling, or up from "
              "the floor); the dashed line is the aim; the black mark is the share."),
            t.share, low=t.min_share, high=t.max_share, aim=t.aim_share, met=t.met,
        ))  # fmt: skip
        rows.append({
            "indicator": t.indicator, "aggregate": t.aggregate,
            "share": SUPPRESSED if t.share is None and t.suppressed_nodes else t.share,
            "floor": t.min_share, "aim": t.aim_share, "ceiling": t.max_share, "met": t.met,
        })  # fmt: skip
    section.tables.append(Table(
        id="targets", caption=_("Shares against their targets (%(period)s)") % {"period": period},
        columns=[
            Column("indicator", _("Indicator")), Column("aggregate", _("Table")),
            Column("share", _("Share"), True), Column("floor", _("Floor"), True),
            Column("aim", _("Aim"), True), Column("ceiling", _("Ceiling"), True),
            Column("met", _("Met")),
        ],
        rows=rows, empty=_("no table of this period carries a target's dimension."),
    ))  # fmt: skip
    return section


def _privacy(lang: Lang, released: Sequence[Any]) -> Section:
    """Epsilon spent on each secure table (each node keeps and enforces its own ledger)."""
    _ = lang.gettext
    spent = secure.spent(released)
    rows = [
        {"table": table, "epsilon": spent.get(table),
         "periods": ", ".join(sorted({r.period for r in released
                                      if r.aggregate == table and r.phase == "sum"}))}
        for table in sorted({r.aggregate for r in released})
    ]  # fmt: skip
    return Section(
        id="privacy", title=_("Secure tables"),
        note=_("Tables the nodes compute together by secure aggregation: the hub learns the "
               "coalition total only. Epsilon is the privacy loss spent on a table under "
               "differential privacy; each node refuses past its own budget."),
        tables=[Table(
            id="privacy", caption=_("Epsilon spent per secure table"),
            columns=[Column("table", _("Table")), Column("epsilon", _("Epsilon spent"), True),
                     Column("periods", _("Periods released"))],
            rows=rows, empty=_("no secure table released yet."),
        )],
    )  # fmt: skip


def _districts(result: CoalitionIndicators) -> dict[str, Any]:
    """Persons by federal district (every gender), as the coalition totals give them."""
    for total in result.aggregates:
        if total.aggregate != DISTRICT_TABLE or "federal_district" not in total.dimensions:
            continue
        position = total.dimensions.index("federal_district")
        found = {}
        for cell in total.margins:
            if cell.key[position] != ALL and all(
                part == ALL for i, part in enumerate(cell.key) if i != position
            ):
                found[cell.key[position]] = _value(cell)
        return found
    return {}


def _coverage(districts: dict[str, Any]) -> int | None:
    if not districts:
        return None
    return sum(1 for d in DISTRICTS if isinstance(districts.get(d), int) and districts[d] > 0)


def _regions(lang: Lang, period: str, result: CoalitionIndicators) -> Section:
    _ = lang.gettext
    districts = _districts(result)
    section = Section(id="regions", title=_("Regions of origin"))
    section.charts.append(charts.tile_map(
        "districts", _("Persons by federal district of origin (%(period)s)") % {"period": period},
        _("One tile per federal district; the darker, the more persons registered."),
        districts, {d: d for d in DISTRICTS},
    ))  # fmt: skip
    section.tables.append(Table(
        id="districts", caption=_("Persons by federal district of origin (%(period)s)")
        % {"period": period},
        columns=[Column("district", _("Federal district")), Column("persons", _("Persons"), True)],
        rows=[{"district": d, "persons": districts[d]} for d in DISTRICTS if d in districts],
        empty=_("no node has published this table for the period."),
    ))  # fmt: skip
    return section


async def _trends(
    lang: Lang, session: AsyncSession, periods: Sequence[str], charter: CharterPublished
) -> Section:
    _ = lang.gettext
    rows: list[dict[str, Any]] = []
    for period in periods:
        snaps = await service.aggregates(
            session=session, filters={"period": period}, history=False, limit=100_000
        )
        released = secure.totals(await secure.releases(session, period=period))
        result = indicators.coalition(period, snaps, charter, released)
        shares: dict[str, Any] = {}
        for t in result.targets:  # the first table measuring it (by name): the one-way table
            shares.setdefault(t.indicator, t.share)
        committed = next(
            (c for t in result.aggregates if t.aggregate == "committed_eur_by_purpose"
             for c in t.margins if all(k == ALL for k in c.key)), None,
        )  # fmt: skip
        rows.append({
            # A total with a node's part withheld is no total: the trend shows a gap.
            "period": period, "committed": SUPPRESSED if committed is not None
            and committed.suppressed_nodes else _value(committed),
            "women_share": shares.get("women_share"),
            "non_russian_share": shares.get("non_russian_share"),
            "coverage": _coverage(_districts(result)),
        })  # fmt: skip
    section = Section(
        id="trends", title=_("Trends over periods"),
        note=_("Concentration, newcomer share and fragmentation are computed by each node's "
               "evaluation service over its own grants and shown in its console; they are "
               "not sent to the hub."),
    )  # fmt: skip
    section.charts.append(charts.trend(
        "trend-coverage", _("Regional coverage: federal districts represented"),
        _("How many federal districts (of nine, with the occupied territories) have registered "
          "persons, per period."),
        [(r["period"], r["coverage"]) for r in rows],
    ))  # fmt: skip
    section.charts.append(charts.trend(
        "trend-committed", _("Committed funding, EUR"),
        _("The coalition's committed funding per period; a gap: a part is suppressed."),
        [(r["period"], r["committed"] if r["committed"] is not SUPPRESSED else None)
         for r in rows],
    ))  # fmt: skip
    section.tables.append(Table(
        id="trends", caption=_("Indicators per period"),
        columns=[
            Column("period", _("Period")), Column("committed", _("Committed, EUR"), True),
            Column("women_share", _("Women's share"), True),
            Column("non_russian_share", _("Non-Russian share"), True),
            Column("coverage", _("Federal districts represented"), True),
        ],
        rows=rows, empty=_("nothing published yet."),
    ))  # fmt: skip
    return section


@router.get(MOUNT)
@PAGES.page(READ)
async def overview(view: View, session: SessionDep, period: Period = None) -> Response:
    """The coalition overview of one period (the newest by default)."""
    lang = view.lang
    _ = lang.gettext
    periods = await _periods(session)
    chosen = period if period in periods else (periods[-1] if periods else None)
    sections: list[Section] = []
    charter = await charters.current(session=session)
    if chosen is not None:
        snapshots = await service.aggregates(
            session=session, filters={"period": chosen}, history=False, limit=100_000
        )
        released = secure.totals(await secure.releases(session, period=chosen))
        result = indicators.coalition(chosen, snapshots, charter, released)
        totals = {t.aggregate: t for t in result.aggregates}
        sections += _funding(lang, chosen, snapshots, totals, secure_tables(charter))
        sections.append(_targets(lang, chosen, result))
        sections.append(_regions(lang, chosen, result))
    sections.append(await _trends(lang, session, periods, charter))
    sections.append(_privacy(lang, await secure.releases(session)))
    return view.render(
        heading=_("Coalition overview"), sections=sections,
        template="filtered.html", periods=periods, period=chosen,
        message=None if periods else _("No node has published anything yet."),
    )  # fmt: skip


@router.get(f"{MOUNT}/nodes")
@PAGES.page(READ)
async def nodes(view: View, session: SessionDep, federation: FederationDep) -> Response:
    """Who reported when, the charter each service runs, and how far behind it is."""
    _ = view.gettext
    found = await service.nodes(
        session=session, federation=federation,
        stale_after=hub_settings(view.request).stale_after_seconds,
    )  # fmt: skip
    node_rows = [{
        "code": n.code, "name": n.name, "connected": n.connected, "last_report_at":
        n.last_report_at, "lag": None if n.lag_seconds is None else round(n.lag_seconds),
        "stale": n.stale, "refused": n.refused,
    } for n in found]  # fmt: skip
    service_rows = [{
        "node": n.code, "service": s.service, "charter": s.charter_version,
        "current": s.charter_current, "last_report_at": s.last_report_at,
        "lag": round(s.lag_seconds), "pending": s.outbox_pending, "stale": s.stale,
    } for n in found for s in n.services]  # fmt: skip
    sections = [Section(id="nodes", title=_("Countries"), tables=[
        Table(id="nodes", caption=_("Nodes and their last report"), columns=[
            Column("code", _("Node")), Column("name", _("Name")),
            Column("connected", _("Connected")), Column("last_report_at", _("Last report")),
            Column("lag", _("Lag, seconds"), True), Column("stale", _("Stale")),
            Column("refused", _("Messages refused"), True),
        ], rows=node_rows, empty=_("no node is linked yet.")),
        Table(id="services", caption=_("Services: charter and status"), columns=[
            Column("node", _("Node")), Column("service", _("Service")),
            Column("charter", _("Charter version")), Column("current", _("Current charter")),
            Column("last_report_at", _("Last report")), Column("lag", _("Lag, seconds"), True),
            Column("pending", _("Outbox pending"), True), Column("stale", _("Stale")),
        ], rows=service_rows, empty=_("no service has reported yet.")),
    ])]  # fmt: skip
    received = await session.scalars(
        select(Snapshot).order_by(Snapshot.received_at.desc(), Snapshot.id.desc())
        .limit(RECEIVED_LIMIT)
    )  # fmt: skip
    sections.append(Section(
        id="received", title=_("Snapshots received"),
        note=_("The newest snapshots each node sent, with the fingerprint its console shows "
               "for the same release (SHA-256): a node's data-protection officer can check that "
               "the hub holds exactly what the node sent."),
        tables=[Table(id="received", caption=_("Snapshots, newest first"), columns=[
            Column("node", _("Node")), Column("service", _("Service")),
            Column("aggregate", _("Table")), Column("period", _("Period")),
            Column("version", _("Version"), True), Column("received", _("Received")),
            Column("sha256", _("Fingerprint (SHA-256)")),
        ], rows=[{
            "node": r.node, "service": r.service, "aggregate": r.aggregate, "period": r.period,
            "version": r.version, "received": r.received_at, "sha256": digest_of(r.payload).hex(),
        } for r in received], empty=_("nothing received yet."))],
    ))  # fmt: skip
    return view.render(heading=_("Nodes"), sections=sections)


@router.get(f"{MOUNT}/overlaps")
@PAGES.page(READ)
async def overlaps(view: View, session: SessionDep, period: Period = None) -> Response:
    """Overlap counts per purpose and period: how many grantees two countries share, never who."""
    _ = view.gettext
    found = await session.execute(
        select(OverlapOutcome.period, OverlapOutcome.purpose).distinct()
        .order_by(OverlapOutcome.period, OverlapOutcome.purpose)
    )  # fmt: skip
    pairs = [(p, purpose) for p, purpose in found]
    periods = sorted({p for p, _purpose in pairs})
    chosen = period if period in periods else (periods[-1] if periods else None)
    rows: list[dict[str, Any]] = []
    summary: dict[str, Decimal] = {}
    for p, purpose in pairs:
        if p != chosen:
            continue
        for row in await overlap.outcomes(session=session, period=p, purpose=purpose):
            rows.append({
                "purpose": purpose, "client": row.client, "server": row.server,
                "status": row.status, "count": row.count, "declined_by": row.declined_by,
                "at": row.at,
            })  # fmt: skip
            if row.count is not None:
                summary[purpose] = summary.get(purpose, Decimal(0)) + row.count
    purposes = sorted(summary)
    section = Section(id="overlaps", title=_("Overlaps of %(period)s") % {"period": chosen or "-"})
    if summary:
        section.charts.append(charts.stacked_bars(
            "overlaps", _("Grantees funded by two countries, per purpose"),
            _("Sum over the ordered pairs of countries of the grantees both fund."),
            purposes, ["count"], {(p, "count"): summary[p] for p in purposes},
        ))  # fmt: skip
    section.tables.append(Table(
        id="overlaps", caption=_("Newest outcome per pair of countries"), columns=[
            Column("purpose", _("Purpose")), Column("client", _("Asked by")),
            Column("server", _("Answered by")), Column("status", _("Outcome")),
            Column("count", _("Grantees in common"), True),
            Column("declined_by", _("Declined by")), Column("at", _("When")),
        ], rows=rows, empty=_("no overlap round has run yet."),
    ))  # fmt: skip
    return view.render(
        heading=_("Overlaps"), sections=[section], template="filtered.html", periods=periods,
        period=chosen,
    )  # fmt: skip


LIBRARY_LIMIT = 200


@router.get(f"{MOUNT}/practices")
@PAGES.page(READ)
async def practices(
    view: View, session: SessionDep, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """The coalition's library: every practice the hub relayed, newest revision; a search."""
    _ = view.gettext
    query = select(LibraryPractice).order_by(LibraryPractice.published_at.desc())
    words = q.strip().lower().split()
    for word in words[:10]:
        query = query.where(or_(*(
            func.lower(column).contains(word, autoescape=True)
            for column in (LibraryPractice.title, LibraryPractice.summary, LibraryPractice.body,
                           LibraryPractice.topic)
        )))  # fmt: skip
    found = list(await session.scalars(query.limit(LIBRARY_LIMIT)))
    table = Table(
        id="practices", caption=_("Practices in the library"), columns=[
            Column("title", _("Title")), Column("origin", _("Node")),
            Column("topic", _("Topic")), Column("language", _("Language")),
            Column("revision", _("Revision"), True), Column("published", _("Approved")),
        ],
        rows=[{"title": p.title, "origin": p.origin, "topic": p.topic, "language": p.language,
               "revision": p.revision, "published": p.published_at} for p in found],
        empty=_("no practice matches.") if words else _("no node has published a practice yet."),
    )  # fmt: skip
    section = Section(
        id="library", title=_("The coalition's library"),
        note=_("Practices approved by four eyes and screened at their node, as the hub relayed "
               "them to every other node."),
        tables=[table],
    )  # fmt: skip
    return view.render(
        heading=_("Best practices"), sections=[section], template="library.html", q=q,
        found=found,
    )  # fmt: skip


@router.get(f"{MOUNT}/practices/{{practice}}")
@PAGES.page(READ)
async def practice(
    view: View, session: SessionDep, practice: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
) -> Response:
    """One practice of the library, as its node published it."""
    _ = view.gettext
    row = await session.get(LibraryPractice, practice)
    if row is None:
        return view.not_found(
            _("The library holds no practice with this id."), heading=_("No such practice")
        )
    return view.render(
        heading=row.title, heading_data=True, sections=[], template="practice.html", practice=row
    )


__all__ = ["MOUNT", "PAGES", "WORKSPACE", "router", "secure_tables"]
