"""The IATI 2.03 activity file: valid against the official schema, and nothing it must not show.

The schema ships inside the ledger package (``concordia/ledger/standards/iati-2.03``), so the
installed package and a fresh clone validate offline. A missing file fails the test: never skipped.
"""

from __future__ import annotations

import gzip
import uuid
from typing import Any

import pytest
from ledger_support import Ledger, grant, new_donor
from lxml import etree
from sqlalchemy import update

from concordia.core import codelists
from concordia.ledger import codes, iati
from concordia.ledger.models import Donor, Grant, KnownOrganisation


@pytest.fixture(scope="module")
def iati_schema() -> etree.XMLSchema:
    """The official IATI 2.03 activity schema (it includes iati-common.xsd and xml.xsd)."""
    for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd", "LICENSE"):
        if not (iati.SCHEMA_DIR / name).is_file():
            pytest.fail(f"the IATI 2.03 schema is incomplete: {iati.SCHEMA_DIR / name} is missing")
    return iati.activity_schema()


def test_schema_is_the_official_one_and_rejects_an_invalid_file() -> None:
    """The packaged schema is the real IATI 2.03 one: it refuses an activity without an id."""
    schema = iati.activity_schema()
    bad = etree.fromstring(b'<iati-activities version="2.03"><iati-activity/></iati-activities>')
    assert not schema.validate(bad)


async def _post(ledger: Ledger, url: str, body: Any) -> dict[str, Any]:
    response = await ledger.client.post(url, json=body, headers=ledger.rw)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _dataset(ledger: Ledger) -> dict[str, Any]:
    """Grants to an organisation and to a person, every transaction type, a restricted and a
    withdrawn grant, several currencies, past, current and future grants."""
    donors = [await new_donor(ledger, n) for n in range(3)]  # all three donor types
    org = {"type": "organisation", "id": str(await ledger.announce_organisation())}
    person = {"type": "person", "id": str(await ledger.announce_person())}
    shown = [
        await _post(ledger, "/v1/grants", grant(donors[0]["id"], org, 1)),
        await _post(ledger, "/v1/grants", grant(donors[1]["id"], person, 2,
                                                 title="Testperson Alpha relocation",
                                                 description="Testperson Alpha, detained in 2025",
                                                 gender_marker=2)),
        await _post(ledger, "/v1/grants", grant(donors[2]["id"], org, 3, purpose="research",
                                                 start_date="2020-01-01", end_date="2021-12-31",
                                                 gender_marker=0)),
        await _post(ledger, "/v1/grants", grant(donors[0]["id"], org, 4,
                                                 start_date="2099-01-01", end_date="2099-12-31")),
    ]  # fmt: skip
    for n, code in enumerate((1, 2, 3, 4, 11, 12)):
        tx = {"type": code, "amount": f"{1000 + n}.25", "currency": ("EUR", "SEK")[n % 2],
              "value_date": f"2026-0{n + 1}-15", "external_id": f"TX-{n}",
              "description": "Synthetic test transaction"}  # fmt: skip
        await _post(ledger, f"/v1/grants/{shown[0]['id']}/transactions", tx)
    nok = {"type": 3, "amount": "500.00", "currency": "NOK", "value_date": "2026-03-01",
           "description": "Rent for Testperson Alpha"}  # fmt: skip
    await _post(ledger, f"/v1/grants/{shown[1]['id']}/transactions", nok)
    restricted = await _post(
        ledger, "/v1/grants", grant(donors[0]["id"], org, 5, visibility="restricted")
    )
    hidden = {"type": 2, "amount": "9.00", "currency": "EUR", "value_date": "2026-01-01"}
    await _post(ledger, f"/v1/grants/{restricted['id']}/transactions", hidden)
    coalition = await _post(
        ledger, "/v1/grants", grant(donors[0]["id"], org, 7, visibility="coalition")
    )
    withdrawn = await _post(ledger, "/v1/grants", grant(donors[1]["id"], org, 6))
    gone = await ledger.client.delete(f"/v1/grants/{withdrawn['id']}", headers=ledger.rw)
    assert gone.status_code == 204
    return {"donors": donors, "shown": shown, "restricted": restricted, "coalition": coalition,
            "withdrawn": withdrawn, "person": person}  # fmt: skip


