# ruff: noqa: S608  (the statements are composed of this module's constants; values are bound)
"""``evaluation.indicators``: every indicator and target of a period over 100,000 grants.

The figure runs the service's own code path (``reports.indicators`` and ``reports.targets``,
through its async session) on a migrated SQLite database holding 100,000 grants with their
commitments over five years, 5,000 organisations and 20,000 activities. The ceiling computes
the same figures with one raw SQL statement per indicator (through ``sqlite3``, the database
doing the grouping) on the same file; both give the same committed total, which is checked.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert

from bench._common import ROOT, Figure, Workspace
from concordia.core.db import Database
from concordia.evaluation.models import (
    KnownActivity,
    KnownGrant,
    KnownOrganisation,
    KnownTransaction,
)
from concordia.evaluation.service import reports
from concordia.evaluation.service._common import Rules
from concordia.events import DEFAULT_CHARTER
from concordia.events.codes import REPRESENTED_GROUPS

EVALUATION_DIR = ROOT / "services" / "evaluation"
PERIOD, START, END = "2026-Q2", "2026-04-01", "2026-06-30"
GOAL = 0.05
GOALS = ("value_of_politics", "value_of_human_life", "no_false_choice")
REGIONS = ("RU-TA", "RU-BA", "RU-SA", "RU-MOW", "RU-SPE", "RU-BU")
BATCH = 5000


def _rows(grants: int, activities: int) -> dict[Any, list[dict[str, Any]]]:
    """Visibly synthetic rows: organisations, grants, one commitment each, activities."""
    rng = random.Random(20261204)
    orgs = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(max(1, grants // 20))]
    organisation_rows = [
        {"id": o, "identifier": f"SE-BENCH-{n:06d}", "type": "ngo", "version": 1,
         "represents": rng.sample(REPRESENTED_GROUPS, rng.randint(0, 2)),
         "regions_of_focus": rng.sample(REGIONS, rng.randint(0, 2)), "removed": False}
        for n, o in enumerate(orgs)
    ]  # fmt: skip
    grant_rows, commitment_rows = [], []
    for n in range(grants):
        grant_id = uuid.UUID(int=rng.getrandbits(128))
        grant_rows.append({
            "id": grant_id, "donor_id": orgs[n % 7], "feed_seq": n + 1, "withdrawn": False,
            "organisation_id": None if n % 50 == 0 else rng.choice(orgs),
            "purpose": "research", "horizon": ("short", "mid", "long")[n % 3],
            "goals": list(GOALS[: 1 + n % 3]), "start_date": None, "end_date": None,
        })  # fmt: skip
        commitment_rows.append({
            "id": uuid.UUID(int=rng.getrandbits(128)), "grant_id": grant_id, "type": 2,
            "amount_eur": Decimal(rng.randint(500, 200_000)),
            "value_date": date(rng.randint(2022, 2026), rng.randint(1, 6), rng.randint(1, 28)),
        })  # fmt: skip
    activity_rows = [
        {"id": uuid.UUID(int=rng.getrandbits(128)), "grant_id": grant_rows[n % grants]["id"],
         "kind": ("event", "programme")[n % 2],
         "start_date": date(2026, rng.randint(4, 6), rng.randint(1, 28)),
         "women": rng.randint(0, 30), "men": rng.randint(0, 30), "gender_other": n % 2,
         "gender_undisclosed": 0, "russian": rng.randint(0, 40), "non_russian": rng.randint(0, 12),
         "origin_undisclosed": 0, "version": 1}
        for n in range(activities)
    ]  # fmt: skip
    return {KnownOrganisation: organisation_rows, KnownGrant: grant_rows,
            KnownTransaction: commitment_rows, KnownActivity: activity_rows}  # fmt: skip


def _fill(url: str, rows: dict[Any, list[dict[str, Any]]]) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for model, items in rows.items():
            for start in range(0, len(items), BATCH):
                conn.execute(insert(model.__table__), items[start : start + BATCH])
    engine.dispose()


_IN_PERIOD = """
    SELECT t.grant_id AS grant_id, g.organisation_id AS org, g.horizon AS horizon,
           g.goals AS goals, SUM(t.amount_eur) AS eur
    FROM known_transactions t JOIN known_grants g ON g.id = t.grant_id AND NOT g.withdrawn
    WHERE t.type = 2 AND t.amount_eur IS NOT NULL AND t.value_date BETWEEN :start AND :end
    GROUP BY t.grant_id
"""
_BY_RECIPIENT = f"""
    SELECT COALESCE('org:' || org, 'grant:' || grant_id) AS who, SUM(eur) AS eur
    FROM ({_IN_PERIOD}) GROUP BY who
"""
_PRIOR_YEARS = """
    SELECT g.organisation_id AS org, COUNT(DISTINCT substr(t.value_date, 1, 4)) AS years,
           SUM(substr(t.value_date, 1, 4) IN (:y1, :y2, :y3)) AS recent,
           COUNT(DISTINCT CASE WHEN substr(t.value_date, 1, 4) IN (:y1, :y2, :y3)
                          THEN substr(t.value_date, 1, 4) END) AS recent_years
    FROM known_transactions t JOIN known_grants g ON g.id = t.grant_id
    WHERE t.type = 2 AND t.amount_eur > 0 AND t.value_date < :start
      AND g.organisation_id IS NOT NULL
    GROUP BY g.organisation_id
