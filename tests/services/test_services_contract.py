"""Every service, served over real HTTP, against its own OpenAPI: schemathesis finds nothing.

Each service runs under uvicorn on a free port, on a freshly migrated SQLite database with a
real nats-server (the hub with one country linked); schemathesis generates requests from the
published schema and validates status codes, headers and bodies against it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openapi_support import conformance_failures
from services_support import served

from concordia.kit import SERVICES, ServiceSpec


@pytest.fixture(scope="module", params=SERVICES, ids=[s.name for s in SERVICES])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServiceSpec, str, str]]:
    """A service served by uvicorn; yields it, its base URL and a token with all its scopes."""
    spec: ServiceSpec = request.param
    with served(spec, tmp_path_factory.mktemp(f"{spec.name}-contract")) as (base, token):
        yield spec, base, token


def test_conforms_to_its_openapi(live: tuple[ServiceSpec, str, str]) -> None:
    """Every operation, every check: failures are collected and reported together."""
    _, base, token = live
    operations, failures = conformance_failures(base, token)
    assert operations >= 5
    assert not failures, "\n\n".join(failures)
