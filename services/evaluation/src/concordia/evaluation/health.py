"""Coalition health and plurality indicators of one period: pure functions over plain rows.

Funding means commitments (IATI type 2) in EUR whose value date falls in the period. A grant to
a person counts as its own recipient (never named); organisation indicators use organisations.
Permits count by the day they were granted; of their holders only one bit is known (in a
vulnerable group or not).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from concordia.events.codes import GOALS, HORIZONS, REGION_DISTRICT, REPRESENTED_GROUPS


@dataclass(frozen=True)
class GrantFacts:
    """What an indicator needs of a grant."""

    id: uuid.UUID
    organisation_id: uuid.UUID | None
    purpose: str | None
    horizon: str | None
    goals: tuple[str, ...]


@dataclass(frozen=True)
class OrgFacts:
    """What an indicator needs of an organisation."""

    represents: tuple[str, ...]
    regions: tuple[str, ...]


@dataclass
class Inputs:
    """Every row one period's indicators read."""

    start: date
    grants: dict[uuid.UUID, GrantFacts]
    orgs: dict[uuid.UUID, OrgFacts]
    #: (grant id, EUR, value date) of every commitment, any period (newcomers look back).
    commitments: list[tuple[uuid.UUID, Decimal, date]]
    end: date
    fragmentation_threshold: Decimal = Decimal(10000)
    #: Grants assessed (two or more assessments) in the period, and organisations assessed.
    assessed_grants: set[uuid.UUID] = field(default_factory=set)
    assessed_orgs: set[uuid.UUID] = field(default_factory=set)
    #: Permits granted in the period: (holder in a vulnerable group, family members covered).
    permits: list[tuple[bool, int]] = field(default_factory=list)


def _share(part: Decimal, whole: Decimal) -> float | None:
    return None if whole == 0 else round(float(part / whole), 6)


def recipient_of(grant: GrantFacts) -> str:
    """The recipient key: the organisation, or the grant itself for a person."""
    return f"org:{grant.organisation_id}" if grant.organisation_id else f"grant:{grant.id}"


def hhi(amounts: Iterable[Decimal]) -> float | None:
    """Herfindahl-Hirschman index on shares (0..1]: 1 means one recipient has everything."""
    values = [a for a in amounts if a > 0]
    total = sum(values, Decimal(0))
    if total == 0:
        return None
    return round(sum(float(a / total) ** 2 for a in values), 6)


def top_share(amounts: Iterable[Decimal], n: int = 10) -> float | None:
    """The share of the ``n`` largest recipients."""
    values = sorted((a for a in amounts if a > 0), reverse=True)
    return _share(sum(values[:n], Decimal(0)), sum(values, Decimal(0)))


def _in_period(inputs: Inputs) -> dict[uuid.UUID, Decimal]:
    by_grant: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for grant_id, eur, day in inputs.commitments:
        if inputs.start <= day <= inputs.end and grant_id in inputs.grants:
            by_grant[grant_id] += eur
    return dict(by_grant)


def _funded_years(inputs: Inputs) -> dict[uuid.UUID, set[int]]:
    years: dict[uuid.UUID, set[int]] = defaultdict(set)
    for grant_id, eur, day in inputs.commitments:
        grant = inputs.grants.get(grant_id)
        org = None if grant is None else grant.organisation_id
        if org is not None and eur > 0 and day < inputs.start:
            years[org].add(day.year)
    return years


