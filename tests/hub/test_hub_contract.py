"""What the hub's OpenAPI promises, kept: a request its schema accepts is never a 422.

Rules between fields are 409 ``inconsistent-fields`` (tests/hub/test_hub_charter.py), a signer
outside the directory 404 and a signature that does not verify 409
(tests/hub/test_hub_charter_signatures.py); what the schema refuses is refused at once.
"""

from __future__ import annotations

import uuid

from hub_support import Hub
from test_hub_charter import body, put
from test_hub_charter_signatures import propose


async def test_what_the_schema_refuses_is_422_before_any_precondition(hub: Hub) -> None:
    for change in (
        {"effective": 0},  # a day is an ISO string, never Unix time
        {"version": "default"},  # the built-in charter's
        {"targets": [body()["targets"][0] | {"min_share": 0}]},  # decimals are strings
        {"disclosure": body()["disclosure"] | {"p_percent": 10}},
    ):
        answer = await put(hub, body() | change, if_match="0")
        assert answer.status_code == 422, (change, answer.text)
    document = (await hub.client.get("/openapi.json")).json()["components"]["schemas"]
    assert document["CharterUpdate"]["properties"]["version"]["not"] == {"const": "default"}
    secure = document["SecureTable"]["properties"]
    assert secure["cells"]["uniqueItems"] is True


async def test_a_relayed_signature_names_a_key_of_the_documented_form(hub: Hub) -> None:
    revision = await propose(hub, body("2026.7"))
    url = f"/v1/charter/{revision}/signatures"
    for key in ("women", "ed25519:" + "A" * 42, "ed25519:" + "!" * 43):
        signature = {"signer": "se", "key": key, "value": "A" * 86}
        answer = await hub.client.post(url, json=signature, headers=hub.auth("hub:admin"))
        assert answer.status_code == 422, (key, answer.text)
        assert answer.json()["errors"][0]["loc"] == ["body", "key"]
    wrong = {"signer": "se", "key": "ed25519:" + "A" * 43, "value": "A" * 86}
    answer = await hub.client.post(url, json=wrong, headers=hub.auth("hub:admin"))
    assert answer.status_code == 409, answer.text


async def test_only_a_uuid_names_an_agenda_item(hub: Hub) -> None:
    scan = await hub.client.get("/v1/agenda/scan", headers=hub.auth("hub:admin"))
    assert scan.status_code == 405
    assert scan.headers["Allow"] == "POST"
    missing = await hub.client.get(f"/v1/agenda/{uuid.uuid4()}", headers=hub.auth())
    assert missing.status_code == 404
