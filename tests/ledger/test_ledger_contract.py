"""What the ledger's OpenAPI promises, kept: preconditions, days, a CSV body's pattern.

A request its schema accepts is never a 422: a stale or unmatched `If-Match` is a 412, a rule
between fields a 409 (tests/ledger/test_ledger_input.py), a record the body names that is not
there a 404.
"""

from __future__ import annotations

import re
from typing import Any

from ledger_support import Ledger

from concordia.ledger.api.rates import CSV_PATTERN


async def test_an_if_match_that_names_no_current_version_is_412(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    url = f"/v1/grants/{funded['grant']['id']}"
    for value in ('"9"', "1", 'W/"1"', "anything", '"1", "2"'):
        headers = {**ledger.rw, "If-Match": value}
        answer = await ledger.client.patch(url, json={"title": "Renamed"}, headers=headers)
        assert answer.status_code == 412, (value, answer.text)
        assert answer.json()["type"] == "urn:concordia:problem:stale-version"
    # The request's own fields are checked first: a bad body is 422 whatever If-Match says.
    bad = await ledger.client.patch(
        url, json={"gender_marker": 3}, headers={**ledger.rw, "If-Match": "anything"}
    )
    assert bad.status_code == 422
    empty = await ledger.client.patch(
        url, json={"title": "Renamed"}, headers={**ledger.rw, "If-Match": ""}
    )
    assert empty.status_code == 422
    current = {**ledger.rw, "If-Match": '"1"'}
    assert (await ledger.client.patch(url, json={"title": "Renamed"}, headers=current)).is_success


async def test_a_day_in_a_query_is_iso_only(ledger: Ledger) -> None:
    for before in ("1700000000", "-2.2e-308", "2026-1-1"):
        answer = await ledger.client.get(
            f"/v1/rates?currency=SEK&before={before}", headers=ledger.rw
        )
        assert answer.status_code == 422, before
    ok = await ledger.client.get("/v1/rates?currency=SEK&before=2026-01-01", headers=ledger.rw)
    assert ok.status_code == 200


async def test_every_csv_body_the_pattern_matches_is_stored(ledger: Ledger) -> None:
    document = (await ledger.client.get("/openapi.json")).json()
    body = document["paths"]["/v1/rates.csv"]["put"]["requestBody"]["content"]["text/csv"]
    assert body["schema"]["pattern"] == CSV_PATTERN
    headers = {**ledger.ops, "Content-Type": "text/csv"}
    for text in (
        body["example"],
        "currency,date,rate",
        "currency,date,rate\r\nUSD,2024-02-28,0.00000001\r\n\r\nSEK,0001-12-31,9999999999.99999999",
    ):
        assert re.match(CSV_PATTERN, text), text
        answer = await ledger.client.put("/v1/rates.csv", content=text, headers=headers)
        assert answer.status_code == 200, (text, answer.text)
    for text in ("currency,date,rate\nEUR,2026-01-01,1", "currency,date,rate\nSEK,2026-02-30,1",
                 "currency,date,rate\nSEK,2026-01-01,0"):  # fmt: skip
        assert not re.match(CSV_PATTERN, text), text
        answer = await ledger.client.put("/v1/rates.csv", content=text, headers=headers)
        assert answer.status_code == 422, text


async def test_a_grant_names_a_donor_and_recipient_that_exist_else_404(
    ledger: Ledger,
) -> None:
    document = (await ledger.client.get("/openapi.json")).json()
    create = document["paths"]["/v1/grants"]["post"]
    assert {"404", "409"} <= set(create["responses"])
    assert "inconsistent-fields" in create["responses"]["409"]["description"]
