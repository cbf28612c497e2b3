"""Generated nats-server configurations: valid for the real server, least privilege, idempotent."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import nats
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from nats.js.errors import APIError
from typer.testing import CliRunner

from concordia.cli._leaftls import LeafTls, fingerprint
from concordia.cli._natsconf import (
    COUNTRY_MAX_CONSUMERS,
    COUNTRY_MAX_STREAMS,
    DENIED_JS_API,
    Country,
    HubNats,
    NodeNats,
    NodePasswords,
    hub_config,
    leaf_remote,
    leaf_user,
    node_config,
    render,
    shared_user,
)
from concordia.cli.main import app
from concordia.cli.nodeinit import service_env
from concordia.events.natsserver import NatsServer, find_binary
from concordia.kit import NODE_SERVICES

runner = CliRunner()


def check(conf: Path) -> subprocess.CompletedProcess[str]:
    """``nats-server -c conf -t``: parse and validate, start nothing."""
    return subprocess.run(
        [str(find_binary()), "-c", str(conf), "-t"], capture_output=True, text=True, check=False
    )


def node(tmp_path: Path, leaf: str | None = "nats-leaf://hub.example:7422") -> NodeNats:
    """A node configuration input."""
    return NodeNats("se", 4300, 8300, tmp_path / "nats", NodePasswords.generate(), leaf)


@pytest.mark.parametrize("leaf", [None, "nats-leaf://hub.example:7422"])
def test_node_config_is_valid(tmp_path: Path, leaf: str | None) -> None:
    conf = tmp_path / "nats.conf"
    conf.write_text(render(node_config(node(tmp_path, leaf)), header="test"))
    result = check(conf)
    assert result.returncode == 0, result.stderr


def test_node_config_binds_only_coalition_to_the_hub(tmp_path: Path) -> None:
    conf = node_config(node(tmp_path))
    assert conf["jetstream"]["domain"] == "se"
    assert set(conf["accounts"]) == {"LOCAL", "COALITION", "SYS"}
    (remote,) = conf["leafnodes"]["remotes"]
    assert remote["account"] == "COALITION"
    assert remote["url"].startswith("nats-leaf://leaf-se:")
    assert remote["deny_exports"] == ["local.>"]
    assert remote["deny_imports"] == [f"$JS.se.API.{api}.>" for api in DENIED_JS_API]
    users = {u["user"]: u for a in conf["accounts"].values() for u in a["users"]}
    services = [s.name for s in NODE_SERVICES]  # the kit's one list: every node service
    assert {"registry", "ledger", "exchange", "evaluation"} <= set(services)
    assert set(users) == {*services, *(f"{s}-shared" for s in services), "ops"}
    assert len({u["password"] for u in users.values()}) == len(users)  # all different
    assert {u["user"] for u in conf["accounts"]["COALITION"]["users"]} == {
        f"{s}-shared" for s in services
    }


def test_the_exchange_broadcasts_to_the_coalition_and_nothing_of_other_services(
    tmp_path: Path,
) -> None:
    conf = node_config(node(tmp_path))
    (exchange,) = [u for u in conf["accounts"]["COALITION"]["users"]
                   if u["user"] == "exchange-shared"]  # fmt: skip
    published = exchange["permissions"]["publish"]["allow"]
    assert published[:2] == ["shared.se.broadcast.>", "shared.se.exchange.>"]
    assert not any(
        s.startswith(("shared.se.registry", "shared.se.ledger", "local.")) for s in published
    )
    assert exchange["permissions"]["subscribe"]["allow"] == ["hub.>", "_INBOX.>"]


def test_a_node_made_before_the_exchange_existed_keeps_working(tmp_path: Path) -> None:
    old = NodePasswords({k: v for k, v in NodePasswords.generate().users.items()
                         if k != "exchange-shared"})  # fmt: skip
    conf = node_config(NodeNats("se", 4300, 8300, tmp_path, old))
    assert "exchange-shared" not in {u["user"] for u in conf["accounts"]["COALITION"]["users"]}


def test_a_shared_user_publishes_only_its_service_subjects() -> None:
    perms = shared_user("se", "registry", "x")["permissions"]
    published = perms["publish"]["allow"]
    assert published[0] == "shared.se.registry.>"
    assert all((s.startswith("$JS.API.") and "SHARED_SE" in s) or s == "$JS.API.INFO"
               for s in published[1:])  # fmt: skip
    assert not any("DELETE" in s or "PURGE" in s for s in published)
    assert perms["subscribe"]["allow"] == ["hub.>", "_INBOX.>"]


def test_the_leaf_user_carries_only_shared_subjects_and_sourcing() -> None:
    entry = leaf_user("se", "x")
    assert entry["allowed_connection_types"] == ["LEAFNODE"]
    allowed = entry["permissions"]["publish"]["allow"]
    assert "shared.se.>" in allowed
    assert not any(s.startswith(("local", "shared.pl", "$JS.API")) for s in allowed)
    assert not any("STREAM" in s or "DELETE" in s for s in allowed)
    # Of the hub's JetStream API only the node's source consumer on its own broadcast stream.
    hub_api = [s for s in allowed if s.startswith("$JS.hub.")]
    assert hub_api == [
        "$JS.hub.API.CONSUMER.CREATE.BROADCAST_SE", "$JS.hub.API.CONSUMER.CREATE.BROADCAST_SE.>"
    ]  # fmt: skip
    assert not any(s.startswith("$JS.hub.") for s in entry["permissions"]["subscribe"]["allow"])


def test_the_exchange_reads_the_coalition_broadcasts_and_no_other_stream(tmp_path: Path) -> None:
    conf = node_config(node(tmp_path))
    (exchange,) = [u for u in conf["accounts"]["COALITION"]["users"]
                   if u["user"] == "exchange-shared"]  # fmt: skip
    api = [s for s in exchange["permissions"]["publish"]["allow"] if s.startswith("$JS.")]
    assert {s.split(".")[4] for s in api if s.startswith("$JS.API.STREAM.")} == {
        "SHARED_SE", "INBOUND_SE"
    }  # fmt: skip
    consumers = [s for s in api if ".CONSUMER." in s or s.startswith("$JS.ACK.")]
    assert consumers
    assert all("INBOUND_SE" in s for s in consumers)
    assert not any("DELETE" in s or "PURGE" in s for s in api)


def test_hub_config_is_valid_with_and_without_countries(tmp_path: Path) -> None:
    countries = (Country("se", "Testland SE", "a1", "b1"), Country("pl", "Testland PL", "a2", "b2"))
    for members in ((), countries):
        hub = HubNats(4222, 8222, 7422, tmp_path / "nats", "ops-secret", members)
        conf = tmp_path / "hub.conf"
        conf.write_text(render(hub_config(hub)))
        result = check(conf)
        assert result.returncode == 0, result.stderr
    data = hub_config(hub)
    assert data["jetstream"]["domain"] == "hub"
    assert data["leafnodes"]["isolate_leafnode_interest"] is True
    assert set(data["accounts"]) == {"SYS", "SE", "PL"}


def test_node_init_writes_private_files_and_refuses_to_rerun(tmp_path: Path) -> None:
    target = tmp_path / "se"
    args = ["node", "init", "--code", "SE", "--name", "Testland", "--dir", str(target)]
    result = runner.invoke(app, [*args, "--hub-leaf-url", "nats-leaf://127.0.0.1:7422"])
    assert result.exit_code == 0, result.output
    for name in (
        "nats.conf",
        "node.env",
        "registry.env",
        "ledger.env",
        "node.key",
        "hub-join.json",
    ):
        assert stat.S_IMODE((target / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(target.stat().st_mode) == 0o700  # SQLite files with personal data
    assert check(target / "nats.conf").returncode == 0
    env = service_env(target, "registry")
    assert env["CONCORDIA_NODE"] == "se"
    assert env["CONCORDIA_NATS_URL"].startswith("nats://registry:")
    assert env["CONCORDIA_NATS_SHARED_URL"].startswith("nats://registry-shared:")
    assert env["CONCORDIA_REGISTRY_DATABASE_URL"].startswith("sqlite:///")
    conf_before = (target / "nats.conf").read_text()
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "--force" in again.output
    assert (target / "nats.conf").read_text() == conf_before  # secrets untouched
    key = (target / "node.key").read_text()
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert (target / "nats.conf").read_text() != conf_before  # passwords rotated, on request
    assert (target / "node.key").read_text() == key  # the key that encrypts data stays


def test_bad_codes_are_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["node", "init", "--code", "swe", "--name", "X", "--dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "two-letter" in result.output


def test_hub_add_node_from_a_join_file(tmp_path: Path) -> None:
    hub, se = tmp_path / "hub", tmp_path / "se"
    assert (
        runner.invoke(app, ["hub", "init", "--dir", str(hub), "--leaf-port", "17422"]).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app, ["node", "init", "--code", "se", "--name", "Testland", "--dir", str(se)]
        ).exit_code
        == 0
    )
    assert stat.S_IMODE(hub.stat().st_mode) == 0o700
    result = runner.invoke(app, ["hub", "add-node", str(se / "hub-join.json"), "--dir", str(hub)])
    assert result.exit_code == 0, result.output
    assert "not running" in result.output
    member = json.loads((hub / "nodes" / "se.json").read_text())
    assert member["account"] == "SE"
    assert member["stream"] == "NODE_SE"
    assert member["nats_url"].startswith("nats://hub-se:")
    assert check(hub / "nats.conf").returncode == 0
    same = runner.invoke(app, ["hub", "add-node", str(se / "hub-join.json"), "--dir", str(hub)])
    assert same.exit_code == 0  # the same join again changes nothing
    assert json.loads((hub / "nodes" / "se.json").read_text()) == member
    other = runner.invoke(
        app, ["hub", "add-node", "--code", "se", "--password", "p0ther", "--dir", str(hub)]
    )
    assert other.exit_code == 1
    assert "--force" in other.output


def test_hub_init_makes_its_leaf_ca_once_and_a_tls_only_listener(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    args = ["hub", "init", "--dir", str(hub), "--leaf-host", "hub.example.org"]
    result = runner.invoke(app, [*args, "--leaf-host", "192.0.2.7"])
    assert result.exit_code == 0, result.output
    tls = LeafTls.at(hub)
    assert tls.ca_cert == hub / "leaf-ca.pem"
    for key in (tls.ca_key, tls.key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    ca = x509.load_pem_x509_certificate(tls.ca_cert.read_bytes())
    cert = x509.load_pem_x509_certificate(tls.cert.read_bytes())
    assert cert.issuer == ca.subject
    cert.verify_directly_issued_by(ca)
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    assert public.curve.name == "secp256r1"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost", "hub.example.org"}
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {
        "127.0.0.1",
        "192.0.2.7",
    }
    conf = (hub / "nats.conf").read_text()
    leafnodes, _ = json.JSONDecoder().raw_decode(conf, conf.index("leafnodes: ") + 11)
    # Mutual TLS: a node presents a client certificate of the same CA (and its leaf password).
    assert leafnodes["tls"] == {
        "cert_file": str(tls.cert), "key_file": str(tls.key), "ca_file": str(tls.ca_cert),
        "verify": True, "timeout": 5,
    }  # fmt: skip
    assert check(hub / "nats.conf").returncode == 0

    ca_before, cert_before = tls.ca_cert.read_bytes(), tls.cert.read_bytes()
    again = runner.invoke(app, [*args, "--force", "--leaf-host", "192.0.2.7"])
    assert again.exit_code == 0, again.output
    assert (tls.ca_cert.read_bytes(), tls.cert.read_bytes()) == (ca_before, cert_before)
    other = runner.invoke(app, [*args, "--force", "--leaf-host", "hub2.example.org"])
    assert other.exit_code == 0, other.output
    assert tls.ca_cert.read_bytes() == ca_before  # the CA every node holds stays
    renewed = x509.load_pem_x509_certificate(tls.cert.read_bytes())
    names = renewed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "hub2.example.org" in names.get_values_for_type(x509.DNSName)
    renewed.verify_directly_issued_by(ca)


def test_node_init_with_the_hub_ca_makes_a_tls_remote_and_warns_without(tmp_path: Path) -> None:
    hub, se, pl = tmp_path / "hub", tmp_path / "se", tmp_path / "pl"
    assert runner.invoke(app, ["hub", "init", "--dir", str(hub)]).exit_code == 0
    url = ["--hub-leaf-url", "nats-leaf://127.0.0.1:7422"]
    args = ["node", "init", "--code", "se", "--name", "Testland", "--dir", str(se), *url]
    result = runner.invoke(app, [*args, "--hub-ca", str(hub / "leaf-ca.pem")])
    assert result.exit_code == 0, result.output
    assert "NOT encrypted" not in result.output
    assert (se / "hub-ca.pem").read_bytes() == (hub / "leaf-ca.pem").read_bytes()
    assert json.loads((se / "node.json").read_text())["hub_ca"] == fingerprint(hub / "leaf-ca.pem")
    text = (se / "nats.conf").read_text()
    assert f'"ca_file": {json.dumps(str(se / "hub-ca.pem"))}' in text
    assert check(se / "nats.conf").returncode == 0

    missing = runner.invoke(app, [*args, "--force", "--hub-ca", str(tmp_path / "nope.pem")])
    assert missing.exit_code == 2
    assert "--hub-ca" in missing.output
    plain_args = ["node", "init", "--code", "pl", "--name", "T", "--dir", str(pl), *url]
    plain = runner.invoke(app, plain_args)
    assert plain.exit_code == 0, plain.output
    assert "NOT encrypted" in plain.output
    assert "--hub-ca" in plain.output
    assert '"tls"' not in (pl / "nats.conf").read_text()
    assert json.loads((pl / "node.json").read_text())["hub_ca"] is None


def test_leaf_tls_in_the_config_builders(tmp_path: Path) -> None:
    hub = HubNats(4222, 8222, 7422, tmp_path / "nats", "ops", (), leaf_tls=("c.pem", "k.pem"))
    assert hub_config(hub)["leafnodes"]["tls"]["cert_file"] == "c.pem"
    assert "tls" not in hub_config(HubNats(4222, 8222, 7422, tmp_path, "ops"))["leafnodes"]
    remote = leaf_remote("se", "nats-leaf://h:7422", "/n/hub-ca.pem")
    assert remote["tls"] == {"ca_file": "/n/hub-ca.pem", "timeout": 5}
    assert "tls" not in leaf_remote("se", "nats-leaf://h:7422")


async def test_a_country_account_cannot_outgrow_its_jetstream_limits(tmp_path: Path) -> None:
    """The limits hub_config gives a country account hold on a real nats-server."""
    hub = HubNats(
        4222, 8222, 7422, tmp_path, "ops-synthetic", (Country("se", "Testland", "x1", "y2"),),
        country_max_file=1024 * 1024,
    )  # fmt: skip
    accounts = hub_config(hub)["accounts"]
    # A user without permissions in the account: what a node would do if it could reach the API.
    accounts["SE"]["users"].append({"user": "probe-se", "password": "probe-synthetic"})
    conf = render({"system_account": "SYS", "accounts": accounts})
    with NatsServer(store_dir=tmp_path / "nats", config=conf) as server:
        nc = await nats.connect(f"nats://probe-se:probe-synthetic@{server.host}:{server.port}")
        try:
            js = nc.jetstream()
            info = await js.account_info()
            assert info.limits.max_streams == COUNTRY_MAX_STREAMS
            assert info.limits.max_consumers == COUNTRY_MAX_CONSUMERS
            assert info.limits.max_storage == 1024 * 1024
            for n in range(COUNTRY_MAX_STREAMS):
                await js.add_stream(name=f"S{n}", subjects=[f"s{n}.>"], max_bytes=256 * 1024)
            with pytest.raises(APIError, match="maximum number of streams"):
                await js.add_stream(name="ONE_TOO_MANY", subjects=["x.>"])
            for n in range(COUNTRY_MAX_CONSUMERS):
                await js.add_consumer("S0", durable_name=f"c{n}")
            with pytest.raises(APIError, match="maximum consumers"):
                await js.add_consumer("S0", durable_name="one-too-many")
            await js.delete_stream("S1")
            with pytest.raises(APIError, match="insufficient storage"):
                await js.add_stream(name="HUGE", subjects=["h.>"], max_bytes=2 * 1024 * 1024)
        finally:
            await nc.close()
