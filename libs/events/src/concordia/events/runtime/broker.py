"""Connecting to NATS so a service survives broker restarts, and declaring streams."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

log = logging.getLogger("concordia.events.nats")


async def connect(
    servers: str | Sequence[str],
    *,
    name: str,
    domain: str | None = None,
    api_timeout: float = 5.0,
    **options: Any,
) -> tuple[Client, JetStreamContext]:
    """Connect with endless reconnects (short waits) and return ``(nc, js)``.

    ``options`` go to ``nats.connect`` (``user``/``password``, ``token``, ``user_credentials``,
    ``nkeys_seed``, ``tls``, callbacks...) and override the defaults here.
    """

    async def on_error(exc: Exception) -> None:
        log.warning("nats %s: %s", name, exc or type(exc).__name__)

    async def on_disconnected() -> None:
        log.warning("nats %s: disconnected", name)

    async def on_reconnected() -> None:
        log.info("nats %s: reconnected", name)

    settings: dict[str, Any] = {
        "name": name,
        "allow_reconnect": True,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
        "connect_timeout": 2,
        "ping_interval": 10,
        "max_outstanding_pings": 3,
        "error_cb": on_error,
        "disconnected_cb": on_disconnected,
        "reconnected_cb": on_reconnected,
    }
    settings.update(options)
    urls = [servers] if isinstance(servers, str) else list(servers)
    nc = await nats.connect(urls, **settings)
    return nc, nc.jetstream(domain=domain, timeout=api_timeout)


async def ensure_stream(
    js: JetStreamContext,
    name: str,
    subjects: Sequence[str],
    *,
    duplicate_window: float = 120.0,
    storage: api.StorageType = api.StorageType.FILE,
    **config: Any,
) -> api.StreamInfo:
    """Create the stream, or update it to this configuration; return its info."""
    wanted = api.StreamConfig(
        name=name,
        subjects=list(subjects),
        duplicate_window=duplicate_window,
        storage=storage,
        **config,
    )
    try:
        await js.stream_info(name)
    except NotFoundError:
        return await js.add_stream(wanted)
    return await js.update_stream(wanted)
