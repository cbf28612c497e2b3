"""Coalition totals add only what nodes published; a hidden cell makes a total incomplete and
a share unknown, never estimated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hub_support import Hub, node_client, publish, snapshot, wait_for

from concordia.events import DEFAULT_CHARTER, AggregateSnapshotPublished, Cell, Envelope, NatsServer
from concordia.hub.indicators import coalition


def _by_key(cells: list[object]) -> dict[tuple[str, ...], object]:
    return {tuple(c.key): c for c in cells}  # type: ignore[attr-defined]


def test_a_suppressed_cell_makes_the_total_incomplete_and_the_share_unknown() -> None:
    result = coalition(
        "2026-Q4",
        [snapshot("se", female=40, male=35), snapshot("pl", female=None, male=20)],
        DEFAULT_CHARTER,
    )
    (table,) = result.aggregates
    assert table.nodes == ["pl", "se"]
    cells = _by_key(table.cells)
    female, male = cells[("female",)], cells[("male",)]
    assert (female.value, female.incomplete, female.suppressed_nodes) == (40, True, ["pl"])
    assert (male.value, male.incomplete, male.suppressed_nodes) == (55, False, [])
    total = _by_key(table.margins)[("_all",)]
    assert (total.value, total.incomplete, total.suppressed_nodes) == (75, True, ["pl"])
    (women,) = result.targets
    assert women.indicator == "women_share"
    assert (women.share, women.met, women.incomplete) == (None, None, True)
    assert women.suppressed_nodes == ["pl"]


def test_shares_against_the_charter_targets() -> None:
    origin = [
        snapshot("se", "persons_by_ethnic_origin", russian=80, non_russian=20),
        snapshot("pl", "persons_by_ethnic_origin", russian=70, non_russian=30),
    ]
    origin = [s.model_copy(update={"dimensions": ("ethnic_origin",)}) for s in origin]
    gender = [snapshot("se", female=40, male=35), snapshot("pl", female=30, male=20)]
    result = coalition("2026-Q4", [*gender, *origin], DEFAULT_CHARTER)
    targets = {t.indicator: t for t in result.targets}
    assert targets["women_share"].share == Decimal("0.5600")
    assert targets["women_share"].met is True
    non_russian = targets["non_russian_share"]
    assert non_russian.share == Decimal("0.2500")  # 50 / 200
    assert (non_russian.min_share, non_russian.aim_share) == (Decimal("0.15"), Decimal("0.20"))
    assert non_russian.max_share is None  # "at least 15-20 %": no ceiling
    assert (non_russian.met, non_russian.aim_reached) == (True, True)


def _origin(node: str, russian: int, non_russian: int) -> AggregateSnapshotPublished:
    table = snapshot(node, "persons_by_ethnic_origin", russian=russian, non_russian=non_russian)
    return table.model_copy(update={"dimensions": ("ethnic_origin",)})


def test_targets_read_as_the_policy_states_them() -> None:
    """23 % non-Russian is met with its aim reached; 17 % met, aim not; 12 % not met.
    Women are a band: 65 % is not met (above the ceiling), 35 % neither, 50 % is."""
    cases = [
        ((77, 23), (60, 40), ("0.2300", True, True), ("0.4000", True, False)),
        ((83, 17), (35, 65), ("0.1700", True, False), ("0.6500", False, True)),
        ((88, 12), (65, 35), ("0.1200", False, False), ("0.3500", False, False)),
        ((80, 20), (50, 50), ("0.2000", True, True), ("0.5000", True, True)),
    ]
    for (russian, non_russian), (male, female), origin_expected, women_expected in cases:
        gender = snapshot("se", female=female, male=male)
        result = coalition("2026-Q4", [gender, _origin("se", russian, non_russian)],
                           DEFAULT_CHARTER)  # fmt: skip
        targets = {t.indicator: t for t in result.targets}
        for name, (share, met, aim) in (
            ("non_russian_share", origin_expected), ("women_share", women_expected),
        ):  # fmt: skip
            shown = targets[name]
            assert (shown.share, shown.met, shown.aim_reached) == (Decimal(share), met, aim), name
            assert shown.judged == "pooled"
    women = {t.indicator: t for t in result.targets}["women_share"]
    assert (women.min_share, women.aim_share, women.max_share) == (
        Decimal("0.40"), Decimal("0.50"), Decimal("0.60"),
    )  # fmt: skip


def _two_way(node: str, female_total: int | None) -> AggregateSnapshotPublished:
    margin = (
        Cell(key=("female", "_all"), suppressed=True)
        if female_total is None
        else Cell(key=("female", "_all"), value=female_total)
    )
    return AggregateSnapshotPublished(
        node=node, service="registry", aggregate="persons_by_gender_and_district",
        period="2026-Q4", version=1, charter_version="default",
        dimensions=("gender", "federal_district"),
        cells=(Cell(key=("female", "RU-CFD"), suppressed=True),
               Cell(key=("male", "RU-CFD"), value=30)),
        margins=(margin, Cell(key=("male", "_all"), value=30),
                 Cell(key=("_all", "RU-CFD"), value=30 + (female_total or 0))),
    )  # fmt: skip


def test_two_way_tables_are_measured_on_their_margins() -> None:
    result = coalition("2026-Q4", [_two_way("se", 20), _two_way("de", 30)], DEFAULT_CHARTER)
    (women,) = result.targets
    assert women.aggregate == "persons_by_gender_and_district"
    assert women.share == Decimal("0.4545")  # 50 / 110, from the gender margins
    assert (women.met, women.aim_reached) == (True, False)  # inside 40-60 %, under the aim
    cells = _by_key(result.aggregates[0].cells)
    assert cells[("female", "RU-CFD")].suppressed_nodes == ["de", "se"]
    assert cells[("female", "RU-CFD")].value is None  # every node hid it: no number
    assert cells[("female", "RU-CFD")].incomplete is True


def test_money_is_summed_to_the_cent_and_a_missing_cell_is_named() -> None:
    def funding(node: str, **amounts: str) -> AggregateSnapshotPublished:
        return AggregateSnapshotPublished(
            node=node, service="ledger", aggregate="committed_eur_by_purpose", period="2026",
            version=1, charter_version="default", measure="eur_committed",
            dimensions=("purpose",), period_start=date(2026, 1, 1),
            cells=tuple(Cell(key=(k,), amount=Decimal(v)) for k, v in amounts.items()),
        )  # fmt: skip

    result = coalition(
        "2026",
        [funding("se", media="1000.10", education="5.00"), funding("fi", media="0.95")],
        DEFAULT_CHARTER,
    )
    cells = _by_key(result.aggregates[0].cells)
    assert (cells[("media",)].amount, cells[("media",)].value) == (Decimal("1001.05"), None)
    assert cells[("education",)].missing_nodes == ["fi"]
    assert cells[("education",)].incomplete is True
    assert result.targets == []


async def test_the_api_serves_coalition_totals(hub: Hub, country_nats: NatsServer) -> None:
    for code, counts in (("se", {"female": 70, "male": 50}), ("pl", {"female": None, "male": 15})):
        nc = await node_client(country_nats, code)
        try:
            await publish(nc, Envelope.wrap(snapshot(code, **counts), node=code))
        finally:
            await nc.close()

    async def both() -> bool:
        return len(await hub.get("/v1/aggregates", period="2026-Q4")) == 2

    await wait_for(both)
    body = await hub.get("/v1/coalition/indicators", period="2026-Q4")
    assert body["charter_version"] == "default"
    (table,) = body["aggregates"]
    female = next(c for c in table["cells"] if c["key"] == ["female"])
    assert female == {
        "key": ["female"], "value": 70, "amount": None, "incomplete": True,
        "suppressed_nodes": ["pl"], "missing_nodes": [],
    }  # fmt: skip
    assert table["versions"] == {"pl": 1, "se": 1}
    assert body["targets"][0]["share"] is None
    assert (await hub.get("/v1/coalition/indicators", period="2025-Q1"))["aggregates"] == []
    response = await hub.client.get("/v1/coalition/indicators", headers=hub.auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "period"]


def _band(node: str, **counts: int | None) -> AggregateSnapshotPublished:
    table = snapshot(node, "participants_by_women_share_band", **counts)
    return table.model_copy(update={"service": "ledger", "dimensions": ("women_share_band",)})


def test_the_women_band_is_judged_per_activity_where_nodes_publish_it() -> None:
    """Pooled, both nodes are inside 40-60 %; but at pl 15 participants were at an activity
    below the floor (an all-male panel): per activity the band is not met."""
    pooled = [snapshot("se", female=40, male=40), snapshot("pl", female=30, male=35)]
    bands = [
        _band("se", inside=80, below_floor=0, above_ceiling=0, no_data=10),
        _band("pl", inside=50, below_floor=15, above_ceiling=0, no_data=0),
    ]
    targets = coalition("2026-Q4", [*pooled, *bands], DEFAULT_CHARTER).targets
    women = {t.judged: t for t in targets if t.indicator == "women_share"}
    assert (women["pooled"].share, women["pooled"].met) == (Decimal("0.4828"), True)
    per_activity = women["per_activity"]
    assert per_activity.aggregate == "participants_by_women_share_band"
    assert (per_activity.share, per_activity.met) == (Decimal("0.8966"), False)  # 130 / 145
    assert (per_activity.min_share, per_activity.max_share) == (Decimal("0.40"), Decimal("0.60"))

    only_se = coalition("2026-Q4", [pooled[0], bands[0]], DEFAULT_CHARTER).targets
    (inside,) = [t for t in only_se if t.judged == "per_activity"]
    assert (inside.share, inside.met, inside.incomplete) == (Decimal(1), True, False)


def test_a_hidden_count_outside_the_band_leaves_the_per_activity_judgement_unknown() -> None:
    bands = [
        _band("se", inside=80, below_floor=0, above_ceiling=0, no_data=0),
        _band("pl", inside=50, below_floor=None, above_ceiling=0, no_data=0),
    ]
    (women,) = coalition("2026-Q4", bands, DEFAULT_CHARTER).targets
    assert women.judged == "per_activity"
    assert (women.share, women.met, women.incomplete) == (None, None, True)
    assert women.suppressed_nodes == ["pl"]


def test_a_share_is_of_those_who_disclosed_as_the_evaluation_reads_it() -> None:
    """40 women and 40 men of 100 participants, 20 undisclosed: women are half of those who
    said, inside the band (not 40 %); a hidden undisclosed count leaves the share known."""
    gender = _band("se", women=40, men=40, undisclosed=20).model_copy(
        update={"aggregate": "participants_by_gender", "dimensions": ("gender",)}
    )
    origin = _origin("se", 60, 20).model_copy(
        update={"cells": (*_origin("se", 60, 20).cells,
                          Cell(key=("undisclosed",), suppressed=True)),
                "margins": (Cell(key=("_all",), suppressed=True),)}
    )  # fmt: skip
    targets = {t.indicator: t for t in coalition("2026-Q4", [gender, origin], DEFAULT_CHARTER)
               .targets}  # fmt: skip
    assert (targets["women_share"].share, targets["women_share"].met) == (Decimal("0.5"), True)
    non_russian = targets["non_russian_share"]
    assert (non_russian.share, non_russian.met, non_russian.incomplete) == (
        Decimal("0.25"), True, False,
    )  # fmt: skip


def test_a_band_missed_per_activity_raises_its_own_signal_saying_so() -> None:
    """Pooled inside the band, per activity not: one agenda signal, worded for what it is."""
    from concordia.hub.workspace.signals import targets_missed

    indicators = coalition(
        "2026-Q4",
        [snapshot("se", female=40, male=40),
         _band("se", inside=50, below_floor=30, above_ceiling=0, no_data=0)],
        DEFAULT_CHARTER,
    )  # fmt: skip
    (signal,) = targets_missed(indicators)
    assert signal.key == "target_missed:women_share:ledger:participants_by_women_share_band:2026-Q4"
    assert signal.evidence["judged"] == "per_activity"
    assert signal.evidence["share"] == "0.6250"  # 50 of 80 were at an activity inside the band
    assert "at an activity inside the charter's 0.40 to 0.60" in signal.title
