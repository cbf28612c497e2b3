"""End-to-end harness: generated brokers plus the services as uvicorn processes (real HTTP)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polling
from federation_support import Coalition

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
