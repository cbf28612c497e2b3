"""A node's operator signs a charter or a decision through the node's API (node identity).

``POST /v1/coalition/signatures`` on any node service signs the document with the node's key,
which never leaves the node; the caller relays the signature to the hub. Only the node's
operator (scope ``ops``) may, and only charters and decisions are signed this way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from apps import Apps
from hub_support import write_directory
from services_support import create_app, settings_for_test

from concordia import kit
from concordia.core.auth import TokenStore
from concordia.events import NatsServer
from concordia.identity import NodeKey, SignedDocument
from concordia.kit import service_named

CHARTER = SignedDocument(
    kind="charter",
    body={"revision": 2, "version": "2026.2", "effective": "2026-12-01", "disclosure": {"k": 10}},
)


@dataclass
class Node:
    client: httpx.AsyncClient
    operator: dict[str, str]
    reader: dict[str, str]
    key: NodeKey | None


async def _node(apps: Apps, work: Path, nats: str, *, keyed: bool) -> Node:
    """The registry of node ``st`` over its API, with or without a node key."""
    spec = service_named("registry")
    await asyncio.to_thread(work.mkdir)
    url = f"sqlite:///{work / 'registry.db'}"
    await asyncio.to_thread(kit.upgrade, spec.service_dir(), url)
    extra = {}
    key = None
    if keyed:
        key = write_directory(work / "directory.json", ("st", "pl"))["st"]
        key.save(work / "identity.key")
        extra = {"identity_key_file": work / "identity.key",
                 "identity_directory_file": work / "directory.json"}  # fmt: skip
    tokens = work / "tokens.json"
    store = TokenStore(tokens)
    operator, reader = store.create("operator", {"ops"}), store.create("r", {"registry:read"})
    settings = settings_for_test(spec, url=url, nats_url=nats, tokens=tokens, workdir=work, **extra)
    client = await apps.start(create_app(spec, settings), "http://registry")
    return Node(client, _bearer(operator), _bearer(reader), key)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def apps() -> AsyncIterator[Apps]:
    started = Apps()
    try:
        yield started
    finally:
        await started.aclose()


async def _sign(node: Node, document: SignedDocument, headers: dict[str, str]) -> httpx.Response:
    body = document.model_dump(mode="json")
    return await node.client.post("/v1/coalition/signatures", json=body, headers=headers)


async def test_the_operator_signs_with_the_node_key(apps: Apps, tmp_path: Path) -> None:
    with NatsServer(store_dir=tmp_path / "nats") as server:
        node = await _node(apps, tmp_path / "st", server.url, keyed=True)
        assert node.key is not None
        answer = await _sign(node, CHARTER, node.operator)
        assert answer.status_code == 200, answer.text
        signed = SignedDocument.model_validate(answer.json())
        assert (signed.kind, signed.body) == (CHARTER.kind, CHARTER.body)
        assert signed.check({"st": node.key.public}, required=1) == {"st"}
        # A decision the hub holds pl's signature of: the answer is this node's to relay.
        decision = SignedDocument(kind="decision", body={"decision_id": "d-1", "decided": "x"})
        other = NodeKey.generate()
        twice = await _sign(node, decision.signed("pl", other), node.operator)
        assert twice.status_code == 200, twice.text
        mine = SignedDocument.model_validate(twice.json())
        assert mine.signers({"st": node.key.public, "pl": other.public}) == {"st"}
        assert mine.digest == decision.digest


async def test_only_the_operator_and_only_charters_and_decisions(
    apps: Apps, tmp_path: Path
) -> None:
    with NatsServer(store_dir=tmp_path / "nats") as server:
        node = await _node(apps, tmp_path / "st", server.url, keyed=True)
        assert (await _sign(node, CHARTER, node.reader)).status_code == 403
        assert (await _sign(node, CHARTER, {})).status_code == 401
        directory = SignedDocument(kind="directory", body={"serial": 2, "members": []})
        refused = await _sign(node, directory, node.operator)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"] == ["body", "kind"]
        lone = b'{"kind": "charter", "body": {"k": "\\udbad"}}'  # valid JSON, no canonical form
        unsignable = await node.client.post(
            "/v1/coalition/signatures", content=lone,
            headers=node.operator | {"Content-Type": "application/json"},
        )  # fmt: skip
        # Schema-valid, yet without a canonical form (no JSON Schema can say): 409, documented.
        assert unsignable.status_code == 409
        assert unsignable.json()["type"] == "urn:concordia:problem:inconsistent-fields"
        assert unsignable.json()["errors"][0]["loc"] == ["body", "body"]
        beyond = {"kind": "decision", "body": {"n": 2**60}}  # past RFC 8785's number domain
        answer = await node.client.post(
            "/v1/coalition/signatures", json=beyond, headers=node.operator
        )
        assert answer.status_code == 409, answer.text


async def test_a_node_without_a_key_says_so(apps: Apps, tmp_path: Path) -> None:
    with NatsServer(store_dir=tmp_path / "nats") as server:
        node = await _node(apps, tmp_path / "st", server.url, keyed=False)
        answer = await _sign(node, CHARTER, node.operator)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert "no signing key" in answer.json()["detail"]
