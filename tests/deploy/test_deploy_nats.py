"""deploy/nats/node.conf: valid for the real nats-server, and its accounts do what they must."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import NotFoundError

from concordia.cli._natsconf import NodeNats, NodePasswords, leaf_remote, node_config
from concordia.events import ensure_stream, ensure_streams, local_stream, shared_stream
from concordia.events.natsserver import find_binary, free_port

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nats" / "node.conf"
NODE = "se"
PASSWORDS = {
    "registry": "a1b2c3d4e5f6",
    "registry-shared": "f6e5d4c3b2a1",
    "ledger": "b1c2d3e4f5a6",
    "ledger-shared": "a6f5e4d3c2b1",
    "exchange": "d4e5f6a1b2c3",
    "exchange-shared": "c3b2a1f6e5d4",
    "evaluation": "e5f6a1b2c3d4",
    "evaluation-shared": "d4c3b2a1f6e5",
}
ENV = {
    "NATS_SERVER_NAME": "concordia-se-nats-0",
    "NATS_DOMAIN": NODE,
    "NATS_REGISTRY_PASSWORD": PASSWORDS["registry"],
    "NATS_REGISTRY_SHARED_PASSWORD": PASSWORDS["registry-shared"],
    "NATS_LEDGER_PASSWORD": PASSWORDS["ledger"],
    "NATS_LEDGER_SHARED_PASSWORD": PASSWORDS["ledger-shared"],
    "NATS_EXCHANGE_PASSWORD": PASSWORDS["exchange"],
    "NATS_EXCHANGE_SHARED_PASSWORD": PASSWORDS["exchange-shared"],
    "NATS_EVALUATION_PASSWORD": PASSWORDS["evaluation"],
    "NATS_EVALUATION_SHARED_PASSWORD": PASSWORDS["evaluation-shared"],
    # No hub listens here: the leaf remote keeps retrying in the background, which is what a
    # node does while the hub is down.
    "NATS_HUB_LEAF_URL": "nats://leaf-se:0a1b2c3d@127.0.0.1:9",
}
# docs/federation.md: what the node's leaf remote must refuse from the hub ($JS.<domain>.API).
DENIED_JS_API = ["STREAM", "DIRECT", "ACCOUNT", "META", "SERVER", "CONSUMER.DELETE"]


#: Where node.conf reads the leaf connection's TLS files (the nats-leaf-tls Secret, mounted).
LEAF_TLS_DIR = "/etc/nats/leaf-tls"
#: The development copies of those files (docker-compose.yml mounts them for node se).
DEV_LEAF_TLS = ROOT / "deploy" / "compose" / NODE / "leaf-tls"


def with_leaf_files(text: str) -> str:
    """node.conf reading its leaf TLS files from the development copies, as if mounted."""
    return text.replace(f'"{LEAF_TLS_DIR}/', f'"{DEV_LEAF_TLS}/')


def check(conf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``nats-server -c conf -t`` (the leaf TLS files mounted): validate, start nothing."""
    with tempfile.TemporaryDirectory() as scratch:
        mounted = Path(scratch) / conf.name
        mounted.write_text(with_leaf_files(conf.read_text()))
        return _check(mounted, env)


