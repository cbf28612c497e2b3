"""``concordia hub init`` and ``concordia hub add-node``: the hub's nats-server and its countries.

``hub init`` writes ``hub.json`` (ports and every password; 0600) and ``nats.conf``. ``hub
add-node`` adds one country from its ``hub-join.json``: an account ``<CODE>`` with users
``leaf-<code>`` and ``hub-<code>``, ``nodes/<code>.json`` for the hub service (its NATS URL in
that account), a regenerated ``nats.conf``, and a reload signal to a running hub nats-server.
Adding accounts and users is a reload: the other countries' leaf connections stay up.

``hub init`` also makes the leaf listener TLS only (``_leaftls``): a private CA, made once and
kept, whose certificate ``leaf-ca.pem`` every node is given (``concordia node init --hub-ca``).
The listener requires a client certificate of that CA (mutual TLS): ``hub add-node`` issues it
from the node's certificate request (``leaf_csr`` in ``hub-join.json``), and the node installs
it (``concordia node install-leaf-cert``).
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from concordia.cli._layout import write_private
from concordia.cli._leaftls import (
    LeafTls,
    ensure_leaf_tls,
    issue_client_cert,
    issued_cert,
    wanted_names,
)
from concordia.cli._natsconf.base import (
    check_code,
    country_stream_name,
    password,
    with_credentials,
)
from concordia.cli._natsconf.hub import Country, HubNats, country_account, hub_config
from concordia.cli._natsconf.text import render
from concordia.cli.nodeinit import AlreadyInitialisedError
from concordia.identity import PublicKey

app = typer.Typer(help="Set up the coalition hub's broker.", no_args_is_help=True)
DirOpt = Annotated[Path, typer.Option(help="The hub's directory.")]


def load_hub(root: Path) -> HubNats:
    """The hub described by ``root/hub.json``."""
    data = json.loads((root / "hub.json").read_text())
    countries = tuple(Country(**c) for c in data.pop("countries"))
    data["leaf_hosts"] = tuple(data.get("leaf_hosts", ()))
    tls = LeafTls.at(root)
    leaf_tls = (str(tls.cert), str(tls.key)) if tls.present() else None
    client_ca = str(tls.ca_cert) if tls.present() else None
    return HubNats(
        **data, store_dir=root / "nats", countries=countries, leaf_tls=leaf_tls,
        leaf_client_ca=client_ca,
    )  # fmt: skip


def secure_leaf(root: Path, hub: HubNats) -> HubNats:
    """``hub`` with its leaf listener on TLS: the CA made once, the certificate for its names."""
    tls = ensure_leaf_tls(root, wanted_names(hub.host, hub.leaf_hosts))
    return replace(hub, leaf_tls=(str(tls.cert), str(tls.key)), leaf_client_ca=str(tls.ca_cert))


def save_hub(root: Path, hub: HubNats) -> None:
    """Write ``hub.json`` and ``nats.conf`` for ``hub``."""
    state: dict[str, Any] = asdict(hub)
    state.pop("store_dir")
    state.pop("leaf_tls")  # follows the files under root/tls
    state.pop("leaf_client_ca")
    write_private(root / "hub.json", json.dumps(state, indent=2, sort_keys=True) + "\n")
    pid_file(root).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_private(root / "nats.conf", hub_conf_text(root, hub))


def hub_conf_text(root: Path, hub: HubNats) -> str:
    """The hub's ``nats.conf`` as ``save_hub`` writes it for ``hub``."""
    conf = hub_config(hub) | {"pid_file": str(pid_file(root))}
    header = "nats-server of the Concordia hub, written by `concordia hub init|add-node`."
    return render(conf, header=header)


def pid_file(root: Path) -> Path:
    """Where a running hub nats-server keeps its process id."""
    return root / "nats" / "nats-server.pid"


def init_hub(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 4222,
    monitor_port: int = 8222,
    leaf_port: int = 7422,
    leaf_hosts: tuple[str, ...] = (),
    force: bool = False,
) -> HubNats:
    """Write a hub with no country yet into ``root``; its leaf CA is made once and kept."""
    if (root / "hub.json").exists() and not force:
        raise AlreadyInitialisedError(f"{root} already holds a hub; pass --force to redo")
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o700)  # its database and passwords are the hub's alone
    hub = HubNats(port, monitor_port, leaf_port, root / "nats", password(), (), host, leaf_hosts)
    hub = secure_leaf(root, hub)
    save_hub(root, hub)
    return hub


