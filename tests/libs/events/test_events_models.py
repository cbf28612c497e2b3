"""Envelope round-trips, subjects derived from types, strict frozen models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError

from concordia.events import (
    AggregateSnapshotPublished,
    Cell,
    Envelope,
    EnvelopeError,
    MembershipChanged,
    OrganisationRegistered,
    PermitRecorded,
    PersonErased,
    PersonRegistered,
    PracticeRevisionPublished,
    UnknownEventTypeError,
    event_class,
    event_types,
)

PERSON = uuid.UUID("01964f3a-7c1e-7d2a-9b1f-3a5c2e8d4f60")


def snapshot(**overrides: object) -> AggregateSnapshotPublished:
    values: dict[str, object] = {
        "node": "se",
        "service": "registry",
        "aggregate": "persons_by_gender",
        "period": "2026-Q4",
        "version": 3,
        "charter_version": "2026.1",
        "dimensions": ("gender",),
        "cells": (
            Cell(key=("female",), value=40),
            Cell(key=("male",), value=None, suppressed=True, reason="threshold"),
        ),
        "margins": (Cell(key=("_all",), value=None, suppressed=True, reason="complementary"),),
    }
    values.update(overrides)
    return AggregateSnapshotPublished.model_validate(values)


def test_envelope_round_trip_keeps_every_attribute_and_the_concrete_payload() -> None:
    event = PersonRegistered(person_id=PERSON, host_country="SE", version=1)
    envelope = Envelope.wrap(event, node="se")

    raw = envelope.to_bytes()
    again = Envelope.from_bytes(raw)

    assert again == envelope
    assert isinstance(again.data, PersonRegistered)
    assert uuid.UUID(envelope.id).version == 7
    obj = orjson.loads(raw)
    assert obj["specversion"] == "1.0"
    assert obj["type"] == "concordia.registry.person.registered.v1"
    assert obj["source"] == "/concordia/se/registry"
    assert obj["subject"] == "local.se.registry.person.registered.v1"
    assert obj["dataschema"] == "urn:concordia:schema:concordia.registry.person.registered.v1"
    assert obj["datacontenttype"] == "application/json"
    assert obj["time"].endswith("Z")
    assert obj["data"] == {
        "person_id": str(PERSON),
        "host_country": "SE",
        "version": 1,
    }


def test_envelope_round_trip_of_a_nested_shared_snapshot() -> None:
    envelope = Envelope.wrap(snapshot(), node="se", time=datetime(2026, 12, 1, tzinfo=UTC))
    again = Envelope.from_dict(orjson.loads(envelope.to_bytes()))
    assert again == envelope
    assert again.data == snapshot()
    assert again.time == datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda o: o.update(type="concordia.nothing.here.v1"), UnknownEventTypeError),
        (lambda o: o.update(specversion="0.3"), EnvelopeError),
        (lambda o: o.pop("id"), EnvelopeError),
        (lambda o: o.update(time="yesterday"), EnvelopeError),
        (lambda o: o.update(time="2026-11-02T09:30:00"), EnvelopeError),
        (lambda o: o.update(dataschema="urn:other"), EnvelopeError),
        (lambda o: o["data"].update(name="Ivan"), EnvelopeError),
        (lambda o: o["data"].pop("person_id"), EnvelopeError),
    ],
)
def test_invalid_envelopes_are_refused(mutate: object, error: type[Exception]) -> None:
    obj = Envelope.wrap(PersonErased(person_id=PERSON, erased_at=datetime.now(UTC)), node="se")
    raw = obj.to_dict()
    mutate(raw)  # type: ignore[operator]
    with pytest.raises(error):
        Envelope.from_bytes(orjson.dumps(raw))
    with pytest.raises(EnvelopeError):
        Envelope.from_bytes(b"{not json")


def test_subjects_are_derived_from_types() -> None:
    permit = PermitRecorded(
        permit_id=uuid.uuid4(),
        person_id=PERSON,
        host_country="SE",
        track="residence",
        status="granted",
        version=1,
    )
    assert permit.subject("se") == "local.se.registry.permit.recorded.v1"
    assert PermitRecorded.subject_filter() == "local.*.registry.permit.recorded.v1"
    assert PersonErased.subject_filter("lv") == "local.lv.registry.person.erased.v1"
    assert snapshot().subject("se") == "shared.se.registry.aggregate.persons_by_gender.2026-Q4.v3"
    assert AggregateSnapshotPublished.subject_filter("se") == "shared.se.*.aggregate.*.*.*"
    # A parameter inside a token (`r{revision}`) filters as a whole-token wildcard.
    revision = "shared.*.broadcast.exchange.practice.*.*"
    assert PracticeRevisionPublished.subject_filter() == revision
    for cls in event_types().values():
        template = cls.subject_template()
        # What the hub sends back travels on `hub.>` (docs/federation.md), from no node.
        assert template.startswith((f"{cls.event_scope}.{{node}}.", "hub."))
        assert cls.event_type == f"concordia.{cls.event_name}.v{cls.event_version}"
        assert event_class(cls.event_type) is cls


def test_every_local_event_stays_local_and_snapshots_are_shared() -> None:
    for cls in event_types().values():
        if cls.event_name.startswith("registry."):
            assert cls.event_scope == "local", cls
    assert AggregateSnapshotPublished.event_scope == "shared"
    assert AggregateSnapshotPublished.once_per_subject


@pytest.mark.parametrize("bad_node", ["s.e", "s e", "*", ">", ""])
def test_subject_tokens_are_validated(bad_node: str) -> None:
    with pytest.raises(ValueError, match="subject token"):
        PersonErased(person_id=PERSON, erased_at=datetime.now(UTC)).subject(bad_node)


def test_snapshot_tokens_cannot_break_the_subject() -> None:
    for field, value in [("period", "2026.Q4"), ("aggregate", "a b"), ("period", "*")]:
        with pytest.raises(ValidationError):
            snapshot(**{field: value})
    with pytest.raises(ValueError, match="cannot be published by"):
        snapshot().subject("lv")


def test_models_are_strict_and_frozen() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        PersonRegistered(person_id=PERSON, version=1, name="Ivan Ivanov")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        MembershipChanged(organisation_id=uuid.uuid4(), person_id=PERSON, change="promoted")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        OrganisationRegistered(
            organisation_id=uuid.uuid4(),
            identifier="not an org id",
            name="Free Voice",
            type="ngo",
            registration_country="LV",
            version=1,
        )
    event = PersonErased(person_id=PERSON, erased_at=datetime.now(UTC))
    with pytest.raises(ValidationError, match="frozen"):
        event.person_id = uuid.uuid4()  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs"):
        Cell(key=("female",), value=1, label="Moscow women")  # type: ignore[call-arg]


def test_cells_are_consistent() -> None:
    with pytest.raises(ValidationError, match="suppressed cell carries no value"):
        Cell(key=("x",), value=3, suppressed=True, reason="threshold")
    with pytest.raises(ValidationError, match="unsuppressed cell"):
        Cell(key=("x",), value=None)
    with pytest.raises(ValidationError, match="does not match 1 dimensions"):
        snapshot(cells=(Cell(key=("female", "RU-MOS"), value=4),))
