"""Recipients the ledger knows from the registry's local events, and how grants name them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.bulk import fetch_in
from concordia.ledger.models import Grant, KnownOrganisation, KnownPerson
from concordia.ledger.schemas import RecipientRead, RecipientRef


class UnknownRecipientError(ValueError):
    """The grant names a recipient the registry never announced (or removed, or erased)."""


@dataclass
class RecipientIndex:
    """Known recipients for a batch of references, looked up in a few queries."""

    orgs_by_id: dict[uuid.UUID, Any] = field(default_factory=dict)
    orgs_by_identifier: dict[str, Any] = field(default_factory=dict)
    persons: dict[uuid.UUID, Any] = field(default_factory=dict)

    def columns(self, ref: RecipientRef) -> dict[str, Any]:
        """The grant's recipient columns for ``ref``; ``UnknownRecipientError`` if unknown."""
        if ref.type == "organisation":
            org = (
                self.orgs_by_id.get(ref.id)
                if ref.id is not None
                else self.orgs_by_identifier.get(ref.identifier or "")
            )
            name = ref.id or ref.identifier
            if org is None or org.removed_at is not None:
                raise UnknownRecipientError(
                    f"organisation {name} is not known to the ledger: the registry has not "
                    "announced it (or removed it)"
                )
            return {
                "recipient_type": "organisation",
                "recipient_organisation_id": org.id,
                "recipient_person_id": None,
            }
        person = self.persons.get(ref.id)  # type: ignore[arg-type]
        if person is None:
            raise UnknownRecipientError(
                f"person {ref.id} is not known to the ledger: the registry has not announced it"
            )
        if person.erased_at is not None:
            raise UnknownRecipientError(f"person {ref.id} was erased from the registry")
        return {
            "recipient_type": "person",
            "recipient_organisation_id": None,
            "recipient_person_id": person.id,
        }


async def index_for(session: AsyncSession, refs: Sequence[RecipientRef]) -> RecipientIndex:
    """Look up every recipient ``refs`` name."""
    org_cols = (KnownOrganisation.id, KnownOrganisation.identifier, KnownOrganisation.removed_at)
    person_cols = (KnownPerson.id, KnownPerson.erased_at)
    org_ids = [r.id for r in refs if r.type == "organisation" and r.id is not None]
    identifiers = [r.identifier for r in refs if r.identifier is not None]
    person_ids = [r.id for r in refs if r.type == "person" and r.id is not None]
    index = RecipientIndex()
    for row in await fetch_in(session, org_cols, KnownOrganisation.id, org_ids):
        index.orgs_by_id[row.id] = row
    for row in await fetch_in(session, org_cols, KnownOrganisation.identifier, identifiers):
        # A removed organisation's identifier may be re-registered: prefer the live record.
        if row.removed_at is None or row.identifier not in index.orgs_by_identifier:
            index.orgs_by_identifier[row.identifier] = row
    for row in await fetch_in(session, person_cols, KnownPerson.id, person_ids):
        index.persons[row.id] = row
    return index


async def read(session: AsyncSession, grant: Grant, *, full: bool) -> RecipientRead:
    """The recipient as the caller may see it; persons appear as "individual" to feed readers."""
    if grant.recipient_type == "organisation" and grant.recipient_organisation_id is not None:
        org = await session.get(KnownOrganisation, grant.recipient_organisation_id)
        assert org is not None  # a foreign key guarantees it
        return RecipientRead(
            type="organisation", id=org.id, identifier=org.identifier, name=org.name
        )
    if grant.recipient_type == "person" and full:
        return RecipientRead(type="person", id=grant.recipient_person_id)
    return RecipientRead(type="individual", erased=grant.recipient_type == "erased_individual")
