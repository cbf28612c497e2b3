"""End-to-end harness: generated brokers plus the services as uvicorn processes (real HTTP)."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import polling
from federation_support import Coalition
from registry_support import person

from concordia import kit
from concordia.cli._procs import ServiceProcess
from concordia.cli.nodeinit import service_env
from concordia.core.auth import OPERATOR, TokenStore
from concordia.events.natsserver import free_port
from concordia.hub import app as hub_app
from concordia.ledger import app as ledger_app
from concordia.registry import app as registry_app

T = TypeVar("T")
SERVICE_DIRS = {
    "registry": Path(registry_app.SERVICE_DIR),
    "ledger": Path(ledger_app.SERVICE_DIR),
    "hub": Path(hub_app.SERVICE_DIR),
}


@dataclass
class Running:
    """Service processes of one test, stopped in reverse order.

    Example::

        url = await running.node_service(coalition, "se", "registry")
        hub_url, reader = await running.hub(coalition)
    """

    processes: list[ServiceProcess] = field(default_factory=list)

    def start(self, name: str, factory: str, env: dict[str, str], logs: Path) -> str:
        """Start ``factory`` under uvicorn on a free port; return its base URL once ready."""
        port = free_port()
        argv = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
                "--port", str(port), "--no-server-header"]  # fmt: skip
        process = ServiceProcess(
            name, argv, env=os.environ | env | {"PYTHONUNBUFFERED": "1"},
            log_file=logs / f"{name}.log", cwd=logs,
        )  # fmt: skip
        self.processes.append(process)
        process.start()
        url = f"http://127.0.0.1:{port}"
        process.wait_ready(f"{url}/readyz")
        return url

    async def node_service(
        self, c: Coalition, code: str, service: str, interval: float = 0.5, **extra: str
    ) -> str:
        """Migrate and start a node's service with its generated settings (off the loop)."""
        root = c.nodes[code].root
        env = service_env(root, service)
        prefix = f"CONCORDIA_{service.upper()}_"
        await asyncio.to_thread(kit.upgrade, SERVICE_DIRS[service], env[f"{prefix}DATABASE_URL"])
        env |= {f"{prefix}AGGREGATE_INTERVAL_SECONDS": str(interval)}
        env |= {f"{prefix}{key.upper()}": value for key, value in extra.items()}
        factory = f"concordia.{service}.app:main"
        return await asyncio.to_thread(self.start, f"{code}-{service}", factory, env, root)

    async def hub(self, c: Coalition, **extra: str) -> tuple[str, str]:
        """Migrate and start the hub service; return its URL and a ``hub:read`` token."""
        root = c.root / "hub"
        database = f"sqlite:///{root / 'hub.db'}"
        await asyncio.to_thread(kit.upgrade, SERVICE_DIRS["hub"], database)
        tokens = root / "tokens.json"
        reader = TokenStore(tokens).create("e2e-reader", {"hub:read"})
        env = {
            "CONCORDIA_ENV": "dev", "CONCORDIA_HUB_DATABASE_URL": database,
            "CONCORDIA_TOKENS_FILE": str(tokens), "CONCORDIA_HUB_NODES_DIR": str(root / "nodes"),
            "CONCORDIA_HUB_STREAM_MODE": "sourced", "CONCORDIA_HUB_NODES_SCAN_SECONDS": "1",
            "CONCORDIA_HUB_DIRECTORY_FILE": str(root / "directory.json"),
        }  # fmt: skip
        env |= {f"CONCORDIA_HUB_{key.upper()}": value for key, value in extra.items()}
        url = await asyncio.to_thread(self.start, "hub", "concordia.hub.app:main", env, root)
        return url, reader

    def stop(self) -> None:
        """Stop everything, newest first."""
        for process in reversed(self.processes):
            process.stop()


def node_token(c: Coalition, code: str, *scopes: str, owner: str = OPERATOR) -> str:
    """A fresh token of node ``code`` with ``scopes``, for ``owner`` (the operator by default)."""
    return TokenStore(c.nodes[code].root / "tokens.json").create(
        f"e2e-{'-'.join(scopes)}", set(scopes), owner=owner
    )


async def eventually(check: Callable[[], Awaitable[T]], seconds: float = 60) -> T:
    """Poll ``check`` until it returns something truthy (another process is working)."""
    result: T = await polling.eventually(check, within=seconds, interval=0.25)
    return result


def bearer(token: str, **headers: str) -> dict[str, Any]:
    """Request headers with ``token`` and a registry purpose (other services ignore it)."""
    return {"Authorization": f"Bearer {token}", "X-Purpose": "permit_case_work", **headers}


#: The default charter's threshold: one round of K persons in one cell is a release.
K = 10
_ids = itertools.count()


async def write_round(registry: str, token: str) -> None:
    """Register K synthetic persons in one cell (a release the per-cell rule lets through)."""
    records = [
        person(next(_ids), gender="female", region_of_origin="RU-MOW", ethnic_origin="russian")
        for _ in range(K)
    ]
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        answer = await client.put(
            "/v1/sync/persons", json={"records": records}, headers=bearer(token)
        )
    assert answer.status_code == 200, answer.text


async def get_json(url: str, token: str, path: str, **params: Any) -> Any:
    """``GET url+path`` with ``token``; the answer must be 200."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        answer = await client.get(path, params=params, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()


async def node_released(registry: str, token: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The registry's newest released snapshot of each table and period."""
    body = await get_json(registry, token, "/v1/aggregates")
    return {(s["aggregate"], s["period"]): s for s in body["snapshots"]}


async def hub_history(hub: str, token: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every version the hub holds of node ``se``'s registry tables."""
    found = await get_json(hub, token, "/v1/aggregates", node="se", service="registry",
                           history="true", limit=10_000)  # fmt: skip
    history: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for snapshot in found:
        history.setdefault((snapshot["aggregate"], snapshot["period"]), []).append(snapshot)
    return history


async def convergence_gap(registry: str, node_token_: str, hub: str, hub_token: str) -> str | None:
    """Why the hub does not yet hold versions 1..n of every table the node released, or None."""
    released = await node_released(registry, node_token_)
    history = await hub_history(hub, hub_token)
    if not released:
        return "the node has released nothing"
    if set(history) != set(released):
        return f"tables: node {sorted(released)} hub {sorted(history)}"
    for key, newest in released.items():
        versions = sorted(s["version"] for s in history[key])
        if versions != list(range(1, newest["version"] + 1)):
            assert len(versions) == len(set(versions)), f"{key}: a version counted twice"
            return f"{key}: node at version {newest['version']}, hub holds {versions}"
        held = next(s for s in history[key] if s["version"] == newest["version"])
        if held["cells"] != newest["cells"]:
            return f"{key}: version {newest['version']} holds other cells at the hub"
    return None


async def converged(registry: str, node_token_: str, hub: str, hub_token: str) -> bool:
    """The hub holds versions 1..n of every table the node released, n its newest, once each."""
    return await convergence_gap(registry, node_token_, hub, hub_token) is None
