"""The API contract as a client meets it: problem details, `Allow` on 405, `Link` to next pages.

The registry stands for every service: these answers come from ``concordia.core`` (its
exception handlers and middleware), which every service's app is built on.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from registry_support import Registry, create, person

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_MEMBERS, body
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


async def test_a_rejected_field_is_a_problem_naming_each_field(registry: Registry) -> None:
    response = await create(registry, person(1, gender="robot", name=""))
    body = _problem(response, 422)
    assert body["type"] == "urn:concordia:problem:invalid-fields"
    assert body["title"] == "Unprocessable Content"
    assert body["instance"] == "/v1/persons"
    fields = {tuple(issue["loc"]) for issue in body["errors"]}
    assert {("body", "gender"), ("body", "name")} <= fields
    assert all(issue["msg"] and issue["type"] for issue in body["errors"])
    assert "body.gender" in body["detail"]


async def test_every_kind_of_refusal_has_the_same_shape(registry: Registry) -> None:
    missing = f"/v1/persons/{uuid.uuid4()}"
    not_found = _problem(await registry.client.get(missing, headers=registry.rw), 404)
    assert not_found["instance"] == missing
    unauthenticated = await registry.client.get("/v1/persons")
    assert _problem(unauthenticated, 401)["title"] == "Unauthorized"
    assert unauthenticated.headers["WWW-Authenticate"] == "Bearer"
    reader = registry.auth("registry:read")
    refused = await registry.client.post("/v1/persons", json=person(2), headers=reader)
    assert "registry:write" in _problem(refused, 403)["detail"]
    headers = {**registry.rw, "Content-Type": "application/json"}
    for method, url in (("POST", "/v1/persons"), ("PUT", "/v1/sync/persons")):
        malformed = await registry.client.request(method, url, content=b"{", headers=headers)
        assert _problem(malformed, 400)["type"] == "urn:concordia:problem:malformed-body"
    big = b'{"records": ["' + b"x" * (registry.settings.max_body_bytes + 1) + b'"]}'
    too_large = await registry.client.put("/v1/sync/persons", content=big, headers=headers)
    assert _problem(too_large, 413)["instance"] == "/v1/sync/persons"
    nowhere = await registry.client.get("/v1/nowhere", headers=registry.rw)
    assert _problem(nowhere, 404)["instance"] == "/v1/nowhere"


async def test_405_allows_every_method_of_the_path(registry: Registry) -> None:
    collection = await registry.client.delete("/v1/persons", headers=registry.rw)
    _problem(collection, 405)
    assert collection.headers["Allow"] == "GET, HEAD, POST"
    record = await registry.client.put(f"/v1/persons/{uuid.uuid4()}", headers=registry.rw)
    _problem(record, 405)
    assert record.headers["Allow"] == "GET, HEAD, PATCH, DELETE"


async def test_a_full_page_links_to_the_next(registry: Registry) -> None:
    for n in range(3):
        assert (await create(registry, person(n))).status_code == 201
    first = await registry.client.get("/v1/persons?limit=2", headers=registry.rw)
    cursor = first.json()["next"]
    assert cursor is not None
    assert first.headers["Link"] == f'</v1/persons?limit=2&after={cursor}>; rel="next"'
    following = await registry.client.get(
        first.headers["Link"].split(">")[0].lstrip("<"), headers=registry.rw
    )
    assert len(following.json()["items"]) == 1
    assert following.json()["next"] is None
    assert "Link" not in following.headers
    single = await registry.client.get("/v1/permits", headers=registry.rw)
    assert single.status_code == 200
    assert "Link" not in single.headers
    document = (await registry.client.get("/openapi.json")).json()
    paged = document["paths"]["/v1/persons"]["get"]["responses"]["200"]
    assert 'rel="next"' in paged["headers"]["Link"]["description"]
    one = document["paths"]["/v1/persons/{person_id}"]["get"]["responses"]["200"]
    assert "Link" not in one.get("headers", {})
