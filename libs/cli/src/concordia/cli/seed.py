"""``concordia seed``: clearly synthetic demo data, through the services' public HTTP APIs only.

Idempotent: persons and organisations are bulk-synced by external id (a second run reports them
unchanged), and only those missing are written: a demo record users edited keeps their edits, an
erased person stays erased, records users added are left alone. Permits and memberships are
added only while the registry has no permit yet. The ledger's donors are matched by identifier,
rates replaced, grants synced the same way (only the missing ones), and transactions and
activities added only where missing (by external id, by title). Where ``concordia up`` runs
them, the exchange gets its demo practices (unless the node has practices of its own) and the
evaluation its evaluators, conflicts and assessments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from concordia.cli import _demo, _funding
from concordia.cli._evaluation_seed import ADMIN_TOKEN, seed_evaluation_demo
from concordia.cli._exchangeseed import APPROVER_TOKEN, EDITOR_TOKEN, seed_exchange
from concordia.cli._layout import check_node, demo_tokens_file, endpoints_file, read_json
from concordia.cli._overlaps import seed_overlaps
from concordia.cli._seedhttp import (
    RECIPIENT_WAIT_SECONDS,
    SeedError,
    _check,
    _donor_ids,
    _sync_kept,
    _wait_for_recipients,
)

#: Name of the development token with registry:read and registry:write (not a secret).
DEMO_TOKEN = "agency"  # noqa: S105
#: The second agency's development token: its own persons, none of the first's.
SECOND_AGENCY_TOKEN = "agency-2"  # noqa: S105
#: Name of the development token with ledger:write and feed:read (not a secret).
DONOR_TOKEN = "donor"  # noqa: S105
#: The second donor's development token: its own donors and grants, none of the first's.
SECOND_DONOR_TOKEN = "donor-2"  # noqa: S105
#: The node operator's development token: every owner's records (registry:admin, ledger:admin).
OPERATOR_TOKEN = "operator"  # noqa: S105
#: The X-Purpose of the demo's registry requests: a code from the list, and a note.
DEMO_PURPOSE = "registration; demo seed"
#: Name of the development token with feed:read only, as a donor portal holds (not a secret).
PORTAL_TOKEN = "donor-portal"  # noqa: S105
#: Name of the development token with ops, which loads the ledger's EUR rates (not a secret).
OPS_TOKEN = "ops"  # noqa: S105


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


def organisation_count(persons: int) -> int:
    """How many demo organisations go with ``persons`` demo persons."""
    return max(5, persons // 25)


def seed_registry(
    *, url: str, token: str, node: str, persons: int = 300, today: date | None = None
) -> SeedSummary:
    """Seed one node's registry at ``url`` with the agency ``token``; safe to repeat."""
    summary = SeedSummary()
    people = _demo.persons(node, persons)
    orgs = _demo.organisations(node, organisation_count(persons))
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": DEMO_PURPOSE}
    with httpx.Client(base_url=url, headers=headers, timeout=120.0) as client:
        # Whatever users did to the demo data since a previous run stays as they left it.
        summary.organisations, org_ids = _sync_kept(client, "organisations", orgs)
        summary.persons, person_ids = _sync_kept(client, "persons", people)
        existing = _check(client.get("/v1/permits", params={"limit": 1}), "listing permits")
        if existing["items"]:
            summary.permits_skipped = True
            return summary
        held = [p for p in people if p["external_id"] in person_ids]  # erased ones left out
        pairs = [(person_ids[p["external_id"]], p) for p in held]
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


@dataclass
class LedgerSeedSummary:
    """What a ledger seed run did."""

    donors_added: int = 0
    rates: int = 0
    rates_skipped: bool = False
    grants: dict[str, int] = field(default_factory=dict)
    transactions: int = 0
    activities: int = 0

    def describe(self) -> str:
        """One human line."""
        grants = ", ".join(f"{v} {k}" for k, v in self.grants.items() if v) or "none"
        return (
            f"grants: {grants}; {self.donors_added} donors, {self.transactions} transactions "
            f"and {self.activities} activities added; "
            + ("EUR rates not loaded (no ops token)" if self.rates_skipped
               else f"{self.rates} EUR rates loaded")
        )  # fmt: skip


