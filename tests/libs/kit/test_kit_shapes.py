"""The shared column shapes match the contracts they store."""

from __future__ import annotations

from typing import get_type_hints

from sqlalchemy import Text

from concordia.evaluation.models import KnownActivity
from concordia.events.ledger import PARTICIPANT_COUNTS, ActivityRecorded
from concordia.hub.models import Commitment, CommitmentRevision, DecisionFollowUp
from concordia.kit.shapes import ParticipantCounts
from concordia.ledger.models import Activity
from concordia.registry.models import Permit


def test_the_participant_counts_are_the_events_counts() -> None:
    assert tuple(ParticipantCounts.__annotations__) == PARTICIPANT_COUNTS
    fields = ActivityRecorded.model_fields
    assert all(fields[name].annotation is int for name in PARTICIPANT_COUNTS)
    assert get_type_hints(ActivityRecorded).keys() >= set(PARTICIPANT_COUNTS)


def test_both_activity_tables_carry_every_count() -> None:
    for model in (Activity, KnownActivity):
        columns = model.__table__.columns
        assert set(PARTICIPANT_COUNTS) <= set(columns.keys())
        assert all(not columns[name].nullable for name in PARTICIPANT_COUNTS)


def test_the_key_comes_first_and_the_tracking_columns_last() -> None:
    columns = list(Permit.__table__.columns.keys())
    assert columns[0] == "id"
    assert columns[-3:] == ["version", "created_at", "updated_at"]
    assert Activity.__table__.columns["version"].default.arg == 1  # type: ignore[union-attr]


def test_a_part_is_keyed_by_its_whole_and_numbered_by_the_service() -> None:
    for model, whole, number in (
        (CommitmentRevision, "commitments", "revision"),
        (DecisionFollowUp, "decisions", "number"),
    ):
        table = model.__table__
        key = list(table.primary_key.columns)
        assert [c.name for c in key][1] == number
        (foreign,) = key[0].foreign_keys
        assert foreign.target_fullname == f"{whole}.id"
        assert foreign.ondelete == "CASCADE"
        assert table.columns[number].autoincrement is False


def test_prose_is_text_and_may_be_missing() -> None:
    columns = Commitment.__table__.columns
    assert isinstance(columns["note"].type, Text)
    assert columns["note"].nullable
    assert not columns["member"].nullable
