"""The hub's nats-server configuration: one account per country, limited, and its leaf listener.

Example::

    conf = hub_config(HubNats(4222, 8222, 7422, Path("var/hub/nats"), ops_password=password()))
    Path("nats.conf").write_text(render(conf, header="hub"))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from concordia.cli._natsconf.base import (
    ENSURE_STREAM_API,
    HUB_DOMAIN,
    broadcast_stream_name,
    check_code,
    country_stream_name,
    js_api,
    shared_stream_name,
    user,
)

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


#: Inbox prefix of the hub's secure-aggregation links (``_SECAGG.<code>``), see
#: ``concordia.secagg.transport``.
SECAGG_INBOX = "_SECAGG"


def country_account(code: str) -> str:
    """``SE``: the hub account of a country."""
    return check_code(code).upper()


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
    #: The CA every node's leaf client certificate must be issued by (the hub's leaf CA); with
    #: it the listener requires and verifies a client certificate (mutual TLS).
    leaf_client_ca: str | None = None
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
    if hub.leaf_tls is not None:  # TLS only: a node without it cannot connect
        leafnodes["tls"] = {"cert_file": hub.leaf_tls[0], "key_file": hub.leaf_tls[1]}
        if hub.leaf_client_ca is not None:  # and only with a client certificate of the hub's CA
            leafnodes["tls"] |= {"ca_file": hub.leaf_client_ca, "verify": True}
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
