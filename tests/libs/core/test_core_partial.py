"""``Partial``: a PATCH model copied from the full one, every field optional."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field, ValidationError

from concordia.core.schemas import OMITTED, IntegerOnly, Partial, StrictModel

Tags = Annotated[list[str], Field(description="Free tags.")]


class ThingFields(StrictModel):
    """A thing."""

    name: str = Field(description="Its name.", examples=["box"], min_length=2)
    tags: Tags = Field(default_factory=list, max_length=2)
    count: Annotated[int, Field(ge=0), IntegerOnly] = 0
    colour: str | None = None
    secret: str


class ThingUpdate(Partial, of=ThingFields, exclude=frozenset({"secret"})):
    """A partial change of a thing."""

    label: str = OMITTED


def test_every_field_but_the_excluded_is_optional_and_the_body_s_come_first() -> None:
    assert list(ThingUpdate.model_fields) == ["label", "name", "tags", "count", "colour"]
    assert ThingUpdate.model_validate({}).model_dump(exclude_unset=True) == {}
    sent = ThingUpdate.model_validate({"count": 2, "colour": None})
    assert sent.model_dump(exclude_unset=True) == {"count": 2, "colour": None}


@pytest.mark.parametrize(
    "body",
    [{"name": "x"}, {"tags": ["a", "b", "c"]}, {"count": True}, {"count": -1}, {"secret": "s"}],
)
def test_the_constraints_and_strictness_stay(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ThingUpdate.model_validate(body)


def test_the_schema_keeps_the_type_s_words_not_the_field_s() -> None:
    schema = ThingUpdate.model_json_schema()
    assert schema["description"] == "A partial change of a thing."
    name, tags = schema["properties"]["name"], schema["properties"]["tags"]
    assert "description" not in name
    assert "examples" not in name
    assert name["minLength"] == 2
    assert (tags["description"], tags["maxItems"]) == ("Free tags.", 2)
    assert "required" not in schema


class ThingEdit(Partial, of=ThingFields, nullable=True):
    """An edit: null is as good as not sent."""

    reason: str


def test_nullable_fields_take_null_and_keep_their_constraints() -> None:
    edit = ThingEdit.model_validate({"reason": "typo", "name": None, "tags": None})
    assert edit.model_dump(exclude_unset=True) == {"reason": "typo", "name": None, "tags": None}
    with pytest.raises(ValidationError):
        ThingEdit.model_validate({"reason": "typo", "tags": ["a", "b", "c"]})
    with pytest.raises(ValidationError):  # a field the body declares without a default
        ThingEdit.model_validate({})
    tags = ThingEdit.model_json_schema()["properties"]["tags"]
    assert tags["anyOf"][0]["maxItems"] == 2
    assert tags["anyOf"][1] == {"type": "null"}
