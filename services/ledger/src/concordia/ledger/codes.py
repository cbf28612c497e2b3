"""The ledger's closed code lists (purposes, goals, horizons...) and their IATI counterparts."""

from __future__ import annotations

from typing import Literal, get_args

DonorType = Literal["government_programme", "foundation", "multilateral"]
Horizon = Literal["short", "mid", "long"]
Visibility = Literal["public", "coalition", "restricted"]
ActivityKind = Literal["event", "programme"]

#: What a grant is for, with the OECD DAC 5-digit sector the IATI export will report.
PURPOSES: dict[str, int] = {
    "independent_media": 15153,  # media and free flow of information
    "human_rights": 15160,
    "civil_society": 15150,  # democratic participation and civil society
    "political_participation": 15151,  # elections / political processes
    "legal_aid": 15130,  # legal and judicial development
    "research": 43082,  # research/scientific institutions
    "education": 11430,  # advanced technical and managerial training
    "culture": 16061,  # culture and recreation
    "minority_rights": 15160,
    "gender_equality": 15170,  # women's rights organisations and movements
    "transitional_justice": 15220,  # civilian peace-building, conflict prevention
    "relocation_and_security": 72010,  # material relief assistance and services
    "institutional_support": 15150,
}
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

#: The coalition's six long-term strategic goals (docs/architecture.md).
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
#: Which types count in a grant's totals. Pledges (12) never count as committed.
COMMITTED_TYPES = frozenset({2})
DISBURSED_TYPES = frozenset({3})

assert set(PURPOSES) == set(get_args(Purpose))
assert set(TRANSACTION_TYPES) == set(get_args(TransactionType))
