"""The live funding feed over real HTTP: replay from Last-Event-ID, live delivery, keep-alives,
disconnects and shutdown.

httpx's ASGI transport buffers a whole response, so an endless stream needs a real server: the
ledger app (already in its lifespan) is served by uvicorn on a free port in the test's loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from ledger_support import Ledger, eventually, grant

from concordia.core.auth import TokenStore
from concordia.events.natsserver import free_port


@pytest.fixture
async def live(ledger: Ledger) -> AsyncIterator[tuple[str, uvicorn.Server]]:
    """The ledger served over HTTP by uvicorn; yields its base URL and the server."""
    port = free_port()
    config = uvicorn.Config(ledger.app, port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    server.capture_signals = _no_signals  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}", server
    server.should_exit = True
    ledger.app.state.concordia.extra.notifier.close()  # streams left open must not hold up the exit
    await asyncio.wait_for(task, 10)


class _NoSignals:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _no_signals() -> _NoSignals:
    return _NoSignals()


class Events:
    """Reads SSE events and comments from a streaming response."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.aiter_lines()
        self.comments: list[str] = []

    async def next(self, seconds: float = 10) -> dict[str, Any]:
        """The next event (id, event, data as JSON); comments are collected on the way."""
        event: dict[str, Any] = {}
        async with asyncio.timeout(seconds):
            async for line in self.lines:
                if line.startswith(":"):
                    self.comments.append(line)
                elif line == "":
                    if "data" in event:
                        return event
                    event = {}
                else:
                    field, _, value = line.partition(": ")
                    event[field] = orjson.loads(value) if field == "data" else value
        raise AssertionError("the stream ended")

    async def comment(self, seconds: float = 5) -> str:
        """The next comment line (a keep-alive)."""
        async with asyncio.timeout(seconds):
            async for line in self.lines:
                if line.startswith(":"):
                    return line
        raise AssertionError("the stream ended")


async def _new_grant(ledger: Ledger, funded: dict[str, Any], n: int, **extra: Any) -> Any:
    response = await ledger.client.post(
        "/v1/grants", json=grant(funded["donor"]["id"], funded["recipient"], n, **extra),
        headers=ledger.rw,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()


async def test_replay_then_live(
    ledger: Ledger, funded: dict[str, Any], live: tuple[str, uvicorn.Server]
) -> None:
    base, server = live
    ledger.app.state.concordia.extra.feed_keepalive = 0.3
    second = await _new_grant(ledger, funded, 2)
    third = await _new_grant(ledger, funded, 3)
    await _new_grant(ledger, funded, 4, visibility="restricted")
    headers = {**ledger.feed, "Last-Event-ID": str(funded["grant"]["feed_seq"])}
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as client,
        client.stream("GET", "/v1/feed/grants/stream", headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = Events(response)
        replayed = [await events.next(), await events.next()]
        assert [e["data"]["id"] for e in replayed] == [second["id"], third["id"]]
        assert [int(e["id"]) for e in replayed] == [second["feed_seq"], third["feed_seq"]]
        assert replayed[0]["event"] == "grant"
        assert replayed[0]["data"]["recipient"]["identifier"] == "SE-ON-8020000001"

        # Live: a restricted grant never comes; a grant to a person comes as "individual".
        await _new_grant(ledger, funded, 5, visibility="restricted")
        person = {"type": "person", "id": str(await ledger.announce_person())}
        fifth = await ledger.client.post(
            "/v1/grants", json=grant(funded["donor"]["id"], person, 6), headers=ledger.rw
        )
        live_event = await events.next(seconds=5)
        assert live_event["data"]["id"] == fifth.json()["id"]
        assert live_event["data"]["recipient"] == {"type": "individual"}
        # A change of an earlier grant (a transaction) comes again, at its new position.
        tx = {"type": 2, "amount": "10.00", "currency": "EUR", "value_date": "2026-01-02"}
        await ledger.client.post(
            f"/v1/grants/{second['id']}/transactions", json=tx, headers=ledger.rw
        )
        changed = await events.next(seconds=5)
        assert changed["data"]["id"] == second["id"]
        assert changed["data"]["transactions"][0]["amount"] == "10.00"
        assert int(changed["id"]) > int(live_event["id"])
        assert await events.comment(seconds=3) == ": keep-alive"
        last_id = changed["id"]

    # Disconnected: the server lets go of the stream.
    async def released() -> bool:
        return not server.server_state.connections

    await eventually(released, seconds=10)

    # Resume after the last event seen: nothing is repeated, the next change arrives.
    headers = {**ledger.feed, "Last-Event-ID": last_id}
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as client,
        client.stream("GET", "/v1/feed/grants/stream", headers=headers) as response,
    ):
        events = Events(response)
        seventh = await _new_grant(ledger, funded, 7)
        assert (await events.next(seconds=5))["data"]["id"] == seventh["id"]


async def test_without_last_event_id_only_new_changes(
    ledger: Ledger, funded: dict[str, Any], live: tuple[str, uvicorn.Server]
) -> None:
    base, _ = live
    # No polling to speak of: the ledger's own event on the broker wakes the stream.
    ledger.app.state.concordia.extra.feed_poll = 60
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as client,
        client.stream("GET", "/v1/feed/grants/stream", headers=ledger.feed) as response,
    ):
        events = Events(response)
        await asyncio.sleep(0.2)  # the stream has taken its starting point
        fresh = await _new_grant(ledger, funded, 2)
        started = asyncio.get_running_loop().time()
        assert (await events.next(seconds=5))["data"]["id"] == fresh["id"]
        assert asyncio.get_running_loop().time() - started < 5


