"""What the cross-service suite (tests/services/) derives from an entry of the list of services."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from hub_support import accounts_config, write_directory, write_node
from openapi_support import live_service

from concordia.events import NatsServer
from concordia.identity import NodeKey
from concordia.kit import ServiceSpec


def settings_for_test(
    spec: ServiceSpec, *, url: str, nats_url: str, tokens: Path, workdir: Path, **extra: Any
) -> Any:
    """The service's settings for a test: its database, broker, tokens; nothing published."""
    values: dict[str, Any] = {"env": "test", "database_url": url, "tokens_file": tokens}
    if spec.role == "node":
        values |= {"node": "st", "nats_url": nats_url, "aggregate_interval_seconds": 3600}
    else:
        (workdir / "nodes").mkdir(exist_ok=True)
        values |= {"nodes_dir": workdir / "nodes", "stream_mode": "direct"}
        # A directory of the test's own (a signature of a generated key verifies with none).
        write_directory(workdir / "directory.json", ("se", "pl"))
        values |= {"directory_file": workdir / "directory.json"}
    return spec.settings_class()(**(values | extra))


def create_app(spec: ServiceSpec, settings: Any) -> FastAPI:
    """The service's app from its ``create(settings)`` factory."""
    app: FastAPI = importlib.import_module(spec.module).create(settings)
    return app


@contextmanager
def served(spec: ServiceSpec, work: Path) -> Iterator[tuple[str, str]]:
    """The service served by uvicorn on a migrated SQLite database in ``work``, with a real
    nats-server (the hub with one country linked); yields its base URL and a token with all
    its scopes."""
    config = accounts_config() if spec.role == "hub" else ""
    with NatsServer(store_dir=work / "nats", config=config) as server:
        if spec.role == "hub":
            write_node(work / "nodes", server, "se")

        extra: dict[str, Any] = {}
        if spec.name == "ledger":  # its feed stream ends, so a client reads it whole
            extra["feed_stream_seconds"] = 1.0
        if spec.role == "node":  # a node has its key (its API signs charters and decisions)
            NodeKey.generate().save(work / "identity.key")
            extra["identity_key_file"] = work / "identity.key"

        def make_app(url: str, tokens: Path) -> Any:
            settings = settings_for_test(
                spec, url=url, nats_url=server.url, tokens=tokens, workdir=work, **extra
            )
            return create_app(spec, settings)

        with live_service(work, spec.service_dir(), make_app, set(spec.scopes)) as served_at:
            yield served_at


def models_metadata(spec: ServiceSpec) -> Any:
    """The MetaData of the service's own tables."""
    return importlib.import_module(f"concordia.{spec.name}.models").Base.metadata
