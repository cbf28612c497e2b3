"""``concordia node init``: a country node's NATS configuration, credentials, settings and key.

Writes under ``--dir`` (``var/<code>`` by default), secrets with mode 0600:

* ``nats.conf``: the node's nats-server (accounts LOCAL, COALITION, SYS; the leaf remote to the
  hub when ``--hub-leaf-url`` is given);
* ``node.env``: the node-wide ``CONCORDIA_*`` settings (node, key, tokens file, databases);
* ``<service>.env``: that service's ``CONCORDIA_NATS_URL`` (LOCAL user) and
  ``CONCORDIA_NATS_SHARED_URL`` (COALITION user), one per service for least privilege;
* ``node.key``, ``tokens.json`` (hashed API tokens, empty), ``node.json`` (ports, the public
  signing key and its fingerprint, no secret);
* ``identity.key`` (0600): the node's Ed25519 signing key; only its public half leaves the node
  (``concordia.cli.identity``);
* ``hub-join.json``: what ``concordia hub add-node`` needs (code, name, leaf password, public key);
* ``hub-ca.pem``: a copy of the hub's leaf CA (``--hub-ca``); the leaf remote is then TLS and
  verifies the hub's certificate. Without it the remote is plain, and the command warns.
  With it the node also makes its leaf client key ``leaf-client-key.pem`` (0600, kept by
  ``--force``) and puts a certificate request for it in ``hub-join.json`` (``leaf_csr``); the
  remote presents ``leaf-client.pem``, the certificate ``hub add-node`` issues, once installed
  (``concordia node install-leaf-cert``, which rewrites ``nats.conf``): the hub refuses a leaf
  without one. Until then the node runs alone.

A second run refuses to overwrite; ``--force`` regenerates every password (the hub must then
``add-node --force`` the new ``hub-join.json``) but keeps the node key, which encrypts data,
and the signing key (``concordia node rotate-identity`` changes that one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from concordia.cli._layout import node_key, write_json, write_private
from concordia.cli._leaftls import (
    CLIENT_CERT,
    CLIENT_KEY,
    client_csr,
    ensure_client_key,
    fingerprint,
    install_client_cert,
)
from concordia.cli._natsconf.base import check_code, is_tls_url
from concordia.cli._natsconf.node import NodeNats, NodePasswords, node_config
from concordia.cli._natsconf.text import render
from concordia.cli.identity import DIRECTORY_FILE, IDENTITY_KEY, identity_key

app = typer.Typer(help="Set up a country node.", no_args_is_help=True)


class AlreadyInitialisedError(RuntimeError):
    """The directory already holds a node or hub; pass ``force`` to regenerate it."""


@dataclass(frozen=True)
class NodeFiles:
    """The files ``init_node`` wrote.

    Example::

        files = init_node(Path("var/se"), "se", "Sweden", port=4300, monitor_port=8300)
        env = service_env(files.root, "registry")   # every CONCORDIA_* the registry needs
    """

    root: Path
    nats: NodeNats

    @property
    def conf(self) -> Path:
        """``nats.conf``."""
        return self.root / "nats.conf"

    @property
    def join(self) -> Path:
        """``hub-join.json``."""
        return self.root / "hub-join.json"


def env_text(values: dict[str, str]) -> str:
    """``KEY=value`` lines (values quoted when needed), as ``env``/docker ``--env-file`` read."""
    return "".join(f"{key}={value}\n" for key, value in values.items())


def read_env(path: Path) -> dict[str, str]:
    """The ``KEY=value`` lines of an env file."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value for key, value in pairs}


def service_env(root: Path, service: str) -> dict[str, str]:
    """Every ``CONCORDIA_*`` setting of one service of the node in ``root``."""
    return read_env(root / "node.env") | read_env(root / f"{service}.env")


def read_passwords(root: Path) -> NodePasswords | None:
    """The passwords of the node in ``root`` (its ``nats.conf``); fresh ones for new users."""
    try:
        text = (root / "nats.conf").read_text()
        start = text.index("accounts: ") + len("accounts: ")
        accounts, _ = json.JSONDecoder().raw_decode(text, start)
        join = json.loads((root / "hub-join.json").read_text())
    except (OSError, ValueError):
        return None
    users = {u["user"]: u["password"] for a in accounts.values() for u in a.get("users", [])}
    users["leaf"] = join["leaf_password"]
    fresh = NodePasswords.generate().users
    return NodePasswords({name: users.get(name, secret) for name, secret in fresh.items()})


