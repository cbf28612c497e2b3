"""Where a local node keeps its files, which port each process takes, and the demo files.

Everything of node ``se`` lives under ``<var>/se/`` (NATS config and store, SQLite files, hashed
tokens, node key, logs), the hub's under ``<var>/hub/``, so a second ``concordia up`` on the same
directory resumes with the same data. ``<var>/demo/`` holds what a person trying the demo needs:
plain development tokens and the URLs of every running service.

Ports come in blocks of 100 from ``--base-port`` (8600 by default): node ``i`` (0, 1, 2, …)
takes block ``i``, the hub block ``HUB_BLOCK`` (9), so at most nine nodes run at once.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from concordia.kit import HUB_SERVICES, NODE_SERVICES, ServiceSpec

DEMO_DIR = "demo"
NODE_STRIDE = 100  # each node takes a block of ports: base + index * stride + offset
NATS_OFFSET = 22  # client port, as 4222 is NATS' own
NATS_MONITOR_OFFSET = 82  # monitoring port, as 8222 is NATS' own
LEAF_OFFSET = 42  # the hub's leaf listener, as 7422 is NATS' own
HUB_BLOCK = 9  # the hub's block of ports: base + 900
HUB_CODE = "hub"
_COUNTRY_NODE = re.compile(r"^[a-z]{2}$")


#: Services of a country node, in start order (the kit's one list of the services).
COUNTRY_SERVICES: tuple[ServiceSpec, ...] = NODE_SERVICES


def demo_env(spec: ServiceSpec) -> dict[str, str]:
    """The settings ``concordia up`` gives a service in the demo (without the env prefix)."""
    if spec.role == "hub":
        return {**spec.demo_env, **HUB_DEMO_ENV}
    return dict(spec.demo_env)


#: The demo's scheduled overlap rounds: the purpose the planted overlaps share, and how often.
DEMO_OVERLAP_PURPOSE = "independent_media"
DEMO_OVERLAP_ROUND_SECONDS = 120

#: The hub service, run once at the coalition's hub (its port is in the hub's block).
HUB_SERVICE = HUB_SERVICES[0]
#: The hub's demo settings: sourced streams, a quick scan, scheduled overlap rounds.
HUB_DEMO_ENV = {
    "STREAM_MODE": "sourced",
    "NODES_SCAN_SECONDS": "2",
    "OVERLAP_ROUND_SECONDS": str(DEMO_OVERLAP_ROUND_SECONDS),
    "OVERLAP_PURPOSES": f'["{DEMO_OVERLAP_PURPOSE}"]',
}


def check_node(node: str) -> str:
    """A country node code in lower case, or ``ValueError``."""
    node = node.lower()
    if not _COUNTRY_NODE.match(node):
        raise ValueError(f"{node!r} is not a two-letter country node code such as 'se'")
    return node


def url_host(host: str) -> str:
    """The host to put in URLs: a wildcard bind address is reached on loopback."""
    if host in ("0.0.0.0", ""):  # noqa: S104 - compared, not bound
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


@dataclass(frozen=True)
class NodeLayout:
    """Files and ports of one node under the var directory."""

    var: Path
    node: str
    host: str
    base_port: int
    index: int = 0

    @property
    def root(self) -> Path:
        """``<var>/<node>``."""
        return self.var / self.node

    @property
    def nats_dir(self) -> Path:
        """The nats-server store (JetStream data, config, log)."""
        return self.root / "nats"

    @property
    def logs_dir(self) -> Path:
        """Service logs."""
        return self.root / "logs"

    @property
    def tokens_file(self) -> Path:
        """The node's hashed API tokens."""
        return self.root / "tokens.json"

    @property
    def key_file(self) -> Path:
        """The node key for personal fields."""
        return self.root / "node.key"

    def database_url(self, spec: ServiceSpec) -> str:
        """The SQLite URL of a service's database."""
        return f"sqlite:///{(self.root / f'{spec.name}.db').resolve()}"

    def log_file(self, spec: ServiceSpec) -> Path:
        """Where a service's stdout and stderr go."""
        return self.logs_dir / f"{spec.name}.log"

    def _port(self, offset: int) -> int:
        return self.base_port + self.index * NODE_STRIDE + offset

    def port(self, spec: ServiceSpec) -> int:
        """The HTTP port of a service."""
        return self._port(spec.offset)

    @property
    def nats_port(self) -> int:
        """The NATS client port."""
        return self._port(NATS_OFFSET)

    @property
    def nats_monitor_port(self) -> int:
        """The NATS monitoring port."""
        return self._port(NATS_MONITOR_OFFSET)

    def service_url(self, spec: ServiceSpec) -> str:
        """A service's base URL."""
        return f"http://{url_host(self.host)}:{self.port(spec)}"

    @property
    def nats_url(self) -> str:
        """The NATS client URL."""
        return f"nats://{url_host(self.host)}:{self.nats_port}"

    @property
    def leaf_port(self) -> int:
        """The leaf listener's port (used by the hub only)."""
        return self._port(LEAF_OFFSET)

    @property
    def leaf_url(self) -> str:
        """The URL nodes' leaf connections reach (the hub's)."""
        return f"nats-leaf://{url_host(self.host)}:{self.leaf_port}"

    @property
    def is_hub(self) -> bool:
        """Whether this is the hub's layout."""
        return self.node == HUB_CODE

    @property
    def services(self) -> tuple[ServiceSpec, ...]:
        """The services this node (or the hub) runs, in start order."""
        return (HUB_SERVICE,) if self.is_hub else COUNTRY_SERVICES

    def ports(self) -> dict[str, int]:
        """Every port this node needs, by what takes it."""
        prefix = f"{self.node} "
        wanted = {
            f"{prefix}nats-server": self.nats_port,
            f"{prefix}nats-server monitoring": self.nats_monitor_port,
        }
        if self.is_hub:
            wanted[f"{prefix}leaf listener"] = self.leaf_port
        return wanted | {f"{prefix}{spec.name}": self.port(spec) for spec in self.services}


def hub_layout(var: Path, host: str, base_port: int) -> NodeLayout:
    """The hub's files and ports: ``<var>/hub``, block ``HUB_BLOCK``."""
    return NodeLayout(var=var, node=HUB_CODE, host=host, base_port=base_port, index=HUB_BLOCK)


def demo_dir(var: Path) -> Path:
    """``<var>/demo``: plain development tokens and endpoints of the running demo."""
    return var / DEMO_DIR


def demo_tokens_file(var: Path) -> Path:
    """``<var>/demo/tokens.json``: ``{node or "hub": {name: token}}``, for the local demo only."""
    return demo_dir(var) / "tokens.json"


def endpoints_file(var: Path) -> Path:
    """``<var>/demo/endpoints.json``: ``{"nodes": {node: {service: url, "nats": url}}, "hub"}``."""
    return demo_dir(var) / "endpoints.json"


def read_json(path: Path) -> Any:
    """The JSON in ``path``, or None when the file is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write_json(path: Path, data: Any, *, private: bool = False) -> None:
    """Write ``data`` atomically; ``private`` files are readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
    if private:
        os.chmod(tmp, 0o600)
    tmp.replace(path)


def node_key(path: Path) -> str:
    """The node key in ``path``; a random 32-byte url-safe base64 key is made on first use."""
    if path.exists():
        key = path.read_text().strip()
        if len(base64.urlsafe_b64decode(key.encode())) != 32:
            raise ValueError(f"{path} does not hold a 32-byte url-safe base64 key")
        os.chmod(path, 0o600)
        return key
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by the owner only (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
