"""deploy/nats/hub.conf with node.conf: a real hub and a real node joined by the leaf connection.

The node's outbound stream is sourced into the hub's country stream through the leaf user's
permissions, the hub reaches the node on hub.>, and another country's account sees nothing.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nats
import polling
import pytest
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ExternalStream, StreamConfig, StreamSource
from typer.testing import CliRunner

from concordia.cli._leaftls import CLIENT_CERT, client_csr, ensure_leaf_tls, issue_client_cert
from concordia.cli._natsconf import Country, HubNats, hub_config
from concordia.cli.main import app
from concordia.events import broadcast_stream, ensure_streams, inbound_stream
from concordia.events.natsserver import find_binary, free_port

ROOT = Path(__file__).resolve().parents[2]
NATS = ROOT / "deploy" / "nats"
CODES = ("se", "pl", "de")
HUB_ENV = {"NATS_SERVER_NAME": "concordia-hub-nats-0"} | {
    f"NATS_{kind}_{code.upper()}_PASSWORD": f"{kind.lower()}{code}0a1b2c"
    for kind in ("LEAF", "HUB")
    for code in CODES
}
NODE_PASSWORDS = {"registry": "r1a2b3", "registry-shared": "r4c5d6", "ledger": "l1a2b3"}
COMPOSE = ROOT / "deploy" / "compose"
#: Where hub.conf and node.conf read their leaf TLS files (mounted read-only).
HUB_TLS_DIR, LEAF_TLS_DIR = "/etc/nats/tls", "/etc/nats/leaf-tls"


def nats_check(conf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``nats-server -c conf -t``."""
    return subprocess.run(
        [str(find_binary()), "-c", str(conf), "-t"],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


def test_hub_conf_is_valid_and_needs_every_password(tmp_path: Path) -> None:
    shutil.copy(NATS / "hub-accounts.conf", tmp_path / "hub-accounts.conf")
    conf = tmp_path / "hub.conf"
    conf.write_text(hub_text())
    result = nats_check(conf, HUB_ENV)
    assert result.returncode == 0, result.stderr
    for name in HUB_ENV:
        missing = {k: v for k, v in HUB_ENV.items() if k != name}
        result = nats_check(conf, missing)
        assert result.returncode != 0, f"nats-server started without {name}"


def test_the_leaf_listener_is_mutual_tls_only() -> None:
    """hub.conf, as `concordia hub init` writes it: TLS with the leaf CA, client verified."""
    text = (NATS / "hub.conf").read_text()
    block = text[text.index("\nleafnodes {") :]
    block = block[: block.index("\n}")]
    tls = re.search(r"^  tls \{\n(.*?)^  \}$", block, re.M | re.S)
    assert tls, "hub.conf's leaf listener is not TLS"
    written = dict(re.findall(r"^\s*(\w+): (.+)$", tls.group(1), re.M))
    hub = HubNats(4222, 8222, 7422, Path("/data"), "z3", leaf_tls=("c", "k"), leaf_client_ca="a")
    assert set(written) == set(hub_config(hub)["leafnodes"]["tls"]), written
    assert written["verify"] == "true"
    assert written["ca_file"] == f'"{HUB_TLS_DIR}/leaf-ca.pem"'


def test_every_country_has_an_account_with_its_two_users() -> None:
    text = (NATS / "hub-accounts.conf").read_text()
    accounts = re.findall(r"^([A-Z]{2}) \{", text, re.M)
    assert accounts == [c.upper() for c in CODES]
    for code in CODES:
        assert f"user: leaf-{code}" in text
        assert f"user: hub-{code}" in text
        # A country's leaf user may send in nothing of another country.
        leaf = text.split(f"user: leaf-{code}")[1].split("user: hub-")[0]
        assert f'"shared.{code}.>"' in leaf
        assert f'"$JS.{code}.API.CONSUMER.CREATE.SHARED_{code.upper()}"' in leaf
        for other in set(CODES) - {code}:
            assert f".{other}." not in leaf, (code, other)


def user_entry(text: str, name: str) -> str:
    """The text of one user's entry in hub-accounts.conf (up to the next user or account)."""
    start = text.index(f"user: {name}\n")
    end = min(i for i in (text.find("user: ", start + 1), len(text)) if i > 0)
    return text[start:end]


def allowed(entry: str, key: str) -> list[str]:
    """The subjects (or connection types) one entry lists under ``key``."""
    match = re.search(rf"{key}: (?:\{{ allow: )?(\[.*?\])", entry, re.S)
    assert match, (key, entry)
    return list(json.loads(match.group(1)))


def test_accounts_agree_with_the_generator(tmp_path: Path) -> None:
    """hub-accounts.conf gives every user exactly what `concordia hub add-node` would."""
    text = (NATS / "hub-accounts.conf").read_text()
    countries = tuple(Country(c, c, leaf_password="x1", service_password="y2") for c in CODES)
    generated = hub_config(HubNats(4222, 8222, 7422, tmp_path, "z3", countries))["accounts"]
    assert set(generated) - {"SYS"} == set(re.findall(r"^([A-Z]{2}) \{", text, re.M))
    for code in CODES:
        account = text[text.index(f"\n{code.upper()} {{") :]
        limits = re.search(r"^  jetstream: \{ (.*) \}$", account, re.M)
        assert limits is not None, code
        pairs = dict(item.split(": ") for item in limits.group(1).split(", "))
        assert {k: int(v) for k, v in pairs.items()} == generated[code.upper()]["jetstream"]
        for user in generated[code.upper()]["users"]:
            entry = user_entry(account, user["user"])
            kind = user["user"].split("-")[0].upper()
            assert f"password: $NATS_{kind}_{code.upper()}_PASSWORD\n" in entry
            types = allowed(entry, "allowed_connection_types")
            assert types == user["allowed_connection_types"], user["user"]
            for direction in ("publish", "subscribe"):
                wanted = user["permissions"][direction]["allow"]
                assert allowed(entry, direction) == wanted, (user["user"], direction)


@dataclass
class Server:
    """A running nats-server on free ports."""

    process: subprocess.Popen[bytes]
    port: int
    monitor: int
    leaf: int = 0
    log: Path | None = None


def start(conf_text: str, name: str, tmp: Path, env: dict[str, str], leaf: bool) -> Server:
    """Render a config onto free ports and a temporary store, and start it."""
    server = Server(process=None, port=free_port(), monitor=free_port())  # type: ignore[arg-type]
    text = re.sub(r"^port: 4222$", f"port: {server.port}", conf_text, flags=re.M)
    text = re.sub(r"^http_port: 8222$", f"http_port: {server.monitor}", text, flags=re.M)
    text = text.replace('store_dir: "/data"', f'store_dir: "{tmp / name}"')
    if leaf:
        server.leaf = free_port()
        text = text.replace("  port: 7422", f"  port: {server.leaf}")
    conf = tmp / f"{name}.conf"
    conf.write_text(text)
    server.log = tmp / f"{name}.log"
    log = server.log.open("w")
    server.process = subprocess.Popen([str(find_binary()), "-c", str(conf)], env=env,
                                      stdout=log, stderr=log)  # fmt: skip
    deadline = time.monotonic() + 15
    while True:
        try:
            url = f"http://127.0.0.1:{server.monitor}/healthz?js-enabled-only=true"
            with urllib.request.urlopen(url, timeout=1):
                return server
        except OSError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / f"{name}.log").read_text()) from None
            time.sleep(0.1)


