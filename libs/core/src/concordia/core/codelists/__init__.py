"""IATI codelists shipped with the code (CC BY 4.0, see LICENSE.md beside this file).

``codes("Sector")`` gives a codelist's active codes. ``registration_agency(identifier)`` finds the
registration agency an organisation identifier begins with: IATI's validator refuses an
identifier whose prefix is not one, so the services refuse it at the door.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

__all__ = ["codes", "country_agency", "registration_agency"]

_HERE = Path(__file__).parent


#: The register a country's organisations are usually identified by, where it has several.
_USUAL = {
    "SE": "SE-ON", "PL": "PL-KRS", "DE": "DE-CR", "DK": "DK-CVR", "FI": "FI-PRO",
    "NO": "NO-BRC", "LT": "LT-RC", "LV": "LV-RE", "EE": "EE-KMKR", "GB": "GB-COH",
}  # fmt: skip


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with (_HERE / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@functools.cache
def codes(name: str, *, withdrawn: bool = False) -> frozenset[str]:
    """The codes of the codelist ``name``; withdrawn codes only with ``withdrawn=True``."""
    return frozenset(r["code"] for r in _rows(name) if withdrawn or r["status"] == "active")


def country_agency(country: str) -> str:
    """A registration agency of ``country`` (ISO 3166-1 alpha-2): its usual company or NGO
    register, else its first active one, else ``XI-IATI`` (IATI's own publisher register)."""
    if country in _USUAL:
        return _USUAL[country]
    for row in _rows("OrganisationRegistrationAgency"):
        if row["category"] == country and row["status"] == "active":
            return row["code"]
    return "XI-IATI"


def registration_agency(identifier: str) -> str | None:
    """The active registration agency code ``identifier`` starts with (``SE-ON`` of
    ``SE-ON-2021005000``), or None. Every agency code has exactly one hyphen."""
    country, _, rest = identifier.partition("-")
    agency, dash, number = rest.partition("-")
    prefix = f"{country}-{agency}"
    if dash and number and prefix in codes("OrganisationRegistrationAgency"):
        return prefix
    return None