def _recorded_transactions(
    client: httpx.Client, grant_ids: dict[str, str], restricted: set[str]
) -> dict[str, set[str | None]]:
    """External ids of the transactions each grant already has, by grant id."""
    found: dict[str, set[str | None]] = {}
    after = 0
    while True:  # the feed holds every visible grant with its transactions, in few pages
        page = _check(
            client.get("/v1/feed/grants", params={"after": after, "limit": 10_000}), "the feed"
        )
        for item in page["items"]:
            found[item["id"]] = {t["external_id"] for t in item.get("transactions") or []}
        if len(page["items"]) < 10_000:
            break
        after = int(page["next"])
    for external_id in restricted:  # the feed never shows restricted grants
        grant_id = grant_ids[external_id]
        listed = _check(client.get(f"/v1/grants/{grant_id}/transactions"), "transactions")
        found[grant_id] = {t["external_id"] for t in listed}
    return found


def seed_ledger(
    *,
    url: str,
    token: str,
    node: str,
    persons: int = 300,
    grants: int = 100,
    wait: float = RECIPIENT_WAIT_SECONDS,
    ops_token: str | None = None,
) -> LedgerSeedSummary:
    """Seed one node's ledger at ``url`` with a ``ledger:write`` ``token``; safe to repeat.

    The grants go to the organisations ``seed_registry`` made for ``persons`` persons; the ledger
    learns them from the registry's events, so this waits up to ``wait`` seconds for them. EUR
    rates need an ``ops`` scope: they are loaded with ``ops_token``, and skipped without one.
    """
    summary = LedgerSeedSummary()
    donors = _funding.donors(node)
    orgs = _demo.organisations(node, organisation_count(persons))
    organisations = [o["identifier"] for o in orgs]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120.0) as client:
        donor_ids, summary.donors_added = _donor_ids(client, donors)
        if ops_token is None:
            summary.rates_skipped = True
        else:
            answer = client.put(
                "/v1/rates", json=_funding.rates(), headers={"Authorization": f"Bearer {ops_token}"}
            )
            summary.rates = _check(answer, "loading rates")["stored"]
        plan = _funding.grants(donor_ids, donors, organisations, grants)
        records = [g.record for g in plan]
        _wait_for_recipients(client, records, wait)
        summary.grants, grant_ids = _sync_kept(client, "grants", records)
        restricted = {g.external_id for g in plan if g.record["visibility"] == "restricted"}
        recorded = _recorded_transactions(client, grant_ids, restricted)
        for grant in plan:
            grant_id = grant_ids[grant.external_id]
            for body in grant.transactions:
                if body["external_id"] in recorded.get(grant_id, set()):
                    continue
                answer = client.post(f"/v1/grants/{grant_id}/transactions", json=body)
                if answer.status_code != 409:  # recorded meanwhile: fine on a repeated seed
                    _check(answer, "recording a transaction")
                    summary.transactions += 1
            if not grant.activities:
                continue
            path = f"/v1/grants/{grant_id}/activities"
            titles = {a["title"] for a in _check(client.get(path), "listing activities")}
            for body in grant.activities:
                if body["title"] not in titles:
                    _check(client.post(path, json=body), "recording an activity")
                    summary.activities += 1
    return summary


