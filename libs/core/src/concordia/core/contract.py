"""The API contract's names, derived once for every service: operation ids and tag descriptions.

An operation id is ``<tag>.<verb>``, read off the route: its first tag and its function's name
without the words that only repeat the tag (``create_person`` under ``persons`` is
``persons.create``; ``add_consent`` stays ``persons.add_consent``). A route that needs another
id says so with ``operation_id=`` (FastAPI uses an explicit id before this function).

Example::

    FastAPI(generate_unique_id_function=operation_id, openapi_tags=tag_metadata(app_tags))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.routing import APIRoute

#: What each tag of any service's API groups (shown in the documents and the generated clients).
TAG_DESCRIPTIONS: dict[str, str] = {
    "persons": "Persons a node's agencies host: their records, consents and erasure.",
    "organisations": "Organisations of the exiled civil society and their members.",
    "permits": "Residence and work permits, with their validity.",
    "sync": "Bulk synchronisation from an agency's own system: idempotent, with a dry run.",
    "feeds": "What changed, who read what (the audit trail), published aggregates, code lists.",
    "screen": "The registry's screen: does a text name a person the registry knows?",
    "donors": "Donors, public and private, and how they are named in the coalition.",
    "grants": "Grants and their transactions (commitments and disbursements).",
    "activities": "What a grant pays for, with participants as counts only.",
    "rates": "EUR exchange rates used to compare money across currencies.",
    "feed": "The funding feed as a donor sees it: pages, a live stream, an IATI file.",
    "aggregates": "The protected aggregates this node has published to the coalition.",
    "overlaps": "Overlap rounds (private set intersection) and their outcomes.",
    "practices": "Best practices: revisions, four-eyes review, search.",
    "contributions": "Endorsements of and comments on a published practice.",
    "attachments": "Files attached to a practice revision, addressed by their SHA-256.",
    "evaluation": "Independent assessors, their conflicts and assignments, agreement, targets.",
    "hub": "The coalition's nodes, their aggregates, coalition indicators and the charter.",
    "workspace": "The coordination group's workspace: commitments, agenda items, decisions.",
    "coalition": "The coalition's decisions that concern this node, as it received them, and "
    "its secure tables: the rounds it took part in and the epsilon it spent.",
    "secure": "Secure aggregation: the rounds the hub runs, the releases, the epsilon spent, "
    "the research release.",
    "ops": "Health, readiness and metrics of the process.",
}


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word.removesuffix("s")


def operation_id(route: APIRoute) -> str:
    """``<tag>.<verb>`` for ``route`` (FastAPI's ``generate_unique_id_function``)."""
    tag = str(route.tags[0]) if route.tags else "default"
    repeats = {tag, _singular(tag)}
    words = [word for word in route.name.split("_") if word not in repeats]
    return f"{tag}.{'_'.join(words) or route.name}"


def tag_metadata(tags: Iterable[str]) -> list[dict[str, Any]]:
    """The ``openapi_tags`` for the tags an app uses, in order of first use."""
    return [
        {"name": tag, "description": TAG_DESCRIPTIONS.get(tag, "")} for tag in dict.fromkeys(tags)
    ]
