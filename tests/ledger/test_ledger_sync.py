"""Bulk grant sync: per-record results, idempotency, dry runs, nothing half-written."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from ledger_support import Ledger, grant


async def _sync(ledger: Ledger, records: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    headers = {**ledger.rw, **kwargs.pop("headers", {})}
    response = await ledger.client.put(
        "/v1/sync/grants", json={"records": records}, headers=headers, params=kwargs
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_per_record_results(ledger: Ledger, funded: dict[str, Any]) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    records = [
        grant(donor_id, recipient, 10),
        grant(donor_id, recipient, 11, end_date="2020-01-01"),
        grant(donor_id, {"type": "organisation", "id": str(uuid.uuid4())}, 12),
        grant(str(uuid.uuid4()), recipient, 13),
        grant(donor_id, recipient, 10, title="Example duplicate"),
        grant(donor_id, recipient, 14),
    ]
    report = await _sync(ledger, records)
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 4}
    assert [r["status"] for r in report["results"]] == [
        "created", "rejected", "rejected", "rejected", "rejected", "created",
    ]  # fmt: skip
    locs = [r["errors"][0]["loc"] if r["errors"] else None for r in report["results"]]
    assert locs == [None, ["end_date"], ["recipient"], ["donor_id"], ["external_id"], None]
    again = await _sync(ledger, [grant(donor_id, recipient, 10),
                                 grant(donor_id, recipient, 14, horizon="long"),
                                 grant(donor_id, recipient, 0)])  # fmt: skip
    # The third is the grant made by POST, synced with the same fields.
    assert [r["status"] for r in again["results"]] == ["unchanged", "updated", "unchanged"]
    assert again["results"][1]["version"] == 2
    assert again["results"][2]["id"] == funded["grant"]["id"]
    listed = await ledger.client.get("/v1/grants", headers=ledger.rw)
    seqs = sorted(g["feed_seq"] for g in listed.json()["items"])
    assert len(set(seqs)) == 3  # every grant has its own feed position


async def test_dry_run_writes_nothing(ledger: Ledger, funded: dict[str, Any]) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    report = await _sync(ledger, [grant(donor_id, recipient, 20)], dry_run="true")
    assert report["dry_run"] is True
    assert report["counts"]["created"] == 1
    listed = await ledger.client.get("/v1/grants", headers=ledger.rw)
    assert len(listed.json()["items"]) == 1


async def test_idempotency_key(ledger: Ledger, funded: dict[str, Any]) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    key = {"Idempotency-Key": "grants-2026-11-28-001"}
    first = await _sync(ledger, [grant(donor_id, recipient, 30)], headers=key)
    again = await ledger.client.put(
        "/v1/sync/grants",
        json={"records": [grant(donor_id, recipient, 30)]},
        headers={**ledger.rw, **key},
    )
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first
    other = await ledger.client.put(
        "/v1/sync/grants",
        json={"records": [grant(donor_id, recipient, 31)]},
        headers={**ledger.rw, **key},
    )
    assert other.status_code == 409


async def test_limits_and_shape(ledger: Ledger, funded: dict[str, Any]) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    too_many = await ledger.client.put(
        "/v1/sync/grants",
        content=orjson.dumps({"records": [grant(donor_id, recipient, i) for i in range(5001)]}),
        headers={**ledger.rw, "Content-Type": "application/json"},
    )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["loc"] == ["body", "records"]
    shape = await ledger.client.put("/v1/sync/grants", json=[], headers=ledger.rw)
    assert shape.status_code == 422
    malformed = await ledger.client.put(
        "/v1/sync/grants", content=b'{"records": [', headers={**ledger.rw,
                                                             "Content-Type": "application/json"}
    )  # fmt: skip
    assert malformed.status_code == 400


async def test_sync_of_5000_grants(ledger: Ledger, funded: dict[str, Any]) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    records = [grant(donor_id, recipient, 100 + i) for i in range(5000)]
    report = await _sync(ledger, records)
    assert report["counts"]["created"] == 5000
    await ledger.app.state.concordia.relay.wait_until_idle()
    assert ledger.app.state.concordia.relay is not None
