"""PII canaries: a node's personal data never reaches the hub — not its broker, database or logs.

Real processes throughout: the hub's and the nodes' nats-servers from configs the CLI generates,
and the registry, ledger and hub as uvicorn subprocesses talking HTTP and NATS. Every personal
field of every seeded person carries a unique marker; a spy allowed everything in every hub
account records all traffic, and afterwards the hub's database files and logs are searched too.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from federation_support import Coalition, add_spies, make_coalition
from nats.aio.msg import Msg

from concordia.cli._procs import ServiceProcess
from concordia.cli.nodeinit import service_env
from concordia.core import migrations
from concordia.core.auth import TokenStore
from concordia.events.natsserver import free_port
from concordia.hub import app as hub_app
from concordia.ledger import app as ledger_app
from concordia.registry import app as registry_app

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

PERSONS = 24  # enough for published (not suppressed) cells at k=10


@dataclass
class Canaries:
    """One unique marker per personal field of every seeded person."""

    markers: list[str] = field(default_factory=list)

    def mark(self, label: str) -> str:
        """A fresh marker, remembered."""
        marker = f"CANARY{label}{uuid.uuid4().hex[:12]}"
        self.markers.append(marker)
        return marker

    def person(self, n: int) -> dict[str, object]:
        """A synthetic person whose every free-text personal field is a canary."""
        return {
            "external_id": self.mark("EXT"),
            "name": f"Testperson {self.mark('NAME')}",
            "aliases": [self.mark("ALIAS"), self.mark("ALIAS")],
            "gender": ("female", "male")[n % 2],
            "ethnic_origin": ("russian", "non_russian")[n % 2],
            "region_of_origin": "RU-MOW",
            "profession_category": "journalist",
            "host_country": "SE",
            "host_city": self.mark("CITY"),
            "vulnerabilities": [],
            "risk_level": "high",
            "family": [{"relation": "child", "count": 1}],
        }

    def found_in(self, blob: bytes) -> list[str]:
        """Markers present in ``blob``: as text, in any case, or base64-encoded at any offset."""
        text = blob.decode("utf-8", "replace").lower()
        return [
            m for m in self.markers
            if m.lower() in text or any(form in blob for form in _b64_forms(m))
        ]  # fmt: skip


def _b64_forms(marker: str) -> set[bytes]:
    """The stable middle of ``marker``'s base64 at each of the three byte alignments."""
    forms = set()
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + marker.encode())
        forms.add(encoded[4 : len(encoded) - 4])
    return forms


@dataclass
class Running:
    """Processes of one test, stopped in reverse order."""

    processes: list[ServiceProcess] = field(default_factory=list)

    def start(self, name: str, factory: str, port: int, env: dict[str, str], logs: Path) -> str:
        """Start ``factory`` under uvicorn on ``port``; return its base URL once ready."""
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

    def stop(self) -> None:
        """Stop everything, newest first."""
        for process in reversed(self.processes):
            process.stop()


@pytest.fixture
def running() -> Iterator[Running]:
    r = Running()
    try:
        yield r
    finally:
        r.stop()


@pytest.fixture
async def coalition(tmp_path: Path) -> AsyncIterator[Coalition]:
    """Hub, SE and PL brokers from generated configs, with a spy in each hub account."""
    c = make_coalition(tmp_path / "var")
    add_spies(c.hub.conf, {"SE": "spy-se", "PL": "spy-pl"})
    c.hub.start()
    for broker in c.brokers.values():
        broker.start()
    c.wait_leafs(len(c.nodes))
    try:
        yield c
    finally:
        for client in c.clients:
            if not client.is_closed:
                await client.close()
        for broker in [*c.brokers.values(), c.hub]:
            broker.stop()


def _node_service(
    c: Coalition, running: Running, code: str, service: str, factory: str, service_dir: Path
) -> str:
    root = c.nodes[code].root
    env = service_env(root, service)
    prefix = f"CONCORDIA_{service.upper()}_"
    migrations.upgrade(service_dir, env[f"{prefix}DATABASE_URL"])
    env |= {f"{prefix}AGGREGATE_INTERVAL_SECONDS": "0.5"}
    return running.start(f"{code}-{service}", factory, free_port(), env, root)


