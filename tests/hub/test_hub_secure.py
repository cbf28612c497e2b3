"""The hub and secure aggregation: the charter's secure tables (tests/hub)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hub_support import Hub
from test_hub_charter import body, put

from concordia.events import SecureTable
from concordia.hub.models import SecureRelease
from concordia.hub.secure import previous_quarter
from concordia.hub.secure.service import protect, top_ns
from concordia.kit.secure import recipients_cell, top_cell

ORIGIN = {
    "table": "participants_by_ethnic_origin", "service": "ledger", "dimension": "ethnic_origin",
    "measure": "participants", "cells": ["russian", "non_russian", "undisclosed"],
}  # fmt: skip


def secure_body(*tables: dict[str, Any]) -> dict[str, Any]:
    return body() | {"secure": list(tables)}


async def test_a_special_category_table_without_epsilon_is_refused(hub: Hub) -> None:
    response = await put(hub, secure_body(ORIGIN))
    assert response.status_code == 409
    assert "secure" in response.text
    assert "special category" in response.text
    # Nothing half-written: the charter is still the built-in one.
    assert (await hub.client.get("/v1/charter", headers=hub.auth())).json()["version"] == "default"
    response = await put(hub, secure_body(ORIGIN | {"epsilon": "1"}))
    assert response.status_code == 200, response.text
    assert response.json()["secure"][0]["epsilon"] == "1"


GENDER = SecureTable(
    table="participants_by_gender", service="ledger", dimension="gender",
    measure="participants", cells=("women", "men", "other", "undisclosed"),
)  # fmt: skip


def shown(cells: list[dict[str, Any]]) -> dict[str, tuple[int | None, bool]]:
    return {c["key"][0]: (c["value"], c["suppressed"]) for c in cells}


def test_a_cell_opens_with_three_contributing_nodes_and_passes_the_coalition_rules() -> None:
    # women: 3 nodes, men: 4, other: 2 (never opened), undisclosed: none (a known zero).
    counts, opened = [3, 4, 2, 0], ["women", "men"]
    sums = {"women": 120, "men": 95}
    cells = protect(GENDER, counts, opened, sums, k=10, rounding_base=5, lost=0)
    # The cell of two nodes is suppressed, and so is a complement: the total is known
    # elsewhere (another table of the same people), so it cannot be recovered by difference.
    assert shown(cells) == {
        "women": (120, False), "men": (None, True), "other": (None, True),
        "undisclosed": (0, False),
    }  # fmt: skip
    assert [c["reason"] for c in cells] == [None, "complementary", "contributors", None]
    # Under the coalition's threshold a cell is suppressed, and so is its complement.
    counts = [3, 4, 0, 0]
    cells = protect(GENDER, counts, opened, {"women": 120, "men": 4}, k=10, rounding_base=None,
                    lost=0)  # fmt: skip
    assert shown(cells)["men"] == (None, True)
    assert shown(cells)["women"] == (None, True)
    # A node lost between the rounds: a cell of 3 contributors may now hold 2 of them.
    cells = protect(GENDER, counts, opened, sums, k=10, rounding_base=None, lost=1)
    assert shown(cells)["women"] == (None, True)
    assert cells[0]["reason"] == "contributors"


def test_zeros_and_noise_under_differential_privacy() -> None:
    dp = GENDER.model_copy(update={"epsilon": Decimal(1)})
    counts, opened = [3, 3, 3, 0], ["women", "men", "other"]
    sums = {"women": 52, "men": -2, "other": 4}
    cells = protect(dp, counts, opened, sums, k=10, rounding_base=5, lost=0)
    # The noise protects a small cell: rounded, not suppressed (nor its complement); noise
    # under 0 is clipped (post-processing); a zero no node populates is not told.
    assert shown(cells) == {
        "women": (50, False), "men": (0, False), "other": (5, False), "undisclosed": (None, True)
    }  # fmt: skip
    # Still never a cell of fewer than 3 nodes.
    cells = protect(dp, [3, 2, 3, 0], ["women", "other"], {"women": 52, "other": 4}, k=10,
                    rounding_base=5, lost=0)  # fmt: skip
    assert shown(cells)["men"] == (None, True)


PURPOSE = SecureTable(
    table="committed_eur_by_purpose", service="ledger", dimension="purpose",
    measure="eur_committed", cells=("independent_media", "human_rights", "education"),
)  # fmt: skip


def test_money_cells_dominated_by_few_recipients_are_suppressed_with_a_complement() -> None:
    opened = ["independent_media", "human_rights", "education"]
    sums = {
        "independent_media": 1_000_000, top_cell("independent_media", 2): 900_000,
        "human_rights": 400_000, top_cell("human_rights", 2): 120_000,
        "education": 250_000, top_cell("education", 2): 100_000,
    } | {recipients_cell(c): 12 for c in opened}  # fmt: skip
    cells = protect(PURPOSE, [3, 3, 3], opened, sums, k=10, rounding_base=5, lost=0,
                    dominance_n=2, dominance_k=Decimal(85), p_percent=None)  # fmt: skip
    # 90 % of the media cell went to at most two recipients (an upper bound of the top two).
    assert [(c["value"], c["reason"]) for c in cells] == [
        (None, "dominance"),
        (400_000, None),
        (None, "complementary"),
    ]
    # Money is never rounded.
    cells = protect(PURPOSE, [3, 3, 3], opened, sums, k=10, rounding_base=5, lost=0,
                    dominance_n=2, dominance_k=Decimal(95), p_percent=None)  # fmt: skip
    assert [c["value"] for c in cells] == [1_000_000, 400_000, 250_000]
    # Without the top 1 and top 2 bounds the p % rule cannot show any cell safe.
    cells = protect(PURPOSE, [3, 3, 3], opened, sums, k=10, rounding_base=5, lost=0,
                    dominance_n=2, dominance_k=Decimal(95), p_percent=Decimal(10))  # fmt: skip
    assert {c["reason"] for c in cells} == {"p_percent"}


def test_money_cells_under_the_p_percent_rule_from_the_nodes_top_one_and_two() -> None:
    opened = ["independent_media", "human_rights", "education"]
    sums = {
        "independent_media": 1_000_000, top_cell("independent_media", 1): 300_000,
        top_cell("independent_media", 2): 500_000,
        # The top two hold at most 84 % (not dominant at 85 %), but the rest, at least 40,000,
        # is below 50 % of the largest's bound: the second largest could estimate the largest.
        "education": 250_000, top_cell("education", 1): 150_000,
        top_cell("education", 2): 210_000,
        "human_rights": 400_000, top_cell("human_rights", 1): 100_000,
        top_cell("human_rights", 2): 180_000,
    } | {recipients_cell(c): 12 for c in opened}  # fmt: skip
    cells = protect(PURPOSE, [3, 3, 3], opened, sums, k=10, rounding_base=5, lost=0,
                    dominance_n=2, dominance_k=Decimal(85), p_percent=Decimal(50))  # fmt: skip
    assert [(c["key"][0], c["value"], c["reason"]) for c in cells] == [
        ("independent_media", 1_000_000, None),
        ("human_rights", None, "complementary"),
        ("education", None, "p_percent"),
    ]
    # At p = 10 % the same cell is safe.
    cells = protect(PURPOSE, [3, 3, 3], opened, sums, k=10, rounding_base=5, lost=0,
                    dominance_n=2, dominance_k=Decimal(85), p_percent=Decimal(10))  # fmt: skip
    assert [c["value"] for c in cells] == [1_000_000, 400_000, 250_000]
    # As in a plain money table, a cell of fewer than k recipients over all nodes is hidden
    # (9 recipients at three nodes, k = 10), however spread its money; without the count, too.
    few = sums | {recipients_cell("education"): 9}
    cells = protect(PURPOSE, [3, 3, 3], opened, few, k=10, rounding_base=5, lost=0,
                    dominance_n=2, dominance_k=Decimal(85), p_percent=Decimal(10))  # fmt: skip
    assert [c["reason"] for c in cells] == [None, "complementary", "threshold"]
    del few[recipients_cell("education")]
    cells = protect(PURPOSE, [3, 3, 3], opened, few, k=10, rounding_base=5, lost=0,
                    dominance_n=2, dominance_k=Decimal(85), p_percent=Decimal(10))  # fmt: skip
    assert cells[2]["reason"] == "threshold"
    # The sum round asks each node for its top 1 and top 2 beside the dominance rule's n.
    assert top_ns(3, Decimal(10)) == [1, 2, 3]
    assert top_ns(2, None) == [2]


def test_the_quarter_just_closed() -> None:
    assert previous_quarter(datetime(2026, 12, 5, tzinfo=UTC)) == "2026-Q3"
    assert previous_quarter(datetime(2027, 2, 1, tzinfo=UTC)) == "2026-Q4"


async def keep_release(hub: Hub, period: str, values: list[dict[str, Any]], **extra: Any) -> None:
    db = hub.app.state.concordia.db
    async with db.unit_of_work() as session:
        session.add(
            SecureRelease(
                release_id=f"{period}{extra.get('aggregate', 'g')}".ljust(64, "0")[:64],
                service="ledger", aggregate=extra.get("aggregate", "participants_by_gender"),
                period=period, phase="sum", round_id="r", measure="participants",
                dimension=extra.get("dimension", "gender"), roster=["de", "pl", "se"],
                survivors=["de", "pl", "se"], cells=[c["key"][0] for c in values],
                values=values, epsilon=extra.get("epsilon"), sensitivity=1, release={},
                created_at=datetime.now(UTC),
            )
        )  # fmt: skip


def cell(key: str, value: int | None) -> dict[str, Any]:
    return {"key": [key], "value": value, "suppressed": value is None, "reason": None}


async def test_indicators_take_a_secure_table_from_its_release_not_from_snapshots(
    hub: Hub,
) -> None:
    response = await put(hub, secure_body(GENDER.model_dump(mode="json")))
    assert response.status_code == 200, response.text
    await hub.adopt(response.json()["revision"])  # the members sign it: in force
    await keep_release(
        hub, "2026-Q4", [cell("women", 60), cell("men", 40), cell("other", 0),
                         cell("undisclosed", None)],
    )  # fmt: skip
    shown_ = await hub.get("/v1/coalition/indicators", period="2026-Q4")
    (women,) = [t for t in shown_["targets"] if t["aggregate"] == "participants_by_gender"]
    assert (women["share"], women["met"], women["incomplete"]) == ("0.6000", True, False)
    (total,) = [a for a in shown_["aggregates"] if a["aggregate"] == "participants_by_gender"]
    assert total["nodes"] == ["de", "pl", "se"]


async def test_epsilon_spent_and_the_research_release(hub: Hub) -> None:
    origin = ORIGIN | {"epsilon": "0.5"}
    await keep_release(
        hub, "2026-Q2", [cell("russian", 70), cell("non_russian", 30), cell("undisclosed", None)],
        aggregate="participants_by_ethnic_origin", dimension="ethnic_origin",
        epsilon=Decimal("0.5"),
    )  # fmt: skip
    await keep_release(
        hub, "2099-Q1", [cell("russian", 7), cell("non_russian", 3), cell("undisclosed", None)],
        aggregate="participants_by_ethnic_origin", dimension="ethnic_origin",
        epsilon=Decimal("0.5"),
    )  # fmt: skip
    await keep_release(hub, "2026-Q2", [cell("women", 10)])  # no epsilon: not in the CSV
    assert origin["epsilon"] == "0.5"
    spent = await hub.get("/v1/secure/epsilon")
    assert [(e["table"], e["epsilon_spent"], e["periods"]) for e in spent] == [
        ("participants_by_ethnic_origin", "1.0000", ["2026-Q2", "2099-Q1"])
    ]
    response = await hub.client.get("/v1/secure/research.csv", headers=hub.auth())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # Past periods only (2099 has not closed), the DP table only, every cell with its epsilon.
    assert [(r["period"], r["cell"], r["value"], r["epsilon"]) for r in rows] == [
        ("2026-Q2", "russian", "70", "0.5000"),
        ("2026-Q2", "non_russian", "30", "0.5000"),
        ("2026-Q2", "undisclosed", "", "0.5000"),
    ]
    assert (await hub.client.get("/v1/secure/research.csv")).status_code == 401
    # The dashboard shows the epsilon spent per secure table.
    page = await hub.client.get("/dashboard", headers=hub.auth())
    assert page.status_code == 200
    section = page.text[page.text.index('id="privacy"') :]
    assert "participants_by_ethnic_origin" in section
    assert "2026-Q2, 2099-Q1" in section
    response = await hub.client.post(
        "/v1/secure/rounds", json={"period": "2026-Q4"}, headers=hub.auth()
    )
    assert response.status_code == 403
