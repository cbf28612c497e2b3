"""The nats-server helper: start, stop, kill, restart with the data, domains, extra config."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path

import pytest

from concordia.events import NatsServer, NatsServerError, connect, ensure_stream


async def test_restart_keeps_port_and_jetstream_data(tmp_path: Path) -> None:
    server = NatsServer(store_dir=tmp_path / "nats")
    with server:
        port = server.port
        nc, js = await connect(server.url, name="helper-test")
        try:
            await ensure_stream(js, "KEEP", ["keep.>"])
            await js.publish("keep.a", b"1", headers={"Nats-Msg-Id": "a"})

            await asyncio.to_thread(server.restart)
            assert server.port == port
            assert server.running
            await js.publish("keep.a", b"2", headers={"Nats-Msg-Id": "b"})  # reconnected

            await asyncio.to_thread(server.kill)  # a crash
            assert not server.running
            await asyncio.to_thread(server.start)
            info = await js.stream_info("KEEP")
            assert info.state.messages == 2
        finally:
            await nc.close()
        assert server.log_file.exists()
    assert not server.running


async def test_async_context_domain_and_extra_config(tmp_path: Path) -> None:
    included = tmp_path / "limits.conf"
    included.write_text("max_connections: 123\n")
    async with NatsServer(domain="se", config="max_payload: 65536", config_file=included) as server:
        nc, js = await connect(server.url, name="helper-test", domain="se")
        try:
            assert nc.max_payload == 65536
            await ensure_stream(js, "DOM", ["dom.>"])
            ack = await js.publish("dom.x", b"x")
            assert ack.domain == "se"
        finally:
            await nc.close()
        varz = await asyncio.to_thread(_get_json, f"{server.monitor_url}/varz")
        assert varz["max_connections"] == 123
    assert not server.running


def _get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=2) as resp:
        return dict(json.load(resp))


def test_a_bad_configuration_fails_loudly(tmp_path: Path) -> None:
    server = NatsServer(store_dir=tmp_path / "bad", config="this is { not valid")
    with pytest.raises(NatsServerError, match="exited"):
        server.start()
    assert not server.running