def init_node(
    root: Path,
    code: str,
    name: str,
    *,
    hub_leaf_url: str | None = None,
    host: str = "127.0.0.1",
    port: int = 4222,
    monitor_port: int = 8222,
    hub_ca: Path | None = None,
    passwords: NodePasswords | None = None,
    force: bool = False,
) -> NodeFiles:
    """Write a node's configuration, credentials and settings into ``root``.

    ``hub_ca``: the hub's leaf CA certificate, copied to ``hub-ca.pem``; the remote is then TLS.
    ``passwords``: keep these (a rewrite for new ports or TLS); by default fresh ones.
    """
    code = check_code(code)
    if (root / "nats.conf").exists() and not force:
        raise AlreadyInitialisedError(f"{root} already holds node files; pass --force to redo")
    root = root.resolve()
    ca_file: str | None = None
    client: tuple[str, str] | None = None
    if hub_ca is not None and hub_leaf_url is not None:
        root.mkdir(parents=True, exist_ok=True)
        copy = root / "hub-ca.pem"
        if hub_ca.resolve() != copy:
            copy.write_bytes(hub_ca.read_bytes())
        ca_file = str(copy)
        ensure_client_key(root)
        if (root / CLIENT_CERT).exists():  # installed: the remote presents it
            client = (str(root / CLIENT_CERT), str(root / CLIENT_KEY))
    nats = NodeNats(
        code, port, monitor_port, root / "nats", passwords or NodePasswords.generate(),
        hub_leaf_url, host, hub_ca_file=ca_file, hub_client=client,
    )  # fmt: skip
    header = f"nats-server of Concordia node {code} ({name}), written by `concordia node init`."
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o700)  # its SQLite files hold personal data
    (root / "nats").mkdir(parents=True, exist_ok=True, mode=0o700)
    conf = node_config(nats) | {"pid_file": str(root / "nats" / "nats-server.pid")}
    write_private(root / "nats.conf", render(conf, header=header))
    key = node_key(root / "node.key")
    tokens = root / "tokens.json"
    if not tokens.exists():
        write_json(tokens, {"tokens": {}}, private=True)
    signing = identity_key(root).public
    node_env = {"CONCORDIA_ENV": "prod", "CONCORDIA_NODE": code, "CONCORDIA_NODE_KEY": key}
    node_env["CONCORDIA_TOKENS_FILE"] = str(tokens)
    node_env["CONCORDIA_IDENTITY_KEY_FILE"] = str(root / IDENTITY_KEY)
    node_env["CONCORDIA_IDENTITY_DIRECTORY_FILE"] = str(root / DIRECTORY_FILE)
    for service in nats.services:
        prefix = f"CONCORDIA_{service.upper()}_"
        node_env[f"{prefix}DATABASE_URL"] = f"sqlite:///{root / f'{service}.db'}"
    write_private(root / "node.env", env_text(node_env))
    for service in nats.services:
        urls = {
            "CONCORDIA_NATS_URL": nats.client_url(service),
            "CONCORDIA_NATS_SHARED_URL": nats.client_url(f"{service}-shared"),
        }
        write_private(root / f"{service}.env", env_text(urls))
    join = {"code": code, "name": name, "leaf_user": f"leaf-{code}"}
    join["leaf_password"] = nats.passwords.users["leaf"]
    join |= {"public_key": signing.text, "fingerprint": signing.fingerprint}
    if ca_file is not None:  # the hub issues the leaf client certificate for this key
        join["leaf_csr"] = client_csr(root, code)
    write_private(root / "hub-join.json", json.dumps(join, indent=2) + "\n")
    public = {"code": code, "name": name, "host": host, "port": port}
    public |= {"monitor_port": monitor_port, "hub_leaf_url": hub_leaf_url}
    public["hub_ca"] = fingerprint(Path(ca_file)) if ca_file else None
    public["leaf_client"] = client is not None  # the remote presents its client certificate
    public |= {"public_key": signing.text, "fingerprint": signing.fingerprint}
    write_json(root / "node.json", public)
    return NodeFiles(root, nats)


