"""The overlap-detection messages: opaque bytes stay bounded base64, steps stay consistent."""

from __future__ import annotations

import base64
from typing import Any, ClassVar

import orjson
import pytest
from pydantic import BaseModel, ValidationError

from concordia.events import (
    MAX_OPAQUE_BYTES,
    Envelope,
    OpaqueBytes,
    PsiAnswer,
    PsiInvitation,
    PsiRequest,
    PsiResponse,
    PsiResult,
    SharedEvent,
    asyncapi_document,
    personal_field_violations,
)


def invitation(**overrides: Any) -> PsiInvitation:
    fields: dict[str, Any] = {
        "node": "se", "run_id": "run-1", "period": "2026-Q4", "purpose": "independent_media",
        "role": "client", "peer": "pl",
    }  # fmt: skip
    return PsiInvitation(**(fields | overrides))


def test_opaque_bytes_travel_as_base64_and_come_back_equal() -> None:
    blob = bytes(range(256)) * 3
    sent = PsiResponse(run_id="run-1", setup=blob, response=b"\x00\x01")
    raw = Envelope.wrap(sent, node="se").to_bytes()
    data = orjson.loads(raw)["data"]
    assert data["setup"] == base64.b64encode(blob).decode()
    assert Envelope.from_bytes(raw).data == sent
    assert sent.model_dump()["setup"] == blob  # python mode keeps bytes


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("not base64!", "standard base64"),
        ("", "must not be empty"),
        (b"", "must not be empty"),
        (b"x" * (MAX_OPAQUE_BYTES + 1), f"at most {MAX_OPAQUE_BYTES}"),
        (base64.b64encode(b"x" * (MAX_OPAQUE_BYTES + 1)).decode(), f"at most {MAX_OPAQUE_BYTES}"),
        (12, "bytes or a base64 string"),
    ],
    ids=["prose", "empty-str", "empty-bytes", "too-big", "too-big-b64", "number"],
)
def test_opaque_bytes_refuse_prose_empty_and_oversized(value: Any, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        PsiRequest(run_id="run-1", request=value)


def test_a_shared_model_may_hold_opaque_bytes_but_not_plain_bytes() -> None:
    class Probe(BaseModel):  # not an event: the registry stays as the code defines it
        blob: OpaqueBytes
        maybe: OpaqueBytes | None = None

    assert personal_field_violations(Probe) == []
    with pytest.raises(TypeError, match="raw bytes"):

        class Leak(SharedEvent):
            event_name: ClassVar[str] = "probe.bytes.leak"
            blob: bytes


def test_subjects_name_the_node_the_run_and_the_step() -> None:
    assert invitation().subject("hub") == "hub.psi.se.run-1.invite"
    answer = PsiAnswer(node="pl", run_id="run-1", setup=b"s", response=b"r")
    assert answer.subject("hub") == "hub.psi.pl.run-1.answer"
    assert (
        PsiRequest(run_id="run-1", request=b"q").subject("se")
        == "shared.se.ledger.psi.run-1.request"
    )
    result = PsiResult(run_id="run-1", role="client", outcome="counted", count=2)
    assert result.subject("se") == "shared.se.ledger.psi.run-1.result"
    assert PsiResult.subject_filter("se") == "shared.se.ledger.psi.*.result"
    assert Envelope.wrap(answer, node="hub").source == "/concordia/hub/hub"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"role": "server"}, "carries the client's request"),
        ({"request": b"q"}, "carries the client's request"),
        ({"peer": "se"}, "with itself"),
        ({"period": "2026-11"}, "quarter"),
        ({"run_id": "a.b"}, "pattern"),
        ({"purpose": "free text here"}, "pattern"),
    ],
)
def test_invitations_are_consistent(overrides: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        invitation(**overrides)
    assert invitation(role="server", request=b"q").request == b"q"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"role": "client", "outcome": "counted"}, "carries a count"),
        (
            {"role": "client", "outcome": "counted", "count": 1, "reason": "rate_limited"},
            "no reason",
        ),
        ({"role": "server", "outcome": "counted", "count": 1}, "only the client"),
        ({"role": "server", "outcome": "declined"}, "carries a reason"),
        (
            {"role": "server", "outcome": "declined", "reason": "set_too_small", "count": 3},
            "no count",
        ),
        ({"role": "server", "outcome": "declined", "reason": "size was 3"}, "literal_error|Input"),
    ],
)
def test_results_carry_a_count_or_a_reason_code(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        PsiResult(run_id="run-1", **fields)


def test_the_asyncapi_document_describes_every_psi_step() -> None:
    doc = asyncapi_document()
    addresses = {
        "concordia.hub.psi.invitation.v1": "hub.psi.{to}.{run}.invite",
        "concordia.ledger.psi.request.v1": "shared.{node}.ledger.psi.{run}.request",
        "concordia.ledger.psi.response.v1": "shared.{node}.ledger.psi.{run}.response",
        "concordia.hub.psi.answer.v1": "hub.psi.{to}.{run}.answer",
        "concordia.ledger.psi.result.v1": "shared.{node}.ledger.psi.{run}.result",
    }
    for event_type, address in addresses.items():
        channel = doc["channels"][event_type]
        assert channel["address"] == address
        assert channel["parameters"]["run"]["description"]
        assert ("Sent by the hub" in channel["description"]) == address.startswith("hub.")
    setup = doc["components"]["schemas"]["PsiResponse"]["properties"]["setup"]
    assert setup["contentEncoding"] == "base64"
    assert setup["maxLength"] >= MAX_OPAQUE_BYTES * 4 // 3
