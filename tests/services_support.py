"""What the cross-service suite (tests/services/) derives from an entry of the list of services."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from fastapi import FastAPI

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
    return spec.settings_class()(**(values | extra))


def create_app(spec: ServiceSpec, settings: Any) -> FastAPI:
    """The service's app from its ``create(settings)`` factory."""
    app: FastAPI = importlib.import_module(spec.module).create(settings)
    return app


def models_metadata(spec: ServiceSpec) -> Any:
    """The MetaData of the service's own tables."""
    return importlib.import_module(f"concordia.{spec.name}.models").Base.metadata
