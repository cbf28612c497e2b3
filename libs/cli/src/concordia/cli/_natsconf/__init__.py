"""nats-server configurations of a node and of the hub, as small pure functions, by topic.

- ``base``: names of streams and accounts, users with exact permissions, the shared checks;
- ``node``: a country node (LOCAL and COALITION accounts, its leaf remote to the hub);
- ``hub``: the hub (an account per country with its limits, the leaf listener);
- ``text``: ``render``, the text nats-server reads.

Every function returns plain data (dicts, lists, strings). The names follow docs/federation.md;
the subject permissions were found with real servers and are explained there. The names are
also importable from here, as before the split.
"""

from concordia.cli._natsconf.base import (
    BROADCAST_SERVICES,
    DENIED_JS_API,
    ENSURE_STREAM_API,
    HUB_DOMAIN,
    NODE_SERVICES,
    broadcast_stream_name,
    check_code,
    country_stream_name,
    inbound_stream_name,
    is_tls_url,
    js_api,
    local_stream_name,
    password,
    shared_stream_name,
    user,
    with_credentials,
)
from concordia.cli._natsconf.hub import (
    COUNTRY_MAX_CONSUMERS,
    COUNTRY_MAX_FILE,
    COUNTRY_MAX_MEMORY,
    COUNTRY_MAX_STREAMS,
    Country,
    HubNats,
    country_account,
    country_jetstream,
    hub_config,
    hub_service_user,
    leaf_subjects,
    leaf_user,
)
from concordia.cli._natsconf.node import (
    NodeNats,
    NodePasswords,
    broadcast_user,
    leaf_remote,
    local_user,
    node_config,
    shared_user,
)
from concordia.cli._natsconf.text import render

__all__ = [
    "BROADCAST_SERVICES", "COUNTRY_MAX_CONSUMERS", "COUNTRY_MAX_FILE", "COUNTRY_MAX_MEMORY",
    "COUNTRY_MAX_STREAMS", "DENIED_JS_API", "ENSURE_STREAM_API", "HUB_DOMAIN", "NODE_SERVICES",
    "Country", "HubNats", "NodeNats", "NodePasswords", "broadcast_stream_name", "broadcast_user",
    "check_code", "country_account", "country_jetstream", "country_stream_name", "hub_config",
    "hub_service_user", "inbound_stream_name", "is_tls_url", "js_api", "leaf_remote",
    "leaf_subjects", "leaf_user", "local_stream_name", "local_user", "node_config", "password",
    "render", "shared_stream_name", "shared_user", "user", "with_credentials",
]  # fmt: skip
