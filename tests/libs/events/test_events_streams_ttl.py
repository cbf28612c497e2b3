"""PSI messages age out of the node's outbound stream and of the hub's copy (``Nats-TTL``)."""

from __future__ import annotations

import asyncio

import nats
from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from concordia.events import (
    Envelope,
    NatsServer,
    PsiResult,
    StreamSpec,
    country_stream,
    ensure_streams,
    shared_stream,
)


async def _has(js: JetStreamContext, stream: str, subject: str) -> bool:
    try:
        await js.get_last_msg(stream, subject)
    except NotFoundError:
        return False
    return True


async def test_a_message_sent_with_a_ttl_leaves_the_stream_and_its_sourced_copy(
    nats_server: NatsServer, node_code: str
) -> None:
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream(timeout=5)
    outbound = shared_stream(node_code)
    # The hub's copy as country_stream builds it, sourcing locally (no leaf domain here).
    hub_copy = country_stream(node_code)
    copy = StreamSpec(f"{hub_copy.name}_T", (), {**hub_copy.limits,
                      "sources": [api.StreamSource(name=outbound.name)]})  # fmt: skip
    await ensure_streams(js, [outbound, copy])
    assert outbound.limits["allow_msg_ttl"]
    assert hub_copy.limits["allow_msg_ttl"]

    brief = Envelope.wrap(PsiResult(run_id="ttl-run", role="server", outcome="declined",
                                    reason="set_too_small"), node=node_code)  # fmt: skip
    kept = Envelope.wrap(PsiResult(run_id="kept-run", role="server", outcome="declined",
                                   reason="set_too_small"), node=node_code)  # fmt: skip
    await js.publish(brief.subject, brief.to_bytes(), msg_ttl=1)
    await js.publish(kept.subject, kept.to_bytes())
    async with asyncio.timeout(10):
        while not await _has(js, copy.name, brief.subject):  # noqa: ASYNC110 - polling the server
            await asyncio.sleep(0.1)
    async with asyncio.timeout(10):  # a TTL of one second, expired by the server
        while await _has(js, outbound.name, brief.subject) or await _has(  # noqa: ASYNC110
            js, copy.name, brief.subject
        ):
            await asyncio.sleep(0.2)
    assert await _has(js, outbound.name, kept.subject)  # a message without a TTL stays
    assert await _has(js, copy.name, kept.subject)
    await nc.close()