def add_node(
    root: Path, code: str, name: str, leaf_password: str, *, force: bool = False,
    public_key: str | None = None, leaf_csr: str | None = None,
) -> Path:  # fmt: skip
    """Add (or, with ``force``, replace) a country; return its ``nodes/<code>.json``.

    ``public_key``: the node's signing key (``ed25519:…``, from its ``hub-join.json``): the hub
    checks the signatures it collects with it and shows its fingerprint.
    ``leaf_csr``: the node's leaf certificate request (``hub-join.json``): the hub's CA issues
    its client certificate (``issued/<code>-leaf-client.pem``, kept while current for that
    key), which the node installs; the hub's leaf listener refuses a leaf without one.
    """
    root = root.resolve()
    code = check_code(code)
    hub = load_hub(root)
    known = {c.code: c for c in hub.countries}
    if public_key is not None:
        PublicKey.parse(public_key)  # ValueError naming the form
    if code in known and not force:
        path = root / "nodes" / f"{code}.json"
        if known[code].leaf_password == leaf_password:
            if public_key is not None and path.exists():  # a rotated key: the same join
                node = json.loads(path.read_text())
                if node.get("public_key") != public_key:
                    node["public_key"] = public_key
                    write_private(path, json.dumps(node, indent=2) + "\n")
            if leaf_csr is not None:  # a certificate for its (possibly new) key
                issue_client_cert(root, code, leaf_csr)
            return path  # the same join again: nothing else to do
        raise AlreadyInitialisedError(f"{code} is already a member; pass --force to replace it")
    if leaf_csr is not None:
        issue_client_cert(root, code, leaf_csr)  # ValueError: not a request of leaf-<code>
    country = Country(code, name, leaf_password, password())
    countries = (*tuple(c for c in hub.countries if c.code != code), country)
    hub = replace(hub, countries=countries)
    save_hub(root, hub)
    host = "127.0.0.1" if hub.host in ("0.0.0.0", "") else hub.host  # noqa: S104
    url = f"nats://{host}:{hub.port}"
    node = {"code": code, "name": name, "account": country_account(code)}
    node |= {"stream": country_stream_name(code), "nats_user": f"hub-{code}"}
    node["nats_url"] = with_credentials(url, f"hub-{code}", country.service_password)
    if public_key is not None:
        node["public_key"] = public_key
    path = root / "nodes" / f"{code}.json"
    write_private(path, json.dumps(node, indent=2) + "\n")
    reload_hub(root)
    return path


def reload_hub(root: Path) -> bool:
    """Signal a running hub nats-server to reload its configuration; False when none runs."""
    try:
        pid = int(pid_file(root).read_text().strip())
        os.kill(pid, signal.SIGHUP)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return False
    return True


@app.command("init")
def init(
    dir: DirOpt = Path("var/hub"),
    host: Annotated[str, typer.Option(help="Address nats-server listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="NATS client port.")] = 4222,
    monitor_port: Annotated[int, typer.Option(help="NATS monitoring port.")] = 8222,
    leaf_port: Annotated[int, typer.Option(help="Port the nodes' leaf connections reach.")] = 7422,
    leaf_host: Annotated[
        list[str] | None,
        typer.Option(help="A name or address nodes reach the hub by (its TLS certificate)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Start over (forgets every country).")] = False,
) -> None:
    """Write the hub's nats-server config (JetStream domain hub, TLS leaf listener)."""
    try:
        init_hub(
            dir, host=host, port=port, monitor_port=monitor_port, leaf_port=leaf_port,
            leaf_hosts=tuple(leaf_host or ()), force=force,
        )  # fmt: skip
    except AlreadyInitialisedError as exc:
        Console(stderr=True).print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console = Console(soft_wrap=True)
    console.print(f"Hub written to {dir.resolve()} (hub.json, nats.conf).")
    ca = dir.resolve() / "leaf-ca.pem"
    console.print(f"Leaf listener TLS only; give every node the CA certificate {ca}.")
    console.print(
        f"Nodes join with --hub-leaf-url tls://<this host>:{leaf_port} --hub-ca leaf-ca.pem"
    )
    console.print(f"Start it: nats-server -c {dir.resolve() / 'nats.conf'}")


@app.command("add-node")
def add_node_command(
    join: Annotated[Path | None, typer.Argument(help="The node's hub-join.json.")] = None,
    code: Annotated[str | None, typer.Option(help="Node code, without a join file.")] = None,
    name: Annotated[str | None, typer.Option(help="Country name, without a join file.")] = None,
    password_: Annotated[
        str | None, typer.Option("--password", help="The node's leaf password.")
    ] = None,
    dir: DirOpt = Path("var/hub"),
    force: Annotated[bool, typer.Option(help="Replace a member's credentials.")] = False,
) -> None:
    """Add a country to the hub; a running hub reloads without dropping the others."""
    public_key: str | None = None
    leaf_csr: str | None = None
    if join is not None:
        data = json.loads(join.read_text())
        code, name, password_ = data["code"], data.get("name", data["code"]), data["leaf_password"]
        public_key, leaf_csr = data.get("public_key"), data.get("leaf_csr")
    if code is None or password_ is None:
        raise typer.BadParameter(
            "give a hub-join.json, or --code and --password", param_hint="JOIN"
        )
    if not (dir / "hub.json").exists():
        raise typer.BadParameter(
            f"no hub in {dir}: run `concordia hub init` first", param_hint="--dir"
        )
    try:
        path = add_node(
            dir, code, name or code, password_, force=force, public_key=public_key,
            leaf_csr=leaf_csr,
        )  # fmt: skip
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--code") from exc
    except AlreadyInitialisedError as exc:
        Console(stderr=True).print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console = Console(soft_wrap=True)
    console.print(f"Country [bold]{code}[/] added: account {country_account(code)}, {path}.")
    if public_key is not None:
        console.print(
            f"Its signing key's fingerprint: {PublicKey.parse(public_key).fingerprint} "
            "(confirm it with that country out of band)."
        )
    if leaf_csr is not None:
        console.print(
            f"Its leaf client certificate: {issued_cert(dir, code)}. Give it to that country: "
            f"`concordia node install-leaf-cert FILE --dir var/{code}` (the hub refuses a leaf "
            "without one)."
        )
    else:
        console.print(
            "[yellow]No leaf certificate request (a join file from `concordia node init "
            "--hub-ca` carries one)[/]: this node cannot connect until it has a certificate."
        )
    running = "reloaded" if pid_file(dir).exists() else "not running; start it to apply"
    console.print(f"Hub nats-server {running}.")
