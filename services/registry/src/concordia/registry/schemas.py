"""API models of the registry: strict requests (``XCreate``/``XUpdate``/``XSync``), plain reads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, WithJsonSchema

from concordia.core.schemas import (
    OMITTED,
    IntegerOnly,
    IsoDate,
    NewRecord,
    Partial,
    StrictModel,
    SyncedRecord,
    UuidStr,
)
from concordia.core.types import Country, OrgIdentifier, Text
from concordia.registry import codes


def _region(value: str) -> str:
    if value in codes.REFUSED_CODES:
        raise ValueError(
            f"{value} names occupied Ukrainian territory, which is Ukraine's: "
            f"use {codes.REFUSED_CODES[value]}"
        )
    if value not in codes.REGION_DISTRICT:
        raise ValueError(f"{value!r} is not an ISO 3166-2:RU subject code (see /v1/codes)")
    return value


def _minority(value: str) -> str:
    if value not in codes.MINORITIES:
        raise ValueError(f"{value!r} is not in the national-minority list (see /v1/codes)")
    return value


def _language(value: str) -> str:
    if value not in codes.LANGUAGES:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code")
    return value


# Validators give the readable reason; the enums and patterns put the same rule in the OpenAPI.
Region = Annotated[
    str,
    AfterValidator(_region),
    WithJsonSchema({"type": "string", "enum": sorted(codes.REGION_DISTRICT)}),
]
Minority = Annotated[
    str,
    AfterValidator(_minority),
    WithJsonSchema({"type": "string", "enum": sorted(codes.MINORITIES)}),
]
Language = Annotated[
    str,
    AfterValidator(_language),
    WithJsonSchema({"type": "string", "enum": sorted(codes.LANGUAGES)}),
]
FocusCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]


class FamilyMember(StrictModel):
    """Family members of one relation, counted (names stay with the agency)."""

    relation: codes.Relation
    count: Annotated[int, Field(ge=1, le=30), IntegerOnly]


class PersonFields(StrictModel):
    """Everything an agency records about a person."""

    name: Text = Field(description="Encrypted at rest.", examples=["Testperson Alpha"])
    aliases: list[Text] = Field(default_factory=list, max_length=20)
    gender: codes.Gender
    ethnic_origin: codes.EthnicOrigin | None = Field(
        default=None, description="Self-declared only; special-category data."
    )
    national_minority: Minority | None = None
    region_of_origin: Region | None = Field(default=OMITTED, examples=["RU-TA"])
    profession_category: codes.Profession | None = None
    host_country: Country = Field(examples=["SE"])
    host_city: Text | None = Field(default=OMITTED, description="Encrypted at rest.")
    vulnerabilities: list[codes.Vulnerability] = Field(default_factory=list, max_length=5)
    risk_level: codes.RiskLevel = "medium"
    family: list[FamilyMember] = Field(default_factory=list, max_length=10)


class PersonCreate(NewRecord, PersonFields):
    """A new person."""


class PersonSync(SyncedRecord, PersonFields):
    """One record of a bulk sync: the agency's full view of the person."""


class PersonUpdate(Partial, of=PersonFields):
    """A partial change: only the fields sent are changed."""


class PersonRead(BaseModel):
    """A person as the registry holds it; ``erased`` persons carry no personal fields."""

    id: uuid.UUID
    version: int
    external_id: str | None
    erased: bool
    name: str | None
    aliases: list[str]
    gender: str | None
    ethnic_origin: str | None
    national_minority: str | None
    region_of_origin: str | None
    federal_district: str | None
    profession_category: str | None
    host_country: str | None
    host_city: str | None
    vulnerabilities: list[str]
    risk_level: str | None
    family: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime


