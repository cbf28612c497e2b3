"""Threshold rule, rounding and the policy object."""

from __future__ import annotations

from decimal import Decimal

import pytest

from concordia.disclosure import (
    DEFAULT_POLICY,
    CountTable,
    DisclosurePolicy,
    Reason,
    below_threshold,
    protect_counts,
    round_to_base,
)


@pytest.mark.parametrize(
    ("count", "zeros_disclosive", "expected"),
    [
        (0, False, False),
        (0, True, True),
        (1, False, True),
        (9, False, True),
        (10, False, False),
        (10, True, False),
        (250, True, False),
    ],
)
def test_below_threshold(count: int, zeros_disclosive: bool, expected: bool) -> None:
    assert below_threshold(count, k=10, zeros_disclosive=zeros_disclosive) is expected


def test_below_threshold_custom_k_and_negative() -> None:
    assert below_threshold(4, k=5)
    assert not below_threshold(5, k=5)
    with pytest.raises(ValueError, match="negative"):
        below_threshold(-1)


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [(0, 5, 0), (2, 5, 0), (3, 5, 5), (12, 5, 10), (13, 5, 15), (15, 5, 15), (14, 10, 10),
     (15, 10, 20), (7, 1, 7), (1, 3, 0), (2, 3, 3)],
)  # fmt: skip
def test_round_to_base_half_up(value: int, base: int, expected: int) -> None:
    assert round_to_base(value, base) == expected


def test_round_to_base_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="base"):
        round_to_base(3, 0)
    with pytest.raises(ValueError, match="negative"):
        round_to_base(-3, 5)


def test_threshold_suppresses_cells_and_margins() -> None:
    table = CountTable.one_way("status", {"granted": 4, "refused": 3})
    protected = protect_counts(table)
    assert [cell.reason for cell in protected] == [Reason.THRESHOLD] * 3
    assert all(cell.value is None for cell in protected)


def test_zero_is_safe_unless_disclosive() -> None:
    table = CountTable.one_way("status", {"a": 0, "b": 15, "c": 20})
    assert protect_counts(table).suppressed_keys == ()
    protected = protect_counts(table, DisclosurePolicy(zeros_disclosive=True))
    assert protected[("a",)].reason is Reason.THRESHOLD
    # The zero needs a partner; the smallest other cell is taken.
    assert protected[("b",)].reason is Reason.COMPLEMENTARY
    assert protected[("c",)].value == 20
    assert protected.total.value == 35


def test_rounding_applies_after_suppression_and_margins_independently() -> None:
    table = CountTable.one_way("status", {"a": 12, "b": 12, "c": 3, "d": 11})
    protected = protect_counts(table, DisclosurePolicy(rounding_base=5))
    # c (3) is below k, d (11) is its cheapest complement; 12 rounds to 10, 38 to 40.
    assert [cell.value for cell in protected.cells] == [10, 10, None, None]
    assert protected.total.value == 40  # not 10 + 10 + ...: margins are rounded on their own
    assert protected.rounding_base == 5
    assert protected.as_dict()["rounding_base"] == 5


def test_policy_defaults_follow_the_charter() -> None:
    policy = DEFAULT_POLICY
    assert (policy.k, policy.zeros_disclosive, policy.rounding_base) == (10, False, None)
    assert policy.reasons_published is False
    assert (policy.dominance_n, policy.dominance_k, policy.p_percent) == (2, 85, 10)
    assert policy.contributor_threshold == 10
    assert DisclosurePolicy(min_contributors=3).contributor_threshold == 3


def test_policy_round_trips_through_dict() -> None:
    policy = DisclosurePolicy(
        k=5,
        zeros_disclosive=True,
        p_percent=Decimal("12.5"),
        rounding_base=5,
        protection_width=2,
        reasons_published=True,
    )
    data = policy.as_dict()
    assert data["p_percent"] == "12.5"
    assert data["reasons_published"] is True
    assert DisclosurePolicy.from_dict(data) == DisclosurePolicy(
        k=5,
        zeros_disclosive=True,
        p_percent=Decimal("12.5"),
        dominance_k=Decimal(85),
        rounding_base=5,
        protection_width=Decimal(2),
        reasons_published=True,
    )
    assert DisclosurePolicy.from_dict({}) == DisclosurePolicy()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"k": 0},
        {"min_contributors": 0},
        {"dominance_n": None},
        {"dominance_n": 0},
        {"dominance_k": 0},
        {"dominance_k": 101},
        {"p_percent": -1},
        {"rounding_base": 0},
        {"protection_width": -1},
    ],
)
def test_policy_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        DisclosurePolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_can_switch_rules_off() -> None:
    policy = DisclosurePolicy(dominance_n=None, dominance_k=None, p_percent=None)
    assert policy.as_dict()["dominance_k"] is None
