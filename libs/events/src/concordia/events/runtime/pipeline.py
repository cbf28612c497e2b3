"""Pipelined JetStream publishing with acknowledgements that always resolve.

Like ``JetStreamContext.publish_async``, but nats-py 2.16's version never resolves the future of
a publish the server rejects (its reply handler raises instead of setting the exception), so a
``wrong last sequence`` answer would look like a timeout. Here every reply resolves its future:
a ``PubAck``, an ``APIError`` carrying the server's ``err_code``, or ``NoStreamResponseError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import api
from nats.js.errors import APIError, NoStreamResponseError

Route = Client | Mapping[str, Client] | Callable[[str], Client]
"""Where a subject is published: one connection, a map of subject prefixes (whole tokens, e.g.
``"local"``, ``"shared.se"``; ``">"`` is the fallback) to connections, or a function."""

_STATUS = "Status"
#: Entries of the futures map before a sweep of those that will never get a reply.
_SWEEP_MIN = 4096
_NO_RESPONDERS = "503"


class AckPipeline:
    """Publishes on one connection; each publish returns a future for the stream's ack.

    Example::

        pipe = AckPipeline(nc)
        futures = [await pipe.publish(s, payload, headers) for s, payload, headers in rows]
        acks = await asyncio.gather(*futures, return_exceptions=True)
    """

    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self._prefix = ""
        self._sub: Subscription | None = None
        self._counter = itertools.count()
        self._futures: dict[str, asyncio.Future[api.PubAck]] = {}
        self._sweep_at = _SWEEP_MIN

    async def publish(
        self, subject: str, payload: bytes, headers: Mapping[str, str] | None = None
    ) -> asyncio.Future[api.PubAck]:
        """Send one message (in call order) and return the future of its ack."""
        if self._sub is None:
            self._prefix = self.nc.new_inbox()
            self._sub = await self.nc.subscribe(f"{self._prefix}.*", cb=self._on_reply)
        token = str(next(self._counter))
        future: asyncio.Future[api.PubAck] = asyncio.get_running_loop().create_future()
        # A reply takes its future out. Futures that never get one (cancelled by a caller
        # that timed out) are swept out as the map grows: cheaper than a done-callback per
        # message, which the event loop schedules and runs once each.
        if len(self._futures) >= self._sweep_at:
            self._futures = {t: f for t, f in self._futures.items() if not f.done()}
            self._sweep_at = max(_SWEEP_MIN, 2 * len(self._futures))
        self._futures[token] = future
        try:
            await self.nc.publish(
                subject, payload, reply=f"{self._prefix}.{token}", headers=dict(headers or {})
            )
        except BaseException:
            future.cancel()
            raise
        return future

    @property
    def in_flight(self) -> int:
        """Publishes still waiting for their ack."""
        return sum(not future.done() for future in self._futures.values())

    async def close(self) -> None:
        """Cancel what is in flight and drop the reply subscription."""
        for future in list(self._futures.values()):
            future.cancel()
        if self._sub is not None and not self.nc.is_closed:
            with contextlib.suppress(Exception):  # the connection is going away anyway
                await self._sub.unsubscribe()
        self._sub = None

    async def _on_reply(self, msg: Msg) -> None:
        token = msg.subject.rsplit(".", 1)[-1]
        future = self._futures.pop(token, None)
        if future is None or future.done():
            return
        if msg.headers and msg.headers.get(_STATUS) == _NO_RESPONDERS:
            future.set_exception(NoStreamResponseError())
            return
        try:
            resp = orjson.loads(msg.data)
        except orjson.JSONDecodeError:
            future.set_exception(APIError(description=f"unreadable ack: {msg.data[:200]!r}"))
            return
        error = resp.get("error") if isinstance(resp, dict) else None
        if error is not None:
            future.set_exception(
                APIError(
                    code=error.get("code"),
                    err_code=error.get("err_code"),
                    description=error.get("description"),
                )
            )
            return
        future.set_result(_pub_ack(resp))


#: The fields of a ``PubAck`` (the installed nats-py's), for building one straight from an ack.
_PUB_ACK_FIELDS = frozenset(field.name for field in dataclasses.fields(api.PubAck))


def _pub_ack(resp: dict[str, Any]) -> api.PubAck:
    """The ``PubAck`` of an ack: ``PubAck.from_response`` scans the dataclass's fields per call,
    a twentieth of a relay's CPU; an ack holding only known fields (the usual ``stream``,
    ``seq``, ``duplicate``) is built directly, anything else as nats-py does."""
    if resp.keys() <= _PUB_ACK_FIELDS:
        return api.PubAck(**resp)
    return api.PubAck.from_response(resp)


def router(route: Route) -> Callable[[str], Client]:
    """A function giving the connection for a subject."""
    if isinstance(route, Client):
        client = route
        return lambda _subject: client
    if isinstance(route, Mapping):
        table: dict[str, Client] = {k.rstrip(".>") or ">": v for k, v in route.items()}

        def by_prefix(subject: str) -> Client:
            tokens = subject.split(".")
            for size in range(len(tokens), 0, -1):
                found = table.get(".".join(tokens[:size]))
                if found is not None:
                    return found
            if ">" in table:
                return table[">"]
            raise LookupError(f"no NATS connection routes subject {subject}")

        return by_prefix
    return route