@app.command("init")
def init(
    code: Annotated[str, typer.Option(help="Two-letter node code, e.g. se.")],
    name: Annotated[str, typer.Option(help="The country's name, e.g. Sweden.")],
    dir: Annotated[Path | None, typer.Option(help="Where to write (default var/<code>).")] = None,
    hub_leaf_url: Annotated[
        str | None, typer.Option(help="The hub's leaf URL, e.g. tls://hub.example:7422.")
    ] = None,
    hub_ca: Annotated[
        Path | None,
        typer.Option(help="The hub's leaf-ca.pem: the leaf connection is TLS, the hub verified."),
    ] = None,
    host: Annotated[str, typer.Option(help="Address nats-server listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="NATS client port.")] = 4222,
    monitor_port: Annotated[int, typer.Option(help="NATS monitoring port.")] = 8222,
    force: Annotated[bool, typer.Option(help="Regenerate every password (not the key).")] = False,
) -> None:
    """Write a country node's nats-server config, credentials, settings and key."""
    if hub_ca is not None and not hub_ca.is_file():
        raise typer.BadParameter(f"{hub_ca} is not a file", param_hint="--hub-ca")
    try:
        code = check_code(code)
        files = init_node(
            dir or Path("var") / code, code, name, hub_leaf_url=hub_leaf_url, host=host,
            port=port, monitor_port=monitor_port, hub_ca=hub_ca, force=force,
        )  # fmt: skip
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--code") from exc
    except AlreadyInitialisedError as exc:
        Console(stderr=True).print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console = Console(soft_wrap=True)
    console.print(f"Node [bold]{code}[/] ({name}) written to {files.root}:")
    for item in sorted(files.root.iterdir()):
        if item.is_file():
            console.print(f"  {item.name:<14} {oct(item.stat().st_mode & 0o777)}")
    console.print(f"Signing key fingerprint: {json.loads(files.join.read_text())['fingerprint']}")
    console.print(f"Start it: nats-server -c {files.conf}")
    console.print(f"Give {files.join} to the hub: concordia hub add-node {files.join}")
    if hub_ca is not None and hub_leaf_url is not None:
        console.print(
            "Then install the leaf client certificate the hub issues: concordia node "
            f"install-leaf-cert FILE --dir {files.root} (until then the hub refuses the leaf "
            "connection)."
        )
    if hub_leaf_url is None:
        console.print("No --hub-leaf-url: the node runs alone until it is given one.")
    elif hub_ca is None and not is_tls_url(hub_leaf_url):
        Console(stderr=True, soft_wrap=True).print(
            "[yellow]warning[/]: no --hub-ca: the leaf connection to the hub is NOT encrypted "
            "(passwords, aggregates and the charter travel in clear); a hub made by `concordia "
            "hub init` accepts TLS only. Pass --hub-ca <hub>/leaf-ca.pem."
        )


@app.command("install-leaf-cert")
def install_leaf_cert(
    cert: Annotated[Path, typer.Argument(help="The certificate `hub add-node` issued.")],
    dir: Annotated[Path, typer.Option(help="The node's directory (var/<code>).")],
) -> None:
    """Install the leaf client certificate the hub issued for this node's key (mutual TLS)."""
    try:
        path = install_leaf_certificate(dir, cert)
    except ValueError as exc:
        Console(stderr=True, soft_wrap=True).print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console = Console(soft_wrap=True)
    console.print(
        f"Installed {path}; {dir / 'nats.conf'} presents it. Restart (or start) the node's "
        "nats-server to connect."
    )


def install_leaf_certificate(root: Path, cert: Path) -> Path:
    """Install the hub's client certificate for this node and rewrite ``nats.conf`` to present
    it (passwords, keys and ports kept); ``ValueError`` when it is not for this node's key."""
    before = (root / CLIENT_CERT).read_bytes() if (root / CLIENT_CERT).exists() else None
    path = install_client_cert(root, cert)
    node = json.loads((root / "node.json").read_text())
    if before != path.read_bytes() or not node.get("leaf_client"):
        ca = root / "hub-ca.pem"
        init_node(
            root, node["code"], node["name"], hub_leaf_url=node.get("hub_leaf_url"),
            host=node["host"], port=node["port"], monitor_port=node["monitor_port"],
            hub_ca=ca if ca.exists() else None, passwords=read_passwords(root), force=True,
        )  # fmt: skip
    return path
