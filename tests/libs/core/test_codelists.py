"""The codelists written into the code: no copied data files, and codes that read as codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from concordia.cli import _demo, _funding
from concordia.core import codelists
from concordia.core.types import org_identifier


def test_the_codelists_ship_as_code_only() -> None:
    """The lists are constants written from the standard, not copies of published files."""
    folder = Path(codelists.__file__).parent
    assert sorted(p.name for p in folder.iterdir() if p.name != "__pycache__") == ["__init__.py"]


def test_currencies_and_languages_come_from_iso() -> None:
    assert {"EUR", "SEK", "PLN", "UAH", "GEL", "USD"} <= codelists.codes("Currency")
    assert not {"XTS", "XXX", "EURO"} & codelists.codes("Currency")
    assert {"en", "sv", "pl", "uk", "ru", "ka"} <= codelists.codes("Language")
    assert all(re.fullmatch("[a-z]{2}", code) for code in codelists.codes("Language"))


def test_sector_codes_are_five_digit_dac_codes() -> None:
    sectors = codelists.codes("Sector")
    assert {"15150", "15153", "15160", "72010"} <= sectors
    assert all(re.fullmatch("[1-9][0-9]{4}", code) for code in sectors)
    assert "74010" not in sectors  # withdrawn in favour of 74020


def test_a_codelist_not_carried_is_an_error() -> None:
    with pytest.raises(KeyError):
        codelists.codes("AidType")


def test_registration_agencies_have_one_hyphen_and_are_found_in_identifiers() -> None:
    agencies = codelists.codes("OrganisationRegistrationAgency")
    assert all(re.fullmatch(r"[A-Z]{2}(_[A-Z]{2})?-[A-Z0-9_]+", code) for code in agencies)
    assert codelists.registration_agency("SE-ON-2021005000") == "SE-ON"
    assert codelists.registration_agency("CA_AB-ABT-TEST-4") == "CA_AB-ABT"
    assert codelists.registration_agency("XM-DAC-7") == "XM-DAC"
    for invented in ("SE-DEMO-0001", "XX-ON-1", "SE-ON", "SE-ON-", "XM-SYN-0001"):
        assert codelists.registration_agency(invented) is None, invented


@pytest.mark.parametrize("country", ["SE", "PL", "LT", "LV", "GE", "AM", "DE", "UA", "MD", "GR"])
def test_every_demo_country_gets_an_agency_the_services_accept(country: str) -> None:
    agency = codelists.country_agency(country)
    assert agency in codelists.codes("OrganisationRegistrationAgency")
    assert not agency.endswith("-COA")  # a government chart of accounts is no NGO register
    assert org_identifier(f"{agency}-DEMO-0001")


def test_the_demo_identifiers_pass_the_services_rule() -> None:
    for node in ("se", "pl", "lt", "gr"):
        for org in _demo.organisations(node, 3):
            assert org_identifier(org["identifier"])
        for donor in _funding.donors(node):
            assert org_identifier(donor.record["identifier"])
