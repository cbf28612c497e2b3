"""Helpers for hub tests: a broker with one account per country, node files, synthetic events.

The broker here is a single nats-server whose accounts stand in for the hub's per-country
accounts (``SE``, ``PL``...): in each, the hub's user ``hub-<code>`` and a node user
``node-<code>`` that publishes what the leaf connection would bring. The hub runs its streams in
``direct`` mode (no leaf topology here).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import nats
import polling
from fastapi import FastAPI
from nats.aio.client import Client

from concordia.core.auth import TokenStore
from concordia.events import (
    AggregateSnapshotPublished,
    Cell,
    Envelope,
    Event,
    NatsServer,
    PinnedDirectoryFile,
    ServiceStatusReported,
)
from concordia.hub.settings import HubSettings
from concordia.identity import Directory, DirectoryPin, Member, NodeKey, SignedDocument

COUNTRIES = ("se", "pl", "de", "fi")
_PASSWORD = "synthetic-test-password"


def accounts_config(codes: tuple[str, ...] = COUNTRIES) -> str:
    """nats-server ``accounts`` block: one JetStream account per country, hub and node users."""
    blocks = []
    for code in codes:
        users = ", ".join(
            f'{{user: "{who}-{code}", password: "{_PASSWORD}"}}' for who in ("hub", "node")
        )
        blocks.append(f"  {code.upper()}: {{ jetstream: enabled, users: [{users}] }}")
    return "accounts {\n" + "\n".join(blocks) + "\n}\n"


def user_url(server: NatsServer, code: str, who: str) -> str:
    """The URL of ``hub-<code>`` or ``node-<code>`` with its credentials."""
    return f"nats://{who}-{code}:{_PASSWORD}@{server.host}:{server.port}"


def write_node(nodes_dir: Path, server: NatsServer, code: str, title: str | None = None) -> None:
    """Write ``<code>.json`` as ``concordia hub add-node`` does."""
    nodes_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "code": code,
        "name": title or f"Testland {code.upper()}",
        "nats_url": user_url(server, code, "hub"),
    }
    (nodes_dir / f"{code}.json").write_text(json.dumps(record))


def write_directory(
    path: Path, codes: tuple[str, ...] = COUNTRIES, threshold: int | None = None
) -> dict[str, NodeKey]:
    """A coalition directory of ``codes`` with fresh node keys, signed by all, pinned at
    ``path`` (as ``concordia hub accept-directory`` keeps it); the keys by code."""
    keys = {code: NodeKey.generate() for code in codes}
    members = tuple(
        Member(code=code, name=f"Testland {code.upper()}", public_key=key.public.text)
        for code, key in keys.items()
    )
    document = Directory(serial=1, members=members, threshold=threshold).document()
    for code, key in keys.items():
        document = document.signed(code, key)
    DirectoryPin.first(document).save(path)
    return keys


def hub_settings(url: str, tokens: Path, nodes_dir: Path, **extra: Any) -> HubSettings:
    """Hub settings for a test: quick scans and re-sends, direct streams, the directory next
    to the nodes directory."""
    values: dict[str, Any] = {
        "env": "test",
        "database_url": url,
        "tokens_file": tokens,
        "nodes_dir": nodes_dir,
        "directory_file": nodes_dir.parent / "directory.json",
        "nodes_scan_seconds": 0.2,
        "charter_resend_seconds": 0.5,
        "stream_mode": "direct",
    }
    return HubSettings(**(values | extra))


def issue_tokens(path: Path) -> dict[str, str]:
    """Tokens by scope: ``hub:read``, ``hub:admin``, and one without hub scopes."""
    store = TokenStore(path)
    return {s: store.create(f"test-{s}", {s}) for s in ("hub:read", "hub:admin", "ops")}


@dataclass
class Hub:
    """A hub app in its lifespan, a client and tokens by scope."""

    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str]
    settings: HubSettings
    #: The members' node keys of the hub's directory (``write_directory``), by code.
    keys: dict[str, NodeKey] = field(default_factory=dict)

    def auth(self, scope: str = "hub:read") -> dict[str, str]:
        """Headers with a token of ``scope``."""
        return {"Authorization": f"Bearer {self.tokens[scope]}"}

    async def get(self, path: str, **params: Any) -> Any:
        """GET ``path`` as a reader; the JSON body (asserting 200)."""
        response = await self.client.get(path, params=params, headers=self.auth())
        assert response.status_code == 200, response.text
        return response.json()

    async def sign(self, what: str, signers: tuple[str, ...]) -> Any:
        """Each of ``signers`` signs ``what`` (``charter/<revision>`` or ``decisions/<id>``)
        with its node key as served by the hub, and relays it; the last signature status."""
        document = SignedDocument.model_validate(await self.get(f"/v1/{what}/document"))
        status = None
        for code in signers:
            signature = document.signed(code, self.keys[code]).signatures[-1]
            data = signature.model_dump()
            headers = self.auth("hub:admin")
            response = await self.client.post(f"/v1/{what}/signatures", json=data, headers=headers)
            assert response.status_code == 200, response.text
            status = response.json()
        return status

    async def adopt(self, revision: int, signers: tuple[str, ...] = ("se", "pl", "de")) -> Any:
        """A majority of the members signs charter ``revision``: it is adopted."""
        status = await self.sign(f"charter/{revision}", signers)
        assert status["signed"], status
        return status

    def directory(self) -> PinnedDirectoryFile:
        """The hub's directory, as a node that pinned the same one reads it."""
        return PinnedDirectoryFile(self.settings.directory_file)

    async def linked(self, code: str) -> None:
        """Wait until the hub's stream and consumer of ``code`` are up."""

        async def ready() -> bool:
            link = self.app.state.concordia.extra.federation.links.get(code)
            return link is not None and link.consumer._sub is not None

        await wait_for(ready)


