"""API models of the ledger: strict requests (``XCreate``/``XUpdate``/``XSync``), plain reads."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from concordia.core.errors import inconsistent
from concordia.core.schemas import OMITTED, IntegerOnly, IsoDate, Partial, StrictModel, UuidStr
from concordia.core.types import (
    Country,
    ExternalId,
    LongText,
    OrgIdentifier,
    ShortText,
    Text,
)
from concordia.ledger import codes

_DECIMAL_TEXT = re.compile(r"^-?[0-9]{1,20}(\.[0-9]{1,20})?$")
CURRENCIES = frozenset(c.alpha_3 for c in pycountry.currencies)


def _currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return value


def _decimal(value: Any) -> Any:
    # JSON numbers and numeric strings are both exact here: a float goes through its shortest
    # repr, so 0.1 stays 0.1. Booleans are refused (strict: true is not 1).
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be a decimal number, as a JSON number or string")
    if isinstance(value, str) and not _DECIMAL_TEXT.match(value):
        raise ValueError('must be a decimal number such as "1250.50"')
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise ValueError('must be a decimal number such as "1250.50"') from None
    if not parsed.is_finite():
        raise ValueError("must be a finite decimal number")
    return parsed


Currency = Annotated[
    str,
    AfterValidator(_currency),
    WithJsonSchema({"type": "string", "enum": sorted(CURRENCIES)}),
]
# Money is documented as a decimal string (what clients should send: no binary rounding);
# JSON numbers are accepted too. The patterns say "greater than zero", as the validators do.
Amount = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    Field(strict=False, max_digits=18, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(?!0+(\.0+)?$)[0-9]{1,16}(\.[0-9]{1,2})?$",
            "description": "A positive amount, at most 2 decimal places (JSON numbers work too).",
            "examples": ["25000.00"],
        }
    ),
]
RateNumber = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    Field(strict=False, gt=0, max_digits=18, decimal_places=8),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(?!0+(\.0+)?$)[0-9]{1,10}(\.[0-9]{1,8})?$",
            "description": "EUR per one unit of the currency, positive (JSON numbers work too).",
            "examples": ["0.0871"],
        }
    ),
]
Count = Annotated[int, Field(ge=0, le=10_000_000), IntegerOnly]


def _end_after_start(value: date | None, info: ValidationInfo) -> date | None:
    start = info.data.get("start_date")
    if value is not None and start is not None and value < start:
        raise inconsistent(f"must not be before start_date ({start.isoformat()})")
    return value


# -- donors ---------------------------------------------------------------------------------


class DonorFields(StrictModel):
    """Everything recorded about a donor."""

    identifier: OrgIdentifier = Field(examples=["SE-ON-8020005678"])
    name: Text = Field(examples=["Example Democracy Programme"])
    type: codes.DonorType
    country: Country = Field(examples=["SE"])


class DonorCreate(DonorFields):
    """A new donor."""


class DonorUpdate(Partial, of=DonorFields):
    """A partial change of a donor."""


class DonorRead(BaseModel):
    """A donor."""

    id: uuid.UUID
    version: int
    identifier: str
    name: str
    type: str
    country: str
    created_at: datetime
    updated_at: datetime


# -- grants ---------------------------------------------------------------------------------


def _one_reference_schema(schema: dict[str, Any]) -> None:
    # The rule the validator below enforces, stated where clients (and schemathesis) read it.
    def only(kind: str, field: str, other: str | None) -> dict[str, Any]:
        case: dict[str, Any] = {
            "properties": {"type": {"const": kind}, field: {"type": "string"}},
            "required": ["type", field],
        }
        if other is not None:
            case["not"] = {"required": [other]}
        return case

    schema["oneOf"] = [
        only("person", "id", "identifier"),
        only("organisation", "id", "identifier"),
        only("organisation", "identifier", "id"),
    ]


class RecipientRef(StrictModel):
    """Who receives a grant: an organisation (by registry id or identifier) or a person (id)."""

    model_config = ConfigDict(json_schema_extra=_one_reference_schema)

    type: Literal["organisation", "person"]
    id: UuidStr | None = Field(default=OMITTED, description="The registry's id of the recipient.")
    identifier: OrgIdentifier | None = Field(
        default=None, description="Organisations only: the `{agency}-{number}` identifier."
    )

    @model_validator(mode="after")
    def _one_reference(self) -> RecipientRef:
        if self.type == "person" and (self.id is None or self.identifier is not None):
            raise ValueError("a person is named by `id` (the registry's person id) only")
        if self.type == "organisation" and (self.id is None) == (self.identifier is None):
            raise ValueError("name an organisation by exactly one of `id` or `identifier`")
        return self


Goals = Annotated[
    list[codes.GoalCode],
    Field(
        min_length=1,
        max_length=6,
        description="1 to 6 of the coalition's strategic goals, each at most once.",
        json_schema_extra={"uniqueItems": True},
    ),
]


def _unique_goals(value: list[str] | None) -> list[str] | None:
    if value is not None and len(set(value)) != len(value):
        raise ValueError("each goal code at most once")
    return value


class GrantFields(StrictModel):
    """Everything recorded about a grant."""

    recipient: RecipientRef
    title: Text = Field(examples=["Independent newsroom in exile, core support"])
    description: LongText | None = None
    purpose: codes.Purpose
    horizon: codes.Horizon
    goals: Annotated[Goals, AfterValidator(_unique_goals)]
    gender_marker: Annotated[int, Field(ge=0, le=2), IntegerOnly] = Field(
        description="IATI policy marker 1 (gender equality), significance 0-2."
    )
    start_date: IsoDate
    end_date: IsoDate
    visibility: codes.Visibility = "coalition"

    _end_date = field_validator("end_date")(_end_after_start)


class GrantCreate(GrantFields):
    """A new grant of a donor."""

    donor_id: UuidStr
    external_id: ExternalId = Field(description="The donor's own id; unique per donor.")


class GrantSync(GrantCreate):
    """One record of a bulk grant sync, keyed by (`donor_id`, `external_id`)."""


class GrantUpdate(StrictModel):
    """A partial change: only the fields sent are changed."""

    external_id: ExternalId = OMITTED
    recipient: RecipientRef = OMITTED
    title: Text = OMITTED
    description: LongText | None = None
    purpose: codes.Purpose = OMITTED
    horizon: codes.Horizon = OMITTED
    goals: Annotated[Goals, AfterValidator(_unique_goals)] = OMITTED
    gender_marker: Annotated[int, Field(ge=0, le=2), IntegerOnly] = OMITTED
    start_date: IsoDate = OMITTED
    end_date: IsoDate = OMITTED
    visibility: codes.Visibility = OMITTED

    _end_date = field_validator("end_date")(_end_after_start)


class RecipientRead(BaseModel):
    """The recipient as the caller may see it: persons only by id, and only to ledger writers."""

    type: Literal["organisation", "person", "individual"]
    id: uuid.UUID | None = None
    identifier: str | None = None
    name: str | None = None
    erased: bool = False


class Totals(BaseModel):
    """A grant's money in EUR; pledges never count as committed."""

    committed_eur: Decimal
    disbursed_eur: Decimal
    unconverted_transactions: int = Field(
        description="Transactions left out because no EUR rate covers their value date."
    )


