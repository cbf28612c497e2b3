"""Request-model building blocks: strict by default, so ``true`` never becomes ``1.0``.

FastAPI validates the decoded JSON in Python mode, where pydantic's strict mode would refuse the
ISO strings that dates and UUIDs arrive as. These types accept exactly a JSON string in ISO form
and nothing else (no Unix timestamps, no numbers), which is what strictness means on the wire.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from concordia.core.codelists import codes


def _string_only(value: Any) -> Any:
    if isinstance(value, date | uuid.UUID):  # already parsed (internal callers)
        return value
    if not isinstance(value, str):
        raise ValueError("must be a JSON string in ISO format")
    return value


def _integer_only(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


#: A JSON integer: ``2`` and ``2.0`` (the same number in JSON), never ``true`` or ``"2"``.
JsonInt = Annotated[int, BeforeValidator(_integer_only)]


def json_int(*, ge: int | None = None, le: int | None = None) -> Any:
    """A bounded ``JsonInt``.

    The bounds must sit inside the validator's annotation: put on an outer ``Field``, pydantic
    writes them into the JSON Schema as unknown ``ge``/``le`` keys, and clients (and
    schemathesis) take every integer as valid.
    """
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_integer_only)]


IsoDate = Annotated[date, BeforeValidator(_string_only), Field(strict=False)]
IsoDatetime = Annotated[datetime, BeforeValidator(_string_only), Field(strict=False)]
UuidStr = Annotated[uuid.UUID, BeforeValidator(_string_only), Field(strict=False)]


#: C0 and C1 control characters (tab, newline and carriage return stay allowed in long text):
#: XML 1.0 cannot carry most of them, so one stored ``\x0b`` would break the IATI export.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
# The same rules for generated clients: a visible character, and no control character at all.
_TEXT_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
_LONG_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LONG_TEXT_PATTERN = rf"^[^{_LONG_CONTROLS}]*[^\s{_LONG_CONTROLS}][^{_LONG_CONTROLS}]*$"


def _no_controls(value: str) -> str:
    if CONTROL.search(value) or _LINE_BREAKS.search(value):
        raise ValueError("must not contain control characters (tabs and line breaks included)")
    return value


def _no_controls_long(value: str) -> str:
    if CONTROL.search(value):
        raise ValueError("must not contain control characters other than tab and line breaks")
    return value


_TEXT_RULES = (AfterValidator(_no_controls),)


#: A name or title: at most 300 characters on one line, with a visible one.
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, pattern=r"\S"),
    *_TEXT_RULES,
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 300, "pattern": _TEXT_PATTERN}),
]
#: A short name (a city): at most 120 characters on one line.
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=r"\S"),
    *_TEXT_RULES,
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 120, "pattern": _TEXT_PATTERN}),
]
#: A description: at most 4,000 characters; tabs and line breaks allowed, other controls not.
LongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4000, pattern=r"\S"),
    AfterValidator(_no_controls_long),
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": _LONG_TEXT_PATTERN}
    ),
]
#: An organisation identifier (org-id.guide): ``{agency}-{number}``, where the agency is an
#: active code of the registration agency codelist (``SE-ON``, ``CA_AB-ABT``). The codes sit in
#: the pattern itself, so the OpenAPI says exactly what the validator checks.
ORG_ID = re.compile(
    "^(?:"
    + "|".join(sorted(codes("OrganisationRegistrationAgency")))
    + r")-[A-Za-z0-9][A-Za-z0-9./\-]{0,63}$"
)


def _org_identifier(value: str) -> str:
    if not ORG_ID.match(value):
        prefix = "-".join(value.split("-")[:2])
        raise ValueError(
            "must read {registration agency}-{number}, e.g. 'SE-ON-8020001234', where the "
            f"agency is in IATI's OrganisationRegistrationAgency codelist (org-id.guide); "
            f"{prefix!r} is not"
        )
    return value


#: An organisation identifier whose prefix is a registered agency (what IATI's validator checks).
OrgIdentifier = Annotated[
    str,
    StringConstraints(max_length=96),
    AfterValidator(_org_identifier),
    WithJsonSchema({"type": "string", "maxLength": 96, "pattern": ORG_ID.pattern}),
]


class StrictModel(BaseModel):
    """Base for request bodies: no coercion, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of results and the cursor of the next one (``null`` at the end)."""

    items: list[T]
    next: str | None = Field(description="Pass as `after` to get the next page.")
