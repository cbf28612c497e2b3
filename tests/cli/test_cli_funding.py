"""The synthetic funding records: valid for the ledger's API, reproducible, visibly fake."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date
from typing import Any

import httpx
import pytest

from concordia.cli import _demo, _funding, seed
from concordia.ledger.schemas import (
    ActivityCreate,
    DonorCreate,
    GrantSync,
    RateIn,
    TransactionCreate,
)

ORGS = [o["identifier"] for o in _demo.organisations("se", 12)]


def _plan(count: int = 100) -> list[_funding.DemoGrant]:
    donors = _funding.donors("se")
    ids = [str(uuid.UUID(int=n + 1)) for n in range(len(donors))]
    return _funding.grants(ids, donors, ORGS, count)


def test_donors_are_valid_distinct_and_named_as_examples() -> None:
    donors = _funding.donors("se")

    for donor in donors:
        DonorCreate.model_validate(donor.record)
        assert donor.record["name"].startswith("Example ")
        assert "-DEMO-" in donor.record["identifier"]
    assert donors[0].record["name"] == "Example Foundation 1"
    assert {d.record["type"] for d in donors} == {
        "foundation", "government_programme", "multilateral"
    }  # fmt: skip
    assert len({d.record["identifier"] for d in donors}) == len(donors)
    assert {d.currency for d in donors} == {"EUR", "SEK", "PLN"}


def test_grants_are_valid_reproducible_and_clearly_synthetic() -> None:
    plan = _plan()

    assert [g.record for g in plan] == [g.record for g in _plan()]
    assert [g.record for g in _plan(10)] == [g.record for g in plan[:10]]  # stable prefix
    for n, grant in enumerate(plan, start=1):
        GrantSync.model_validate(grant.record)
        assert grant.external_id == f"DEMO-G-{n:04d}"
        assert grant.record["title"].startswith(f"Example grant {n:03d}")
        assert grant.record["recipient"]["identifier"] in ORGS
        for body in grant.transactions:
            TransactionCreate.model_validate(body)
            assert body["external_id"].startswith(f"DEMO-T-{n:04d}-")
            assert date.fromisoformat(body["value_date"]) <= _funding.LAST_VALUE_DATE
        for body in grant.activities:
            ActivityCreate.model_validate(body)
        assert len({a["title"] for a in grant.activities}) == len(grant.activities)


def test_grants_mix_donors_visibility_and_transaction_types() -> None:
    plan = _plan()

    donors = Counter(g.record["donor_id"] for g in plan)
    visibility = Counter(g.record["visibility"] for g in plan)
    types = Counter(t["type"] for g in plan for t in g.transactions)
    assert len(donors) == 4
    assert set(visibility) == {"public", "coalition", "restricted"}
    assert visibility["restricted"] < 20
    assert types[2] >= 80  # commitments
    assert types[3] >= 100  # disbursements
    assert types[12] >= 1  # pledges
    assert 10 <= sum(bool(g.activities) for g in plan) <= 60
    assert len({g.record["recipient"]["identifier"] for g in plan}) == len(ORGS)


def test_rates_cover_every_value_date() -> None:
    rates = _funding.rates()
    for body in rates:
        RateIn.model_validate(body)
    first = {c: min(r["date"] for r in rates if r["currency"] == c) for c in ("SEK", "PLN")}

    for grant in _plan():
        for body in grant.transactions:
            if body["currency"] != "EUR":
                assert first[body["currency"]] <= body["value_date"]


def _ledger(handler: Any) -> httpx.Client:
    return httpx.Client(base_url="http://ledger", transport=httpx.MockTransport(handler))


def _report(*errors: dict[str, Any]) -> httpx.Response:
    results = [
        {"index": i, "external_id": f"G{i}", "status": "rejected", "errors": [e]}
        for i, e in enumerate(errors)
    ]
    return httpx.Response(200, json={"dry_run": True, "counts": {}, "results": results})


def test_waiting_for_recipients_retries_until_the_ledger_knows_them() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) < 3:
            return _report({"loc": ["recipient"], "msg": "organisation SE-ON-DEMO-0001 is unknown"})
        return _report()

    with _ledger(handler) as client:
        seed._wait_for_recipients(client, [{"external_id": "G0"}], timeout=10)

    assert len(calls) == 3
    assert all(c.url.params["dry_run"] == "true" for c in calls)
    assert json.loads(calls[0].content) == {"records": [{"external_id": "G0"}]}


def test_waiting_for_recipients_is_bounded_in_time() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return _report({"loc": ["recipient"], "msg": "organisation SE-ON-DEMO-0001 is unknown"})

    with _ledger(handler) as client, pytest.raises(seed.SeedError, match="within 0 s"):
        seed._wait_for_recipients(client, [], timeout=0.3)


def test_other_rejections_fail_at_once() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return _report({"loc": ["donor_id"], "msg": "no donor"})

    with _ledger(handler) as client, pytest.raises(seed.SeedError, match="rejected 1 grants"):
        seed._wait_for_recipients(client, [], timeout=30)
