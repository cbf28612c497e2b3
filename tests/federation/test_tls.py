"""The leaf connection is mutual TLS: the hub's listener takes nothing else, a node given the
hub's CA and a client certificate the hub issued connects and its messages are sourced; a node
without the CA, or without a client certificate, never connects (real servers)."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from federation_support import Coalition, make_coalition, stream_holds

from concordia.events import country_stream, ensure_streams, shared_stream


@pytest.fixture
def mixed(tmp_path: Path) -> Iterator[Coalition]:
    """Hub, SE given the hub's CA and its client certificate, PL configured plain (no CA,
    ``nats-leaf://``), DE given the CA but no client certificate."""
    c = make_coalition(tmp_path, ("se", "pl", "de"), plain=("pl",), uncertified=("de",))
    c.hub.start()
    for broker in c.brokers.values():
        broker.start()
    try:
        yield c
    finally:
        for broker in [*c.brokers.values(), c.hub]:
            broker.stop()


def leaf_port(c: Coalition) -> int:
    """The hub's leaf port, from its ``hub.json``."""
    return int(json.loads((c.root / "hub" / "hub.json").read_text())["leaf_port"])


def handshake(port: int, ca: Path | None, client: Path | None = None) -> ssl.SSLSocket:
    """Read the listener's plain INFO, then a TLS handshake verifying 127.0.0.1 against ``ca``,
    presenting the client certificate of node directory ``client`` if given."""
    context = ssl.create_default_context(cafile=str(ca) if ca else None)
    if client is not None:
        context.load_cert_chain(client / "leaf-client.pem", client / "leaf-client-key.pem")
    raw = socket.create_connection(("127.0.0.1", port), timeout=3)
    info = raw.recv(4096).decode()
    assert info.startswith("INFO "), info
    assert json.loads(info[5:])["tls_required"] is True, info
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def test_the_leaf_listener_requires_tls_with_a_certificate_of_the_hub_ca(
    mixed: Coalition,
) -> None:
    assert mixed.hub.monitor("varz")["leaf"]["tls_required"] is True
    ca = mixed.root / "hub" / "leaf-ca.pem"
    with handshake(leaf_port(mixed), ca, mixed.root / "se") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        tls.settimeout(1)
        with pytest.raises(TimeoutError):  # the hub keeps the connection: certificate taken
            tls.recv(1)
    # Without a client certificate the hub ends the handshake (TLS 1.3: seen at the first read).
    with handshake(leaf_port(mixed), ca) as tls:
        tls.settimeout(3)
        with pytest.raises(ssl.SSLError, match="CERTIFICATE"):
            tls.recv(1)
    with pytest.raises(ssl.SSLCertVerificationError):  # not a publicly trusted certificate
        handshake(leaf_port(mixed), None)
    node_conf = (mixed.root / "se" / "nats.conf").read_text()
    assert json.dumps(str(mixed.root / "se" / "hub-ca.pem")) in node_conf
    assert json.dumps(str(mixed.root / "se" / "leaf-client.pem")) in node_conf
    hub_conf = (mixed.root / "hub" / "nats.conf").read_text()
    assert '"verify": true' in hub_conf


async def test_a_tls_node_is_sourced_and_a_plain_node_never_connects(mixed: Coalition) -> None:
    (leaf,) = mixed.wait_leafs(1)
    assert leaf["account"] == "SE"
    nc = await mixed.connect(mixed.node_url("se", "registry-shared"))
    js = nc.jetstream(timeout=3)
    await ensure_streams(js, [shared_stream("se")])
    await js.publish("shared.se.registry.aggregate.persons.2026Q1.v1", b'{"tls": 1}')
    hub = await mixed.connect(mixed.hub_url("se"))
    hjs = hub.jetstream(timeout=3)
    await ensure_streams(hjs, [country_stream("se")])
    assert await stream_holds(hjs, "NODE_SE", 1) == 1

    log = mixed.nodes["pl"].root / "nats-server.log"
    deadline = time.monotonic() + 10
    while "TLS leafnode handshake error" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        await asyncio.sleep(0.1)
    assert "certificate signed by unknown authority" in log.read_text()

    # DE verifies the hub, but has no client certificate: the hub refuses its leaf.
    hub_log = mixed.root / "hub" / "nats-server.log"
    deadline = time.monotonic() + 10
    while "client didn't provide a certificate" not in hub_log.read_text():
        assert time.monotonic() < deadline, hub_log.read_text()[-2000:]
        await asyncio.sleep(0.1)
    assert [x["account"] for x in mixed.leafs()] == ["SE"]  # PL and DE are still not connected
    for client in mixed.clients:
        await client.close()