def _check(conf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(find_binary()), "-c", str(conf), "-t"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def leaf_block(text: str) -> str:
    """The leaf remote between the markers."""
    match = re.search(r"^# >>> leaf remote\n(.*?)^# <<< leaf remote$", text, re.M | re.S)
    assert match, "node.conf lost its leaf remote markers"
    return match.group(1)


def test_node_conf_is_valid() -> None:
    result = check(CONF, ENV)
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout + result.stderr


def test_every_variable_is_documented_and_required() -> None:
    text = CONF.read_text()
    lines = text.splitlines()
    header = "\n".join(lines[: next(i for i, x in enumerate(lines) if x and x[0] != "#")])
    active = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    unquoted = re.sub(r'"[^"]*"', "", active)  # "$JS.API..." is a subject, not a variable
    used = set(re.findall(r"\$([A-Z][A-Z0-9_]*)", unquoted))
    assert used == set(ENV), "ENV of this test must be exactly the variables node.conf reads"
    for name in used:
        assert name in header, f"{name} is not documented at the top of node.conf"
        missing = {k: v for k, v in ENV.items() if k != name}
        result = check(CONF, missing)
        assert result.returncode != 0, f"nats-server started without {name}"
        assert name in result.stderr


def test_leaf_remote_binds_only_coalition_and_closes_the_js_api() -> None:
    block = leaf_block(CONF.read_text())
    assert "account: COALITION" in block
    assert "LOCAL" not in block.replace("LOCAL never", "")
    assert re.search(r'deny_exports:\s*\["local\.>"\]', block)
    for api in DENIED_JS_API:
        assert f'"$JS.*.API.{api}.>"' in block, api
    # Sourcing the outbound stream must keep working: consumer creation stays open.
    assert "CONSUMER.CREATE" not in block


def user_block(text: str, name: str) -> str:
    """The text of one user's entry in node.conf (up to the next user)."""
    start = text.index(f"user: {name}\n")
    end = text.find("user: ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_template_agrees_with_the_generator(tmp_path: Path) -> None:
    """Every permission `concordia node init` gives a user, node.conf gives it too (`*` for se)."""
    text = CONF.read_text()
    generated = node_config(NodeNats("se", 4222, 8222, tmp_path, NodePasswords.generate()))
    for account in ("LOCAL", "COALITION"):
        for entry in generated["accounts"][account]["users"]:
            block = user_block(text, entry["user"])
            assert f"password: $NATS_{entry['user'].upper().replace('-', '_')}_PASSWORD" in block
            for kind in ("publish", "subscribe"):
                for subject in entry["permissions"][kind]["allow"]:
                    wildcard = re.sub(r"\b(LOCAL|SHARED|INBOUND)_SE\b", "*", subject)
                    wildcard = re.sub(r"(?<=\.)se(?=\.)", "*", wildcard)
                    assert f'"{wildcard}"' in block, (entry["user"], kind, subject)
            responses = entry["permissions"].get("allow_responses")
            if responses:
                limit, expires = responses["max"], responses["expires"]
                wanted = f'allow_responses: {{ max: {limit}, expires: "{expires}" }}'
                assert wanted in block, entry["user"]
    client = (f"{LEAF_TLS_DIR}/leaf-client.pem", f"{LEAF_TLS_DIR}/leaf-client-key.pem")
    remote = leaf_remote("se", "nats-leaf://hub.example:7422", f"{LEAF_TLS_DIR}/hub-ca.pem", client)
    block = leaf_block(text)
    assert f"account: {remote['account']}" in block
    for subject in remote["deny_imports"]:
        assert f'"{subject.replace(".se.", ".*.")}"' in block
    # The same mutual TLS as `concordia node init --hub-ca` with an installed certificate.
    tls = re.search(r"^      tls \{\n(.*?)^      \}$", block, re.M | re.S)
    assert tls, "node.conf's leaf remote has no tls block: the hub would refuse it"
    written = dict(re.findall(r"^\s*(\w+): (.+)$", tls.group(1), re.M))
    assert set(written) == set(remote["tls"]), (written, remote["tls"])
    for key, value in remote["tls"].items():
        assert written[key] == (f'"{value}"' if isinstance(value, str) else str(value)), key


@dataclass
class RunningNode:
    """A nats-server running node.conf on free ports."""

    port: int
    monitor_port: int

    def url(self, user: str) -> str:
        """The client URL with ``user``'s credentials."""
        return f"nats://{user}:{PASSWORDS[user]}@127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def node_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    """node.conf as a pod runs it, with free ports and a temporary store."""
    tmp = tmp_path_factory.mktemp("nats-node")
    node = RunningNode(port=free_port(), monitor_port=free_port())
    text = CONF.read_text()
    rendered = re.sub(r"^port: 4222$", f"port: {node.port}", text, flags=re.M)
    rendered = re.sub(r"^http_port: 8222$", f"http_port: {node.monitor_port}", rendered, flags=re.M)
    rendered = rendered.replace('store_dir: "/data"', f'store_dir: "{tmp / "store"}"')
    rendered = with_leaf_files(rendered)
    assert rendered.count(str(node.port)) == 1
    assert rendered.count(str(node.monitor_port)) == 1
    assert str(tmp) in rendered
    conf = tmp / "node.conf"
    conf.write_text(rendered)
    with (tmp / "nats.log").open("w") as log:
        process = subprocess.Popen(
            [str(find_binary()), "-c", str(conf)], env=ENV, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                url = f"http://127.0.0.1:{node.monitor_port}/healthz?js-enabled-only=true"
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nats-server did not start: {(tmp / 'nats.log').read_text()}")
                time.sleep(0.1)
        yield node
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


Connect = Callable[[str], Awaitable[Client]]


@pytest.fixture
async def connect(node_server: RunningNode) -> AsyncIterator[Connect]:
    """Connect as a node.conf user; every connection is closed after the test."""
    clients: list[Client] = []

    async def _connect(user: str) -> Client:
        client = await nats.connect(
            node_server.url(user), allow_reconnect=False, connect_timeout=5, name=user
        )
        clients.append(client)
        return client

    yield _connect
    for client in clients:
        await client.close()


async def test_registry_creates_its_streams_and_publishes(connect: Connect) -> None:
    """The registry as it is today: one LOCAL connection for local events and aggregates."""
    nc = await connect("registry")
    js = nc.jetstream(timeout=5)
    await ensure_streams(js, [local_stream(NODE), shared_stream(NODE)])
    # A restart updates the streams in place.
    await ensure_streams(js, [local_stream(NODE), shared_stream(NODE)])
    local = await js.publish(f"local.{NODE}.registry.person.registered.v1", b"{}")
    shared = await js.publish(f"shared.{NODE}.registry.aggregate.persons.2026.v1", b"{}")
    assert (local.stream, shared.stream) == (
        f"LOCAL_{NODE.upper()}",
        f"SHARED_{NODE.upper()}",
    )
    info = await js.account_info()
    assert info.domain == NODE


async def test_registry_cannot_delete_or_publish_elsewhere(connect: Connect) -> None:
    nc = await connect("registry")
    js = nc.jetstream(timeout=1)
    await ensure_streams(nc.jetstream(timeout=5), [local_stream(NODE), shared_stream(NODE)])
    # Denied subjects get no answer: the request times out.
    with pytest.raises(NatsTimeoutError):
        await js.delete_stream(f"LOCAL_{NODE.upper()}")
    with pytest.raises(NatsTimeoutError):
        await js.purge_stream(f"LOCAL_{NODE.upper()}")
    with pytest.raises(NatsTimeoutError):
        await js.publish(f"hub.{NODE}.charter.v1", b"{}")
    with pytest.raises(NatsTimeoutError):
        await js.publish(f"local.{NODE}.ledger.grant.committed.v1", b"{}")


async def test_coalition_is_a_separate_account(connect: Connect) -> None:
    """COALITION sees none of LOCAL's streams, and its user publishes only shared aggregates."""
    local = await connect("registry")
    await ensure_streams(local.jetstream(timeout=5), [local_stream(NODE), shared_stream(NODE)])
    nc = await connect("registry-shared")
    js = nc.jetstream(timeout=5)
    with pytest.raises(NotFoundError):
        await js.stream_info(f"LOCAL_{NODE.upper()}")
    await ensure_stream(js, "OUTBOUND", [f"shared.{NODE}.>"])
    ack = await js.publish(f"shared.{NODE}.registry.aggregate.persons.2026.v1", b"{}")
    assert ack.stream == "OUTBOUND"
    short = nc.jetstream(timeout=1)
    with pytest.raises(NatsTimeoutError):
        await short.publish(f"local.{NODE}.registry.person.registered.v1", b"{}")
    with pytest.raises(NatsTimeoutError):
        await short.publish(f"shared.{NODE}.ledger.aggregate.grants.2026.v1", b"{}")


async def test_unknown_users_are_refused(node_server: RunningNode) -> None:
    wrong = f"nats://registry:wrong@127.0.0.1:{node_server.port}"
    with pytest.raises(NatsError, match="Authorization Violation"):
        await nats.connect(wrong, allow_reconnect=False, max_reconnect_attempts=0)


async def test_the_exchange_user_broadcasts_and_publishes_nothing_else(connect: Connect) -> None:
    """``exchange-shared`` may publish ``shared.<node>.broadcast.>`` (the hub relays it)."""
    nc = await connect("exchange-shared")
    js = nc.jetstream(timeout=5)
    await ensure_stream(js, "OUTBOUND", [f"shared.{NODE}.>"])  # as the other tests make it
    ack = await js.publish(f"shared.{NODE}.broadcast.practice.se-test-0001.r1", b"{}")
    assert ack.stream == "OUTBOUND"
    short = nc.jetstream(timeout=1)
    for subject in (f"shared.{NODE}.registry.aggregate.persons.2026.v1", f"local.{NODE}.x"):
        with pytest.raises(NatsTimeoutError):
            await short.publish(subject, b"{}")
