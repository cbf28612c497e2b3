"""The coalition's built-in code lists: every code a node's published tables may carry.

The hub refuses a snapshot whose dimension has no code list in the charter it runs, or whose
cell key carries a code outside that list (``_all`` marks a margin). The services' own level
tuples (``concordia.registry.aggregates``, ``concordia.ledger.aggregates``) must stay inside
these lists; a test checks.
"""

from __future__ import annotations

from typing import Final

BUILT_IN_CODE_LISTS: Final[dict[str, tuple[str, ...]]] = {
    # Both services count gender: the registry as persons, the ledger as participants.
    "gender": ("female", "male", "women", "men", "other", "undisclosed"),
    "ethnic_origin": ("russian", "non_russian", "undisclosed"),
    "permit_status": ("applied", "granted", "refused", "expired", "none"),
    "federal_district": (
        "central", "northwestern", "southern", "north_caucasian", "volga", "ural", "siberian",
        "far_eastern", "ukraine_occupied", "unknown",
    ),
    "profession": (
        "journalist", "activist", "researcher", "politician", "lawyer", "artist", "other",
        "unknown",
    ),
    "purpose": (
        "independent_media", "human_rights", "civil_society", "political_participation",
        "legal_aid", "research", "education", "culture", "minority_rights", "gender_equality",
        "transitional_justice", "relocation_and_security", "institutional_support",
    ),
    "horizon": ("short", "mid", "long"),
    "strategic_goal": (
        "value_of_politics", "value_of_human_life", "no_false_choice", "regions_and_minorities",
        "voice_of_disenfranchised", "transitional_justice",
    ),
    "donor_type": ("government_programme", "foundation", "multilateral"),
    # The evaluation's coalition-health shares (basis points), read by the hub's signals.
    "health_indicator": ("hhi", "top10_share", "small_commitments_share"),
    "represented_group": (
        "national_minorities", "women", "lgbt", "regional_communities", "other_discriminated",
    ),
}  # fmt: skip
