"""A running evaluation service for HTTP-level tests: real database, real nats-server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from apps import Apps
from evaluation_support import Evaluation
from hub_support import write_directory

from concordia.core.auth import TokenStore
from concordia.evaluation import app as evaluation_app
from concordia.evaluation.settings import EvaluationSettings
from concordia.events import NatsServer

TOKENS = {
    "admin": {"evaluation:admin"}, "reader": {"evaluation:read"},
    "eval-a": {"evaluation:write"}, "eval-b": {"evaluation:write"},
    "eval-c": {"evaluation:write"}, "eval-d": {"evaluation:write"},
    "unrelated": {"registry:read"},
}  # fmt: skip
#: Tokens of another owner: an agency's evaluator, its reader, and a token that shares the name
#: of the operator's evaluator ``eval-a`` (key -> name, scopes, owner).
OWNED = {
    "agency-eval": ("agency-eval", {"evaluation:write"}, "agency:se-test"),
    "agency-reader": ("agency-reader", {"evaluation:read"}, "agency:se-test"),
    "namesake": ("eval-a", {"evaluation:write"}, "agency:se-test"),
}


@pytest.fixture
async def evaluation(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
) -> AsyncIterator[Evaluation]:
    """One running evaluation service with a fresh database."""
    store = TokenStore(tmp_path / "tokens.json")
    tokens = {name: store.create(name, scopes) for name, scopes in TOKENS.items()}
    tokens |= {key: store.create(n, s, owner=o) for key, (n, s, o) in OWNED.items()}
    keys = write_directory(tmp_path / "directory.json")  # the node pinned it
    settings = EvaluationSettings(
        env="test", node=node_code, database_url=await database_factories("evaluation"),
        nats_url=nats_server.url, tokens_file=tmp_path / "tokens.json",
        aggregate_interval_seconds=3600, agreement_min_items=2,
        identity_directory_file=tmp_path / "directory.json",
    )  # fmt: skip
    app = evaluation_app.create(settings)
    apps = Apps()
    client = await apps.start(app, "http://evaluation")
    try:
        yield Evaluation(app, client, tokens, node_code, nats_server.url, keys)
    finally:
        await apps.aclose()
