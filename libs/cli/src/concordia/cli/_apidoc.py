"""The API contract of every service, as files: ``docs/api/<service>.openapi.json`` and
``docs/api/events.asyncapi.json``.

They are generated from the running code (``concordia api docs``) and a test keeps them current,
so a client generator (``openapi-python-client``, see ``clients/python``) reads exactly what the
services answer. Each service's app is built, never started: no database, no broker.
"""

from __future__ import annotations

import importlib
import json
import tempfile
from pathlib import Path
from typing import Any

from concordia.events import asyncapi_document
from concordia.kit import SERVICES, ServiceSpec

#: Where the documents live in the repository.
DOCS_DIR = Path("docs/api")
EVENTS = "events.asyncapi.json"


def openapi_document(spec: ServiceSpec) -> dict[str, Any]:
    """The OpenAPI document of ``spec``'s service, from an app built with placeholder settings."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        values: dict[str, Any] = {
            "env": "test",
            "database_url": f"sqlite:///{work / 'unused.db'}",
            "tokens_file": work / "tokens.json",
        }
        if spec.role == "node":
            values |= {"node": "xx", "nats_url": "nats://127.0.0.1:1"}
        else:
            (work / "nodes").mkdir()
            values |= {"nodes_dir": work / "nodes", "stream_mode": "direct"}
        settings = spec.settings_class()(**values)
        app = importlib.import_module(spec.module).create(settings)
        document: dict[str, Any] = app.openapi()
    return document


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render() -> dict[str, str]:
    """Every document's file name and text."""
    files = {f"{spec.name}.openapi.json": _dump(openapi_document(spec)) for spec in SERVICES}
    files[EVENTS] = _dump(asyncapi_document())
    return files


def stale(root: Path) -> list[Path]:
    """The documents under ``root`` that differ from the code (or are missing, or left over)."""
    folder = root / DOCS_DIR
    files = render()
    out = [folder / name for name, text in files.items()
           if not (folder / name).exists() or (folder / name).read_text() != text]  # fmt: skip
    if folder.exists():
        out += [path for path in sorted(folder.glob("*.json")) if path.name not in files]
    return out


def write(root: Path) -> list[Path]:
    """Write every document under ``root``; remove documents of services that are gone."""
    folder = root / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    files = render()
    for path in folder.glob("*.json"):
        if path.name not in files:
            path.unlink()
    for name, text in files.items():
        (folder / name).write_text(text)
    return [folder / name for name in files]