def seed(
    node: Annotated[str, typer.Option(help="The node to seed.")] = "se",
    var: Annotated[Path, typer.Option(help="The directory `concordia up` uses.")] = Path("var"),
    persons: Annotated[int, typer.Option(min=1, max=100_000, help="How many persons.")] = 300,
    grants: Annotated[int, typer.Option(min=1, max=5000, help="How many grants.")] = 100,
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
    ledger_url: Annotated[
        str | None,
        typer.Option(
            help="The ledger's base URL (default: from endpoints.json; no ledger data without)."
        ),
    ] = None,
    ledger_token: Annotated[
        str | None,
        typer.Option(
            envvar="CONCORDIA_LEDGER_TOKEN",
            help="A token with ledger:write (default: the demo donor token).",
        ),
    ] = None,
    ops_token: Annotated[
        str | None,
        typer.Option(
            envvar="CONCORDIA_OPS_TOKEN",
            help="A token with ops, to load EUR rates (default: the demo ops token).",
        ),
    ] = None,
    overlaps: Annotated[
        bool,
        typer.Option(help="Also plant the organisations funded in several nodes (needs a ledger)."),
    ] = False,
) -> None:
    """Load clearly synthetic demo data into a running registry (and ledger, exchange and
    evaluation, where `concordia up` runs them) through their APIs."""
    console = Console(soft_wrap=True)
    try:
        node = check_node(node)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--node") from exc
    endpoints = (read_json(endpoints_file(var)) or {}).get("nodes", {}).get(node, {})
    demo_tokens = (read_json(demo_tokens_file(var)) or {}).get(node, {})
    if url is None:
        url = endpoints.get("registry")
        if url is None:
            console.print(
                f"[red]No running registry of node {node} in {endpoints_file(var)}.[/] "
                "Start one with `concordia up`, or pass --url."
            )
            raise typer.Exit(1)
    if token is None:
        token = demo_tokens.get(DEMO_TOKEN)
        if token is None:
            console.print(
                f"[red]No demo token of node {node} in {demo_tokens_file(var)}.[/] Pass --token "
                "(a token with registry:read and registry:write)."
            )
            raise typer.Exit(1)
    ledger_url = ledger_url or endpoints.get("ledger")
    ledger_token = ledger_token or demo_tokens.get(DONOR_TOKEN)
    ops_token = ops_token or demo_tokens.get(OPS_TOKEN)
    if ledger_url is not None and ledger_token is None:
        console.print(
            f"[red]No donor token of node {node} in {demo_tokens_file(var)}.[/] Pass "
            "--ledger-token (a token with ledger:write)."
        )
        raise typer.Exit(1)
    try:
        summary = seed_registry(url=url, token=token, node=node, persons=persons)
        console.print(f"[green]Seeded[/] node {node} at {url}: {summary.describe()}")
        if ledger_url is not None and ledger_token is not None:
            funded = seed_ledger(
                url=ledger_url, token=ledger_token, node=node, persons=persons, grants=grants,
                ops_token=ops_token,
            )  # fmt: skip
            console.print(f"[green]Seeded[/] the ledger at {ledger_url}: {funded.describe()}")
            if overlaps:
                planted = seed_overlaps(
                    registry_url=url, registry_token=token, ledger_url=ledger_url,
                    ledger_token=ledger_token, node=node,
                )  # fmt: skip
                console.print(f"[green]Planted overlaps[/]: {planted.describe()}")
            if "evaluation" in endpoints and ADMIN_TOKEN in demo_tokens:
                assessed = seed_evaluation_demo(
                    endpoints | {"registry": url, "ledger": ledger_url}, demo_tokens,
                    registry_token=token, ledger_token=ledger_token, purpose=DEMO_PURPOSE,
                )  # fmt: skip
                console.print(f"[green]Seeded[/] the evaluation: {assessed.describe()}")
        # The exchange screens against the registry, so its practices come after the persons.
        if "exchange" in endpoints and {EDITOR_TOKEN, APPROVER_TOKEN} <= demo_tokens.keys():
            practices = seed_exchange(
                url=endpoints["exchange"], editor_token=demo_tokens[EDITOR_TOKEN],
                approver_token=demo_tokens[APPROVER_TOKEN], node=node,
            )  # fmt: skip
            console.print(f"[green]Seeded[/] the exchange: {practices.describe()}")
    except (SeedError, httpx.HTTPError) as exc:
        console.print(f"[red]Seeding failed:[/] {exc}")
        raise typer.Exit(1) from exc
