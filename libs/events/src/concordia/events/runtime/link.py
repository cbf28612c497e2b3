"""A NATS connection that a service can start while the broker is down.

nats-py gives up when the first connect fails; a service must not (its writes go to the outbox
and wait). ``NatsLink`` owns one client, keeps trying to connect in the background with capped
backoff, re-runs the ``on_connect`` setup (streams) after every (re)connect, and lets readiness
probes ask whether the broker is reachable right now.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from nats.aio.client import Client
from nats.js import JetStreamContext

from concordia.events.runtime.tasks import cancel_and_wait

log = logging.getLogger("concordia.events.link")


def redact(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class BrokerUnavailableError(RuntimeError):
    """The NATS connection is not up at the moment."""


class NatsLink:
    """One NATS client that connects in the background and stays connected.

    Example::

        link = NatsLink("nats://127.0.0.1:4300", name="registry-se")
        await link.start(on_connect=create_streams)   # returns at once
        relay = OutboxRelay(db, outbox, link.client)  # publishes once the link is up
        ...
        await link.stop()
    """

    def __init__(
        self, url: str, *, name: str, user: str | None = None, password: str | None = None
    ) -> None:
        self.url, self.name, self.user, self.password = url, name, user, password
        self.client = Client()
        self._on_connect: Callable[[], Awaitable[None]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._setup: asyncio.Task[None] | None = None

    @property
    def js(self) -> JetStreamContext:
        """The JetStream context of the client."""
        return self.client.jetstream()

    @property
    def connected(self) -> bool:
        """Whether the client is connected right now."""
        return bool(self.client.is_connected)

    async def start(self, on_connect: Callable[[], Awaitable[None]] | None = None) -> None:
        """Begin connecting in the background; ``on_connect`` runs after each (re)connect."""
        self._on_connect = on_connect
        self._task = asyncio.create_task(self._connect_forever(), name=f"nats-link:{self.name}")

    async def wait_connected(self) -> None:
        """Wait until the link is up and its setup has run (wrap in ``asyncio.timeout``)."""
        while not self.connected or (self._setup is not None and not self._setup.done()):  # noqa: ASYNC110
            await asyncio.sleep(0.02)

    async def check(self) -> None:
        """Readiness probe: raise unless the broker is reachable."""
        if not self.connected:
            raise BrokerUnavailableError(f"not connected to {redact(self.url)}")

    async def stop(self) -> None:
        """Stop connecting and close the client."""
        await cancel_and_wait(self._task, self._setup)
        if not self.client.is_closed:
            with contextlib.suppress(Exception):
                await self.client.drain()
            with contextlib.suppress(Exception):
                await self.client.close()

    async def _connect_forever(self) -> None:
        delay = 0.1
        options: dict[str, Any] = {
            "name": self.name,
            "allow_reconnect": True,
            "max_reconnect_attempts": -1,
            "reconnect_time_wait": 0.25,
            "connect_timeout": 2,
            "reconnected_cb": self._reconnected,
            "disconnected_cb": self._disconnected,
            "error_cb": self._error,
        }
        if self.user is not None:
            options |= {"user": self.user, "password": self.password}
        while True:
            try:
                await self.client.connect(self.url, **options)
                break
            except Exception as exc:  # any failure to connect means "try again later"
                log.warning(
                    "nats connect failed, retrying",
                    extra={"url": redact(self.url), "error": repr(exc)},
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        log.info("nats connected", extra={"url": redact(self.url)})
        self._run_setup()

    def _run_setup(self) -> None:
        if self._on_connect is None:
            return
        self._setup = asyncio.create_task(self._setup_until_done(self._on_connect))

    async def _setup_until_done(self, setup: Callable[[], Awaitable[None]]) -> None:
        delay = 0.1
        while True:
            try:
                await setup()
                return
            except Exception as exc:  # JetStream may need a moment after a restart
                log.warning("nats setup failed, retrying", extra={"error": repr(exc)})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _reconnected(self) -> None:
        log.info("nats reconnected", extra={"url": redact(self.url)})
        self._run_setup()

    async def _disconnected(self) -> None:
        log.warning("nats disconnected", extra={"url": redact(self.url)})

    async def _error(self, exc: Exception) -> None:
        log.debug("nats error", extra={"error": repr(exc)})
