"""The ledger's view of the shared code lists (``concordia.events.codes``), with IATI sectors."""

from __future__ import annotations

from typing import get_args

from concordia.events.codes import (
    GOALS,
    TRANSACTION_TYPES,
    ActivityKind,
    DonorType,
    GoalCode,
    Horizon,
    Purpose,
    TransactionType,
    Visibility,
)

__all__ = [
    "COMMITTED_TYPES",
    "DISBURSED_TYPES",
    "GOALS",
    "PURPOSES",
    "TRANSACTION_TYPES",
    "TRANSACTION_TYPES_DOC",
    "ActivityKind",
    "DonorType",
    "GoalCode",
    "Horizon",
    "Purpose",
    "TransactionType",
    "Visibility",
]

#: How the API describes a transaction's ``type`` (the IATI codes a ``TransactionType`` takes).
TRANSACTION_TYPES_DOC = (
    "IATI: 1 incoming funds, 2 outgoing commitment, 3 disbursement, "
    "4 expenditure, 11 incoming commitment, 12 outgoing pledge."
)

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
#: Which types count in a grant's totals. Pledges (12) never count as committed.
COMMITTED_TYPES = frozenset({2})
DISBURSED_TYPES = frozenset({3})

assert set(PURPOSES) == set(get_args(Purpose))
