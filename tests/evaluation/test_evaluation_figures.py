"""Agreement, concentration and targets against values computed by hand on small fixtures."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from concordia.evaluation import health
from concordia.evaluation.agreement import alpha_ordinal, kappa_quadratic, same_pair_items
from concordia.evaluation.participation import ActivityCounts, target_status
from concordia.evaluation.service._common import previous_periods
from concordia.evaluation.targets import V2_DEFAULTS, Bounds, charter_bounds
from concordia.events.charter import DEFAULT_CHARTER


def test_alpha_ordinal_by_hand() -> None:
    # Units (1,1), (2,2), (3,2): coincidences o11=2, o22=2, o23=o32=1, o33=0 -> n1=2, n2=3,
    # n3=1, n=6. Ordinal d2(2,3) = (3+1-(3+1)/2)^2 = 4; d2(1,2) = (2+3-2.5)^2 = 6.25;
    # d2(1,3) = (2+3+1-1.5)^2 = 20.25. Observed sum o*d2 = 2*4 = 8.
    # Expected sum n_c n_k d2 = 2*(2*3*6.25 + 2*1*20.25 + 3*1*4) = 2*(37.5+40.5+12) = 180.
    # alpha = 1 - (n-1) * 8 / 180 = 1 - 40/180 = 0.7778
    assert alpha_ordinal([[1, 1], [2, 2], [3, 2]]) == pytest.approx(1 - 40 / 180)


def test_alpha_ordinal_matches_krippendorffs_published_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", 4 observers, 12
    # units with missing values: ordinal alpha = 0.815.
    data = [
        [1, 1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [5, 5, 5], [1, 1], [3],
    ]  # fmt: skip
    assert alpha_ordinal(data) == pytest.approx(0.815, abs=0.0005)


def test_alpha_is_undefined_without_variation() -> None:
    assert alpha_ordinal([[2, 2], [2, 2]]) is None
    assert alpha_ordinal([[1]]) is None


def test_quadratic_kappa_by_hand() -> None:
    # Levels 0..4, weights (i-j)^2/16. Pairs (0,0), (4,4), (2,4), (2,2):
    # observed = (0 + 0 + 4/16 + 0) / 4 = 1/16. Rows r0=1, r4=1, r2=2; cols c0=1, c4=2, c2=1.
    # sum r_i c_j (i-j)^2 = r0: 2*16 + 1*4 = 36; r4: 16 + 4 = 20; r2: 2*4 + 2*2*4 = 24 -> 80,
    # expected = 80 / 16 / 4^2 = 5/16. kappa = 1 - (1/16) / (5/16) = 0.8.
    pairs = [(0, 0), (4, 4), (2, 4), (2, 2)]
    assert kappa_quadratic(pairs, levels=range(5)) == pytest.approx(0.8)
    assert kappa_quadratic([(3, 3), (1, 1)], levels=range(5)) == pytest.approx(1.0)


def test_same_pairs_are_grouped_only_for_exactly_two_raters() -> None:
    a, b, c = "a", "b", "c"
    scores = {1: {a: 2, b: 3}, 2: {b: 1, a: 0}, 3: {a: 1, b: 1, c: 4}, 4: {a: 1, c: 2}}
    assert same_pair_items(scores) == {(a, b): [(2, 3), (0, 1)], (a, c): [(1, 2)]}


def _grant(
    org: uuid.UUID | None, horizon: str = "mid", goals: tuple[str, ...] = ("value_of_politics",)
):
    return health.GrantFacts(uuid.uuid4(), org, "research", horizon, goals)


def test_concentration_newcomers_and_established_by_hand() -> None:
    o1, o2, o3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    g1, g2 = _grant(o1), _grant(o2, "short")
    g3 = _grant(o3, "long", ("value_of_politics", "transitional_justice"))
    g4 = _grant(None)  # a person: its own recipient
    q = date(2026, 11, 1)
    commitments = [
        (g1.id, Decimal(6000), q), (g2.id, Decimal(3000), q), (g3.id, Decimal(500), q),
        (g4.id, Decimal(500), q),
        # o1 funded in each of 2023, 2024, 2025: long-established; o2 once in 2025; o3 never.
        (g1.id, Decimal(1), date(2023, 5, 1)), (g1.id, Decimal(1), date(2024, 5, 1)),
        (g1.id, Decimal(1), date(2025, 5, 1)), (g2.id, Decimal(1), date(2025, 2, 1)),
    ]  # fmt: skip
    orgs = {o1: health.OrgFacts(("women",), ("RU-TA", "UA-43")),
            o3: health.OrgFacts(("national_minorities", "women"), ("RU-BA",))}  # fmt: skip
    inputs = health.Inputs(
        start=date(2026, 10, 1), end=date(2026, 12, 31), grants={g.id: g for g in (g1, g2, g3, g4)},
        orgs=orgs, commitments=commitments, fragmentation_threshold=Decimal(1000),
        assessed_grants={g2.id}, assessed_orgs={o3},
    )  # fmt: skip
    values = health.compute(inputs)
    # Shares 0.6, 0.3, 0.05, 0.05: HHI = 0.36 + 0.09 + 0.0025 + 0.0025 = 0.455.
    assert values["hhi"] == pytest.approx(0.455)
    assert values["top10_share"] == pytest.approx(1.0)
    assert values["funding_committed_eur"] == Decimal("10000.00")
    assert values["newcomer_share"] == pytest.approx(0.05)  # o3 only
    assert values["long_established_share"] == pytest.approx(0.6)  # o1 only
    assert values["fragmentation_share"] == pytest.approx(0.5)  # g3 and g4 below 1000
    assert values["funding_by_group_eur"]["women"] == Decimal("6500.00")
    assert values["funding_by_group_eur"]["national_minorities"] == Decimal("500.00")
    assert values["regional_coverage"] == {
        "subjects": ["RU-BA", "RU-TA", "UA-43"],
        "federal_districts": ["ukraine_occupied", "volga"],
        "national_minority_organisations": 1,  # o3
    }
    assert values["horizon_balance"]["short"] == pytest.approx(0.3)
    assert values["strategic_goal_coverage_eur"]["transitional_justice"] == Decimal("250.00")
    assert values["criteria_coverage"] == pytest.approx(0.35)  # g2 (3000) + o3's g3 (500)


def test_empty_period_has_no_ratios() -> None:
    inputs = health.Inputs(start=date(2026, 1, 1), end=date(2026, 3, 31), grants={}, orgs={},
                           commitments=[])  # fmt: skip
    values = health.compute(inputs)
    assert values["hhi"] is None
    assert values["newcomer_share"] is None


def test_targets_by_activity_programme_and_pooled() -> None:
    def act(kind: str, women: int, men: int, russian: int, non: int) -> ActivityCounts:
        return ActivityCounts(uuid.uuid4(), kind, women, men, 0, russian, non)

    acts = [act("event", 5, 5, 9, 1), act("event", 3, 7, 8, 2), act("programme", 7, 3, 7, 3)]
    women = target_status(V2_DEFAULTS["women_share"], acts)
    assert [r["status"] for r in women["activities"]] == ["met", "below_floor", "above_ceiling"]
    assert women["events_inside"] == 0.5
    assert women["pooled"]["value"] == "0.5000"  # 15 of 30
    assert women["pooled"]["aim_reached"] is True
    assert women["by_kind"]["programme"]["status"] == "above_ceiling"
    origin = target_status(V2_DEFAULTS["non_russian_share"], acts)
    assert origin["pooled"]["value"] == "0.2000"  # 6 of 30
    assert [r["status"] for r in origin["activities"]] == ["below_floor", "met", "met"]
    assert origin["ceiling"] is None  # more is never a miss


def test_the_v1_charter_is_read_as_floor_aim_ceiling() -> None:
    bounds = charter_bounds(DEFAULT_CHARTER)
    assert bounds["women_share"] == V2_DEFAULTS["women_share"]
    assert bounds["non_russian_share"].ceiling is None
    assert Bounds("x", Decimal("0.15"), Decimal("0.2"), None).status(Decimal("0.9")) == "met"


def test_previous_periods_cross_the_year() -> None:
    assert previous_periods("2026-Q2", 3) == ["2026-Q1", "2025-Q4", "2025-Q3"]
