"""What the members sign of a charter and a decision, how many must, and the pinned directory as
a service reads it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from concordia.events import (
    DEFAULT_CHARTER,
    CoalitionDecisionPublished,
    FollowUp,
    MemberSignature,
    PinnedDirectoryFile,
    signature_shortfall,
)
from concordia.events.runtime.charter_follower import charter_shortfall
from concordia.events.runtime.decision_follower import decision_shortfall
from concordia.events.signatures import required
from concordia.identity import Directory, DirectoryPin, Member, NodeKey, SignedDocument

KEYS = {code: NodeKey.generate() for code in ("se", "pl", "de", "fi", "lt")}


def directory(threshold: int | None = None, serial: int = 1) -> Directory:
    """The five members' directory."""
    members = tuple(
        Member(code=c, name=c.upper(), public_key=k.public.text) for c, k in KEYS.items()
    )
    return Directory(serial=serial, members=members, threshold=threshold)


def signatures(kind: str, body: dict[str, object], *codes: str) -> tuple[MemberSignature, ...]:
    """``codes`` sign the document, each with its own key."""
    document = SignedDocument(kind=kind, body=body)
    for code in codes:
        document = document.signed(code, KEYS[code])
    return tuple(MemberSignature.of(s) for s in document.signatures)


def test_m_is_the_largest_asked_a_default_standing_in_for_none() -> None:
    five = directory()
    assert required(five) == 3  # a simple majority of five
    assert required(five, None) == 3
    assert required(five, 2) == 2
    assert required(five, 2, None) == 3  # cannot go below the bar of the one it replaces
    assert required(five, 4, None) == 4
    assert required(five, 9) == 5  # never more than the members
    assert required(directory(threshold=4), None, 2) == 4  # the directory's own threshold


def test_a_charter_is_signed_without_its_signatures_and_its_m_covered() -> None:
    charter = DEFAULT_CHARTER.model_copy(update={"revision": 3, "version": "t.3"})
    kind, body = charter.document()
    assert kind == "charter"
    assert "signatures" not in body
    assert body["signatures_required"] is None
    assert (body["revision"], body["effective"]) == (3, "2026-01-01")

    signed = charter.model_copy(update={"signatures": signatures(kind, body, "se", "pl")})
    assert charter_shortfall(signed, directory(), DEFAULT_CHARTER) == ("not_enough_signatures",)
    signed = signed.model_copy(update={"signatures": signatures(kind, body, "se", "pl", "de")})
    assert charter_shortfall(signed, directory(), DEFAULT_CHARTER) == ()
    # Its m raised in the body after signing: the signatures no longer cover it.
    raised = signed.model_copy(update={"signatures_required": 2})
    assert charter_shortfall(raised, directory(), DEFAULT_CHARTER) == (
        "not_enough_signatures", "bad_signature",
    )  # fmt: skip
    assert charter_shortfall(signed, None, DEFAULT_CHARTER) == ("no_directory",)
    assert charter_shortfall(DEFAULT_CHARTER, None, DEFAULT_CHARTER) == ()  # built in


def test_a_decision_is_signed_for_what_was_decided_not_how_it_went_on() -> None:
    entry = CoalitionDecisionPublished(
        seq=4, previous=2, decision_id="d-1", item_id="a-1", title="Pool grants",
        decided="Pool them", rationale="Less overhead", concerns=("se",),
        status="pending_signatures",
        follow_ups=(FollowUp(action="Draft terms", actor="state:se"),),
        decided_at=datetime(2026, 12, 5, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    kind, body = entry.document()
    assert kind == "decision"
    assert body["follow_ups"] == [{"action": "Draft terms", "actor": "state:se", "due": None}]
    for moving in ("seq", "previous", "status", "title", "signatures"):
        assert moving not in body
    signed = entry.model_copy(update={"signatures": signatures(kind, body, "se", "pl", "fi")})
    done = signed.model_copy(
        update={"seq": 9, "status": "done",
                "follow_ups": (FollowUp(action="Draft terms", actor="state:se",
                                        done_at=datetime(2026, 12, 6, tzinfo=UTC)),)},
    )  # fmt: skip
    assert decision_shortfall(done, directory(), None) == ()  # still the same decision
    changed = signed.model_copy(update={"decided": "Pool them all"})
    assert "bad_signature" in decision_shortfall(changed, directory(), None)
    assert decision_shortfall(signed, directory(), 4) == ("not_enough_signatures",)


def test_a_member_signature_travels_as_the_identity_signature() -> None:
    (one,) = signatures("charter", {"a": 1}, "se")
    assert one.signature().model_dump() == one.model_dump()
    assert len(one.value) == 86
    with pytest.raises(ValueError, match="pattern"):
        MemberSignature(signer="se", key=one.key, value="not a signature")
    assert signature_shortfall("charter", {"a": 1}, (one,), directory(), 1) == ()


def test_the_pinned_directory_is_read_again_when_its_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    pinned = PinnedDirectoryFile(path)
    assert pinned() is None  # not pinned yet
    assert PinnedDirectoryFile(None)() is None

    def pin(serial: int) -> None:
        document = directory(serial=serial).document()
        for code in ("se", "pl", "de"):
            document = document.signed(code, KEYS[code])
        DirectoryPin.first(document).save(path)

    pin(1)
    first = pinned()
    assert first is not None
    assert first.serial == 1
    pin(2)
    os.utime(path, (1, 1))  # another mtime, whatever the clock's resolution
    again = pinned()
    assert again is not None
    assert again.serial == 2
    path.write_text("{half written")
    os.utime(path, (2, 2))
    assert pinned() is None  # unreadable: trust nothing