async def wait_for(check: Callable[[], Awaitable[Any]], seconds: float = 15) -> Any:
    """Poll ``check`` until it returns something truthy."""
    return await polling.eventually(check, within=seconds)


async def node_client(server: NatsServer, code: str) -> Client:
    """A connection as the node user of ``code`` (what the leaf would carry)."""
    return await nats.connect(user_url(server, code, "node"))


def snapshot(
    node: str = "se",
    aggregate: str = "persons_by_gender",
    version: int = 1,
    period: str = "2026-Q4",
    **counts: int | None,
) -> AggregateSnapshotPublished:
    """A synthetic one-way gender table; a ``None`` count is a suppressed cell."""
    counts = counts or {"female": 40, "male": 35}
    cells = tuple(
        Cell(key=(k,), suppressed=True) if v is None else Cell(key=(k,), value=v)
        for k, v in counts.items()
    )
    known = [v for v in counts.values() if v is not None]
    total = (
        Cell(key=("_all",), value=sum(known))
        if len(known) == len(counts)
        else Cell(key=("_all",), suppressed=True)
    )
    return AggregateSnapshotPublished(
        node=node, service="registry", aggregate=aggregate, period=period, version=version,
        period_start=date(2026, 10, 1), period_end=date(2026, 12, 31),
        charter_version="default", dimensions=("gender",), cells=cells, margins=(total,),
    )  # fmt: skip


def status(
    node: str = "se", service: str = "registry", *, revision: int = 0, at: datetime | None = None
) -> ServiceStatusReported:
    """A synthetic status report."""
    return ServiceStatusReported(
        node=node, service=service, charter_version="default" if revision == 0 else f"t.{revision}",
        charter_revision=revision, outbox_pending=0, sent_at=at or datetime.now(UTC),
    )  # fmt: skip


async def publish(nc: Client, envelope: Envelope[Event], msg_id: str | None = None) -> None:
    """Publish an envelope into the country's stream, as the node's outbox relay would."""
    ack = await nc.jetstream().publish(
        envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": msg_id or envelope.id}
    )
    assert ack.stream.startswith("NODE_")


def money(value: str) -> Decimal:
    """A Decimal amount."""
    return Decimal(value)
