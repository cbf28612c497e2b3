"""The HTTP side of seeding: checked calls, bulk syncs in batches, waiting for the ledger.

Shared by ``seed`` (registry and ledger demo data) and ``_overlaps`` (planted overlaps), so
neither imports the other.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from concordia.cli import _funding

SYNC_BATCH = 1000

#: How long the ledger may take to learn the seeded organisations from the registry's events.
RECIPIENT_WAIT_SECONDS = 60.0


class SeedError(RuntimeError):
    """The registry refused demo data or could not be reached."""


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


#: What a resumed seed reports for demo records the users changed (left as they are).
EDITED, ERASED = "kept as edited", "kept erased"


def _erased(result: dict[str, Any]) -> bool:
    """Whether a rejected sync result says the person was erased (and is never re-created)."""
    return any(e["loc"][:1] == ["external_id"] and "erased" in e["msg"] for e in result["errors"])


def _sync_kept(client: httpx.Client, kind: str, records: list[dict[str, Any]]) -> tuple[
    dict[str, int], dict[str, str]
]:  # fmt: skip
    """Bulk-sync only the ``records`` the service does not hold yet; keep what users did.

    A dry run first tells each record's fate: a demo record edited since (``updated``) keeps
    its edits, an erased person stays erased, records users added are not ours to touch. Only
    the missing ones are written. Returns the counts (``unchanged``, ``created``, ``kept as
    edited``, ``kept erased``) and the id of each external id still held (erased ones left out).
    Any other rejection is an error.
    """
    counts: dict[str, int] = {}
    ids: dict[str, str] = {}
    for start in range(0, len(records), SYNC_BATCH):
        batch = records[start : start + SYNC_BATCH]
        dry = client.put(f"/v1/sync/{kind}", params={"dry_run": "true"}, json={"records": batch})
        missing: list[dict[str, Any]] = []
        for record, result in zip(batch, _check(dry, f"checking {kind}")["results"], strict=True):
            status = result["status"]
            if status == "rejected" and _erased(result):
                status = ERASED
            elif status == "rejected":
                raise SeedError(f"{kind}: a demo record was rejected, e.g. {result}")
            elif status == "created":
                missing.append(record)
                continue
            else:
                ids[result["external_id"]] = result["id"]
                status = EDITED if status == "updated" else status
            counts[status] = counts.get(status, 0) + 1
        if missing:
            written, created = _sync(client, kind, missing)
            for name, value in written.items():
                if value:
                    counts[name] = counts.get(name, 0) + value
            ids.update(created)
    return counts, ids


def _paged(client: httpx.Client, path: str) -> Iterator[dict[str, Any]]:
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = _check(client.get(path, params=params), f"listing {path}")
        yield from page["items"]
        if not page["next"]:
            return
        params["after"] = page["next"]


def _donor_ids(client: httpx.Client, donors: list[_funding.DemoDonor]) -> tuple[list[str], int]:
    """The id of each demo donor, registering those the ledger does not have yet."""
    known = {d["identifier"]: d["id"] for d in _paged(client, "/v1/donors")}
    ids, added = [], 0
    for donor in donors:
        identifier = donor.record["identifier"]
        if identifier not in known:
            created = _check(client.post("/v1/donors", json=donor.record), "registering a donor")
            known[identifier] = created["id"]
            added += 1
        ids.append(known[identifier])
    return ids, added


def _wait_for_recipients(
    client: httpx.Client, records: list[dict[str, Any]], timeout: float
) -> None:
    """Dry-run the grant sync until the ledger knows every recipient (from registry events)."""
    deadline = time.monotonic() + timeout
    while True:
        body = {"records": records}
        answer = client.put("/v1/sync/grants", params={"dry_run": "true"}, json=body)
        report = _check(answer, "checking the demo grants")
        rejected = [r for r in report["results"] if r["status"] == "rejected"]
        if not rejected:
            return
        unknown = [r for r in rejected if any(e["loc"][:1] == ["recipient"] for e in r["errors"])]
        if len(unknown) < len(rejected):
            raise SeedError(f"the ledger rejected {len(rejected)} grants, e.g. {rejected[0]}")
        if time.monotonic() > deadline:
            raise SeedError(
                f"the ledger did not learn the registry's organisations within {timeout:.0f} s "
                f"(e.g. {unknown[0]['errors'][0]['msg']}); see the ledger's and registry's logs"
            )
        time.sleep(0.25)
