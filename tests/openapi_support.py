"""Run a service for real and check it against its own OpenAPI with schemathesis.

Shared by every service's schemathesis test: a migrated SQLite database, the app under uvicorn
on a free port (in a thread with its own event loop), and every schemathesis check on every
operation, with failures collected and reported together.
"""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from concordia.core.auth import TokenStore
from concordia.events.natsserver import free_port
from concordia.kit import upgrade

#: The checks' settings of the CLI run (tests/services/schemathesis.toml) hold here too: a
#: schema-valid request may meet a missing record (404), a conflict (409), a precondition (412).
CHECKS = tomllib.loads((Path(__file__).parent / "services" / "schemathesis.toml").read_text())[
    "checks"
]


@contextmanager
def live_service(
    work: Path,
    service_dir: Path,
    make_app: Callable[[str, Path], Any],
    scopes: set[str],
) -> Iterator[tuple[str, str]]:
    """Serve ``make_app(database_url, tokens_file)`` over HTTP; yield (base URL, token)."""
    url = f"sqlite:///{work / 'service.db'}"
    migrate = threading.Thread(target=upgrade, args=(service_dir, url))
    migrate.start()
    migrate.join()
    tokens = work / "tokens.json"
    token = TokenStore(tokens).create("schemathesis", scopes)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(url, tokens), port=port, log_level="warning", lifespan="on")
    )
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    try:
        yield base, token
    finally:
        server.should_exit = True
        runner.join(timeout=10)


def conformance_failures(base: str, token: str) -> tuple[int, list[str]]:
    """Run every check on every operation, none exempt; return (operations checked, findings).

    A schema-valid request may meet the data's state (404, 409, 412: schemathesis.toml's
    ``expected-statuses``), never a 422.
    """
    config = SchemathesisConfig.from_dict({"checks": CHECKS})
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json", config=config)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=base, headers=headers)

        try:
            check()
        except Exception as exc:  # collect every operation's finding, then fail once
            failures.append(f"{operation.label}: {exc}")
    return operations, failures