async def _eventually(check: object, seconds: float = 60) -> object:
    assert callable(check)
    async with asyncio.timeout(seconds):
        while not (result := await check()):  # noqa: ASYNC110 - polling another process
            await asyncio.sleep(0.25)
    return result


async def test_no_personal_marker_reaches_the_hub(
    coalition: Coalition, running: Running, tmp_path: Path
) -> None:
    c, canaries = coalition, Canaries()
    heard: list[Msg] = []

    async def record(msg: Msg) -> None:
        heard.append(msg)

    for code in ("se", "pl"):
        spy = await c.connect(c.hub_spy_url(code))
        await spy.subscribe(">", cb=record)

    # Migrations and readiness waits block: keep them off the loop the spies listen on.
    registry = await asyncio.to_thread(
        _node_service, c, running, "se", "registry", "concordia.registry.app:main",
        Path(registry_app.SERVICE_DIR),
    )  # fmt: skip
    await asyncio.to_thread(
        _node_service, c, running, "se", "ledger", "concordia.ledger.app:main",
        Path(ledger_app.SERVICE_DIR),
    )  # fmt: skip

    hub_root = c.root / "hub"
    hub_db = f"sqlite:///{hub_root / 'hub.db'}"
    await asyncio.to_thread(migrations.upgrade, Path(hub_app.SERVICE_DIR), hub_db)
    hub_tokens = hub_root / "tokens.json"
    reader = TokenStore(hub_tokens).create("e2e-reader", {"hub:read"})
    hub = await asyncio.to_thread(running.start, "hub", "concordia.hub.app:main", free_port(), {
        "CONCORDIA_ENV": "dev", "CONCORDIA_HUB_DATABASE_URL": hub_db,
        "CONCORDIA_TOKENS_FILE": str(hub_tokens),
        "CONCORDIA_HUB_NODES_DIR": str(hub_root / "nodes"),
        "CONCORDIA_HUB_STREAM_MODE": "sourced", "CONCORDIA_HUB_NODES_SCAN_SECONDS": "1",
    }, hub_root)  # fmt: skip

    agency = TokenStore(c.nodes["se"].root / "tokens.json").create("e2e-agency", {"registry:write"})
    records = [canaries.person(n) for n in range(PERSONS)]
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        response = await client.put(
            "/v1/sync/persons", json={"records": records},
            headers={"Authorization": f"Bearer {agency}"},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert all(r["status"] == "created" for r in response.json()["results"]), response.text

    async def hub_has_persons_aggregate() -> list[dict[str, object]]:
        async with httpx.AsyncClient(base_url=hub, timeout=10) as client:
            got = await client.get(
                "/v1/aggregates", params={"node": "se", "service": "registry"},
                headers={"Authorization": f"Bearer {reader}"},
            )  # fmt: skip
        assert got.status_code == 200, got.text
        snapshots = got.json()
        published = [s for s in snapshots if any(not cell["suppressed"] for cell in s["cells"])]
        return published

    snapshots = await _eventually(hub_has_persons_aggregate)
    assert snapshots, "the hub received the node's aggregates, with published cells"
    assert heard, "the spies heard the node's traffic at the hub"

    # The channel: every message in every hub account, subject, headers and body.
    for msg in heard:
        blob = msg.subject.encode() + json.dumps(msg.headers or {}).encode() + msg.data
        assert canaries.found_in(blob) == [], msg.subject
    # What the hub keeps: its database (with the WAL) and every log under its directory.
    for path in sorted(hub_root.rglob("*")):
        if path.is_file() and (path.name.startswith("hub.db") or path.suffix == ".log"):
            assert canaries.found_in(path.read_bytes()) == [], path
    # The control: the node itself holds the markers (encrypted at rest, but in its own logs
    # nothing either), so a search that finds nothing at the hub is not a search that cannot find.
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        reader_se = TokenStore(c.nodes["se"].root / "tokens.json").create(
            "e2e-reader", {"registry:read"}
        )
        page = await client.get(
            "/v1/persons", params={"limit": 5},
            headers={"Authorization": f"Bearer {reader_se}", "X-Purpose": "e2e canary control"},
        )  # fmt: skip
    assert page.status_code == 200, page.text
    assert canaries.found_in(page.content), "the control read sees the markers"
