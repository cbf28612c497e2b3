"""Clearly synthetic funding records for the ledger demo, the same on every run (fixed seeds).

Donors read "Example Foundation 1" and carry ``DEMO`` identifiers, grants ``DEMO-G-0001`` and
"Example grant 001: ...", transactions ``DEMO-T-0001-C``; every amount is invented. Dates are
fixed (not relative to today), so a second seed finds every grant unchanged. Each grant draws
from its own random stream, so asking for more grants never changes the earlier ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from concordia.cli._demo import host_country
from concordia.core.codelists import country_agency
from concordia.events import codes

FUNDING_SEED = 20260304
RATE_SEED = 20260305
FIRST_START = date(2024, 1, 1)  # grants start between this and LAST_START
LAST_START = date(2025, 12, 31)
LAST_VALUE_DATE = date(2026, 6, 30)  # no transaction is dated later
RATES_FROM = date(2023, 12, 1)  # monthly rates from here to RATES_TO, covering every value date
RATES_TO = date(2026, 12, 1)
_CENT = Decimal("0.01")

#: EUR per unit, roughly; the demo rates wobble around these.
_BASE_RATES = {"SEK": 0.0870, "PLN": 0.2320}


@dataclass(frozen=True)
class DemoDonor:
    """A donor record and the currency its grants are in."""

    record: dict[str, Any]
    currency: str
    weight: int


@dataclass
class DemoGrant:
    """A grant sync record with the transactions and activities recorded on it."""

    record: dict[str, Any]
    transactions: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def external_id(self) -> str:
        """The grant's key within its donor."""
        return str(self.record["external_id"])


def donors(node: str) -> list[DemoDonor]:
    """A private foundation or two, a government programme and a multilateral fund."""
    country = host_country(node)
    agency = country_agency(country)
    return [
        DemoDonor(
            {"identifier": f"{agency}-DEMO-DONOR-1", "name": "Example Foundation 1",
             "type": "foundation", "country": country},
            "EUR", 30,
        ),
        DemoDonor(
            {"identifier": "PL-KRS-DEMO-DONOR-2", "name": "Example Foundation 2",
             "type": "foundation", "country": "PL"},
            "PLN", 15,
        ),
        DemoDonor(
            {"identifier": f"{agency}-DEMO-DONOR-3",
             "name": "Example Government Democracy Programme",
             "type": "government_programme", "country": country},
            "SEK", 35,
        ),
        DemoDonor(
            {"identifier": "XM-DAC-DEMO-DONOR-4", "name": "Example Multilateral Democracy Fund",
             "type": "multilateral", "country": "BE"},
            "EUR", 20,
        ),
    ]  # fmt: skip


def rates() -> list[dict[str, str]]:
    """Monthly SEK and PLN rates to EUR (``RateIn`` bodies) covering every demo value date."""
    rng = random.Random(RATE_SEED)
    found = []
    for currency, base in _BASE_RATES.items():
        day = RATES_FROM
        while day <= RATES_TO:
            rate = Decimal(base * rng.uniform(0.97, 1.03)).quantize(Decimal("0.0001"))
            found.append({"currency": currency, "date": day.isoformat(), "rate": str(rate)})
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return found


_PURPOSES = {
    "independent_media": "core support for an exile newsroom",
    "human_rights": "documenting human rights violations",
    "civil_society": "strengthening diaspora civil society",
    "political_participation": "democratic participation programme",
    "legal_aid": "legal aid for persecuted activists",
    "research": "research on the regions after the war",
    "education": "training for young journalists",
    "culture": "independent culture in exile",
    "minority_rights": "voices of national minorities",
    "gender_equality": "women's leadership network",
    "transitional_justice": "transitional justice archive",
    "relocation_and_security": "relocation and digital security",
    "institutional_support": "institutional support",
}
_GOALS = codes.GOALS
_HORIZON_MONTHS = {"short": (6, 12), "mid": (12, 24), "long": (36, 48)}
# The demo texts and spans cover exactly the shared code lists (concordia.events.codes).
assert set(_PURPOSES) == set(codes.PURPOSE_CODES)
assert set(_HORIZON_MONTHS) == set(codes.HORIZONS)
_VISIBILITY = {"public": 45, "coalition": 47, "restricted": 8}
_GENDER_MARKER = {0: 40, 1: 45, 2: 15}
_ACTIVITY_COUNTRIES = ("LT", "LV", "PL", "GE", "AM", "DE", "SE")
_CITIES = ("Exampletown", "Demoville", "Testborg")
_ACTIVITY_NAMES = {"event": "workshop", "programme": "training programme"}
#: Per currency: (smallest, largest) grant amount, in whole units.
_AMOUNTS = {"EUR": (10_000, 400_000), "SEK": (100_000, 4_000_000), "PLN": (40_000, 1_600_000)}


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_EVEN))


