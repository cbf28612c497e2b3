"""Rotating the node key reaches evaluators' names too (issue 9, section 6): the service reads
them under a retired key, and `concordia node rotate-key` re-encrypts them, resumably."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from apps import Apps
from typer.testing import CliRunner

from concordia.cli.main import app as cli
from concordia.core.auth import TokenStore
from concordia.evaluation import app as evaluation_app
from concordia.evaluation.settings import EvaluationSettings
from concordia.events import NatsServer

runner = CliRunner()
NAMES = ["Example Evaluator One", "Example Evaluator Two", "Example Evaluator Three"]


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@asynccontextmanager
async def _evaluation(
    url: str, nats: NatsServer, node: str, tmp_path: Path, **keys: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    store = TokenStore(tmp_path / "tokens.json")
    admin = {"Authorization": f"Bearer {store.create('admin', {'evaluation:admin'})}"}
    settings = EvaluationSettings(
        env="test", node=node, database_url=url, nats_url=nats.url,
        tokens_file=tmp_path / "tokens.json", aggregate_interval_seconds=3600, **keys,
    )  # fmt: skip
    apps = Apps()
    client = await apps.start(evaluation_app.create(settings), "http://evaluation")
    try:
        yield client, admin
    finally:
        await apps.aclose()


async def _names(client: httpx.AsyncClient, admin: dict[str, str]) -> list[str]:
    response = await client.get("/v1/evaluators", headers=admin)
    assert response.status_code == 200, response.text
    return sorted(e["name"] for e in response.json()["items"])


async def _rotate(
    monkeypatch: pytest.MonkeyPatch, registry: str, evaluation: str, **env: str
) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = ["node", "rotate-key", "--database-url", registry,
            "--evaluation-database-url", evaluation, "--batch", "2"]  # fmt: skip
    result = await asyncio.to_thread(runner.invoke, cli, args)
    assert result.exit_code == 0, result.output
    return result.output


async def test_evaluators_names_survive_a_rotation_of_the_node_key(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, registry = await database_factories("evaluation"), await database_factories("registry")
    old, new = _key(), _key()
    async with _evaluation(url, nats_server, node_code, tmp_path, node_key=old) as (client, admin):
        for n, name in enumerate(NAMES):
            body = {"name": name, "account": f"eval-{n}", "expertise": ["research"],
                    "languages": ["en"], "european": True}  # fmt: skip
            made = await client.post("/v1/evaluators", json=body, headers=admin)
            assert made.status_code == 201, made.text

    # Restarted under the new key, the old one retired: the names still read.
    keys: dict[str, Any] = {"node_key": new, "node_keys_retired": [old]}
    async with _evaluation(url, nats_server, node_code, tmp_path, **keys) as (client, admin):
        assert await _names(client, admin) == sorted(NAMES)

    env = {"CONCORDIA_ENV": "test", "CONCORDIA_NODE_KEY": new,
           "CONCORDIA_NODE_KEYS_RETIRED": json.dumps([old])}  # fmt: skip
    output = await _rotate(monkeypatch, registry, url, **env)
    assert "Re-encrypted 3 of 3 evaluators' names in 2 batches" in output
    again = await _rotate(monkeypatch, registry, url, **env)
    assert "Re-encrypted 0 of 3 evaluators' names" in again

    # The new key alone reads them now.
    async with _evaluation(url, nats_server, node_code, tmp_path, node_key=new) as (client, admin):
        assert await _names(client, admin) == sorted(NAMES)
