"""The coalition's closed code lists, defined once: every service, the CLI and the hub read them.

Funding (purposes, goals, horizons, IATI transaction types), actors and permits (gender, origin,
profession, organisation types, permit tracks), and regions of origin. Regions follow
ISO 3166-2:RU: 83 federal subjects. The Ukrainian territories that Russia occupies are Ukraine's
and carry their ISO 3166-2:UA codes; Russia's own codes for them are refused.
"""

from __future__ import annotations

from typing import Literal, get_args

import pycountry

from concordia.core.types import COUNTRIES as COUNTRIES

# --- funding -----------------------------------------------------------------------------------

DonorType = Literal["government_programme", "foundation", "multilateral"]
Horizon = Literal["short", "mid", "long"]
Visibility = Literal["public", "coalition", "restricted"]
ActivityKind = Literal["event", "programme"]

#: What a grant is for (the ledger maps each to its OECD DAC sector for IATI).
Purpose = Literal[
    "independent_media",
    "human_rights",
    "civil_society",
    "political_participation",
    "legal_aid",
    "research",
    "education",
    "culture",
    "minority_rights",
    "gender_equality",
    "transitional_justice",
    "relocation_and_security",
    "institutional_support",
]

#: The coalition's six long-term strategic goals.
GoalCode = Literal[
    "value_of_politics",
    "value_of_human_life",
    "no_false_choice",
    "regions_and_minorities",
    "voice_of_disenfranchised",
    "transitional_justice",
]
GOALS: tuple[str, ...] = get_args(GoalCode)

#: IATI transaction types the ledger records, by code.
TRANSACTION_TYPES: dict[int, str] = {
    1: "incoming_funds",
    2: "outgoing_commitment",
    3: "disbursement",
    4: "expenditure",
    11: "incoming_commitment",
    12: "outgoing_pledge",
}
TransactionType = Literal[1, 2, 3, 4, 11, 12]

PURPOSE_CODES: tuple[Purpose, ...] = get_args(Purpose)
HORIZONS: tuple[str, ...] = get_args(Horizon)
assert set(TRANSACTION_TYPES) == set(get_args(TransactionType))

# --- actors, permits and regions ---------------------------------------------------------------

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
#: Groups an organisation represents (plurality indicators fund each).
RepresentedGroup = Literal[
    "national_minorities", "women", "lgbt", "regional_communities", "other_discriminated"
]
REPRESENTED_GROUPS: tuple[str, ...] = get_args(RepresentedGroup)
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
