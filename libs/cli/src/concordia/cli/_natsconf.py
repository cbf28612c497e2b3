"""nats-server configurations of a node and of the hub, as small pure functions.

Every function returns plain data (dicts, lists, strings); ``render`` turns a configuration into
the text nats-server reads (its format accepts JSON values, so each value is written as JSON).
The names follow docs/federation.md; the subject permissions were found with real servers and
are explained there.

Example::

    conf = node_config(NodeNats(code="se", port=4222, monitor_port=8222, store_dir=Path("/d"),
                                passwords=NodePasswords.generate(), hub_leaf_url=None))
    Path("nats.conf").write_text(render(conf, header="node se"))
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from concordia import kit as _kit

#: Services of a country node that get NATS users (LOCAL ``<s>`` and COALITION ``<s>-shared``):
#: every node service of the kit's list.
NODE_SERVICES: tuple[str, ...] = tuple(s.name for s in _kit.NODE_SERVICES if s.nats_users)
#: Services that also broadcast to the whole coalition (``shared.<code>.broadcast.>``, relayed
#: by the hub): their COALITION user ``<s>-shared`` may also publish the broadcasts.
BROADCAST_SERVICES = ("exchange",)
HUB_DOMAIN = "hub"
_CODE = re.compile(r"^[a-z]{2}$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: JetStream API of a node's domain the hub must not call (docs/federation.md): listing,
#: reading, purging or deleting streams, direct gets, account and server information, and
#: deleting consumers. Sourcing (consumer create, info, acks, flow control) stays open.
DENIED_JS_API = ("STREAM", "DIRECT", "ACCOUNT", "META", "SERVER", "CONSUMER.DELETE")

#: The JetStream API calls `ensure_stream` makes for a stream (nothing that purges or deletes).
ENSURE_STREAM_API = ("INFO", "STREAM.INFO.{s}", "STREAM.CREATE.{s}", "STREAM.UPDATE.{s}")


#: JetStream limits of every country account at the hub. The hub keeps two streams there
#: (``NODE_<CODE>`` read by two durable consumers, ingest and broadcast relay; and
#: ``BROADCAST_<CODE>``, read by the node's source consumer), file storage; the limits leave a
#: little room for consumers and no more, so one node cannot fill the hub's disk for all.
COUNTRY_MAX_STREAMS = 2
COUNTRY_MAX_CONSUMERS = 8
COUNTRY_MAX_MEMORY = 64 * 1024 * 1024
COUNTRY_MAX_FILE = 10 * 1024**3


def country_jetstream(max_file: int = COUNTRY_MAX_FILE) -> dict[str, int]:
    """The ``jetstream`` block of a country account: its storage, streams and consumers."""
    return {
        "max_memory": COUNTRY_MAX_MEMORY,
        "max_file": max_file,
        "max_streams": COUNTRY_MAX_STREAMS,
        "max_consumers": COUNTRY_MAX_CONSUMERS,
    }


def check_code(code: str) -> str:
    """A country code in lower case (two letters), or ``ValueError``."""
    code = code.lower()
    if not _CODE.match(code):
        raise ValueError(f"{code!r} is not a two-letter country code such as 'se'")
    return code


def password() -> str:
    """A random password nats-server reads as a string (hex, never digits only)."""
    return "p" + secrets.token_hex(24)


def js_api(prefix: str, calls: Iterable[str], stream: str) -> list[str]:
    """JetStream API subjects ``$JS.API.<call>`` for one stream."""
    return [f"{prefix}.{call.format(s=stream)}" for call in calls]


def user(
    name: str,
    secret: str,
    publish: Iterable[str],
    subscribe: Iterable[str],
    **extra: Any,
) -> dict[str, Any]:
    """A user entry allowed to publish and subscribe exactly these subjects."""
    return {
        "user": name,
        "password": secret,
        **extra,
        "permissions": {
            "publish": {"allow": list(publish)},
            "subscribe": {"allow": list(subscribe)},
        },
    }


# -- node ----------------------------------------------------------------------------------


def local_stream_name(code: str) -> str:
    """``LOCAL_SE``."""
    return f"LOCAL_{code.upper()}"


def shared_stream_name(code: str) -> str:
    """``SHARED_SE``: the node's outbound stream in COALITION."""
    return f"SHARED_{code.upper()}"


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


