"""Clearly synthetic demo records, the same on every run (fixed random seeds).

Names read "Testperson 0001" and "Example Exile Media 03", external ids ``DEMO-P-0001``,
organisation identifiers ``SE-ON-DEMO-0003`` (a real registration agency, a visibly
synthetic number) and cities "Exampletown": nothing here can be
mistaken for a real person. The mix (genders, regions of origin with a few in occupied Crimea,
professions, ethnic origin, permits expiring soon) exercises the API, aggregates and filters.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from concordia.core.codelists import country_agency
from concordia.events import codes

PERSON_SEED = 20260301
ORG_SEED = 20260302
PERMIT_SEED = 20260303

_GENDERS = {"female": 48, "male": 45, "other": 2, "undisclosed": 5}
_ORIGINS = {"russian": 68, "non_russian": 22, "undisclosed": 10}
_PROFESSIONS = {
    "journalist": 30, "activist": 24, "researcher": 15, "politician": 5, "lawyer": 8,
    "artist": 12, "other": 6,
}  # fmt: skip
_RISK = {"low": 15, "medium": 45, "high": 30, "critical": 10}
_BIG_REGIONS = {
    "RU-MOW": 40, "RU-SPE": 22, "RU-TA": 5, "RU-BA": 4, "RU-SVE": 4, "RU-NVS": 4, "RU-KDA": 3,
    "RU-BU": 3, "RU-DA": 3, "RU-CE": 2, "RU-SA": 2, "RU-KGD": 2, "UA-43": 4,
}  # fmt: skip
#: Minorities that a person from these regions plausibly self-declares (else a random one).
_REGION_MINORITY = {
    "RU-TA": "tatar", "RU-BA": "bashkir", "RU-BU": "buryat", "RU-SA": "yakut",
    "RU-CE": "chechen", "RU-DA": "avar", "RU-CU": "chuvash", "RU-KL": "kalmyk",
    "RU-TY": "tuvan", "RU-IN": "ingush", "UA-43": "crimean_tatar",
}  # fmt: skip
_MINORITIES = sorted(codes.MINORITIES - {"other"})
_CITIES = ("Exampletown", "Demoville", "Testborg")
_ORG_KINDS: dict[str, tuple[str, list[str], list[str]]] = {
    "independent_media": ("Example Exile Media", ["media_freedom", "investigative_journalism"],
                          ["ru", "en"]),
    "ngo": ("Example Civic Association", ["human_rights", "legal_aid"], ["ru", "en"]),
    "research_centre": ("Example Research Centre", ["transitional_justice", "regional_studies"],
                        ["ru", "en", "de"]),
    "political_movement": ("Example Democratic Movement", ["democratic_transition"], ["ru"]),
    "initiative": ("Example Solidarity Initiative", ["anti_war", "diaspora_support"],
                   ["ru", "tt", "uk"]),
}  # fmt: skip
_ROLES = {
    "independent_media": "editor", "ngo": "member", "research_centre": "researcher",
    "political_movement": "coordinator", "initiative": "volunteer",
}  # fmt: skip
_TRACKS = {"residence": 35, "work": 20, "humanitarian_visa": 20, "asylum": 15, "special_track": 10}
_STATUSES = {"granted": 60, "applied": 18, "refused": 8, "expired": 14}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def host_country(node: str) -> str:
    """The host country of a node's demo persons (the node's own country)."""
    code = node.upper()
    return code if code in codes.COUNTRIES else "SE"


def _regions() -> dict[str, int]:
    every = dict.fromkeys(c for cs in codes.FEDERAL_DISTRICTS.values() for c in cs)
    return dict.fromkeys(every, 1) | _BIG_REGIONS


def persons(node: str, count: int) -> list[dict[str, Any]]:
    """``count`` synthetic persons for a bulk sync (``PersonSync`` records)."""
    rng, regions = random.Random(PERSON_SEED), _regions()
    records = []
    for n in range(1, count + 1):
        region = _pick(rng, regions)
        origin = _pick(rng, _ORIGINS)
        minority = None
        if origin == "non_russian":
            minority = _REGION_MINORITY.get(region) or rng.choice(_MINORITIES)
        family: list[dict[str, Any]] = []
        if rng.random() < 0.4:
            family.append({"relation": rng.choice(["spouse", "partner"]), "count": 1})
            if rng.random() < 0.6:
                family.append({"relation": "child", "count": rng.randint(1, 3)})
        vulnerabilities = [
            v for v, p in (("lgbtq", 0.06), ("disability", 0.03), ("chronic_illness", 0.02))
            if rng.random() < p
        ]  # fmt: skip
        records.append(
            {
                "external_id": f"DEMO-P-{n:04d}",
                "name": f"Testperson {n:04d}",
                "aliases": [f"Testalias {n:04d}"] if rng.random() < 0.1 else [],
                "gender": _pick(rng, _GENDERS),
                "ethnic_origin": origin,
                "national_minority": minority,
                "region_of_origin": region,
                "profession_category": _pick(rng, _PROFESSIONS),
                "host_country": host_country(node),
                "host_city": rng.choice(_CITIES),
                "vulnerabilities": vulnerabilities,
                "risk_level": _pick(rng, _RISK),
                "family": family,
            }
        )
    return records


def organisations(node: str, count: int) -> list[dict[str, Any]]:
    """``count`` synthetic organisations (``OrganisationSync`` records)."""
    rng, country = random.Random(ORG_SEED), host_country(node)
    kinds = list(_ORG_KINDS)
    records = []
    for n in range(1, count + 1):
        kind = kinds[(n - 1) % len(kinds)]
        label, focus, languages = _ORG_KINDS[kind]
        records.append(
            {
                "external_id": f"DEMO-O-{n:04d}",
                "identifier": f"{country_agency(country)}-DEMO-{n:04d}",
                "name": f"{label} {n:02d}",
                "type": kind,
                "focus": rng.sample(focus, k=rng.randint(1, len(focus))),
                "languages": languages,
                "registration_country": country,
            }
        )
    return records


def memberships(
    org_ids: list[tuple[str, str]], person_ids: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Members for each organisation: ``(org_id, MembershipCreate body)`` pairs.

    ``org_ids`` pairs each organisation's id with its type.
    """
    rng = random.Random(ORG_SEED + 1)
    result = []
    for org_id, kind in org_ids:
        for person_id in rng.sample(person_ids, k=min(len(person_ids), rng.randint(2, 5))):
            result.append((org_id, {"person_id": person_id, "role": _ROLES[kind]}))
    return result