class OrganisationFields(StrictModel):
    """Everything recorded about an organisation (not personal data)."""

    identifier: OrgIdentifier = Field(examples=["SE-ON-8020001234"])
    name: Text = Field(examples=["Example Exile Media Collective"])
    type: codes.OrganisationType
    focus: list[FocusCode] = Field(default_factory=list, max_length=20)
    languages: list[Language] = Field(default_factory=list, max_length=20)
    represents: list[codes.RepresentedGroup] = Field(
        default_factory=list, max_length=5, examples=[["women", "regional_communities"]]
    )
    regions_of_focus: list[Region] = Field(default_factory=list, max_length=100)
    registration_country: Country


class OrganisationCreate(NewRecord, OrganisationFields):
    """A new organisation."""


class OrganisationSync(SyncedRecord, OrganisationFields):
    """One record of a bulk organisation sync."""


class OrganisationUpdate(Partial, of=OrganisationFields):
    """A partial change of an organisation."""


class OrganisationRead(BaseModel):
    """An organisation."""

    id: uuid.UUID
    version: int
    external_id: str | None
    identifier: str
    name: str
    type: str
    focus: list[str]
    languages: list[str]
    represents: list[str]
    regions_of_focus: list[str]
    registration_country: str
    created_at: datetime
    updated_at: datetime


class MembershipCreate(StrictModel):
    """A person joins an organisation."""

    person_id: UuidStr
    role: Text = Field(examples=["editor"])
    since: IsoDate | None = None


class MembershipRead(BaseModel):
    """A membership."""

    person_id: uuid.UUID
    organisation_id: uuid.UUID
    role: str
    since: date | None


class PermitFields(StrictModel):
    """A permit or visa."""

    host_country: Country
    track: codes.PermitTrack
    status: codes.PermitStatus
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    family_members_covered: Annotated[int, Field(ge=0, le=30), IntegerOnly] = 0


class PermitCreate(PermitFields):
    """A new permit of a person."""

    person_id: UuidStr


class PermitUpdate(Partial, of=PermitFields, exclude=frozenset({"host_country"})):
    """A partial change of a permit."""


class PermitRead(BaseModel):
    """A permit."""

    id: uuid.UUID
    person_id: uuid.UUID
    version: int
    host_country: str
    track: str
    status: str
    valid_from: date | None
    valid_to: date | None
    family_members_covered: int
    created_at: datetime
    updated_at: datetime


class ConsentCreate(StrictModel):
    """A consent given by the person."""

    purpose: codes.ConsentPurpose
    basis: Text = Field(examples=["signed form 2026-03"])


class ConsentRead(BaseModel):
    """A consent and, if withdrawn, when."""

    id: uuid.UUID
    person_id: uuid.UUID
    purpose: str
    basis: str
    given_at: datetime
    withdrawn_at: datetime | None


class ChangeRead(BaseModel):
    """One entry of the delta feed."""

    seq: int
    entity: Literal["person", "organisation", "permit"]
    id: uuid.UUID
    external_id: str | None
    version: int
    op: Literal["upsert", "erase", "delete"]
    at: datetime


class AuditRead(BaseModel):
    """One audit entry."""

    seq: int
    at: datetime
    token_id: str
    token_name: str
    action: str
    person_id: uuid.UUID
    purpose: str | None
    owner: str | None = Field(default=None, description="The calling token's owner.")


class ScreenText(StrictModel):
    """One text to screen, under the caller's own name for where it comes from."""

    field: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\[\]-]{1,64}$")] = Field(
        examples=["body"]
    )
    text: Annotated[str, StringConstraints(max_length=2_000_000)]


class ScreenRequest(StrictModel):
    """Texts about to leave the node."""

    texts: list[ScreenText] = Field(min_length=1, max_length=200)


class ScreenMatch(BaseModel):
    """Where a registered family name, alias, e-mail address or phone number occurs."""

    field: str
    start: int
    end: int
    kind: Literal["name", "alias", "email", "phone"]


class ScreenResult(BaseModel):
    """Whether anything matched; the spans only for callers who may read the registry."""

    match: bool
    fields: list[str] = Field(description="The fields with a match (the caller's own labels).")
    matches: list[ScreenMatch] | None = Field(
        description="The spans; null unless the token also holds `registry:read`."
    )
