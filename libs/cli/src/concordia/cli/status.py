"""``concordia status``: ask every service of the running demo (hub and nodes) if it is ready."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
from rich.console import Console
from rich.table import Table

from concordia.cli._layout import endpoints_file, read_json


def probe_http(client: httpx.Client, base_url: str) -> tuple[bool, str]:
    """GET ``<base_url>/readyz``: whether it answered 200, and what it said."""
    try:
        answer = client.get(f"{base_url.rstrip('/')}/readyz")
    except httpx.HTTPError as exc:
        return False, f"unreachable ({type(exc).__name__})"
    try:
        checks = answer.json()
        detail = ", ".join(f"{k}: {v}" for k, v in checks.items())
    except ValueError:
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


def status(
    var: Annotated[Path, typer.Option(help="The directory `concordia up` uses.")] = Path("var"),
) -> None:
    """Show whether the hub and each node's services are ready (exit 1 if any is not)."""
    console = Console(soft_wrap=True)
    path = endpoints_file(var)
    endpoints = read_json(path)
    if not endpoints or not endpoints.get("nodes"):
        console.print(f"Nothing is running: no {path}. Start the demo with `concordia up`.")
        raise typer.Exit(1)
    table = Table(title=f"Concordia services ({path})")
    for column in ("node", "service", "url", "ready", "detail"):
        table.add_column(column, overflow="fold")
    all_ready = True
    places = sorted(endpoints["nodes"].items())
    if endpoints.get("hub"):
        places.insert(0, ("hub", endpoints["hub"]))
    with httpx.Client(timeout=3.0) as client:
        for node, services in places:
            for name, url in services.items():
                is_nats = name in ("nats", "leaf")
                ready, detail = probe_nats(url) if is_nats else probe_http(client, url)
                all_ready &= ready
                mark = "[green]yes[/]" if ready else "[red]no[/]"
                table.add_row(node, name, url, mark, detail)
    console.print(table)
    if not all_ready:
        raise typer.Exit(1)
