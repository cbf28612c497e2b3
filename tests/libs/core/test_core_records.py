"""``NewRecord`` and ``SyncedRecord``: a record's fields with its ``external_id`` last."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from concordia.core.schemas import NewRecord, StrictModel, SyncedRecord


class ThingFields(StrictModel):
    """A thing."""

    name: str
    colour: str | None = None


class ThingCreate(NewRecord, ThingFields):
    """A new thing."""


class ThingSync(SyncedRecord, ThingFields):
    """A thing as a sync sends it."""


def test_the_external_id_comes_after_the_record_s_fields() -> None:
    assert list(ThingCreate.model_fields) == ["name", "colour", "external_id"]
    assert list(ThingSync.model_fields) == ["name", "colour", "external_id"]
    schema = ThingCreate.model_json_schema()
    assert list(schema["properties"]) == ["name", "colour", "external_id"]
    assert schema["description"] == "A new thing."


def test_a_new_record_may_leave_its_external_id_out_a_synced_one_may_not() -> None:
    assert ThingCreate.model_validate({"name": "box"}).external_id is None
    assert ThingCreate.model_validate({"name": "box", "external_id": "A-1"}).external_id == "A-1"
    assert ThingSync.model_validate({"name": "box", "external_id": "A-1"}).external_id == "A-1"
    assert "external_id" in ThingSync.model_json_schema()["required"]
    with pytest.raises(ValidationError):
        ThingSync.model_validate({"name": "box"})


@pytest.mark.parametrize("external_id", ["", "x" * 129, 7])
def test_the_external_id_keeps_its_constraints(external_id: object) -> None:
    with pytest.raises(ValidationError):
        ThingCreate.model_validate({"name": "box", "external_id": external_id})
