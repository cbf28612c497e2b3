"""The registry's part of the node console: permits expiring in the next 30, 60 and 90 days.

The list is read like the API's (``GET /v1/permits?expiring_within_days=90``): the reader sees
only their own agency's permits (`registry:admin`: every agency's), and the read is recorded in
the audit trail with the purpose ``permit_case_work; node console``. It shows permit and
person ids, never a name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from concordia.kit.console import ConsoleContext, ConsoleSection, counted_section
from concordia.registry.api.deps import registry_state
from concordia.registry.service import permits
from concordia.registry.service._common import Actor, now
from concordia.web.tables import Column, Section, Table

LOCALES = Path(__file__).parent / "locales"
WINDOWS = (30, 60, 90)
READ = frozenset({"registry:read", "registry:admin"})
#: The most permits the console lists (the API pages through more).
LIMIT = 1000


def _window(days: int) -> int:
    return next(w for w in WINDOWS if days <= w)


async def _expiring(ctx: ConsoleContext) -> Section:
    _ = ctx.lang.gettext
    trail = registry_state(ctx.request).trail
    assert trail is not None, "the audit trail starts with the app"
    p = ctx.principal
    actor = Actor(
        token_id=p.token_id,
        name=p.name,
        scopes=p.scopes,
        owner=p.owner,
        purpose="permit_case_work; node console",
        admin_scope="registry:admin",
    )
    today = now().date()
    found = await permits.search(
        session=ctx.session, trail=trail, actor=actor, person_id=None, status=None,
        expiring_within_days=max(WINDOWS), after=None, limit=LIMIT, today=today,
    )  # fmt: skip
    rows = []
    for permit in sorted(found, key=lambda p: (p.valid_to or date.max, str(p.id))):
        assert permit.valid_to is not None  # granted and expiring: it has an end
        left = (permit.valid_to - today).days
        rows.append({
            "window": _window(left), "valid_to": permit.valid_to.isoformat(), "days": left,
            "permit": str(permit.id), "person": str(permit.person_id),
            "country": permit.host_country, "track": permit.track,
            "family": permit.family_members_covered,
        })  # fmt: skip
    counts = {w: sum(1 for r in rows if r["window"] == w) for w in WINDOWS}
    labels = {w: _("within %(days)s days") % {"days": w} for w in WINDOWS}
    section = counted_section(
        id="permits", title=_("Permits expiring in the next 90 days"),
        note=_("Granted permits whose validity ends within 30, 60 or 90 days; the read is "
               "recorded in the audit trail."),
        chart=("permits-expiring", _("Permits expiring, by window"),
               _("How many granted permits end within 30 days, 31 to 60 and 61 to 90 days.")),
        series=_("Permits"), labels=labels, counts=counts,
    )  # fmt: skip
    section.tables.append(Table(
        id="permits-expiring", caption=_("Permits by the day they end"), columns=[
            Column("window", _("Window, days"), True), Column("valid_to", _("Valid to")),
            Column("days", _("Days left"), True), Column("permit", _("Permit")),
            Column("person", _("Person")), Column("country", _("Host country")),
            Column("track", _("Track")), Column("family", _("Family members covered"), True),
        ], rows=rows, empty=_("no granted permit ends in the next 90 days."),
    ))  # fmt: skip
    return section


SECTIONS = [ConsoleSection("permits", READ, _expiring)]
#: Who may read the log of bulk syncs (another agency's external ids are in it).
SYNC_SCOPES = frozenset({"ops", "registry:admin"})