async def test_iati_file_is_valid_and_shows_only_what_it_may(
    ledger: Ledger, iati_schema: etree.XMLSchema
) -> None:
    data = await _dataset(ledger)
    # A publication: a coalition portal's token gets no more than anyone.
    response = await ledger.client.get("/v1/feed/iati.xml", headers=ledger.coalition_feed)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    if not iati_schema.validate(document):
        pytest.fail("\n".join(str(e) for e in iati_schema.error_log))

    assert document.get("version") == "2.03"
    assert document.get("generated-datetime")
    activities = document.findall("iati-activity")
    donors = {d["id"]: d for d in data["donors"]}
    expected = {
        f"{donors[g['donor_id']]['identifier']}-{g['external_id']}": g for g in data["shown"]
    }
    assert {a.findtext("iati-identifier") for a in activities} == set(expected)
    text = response.text
    assert data["restricted"]["external_id"] not in text
    assert data["coalition"]["external_id"] not in text
    assert "Testperson" not in text  # a person's grant carries no free text
    assert data["withdrawn"]["external_id"] not in text
    assert data["person"]["id"] not in text

    by_id = {a.findtext("iati-identifier"): a for a in activities}
    first = by_id[next(iter(expected))]
    assert first.find("reporting-org").get("type") == "10"  # government programme
    roles = [(p.get("role"), p.get("ref")) for p in first.findall("participating-org")]
    donor_ref = data["donors"][0]["identifier"]
    assert roles == [("1", donor_ref), ("2", donor_ref), ("3", donor_ref),
                     ("4", "SE-ON-8020000001")]  # fmt: skip
    assert [t.find("transaction-type").get("code") for t in first.findall("transaction")] == [
        "1", "2", "3", "4", "11", "12"
    ]  # fmt: skip
    value = first.find("transaction/value")
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "1000.25", "EUR", "2026-01-15"
    )  # fmt: skip
    assert first.find("sector").attrib == {"vocabulary": "1", "code": "15153", "percentage": "100"}
    assert first.find("policy-marker").attrib == {"vocabulary": "1", "code": "1",
                                                  "significance": "1"}  # fmt: skip
    assert first.find("activity-status").get("code") == "2"
    assert first.get("default-currency") is None  # EUR and SEK

    individual = next(a for a in activities if a.find("reporting-org").get("type") == "60")
    implementing = individual.findall("participating-org")[-1]
    assert implementing.get("role") == "4"
    assert implementing.get("ref") is None
    assert implementing.findtext("narrative") == "Individual recipient (not disclosed)"
    assert individual.get("default-currency") == "NOK"
    fixed = "Grant to an individual recipient (not disclosed)"
    assert individual.findtext("title/narrative") == fixed
    assert individual.find("description/narrative").text == fixed  # the title stands in
    assert individual.find("transaction/description") is None

    past = next(a for a in activities if a.find("reporting-org").get("type") == "40")
    assert past.find("activity-status").get("code") == "3"
    assert [d.get("type") for d in past.findall("activity-date")] == ["1", "2", "3", "4"]
    assert past.find("sector").get("code") == "43082"
    future = by_id[f"{donor_ref}-TEST-GRANT-00004"]
    assert future.find("activity-status").get("code") == "1"
    assert [d.get("type") for d in future.findall("activity-date")] == ["1", "3"]


