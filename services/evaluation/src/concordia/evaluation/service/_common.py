"""What every evaluation write shares: the node context, periods, conflicts and rotation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import new_id, now
from concordia.core.crypto import FieldCipher
from concordia.core.errors import ConflictError, DomainError, NotFoundError
from concordia.evaluation.models import Assignment, Conflict, KnownGrant, KnownOrganisation
from concordia.events import CharterPublished

__all__ = ["Forbidden", "Item", "NodeContext", "Rules", "new_id", "now", "rules_from"]


class Forbidden(DomainError):
    """The caller may not act on this record (another evaluator's assignment)."""

    status = 403


@dataclass(frozen=True, slots=True)
class Rules:
    """The evaluation rules in force (charter settings where it has them, else the node's)."""

    rotation_max_consecutive: int = 2
    third_assessor_gap: int = 2
    agreement_min_items: int = 10
    fragmentation_threshold_eur: Decimal = Decimal(10000)


def rules_from(charter: CharterPublished, own: Rules) -> Rules:
    """The rules in force: the hub's charter's evaluation section, or before the hub sent one
    (the built-in charter, revision 0), the node's own settings."""
    if charter.revision == 0:
        return own
    section = charter.evaluation
    return replace(
        own,
        rotation_max_consecutive=section.rotation_max_consecutive,
        third_assessor_gap=section.third_assessor_gap,
        fragmentation_threshold_eur=section.fragmentation_threshold_eur,
    )


@dataclass(frozen=True, slots=True)
class NodeContext:
    """The node-wide things an evaluation operation needs."""

    node: str
    cipher: FieldCipher
    rules: Rules


@dataclass(frozen=True, slots=True)
class Item:
    """What is assessed: a grant or an organisation, with the organisation and donor behind it."""

    type: str
    id: uuid.UUID
    organisation_id: uuid.UUID | None
    donor_id: uuid.UUID | None
    purpose: str | None


def previous_periods(period: str, count: int) -> list[str]:
    """The ``count`` quarters before ``period`` (``2026-Q1`` -> ``2025-Q4``, ...)."""
    year, quarter = int(period[:4]), int(period[-1])
    out = []
    for _ in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        out.append(f"{year}-Q{quarter}")
    return out


async def item_of(session: AsyncSession, item_type: str, item_id: uuid.UUID) -> Item:
    """The item as this node learned it from its events; 404 if unknown."""
    if item_type == "grant":
        grant = await session.get(KnownGrant, item_id)
        if grant is None or grant.withdrawn:
            raise NotFoundError(f"no grant {item_id} known to this node")
        return Item("grant", item_id, grant.organisation_id, grant.donor_id, grant.purpose)
    org = await session.get(KnownOrganisation, item_id)
    if org is None or org.removed:
        raise NotFoundError(f"no organisation {item_id} known to this node")
    return Item("organisation", item_id, item_id, None, None)


async def conflict_of(
    session: AsyncSession,
    evaluator_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID | None,
    donor_id: uuid.UUID | None,
) -> Conflict | None:
    """The evaluator's declared conflict with the organisation or the donor, if any."""
    hits = [Conflict.organisation_id == organisation_id] if organisation_id else []
    hits += [Conflict.donor_id == donor_id] if donor_id else []
    if not hits:
        return None
    query = select(Conflict).where(Conflict.evaluator_id == evaluator_id, or_(*hits)).limit(1)
    return (await session.scalars(query)).first()


def conflict_reason(conflict: Conflict) -> str:
    """The 409's reason: which relationship with whom."""
    whom = (
        f"organisation {conflict.organisation_id}"
        if conflict.organisation_id is not None
        else f"donor {conflict.donor_id}"
    )
    return (
        f"conflict of interest: evaluator {conflict.evaluator_id} declared a "
        f"{conflict.relationship} relationship with {whom} (conflict {conflict.id})"
    )


async def ensure_no_conflict(session: AsyncSession, evaluator_id: uuid.UUID, item: Item) -> None:
    """409 with the reason when the evaluator declared a conflict with the item's parties."""
    found = await conflict_of(
        session, evaluator_id, organisation_id=item.organisation_id, donor_id=item.donor_id
    )
    if found is not None:
        raise ConflictError(conflict_reason(found))


async def rotation_breach(
    session: AsyncSession, evaluator_id: uuid.UUID, organisation_id: uuid.UUID | None,
    period: str, rules: Rules,
) -> bool:  # fmt: skip
    """Whether assessing the organisation in ``period`` exceeds the consecutive periods allowed."""
    if organisation_id is None:
        return False
    before = previous_periods(period, rules.rotation_max_consecutive)
    query = select(Assignment.period).where(
        Assignment.evaluator_id == evaluator_id,
        Assignment.organisation_id == organisation_id,
        Assignment.period.in_(before),
    )
    return set((await session.scalars(query)).all()) == set(before)
