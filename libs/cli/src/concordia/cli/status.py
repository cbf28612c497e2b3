"""``concordia status``: ask every service of the running demo (hub and nodes) if it is ready."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
import typer
from rich.console import Console
from rich.table import Table

from concordia.cli._layout import endpoints_file, read_json
from concordia.cli.identity import DIRECTORY_FILE, pinned
from concordia.identity import DirectoryPin


def probe_http(client: httpx.Client, base_url: str) -> tuple[bool, str]:
    """GET ``<base_url>/readyz``: whether it answered 200, and what it said."""
    try:
        answer = client.get(f"{base_url.rstrip('/')}/readyz")
    except httpx.HTTPError as exc:
        return False, f"unreachable ({type(exc).__name__})"
    try:
        body = answer.json()
        # Not ready: a problem (RFC 9457) whose ``checks`` says which check failed.
        checks = body.get("checks", body) if "status" in body else body
        detail = ", ".join(f"{k}: {v}" for k, v in checks.items())
    except (ValueError, AttributeError):
        detail = answer.text[:200]
    return answer.status_code == 200, f"{answer.status_code} {detail}".strip()


def probe_nats(url: str, timeout: float = 2.0) -> tuple[bool, str]:
    """Connect to a NATS URL and read the server's INFO greeting."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 4222), timeout) as sock:
            sock.settimeout(timeout)
            greeting = sock.recv(4096)
    except OSError as exc:
        return False, f"unreachable ({type(exc).__name__})"
    if not greeting.startswith(b"INFO "):
        return False, "answers, but not as a NATS server"
    return True, "accepts clients"


def identities(var: Path, codes: list[str]) -> Table:
    """Every node's signing-key fingerprint, and what the hub's and the node's directories say.

    Operators read these to each other out of band: a fingerprint that differs between a
    node's own file and a directory means a key nobody confirmed.
    """
    table = Table(title="Node keys (compare fingerprints out of band)")
    for column in ("node", "fingerprint", "hub directory", "pinned directory"):
        table.add_column(column, overflow="fold")
    hub_path = var / "hub" / DIRECTORY_FILE
    hub_keys = DirectoryPin.load(hub_path).keys() if hub_path.exists() else {}
    for code in codes:
        own = (read_json(var / code / "node.json") or {}).get("fingerprint")
        mine = pinned(var / code) if (var / code / DIRECTORY_FILE).exists() else None
        listed = hub_keys.get(code)
        hub_mark = "-" if listed is None else listed.fingerprint
        if listed is not None:
            hub_mark += "" if listed.fingerprint == own else " [red](differs)[/]"
        pin_mark = "-" if mine is None else f"serial {mine.directory.serial}"
        if mine is not None and (key := mine.keys().get(code)) and key.fingerprint != own:
            pin_mark += " [red](lists another key)[/]"
        table.add_row(code, own or "[red]none[/]", hub_mark, pin_mark)
    return table


Probes = list[tuple[str, str, str]]


def _places(var: Path, urls: list[str]) -> tuple[Path | None, Probes]:
    """What to probe, as (node, service, URL): the given URLs, else every service that
    ``concordia up`` wrote down."""
    if urls:
        return None, [("-", _service_of(url), url) for url in urls]
    path = endpoints_file(var)
    endpoints = read_json(path)
    if not endpoints or not endpoints.get("nodes"):
        return path, []
    places = sorted(endpoints["nodes"].items())
    if endpoints.get("hub"):
        places.insert(0, ("hub", endpoints["hub"]))
    return path, [(node, name, url) for node, services in places for name, url in services.items()]


def _service_of(url: str) -> str:
    return "nats" if urlsplit(url).scheme in ("nats", "tls") else "http"


UrlsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--url",
        help="A service's base URL (http://…) or a broker's (nats://…) to probe instead of the "
        "demo's: a node that is not the demo (repeat).",
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print every probe as JSON on standard output.")
]


def status(
    var: Annotated[Path, typer.Option(help="The directory `concordia up` uses.")] = Path("var"),
    url: UrlsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show whether the hub and each node's services are ready (exit 1 if any is not)."""
    console = Console(soft_wrap=True)
    path, places = _places(var, list(url or []))
    if not places:
        if as_json:
            typer.echo(json.dumps({"services": [], "error": f"nothing is running: no {path}"}))
        else:
            console.print(f"Nothing is running: no {path}. Start the demo with `concordia up`.")
        raise typer.Exit(1)
    rows: list[dict[str, Any]] = []
    with httpx.Client(timeout=3.0) as client:
        for node, name, address in places:
            is_nats = name in ("nats", "leaf")
            ready, detail = probe_nats(address) if is_nats else probe_http(client, address)
            rows.append({"node": node, "service": name, "url": address, "ready": ready,
                         "detail": detail})  # fmt: skip
    all_ready = all(row["ready"] for row in rows)
    if as_json:
        typer.echo(json.dumps({"ready": all_ready, "services": rows}, indent=2))
    else:
        table = Table(title=f"Concordia services ({path or 'given URLs'})")
        for column in ("node", "service", "url", "ready", "detail"):
            table.add_column(column, overflow="fold")
        for row in rows:
            mark = "[green]yes[/]" if row["ready"] else "[red]no[/]"
            table.add_row(row["node"], row["service"], row["url"], mark, row["detail"])
        console.print(table)
        if path is not None:
            endpoints = read_json(path) or {}
            console.print(identities(var, sorted(endpoints.get("nodes", {}))))
    if not all_ready:
        raise typer.Exit(1)
