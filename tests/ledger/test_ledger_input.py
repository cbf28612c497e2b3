"""Bad input: 422 naming the field and the reason (409 for a rule between fields, 404 for a
record the body names that is not there), and nothing written."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from ledger_support import Ledger, grant


def _locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    issues = response.json()["errors"]
    assert all(issue["msg"] for issue in issues)
    return [issue["loc"] for issue in issues]


def _inconsistent(response: Any) -> list[list[Any]]:
    """The fields of a 409 ``inconsistent-fields``: each valid, together breaking a rule."""
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["type"] == "urn:concordia:problem:inconsistent-fields"
    assert all(issue["type"] == "inconsistent_fields" for issue in body["errors"])
    return [issue["loc"] for issue in body["errors"]]


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"amount": "-10.00"}, ["body", "amount"]),  # a negative disbursement
        ({"amount": True}, ["body", "amount"]),
        ({"amount": "1.005"}, ["body", "amount"]),
        ({"amount": "NaN"}, ["body", "amount"]),
        ({"currency": "XYZ"}, ["body", "currency"]),  # not ISO 4217
        ({"type": 5}, ["body", "type"]),
        ({"value_date": 20260101}, ["body", "value_date"]),
    ],
)
async def test_bad_transactions(
    ledger: Ledger, funded: dict[str, Any], patch: dict[str, Any], loc: list[Any]
) -> None:
    tx = {"type": 3, "amount": "10.00", "currency": "EUR", "value_date": "2026-03-01"} | patch
    url = f"/v1/grants/{funded['grant']['id']}/transactions"
    assert loc in _locs(await ledger.client.post(url, json=tx, headers=ledger.rw))
    assert (await ledger.client.get(url, headers=ledger.rw)).json() == []


async def test_transaction_on_a_grant_of_another_donor(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    other = await ledger.client.post(
        "/v1/donors",
        json={"identifier": "XM-DAC-OTHER1", "name": "Example Other", "type": "foundation",
              "country": "DE"},
        headers=ledger.rw,
    )  # fmt: skip
    tx = {"type": 3, "amount": "10.00", "currency": "EUR", "value_date": "2026-03-01",
          "donor_id": other.json()["id"]}  # fmt: skip
    url = f"/v1/grants/{funded['grant']['id']}/transactions"
    response = await ledger.client.post(url, json=tx, headers=ledger.rw)
    assert _inconsistent(response) == [["body", "donor_id"]]
    assert "another donor" in response.json()["errors"][0]["msg"]
    before = await ledger.client.get(f"/v1/grants/{funded['grant']['id']}", headers=ledger.rw)
    assert before.json()["feed_seq"] == funded["grant"]["feed_seq"]  # nothing half-written


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"goals": []}, ["body", "goals"]),
        ({"goals": ["world_peace"]}, ["body", "goals", 0]),
        ({"goals": ["value_of_politics", "value_of_politics"]}, ["body", "goals"]),
        ({"gender_marker": 3}, ["body", "gender_marker"]),
        ({"gender_marker": True}, ["body", "gender_marker"]),
        ({"purpose": "anything"}, ["body", "purpose"]),
        ({"horizon": "forever"}, ["body", "horizon"]),
        ({"visibility": "secret"}, ["body", "visibility"]),
        ({"recipient": {"type": "person", "identifier": "SE-ON-1"}}, ["body", "recipient"]),
        ({"surprise": 1}, ["body", "surprise"]),
    ],
)
async def test_bad_grants(
    ledger: Ledger, funded: dict[str, Any], patch: dict[str, Any], loc: list[Any]
) -> None:
    record = grant(funded["donor"]["id"], funded["recipient"], 7) | patch
    assert loc in _locs(await ledger.client.post("/v1/grants", json=record, headers=ledger.rw))


async def test_dates_out_of_order_are_inconsistent(ledger: Ledger, funded: dict[str, Any]) -> None:
    record = grant(funded["donor"]["id"], funded["recipient"], 7) | {"end_date": "2025-12-31"}
    response = await ledger.client.post("/v1/grants", json=record, headers=ledger.rw)
    assert _inconsistent(response) == [["body", "end_date"]]
    # Together with a field wrong on its own, it is a 422 naming that field (and the rule).
    response = await ledger.client.post(
        "/v1/grants", json=record | {"gender_marker": 3}, headers=ledger.rw
    )
    assert ["body", "gender_marker"] in _locs(response)


async def test_recipients_the_registry_never_announced(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    donor_id = funded["donor"]["id"]
    for recipient in (
        {"type": "organisation", "id": str(uuid.uuid4())},
        {"type": "organisation", "identifier": "SE-ON-9999999999"},
        {"type": "person", "id": str(uuid.uuid4())},
    ):
        response = await ledger.client.post(
            "/v1/grants", json=grant(donor_id, recipient, 8), headers=ledger.rw
        )
        assert response.status_code == 404, response.text
        assert "not known to the ledger" in response.json()["detail"]
        assert "body.recipient" in response.json()["detail"]
    unknown_donor = grant(str(uuid.uuid4()), funded["recipient"], 8)
    response = await ledger.client.post("/v1/grants", json=unknown_donor, headers=ledger.rw)
    assert response.status_code == 404, response.text
    assert response.json()["detail"].startswith("no donor ")
    listed = await ledger.client.get("/v1/grants", headers=ledger.rw)
    assert len(listed.json()["items"]) == 1


async def test_patch_dates_out_of_order(ledger: Ledger, funded: dict[str, Any]) -> None:
    url = f"/v1/grants/{funded['grant']['id']}"
    response = await ledger.client.patch(url, json={"start_date": "2031-01-01"}, headers=ledger.rw)
    assert _inconsistent(response) == [["body", "start_date"]]
    assert (await ledger.client.get(url, headers=ledger.rw)).json()["version"] == 1


async def test_bad_rates(ledger: Ledger) -> None:
    bad = [{"currency": "SEK", "date": "2026-01-01", "rate": "0"},
           {"currency": "XYZ", "date": "2026-01-01", "rate": "1"},
           {"currency": "EUR", "date": "2026-01-01", "rate": "1"}]  # fmt: skip
    locs = _locs(await ledger.client.put("/v1/rates", json=bad, headers=ledger.ops))
    assert locs == [["body", 0, "rate"], ["body", 1, "currency"], ["body", 2, "currency"]]
    repeated = [{"currency": "SEK", "date": "2026-01-01", "rate": "0.1"}] * 2
    locs = _inconsistent(await ledger.client.put("/v1/rates", json=repeated, headers=ledger.ops))
    assert locs == [["body", 1, "date"]]
    twice = "currency,date,rate\nSEK,2026-01-01,0.09\nSEK,2026-01-01,0.1\n"
    response = await ledger.client.put(
        "/v1/rates.csv", content=twice, headers={**ledger.ops, "Content-Type": "text/csv"}
    )
    assert _inconsistent(response) == [["body", 1, "date"]]
    csv = "currency,date,rate\nSEK,2026-01-01,0.09\nSEK,2026-13-01,0.09\nSEK,2026-02-01,true\n"
    response = await ledger.client.put(
        "/v1/rates.csv", content=csv, headers={**ledger.ops, "Content-Type": "text/csv"}
    )
    assert _locs(response) == [["body", 3, "date"], ["body", 4, "rate"]]
    headerless = await ledger.client.put(
        "/v1/rates.csv", content="SEK,2026-01-01,0.09\n", headers=ledger.ops
    )
    assert _locs(headerless) == [["body", 1]]
    listed = await ledger.client.get("/v1/rates?currency=SEK", headers=ledger.rw)
    assert listed.json() == []  # nothing half-written


async def test_activity_counts(ledger: Ledger, funded: dict[str, Any]) -> None:
    url = f"/v1/grants/{funded['grant']['id']}/activities"
    base = {"kind": "programme", "title": "Example programme", "start_date": "2026-04-01",
            "end_date": "2026-06-01", "country": "LT", "city": "Vilnius"}  # fmt: skip
    cases = [
        ({"participants_by_gender": {"women": -1}}, ["body", "participants_by_gender", "women"]),
        ({"participants_by_gender": {"names": 1}}, ["body", "participants_by_gender", "names"]),
        ({"kind": "party"}, ["body", "kind"]),
    ]  # fmt: skip
    for patch, loc in cases:
        assert loc in _locs(await ledger.client.post(url, json=base | patch, headers=ledger.rw))
    inconsistent = [
        ({"participants_by_gender": {"women": 2},
          "participants_by_origin": {"russian": 1}}, ["body", "participants_by_origin"]),
        ({"end_date": "2026-03-01"}, ["body", "end_date"]),
    ]  # fmt: skip
    for patch, loc in inconsistent:
        response = await ledger.client.post(url, json=base | patch, headers=ledger.rw)
        assert _inconsistent(response) == [loc]
    assert (await ledger.client.get(url, headers=ledger.rw)).json() == []


async def test_rates_need_the_ops_scope(ledger: Ledger) -> None:
    rate = [{"currency": "SEK", "date": "2026-01-01", "rate": "0.09"}]
    for headers in (ledger.rw, ledger.feed):
        assert (await ledger.client.put("/v1/rates", json=rate, headers=headers)).status_code == 403
        csv = {**headers, "Content-Type": "text/csv"}
        body = "currency,date,rate\n"
        refused = await ledger.client.put("/v1/rates.csv", content=body, headers=csv)
        assert refused.status_code == 403
    assert (await ledger.client.put("/v1/rates", json=rate, headers=ledger.ops)).status_code == 200
    assert len((await ledger.client.get("/v1/rates?currency=SEK", headers=ledger.rw)).json()) == 1


async def test_a_csv_field_over_the_csv_limit_is_the_clients_error(ledger: Ledger) -> None:
    headers = {**ledger.ops, "Content-Type": "text/csv"}
    for body in (
        "currency,date,rate\nSEK,2026-01-01," + "9" * 131_073 + "\n",
        '"' + "c" * 131_073 + '",date,rate\n',  # in the header line
    ):
        response = await ledger.client.put("/v1/rates.csv", content=body, headers=headers)
        assert response.status_code == 422, response.text
        assert "CSV" in response.json()["errors"][0]["msg"]
    stored = await ledger.client.get("/v1/rates?currency=SEK", headers=ledger.rw)
    assert stored.json() == []


async def test_donor_identifiers_need_a_registered_agency_and_texts_no_controls(
    ledger: Ledger,
) -> None:
    base = {"name": "Example Test Fund", "type": "foundation", "country": "SE"}
    for invented in ("XM-DEMO-DONOR-4", "SE-DEMO-DONOR-1"):
        response = await ledger.client.post(
            "/v1/donors", json=base | {"identifier": invented}, headers=ledger.rw
        )
        assert response.status_code == 422, invented
        assert "OrganisationRegistrationAgency" in response.text
    control = await ledger.client.post(
        "/v1/donors",
        json=base | {"identifier": "XM-DAC-TEST-9", "name": "Example\x0bFund"},
        headers=ledger.rw,
    )
    assert control.status_code == 422
    made = await ledger.client.post(
        "/v1/donors", json=base | {"identifier": "XM-DAC-TEST-9"}, headers=ledger.rw
    )
    assert made.status_code == 201, made.text
