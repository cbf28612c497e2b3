"""Every service, served over real HTTP, against its own OpenAPI: schemathesis finds nothing.

Each service runs under uvicorn on a free port, on a freshly migrated SQLite database with a
real nats-server (the hub with one country linked); schemathesis generates requests from the
published schema and validates status codes, headers and bodies against it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_support import accounts_config, write_node
from openapi_support import conformance_failures, live_service
from services_support import CROSS_RECORD, ENDLESS, create_app, settings_for_test

from concordia.events import NatsServer
from concordia.identity import NodeKey
from concordia.kit import SERVICES, ServiceSpec


@pytest.fixture(scope="module", params=SERVICES, ids=[s.name for s in SERVICES])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServiceSpec, str, str]]:
    """A service served by uvicorn; yields it, its base URL and a token with all its scopes."""
    spec: ServiceSpec = request.param
    work = tmp_path_factory.mktemp(f"{spec.name}-contract")
    config = accounts_config() if spec.role == "hub" else ""
    with NatsServer(store_dir=work / "nats", config=config) as server:
        if spec.role == "hub":
            write_node(work / "nodes", server, "se")

        extra: dict[str, Any] = {}
        if spec.role == "node":  # a node has its key (its API signs charters and decisions)
            NodeKey.generate().save(work / "identity.key")
            extra["identity_key_file"] = work / "identity.key"

        def make_app(url: str, tokens: Path) -> Any:
            settings = settings_for_test(
                spec, url=url, nats_url=server.url, tokens=tokens, workdir=work, **extra
            )
            return create_app(spec, settings)

        with live_service(work, spec.service_dir(), make_app, set(spec.scopes)) as (base, token):
            yield spec, base, token


def test_conforms_to_its_openapi(live: tuple[ServiceSpec, str, str]) -> None:
    """Every operation, every check: failures are collected and reported together."""
    spec, base, token = live
    operations, failures = conformance_failures(
        base, token, lenient=CROSS_RECORD.get(spec.name, set()),
        skip=ENDLESS.get(spec.name, set()),
    )  # fmt: skip
    assert operations >= 5
    assert not failures, "\n\n".join(failures)