async def test_shutdown_ends_open_streams(
    ledger: Ledger, funded: dict[str, Any], live: tuple[str, uvicorn.Server]
) -> None:
    base, _ = live
    headers = {**ledger.feed, "Last-Event-ID": "0"}
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as client,
        client.stream("GET", "/v1/feed/grants/stream", headers=headers) as response,
    ):
        events = Events(response)
        assert (await events.next())["data"]["id"] == funded["grant"]["id"]
        ledger.app.state.concordia.extra.notifier.close()  # what the lifespan and uvicorn's exit do
        async with asyncio.timeout(5):
            rest = [line async for line in events.lines]
        assert all(line == "" or line.startswith(":") for line in rest)


async def test_stream_input(ledger: Ledger) -> None:
    bad = await ledger.client.get(
        "/v1/feed/grants/stream", headers={**ledger.feed, "Last-Event-ID": "abc"}
    )
    assert bad.status_code == 422
    assert (await ledger.client.get("/v1/feed/grants/stream")).status_code == 401


async def test_a_revoked_token_loses_its_stream(
    ledger: Ledger, funded: dict[str, Any], live: tuple[str, uvicorn.Server]
) -> None:
    base, _ = live
    ledger.app.state.concordia.extra.feed_poll = 0.2
    store = TokenStore(ledger.settings.tokens_file)
    token = store.create("test-portal-to-revoke", {"feed:read"})
    headers = {"Authorization": f"Bearer {token}", "Last-Event-ID": "0"}
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as client,
        client.stream("GET", "/v1/feed/grants/stream", headers=headers) as response,
    ):
        events = Events(response)
        assert (await events.next())["data"]["id"] == funded["grant"]["id"]
        assert store.revoke(token.split("_")[1])
        await _new_grant(ledger, funded, 2)  # never reaches the revoked portal
        async with asyncio.timeout(5):
            rest = [line async for line in events.lines]
        assert all(line == "" or line.startswith(":") for line in rest)


async def test_streams_end_after_their_lifetime_and_are_bounded_per_token(
    ledger: Ledger, funded: dict[str, Any], live: tuple[str, uvicorn.Server]
) -> None:
    base, _ = live
    extra = ledger.app.state.concordia.extra
    extra.feed_poll, extra.feed_stream_seconds, extra.feed_streams_per_token = 0.1, 1.0, 2
    headers = {**ledger.feed, "Last-Event-ID": "0"}
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        async with (
            client.stream("GET", "/v1/feed/grants/stream", headers=headers) as first,
            client.stream("GET", "/v1/feed/grants/stream", headers=headers) as second,
        ):
            assert (first.status_code, second.status_code) == (200, 200)
            third = await client.get("/v1/feed/grants/stream", headers=headers)
            assert third.status_code == 429
            assert third.headers["Retry-After"]
            # Another token has streams of its own.
            other = await client.get(
                "/v1/feed/grants/stream",
                headers={**ledger.coalition_feed, "Last-Event-ID": "0"},
                timeout=httpx.Timeout(10, read=5),
            )
            assert other.status_code == 200  # ended by the lifetime, so it returns at all
            started = asyncio.get_running_loop().time()
            async with asyncio.timeout(5):
                rest = [line async for line in first.aiter_lines()]
            assert asyncio.get_running_loop().time() - started < 3
            assert any(line.startswith("data: ") for line in rest)

        # Both streams ended: their slots are free again.
        async def freed() -> bool:
            return not extra.open_streams

        await eventually(freed, seconds=5)