#: The leaf TLS files as compose mounts them: the hub's (listener and CA) and each node's.
HUB_TLS = (f'"{HUB_TLS_DIR}/', f'"{COMPOSE / "hub" / "tls"}/')


def node_tls(code: str, directory: Path | None = None) -> tuple[str, str]:
    """node.conf's leaf TLS directory replaced by ``directory`` (default: node's compose copy)."""
    return f'"{LEAF_TLS_DIR}/', f'"{directory or COMPOSE / code / "leaf-tls"}/'


def hub_text() -> str:
    """hub.conf reading its TLS files from the development copies, as compose mounts them."""
    return (NATS / "hub.conf").read_text().replace(*HUB_TLS)


def node_env(code: str, hub: Server) -> dict[str, str]:
    """The environment of node ``code``'s nats-server joining ``hub``."""
    return {
        "NATS_SERVER_NAME": f"concordia-{code}-nats-0",
        "NATS_DOMAIN": code,
        "NATS_REGISTRY_PASSWORD": NODE_PASSWORDS["registry"],
        "NATS_REGISTRY_SHARED_PASSWORD": NODE_PASSWORDS["registry-shared"],
        "NATS_LEDGER_PASSWORD": NODE_PASSWORDS["ledger"],
        "NATS_LEDGER_SHARED_PASSWORD": "l4c5d6",
        "NATS_EXCHANGE_PASSWORD": "x7e8c9",
        "NATS_EXCHANGE_SHARED_PASSWORD": "x4e5c6",
        "NATS_EVALUATION_PASSWORD": "x7v8c9",
        "NATS_EVALUATION_SHARED_PASSWORD": "x4v5c6",
        "NATS_HUB_LEAF_URL": f"nats://leaf-{code}:{HUB_ENV[f'NATS_LEAF_{code.upper()}_PASSWORD']}"
        f"@127.0.0.1:{hub.leaf}",
    }


