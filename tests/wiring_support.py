"""Real services on a generated coalition: the hub app and node apps in-process, real brokers.

``federation_support.coalition`` starts the hub's and the nodes' nats-servers from the CLI's
generated configs; these helpers start the hub service (sourced mode, its nodes directory as
``concordia hub add-node`` wrote it) and registry or ledger apps with a node's generated
settings (LOCAL and COALITION users), each inside its lifespan.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import ledger_support
import polling
import pytest
import registry_support
from fastapi import FastAPI
from federation_support import Coalition

from concordia.cli.identity import sign_document
from concordia.cli.nodeinit import service_env
from concordia.core.auth import TokenStore
from concordia.hub import app as hub_app
from concordia.hub.settings import HubSettings
from concordia.identity import SignedDocument
from concordia.ledger import app as ledger_app
from concordia.ledger.settings import LedgerSettings
from concordia.registry import app as registry_app
from concordia.registry.settings import RegistrySettings


@dataclass
class Running:
    """An app in its lifespan, an HTTP client on it, and a bearer token."""

    app: FastAPI
    client: httpx.AsyncClient
    token: str

    @property
    def auth(self) -> dict[str, str]:
        """Headers with the token."""
        return {"Authorization": f"Bearer {self.token}", "X-Purpose": "permit_case_work"}

    async def get(self, path: str, **params: Any) -> Any:
        """GET ``path``; the JSON body (asserting 200)."""
        response = await self.client.get(path, params=params, headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()


class Apps:
    """Starts apps and stops them all (newest first) at the end of the test."""

    def __init__(self, stack: contextlib.AsyncExitStack) -> None:
        self.stack = stack

    async def run(self, app: FastAPI, token: str, name: str) -> Running:
        """Enter ``app``'s lifespan and open a client on it."""
        await self.stack.enter_async_context(app.router.lifespan_context(app))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=f"http://{name}")
        self.stack.push_async_callback(client.aclose)
        return Running(app, client, token)


@contextlib.asynccontextmanager
async def apps() -> AsyncIterator[Apps]:
    """A place to start apps; all stopped when the block ends."""
    async with contextlib.AsyncExitStack() as stack:
        yield Apps(stack)


def node_settings(
    coalition: Coalition, code: str, service: str, database_url: str, **extra: Any
) -> Any:
    """A service's settings as ``concordia node init`` wrote them for node ``code``."""
    kind = {"registry": RegistrySettings, "ledger": LedgerSettings}[service]
    with pytest.MonkeyPatch.context() as env:
        for key, value in service_env(coalition.nodes[code].root, service).items():
            env.setenv(key, value)
        env.setenv("CONCORDIA_ENV", "test")
        # The tests' charters go down to k 3 and no rounding: the operator accepts them.
        env.setenv("CONCORDIA_DISCLOSURE_ACCEPT_LOOSER", "true")
        return kind(database_url=database_url, aggregate_interval_seconds=3600, **extra)


async def start_hub(runner: Apps, coalition: Coalition, database_url: str, **extra: Any) -> Running:
    """The hub service on the coalition's generated nodes directory (sourced streams), checking
    the nodes' signatures against the coalition directory (every node signs: it has a key)."""
    tokens = coalition.root / "hub" / "tokens.json"
    token = TokenStore(tokens).create("test-hub-admin", {"hub:admin"})
    settings = HubSettings(
        env="test", database_url=database_url, tokens_file=tokens,
        nodes_dir=coalition.root / "hub" / "nodes", stream_mode="sourced",
        nodes_scan_seconds=0.2, directory_file=coalition.root / "hub" / "directory.json",
        require_signatures=True, **({"charter_resend_seconds": 0.5} | extra),
    )  # fmt: skip
    hub = await runner.run(hub_app.create(settings), token, "hub")
    for code in coalition.nodes:
        await until(lambda c=code: _consuming(hub, c), 20)
    return hub


async def adopt(hub: Running, coalition: Coalition, revision: int) -> Any:
    """Every node signs charter ``revision`` with its node key (``concordia charter sign``
    as the hub serves it) and the hub relays it: adopted; the last signature status."""
    document = SignedDocument.model_validate(await hub.get(f"/v1/charter/{revision}/document"))
    status: Any = None
    for code, files in coalition.nodes.items():
        mine = sign_document(files.root, document).signatures[-1]
        response = await hub.client.post(
            f"/v1/charter/{revision}/signatures", json=mine.model_dump(), headers=hub.auth
        )
        assert response.status_code == 200, response.text
        status = response.json()
        assert mine.signer == code
    assert status is not None
    assert status["signed"], status
    return status


async def _consuming(hub: Running, code: str) -> bool:
    link = hub.app.state.concordia.extra.federation.links.get(code)
    return link is not None and link.consumer._sub is not None


async def start_registry(runner: Apps, coalition: Coalition, code: str, url: str) -> Running:
    """The registry of node ``code`` with its generated users; a read-write token."""
    settings = node_settings(coalition, code, "registry", url)
    tokens = registry_support.issue_tokens(settings.tokens_file)
    app = await runner.run(registry_app.create(settings), "", f"registry-{code}")
    app.token = tokens["registry:read registry:write"]
    return app


async def start_ledger(
    runner: Apps, coalition: Coalition, code: str, url: str, **extra: Any
) -> tuple[Running, ledger_support.Ledger]:
    """The ledger of node ``code`` and the ledger test harness on it (announces go to LOCAL)."""
    settings = node_settings(coalition, code, "ledger", url, **extra)
    tokens = ledger_support.issue_tokens(settings.tokens_file)
    app = ledger_app.create(settings)
    running = await runner.run(app, tokens["ledger:write"], f"ledger-{code}")
    # The registry's LOCAL user publishes the registry's events the ledger consumes.
    harness = ledger_support.Ledger(
        running.app, running.client, tokens, settings, coalition.node_url(code, "registry")
    )
    return running, harness


async def until(check: Callable[[], Any], seconds: float = 20) -> Any:
    """Poll ``check`` (plain or async) until it returns something truthy."""
    return await polling.eventually(check, within=seconds)
