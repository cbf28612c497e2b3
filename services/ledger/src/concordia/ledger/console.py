"""The ledger's part of the node console: its grants, and the funding feed as a donor sees it.

Grants are listed as the API lists them (``GET /v1/grants``): a writer sees its owner's,
`ledger:admin` every owner's. The feed section is the first page of ``/v1/feed/grants`` for the
reader's own audience (public grants; coalition ones with `feed:coalition`): a person's grant
shows no title, a restricted grant never appears.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from concordia.kit.console import ConsoleContext, ConsoleSection
from concordia.ledger.feed import service as feed
from concordia.ledger.service import grants
from concordia.ledger.service._common import Viewer
from concordia.web import charts
from concordia.web.tables import Column, Section, Table

LOCALES = Path(__file__).parent / "locales"
#: The most grants, and feed items, the console lists (the API pages through more).
LIMIT = 500
WRITERS = frozenset({"ledger:write", "ledger:admin"})
FEED = frozenset({"feed:read"})


async def _grants(ctx: ConsoleContext) -> Section:
    _ = ctx.lang.gettext
    found = await grants.list_page(
        session=ctx.session, viewer=Viewer(principal=ctx.principal), donor_id=None, after=None,
        limit=LIMIT,
    )  # fmt: skip
    rows = [{
        "external_id": g.external_id, "purpose": g.purpose, "horizon": g.horizon,
        "visibility": g.visibility, "recipient": g.recipient_type, "start": g.start_date,
        "end": g.end_date, "version": g.version,
    } for g in found]  # fmt: skip
    return Section(id="grants", title=_("Grants"), tables=[Table(
        id="grants", caption=_("Live grants you may change"), columns=[
            Column("external_id", _("External id")), Column("purpose", _("Purpose")),
            Column("horizon", _("Horizon")), Column("visibility", _("Visibility")),
            Column("recipient", _("Recipient")), Column("start", _("Start")),
            Column("end", _("End")), Column("version", _("Version"), True),
        ], rows=rows, empty=_("no grant recorded yet."),
    )])  # fmt: skip


def _committed_eur(item: dict[str, Any]) -> Decimal | None:
    amounts = [
        Decimal(t["amount_eur"]) for t in item.get("transactions", ())
        if t["type"] == 2 and t.get("amount_eur") is not None
    ]  # fmt: skip
    return sum(amounts, Decimal(0)) if amounts else None


async def _feed(ctx: ConsoleContext) -> Section:
    _ = ctx.lang.gettext
    viewer = Viewer(principal=ctx.principal)
    page = await feed.page(session=ctx.session, after=0, limit=LIMIT, audience=viewer.audience)
    rows = []
    for item in page.items():
        if item["withdrawn"]:
            continue
        rows.append({
            "seq": item["feed_seq"], "donor": item["donor"]["name"], "title": item["title"],
            "purpose": item["purpose"], "recipient": item["recipient"].get("type"),
            "visibility": item["visibility"], "committed": _committed_eur(item),
        })  # fmt: skip
    by_purpose: dict[str, Decimal] = {}
    for row in rows:
        if row["committed"] is not None:
            by_purpose[row["purpose"]] = (
                by_purpose.get(row["purpose"], Decimal(0)) + row["committed"]
            )
    section = Section(
        id="feed", title=_("The funding feed as a donor sees it"),
        note=_("What your token reads in the feed: public grants (and coalition grants with "
               "feed:coalition); never a restricted grant or a person's name."),
    )  # fmt: skip
    if by_purpose:
        purposes = sorted(by_purpose)
        section.charts.append(charts.stacked_bars(
            "feed-committed", _("Committed in the feed, EUR, by purpose"),
            _("The sum of the commitments of the grants the feed shows, by purpose."),
            purposes, [_("Committed")], {(p, _("Committed")): by_purpose[p] for p in purposes},
        ))  # fmt: skip
    section.tables.append(Table(
        id="feed", caption=_("Grants in the feed"), columns=[
            Column("seq", _("Position"), True), Column("donor", _("Donor")),
            Column("title", _("Title")), Column("purpose", _("Purpose")),
            Column("recipient", _("Recipient")), Column("visibility", _("Visibility")),
            Column("committed", _("Committed, EUR"), True),
        ], rows=rows, empty=_("the feed shows no grant to this token."),
    ))  # fmt: skip
    return section


SECTIONS = [ConsoleSection("grants", WRITERS, _grants), ConsoleSection("feed", FEED, _feed)]
#: Who may read the log of bulk syncs (another donor's external ids are in it).
SYNC_SCOPES = frozenset({"ops", "ledger:admin"})
