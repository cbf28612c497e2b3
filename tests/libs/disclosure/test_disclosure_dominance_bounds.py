"""Dominance and the p % rule over upper bounds of the largest contributions (secure totals)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from concordia.disclosure import (
    DisclosurePolicy,
    Reason,
    dominance_bound_sensitive,
    dominance_sensitive,
    money_bounds_reason,
    p_percent_bound_sensitive,
    p_percent_sensitive,
)


def node_bounds(nodes: list[list[int]]) -> tuple[int, dict[int, int]]:
    """The coalition total and, per n, the sum over nodes of each node's local top n: what the
    hub learns of a money cell under the masks."""
    total = sum(sum(node) for node in nodes)
    tops = {n: sum(sum(sorted(node, reverse=True)[:n]) for node in nodes) for n in (1, 2, 3)}
    return total, tops


def test_p_percent_from_bounds_by_hand() -> None:
    # Recipients of 100, 3 and 3 at one node, 10, 1 and 1 at another: the second largest
    # estimates the largest within 8 %, below p = 10 %; the top two hold 93 % (not over 99 %).
    total, tops = node_bounds([[100, 3, 3], [10, 1, 1]])
    assert (total, tops[1], tops[2]) == (118, 110, 114)
    assert p_percent_sensitive([Decimal(v) for v in (100, 3, 3, 10, 1, 1)], p=10)
    assert p_percent_bound_sensitive(total, tops[1], tops[2], p=10)
    lax = DisclosurePolicy(k=3, dominance_n=2, dominance_k=99, p_percent=10)
    assert money_bounds_reason(total, tops, lax) == Reason.P_PERCENT  # not dominance at 99 %
    # Well spread: ten recipients of 10 at each of three nodes passes both rules.
    total, tops = node_bounds([[10] * 10] * 3)
    assert money_bounds_reason(total, tops, lax) is None
    assert money_bounds_reason(0, {}, lax) is None  # nothing to protect in an empty cell
    # Fewer contributors than k: hidden however spread (as money_cell_reason does).
    assert money_bounds_reason(total, tops, lax, contributors=2) == Reason.THRESHOLD
    assert money_bounds_reason(total, tops, lax, contributors=3) is None


def test_bounds_are_conservative_counterexample() -> None:
    # Three nodes each with recipients of 50, 40 and 10: the coalition's top two hold 100 of
    # 300 (33 %), but the hub only knows the nodes' top twos add up to 270 (90 %): suppressed.
    total, tops = node_bounds([[50, 40, 10]] * 3)
    exact = [Decimal(v) for v in [50, 40, 10] * 3]
    assert not dominance_sensitive(exact, n=2, k=85)
    assert dominance_bound_sensitive(total, tops[2], k=85)
    assert money_bounds_reason(total, tops, DisclosurePolicy(k=3)) == Reason.DOMINANCE


def test_a_missing_bound_flags_the_cell() -> None:
    policy = DisclosurePolicy(k=3, dominance_n=2, dominance_k=85, p_percent=10)
    assert money_bounds_reason(1000, {1: 10, 2: 20}, policy) is None
    assert money_bounds_reason(1000, {1: 10}, policy) == Reason.DOMINANCE
    assert money_bounds_reason(1000, {2: 20}, policy) == Reason.P_PERCENT


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 1000), min_size=1, max_size=6), min_size=1, max_size=5),
    st.sampled_from([1, 2, 3]),
    st.sampled_from([51, 85, 99]),
    st.sampled_from([1, 10, 50]),
)
def test_every_cell_the_exact_rules_flag_the_bounds_flag(
    nodes: list[list[int]], n: int, k: int, p: int
) -> None:
    exact = [Decimal(v) for node in nodes for v in node]
    total, tops = node_bounds(nodes)
    if dominance_sensitive(exact, n=n, k=k) and total > 0:
        assert dominance_bound_sensitive(total, tops[n], k=k)
    if p_percent_sensitive(exact, p=p) and total > 0:
        assert p_percent_bound_sensitive(total, tops[1], tops[2], p=p)