async def test_iati_file_gzip_and_batches(ledger: Ledger, iati_schema: etree.XMLSchema) -> None:
    donor = await new_donor(ledger)
    org = {"type": "organisation", "id": str(await ledger.announce_organisation())}
    records = [grant(donor["id"], org, n) for n in range(2500)]  # more than one batch
    synced = await ledger.client.put("/v1/sync/grants", json={"records": records},
                                     headers=ledger.rw)  # fmt: skip
    assert synced.status_code == 200
    async with ledger.client.stream(
        "GET", "/v1/feed/iati.xml", headers={**ledger.feed, "Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["Content-Encoding"] == "gzip"
    document = etree.fromstring(gzip.decompress(raw))
    assert iati_schema.validate(document), iati_schema.error_log
    identifiers = [a.findtext("iati-identifier") for a in document.iter("iati-activity")]
    assert len(identifiers) == len(set(identifiers)) == 2500


#: Where each coded attribute of the file takes its values from (IATI 2.03 codelists).
_CODED = {
    ("activity-status", "code"): "ActivityStatus",
    ("activity-date", "type"): "ActivityDateType",
    ("participating-org", "role"): "OrganisationRole",
    ("participating-org", "type"): "OrganisationType",
    ("reporting-org", "type"): "OrganisationType",
    ("transaction-type", "code"): "TransactionType",
    ("value", "currency"): "Currency",
    ("iati-activity", "default-currency"): "Currency",
    ("iati-activity", "{http://www.w3.org/XML/1998/namespace}lang"): "Language",
    ("sector", "vocabulary"): "SectorVocabulary",
    ("sector", "code"): "Sector",
    ("policy-marker", "vocabulary"): "PolicyMarkerVocabulary",
    ("policy-marker", "code"): "PolicyMarker",
    ("policy-marker", "significance"): "PolicySignificance",
    ("description", "type"): "DescriptionType",
}
_ORGS = ("reporting-org", "participating-org", "provider-org", "receiver-org")


async def test_iati_codes_and_organisation_identifiers_pass_the_validator_rules(
    ledger: Ledger,
) -> None:
    """What IATI's validator checks beyond the schema: codes from their codelists, and every
    organisation identifier starting with a registered agency."""
    await _dataset(ledger)
    donor = await new_donor(ledger, 10)
    org = {"type": "organisation", "id": str(await ledger.announce_organisation())}
    for n, purpose in enumerate(codes.PURPOSES, start=100):  # every sector the ledger writes
        await _post(ledger, "/v1/grants", grant(donor["id"], org, n, purpose=purpose))
    document = etree.fromstring((await ledger.client.get("/v1/feed/iati.xml",
                                                         headers=ledger.feed)).content)  # fmt: skip
    checked: dict[str, int] = {}
    for element in document.iter():
        for (tag, attribute), codelist in _CODED.items():
            value = element.get(attribute) if element.tag == tag else None
            if value is not None:
                assert value in codelists.codes(codelist), (tag, attribute, value)
                checked[codelist] = checked.get(codelist, 0) + 1
        if element.tag in _ORGS and element.get("ref") is not None:
            assert codelists.registration_agency(element.get("ref")), element.get("ref")
            checked["ref"] = checked.get("ref", 0) + 1
    assert set(checked) == {*_CODED.values(), "ref"}  # every rule met something to check


def test_every_purpose_is_a_dac_sector() -> None:
    assert {str(code) for code in codes.PURPOSES.values()} <= codelists.codes("Sector")


async def test_a_control_character_stored_before_the_rule_does_not_break_the_file(
    ledger: Ledger, iati_schema: etree.XMLSchema
) -> None:
    donor = await new_donor(ledger)
    org_id = await ledger.announce_organisation()
    org = {"type": "organisation", "id": str(org_id)}
    made = [await _post(ledger, "/v1/grants", grant(donor["id"], org, n)) for n in range(3)]
    # The API refuses it now; rows written before the rule (or by hand) may still hold one.
    refused = await ledger.client.post(
        "/v1/grants", json=grant(donor["id"], org, 9, title="Example\x0bgrant"), headers=ledger.rw
    )
    assert refused.status_code == 422
    db = ledger.app.state.concordia.db
    async with db.unit_of_work() as session:
        await session.execute(
            update(Grant).where(Grant.id == uuid.UUID(made[1]["id"]))
            .values(title="Example\x0bgrant", description="Synthetic\x01text")
        )  # fmt: skip
        await session.execute(update(Donor).values(name="Example\x0bFoundation"))
        await session.execute(update(KnownOrganisation).values(name="Example\x0cOrg"))
    response = await ledger.client.get("/v1/feed/iati.xml", headers=ledger.feed)
    assert response.status_code == 200
    document = etree.fromstring(response.content)  # the whole file parses
    assert iati_schema.validate(document), iati_schema.error_log
    titles = [a.findtext("title/narrative") for a in document.iter("iati-activity")]
    assert sorted(titles) == ["Example grant 0", "Example grant 2", "Examplegrant"]
