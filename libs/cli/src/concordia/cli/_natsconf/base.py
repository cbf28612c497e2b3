"""What the node's and the hub's nats-server configurations share: names, users, checks.

The names follow docs/federation.md: streams (``LOCAL_SE``, ``SHARED_SE``, ``INBOUND_SE`` at a
node; ``NODE_SE``, ``BROADCAST_SE`` in the hub's account ``SE``), users with exact subject
permissions, and the JetStream API calls a user may make on one stream.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
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

#: JetStream API of a node's domain the hub must not call (docs/federation.md): listing,
#: reading, purging or deleting streams, direct gets, account and server information, and
#: deleting consumers. Sourcing (consumer create, info, acks, flow control) stays open.
DENIED_JS_API = ("STREAM", "DIRECT", "ACCOUNT", "META", "SERVER", "CONSUMER.DELETE")

#: The JetStream API calls `ensure_stream` makes for a stream (nothing that purges or deletes).
ENSURE_STREAM_API = ("INFO", "STREAM.INFO.{s}", "STREAM.CREATE.{s}", "STREAM.UPDATE.{s}")


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


def with_credentials(url: str, name: str, secret: str) -> str:
    """``url`` with ``name:secret@`` as its user-info."""
    parts = urlsplit(url)
    netloc = f"{quote(name, safe='')}:{quote(secret, safe='')}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc))


def is_tls_url(url: str) -> bool:
    """Whether a leaf URL asks for TLS by its scheme (``tls://``, ``wss://``)."""
    return urlsplit(url).scheme in ("tls", "wss")


# -- stream names ------------------------------------------------------------------------


def local_stream_name(code: str) -> str:
    """``LOCAL_SE``."""
    return f"LOCAL_{code.upper()}"


def shared_stream_name(code: str) -> str:
    """``SHARED_SE``: the node's outbound stream in COALITION."""
    return f"SHARED_{code.upper()}"


def inbound_stream_name(code: str) -> str:
    """``INBOUND_SE``: the coalition's broadcasts at the node, sourced from the hub."""
    return f"INBOUND_{code.upper()}"


def country_stream_name(code: str) -> str:
    """``NODE_SE``: the hub's copy of a node's outbound stream, in account ``SE``."""
    return f"NODE_{code.upper()}"


def broadcast_stream_name(code: str) -> str:
    """``BROADCAST_SE``: the other nodes' broadcasts for a country, in account ``SE``."""
    return f"BROADCAST_{code.upper()}"
