"""Code lists of the exchange: topics, workflow, standing, languages, endorsement kinds."""

from __future__ import annotations

from typing import Literal, get_args

Topic = Literal[
    "residence_permits",
    "work_permits",
    "family_reunification",
    "security_of_exiles",
    "funding_mechanisms",
    "media_support",
    "research_support",
    "inclusion_and_diversity",
    "ministry_coordination",
    "evaluation",
]
#: draft -> in_review -> published; withdrawn by the origin node at any time after.
Workflow = Literal["draft", "in_review", "published", "withdrawn"]
Standing = Literal["in_force", "pilot", "discontinued"]
#: English, Russian and the host languages of the coalition's states (ISO 639-1).
Language = Literal[
    "en", "ru", "sv", "de", "pl", "fi", "et", "lv", "lt", "cs", "fr", "nl", "da", "no", "uk",
]  # fmt: skip
EndorsementKind = Literal["adopted", "adapted", "did_not_work"]
#: Roles only, never a person: who wrote, endorsed or commented.
Role = Literal[
    "migration_ministry",
    "foreign_ministry",
    "interior_ministry",
    "funding_agency",
    "civil_society_liaison",
    "researcher",
    "other_official",
]
#: Attachment types accepted (checked against the content, not the name).
MediaType = Literal["application/pdf", "text/plain", "image/png", "image/jpeg"]

TOPICS: tuple[str, ...] = get_args(Topic)
LANGUAGES: tuple[str, ...] = get_args(Language)
MEDIA_TYPES: tuple[str, ...] = get_args(MediaType)