def leaf_accounts(hub: Server) -> list[str]:
    """The accounts of the leaf connections the hub has now."""
    with urllib.request.urlopen(f"http://127.0.0.1:{hub.monitor}/leafz", timeout=2) as answer:
        return sorted(leaf["account"] for leaf in json.loads(answer.read()).get("leafs") or [])


@pytest.fixture(scope="module")
def coalition(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """The hub and node se, joined by se's leaf connection (mutual TLS, compose's files)."""
    tmp = tmp_path_factory.mktemp("coalition")
    shutil.copy(NATS / "hub-accounts.conf", tmp / "hub-accounts.conf")
    hub = start(hub_text(), "hub", tmp, HUB_ENV, leaf=True)
    node_text = (NATS / "node.conf").read_text().replace(*node_tls("se"))
    node = start(node_text, "node-se", tmp, node_env("se", hub), leaf=False)
    try:
        deadline = time.monotonic() + 15
        while leaf_accounts(hub) != ["SE"]:
            assert time.monotonic() < deadline, (tmp / "hub.log").read_text()
            time.sleep(0.2)
        yield hub, node
    finally:
        for server in (node, hub):
            server.process.terminate()
            server.process.wait(timeout=10)


async def test_hub_sources_the_node_outbound_stream_and_reaches_the_node(
    coalition: tuple[Server, Server],
) -> None:
    hub, node = coalition
    shared = await nats.connect(
        f"nats://registry-shared:{NODE_PASSWORDS['registry-shared']}@127.0.0.1:{node.port}"
    )
    hub_se = await nats.connect(
        f"nats://hub-se:{HUB_ENV['NATS_HUB_SE_PASSWORD']}@127.0.0.1:{hub.port}"
    )
    hub_pl = await nats.connect(
        f"nats://hub-pl:{HUB_ENV['NATS_HUB_PL_PASSWORD']}@127.0.0.1:{hub.port}"
    )
    try:
        node_js = shared.jetstream(timeout=5)
        await node_js.add_stream(
            StreamConfig(name="SHARED_SE", subjects=["shared.se.>"], max_msgs_per_subject=1)
        )
        await node_js.publish("shared.se.registry.aggregate.persons.2026.v1", b'{"n": 1}')
        hub_js = hub_se.jetstream(timeout=5)
        source = StreamSource(name="SHARED_SE", external=ExternalStream(api="$JS.se.API"))
        await hub_js.add_stream(StreamConfig(name="NODE_SE", sources=[source]))
        deadline = time.monotonic() + 20
        while (await hub_js.stream_info("NODE_SE")).state.messages < 1:
            assert time.monotonic() < deadline, "the hub never sourced the node's stream"
            await asyncio.sleep(0.2)
        msg = await hub_js.get_last_msg("NODE_SE", "shared.se.registry.aggregate.persons.2026.v1")
        assert msg.data == b'{"n": 1}'

        # hub.> reaches the node's COALITION users.
        sub = await shared.subscribe("hub.charter")
        await shared.flush()

        async def charter_arrives() -> bool:
            # Interest crosses the leaf connection a moment after the subscription.
            await hub_se.publish("hub.charter", b"charter v1")
            try:
                return (await sub.next_msg(timeout=0.3)).data == b"charter v1"
            except NatsTimeoutError:
                return False

        await polling.eventually(charter_arrives, within=10, what="hub.charter at the node")

        # Another country's account sees none of it, and hub-pl may not even ask for NODE_SE.
        assert (await hub_pl.jetstream(timeout=5).account_info()).streams == 0
        assert (await hub_js.account_info()).streams == 1  # NODE_SE
        with pytest.raises(NatsTimeoutError):
            await hub_pl.jetstream(timeout=1).stream_info("NODE_SE")

        # The other way: the node's exchange sources what the hub keeps for it.
        await ensure_streams(hub_js, [broadcast_stream("se")])
        await hub_js.publish("hub.broadcast.pl.exchange.practice.0a0b.r1", b"kept at the hub")
        exchange = await nats.connect(f"nats://exchange-shared:x4e5c6@127.0.0.1:{node.port}")
        try:
            exchange_js = exchange.jetstream(timeout=5)
            await ensure_streams(exchange_js, [inbound_stream("se")])

            async def sourced() -> bool:
                return (await exchange_js.stream_info("INBOUND_SE")).state.messages == 1

            await polling.eventually(sourced, within=20, what="INBOUND_SE sourcing the hub")
        finally:
            await exchange.close()
    finally:
        for client in (shared, hub_se, hub_pl):
            await client.close()


@pytest.mark.parametrize("client", ["no certificate", "another CA's certificate"])
def test_the_hub_refuses_a_leaf_without_a_client_certificate_of_its_ca(
    coalition: tuple[Server, Server], tmp_path: Path, client: str
) -> None:
    """Node pl with the right password and the hub's CA, but without a client certificate of
    the hub's CA: refused at the TLS handshake; the same node with its own certificate joins."""
    hub, _ = coalition
    own = COMPOSE / "pl" / "leaf-tls"
    wrong = tmp_path / "leaf-tls"
    wrong.mkdir()
    shutil.copy(own / "hub-ca.pem", wrong / "hub-ca.pem")
    text = (NATS / "node.conf").read_text()
    if client == "no certificate":
        text = re.sub(r"^\s*(cert_file|key_file): .*\n", "", text, flags=re.M)
        assert "cert_file" not in text
    else:
        other = tmp_path / "other-hub"
        ensure_leaf_tls(other, ["localhost"])
        issued = issue_client_cert(other, "pl", client_csr(wrong, "pl"))
        shutil.copy(issued, wrong / CLIENT_CERT)
    refused = start(
        text.replace(*node_tls("pl", wrong)), "node-pl-refused", tmp_path, node_env("pl", hub),
        leaf=False,
    )  # fmt: skip
    try:
        assert hub.log is not None
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            assert leaf_accounts(hub) == ["SE"], "the hub admitted pl's leaf"
            time.sleep(0.2)
        assert "certificate" in hub.log.read_text().lower(), hub.log.read_text()[-2000:]
    finally:
        refused.process.terminate()
        refused.process.wait(timeout=10)
    # The control: the same node with its own certificate joins.
    full = (NATS / "node.conf").read_text().replace(*node_tls("pl"))
    joined = start(full, "node-pl", tmp_path, node_env("pl", hub), leaf=False)
    try:
        deadline = time.monotonic() + 15
        while leaf_accounts(hub) != ["PL", "SE"]:
            assert time.monotonic() < deadline, "pl with its certificate never joined"
            time.sleep(0.2)
    finally:
        joined.process.terminate()
        joined.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while leaf_accounts(hub) != ["SE"] and time.monotonic() < deadline:
            time.sleep(0.2)


def test_what_the_cli_makes_fills_the_deploy_secrets_file_for_file(tmp_path: Path) -> None:
    """The operator's way, into the deploy configs: `hub init` makes the hub's files
    (hub-nats-tls), `node init --hub-ca`, `hub add-node` and `node install-leaf-cert` the
    node's (nats-leaf-tls), under the names the configs read; deploy/nats/node.conf with them
    joins deploy/nats/hub.conf with the hub's (the same verify rules as the generated configs)."""
    runner = CliRunner()
    hub_dir, se = tmp_path / "hub", tmp_path / "se"
    made = runner.invoke(app, ["hub", "init", "--dir", str(hub_dir)])
    assert made.exit_code == 0, made.output
    url = "nats-leaf://127.0.0.1:7422"  # the deploy takes NATS_HUB_LEAF_URL from its Secret
    made = runner.invoke(app, ["node", "init", "--code", "se", "--name", "Testland", "--dir",
                               str(se), "--hub-leaf-url", url, "--hub-ca",
                               str(hub_dir / "leaf-ca.pem")])  # fmt: skip
    assert made.exit_code == 0, made.output
    made = runner.invoke(app, ["hub", "add-node", str(se / "hub-join.json"), "--dir", str(hub_dir)])
    assert made.exit_code == 0, made.output
    issued = hub_dir / "issued" / f"se-{CLIENT_CERT}"
    made = runner.invoke(app, ["node", "install-leaf-cert", str(issued), "--dir", str(se)])
    assert made.exit_code == 0, made.output
    # The Secrets, file for file (deploy/README.md, "Node identity and mutual TLS").
    hub_secret, node_secret = tmp_path / "hub-nats-tls", tmp_path / "nats-leaf-tls"
    hub_secret.mkdir()
    node_secret.mkdir()
    for source, name in ((hub_dir / "tls" / "leaf.pem", "leaf.pem"),
                         (hub_dir / "tls" / "leaf-key.pem", "leaf-key.pem"),
                         (hub_dir / "leaf-ca.pem", "leaf-ca.pem")):  # fmt: skip
        shutil.copy(source, hub_secret / name)
    for name in ("hub-ca.pem", CLIENT_CERT, "leaf-client-key.pem"):
        shutil.copy(se / name, node_secret / name)
    shutil.copy(NATS / "hub-accounts.conf", tmp_path / "hub-accounts.conf")
    password = json.loads((se / "hub-join.json").read_text())["leaf_password"]
    env = HUB_ENV | {"NATS_LEAF_SE_PASSWORD": password}
    hub_conf = (NATS / "hub.conf").read_text().replace(f'"{HUB_TLS_DIR}/', f'"{hub_secret}/')
    hub = start(hub_conf, "hub", tmp_path, env, leaf=True)
    node_conf = (NATS / "node.conf").read_text().replace(*node_tls("se", node_secret))
    node_environment = node_env("se", hub) | {
        "NATS_HUB_LEAF_URL": f"nats://leaf-se:{password}@127.0.0.1:{hub.leaf}"
    }
    node = start(node_conf, "node-se", tmp_path, node_environment, leaf=False)
    try:
        deadline = time.monotonic() + 15
        while leaf_accounts(hub) != ["SE"]:
            assert hub.log is not None
            assert time.monotonic() < deadline, hub.log.read_text()[-2000:]
            time.sleep(0.2)
    finally:
        for server in (node, hub):
            server.process.terminate()
            server.process.wait(timeout=10)