def _split(total: int, rng: random.Random, shares: dict[str, float]) -> dict[str, int]:
    """``total`` split roughly by ``shares``; the last key takes what is left."""
    keys, counts, left = list(shares), {}, total
    for key in keys[:-1]:
        counts[key] = min(left, round(total * shares[key] * rng.uniform(0.7, 1.3)))
        left -= counts[key]
    counts[keys[-1]] = left
    return counts


def _activities(n: int, rng: random.Random, start: date, end: date) -> list[dict[str, Any]]:
    found = []
    for i in range(1, rng.randint(1, 2) + 1):
        kind = rng.choice(("event", "programme"))
        first = start + timedelta(days=rng.randint(0, max(0, (end - start).days - 10)))
        last = min(end, first + timedelta(days=rng.randint(1, 4) if kind == "event" else 120))
        total = rng.randint(8, 120)
        found.append(
            {
                "kind": kind,
                "title": f"Example {_ACTIVITY_NAMES[kind]} {n:03d}-{i}",
                "start_date": first.isoformat(),
                "end_date": last.isoformat(),
                "country": rng.choice(_ACTIVITY_COUNTRIES),
                "city": rng.choice(_CITIES),
                "participants_by_gender": _split(
                    total, rng, {"men": 0.42, "other": 0.02, "undisclosed": 0.04, "women": 0.52}
                ),
                "participants_by_origin": _split(
                    total, rng, {"non_russian": 0.25, "undisclosed": 0.08, "russian": 0.67}
                ),
            }
        )
    return found


def _transactions(
    n: int, rng: random.Random, currency: str, start: date, amount: Decimal
) -> list[dict[str, Any]]:
    prefix = f"DEMO-T-{n:04d}"
    if n % 10 == 0:  # announced, not yet committed: a pledge only (never counts as committed)
        return [{"type": 12, "amount": _money(amount), "currency": currency,
                 "value_date": (start - timedelta(days=30)).isoformat(),
                 "external_id": f"{prefix}-P", "description": "Pledge (synthetic)."}]  # fmt: skip
    found = [{"type": 2, "amount": _money(amount), "currency": currency,
              "value_date": start.isoformat(), "external_id": f"{prefix}-C",
              "description": "Commitment (synthetic)."}]  # fmt: skip
    tranches = rng.randint(2, 4)
    tranche = amount / tranches
    for i in range(tranches):
        value_date = start + timedelta(days=14 + 180 * i)
        if value_date > LAST_VALUE_DATE:
            break
        found.append({"type": 3, "amount": _money(tranche), "currency": currency,
                      "value_date": value_date.isoformat(), "external_id": f"{prefix}-D{i + 1}",
                      "description": f"Disbursement, tranche {i + 1} (synthetic)."})  # fmt: skip
    return found


def grants(
    donor_ids: list[str], funded: list[DemoDonor], organisations: list[str], count: int
) -> list[DemoGrant]:
    """``count`` grants of ``funded`` donors (ids in ``donor_ids``) to registry organisations.

    ``organisations`` are the identifiers of the organisations the registry was seeded with.
    """
    if not organisations:
        raise ValueError("the demo grants need at least one organisation")
    span = (LAST_START - FIRST_START).days
    found = []
    for n in range(1, count + 1):
        rng = random.Random(FUNDING_SEED * 10_000 + n)
        which = rng.choices(range(len(funded)), weights=[d.weight for d in funded])[0]
        currency = funded[which].currency
        purpose = rng.choice(list(_PURPOSES))
        horizon = rng.choice(list(_HORIZON_MONTHS))
        start = FIRST_START + timedelta(days=rng.randint(0, span))
        end = start + timedelta(days=30 * rng.randint(*_HORIZON_MONTHS[horizon]))
        low, high = _AMOUNTS[currency]
        amount = Decimal(rng.randrange(low, high, low // 10))
        record = {
            "donor_id": donor_ids[which],
            "external_id": f"DEMO-G-{n:04d}",
            "recipient": {
                "type": "organisation",
                "identifier": organisations[rng.randrange(len(organisations))],
            },
            "title": f"Example grant {n:03d}: {_PURPOSES[purpose]}",
            "description": "Synthetic demo grant: no real donor, recipient or money.",
            "purpose": purpose,
            "horizon": horizon,
            "goals": rng.sample(_GOALS, k=rng.randint(1, 3)),
            "gender_marker": rng.choices(list(_GENDER_MARKER), list(_GENDER_MARKER.values()))[0],
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "visibility": rng.choices(list(_VISIBILITY), list(_VISIBILITY.values()))[0],
        }
        grant = DemoGrant(record, _transactions(n, rng, currency, start, amount))
        if rng.random() < 0.3:
            grant.activities = _activities(n, rng, start, end)
        found.append(grant)
    return found