class GrantRead(BaseModel):
    """A grant, with its totals in EUR."""

    id: uuid.UUID
    version: int
    donor_id: uuid.UUID
    external_id: str
    recipient: RecipientRead
    title: str
    description: str | None
    purpose: str
    horizon: str
    goals: list[str]
    gender_marker: int
    start_date: date
    end_date: date
    visibility: str
    feed_seq: int
    totals: Totals | None = None
    funded_elsewhere: list[str] = Field(
        default_factory=list,
        description="Coalition nodes that fund this organisation for the same purpose in a "
        "quarter of the grant (private set intersection; see /v1/overlaps).",
        examples=[["pl"]],
    )
    created_at: datetime
    updated_at: datetime


# -- transactions ---------------------------------------------------------------------------


class TransactionCreate(StrictModel):
    """A transaction on a grant."""

    type: codes.TransactionType = Field(description=codes.TRANSACTION_TYPES_DOC)
    amount: Amount = Field(examples=["25000.00"])
    currency: Currency = Field(examples=["SEK"])
    value_date: IsoDate
    donor_id: UuidStr | None = Field(
        default=None, description="If sent, must be the donor that owns the grant."
    )
    external_id: ExternalId | None = None
    description: Text | None = None

    @field_validator("amount")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("must be greater than zero (corrections are separate transactions)")
        return value


