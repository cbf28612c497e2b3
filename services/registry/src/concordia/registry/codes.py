"""The registry's code lists: the shared ones (``concordia.events.codes``), as one document."""

from __future__ import annotations

from typing import get_args

from concordia.events.codes import (
    COUNTRIES,
    FEDERAL_DISTRICTS,
    LANGUAGES,
    MINORITIES,
    OCCUPIED_UKRAINE,
    REFUSED_CODES,
    REGION_DISTRICT,
    REPRESENTED_GROUPS,
    UKRAINE_DISTRICT,
    ConsentPurpose,
    EthnicOrigin,
    Gender,
    OrganisationType,
    PermitStatus,
    PermitTrack,
    Profession,
    Relation,
    RepresentedGroup,
    RiskLevel,
    Vulnerability,
)

__all__ = [
    "COUNTRIES",
    "FEDERAL_DISTRICTS",
    "LANGUAGES",
    "MINORITIES",
    "OCCUPIED_UKRAINE",
    "REFUSED_CODES",
    "REGION_DISTRICT",
    "REPRESENTED_GROUPS",
    "UKRAINE_DISTRICT",
    "ConsentPurpose",
    "EthnicOrigin",
    "Gender",
    "OrganisationType",
    "PermitStatus",
    "PermitTrack",
    "Profession",
    "Relation",
    "RepresentedGroup",
    "RiskLevel",
    "Vulnerability",
    "code_lists",
]


#: Why personal data is read or changed: the ``X-Purpose`` header names one of these codes, and
#: may add a free-text note after a semicolon (``safety_check; relocation of the family``).
ACCESS_PURPOSES: dict[str, str] = {
    "permit_case_work": "handling a residence, work or visa case",
    "safety_check": "assessing or acting on a person's safety",
    "funding_decision": "deciding on or administering support to a person",
    "evaluation": "evaluating a programme the person takes part in",
    "statistics": "producing disclosure-controlled statistics",
    "data_subject_request": "answering the person's own request (access, correction, erasure)",
    "audit": "auditing the processing of personal data",
    "registration": "registering or synchronising an agency's case records",
    "consent_management": "recording or withdrawing a person's consent",
}


def code_lists() -> dict[str, object]:
    """Every closed vocabulary, for agencies that validate before they sync."""
    return {
        "regions": {code: REGION_DISTRICT[code] for code in sorted(REGION_DISTRICT)},
        "federal_districts": sorted({*FEDERAL_DISTRICTS, UKRAINE_DISTRICT}),
        "refused_region_codes": REFUSED_CODES,
        "gender": list(get_args(Gender)),
        "ethnic_origin": list(get_args(EthnicOrigin)),
        "national_minority": sorted(MINORITIES),
        "profession_category": list(get_args(Profession)),
        "risk_level": list(get_args(RiskLevel)),
        "vulnerability": list(get_args(Vulnerability)),
        "family_relation": list(get_args(Relation)),
        "organisation_type": list(get_args(OrganisationType)),
        "represented_group": list(REPRESENTED_GROUPS),
        "permit_track": list(get_args(PermitTrack)),
        "permit_status": list(get_args(PermitStatus)),
        "consent_purpose": list(get_args(ConsentPurpose)),
        "access_purpose": list(ACCESS_PURPOSES),
    }
