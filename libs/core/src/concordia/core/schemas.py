"""Request-model building blocks: strict by default, so ``true`` never becomes ``1.0``.

FastAPI validates the decoded JSON in Python mode, where pydantic's strict mode would refuse the
ISO strings that dates and UUIDs arrive as. These types accept exactly a JSON string in ISO form
and nothing else (no Unix timestamps, no numbers), which is what strictness means on the wire.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


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


#: The default of a field a partial update may leave out. Typed ``Any`` so a field reads
#: ``name: Text = OMITTED``: optional in the OpenAPI schema, yet never ``null``.
OMITTED: Any = None

#: Refuses booleans and strings where a JSON integer belongs: ``Annotated[int, ..., IntegerOnly]``.
IntegerOnly = BeforeValidator(_integer_only)

IsoDate = Annotated[date, BeforeValidator(_string_only), Field(strict=False)]
IsoDatetime = Annotated[datetime, BeforeValidator(_string_only), Field(strict=False)]
UuidStr = Annotated[uuid.UUID, BeforeValidator(_string_only), Field(strict=False)]


class StrictModel(BaseModel):
    """Base for request bodies: no coercion, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of results and the cursor of the next one (``null`` at the end)."""

    items: list[T]
    next: str | None = Field(description="Pass as `after` to get the next page.")
