"""The registry over real HTTP with a ministry's identity provider beside its opaque tokens.

A client-credentials JWT writes and reads as its owner; a second agency's JWT sees none of it;
the audit trail names the caller of either kind of token by subject.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from oidc_support import Provider, SigningKey, oidc_settings, serve_jwks
from openapi_support import live_service
from registry_support import person
from services_support import create_app, settings_for_test

from concordia.core.auth import TokenStore
from concordia.events import NatsServer
from concordia.kit import SERVICES

(REGISTRY,) = [s for s in SERVICES if s.name == "registry"]
PURPOSE = {"X-Purpose": "registration; oidc test"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Provider, Path]]:
    """The registry trusting a provider of the test's own; yields its URL, the provider and
    its tokens file."""
    with serve_jwks(Provider()) as provider, NatsServer(store_dir=tmp_path / "nats") as server:

        def make_app(url: str, tokens: Path) -> Any:
            settings = settings_for_test(
                REGISTRY, url=url, nats_url=server.url, tokens=tokens, workdir=tmp_path,
                **oidc_settings(provider),
            )  # fmt: skip
            return create_app(REGISTRY, settings)

        with live_service(tmp_path, REGISTRY.service_dir(), make_app, {"ops"}) as (base, _):
            yield base, provider, tmp_path / "tokens.json"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **PURPOSE}


def test_a_jwt_acts_as_its_owner_and_both_kinds_are_audited_by_subject(
    served: tuple[str, Provider, Path],
) -> None:
    base, provider, tokens_file = served
    store = TokenStore(tokens_file)
    ops = store.create("auditor", {"ops"})
    opaque = store.create("agency-sync", {"registry:read", "registry:write"}, owner="agency:test-1")
    first = provider.token()
    second = provider.token(sub="client-st-other", concordia_owner="agency:test-2")
    with httpx.Client(base_url=base, timeout=30) as client:
        created = client.post("/v1/persons", json=person(1), headers=_bearer(first))
        assert created.status_code == 201, created.text
        person_id = created.json()["id"]
        assert client.get(f"/v1/persons/{person_id}", headers=_bearer(first)).status_code == 200
        assert client.get(f"/v1/persons/{person_id}", headers=_bearer(opaque)).status_code == 200
        # Another agency's JWT: not found, as for an opaque token of another owner.
        assert client.get(f"/v1/persons/{person_id}", headers=_bearer(second)).status_code == 404

        # Missing scope: 403; an attacker's token: 401.
        reader = provider.token(scope="concordia/registry:read")
        answer = client.post("/v1/persons", json=person(2), headers=_bearer(reader))
        assert answer.status_code == 403, answer.text
        forged = provider.token(SigningKey("key-1"))
        assert client.get("/v1/persons", headers=_bearer(forged)).status_code == 401
        expired = provider.token(exp=1_700_000_000)
        assert client.get("/v1/persons", headers=_bearer(expired)).status_code == 401

        audit = client.get("/v1/audit", params={"limit": 100}, headers=_bearer(ops))
        assert audit.status_code == 200, audit.text
    entries = [e for e in audit.json()["items"] if e["person_id"] == person_id]
    names = {(e["token_name"], e["owner"]) for e in entries}
    assert ("oidc:client-st-migration", "agency:test-1") in names
    assert ("agency-sync", "agency:test-1") in names
    assert all(len(e["token_id"]) <= 32 for e in entries)


def test_without_a_provider_a_jwt_is_just_an_invalid_token(tmp_path: Path) -> None:
    with serve_jwks(Provider()) as provider, NatsServer(store_dir=tmp_path / "nats") as server:

        def make_app(url: str, tokens: Path) -> Any:
            settings = settings_for_test(
                REGISTRY, url=url, nats_url=server.url, tokens=tokens, workdir=tmp_path
            )
            return create_app(REGISTRY, settings)

        with live_service(tmp_path, REGISTRY.service_dir(), make_app, {"ops"}) as (base, _):
            answer = httpx.get(f"{base}/v1/persons", headers=_bearer(provider.token()))
    assert answer.status_code == 401
    assert provider.fetches == 0
