"""(n, k) dominance, the p % rule and money tables."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concordia.disclosure import (
    DisclosurePolicy,
    Reason,
    SumTable,
    dominance_sensitive,
    find_recoverable,
    money_cell_reason,
    p_percent_sensitive,
    protect_sums,
)


def d(*values: str | int) -> list[Decimal]:
    return [Decimal(value) for value in values]


@pytest.mark.parametrize(
    ("contributions", "n", "k", "expected"),
    [
        (d(90, 5, 5), 2, 85, True),  # 95 % > 85 %
        (d(40, 30, 30), 2, 85, False),  # 70 %
        (d(50, 36, 14), 2, 85, True),  # 86 %
        (d(50, 35, 15), 2, 85, False),  # exactly 85 % is not more than 85 %
        (d(85, 15), 1, 85, False),
        (d("85.01", "14.99"), 1, 85, True),
        (d(10, 10), 2, 85, True),  # at most n contributors always dominate
        (d(0, 0, 0), 2, 85, False),
        ([], 2, 85, False),
    ],
)
def test_dominance(contributions: list[Decimal], n: int, k: int, expected: bool) -> None:
    assert dominance_sensitive(contributions, n=n, k=k) is expected


@pytest.mark.parametrize(
    ("contributions", "p", "expected"),
    [
        (d(100, 50, 9), 10, True),  # 9 left over < 10 % of 100
        (d(100, 50, 10), 10, False),  # exactly 10 % is enough
        (d(100, 50, 5, 5), 10, False),
        (d(100, 50, 5, 4), 10, True),
        (d(100), 10, True),
        (d(100, 99), 10, True),
        (d(100, 50, 9), 5, False),
        ([], 10, False),
    ],
)
def test_p_percent(contributions: list[Decimal], p: int, expected: bool) -> None:
    assert p_percent_sensitive(contributions, p=p) is expected


def test_rules_reject_negative_contributions() -> None:
    with pytest.raises(ValueError, match="negative"):
        dominance_sensitive(d(5, -1))
    with pytest.raises(ValueError, match="negative"):
        p_percent_sensitive(d(5, -1))


def test_money_cell_reason_precedence() -> None:
    policy = DisclosurePolicy(min_contributors=3)
    assert money_cell_reason(d(10, 10), policy) is Reason.THRESHOLD
    assert money_cell_reason(d(1000, 10, 10), policy) is Reason.DOMINANCE
    # The two largest hold 80 %, and 100 is left over: 10 % of 300 is 30.
    assert money_cell_reason(d(300, 100, 20, 20, 20, 20, 20), policy) is None
    # With (2, 85) and p = 10 p % never fires alone: a remainder below 10 % of the largest
    # leaves the top two above 85 %. With n = 1 it does.
    assert money_cell_reason(d(300, 100, 5, 5, 5, 5), policy) is Reason.DOMINANCE
    single = DisclosurePolicy(min_contributors=3, dominance_n=1)
    assert money_cell_reason(d(100, 90, 5), single) is Reason.P_PERCENT
    no_dominance = DisclosurePolicy(min_contributors=3, dominance_n=None, dominance_k=None)
    assert money_cell_reason(d(300, 100, 5, 5, 5, 5), no_dominance) is Reason.P_PERCENT
    assert money_cell_reason(d(10, 10, 10), policy) is None
    assert money_cell_reason([], policy) is None
    assert money_cell_reason([], DisclosurePolicy(zeros_disclosive=True)) is Reason.THRESHOLD
    # The default money threshold is k (10 contributors).
    assert money_cell_reason(d(*[5] * 9)) is Reason.THRESHOLD
    assert money_cell_reason(d(*[5] * 10)) is None
    off = DisclosurePolicy(min_contributors=1, dominance_n=None, dominance_k=None, p_percent=None)
    assert money_cell_reason(d(1000), off) is None


def test_protect_sums_one_way() -> None:
    table = SumTable(
        ("country",),
        {
            ("SE",): d(*[100] * 12),
            ("DE",): d(1000, *[1] * 11),  # one grantee dominates
            ("FR",): d(*[5] * 20),
            ("PL",): d(*[50] * 12),
        },
    )
    protected = protect_sums(table)
    assert protected[("DE",)].reason is Reason.DOMINANCE
    assert protected[("FR",)].reason is Reason.COMPLEMENTARY  # the smallest other sum (100)
    assert protected[("PL",)].value == Decimal(600)
    assert protected[("SE",)].value == Decimal(1200)
    assert protected.total.value == Decimal(2911)
    assert protected.rounding_base is None
    assert protected.as_dict()["margins"] == [
        {"key": [None], "value": "2911", "suppressed": False, "reason": None}
    ]


def test_named_contributors_merge_in_margins() -> None:
    policy = DisclosurePolicy(min_contributors=3)
    cells = {("SE", "2024"): ("a", "b"), ("SE", "2025"): ("a", "b")}
    named = SumTable(
        ("country", "year"),
        {key: {name: Decimal(5) for name in names} for key, names in cells.items()},
    )
    anonymous = SumTable(
        ("country", "year"), {key: [Decimal(5)] * len(names) for key, names in cells.items()}
    )
    # Named, the row total has two contributors (a and b); anonymous, it has four.
    assert protect_sums(named, policy)[("SE", None)].reason is Reason.THRESHOLD
    assert protect_sums(anonymous, policy)[("SE", None)].reason is not Reason.THRESHOLD
    assert protect_sums(named, policy)[("SE", "2024")].reason is Reason.THRESHOLD


def test_sum_table_validation() -> None:
    with pytest.raises(ValueError, match="Decimal"):
        SumTable(("c",), {("a",): [Decimal(-1)]})
    with pytest.raises(ValueError, match="Decimal"):
        SumTable(("c",), {("a",): [1.5]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Decimal"):
        SumTable(("c",), {("a",): [Decimal("NaN")]})
    table = SumTable(("c",), {("a",): d("1.50", "2.25")}, levels=(("a", "b"),))
    assert table.total(("a",)) == Decimal("3.75")
    assert table.total(("b",)) == Decimal(0)


amounts = st.lists(
    st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False),
    max_size=12,
)


def naive_dominance(values: list[Decimal], n: int, k: int) -> bool:
    ranked = sorted(values, reverse=True)
    return sum(ranked[:n], Decimal(0)) * 100 > k * sum(ranked, Decimal(0))


def naive_p_percent(values: list[Decimal], p: int) -> bool:
    ranked = sorted(values, reverse=True)
    if not ranked:
        return False
    return (sum(ranked, Decimal(0)) - sum(ranked[:2], Decimal(0))) * 100 < p * ranked[0]


@settings(max_examples=200, deadline=None)
@given(
    amounts,
    st.integers(1, 4),
    st.integers(50, 100),
    st.integers(0, 30),
    st.randoms(use_true_random=False),
)
def test_rules_match_naive_and_ignore_order(
    values: list[Decimal], n: int, k: int, p: int, rng: random.Random
) -> None:
    shuffled = values[:]
    rng.shuffle(shuffled)
    assert dominance_sensitive(values, n=n, k=k) is naive_dominance(values, n, k)
    assert dominance_sensitive(shuffled, n=n, k=k) is dominance_sensitive(values, n=n, k=k)
    assert p_percent_sensitive(values, p=p) is naive_p_percent(values, p)
    assert p_percent_sensitive(shuffled, p=p) is p_percent_sensitive(values, p=p)


@settings(max_examples=200, deadline=None)
@given(amounts, st.integers(1, 1000))
def test_rules_are_scale_invariant(values: list[Decimal], factor: int) -> None:
    scaled = [value * factor for value in values]
    assert dominance_sensitive(scaled) is dominance_sensitive(values)
    assert p_percent_sensitive(scaled) is p_percent_sensitive(values)


@settings(max_examples=200, deadline=None)
@given(amounts, st.integers(1, 3))
def test_few_contributors_are_always_sensitive(values: list[Decimal], n: int) -> None:
    positive = [value for value in values if value > 0]
    if positive and len(positive) <= n:
        assert dominance_sensitive(values, n=n)
    if positive and len(positive) <= 2:
        assert p_percent_sensitive(values)


@settings(max_examples=200, deadline=None)
@given(amounts, st.decimals(min_value=0, max_value=10_000, places=2))
def test_small_extra_contributor_never_makes_p_percent_sensitive(
    values: list[Decimal], extra: Decimal
) -> None:
    """Adding a contributor no larger than the second largest only widens the remainder."""
    ranked = sorted(values, reverse=True)
    if len(ranked) >= 2 and extra <= ranked[1] and not p_percent_sensitive(values):
        assert not p_percent_sensitive([*values, extra])


cell_amounts = st.lists(st.integers(0, 500).map(Decimal), max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda rows: st.integers(1, 3).flatmap(
            lambda columns: st.lists(
                cell_amounts, min_size=rows * columns, max_size=rows * columns
            ).map(lambda cells: (rows, columns, cells))
        )
    ),
    st.booleans(),
)
def test_protect_sums_properties(
    table_spec: tuple[int, int, list[list[Decimal]]], zeros_disclosive: bool
) -> None:
    rows, columns, cells = table_spec
    contributions = {
        (f"r{i}", f"c{j}"): cells[i * columns + j] for i in range(rows) for j in range(columns)
    }
    policy = DisclosurePolicy(min_contributors=2, zeros_disclosive=zeros_disclosive)
    protected = protect_sums(SumTable(("row", "column"), contributions), policy)
    assert find_recoverable(protected) == ()
    assert (
        protected.as_dict()
        == protect_sums(SumTable(("row", "column"), contributions), policy).as_dict()
    )
    for cell in protected:
        members = [
            amount
            for (row, column), amounts in contributions.items()
            if cell.key[0] in (None, row) and cell.key[1] in (None, column)
            for amount in amounts
        ]
        sensitive = (
            (not members and zeros_disclosive)
            or 0 < len(members) < 2
            or naive_dominance(members, 2, 85)
            or naive_p_percent(members, 10)
        )
        if sensitive:
            assert cell.suppressed
            assert cell.reason is not Reason.COMPLEMENTARY
        elif not cell.suppressed:
            assert cell.value == sum(members, Decimal(0))