def inbound_stream_name(code: str) -> str:
    """``INBOUND_SE``: the coalition's broadcasts at the node, sourced from the hub."""
    return f"INBOUND_{code.upper()}"


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


def leaf_remote(code: str, url: str, ca_file: str | None = None) -> dict[str, Any]:
    """The node's leaf remote to the hub: COALITION only, JetStream API and ``local.>`` closed.

    With ``ca_file`` (the hub's leaf CA) the connection is TLS and the hub's certificate is
    verified against that CA (and its name against the URL's host).
    """
    remote: dict[str, Any] = {
        "url": url,
        "account": "COALITION",
        "deny_imports": [f"$JS.{code}.API.{api}.>" for api in DENIED_JS_API],
        "deny_exports": ["local.>"],
    }
    if ca_file is not None:
        remote["tls"] = {"ca_file": ca_file, "timeout": 5}
    return remote


def is_tls_url(url: str) -> bool:
    """Whether a leaf URL asks for TLS by its scheme (``tls://``, ``wss://``)."""
    return urlsplit(url).scheme in ("tls", "wss")


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


def with_credentials(url: str, name: str, secret: str) -> str:
    """``url`` with ``name:secret@`` as its user-info."""
    parts = urlsplit(url)
    netloc = f"{quote(name, safe='')}:{quote(secret, safe='')}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc))


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
        conf["leafnodes"] = {"remotes": [leaf_remote(code, leaf, node.hub_ca_file)]}
    return conf


# -- hub -----------------------------------------------------------------------------------


#: Inbox prefix of the hub's secure-aggregation links (``_SECAGG.<code>``), see
#: ``concordia.secagg.transport``.
SECAGG_INBOX = "_SECAGG"


def country_account(code: str) -> str:
    """``SE``: the hub account of a country."""
    return check_code(code).upper()


def country_stream_name(code: str) -> str:
    """``NODE_SE``: the hub's copy of a node's outbound stream, in account ``SE``."""
    return f"NODE_{code.upper()}"


def broadcast_stream_name(code: str) -> str:
    """``BROADCAST_SE``: the other nodes' broadcasts for a country, in account ``SE``."""
    return f"BROADCAST_{code.upper()}"


def leaf_subjects(code: str) -> tuple[list[str], list[str]]:
    """What a country's leaf connection carries: (hub -> node, node -> hub) subjects.

    Found with real servers (docs/federation.md, "What sourcing needs"): the hub creates the
    source consumer with ``$JS.<code>.API.CONSUMER.CREATE.SHARED_<CODE>`` and the node answers
    on ``$JSC.R.<id>``; the node delivers messages and heartbeats on ``$JS.S.<id>``; the hub
    answers flow control on ``$JS.FC.>``.

    The other way round the node's ``INBOUND_<CODE>`` sources the hub's ``BROADCAST_<CODE>``
    (the coalition's broadcasts for it): the node asks with
    ``$JS.hub.API.CONSUMER.CREATE.BROADCAST_<CODE>``, the hub answers on ``$JSC.R.<id>`` and
    delivers on ``$JS.S.<id>``, the node answers flow control on ``$JS.FC.>``. No other call
    of the hub's JetStream API crosses (no stream info, purge, delete, direct get).
    """
    create = f"$JS.{code}.API.CONSUMER.CREATE.{shared_stream_name(code)}"
    to_node = ["hub.>", create, f"{create}.>", "$JS.FC.>", "$JS.S.>", "$JSC.R.>"]
    pull = f"$JS.{HUB_DOMAIN}.API.CONSUMER.CREATE.{broadcast_stream_name(code)}"
    to_hub = [f"shared.{code}.>", "$JS.S.>", "$JSC.R.>", pull, f"{pull}.>", "$JS.FC.>"]
    # Answers to the hub's secure-aggregation requests: the hub's links of this country ask
    # with their own inbox prefix, so a node can reply to nothing else of the hub's.
    to_hub.append(f"{SECAGG_INBOX}.{code}.>")
    return to_node, to_hub


def leaf_user(code: str, secret: str) -> dict[str, Any]:
    """A country's leaf user at the hub, in account ``<CODE>``; leaf connections only.

    On a leaf connection nats-server checks ``publish`` for messages in both directions and
    ``subscribe`` for the interest the node may register (so, what the hub sends it).
    """
    to_node, to_hub = leaf_subjects(code)
    publish = list(dict.fromkeys(to_hub + to_node))
    return user(f"leaf-{code}", secret, publish, to_node, allowed_connection_types=["LEAFNODE"])


