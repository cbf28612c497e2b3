"""Planted overlaps for the overlap-detection demo: one synthetic organisation funded in several
nodes for the same purpose and quarters, so private set intersection has something to find.

Organisations ``XI-IATI-DEMO-SHARED-0001`` … carry the same identifier in every node that
registers them (``XI-IATI``, IATI's own register, is no country's). Each node funds its shared
ones and four of its own demo organisations for ``OVERLAP_PURPOSE`` through every quarter of
2026 and 2027, so its set for any of those quarters holds at least five grantees (the ledger's
``OVERLAP_MIN_SET_SIZE``).
Everything is keyed by external id, so seeding again reports it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from concordia.cli import _funding
from concordia.cli import _seedhttp as seed
from concordia.cli._demo import organisations
from concordia.cli._layout import DEMO_OVERLAP_PURPOSE as OVERLAP_PURPOSE

OVERLAP_START = date(2026, 1, 1)
OVERLAP_END = date(2027, 12, 31)  # 24 months: horizon "mid"
#: Shared organisation number -> the nodes funding it; a node not named here funds number 1.
SHARED: dict[int, tuple[str, ...]] = {1: ("se", "pl", "de"), 2: ("se", "pl"), 3: ("pl", "de"),
                                      4: ("se", "de")}  # fmt: skip
OWN = 4  # own demo organisations each node funds for the purpose (seed makes at least five)


def shared_identifier(number: int) -> str:
    """``XI-IATI-DEMO-SHARED-0001``: the same in every node."""
    return f"XI-IATI-DEMO-SHARED-{number:04d}"


def shared_numbers(node: str) -> list[int]:
    """The shared organisations ``node`` registers and funds."""
    known = {code for nodes in SHARED.values() for code in nodes}
    if node not in known:
        return [1]
    return [n for n, nodes in SHARED.items() if node in nodes]


def shared_organisations(node: str) -> list[dict[str, Any]]:
    """``OrganisationSync`` records of the shared organisations ``node`` registers."""
    return [
        {
            "external_id": f"DEMO-O-SHARED-{n:04d}",
            "identifier": shared_identifier(n),
            "name": f"Example Coalition Partner {n:02d}",
            "type": "independent_media",
            "focus": ["media_freedom"],
            "languages": ["ru", "en"],
            "registration_country": "LT",
        }
        for n in shared_numbers(node)
    ]


def overlap_grants(node: str, donor_id: str) -> list[_funding.DemoGrant]:
    """The node's grants for ``OVERLAP_PURPOSE``: shared organisations first, then its own."""
    recipients = [shared_identifier(n) for n in shared_numbers(node)]
    recipients += [o["identifier"] for o in organisations(node, OWN)]
    found = []
    for k, identifier in enumerate(recipients, start=1):
        record = {
            "donor_id": donor_id,
            "external_id": f"DEMO-OVERLAP-{k:04d}",
            "recipient": {"type": "organisation", "identifier": identifier},
            "title": f"Example overlap grant {k:02d}: core support for an exile newsroom",
            "description": "Synthetic demo grant planted for the overlap-detection demo: "
            "no real donor, recipient or money.",
            "purpose": OVERLAP_PURPOSE,
            "horizon": "mid",
            "goals": ["value_of_politics"],
            "gender_marker": 1,
            "start_date": OVERLAP_START.isoformat(),
            "end_date": OVERLAP_END.isoformat(),
            "visibility": "coalition",
        }
        commitment = {"type": 2, "amount": f"{40_000 + 5_000 * k}.00", "currency": "EUR",
                      "value_date": OVERLAP_START.isoformat(),
                      "external_id": f"DEMO-OVERLAP-T-{k:04d}-C",
                      "description": "Commitment (synthetic)."}  # fmt: skip
        found.append(_funding.DemoGrant(record, [commitment]))
    return found


@dataclass
class OverlapSummary:
    """What planting the overlaps did."""

    shared: list[str] = field(default_factory=list)
    organisations: dict[str, int] = field(default_factory=dict)
    grants: dict[str, int] = field(default_factory=dict)
    transactions: int = 0

    def describe(self) -> str:
        """One human line."""
        grants = ", ".join(f"{v} {k}" for k, v in self.grants.items() if v) or "none"
        return (
            f"{', '.join(self.shared)} shared; grants for {OVERLAP_PURPOSE} "
            f"{OVERLAP_START.year}-{OVERLAP_END.year}: {grants}; {self.transactions} "
            "transactions added"
        )


def seed_overlaps(
    *, registry_url: str, registry_token: str, ledger_url: str, ledger_token: str, node: str,
    wait: float = seed.RECIPIENT_WAIT_SECONDS,
) -> OverlapSummary:  # fmt: skip
    """Register the node's shared organisations and fund them (and four own ones); repeatable."""
    summary = OverlapSummary(shared=[shared_identifier(n) for n in shared_numbers(node)])
    headers = {
        "Authorization": f"Bearer {registry_token}",
        "X-Purpose": "funding_decision; demo seed",
    }
    with httpx.Client(base_url=registry_url, headers=headers, timeout=120.0) as client:
        shared = shared_organisations(node)
        summary.organisations, _ = seed._sync_kept(client, "organisations", shared)
    headers = {"Authorization": f"Bearer {ledger_token}"}
    with httpx.Client(base_url=ledger_url, headers=headers, timeout=120.0) as client:
        donor_ids, _ = seed._donor_ids(client, _funding.donors(node))
        plan = overlap_grants(node, donor_ids[0])
        records = [g.record for g in plan]
        seed._wait_for_recipients(client, records, wait)
        body = {"records": records}
        report = seed._check(client.put("/v1/sync/grants", json=body), "sync overlap grants")
        summary.grants = {k: v for k, v in report["counts"].items() if k != "rejected"}
        rejected = [r for r in report["results"] if r["status"] == "rejected"]
        if rejected:
            raise seed.SeedError(f"the ledger rejected {len(rejected)} grants, e.g. {rejected[0]}")
        ids = {r["external_id"]: r["id"] for r in report["results"]}
        for grant in plan:
            path = f"/v1/grants/{ids[grant.external_id]}/transactions"
            recorded = {t["external_id"] for t in seed._check(client.get(path), "transactions")}
            for txn in grant.transactions:
                if txn["external_id"] not in recorded:
                    answer = client.post(path, json=txn)
                    if answer.status_code != 409:  # recorded meanwhile
                        seed._check(answer, "recording a transaction")
                        summary.transactions += 1
    return summary
