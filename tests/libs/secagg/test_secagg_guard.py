"""No differencing, the epsilon ledger and the log of releases (tests/libs/secagg)."""

from __future__ import annotations

import pytest
from secagg_support import coalition, header, run

from concordia.secagg import Refused, isolated

NODES = ["de", "fi", "pl", "se"]
TABLE = "persons_by_permit_status"


def fill(c, periods):  # type: ignore[no-untyped-def]
    for i, node in enumerate(sorted(c.tables)):
        c.tables[node].data[TABLE] = {p: {"granted": 10 + i, "pending": 3 * i} for p in periods}


def test_isolated_finds_a_node_in_the_span_of_the_rosters() -> None:
    assert isolated([{"a", "b", "c", "d"}, {"a", "b", "c"}]) == ["d"]
    assert isolated([{"a", "b", "c"}, {"a", "b", "d"}, {"a", "c", "d"}]) == []
    four = [{"a", "b", "c"}, {"a", "b", "d"}, {"a", "c", "d"}, {"b", "c", "d"}]
    assert isolated(four) == ["a", "b", "c", "d"]
    assert isolated([{"a", "b", "c", "d"}, {"a", "b", "c", "d"}]) == []


def test_a_roster_of_four_then_three_for_the_same_period_is_refused() -> None:
    c = coalition(NODES)
    fill(c, ["2026-Q4"])
    first = run(c, header("r1", NODES, ["granted"], table=TABLE))
    again = header(
        "r2", ["de", "fi", "pl"], ["granted"], table=TABLE, threshold=3, history=(first.release,)
    )
    for node in ["de", "fi", "pl"]:
        with pytest.raises(Refused) as refused:
            c.participants[node].advertise(again)
        assert refused.value.code == "already_released"


def test_a_stock_table_for_a_later_period_needs_the_same_roster() -> None:
    c = coalition(NODES)
    fill(c, ["2026-Q3", "2026-Q4"])
    first = run(c, header("r1", NODES, ["granted"], table=TABLE, period="2026-Q3", stock=True))
    later = header(
        "r2", ["de", "fi", "pl"], ["granted"], table=TABLE, period="2026-Q4", stock=True,
        threshold=3, history=(first.release,),
    )  # fmt: skip
    with pytest.raises(Refused) as refused:
        c.participants["de"].advertise(later)
    assert refused.value.code == "derivable"
    same = header(
        "r3", NODES, ["granted"], table=TABLE, period="2026-Q4", stock=True,
        history=(first.release,),
    )  # fmt: skip
    assert run(c, same).values == [10 + 11 + 12 + 13]


def test_four_rosters_of_three_out_of_four_are_refused_at_the_fourth() -> None:
    c = coalition(NODES)
    periods = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    fill(c, periods)
    rosters = [["de", "fi", "pl"], ["de", "fi", "se"], ["de", "pl", "se"], ["fi", "pl", "se"]]
    history: tuple = ()  # type: ignore[type-arg]
    for i, (period, roster) in enumerate(zip(periods[:3], rosters[:3], strict=True)):
        head = header(
            f"r{i}", roster, ["granted"], table=TABLE, period=period, stock=True, threshold=3,
            history=history,
        )  # fmt: skip
        history = (*history, run(c, head).release)
    last = header(
        "r9", rosters[3], ["granted"], table=TABLE, period=periods[3], stock=True, threshold=3,
        history=history,
    )  # fmt: skip
    with pytest.raises(Refused) as refused:
        c.participants["fi"].advertise(last)
    assert refused.value.code == "derivable"


def test_a_node_missing_one_period_of_a_stock_table_stops_the_release() -> None:
    """The roster is the same, but se drops mid-round: the survivors would isolate it."""
    c = coalition(NODES)
    fill(c, ["2026-Q3", "2026-Q4"])
    first = run(c, header("r1", NODES, ["granted"], table=TABLE, period="2026-Q3", stock=True))
    later = header(
        "r2", NODES, ["granted"], table=TABLE, period="2026-Q4", stock=True, threshold=3,
        history=(first.release,),
    )  # fmt: skip
    with pytest.raises(Refused) as refused:
        run(c, later, drop={"se": "mask"})
    assert refused.value.code == "derivable"
    # Under differential privacy the same change of roster is allowed.
    noisy = header(
        "r3", NODES, ["granted"], table=TABLE, period="2026-Q4", stock=True, threshold=3,
        epsilon=1.0, history=(first.release,),
    )  # fmt: skip
    result = run(c, noisy, drop={"se": "mask"})
    assert result.survivors == ("de", "fi", "pl")


def test_a_hub_omitting_a_known_release_from_the_log_is_refused() -> None:
    c = coalition(NODES)
    fill(c, ["2026-Q3", "2026-Q4"])
    run(c, header("r1", NODES, ["granted"], table=TABLE, period="2026-Q3", stock=True))
    forgetful = header("r2", NODES, ["granted"], table=TABLE, period="2026-Q4", stock=True)
    with pytest.raises(Refused) as refused:
        c.participants["de"].advertise(forgetful)
    assert refused.value.code == "history_incomplete"


def test_a_forged_log_entry_is_refused() -> None:
    c = coalition(NODES)
    fill(c, ["2026-Q3", "2026-Q4"])
    first = run(c, header("r1", NODES, ["granted"], table=TABLE, period="2026-Q3", stock=True))
    statement = first.release.statement.model_copy(update={"survivors": ("de", "fi", "pl")})
    forged = first.release.model_copy(update={"statement": statement})
    head = header(
        "r2", NODES, ["granted"], table=TABLE, period="2026-Q4", stock=True, history=(forged,)
    )
    with pytest.raises(Refused) as refused:
        c.participants["se"].advertise(head)
    assert refused.value.code == "history_forged"


def test_a_node_at_the_end_of_its_epsilon_budget_refuses() -> None:
    c = coalition(NODES, budgets={TABLE: 1.0})
    fill(c, ["2026-Q2", "2026-Q3", "2026-Q4"])
    history: tuple = ()  # type: ignore[type-arg]
    for i, period in enumerate(["2026-Q2", "2026-Q3"]):
        head = header(f"r{i}", NODES, ["granted"], table=TABLE, period=period, epsilon=0.5,
                      history=history)  # fmt: skip
        history = (*history, run(c, head).release)
    assert c.participants["se"].spent(TABLE) == pytest.approx(1.0)
    last = header("r9", NODES, ["granted"], table=TABLE, period="2026-Q4", epsilon=0.5,
                  history=history)  # fmt: skip
    with pytest.raises(Refused) as refused:
        c.participants["se"].advertise(last)
    assert refused.value.code == "epsilon_exhausted"
