"""The registry's code lists: the shared ones (``concordia.events.codes``), as one document."""

from __future__ import annotations

from typing import Any, get_args

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
    "VOCABULARIES",
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


#: The closed vocabularies declared as ``Literal`` types, by the name the code lists give them.
VOCABULARIES: dict[str, Any] = {
    "gender": Gender,
    "ethnic_origin": EthnicOrigin,
    "profession_category": Profession,
    "risk_level": RiskLevel,
    "vulnerability": Vulnerability,
    "family_relation": Relation,
    "organisation_type": OrganisationType,
    "represented_group": RepresentedGroup,
    "permit_track": PermitTrack,
    "permit_status": PermitStatus,
    "consent_purpose": ConsentPurpose,
}


def code_lists() -> dict[str, object]:
    """Every closed vocabulary, for agencies that validate before they sync."""
    return {
        "regions": {code: REGION_DISTRICT[code] for code in sorted(REGION_DISTRICT)},
        "federal_districts": sorted({*FEDERAL_DISTRICTS, UKRAINE_DISTRICT}),
        "refused_region_codes": REFUSED_CODES,
        "national_minority": sorted(MINORITIES),
        **{name: list(get_args(literal)) for name, literal in VOCABULARIES.items()},
        "access_purpose": list(ACCESS_PURPOSES),
    }
