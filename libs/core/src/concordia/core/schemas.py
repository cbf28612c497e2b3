"""Request-model building blocks: strict by default, so ``true`` never becomes ``1.0``.

FastAPI validates the decoded JSON in Python mode, where pydantic's strict mode would refuse the
ISO strings that dates and UUIDs arrive as. These types accept exactly a JSON string in ISO form
and nothing else (no Unix timestamps, no numbers), which is what strictness means on the wire.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar, get_type_hints

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic._internal._model_construction import ModelMetaclass
from pydantic.fields import FieldInfo

from concordia.core.types import ExternalId


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


class NewRecord(StrictModel):
    """Base for a new record (``POST``), which may name its id in the system it comes from:
    put before the record's fields model, so ``external_id`` comes last.

    Example::

        class PersonCreate(NewRecord, PersonFields):
            '''A new person.'''
    """

    external_id: ExternalId | None = None


class SyncedRecord(StrictModel):
    """Base for one record of a bulk sync (``PUT``), always under its id in the system it comes
    from (what the sync upserts by): put before the record's fields model, as ``NewRecord``."""

    external_id: ExternalId


def _partial_annotations(
    of: type[BaseModel], exclude: frozenset[str], nullable: bool
) -> dict[str, Any]:
    # Each field's own annotation (with what its type says, a description too), and the
    # constraints its ``Field(...)`` adds (``max_length``), not its description or examples.
    hints = get_type_hints(of, include_extras=True)
    annotations = {}
    for name, info in of.model_fields.items():
        if name in exclude:
            continue
        implied = FieldInfo.from_annotation(hints[name]).metadata
        added = [m for m in info.metadata if m not in implied]
        hint = hints[name] | None if nullable else hints[name]
        annotations[name] = Annotated[(hint, *added)] if added else hint
    return annotations


class _PartialMeta(ModelMetaclass):
    # Adds the fields of ``of`` before pydantic reads the class body.
    def __new__(
        mcs,
        name: str,
        bases: tuple[type[Any], ...],
        namespace: dict[str, Any],
        of: type[BaseModel] | None = None,
        exclude: frozenset[str] = frozenset(),
        nullable: bool = False,
        **kwargs: Any,
    ) -> type:
        if of is not None:
            own = namespace.get("__annotations__", {})
            copied = _partial_annotations(of, exclude, nullable)
            namespace["__annotations__"] = {**own, **copied, **own}
            namespace.update({n: OMITTED for n in copied if n not in own})
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class Partial(StrictModel, metaclass=_PartialMeta):
    """Base for a partial change (``PATCH``) of the model named ``of``: each of its fields
    (but those in ``exclude``), with its type and constraints yet without its description,
    examples or default, optional (``OMITTED``: only the fields sent are changed); with
    ``nullable`` each also takes ``null`` (for a service that treats it as not sent). Fields the
    class body declares come first, and replace copied ones of the same name; validators are
    not copied (the body names those it keeps).

    Example::

        class PermitUpdate(Partial, of=PermitFields, exclude=frozenset({"host_country"})):
            '''A partial change of a permit.'''
    """

    def __init_subclass__(
        cls,
        of: type[BaseModel] | None = None,
        exclude: frozenset[str] = frozenset(),
        nullable: bool = False,
        **kwargs: Any,
    ) -> None:
        # The metaclass takes ``of`` and ``exclude``; declared here for type checkers.
        super().__init_subclass__(**kwargs)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of results and the cursor of the next one (``null`` at the end)."""

    items: list[T]
    next: str | None = Field(description="Pass as `after` to get the next page.")
