"""Code lists of the registry: regions of origin with federal districts, closed vocabularies.

Regions follow ISO 3166-2:RU: 83 federal subjects. The Ukrainian territories that Russia occupies
are Ukraine's and carry their ISO 3166-2:UA codes; Russia's own codes for them are refused.
"""

from __future__ import annotations

from typing import Literal, get_args

import pycountry

FEDERAL_DISTRICTS: dict[str, tuple[str, ...]] = {
    "central": (
        "RU-BEL", "RU-BRY", "RU-VLA", "RU-VOR", "RU-IVA", "RU-KLU", "RU-KOS", "RU-KRS",
        "RU-LIP", "RU-MOS", "RU-MOW", "RU-ORL", "RU-RYA", "RU-SMO", "RU-TAM", "RU-TVE",
        "RU-TUL", "RU-YAR",
    ),
    "northwestern": (
        "RU-KR", "RU-KO", "RU-ARK", "RU-NEN", "RU-VLG", "RU-KGD", "RU-LEN", "RU-SPE",
        "RU-MUR", "RU-NGR", "RU-PSK",
    ),
    "southern": ("RU-AD", "RU-KL", "RU-KDA", "RU-AST", "RU-VGG", "RU-ROS"),
    "north_caucasian": ("RU-DA", "RU-IN", "RU-KB", "RU-KC", "RU-SE", "RU-CE", "RU-STA"),
    "volga": (
        "RU-BA", "RU-ME", "RU-MO", "RU-TA", "RU-UD", "RU-CU", "RU-PER", "RU-KIR", "RU-NIZ",
        "RU-ORE", "RU-PNZ", "RU-SAM", "RU-SAR", "RU-ULY",
    ),
    "ural": ("RU-KGN", "RU-SVE", "RU-TYU", "RU-KHM", "RU-YAN", "RU-CHE"),
    "siberian": (
        "RU-AL", "RU-TY", "RU-KK", "RU-ALT", "RU-KYA", "RU-IRK", "RU-KEM", "RU-NVS", "RU-OMS",
        "RU-TOM",
    ),
    "far_eastern": (
        "RU-BU", "RU-SA", "RU-ZAB", "RU-KAM", "RU-PRI", "RU-KHA", "RU-AMU", "RU-MAG", "RU-SAK",
        "RU-YEV", "RU-CHU",
    ),
}  # fmt: skip

#: Occupied Ukrainian territories: accepted as Ukraine's regions, aggregated apart from Russia's.
OCCUPIED_UKRAINE: dict[str, str] = {
    "UA-43": "Autonomous Republic of Crimea",
    "UA-40": "Sevastopol",
    "UA-14": "Donetsk Oblast",
    "UA-09": "Luhansk Oblast",
    "UA-23": "Zaporizhzhia Oblast",
    "UA-65": "Kherson Oblast",
}
#: Codes Russia uses for occupied Ukrainian land, with the code to use instead.
REFUSED_CODES: dict[str, str] = {
    "RU-CR": "UA-43",
    "RU-SEV": "UA-40",
    "RU-DON": "UA-14",
    "RU-DPR": "UA-14",
    "RU-LUG": "UA-09",
    "RU-LPR": "UA-09",
    "RU-ZAP": "UA-23",
    "RU-KHE": "UA-65",
}
UKRAINE_DISTRICT = "ukraine_occupied"

REGION_DISTRICT: dict[str, str] = {
    code: district for district, codes in FEDERAL_DISTRICTS.items() for code in codes
} | dict.fromkeys(OCCUPIED_UKRAINE, UKRAINE_DISTRICT)

assert sum(len(c) for c in FEDERAL_DISTRICTS.values()) == 83, "ISO 3166-2:RU has 83 subjects"

COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)
LANGUAGES: frozenset[str] = frozenset(
    lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")
)

Gender = Literal["female", "male", "other", "undisclosed"]
EthnicOrigin = Literal["russian", "non_russian", "undisclosed"]
Profession = Literal[
    "journalist", "activist", "researcher", "politician", "lawyer", "artist", "other"
]
RiskLevel = Literal["low", "medium", "high", "critical"]
Vulnerability = Literal["lgbtq", "disability", "chronic_illness", "minor", "other"]
Relation = Literal["spouse", "partner", "child", "parent", "sibling", "other"]
OrganisationType = Literal[
    "independent_media", "ngo", "research_centre", "political_movement", "initiative"
]
PermitTrack = Literal["residence", "work", "humanitarian_visa", "asylum", "special_track"]
PermitStatus = Literal["applied", "granted", "refused", "expired"]
ConsentPurpose = Literal["registry", "permits", "funding", "aggregate_statistics", "contact"]

#: Self-declared national minorities: a short open list; anything else is recorded as "other".
MINORITIES: frozenset[str] = frozenset(
    {
        "tatar", "bashkir", "chuvash", "chechen", "avar", "mordvin", "kazakh", "azerbaijani",
        "dargin", "udmurt", "mari", "ossetian", "buryat", "yakut", "kabardian", "ingush",
        "lezgin", "komi", "tuvan", "kalmyk", "karachay", "circassian", "balkar", "nenets",
        "crimean_tatar", "ukrainian", "belarusian", "armenian", "jewish", "german", "other",
    }
)  # fmt: skip


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
        "permit_track": list(get_args(PermitTrack)),
        "permit_status": list(get_args(PermitStatus)),
        "consent_purpose": list(get_args(ConsentPurpose)),
        "access_purpose": list(ACCESS_PURPOSES),
    }