def hub_service_user(code: str, secret: str) -> dict[str, Any]:
    """The hub service's user in account ``<CODE>``: reads ``NODE_<CODE>``, publishes ``hub.>``.

    It also ensures ``BROADCAST_<CODE>``, where what it relays of other nodes is kept.
    """
    stream = country_stream_name(code)
    publish = [
        "hub.>",
        *js_api("$JS.API", ENSURE_STREAM_API, stream),
        *js_api("$JS.API", ENSURE_STREAM_API[1:], broadcast_stream_name(code)),
        f"$JS.API.CONSUMER.*.{stream}",
        f"$JS.API.CONSUMER.*.{stream}.>",
        f"$JS.API.CONSUMER.*.*.{stream}.>",
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.ACK.{stream}.>",
    ]
    subscribe = ["_INBOX.>", f"shared.{code}.>", f"{SECAGG_INBOX}.{code}.>"]
    return user(f"hub-{code}", secret, publish, subscribe, allowed_connection_types=["STANDARD"])


@dataclass(frozen=True)
class Country:
    """A country known to the hub: code, name and the two passwords of its account.

    Example::

        Country("se", "Sweden", leaf_password=..., service_password=...)
    """

    code: str
    name: str
    leaf_password: str
    service_password: str


@dataclass(frozen=True)
class HubNats:
    """What the hub's nats-server configuration depends on.

    Example::

        HubNats(4222, 8222, 7422, Path("var/hub/nats"), ops_password=password(), countries=())
    """

    port: int
    monitor_port: int
    leaf_port: int
    store_dir: Path
    ops_password: str
    countries: tuple[Country, ...] = field(default=())
    host: str = "127.0.0.1"
    #: Extra names (DNS or IP) nodes reach the leaf listener by, for its TLS certificate.
    leaf_hosts: tuple[str, ...] = ()
    #: The leaf listener's TLS certificate and key files; None: plain (a hub from before TLS).
    leaf_tls: tuple[str, str] | None = None
    #: File storage of each country account (bytes); what the hub keeps of one node.
    country_max_file: int = COUNTRY_MAX_FILE


def hub_config(hub: HubNats) -> dict[str, Any]:
    """The whole nats-server configuration of the hub, one account per country."""
    accounts: dict[str, Any] = {"SYS": {"users": [{"user": "ops", "password": hub.ops_password}]}}
    for country in sorted(hub.countries, key=lambda c: c.code):
        accounts[country_account(country.code)] = {
            "jetstream": country_jetstream(hub.country_max_file),
            "users": [
                leaf_user(country.code, country.leaf_password),
                hub_service_user(country.code, country.service_password),
            ],
        }
    # No `authorization` block here: leaf connections authenticate as account users, the only
    # kind that can carry permissions (leafnodes.authorization.users[] takes none).
    leafnodes: dict[str, Any] = {"host": hub.host, "port": hub.leaf_port}
    leafnodes["isolate_leafnode_interest"] = True
    if hub.leaf_tls is not None:  # TLS only: a node without it cannot connect (no `verify`)
        leafnodes["tls"] = {"cert_file": hub.leaf_tls[0], "key_file": hub.leaf_tls[1]}
        leafnodes["tls"]["timeout"] = 5
    return {
        "server_name": "concordia-hub",
        "host": hub.host,
        "port": hub.port,
        "http": f"{hub.host}:{hub.monitor_port}",
        "max_payload": 1048576,
        "jetstream": {"store_dir": str(hub.store_dir), "domain": HUB_DOMAIN},
        "system_account": "SYS",
        "accounts": accounts,
        "leafnodes": leafnodes,
    }


# -- text ----------------------------------------------------------------------------------


def render(conf: dict[str, Any], *, header: str = "") -> str:
    """The configuration as nats-server text: ``key: <JSON value>`` lines under a header."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key, value in conf.items():
        if not _KEY.match(key):
            raise ValueError(f"not a configuration key: {key!r}")
        lines.append(f"{key}: {json.dumps(value, indent=2)}")
    return "\n".join(lines) + "\n"
