"""What ``concordia up`` prints once everything runs: URLs, where the tokens are, a few tries."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from concordia.cli._layout import (
    DEMO_OVERLAP_PURPOSE,
    DEMO_OVERLAP_ROUND_SECONDS,
    HUB_CODE,
    demo_tokens_file,
    endpoints_file,
)
from concordia.cli.seed import DEMO_TOKEN, PORTAL_TOKEN
from concordia.events import quarter_of


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _table(endpoints: dict[str, Any]) -> Table:
    """One row per service: node, service, where to look."""
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("node", "service", "open"):
        table.add_column(column, no_wrap=True)
    places = list(endpoints["nodes"].items())
    if "hub" in endpoints:
        places.append((HUB_CODE, endpoints["hub"]))
    for node, services in places:
        first = True
        for name, url in services.items():
            if name == "leaf":
                continue
            shown = url if name == "nats" else f"{url}/docs"
            if name == "nats" and "leaf" in services:
                shown = f"{url}  (leaf {services['leaf']})"
            table.add_row(node if first else "", name, shown)
            first = False
    return table


def banner(
    console: Console, var: Path, endpoints: dict[str, Any], tokens: dict[str, dict[str, str]]
) -> None:
    """Announce the running coalition (or lone nodes) in a screenful."""
    nodes = list(endpoints["nodes"])
    hub = endpoints.get("hub")
    console.print()
    what = f"the hub and {', '.join(nodes)}" if hub else f"node {', '.join(nodes)}"
    console.print(f"[bold green]Concordia is running: {what}.[/]")
    console.print(_table(endpoints))
    first = nodes[0]
    registry, ledger = endpoints["nodes"][first]["registry"], endpoints["nodes"][first]["ledger"]
    console.print(f"  Funding feed  {ledger}/v1/feed/grants  (each node's ledger)")
    if hub:
        console.print(f"  Dashboard     {hub['hub']}/dashboard  (sign in with the hub:read token)")
    label = "  Consoles    "
    for node, services in endpoints["nodes"].items():
        urls = "  ".join(f"{u}/console" for n, u in services.items() if n not in ("nats", "leaf"))
        console.print(f"{label}  {node}  {urls}")
        label = " " * len(label)
    console.print("                (sign in with a node token: each shows what its scopes allow)")
    if hub:
        console.print(f"  Hub           {hub['hub']}/v1/nodes")
        period = quarter_of(date.today())
        console.print(f"                {hub['hub']}/v1/coalition/indicators?period={period}")
        console.print(f"                {hub['hub']}/v1/aggregates")
        overlaps = f"/v1/overlaps?period={period}&purpose={DEMO_OVERLAP_PURPOSE}"
        console.print(
            f"                {hub['hub']}{overlaps}  (counts of the overlap rounds, every "
            f"{DEMO_OVERLAP_ROUND_SECONDS // 60} min)"
        )
        console.print(f"  Overlaps      {ledger}{overlaps}  (which of this node's grantees)")
    hub_names = ", hub: hub:read, hub:admin" if hub else ""
    console.print(
        f"  Tokens        {_shown(demo_tokens_file(var))}  (plain development tokens, this "
        f"local demo only; per node: agency, agency-2, donor, donor-2, donor-portal, operator, …"
        f"{hub_names})"
    )
    agency, portal = tokens[first][DEMO_TOKEN], tokens[first][PORTAL_TOKEN]
    console.print(
        f'  Try           curl -H "Authorization: Bearer {agency}" -H "X-Purpose: audit" '
        f'"{registry}/v1/persons?limit=5"'
    )
    console.print(
        f'                curl -H "Authorization: Bearer {portal}" '
        f'"{ledger}/v1/feed/grants?limit=5"'
    )
    if hub:
        reader = tokens[HUB_CODE]["hub:read"]
        console.print(
            f'                curl -H "Authorization: Bearer {reader}" "{hub["hub"]}/v1/nodes"'
        )
    shown = _shown(endpoints_file(var))
    console.print(f"  Endpoints     {shown}  (`concordia status` checks them)")
    console.print("Press Ctrl-C to stop.")
    console.file.flush()