def permits(
    persons_by_index: list[tuple[str, dict[str, Any]]], today: date, share: float = 0.55
) -> list[dict[str, Any]]:
    """Permits (``PermitCreate`` bodies) for a share of the persons; some expire within 30 days.

    ``persons_by_index`` pairs each person's id with the record synced for it.
    """
    rng = random.Random(PERMIT_SEED)
    bodies = []
    granted = 0
    for person_id, record in persons_by_index:
        if rng.random() >= share:
            continue
        status, track = _pick(rng, _STATUSES), _pick(rng, _TRACKS)
        valid_from: date | None = None
        valid_to: date | None = None
        if status == "granted":
            valid_from = today - timedelta(days=rng.randint(30, 700))
            soon = granted % 7 == 0  # every seventh granted permit, so even small seeds have some
            granted += 1
            valid_to = today + timedelta(days=rng.randint(1, 29) if soon else rng.randint(60, 900))
        elif status == "expired":
            valid_to = today - timedelta(days=rng.randint(1, 200))
            valid_from = valid_to - timedelta(days=365)
        family = sum(member["count"] for member in record["family"])
        covered = family if track in ("residence", "asylum", "humanitarian_visa") else 0
        bodies.append(
            {
                "person_id": person_id,
                "host_country": record["host_country"],
                "track": track,
                "status": status,
                "valid_from": valid_from.isoformat() if valid_from else None,
                "valid_to": valid_to.isoformat() if valid_to else None,
                "family_members_covered": covered,
            }
        )
    return bodies
