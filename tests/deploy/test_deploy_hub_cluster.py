"""deploy/k8s/hub/nats/hub-cluster.conf: three real nats-servers form the hub's cluster, and a
country stream keeps three JetStream replicas that survive the loss of one server."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from nats.js.api import StreamConfig

from concordia.cli._leaftls import ensure_leaf_tls
from concordia.events.natsserver import find_binary, free_port

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "k8s" / "hub" / "nats" / "hub-cluster.conf"
CODES = ("se", "pl", "de")
PASSWORDS = {
    f"NATS_{kind}_{code.upper()}_PASSWORD": f"{kind.lower()}{code}1a2b"
    for kind in ("LEAF", "HUB")
    for code in CODES
}
ENV = {"NATS_ROUTE_PASSWORD": "r0ute2c3d4", **PASSWORDS}


def self_signed(tmp: Path) -> None:
    """A throwaway certificate and CA for the leaf listener's TLS block (the hub init's own
    code)."""
    tls = ensure_leaf_tls(tmp / "leaf", ["leaf.hub.test"])
    shutil.copy(tls.key, tmp / "tls.key")
    shutil.copy(tls.cert, tmp / "tls.crt")
    shutil.copy(tls.ca_cert, tmp / "ca.crt")  # the CA of the nodes' client certificates


def render(tmp: Path, index: int, ports: list[dict[str, int]]) -> Path:
    """The config of pod hub-nats-<index>, its DNS names and ports mapped to this machine."""
    text = CONF.read_text()
    mine = ports[index]
    text = text.replace("port: 4222", f"port: {mine['client']}")
    text = text.replace("http_port: 8222", f"http_port: {mine['monitor']}")
    text = text.replace("  port: 6222", f"  port: {mine['route']}")
    text = text.replace("  port: 7422", f"  port: {mine['leaf']}")
    text = text.replace('store_dir: "/data"', f'store_dir: "{tmp / f"store-{index}"}"')
    text = text.replace("/etc/nats/tls/", f"{tmp}/")
    conf = tmp / f"hub-nats-{index}.conf"
    conf.write_text(text)
    return conf


def healthy(monitor: int) -> bool:
    """Whether the server answers /healthz with JetStream up."""
    try:
        url = f"http://127.0.0.1:{monitor}/healthz?js-enabled-only=true"
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[list[dict[str, int]], list[subprocess.Popen[bytes]]]]:
    """hub-nats-0..2 running the cluster config: their ports and processes."""
    tmp = tmp_path_factory.mktemp("hub-cluster")
    self_signed(tmp)
    shutil.copy(CONF.parent / "hub-accounts.conf", tmp / "hub-accounts.conf")
    names = ("client", "monitor", "route", "leaf")
    ports = [{name: free_port() for name in names} for _ in range(3)]
    processes = []
    for index in range(3):
        conf = render(tmp, index, ports)
        log = (tmp / f"hub-nats-{index}.log").open("w")
        env = {**ENV, "NATS_SERVER_NAME": f"hub-nats-{index}"} | {
            f"NATS_ROUTE_URL_{i}": f"nats-route://route:{ENV['NATS_ROUTE_PASSWORD']}"
            f"@127.0.0.1:{p['route']}"
            for i, p in enumerate(ports)
        }
        processes.append(subprocess.Popen([str(find_binary()), "-c", str(conf)], env=env,
                                          stdout=log, stderr=log))  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not all(healthy(p["monitor"]) for p in ports):
            assert time.monotonic() < deadline, (tmp / "hub-nats-0.log").read_text()
            time.sleep(0.2)
        yield ports, processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)


def test_cluster_config_is_valid() -> None:
    text = CONF.read_text()
    assert "cluster {" in text
    assert "routes: [$NATS_ROUTE_URL_0, $NATS_ROUTE_URL_1, $NATS_ROUTE_URL_2]" in text
    assert "domain: hub" in text
    assert "isolate_leafnode_interest: true" in text
    # Mutual TLS, as deploy/nats/hub.conf: a leaf without a client certificate of the CA is
    # refused (tests/deploy/test_deploy_hub_nats.py shows it with a real node).
    leaf = text[text.index("\nleafnodes {") :]
    leaf = leaf[: leaf.index("\n}")]
    assert re.search(r"^    verify: true$", leaf, re.M), "the hub cluster verifies no leaf"
    assert 'ca_file: "/etc/nats/tls/ca.crt"' in leaf


async def test_a_country_stream_keeps_three_replicas_and_survives_a_lost_server(
    cluster: tuple[list[dict[str, int]], list[subprocess.Popen[bytes]]],
) -> None:
    ports, processes = cluster
    servers = [f"nats://127.0.0.1:{p['client']}" for p in ports]
    nc = await nats.connect(
        servers=servers, user="hub-se", password=PASSWORDS["NATS_HUB_SE_PASSWORD"]
    )
    try:
        js = nc.jetstream(timeout=10)
        deadline = time.monotonic() + 30
        while True:  # the meta leader is elected once the routes are up
            try:  # NODE_SE: the one stream hub-se may create (here on hub.>, no node joins)
                await js.add_stream(
                    StreamConfig(name="NODE_SE", subjects=["hub.test.>"], num_replicas=3)
                )
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        for n in range(5):
            await js.publish(f"hub.test.{n}", b"x")
        info = await js.stream_info("NODE_SE")
        assert info.config.num_replicas == 3
        assert info.cluster is not None
        assert info.cluster.name == "concordia-hub"
        assert len(info.cluster.replicas or []) == 2  # the leader and two followers
        assert info.state.messages == 5

        processes[2].terminate()  # one server of three lost: the quorum of two goes on
        processes[2].wait(timeout=15)
        deadline = time.monotonic() + 30
        while True:
            try:
                await js.publish("hub.test.after", b"y")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        assert (await js.stream_info("NODE_SE")).state.messages == 6
    finally:
        await nc.close()