"""
#: One statement per indicator (and per target), the database doing the grouping.
QUERIES: dict[str, str] = {
    "funding_committed_eur": f"SELECT SUM(eur) FROM ({_IN_PERIOD})",
    "hhi": f"SELECT SUM(eur * eur) / (SUM(eur) * SUM(eur)) FROM ({_BY_RECIPIENT})",
    "top10_share": f"""WITH r AS ({_BY_RECIPIENT})
        SELECT (SELECT SUM(eur) FROM (SELECT eur FROM r ORDER BY eur DESC LIMIT 10))
               / (SELECT SUM(eur) FROM r)""",
    "newcomer_share": f"""WITH p AS ({_IN_PERIOD}), y AS ({_PRIOR_YEARS})
        SELECT SUM(CASE WHEN p.org IS NOT NULL AND y.org IS NULL THEN p.eur ELSE 0 END)
               / SUM(p.eur) FROM p LEFT JOIN y ON y.org = p.org""",
    "long_established_share": f"""WITH p AS ({_IN_PERIOD}), y AS ({_PRIOR_YEARS})
        SELECT SUM(CASE WHEN y.recent_years = 3 THEN p.eur ELSE 0 END) / SUM(p.eur)
        FROM p LEFT JOIN y ON y.org = p.org""",
    "fragmentation_share": f"""SELECT AVG(eur < :threshold) FROM ({_IN_PERIOD})""",
    "funding_by_group_eur": f"""SELECT j.value, SUM(p.eur) FROM ({_IN_PERIOD}) p
        JOIN known_organisations o ON o.id = p.org, json_each(o.represents) j
        GROUP BY j.value""",
    "regional_coverage": f"""SELECT DISTINCT j.value FROM ({_IN_PERIOD}) p
        JOIN known_organisations o ON o.id = p.org, json_each(o.regions_of_focus) j""",
    "horizon_balance": f"""SELECT horizon, SUM(eur) / (SELECT SUM(eur) FROM ({_IN_PERIOD}))
        FROM ({_IN_PERIOD}) GROUP BY horizon""",
    "strategic_goal_coverage_eur": f"""SELECT j.value, SUM(p.eur / json_array_length(p.goals))
        FROM ({_IN_PERIOD}) p, json_each(p.goals) j GROUP BY j.value""",
    "criteria_coverage": f"""WITH p AS ({_IN_PERIOD}), a AS (
            SELECT item_id FROM assessments WHERE period = :period
            GROUP BY item_type, item_id HAVING COUNT(*) >= 2)
        SELECT SUM(CASE WHEN p.grant_id IN (SELECT item_id FROM a)
                          OR p.org IN (SELECT item_id FROM a) THEN p.eur ELSE 0 END)
               / SUM(p.eur) FROM p""",
    "women_share": """SELECT id, kind, women, women + men + gender_other
        FROM known_activities WHERE start_date BETWEEN :start AND :end""",
    "non_russian_share": """SELECT id, kind, non_russian, russian + non_russian
        FROM known_activities WHERE start_date BETWEEN :start AND :end""",
}


def _raw(path: Path) -> tuple[float, float]:
    """Every query once on ``path``; the seconds taken, and the committed total."""
    params = {"start": START, "end": END, "period": PERIOD, "threshold": 10000,
              "y1": "2025", "y2": "2024", "y3": "2023"}  # fmt: skip
    conn = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        results = {name: conn.execute(sql, params).fetchall() for name, sql in QUERIES.items()}
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    return seconds, float(results["funding_committed_eur"][0][0])


async def _service(url: str) -> tuple[float, float]:
    """The service's indicators and targets of the period; the seconds, and the total."""
    db = Database(url)
    try:
        started = time.perf_counter()
        async with db.unit_of_work(write=False) as session:
            found = await reports.indicators(session, PERIOD, Rules())
            await reports.targets(session, PERIOD, DEFAULT_CHARTER)
        seconds = time.perf_counter() - started
    finally:
        await db.dispose()
    total = next(i.value for i in found if i.code == "funding_committed_eur")
    return seconds, float(total)


async def run(ws: Workspace, *, grants: int = 100_000, activities: int = 20_000) -> Figure:
    """Seed, then time the service's indicators beside one raw SQL query per indicator."""
    url = await ws.database("evaluation", EVALUATION_DIR)
    _fill(url, _rows(grants, activities))
    path = Path(url.removeprefix("sqlite:///"))
    _raw(path)  # warm the page cache for both
    service_seconds, service_total = await _service(url)
    raw_seconds, raw_total = _raw(path)
    if abs(service_total - raw_total) > 1:
        raise RuntimeError(f"the totals differ: service {service_total}, raw {raw_total}")
    return Figure(
        name="evaluation.indicators",
        value=service_seconds,
        unit="s",
        ceiling=raw_seconds,
        goal=GOAL,
        ratio_of="ceiling/value",
        what=f"every indicator and target of {PERIOD} over {grants:,} grants (one commitment "
        f"each over five years) and {activities:,} activities, through the service's reports",
        ceiling_what=f"{len(QUERIES)} raw SQL statements (one per indicator and target) via "
        "sqlite3 on the same file",
        extras={"grants": grants, "activities": activities, "queries": len(QUERIES),
                "committed_eur": round(raw_total, 2)},
    )  # fmt: skip
