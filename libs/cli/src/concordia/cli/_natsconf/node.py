"""A country node's nats-server configuration: LOCAL and COALITION accounts, its leaf to the hub.

Example::

    conf = node_config(NodeNats(code="se", port=4222, monitor_port=8222, store_dir=Path("/d"),
                                passwords=NodePasswords.generate(), hub_leaf_url=None))
    Path("nats.conf").write_text(render(conf, header="node se"))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from concordia.cli._natsconf.base import (
    BROADCAST_SERVICES,
    DENIED_JS_API,
    ENSURE_STREAM_API,
    NODE_SERVICES,
    check_code,
    inbound_stream_name,
    js_api,
    local_stream_name,
    password,
    shared_stream_name,
    user,
    with_credentials,
)


def local_user(code: str, service: str, secret: str) -> dict[str, Any]:
    """A service's LOCAL user: its local events, its streams, consuming LOCAL_<NODE>."""
    stream = local_stream_name(code)
    publish = [
        f"local.{code}.{service}.>",
        *js_api("$JS.API", ENSURE_STREAM_API, stream),
        # Durable consumers of local events: create, look up, fetch, acknowledge.
        f"$JS.API.CONSUMER.CREATE.{stream}.>",
        f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.>",
        f"$JS.API.CONSUMER.INFO.{stream}.>",
        f"$JS.API.CONSUMER.MSG.NEXT.{stream}.>",
        f"$JS.ACK.{stream}.>",
    ]
    return user(service, secret, publish, ["_INBOX.>", f"local.{code}.>"])


def shared_user(code: str, service: str, secret: str) -> dict[str, Any]:
    """A service's COALITION user: publishes only ``shared.<code>.<service>.>``, hears ``hub.>``."""
    publish = [
        f"shared.{code}.{service}.>",
        *js_api("$JS.API", ENSURE_STREAM_API, shared_stream_name(code)),
    ]
    entry = user(f"{service}-shared", secret, publish, ["hub.>", "_INBOX.>"])
    # Answers to the hub's requests (secure aggregation, hub.secagg.<code>.<service>.>): one
    # reply per request received, to its reply subject only, within a minute.
    entry["permissions"]["allow_responses"] = {"max": 1, "expires": "1m"}
    return entry


def broadcast_user(code: str, service: str, secret: str) -> dict[str, Any]:
    """A COALITION user that may also broadcast, and consume the coalition's broadcasts.

    Publishes ``shared.<code>.broadcast.>`` besides its own subjects; ensures ``INBOUND_<CODE>``
    (which sources the hub's ``BROADCAST_<CODE>``) and reads it with a durable consumer.
    """
    user_entry = shared_user(code, service, secret)
    allow = user_entry["permissions"]["publish"]["allow"]
    allow.insert(0, f"shared.{code}.broadcast.>")
    inbound = inbound_stream_name(code)
    allow += js_api("$JS.API", ENSURE_STREAM_API[1:], inbound)
    allow += [
        f"$JS.API.CONSUMER.CREATE.{inbound}.>",
        f"$JS.API.CONSUMER.DURABLE.CREATE.{inbound}.>",
        f"$JS.API.CONSUMER.INFO.{inbound}.>",
        f"$JS.API.CONSUMER.MSG.NEXT.{inbound}.>",
        f"$JS.ACK.{inbound}.>",
    ]
    return user_entry


def leaf_remote(
    code: str, url: str, ca_file: str | None = None, client: tuple[str, str] | None = None
) -> dict[str, Any]:
    """The node's leaf remote to the hub: COALITION only, JetStream API and ``local.>`` closed.

    With ``ca_file`` (the hub's leaf CA) the connection is TLS and the hub's certificate is
    verified against that CA (and its name against the URL's host). With ``client`` (the
    certificate the hub issued for the node's key, and that key) the node presents it: the hub
    refuses a leaf without one (mutual TLS).
    """
    remote: dict[str, Any] = {
        "url": url,
        "account": "COALITION",
        "deny_imports": [f"$JS.{code}.API.{api}.>" for api in DENIED_JS_API],
        "deny_exports": ["local.>"],
    }
    if ca_file is not None:
        remote["tls"] = {"ca_file": ca_file, "timeout": 5}
        if client is not None:
            remote["tls"] |= {"cert_file": client[0], "key_file": client[1]}
    return remote


@dataclass(frozen=True)
class NodePasswords:
    """The NATS passwords of one node, by user name.

    Example::

        NodePasswords.generate().users["registry-shared"]
    """

    users: dict[str, str]

    @classmethod
    def generate(
        cls,
        services: Iterable[str] = NODE_SERVICES,
        broadcasters: Iterable[str] = BROADCAST_SERVICES,
    ) -> NodePasswords:
        """Fresh random passwords for every user of a node (and its leaf user at the hub)."""
        names = [n for s in services for n in (s, f"{s}-shared")] + ["ops", "leaf"]
        names += [f"{s}-shared" for s in broadcasters if s not in names]
        return cls({name: password() for name in names})


@dataclass(frozen=True)
class NodeNats:
    """What a node's nats-server configuration depends on.

    Example::

        NodeNats("se", 4222, 8222, Path("var/se/nats"), NodePasswords.generate())
    """

    code: str
    port: int
    monitor_port: int
    store_dir: Path
    passwords: NodePasswords
    hub_leaf_url: str | None = None
    host: str = "127.0.0.1"
    services: tuple[str, ...] = NODE_SERVICES
    hub_ca_file: str | None = None
    #: The node's leaf client certificate (issued by the hub's CA) and key files.
    hub_client: tuple[str, str] | None = None

    def leaf_url(self) -> str | None:
        """The hub's leaf URL with this node's leaf credentials in its user-info."""
        if self.hub_leaf_url is None:
            return None
        return with_credentials(
            self.hub_leaf_url, f"leaf-{self.code}", self.passwords.users["leaf"]
        )

    def client_url(self, name: str) -> str:
        """The URL a client of user ``name`` connects to."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104
        return with_credentials(f"nats://{host}:{self.port}", name, self.passwords.users[name])


def node_config(node: NodeNats) -> dict[str, Any]:
    """The whole nats-server configuration of a country node."""
    code, pw = check_code(node.code), node.passwords.users
    conf: dict[str, Any] = {
        "server_name": f"concordia-{code}",
        "host": node.host,
        "port": node.port,
        "http": f"{node.host}:{node.monitor_port}",
        "max_payload": 1048576,
        "jetstream": {"store_dir": str(node.store_dir), "domain": code},
        "system_account": "SYS",
        "accounts": {
            "LOCAL": {
                "jetstream": "enabled",
                "users": [local_user(code, s, pw[s]) for s in node.services],
            },
            "COALITION": {
                "jetstream": "enabled",
                # A broadcaster's one COALITION user is its broadcast user (below), not both.
                "users": [
                    shared_user(code, s, pw[f"{s}-shared"])
                    for s in node.services
                    if s not in BROADCAST_SERVICES
                ]
                # A node made before a broadcaster existed has no password for it: no user.
                + [
                    broadcast_user(code, s, pw[f"{s}-shared"])
                    for s in BROADCAST_SERVICES
                    if f"{s}-shared" in pw
                ],
            },
            "SYS": {"users": [{"user": "ops", "password": pw["ops"]}]},
        },
    }
    leaf = node.leaf_url()
    if leaf is not None:
        remote = leaf_remote(code, leaf, node.hub_ca_file, node.hub_client)
        conf["leafnodes"] = {"remotes": [remote]}
    return conf
