"""Input tables, protected tables and their JSON shape."""

from __future__ import annotations

import json

import pytest

from concordia.disclosure import CountTable, DisclosurePolicy, Reason, protect_counts


def test_levels_are_sorted_unless_given_and_missing_cells_are_zero() -> None:
    table = CountTable(("country", "status"), {("SE", "granted"): 12, ("DE", "refused"): 3})
    assert table.levels == (("DE", "SE"), ("granted", "refused"))
    assert table.count(("DE", "granted")) == 0
    ordered = CountTable(
        ("country", "status"),
        {("SE", "granted"): 12},
        levels=(("SE", "DE", "PL"), ("refused", "granted")),
    )
    protected = protect_counts(ordered)
    assert [cell.key for cell in protected.cells][:3] == [
        ("SE", "refused"),
        ("SE", "granted"),
        ("DE", "refused"),
    ]
    assert [cell.key for cell in protected.margins] == [
        ("SE", None),
        ("DE", None),
        ("PL", None),
        (None, "refused"),
        (None, "granted"),
        (None, None),
    ]


@pytest.mark.parametrize(
    ("dimensions", "cells", "levels", "message"),
    [
        ((), {}, (), "one- and two-dimensional"),
        (("a", "b", "c"), {}, (), "one- and two-dimensional"),
        (("a", "a"), {}, (), "differ"),
        (("a",), {("x", "y"): 1}, (), "one label per dimension"),
        (("a",), {"x": 1}, (), "one label per dimension"),
        (("a",), {(1,): 1}, (), "strings"),
        (("a",), {("x",): -1}, (), "non-negative"),
        (("a",), {("x",): True}, (), "non-negative"),
        (("a",), {("x",): 1.0}, (), "non-negative"),
        (("a",), {("x",): 1}, (("y",),), "not a level"),
        (("a",), {("x",): 1}, (("x", "x"),), "repeat"),
        (("a",), {("x",): 1}, (("x",), ("y",)), "one sequence per dimension"),
        (("a",), {}, (), "at least one level"),
    ],
)
def test_count_table_validation(
    dimensions: tuple[str, ...], cells: dict[object, object], levels: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        CountTable(dimensions, cells, levels)  # type: ignore[arg-type]


def test_as_dict_is_json_ready_and_stable() -> None:
    table = CountTable(
        ("country", "status"),
        {
            ("SE", "granted"): 12,
            ("SE", "refused"): 3,
            ("DE", "granted"): 40,
            ("DE", "refused"): 25,
            ("FR", "granted"): 30,
            ("FR", "refused"): 22,
        },
    )
    protected = protect_counts(table, DisclosurePolicy(rounding_base=5))
    data = protected.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["dimensions"] == ["country", "status"]
    assert data["levels"] == [["DE", "FR", "SE"], ["granted", "refused"]]
    assert data["policy"]["rounding_base"] == 5
    assert data["cells"][0] == {
        "key": ["DE", "granted"],
        "value": 40,
        "suppressed": False,
        "reason": None,
    }
    assert {"key": ["SE", "refused"], "value": None, "suppressed": True, "reason": "threshold"} in (
        data["cells"]
    )
    assert data["margins"][-1] == {
        "key": [None, None],
        "value": 130,
        "suppressed": False,
        "reason": None,
    }


def test_protected_table_lookup() -> None:
    table = CountTable.one_way("status", {"granted": 12, "refused": 30})
    protected = protect_counts(table)
    assert protected[("granted",)].value == 12
    assert protected[["refused"]].value == 30  # type: ignore[index]
    assert protected.total.key == (None,)
    assert protected.total.is_margin
    assert not protected[("granted",)].is_margin
    assert protected.suppressed_keys == ()
    with pytest.raises(KeyError):
        protected[("missing",)]
    assert protected.policy == DisclosurePolicy()


def test_one_way_helper_accepts_levels() -> None:
    table = CountTable.one_way("status", {"b": 12}, levels=["b", "a"])
    assert table.levels == (("b", "a"),)
    protected = protect_counts(table)
    assert [cell.key for cell in protected] == [("b",), ("a",), (None,)]
    assert protected[("a",)].value == 0
    assert protected[("b",)].reason is None
    assert Reason("complementary") is Reason.COMPLEMENTARY