def compute(inputs: Inputs) -> dict[str, Any]:
    """Every indicator's value for the period (definitions in ``DEFINITIONS``)."""
    by_grant = _in_period(inputs)
    total = sum(by_grant.values(), Decimal(0))
    by_recipient: dict[str, Decimal] = defaultdict(Decimal)
    by_org: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    by_horizon: dict[str, Decimal] = dict.fromkeys(HORIZONS, Decimal(0))
    by_goal: dict[str, Decimal] = dict.fromkeys(GOALS, Decimal(0))
    for grant_id, eur in by_grant.items():
        grant = inputs.grants[grant_id]
        by_recipient[recipient_of(grant)] += eur
        if grant.organisation_id is not None:
            by_org[grant.organisation_id] += eur
        if grant.horizon in by_horizon:
            by_horizon[grant.horizon] += eur
        for goal in grant.goals:
            by_goal[goal] += eur / len(grant.goals)
    years = _funded_years(inputs)
    last_three = {inputs.start.year - i for i in (1, 2, 3)}
    newcomers = sum((e for o, e in by_org.items() if not years.get(o)), Decimal(0))
    established = sum((e for o, e in by_org.items() if last_three <= years.get(o, set())),
                      Decimal(0))  # fmt: skip
    small = sum(1 for eur in by_grant.values() if eur < inputs.fragmentation_threshold)
    by_group = dict.fromkeys(REPRESENTED_GROUPS, Decimal(0))
    subjects: set[str] = set()
    minorities = 0  # funded organisations representing national minorities
    for org_id, eur in by_org.items():
        facts = inputs.orgs.get(org_id)
        if facts is None:
            continue
        for group in facts.represents:
            by_group[group] += eur
        minorities += "national_minorities" in facts.represents
        subjects.update(r for r in facts.regions if r in REGION_DISTRICT)
    assessed_orgs = inputs.assessed_orgs
    assessed = sum(
        (eur for g, eur in by_grant.items()
         if g in inputs.assessed_grants or inputs.grants[g].organisation_id in assessed_orgs),
        Decimal(0),
    )  # fmt: skip
    cent = Decimal("0.01")
    return {
        "funding_committed_eur": total.quantize(cent),
        "hhi": hhi(by_recipient.values()),
        "top10_share": top_share(by_recipient.values()),
        "newcomer_share": _share(newcomers, total),
        "long_established_share": _share(established, total),
        "fragmentation_share": None if not by_grant else round(small / len(by_grant), 6),
        "funding_by_group_eur": {k: v.quantize(cent) for k, v in by_group.items()},
        "regional_coverage": {
            "subjects": sorted(subjects),
            "federal_districts": sorted({REGION_DISTRICT[s] for s in subjects}),
            "national_minority_organisations": minorities,
        },
        "horizon_balance": {k: _share(v, total) for k, v in by_horizon.items()},
        "strategic_goal_coverage_eur": {k: v.quantize(cent) for k, v in by_goal.items()},
        "criteria_coverage": _share(assessed, total),
        "permits_granted": len(inputs.permits),
        "permits_granted_vulnerable": sum(1 for vulnerable, _ in inputs.permits if vulnerable),
        "family_members_covered": sum(family for _, family in inputs.permits),
    }


DEFINITIONS: Mapping[str, tuple[str, str]] = {
    "funding_committed_eur": ("combinable", "Commitments in EUR with a value date in the period."),
    "hhi": ("node", "Herfindahl-Hirschman index of funding by recipient, on shares (0..1]."),
    "top10_share": ("node", "Share of funding to the ten largest recipients."),
    "newcomer_share": ("node", "Share of funding to organisations never funded before the "
                       "period."),
    "long_established_share": ("node", "Share of funding to organisations funded in each of "
                               "the three calendar years before the period's."),
    "fragmentation_share": ("combinable", "Share of funded grants committed below the "
                            "fragmentation threshold in the period ('spread too thin')."),
    "funding_by_group_eur": ("combinable", "Funding in EUR to organisations representing each "
                             "group (national minorities, women, LGBT+, regional communities, "
                             "other discriminated groups)."),
    "regional_coverage": ("node", "Federal subjects and districts among the regions of focus "
                          "of funded organisations, and how many funded organisations "
                          "represent national minorities."),
    "horizon_balance": ("node", "Share of funding by horizon (short, mid, long)."),
    "strategic_goal_coverage_eur": ("combinable", "Funding in EUR per long-term strategic goal "
                                    "(a grant's amount split equally among its goals)."),
    "criteria_coverage": ("node", "Share of funding to grants (or their organisations) "
                          "assessed by at least two assessors in the period."),
    "permits_granted": ("combinable", "Permits granted in the period (from their first valid "
                        "day, else the day the registry recorded the grant)."),
    "permits_granted_vulnerable": ("combinable", "Permits granted in the period to people in "
                                   "vulnerable groups (any vulnerability the registry records)."),
    "family_members_covered": ("combinable", "Family members covered by the permits granted "
                               "in the period."),
}  # fmt: skip
