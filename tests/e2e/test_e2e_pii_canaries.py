"""PII canaries: a node's personal data never reaches the hub — not its broker, database or logs.

Real processes throughout: the hub's and the nodes' nats-servers from configs the CLI generates,
and the registry, ledger and hub as uvicorn subprocesses talking HTTP and NATS. Every personal
field of every seeded person carries a unique marker; a spy allowed everything in every hub
account records all traffic, and afterwards the hub's database files and logs are searched too.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from e2e_support import Running, bearer, eventually, node_token
from federation_support import Coalition
from ledger_support import donor, grant
from nats.aio.msg import Msg

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


async def test_no_personal_marker_reaches_the_hub(coalition: Coalition, running: Running) -> None:
    c, canaries = coalition, Canaries()
    heard: list[Msg] = []

    async def record(msg: Msg) -> None:
        heard.append(msg)

    for code in ("se", "pl"):
        spy = await c.connect(c.hub_spy_url(code))
        await spy.subscribe(">", cb=record)

    registry = await running.node_service(c, "se", "registry")
    ledger = await running.node_service(c, "se", "ledger")
    hub, reader = await running.hub(c)

    records = [canaries.person(n) for n in range(PERSONS)]
    agency = node_token(c, "se", "registry:write")
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        response = await client.put(
            "/v1/sync/persons", json={"records": records}, headers=bearer(agency)
        )
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert all(r["status"] == "created" for r in results), response.text
    # Grants to those persons at the ledger, their texts marked too (a donor may name a grantee).
    donor_token = node_token(c, "se", "ledger:write")
    async with httpx.AsyncClient(
        base_url=ledger, timeout=30, headers=bearer(donor_token)
    ) as client:
        made = await client.post("/v1/donors", json=donor(1))
        assert made.status_code == 201, made.text
        donor_id = made.json()["id"]
        for n, result in enumerate(results[:12]):
            body = grant(
                donor_id, {"type": "person", "id": result["id"]}, n,
                external_id=canaries.mark("GRANTEXT"), title=f"Support {canaries.mark('TITLE')}",
                description=f"Stipend for {canaries.mark('DESC')}",
            )  # fmt: skip

            async def granted(body: dict[str, Any] = body) -> bool:
                # The ledger learns persons from the registry's events: retry until it has.
                response = await client.post("/v1/grants", json=body)
                assert response.status_code in (201, 422), response.text
                return response.status_code == 201

            await eventually(granted, seconds=30)

    async def published_at_hub() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=hub, timeout=10) as client:
            got = await client.get(
                "/v1/aggregates", params={"node": "se", "service": "registry"},
                headers=bearer(reader),
            )  # fmt: skip
        assert got.status_code == 200, got.text
        return [s for s in got.json() if any(not cell["suppressed"] for cell in s["cells"])]

    assert await eventually(published_at_hub), "the hub holds the node's published cells"
    assert heard, "the spies heard the node's traffic at the hub"

    # The channel: every message in every hub account, subject, headers and body.
    for msg in heard:
        blob = msg.subject.encode() + json.dumps(msg.headers or {}).encode() + msg.data
        assert canaries.found_in(blob) == [], msg.subject
    # What the hub keeps: every file under its directory (database and WAL, JetStream store,
    # logs, configuration).
    hub_root = c.root / "hub"
    kept = [path for path in sorted(hub_root.rglob("*")) if path.is_file()]
    assert any("jetstream" in str(path) for path in kept), "the hub's store was searched"
    for path in kept:
        assert canaries.found_in(path.read_bytes()) == [], path
    # The control: a search that finds nothing at the hub must be able to find them at the node.
    control = node_token(c, "se", "registry:read")
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        page = await client.get(
            "/v1/persons", params={"limit": 5},
            headers=bearer(control, **{"X-Purpose": "audit; e2e canary control"}),
        )  # fmt: skip
    assert page.status_code == 200, page.text
    assert canaries.found_in(page.content), "the control read sees the markers"