class TransactionRead(BaseModel):
    """A transaction, with its amount in EUR where a rate covers the value date."""

    id: uuid.UUID
    grant_id: uuid.UUID
    external_id: str | None
    type: int
    amount: Decimal
    currency: str
    value_date: date
    amount_eur: Decimal | None
    description: str | None
    created_at: datetime


# -- rates ----------------------------------------------------------------------------------


#: A currency that needs a rate: any ISO 4217 code but EUR, the reference.
RatedCurrency = Annotated[
    str,
    AfterValidator(_currency),
    WithJsonSchema({"type": "string", "enum": sorted(CURRENCIES - {"EUR"})}),
]


class RateIn(StrictModel):
    """EUR per one unit of ``currency``, valid from ``date`` until the next rate."""

    currency: RatedCurrency = Field(examples=["SEK"])
    date: IsoDate
    rate: RateNumber = Field(examples=["0.0871"])

    @field_validator("currency")
    @classmethod
    def _not_eur(cls, value: str) -> str:
        if value == "EUR":
            raise ValueError("EUR is the reference currency: its rate is 1 by definition")
        return value


class RateRead(BaseModel):
    """A stored rate."""

    currency: str
    date: date
    rate: Decimal


class RatesLoaded(BaseModel):
    """How many rates a load stored (new or replaced)."""

    stored: int


# -- activities -----------------------------------------------------------------------------


class ByGender(StrictModel):
    """Participants by gender: counts only."""

    women: Count = 0
    men: Count = 0
    other: Count = 0
    undisclosed: Count = 0


class ByOrigin(StrictModel):
    """Participants by self-declared ethnic origin: counts only."""

    russian: Count = 0
    non_russian: Count = 0
    undisclosed: Count = 0


def _same_total(gender: ByGender | None, origin: ByOrigin | None) -> None:
    if gender is None or origin is None:
        return
    by_gender = gender.women + gender.men + gender.other + gender.undisclosed
    by_origin = origin.russian + origin.non_russian + origin.undisclosed
    if by_gender != by_origin:
        raise inconsistent(
            f"counts by gender ({by_gender}) and by origin ({by_origin}) must describe "
            "the same participants"
        )


class ActivityFields(StrictModel):
    """An event or programme funded by a grant."""

    kind: codes.ActivityKind
    title: Text = Field(examples=["Regional media school, spring session"])
    start_date: IsoDate
    end_date: IsoDate
    country: Country = Field(examples=["LT"])
    city: ShortText
    participants_by_gender: ByGender = Field(default_factory=ByGender)
    participants_by_origin: ByOrigin = Field(default_factory=ByOrigin)

    _end_date = field_validator("end_date")(_end_after_start)

    @field_validator("participants_by_origin")
    @classmethod
    def _totals_agree(cls, value: ByOrigin, info: ValidationInfo) -> ByOrigin:
        _same_total(info.data.get("participants_by_gender"), value)
        return value


class ActivityCreate(ActivityFields):
    """A new activity of a grant."""


class ActivityUpdate(StrictModel):
    """A partial change of an activity."""

    kind: codes.ActivityKind = OMITTED
    title: Text = OMITTED
    start_date: IsoDate = OMITTED
    end_date: IsoDate = OMITTED
    country: Country = OMITTED
    city: ShortText = OMITTED
    participants_by_gender: ByGender = OMITTED
    participants_by_origin: ByOrigin = OMITTED


class ActivityRead(BaseModel):
    """An activity."""

    id: uuid.UUID
    grant_id: uuid.UUID
    version: int
    kind: str
    title: str
    start_date: date
    end_date: date
    country: str
    city: str
    participants_by_gender: dict[str, int]
    participants_by_origin: dict[str, int]
    created_at: datetime
    updated_at: datetime
