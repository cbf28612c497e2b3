"""PSI seals: each binding (sender, recipient, run, scope, payload, expiry) is checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from concordia.events import (
    MAX_SEAL_SECONDS,
    PsiRequest,
    PsiSeal,
    check_seal,
    make_seal,
    payload_digest,
    response_digest,
)
from concordia.identity import NodeIdentity, NodeKey

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
SE, PL = NodeIdentity("se", NodeKey.generate()), NodeIdentity("pl", NodeKey.generate())
KEYS = {"se": SE.public, "pl": PL.public}
REQUEST = b"blinded points"
SCOPE: dict[str, Any] = {"run_id": "r1", "purpose": "independent_media", "period": "2026-Q4"}


def sealed(identity: NodeIdentity = SE, **changes: Any) -> PsiSeal:
    fields: dict[str, Any] = {
        "step": "request", "recipient": "pl", **SCOPE, "digest": payload_digest(REQUEST),
        "now": NOW, "ttl": 900,
    }  # fmt: skip
    return make_seal(identity, **(fields | changes))


def check(seal: PsiSeal | None, **changes: Any) -> str | None:
    expected: dict[str, Any] = {"step": "request", "sender": "se", "recipient": "pl", **SCOPE,
                                "digest": payload_digest(REQUEST), "now": NOW}  # fmt: skip
    return check_seal(seal, KEYS, **(expected | changes))


def test_a_good_seal_passes_and_survives_the_wire() -> None:
    seal = sealed()
    assert check(seal) is None
    message = PsiRequest(run_id="r1", request=REQUEST, seal=seal)
    again = PsiRequest.model_validate_json(message.model_dump_json())
    assert again.seal == seal
    assert check(again.seal) is None


@pytest.mark.parametrize(
    ("seal", "changes", "problem"),
    [
        (None, {}, "unsigned"),
        ("good", {"sender": "de"}, "unknown_peer"),
        ("outsider", {}, "bad_signature"),
        ("good", {"recipient": "de"}, "wrong_recipient"),
        ("good", {"run_id": "r2"}, "mismatch"),
        ("good", {"purpose": "human_rights"}, "mismatch"),
        ("good", {"period": "2026-Q3"}, "mismatch"),
        ("good", {"step": "response"}, "mismatch"),
        ("good", {"digest": payload_digest(b"other points")}, "mismatch"),
        ("good", {"now": NOW + timedelta(seconds=901)}, "expired"),
        ("good", {"now": NOW - timedelta(seconds=MAX_SEAL_SECONDS)}, "expired"),
    ],
)
def test_every_binding_is_checked(seal: str | None, changes: dict[str, Any], problem: str) -> None:
    chosen = {
        None: None,
        "good": sealed(),
        "outsider": sealed(NodeIdentity("se", NodeKey.generate())),
    }
    assert check(chosen[seal], **changes) == problem


def test_a_changed_field_breaks_the_signature() -> None:
    seal = sealed()
    tampered = seal.model_copy(update={"recipient": "de"})
    assert check(tampered, recipient="de") == "bad_signature"
    longer = seal.model_copy(update={"expires_at": seal.expires_at + timedelta(minutes=5)})
    assert check(longer) == "bad_signature"
    # A signer other than the sender named: refused even though pl's signature itself is good.
    assert check(sealed(PL), sender="pl") is None
    relabelled = sealed(PL).model_copy(update={"sender": "se"})
    assert check(relabelled) == "bad_signature"


def test_a_response_digest_covers_the_request_it_answers() -> None:
    assert response_digest(b"q", b"s", b"r") != response_digest(b"q2", b"s", b"r")
    assert response_digest(b"q", b"s", b"r") != response_digest(b"q", b"r", b"s")
    assert sealed(ttl=10 * MAX_SEAL_SECONDS).expires_at == NOW + timedelta(seconds=MAX_SEAL_SECONDS)
