"""Bulk grant sync for donors: upsert up to 5,000 grants by (donor, external_id) at once.

Each record is validated on its own (``concordia.core.bulk``), then donors, recipients and
existing grants are looked up in a few set-based queries and the valid records planned
(``SyncPlan``) and written with one statement per kind of row, each changed grant taking a fresh
feed position.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core import bulk
from concordia.events import Event
from concordia.events.ledger import GrantRecorded, GrantUpdated
from concordia.ledger.models import Donor, Grant
from concordia.ledger.schemas import GrantSync
from concordia.ledger.service import grants, recipients
from concordia.ledger.service._common import NodeContext, Viewer, emit, feed_positions, shown

#: The client-set grant columns a sync record carries itself (the recipient is resolved).
_FIELDS = tuple(name for name in grants.FIELD_COLUMNS if name in GrantSync.model_fields)


async def sync_grants(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    viewer: Viewer,
    records: Sequence[Any],
    dry_run: bool,
) -> bulk.SyncReport:
    """Upsert grants of the caller's donors by (donor_id, external_id); unchanged grants are
    detected by digest. Another owner's donor is an unknown donor."""
    valid, refused = bulk.validate_records(
        records,
        GrantSync,
        key=lambda r: (r.donor_id, r.external_id),
        duplicate_msg="duplicate (donor_id, external_id) in this request",
    )
    plan = bulk.SyncPlan(results=refused)
    donors = {
        row.id: row.owner
        for row in await bulk.fetch_in(
            session, (Donor.id, Donor.owner), Donor.id, [r.donor_id for _, r in valid]
        )
        if viewer.may_change(row.owner)
    }
    index = await recipients.index_for(session, [r.recipient for _, r in valid])
    cols = (Grant.id, Grant.donor_id, Grant.external_id, Grant.version, Grant.digest,
            Grant.withdrawn_at, Grant.ever_visible, Grant.ever_public, Grant.visibility,
            Grant.feed_seq)  # fmt: skip
    existing = {
        (row.donor_id, row.external_id): row
        for row in await bulk.fetch_in(
            session,
            cols,
            (Grant.donor_id, Grant.external_id),
            [(r.donor_id, r.external_id) for _, r in valid],
        )
    }
    was_shown: dict[uuid.UUID, bool] = {}
    positions_now: dict[uuid.UUID, int] = {}
    for position, record in valid:
        key = record.external_id
        if record.donor_id not in donors:
            error = bulk.RecordError(loc=["donor_id"], msg=f"no donor {record.donor_id}")
            plan.reject(position, key, [error])
            continue
        try:
            recipient = index.columns(record.recipient)
        except recipients.UnknownRecipientError as exc:
            plan.reject(position, key, [bulk.RecordError(loc=["recipient"], msg=str(exc))])
            continue
        # The validated attributes as they are (a model_dump per record copied every field).
        values = {name: getattr(record, name) for name in _FIELDS} | recipient
        fingerprint = grants.digest(values)
        row = existing.get((record.donor_id, key))
        if row is not None and row.digest == fingerprint and row.withdrawn_at is None:
            plan.unchanged(position, key, row)
            continue
        grant_id, version = bulk.next_version(row)
        values |= {"id": grant_id, "owner": donors[record.donor_id],
                   "donor_id": record.donor_id, "external_id": key,
                   "version": version, "digest": fingerprint, "updated_at": plan.at,
                   "ever_visible": (row is not None and row.ever_visible)
                   or values["visibility"] != "restricted",
                   "ever_public": (row is not None and row.ever_public)
                   or values["visibility"] == "public"}  # fmt: skip
        if row is not None:
            values["withdrawn_at"] = None
            # Hidden before and after: it keeps its position (no gap in any feed).
            was_shown[grant_id] = shown(row.visibility, row.withdrawn_at)
            positions_now[grant_id] = row.feed_seq
        plan.upsert(position, key, row, values)
    if not dry_run:
        inserts, updates = plan.inserts, plan.updates
        moving = [v for v in inserts if shown(v["visibility"], None)]
        moving += [v for v in updates if was_shown[v["id"]] or shown(v["visibility"], None)]
        hidden = [v for v in inserts if not shown(v["visibility"], None)]
        positions = iter(await feed_positions(session, len(moving)))
        for values in moving:
            values["feed_seq"] = next(positions)
        hidden_positions = iter(await feed_positions(session, len(hidden), counter="hidden"))
        for values in hidden:
            values["feed_seq"] = next(hidden_positions)
        for values in updates:
            values.setdefault("feed_seq", positions_now[values["id"]])
        await plan.write(session, Grant)
        events: list[Event] = [grants.grant_event(GrantRecorded, v) for v in inserts]
        events += [grants.grant_event(GrantUpdated, v) for v in updates]
        await emit(session, ctx, events)
    return plan.report(dry_run=dry_run)
