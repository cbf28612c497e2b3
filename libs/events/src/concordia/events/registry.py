"""Events of the registry service.

Every event here is local: it never leaves the node. Even so, person events carry no names,
aliases or other free text about a person, only ids, codes and a version number, so a consumer
that needs more reads it from the registry (which audits the read).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from concordia.core.types import ORG_ID_MAX_LENGTH, ORG_ID_PATTERN
from concordia.events._model import LocalEvent
from concordia.events._types import CountryCode
from concordia.events.codes import (
    OrganisationType,
    PermitStatus,
    PermitTrack,
    RepresentedGroup,
)

#: ``{registration agency}-{number}`` as in IATI and org-id.guide (``concordia.core.types``).
OrgIdentifier = Annotated[
    str, StringConstraints(max_length=ORG_ID_MAX_LENGTH, pattern=ORG_ID_PATTERN)
]


#: An ISO 3166-2:RU subject or an occupied Ukrainian region (``REGION_DISTRICT``).
RegionCode = Annotated[str, StringConstraints(pattern=r"^(RU|UA)-[A-Z0-9]{1,3}$")]


def _person_id() -> Any:
    return Field(
        description="The person's id in this node's registry (UUIDv7).",
        examples=["01964f3a-7c1e-7d2a-9b1f-3a5c2e8d4f60"],
    )


def _org_id() -> Any:
    return Field(
        description="The organisation's id in this node's registry (UUIDv7).",
        examples=["01964f3a-9a10-7b7c-8c55-6f0e21d4a3b2"],
    )


def _version() -> Any:
    return Field(
        ge=1, description="The record's version after this change (increases by one).", examples=[3]
    )


class _PersonFacts(LocalEvent):
    # No external_id: the agency's key links an event to a person outside this node's records,
    # and events outlive an erasure in the stream.
    person_id: UUID = _person_id()
    host_country: CountryCode | None = Field(
        default=None, description="ISO 3166-1 alpha-2 of the host state.", examples=["SE"]
    )
    version: int = _version()


class PersonRegistered(_PersonFacts):
    """A person was registered (ids and codes only; never names)."""

    event_name: ClassVar[str] = "registry.person.registered"


class PersonUpdated(_PersonFacts):
    """A person's record changed; read the registry for the new state."""

    event_name: ClassVar[str] = "registry.person.updated"


class PersonErased(LocalEvent):
    """Tombstone: a person's personal fields were erased, so every aggregate is recomputed."""

    event_name: ClassVar[str] = "registry.person.erased"

    person_id: UUID = _person_id()
    erased_at: datetime = Field(
        description="When the erasure took effect (UTC).", examples=["2026-11-02T09:30:00Z"]
    )


class _OrganisationFacts(LocalEvent):
    organisation_id: UUID = _org_id()
    identifier: OrgIdentifier = Field(
        description="Standard identifier `{registration agency}-{number}` (org-id.guide).",
        examples=["SE-ON-802012-3456"],
    )
    name: str = Field(
        min_length=1,
        max_length=300,
        description="The organisation's public name (organisations are not personal data).",
        examples=["Free Voice Media"],
    )
    type: OrganisationType = Field(description="Kind of organisation.", examples=["ngo"])
    registration_country: CountryCode = Field(
        description="ISO 3166-1 alpha-2 of the state where it is registered.", examples=["LV"]
    )
    # Added in the evaluation release: older events lack them and read as empty.
    represents: tuple[RepresentedGroup, ...] = Field(
        default=(),
        description="Groups the organisation represents (national minorities, women, ...).",
        examples=[["women", "regional_communities"]],
    )
    regions_of_focus: tuple[RegionCode, ...] = Field(
        default=(),
        description="ISO 3166-2 codes of the regions it works for (registry code list).",
        examples=[["RU-TA", "RU-BA"]],
    )
    version: int = _version()


class OrganisationRegistered(_OrganisationFacts):
    """An organisation was registered."""

    event_name: ClassVar[str] = "registry.organisation.registered"


class OrganisationUpdated(_OrganisationFacts):
    """An organisation's record changed."""

    event_name: ClassVar[str] = "registry.organisation.updated"


class _PermitFacts(LocalEvent):
    permit_id: UUID = Field(
        description="The permit's id in this node's registry (UUIDv7).",
        examples=["01964f3b-0c2d-7e11-a0f4-2b9d7c61e0aa"],
    )
    person_id: UUID = _person_id()
    host_country: CountryCode = Field(
        description="ISO 3166-1 alpha-2 of the issuing state.", examples=["SE"]
    )
    track: PermitTrack = Field(description="Kind of permit.", examples=["residence"])
    status: PermitStatus = Field(description="Where the permit stands.", examples=["granted"])
    valid_from: date | None = Field(default=None, description="First valid day.", examples=[None])
    valid_to: date | None = Field(
        default=None, description="Last valid day.", examples=["2027-06-30"]
    )
    family_members_covered: int = Field(
        default=0, ge=0, description="Family members covered by this permit.", examples=[2]
    )
    version: int = _version()
    # Added for the plurality indicators ("permits granted to people in vulnerable groups"):
    # one bit, not which vulnerability, so the event says no more than the indicator needs.
    holder_vulnerable: bool = Field(
        default=False,
        description="Whether the permit's holder belongs to a vulnerable group (any of the "
        "registry's vulnerability codes) when the permit changed; which group is not said.",
        examples=[True],
    )


class PermitRecorded(_PermitFacts):
    """A permit (application, grant, visa...) was recorded for a person."""

    event_name: ClassVar[str] = "registry.permit.recorded"


class PermitUpdated(_PermitFacts):
    """A permit changed, e.g. its status or validity."""

    event_name: ClassVar[str] = "registry.permit.updated"


class MembershipChanged(LocalEvent):
    """A person joined an organisation, changed role in it, or left it."""

    event_name: ClassVar[str] = "registry.membership.changed"

    organisation_id: UUID = _org_id()
    person_id: UUID = _person_id()
    change: Literal["joined", "updated", "left"] = Field(
        description="What happened to the membership.", examples=["joined"]
    )


class OrganisationRemoved(LocalEvent):
    """An organisation was removed from the registry, with its memberships."""

    event_name: ClassVar[str] = "registry.organisation.removed"

    organisation_id: UUID = _org_id()
    removed_at: datetime = Field(
        description="When the removal took effect (UTC).", examples=["2026-11-02T09:30:00Z"]
    )


class AuditHeadAnchored(LocalEvent):
    """The head of the registry's audit hash chain, anchored outside its database.

    ``concordia audit verify`` recomputes the chain from the database and checks it against
    every anchor in the stream: an entry edited, removed or reordered after it was anchored
    changes the chain's hash at the anchored position.
    """

    event_name: ClassVar[str] = "registry.audit.head"

    seq: int = Field(ge=1, description="The sequence number of the head entry.", examples=[42])
    hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="The head entry's chain hash (SHA-256, hex).", examples=["0" * 64]
    )
