"""``concordia seed``: clearly synthetic demo data, through the registry's public HTTP API only.

Idempotent: persons and organisations are bulk-synced by external id (a second run reports them
unchanged); permits and memberships are added only while the registry has no permit yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console

from concordia.cli import _demo
from concordia.cli._layout import check_node, demo_tokens_file, endpoints_file, read_json

SYNC_BATCH = 1000
#: Name of the development token with registry:read and registry:write (not a secret).
DEMO_TOKEN = "agency"  # noqa: S105


class SeedError(RuntimeError):
    """The registry refused demo data or could not be reached."""


@dataclass
class SeedSummary:
    """What a seed run did: sync counts per entity, and records added one by one."""

    organisations: dict[str, int] = field(default_factory=dict)
    persons: dict[str, int] = field(default_factory=dict)
    permits: int = 0
    memberships: int = 0
    permits_skipped: bool = False

    def describe(self) -> str:
        """One human line."""

        def counts(c: dict[str, int]) -> str:
            return ", ".join(f"{v} {k}" for k, v in c.items() if v) or "none"

        extra = (
            "permits already present, left as they are"
            if self.permits_skipped
            else f"{self.permits} permits and {self.memberships} memberships added"
        )
        return (
            f"persons: {counts(self.persons)}; organisations: {counts(self.organisations)}; {extra}"
        )


def _check(answer: httpx.Response, what: str) -> Any:
    if answer.status_code >= 400:
        raise SeedError(f"{what} failed: {answer.status_code} {answer.text[:500]}")
    return answer.json()


def _sync(client: httpx.Client, kind: str, records: list[dict[str, Any]]) -> tuple[
    dict[str, int], dict[str, str]
]:  # fmt: skip
    """Bulk-sync ``records``; returns the counts and the id of each external id."""
    counts: dict[str, int] = {}
    ids: dict[str, str] = {}
    for start in range(0, len(records), SYNC_BATCH):
        batch = records[start : start + SYNC_BATCH]
        report = _check(client.put(f"/v1/sync/{kind}", json={"records": batch}), f"sync {kind}")
        for name, value in report["counts"].items():
            counts[name] = counts.get(name, 0) + value
        rejected = [r for r in report["results"] if r["status"] == "rejected"]
        if rejected:
            first = rejected[0]
            raise SeedError(f"the registry rejected {len(rejected)} {kind}, e.g. {first}")
        ids.update({r["external_id"]: r["id"] for r in report["results"]})
    return counts, ids


def seed_registry(
    *, url: str, token: str, node: str, persons: int = 300, today: date | None = None
) -> SeedSummary:
    """Seed one node's registry at ``url`` with the agency ``token``; safe to repeat."""
    summary = SeedSummary()
    people = _demo.persons(node, persons)
    orgs = _demo.organisations(node, max(5, persons // 25))
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "demo seed"}
    with httpx.Client(base_url=url, headers=headers, timeout=120.0) as client:
        summary.organisations, org_ids = _sync(client, "organisations", orgs)
        summary.persons, person_ids = _sync(client, "persons", people)
        existing = _check(client.get("/v1/permits", params={"limit": 1}), "listing permits")
        if existing["items"]:
            summary.permits_skipped = True
            return summary
        pairs = [(person_ids[p["external_id"]], p) for p in people]
        for body in _demo.permits(pairs, today or date.today()):
            _check(client.post("/v1/permits", json=body), "recording a permit")
            summary.permits += 1
        orgs_typed = [(org_ids[o["external_id"]], o["type"]) for o in orgs]
        for org_id, body in _demo.memberships(orgs_typed, [pid for pid, _ in pairs]):
            answer = client.post(f"/v1/organisations/{org_id}/members", json=body)
            if answer.status_code != 409:  # already a member: fine on a repeated seed
                _check(answer, "adding a member")
                summary.memberships += 1
    return summary


def seed(
    node: Annotated[str, typer.Option(help="The node to seed.")] = "se",
    var: Annotated[Path, typer.Option(help="The directory `concordia up` uses.")] = Path("var"),
    persons: Annotated[int, typer.Option(min=1, max=100_000, help="How many persons.")] = 300,
    url: Annotated[
        str | None, typer.Option(help="The registry's base URL (default: from endpoints.json).")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CONCORDIA_TOKEN",
            help="A token with registry:read and registry:write (default: the demo token).",
        ),
    ] = None,
) -> None:
    """Load clearly synthetic demo data into a running registry through its HTTP API."""
    console = Console(soft_wrap=True)
    try:
        node = check_node(node)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--node") from exc
    if url is None:
        endpoints = read_json(endpoints_file(var)) or {}
        url = endpoints.get("nodes", {}).get(node, {}).get("registry")
        if url is None:
            console.print(
                f"[red]No running registry of node {node} in {endpoints_file(var)}.[/] "
                "Start one with `concordia up`, or pass --url."
            )
            raise typer.Exit(1)
    if token is None:
        token = (read_json(demo_tokens_file(var)) or {}).get(node, {}).get(DEMO_TOKEN)
        if token is None:
            console.print(
                f"[red]No demo token of node {node} in {demo_tokens_file(var)}.[/] Pass --token "
                "(a token with registry:read and registry:write)."
            )
            raise typer.Exit(1)
    try:
        summary = seed_registry(url=url, token=token, node=node, persons=persons)
    except (SeedError, httpx.HTTPError) as exc:
        console.print(f"[red]Seeding {url} failed:[/] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"[green]Seeded[/] node {node} at {url}: {summary.describe()}")
