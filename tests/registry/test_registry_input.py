"""Bad input and access control: clear 4xx answers that name the field, and nothing written."""

from __future__ import annotations

import pytest
from registry_support import Registry, create, person


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"gender": "robot"}, ["body", "gender"]),
        ({"risk_level": True}, ["body", "risk_level"]),
        ({"family": [{"relation": "child", "count": True}]}, ["body", "family", 0, "count"]),
        ({"family": [{"relation": "child", "count": "2"}]}, ["body", "family", 0, "count"]),
        ({"host_country": "XX"}, ["body", "host_country"]),
        ({"name": ""}, ["body", "name"]),
        ({"nickname": "extra"}, ["body", "nickname"]),
        ({"region_of_origin": "RU-ZZZ"}, ["body", "region_of_origin"]),
    ],
)
async def test_invalid_fields_get_422_naming_the_field(
    registry: Registry, patch: dict, loc: list
) -> None:
    response = await create(registry, person(1, **patch))
    assert response.status_code == 422
    issues = response.json()["errors"]
    assert any(issue["loc"] == loc for issue in issues), issues
    assert all(issue["msg"] for issue in issues)
    listed = await registry.client.get("/v1/persons", headers=registry.rw)
    assert listed.json()["items"] == []


async def test_rejected_input_is_not_echoed(registry: Registry) -> None:
    response = await create(registry, person(1, gender="Secret Canary Value"))
    assert "Secret Canary Value" not in response.text


async def test_malformed_json_is_400(registry: Registry) -> None:
    headers = {**registry.rw, "Content-Type": "application/json"}
    for url, method in (("/v1/persons", "POST"), ("/v1/sync/persons", "PUT")):
        response = await registry.client.request(method, url, content=b'{"name": ', headers=headers)
        assert response.status_code == 400, (url, response.text)
        assert "malformed JSON" in response.json()["detail"]


async def test_oversized_body_is_413(registry: Registry) -> None:
    limit = registry.settings.max_body_bytes
    body = b'{"records": ["' + b"x" * (limit + 1) + b'"]}'
    headers = {**registry.rw, "Content-Type": "application/json"}
    response = await registry.client.put("/v1/sync/persons", content=body, headers=headers)
    assert response.status_code == 413


async def test_tokens_and_scopes(registry: Registry) -> None:
    missing = await registry.client.get("/v1/persons")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    forged = await registry.client.get(
        "/v1/persons", headers={"Authorization": "Bearer cnc_000000000000_forged"}
    )
    assert forged.status_code == 401
    reader = registry.auth("registry:read")
    assert (await registry.client.get("/v1/persons", headers=reader)).status_code == 200
    write = await registry.client.post("/v1/persons", json=person(1), headers=reader)
    assert write.status_code == 403
    assert "registry:write" in write.json()["detail"]
    audit = await registry.client.get("/v1/audit", headers=reader)
    assert audit.status_code == 403
    metrics = await registry.client.get("/metrics", headers=registry.auth("ops"))
    assert metrics.status_code == 200
    assert "http_requests_total" in metrics.text
    assert "concordia_outbox_pending" in metrics.text


async def test_health_and_readiness(registry: Registry) -> None:
    assert (await registry.client.get("/healthz")).json() == {"status": "ok"}
    ready = await registry.client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"database": "ok", "nats": "ok"}


async def test_event_contracts_are_published(registry: Registry) -> None:
    document = await registry.client.get("/v1/events/asyncapi.json", headers=registry.rw)
    assert document.status_code == 200
    text = document.text
    assert "concordia.registry.person.erased.v1" in text
    assert "shared.{node}.{service}.aggregate" in text
