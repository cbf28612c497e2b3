"""Run as a script by test_core_tracing.py: one app of ``create_app`` in a fresh process.

Settings come from the environment (``CONCORDIA_OTLP_ENDPOINT`` or none). It logs outside any
request, serves ``GET /hello`` (which logs and runs a query) through httpx, flushes the tracer
provider if there is one, and prints ``{"instrumented": ..., "active": ...}`` on stdout; the log
lines go to stderr as the services write them.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import httpx
import orjson
from fastapi import APIRouter
from opentelemetry import trace
from sqlalchemy import text

from concordia.core import tracing
from concordia.core.db import Database
from concordia.core.logging import configure_logging
from concordia.core.settings import CoreSettings
from concordia.core.web import create_app


async def main(workdir: Path) -> None:
    settings = CoreSettings(
        env="test", database_url=f"sqlite:///{workdir / 'app.db'}", tokens_file=workdir / "t.json"
    )
    configure_logging("INFO", service="traced")
    log = logging.getLogger("traced")
    db = Database(settings.database_url)
    router = APIRouter()

    @router.get("/hello")
    async def hello() -> dict[str, str]:
        async with db.unit_of_work(write=False) as session:
            await session.execute(text("SELECT 1"))
        log.info("inside the request")
        return {"hello": "world"}

    app = create_app(service="traced", settings=settings, db=db, routers=[router])
    log.info("outside any request")
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://traced") as client:
        response = await client.get("/hello", headers={"X-Request-Id": "test-request-0001"})
        assert response.headers["x-request-id"] == "test-request-0001"
        await client.get("/hello", headers={"X-Request-Id": "not an id"})
    await db.dispose()
    provider = trace.get_tracer_provider()
    flush = getattr(provider, "force_flush", None)
    if flush is not None:
        flush()
    state = {
        "instrumented": bool(getattr(app, "_is_instrumented_by_opentelemetry", False)),
        "active": tracing.active(),
    }
    sys.stdout.write(orjson.dumps(state).decode() + "\n")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
