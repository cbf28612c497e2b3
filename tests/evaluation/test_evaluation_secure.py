"""The evaluation's secure tables: its cells for a round, and no plain snapshot beside them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import polling
import pytest
from evaluation_support import Evaluation, assess, draw, new_evaluator, seed_grant
from sqlalchemy import func, select

from concordia.evaluation import aggregates, secure
from concordia.evaluation.models import KnownPermit
from concordia.events import DEFAULT_CHARTER, CharterPublished, PermitRecorded, SecureTable
from concordia.kit.secure import KitSource, top_cell
from concordia.kit.tables import snapshots
from concordia.secagg import Refused

NOVEMBER = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PERMITS = SecureTable(
    table=aggregates.PERMIT_TABLE, service="evaluation", dimension="holder", measure="permits",
    cells=aggregates.HOLDERS,
)  # fmt: skip
FAMILIES = SecureTable(
    table=aggregates.FAMILY_TABLE, service="evaluation", dimension="holder",
    measure="family_members", cells=aggregates.HOLDERS, sensitivity=30,
)  # fmt: skip
GROUPS = SecureTable(
    table=aggregates.GROUP_TABLE, service="evaluation", dimension="represented_group",
    measure="eur_committed", cells=("women", "lgbtq"),
)  # fmt: skip


def charter(*tables: SecureTable) -> CharterPublished:
    return DEFAULT_CHARTER.model_copy(update={"secure": tables})


def source(ev: Evaluation, given: CharterPublished) -> KitSource:
    async def plain(session, table):  # type: ignore[no-untyped-def]
        return set(await snapshots.last_release_times(session, [table]))

    return KitSource(
        ev.app.state.concordia.db, secure.SOURCES, asyncio.get_running_loop(),
        plain_periods=plain, charter=lambda: given, service="evaluation",
    )  # fmt: skip


async def values(
    ev: Evaluation, given: CharterPublished, table: str, cells: list[str]
) -> list[int]:
    return await asyncio.to_thread(source(ev, given).values, table, "2026-Q4", cells)


async def grant_permits(ev: Evaluation) -> None:
    """In 2026-Q4: three permits to vulnerable holders (family 1, 2, 3) and one to another
    holder (family 9); one more granted in Q3 (not counted) and one refused."""
    made = [
        (True, 1, date(2026, 10, 5)), (True, 2, date(2026, 11, 1)), (True, 3, date(2026, 12, 1)),
        (False, 9, date(2026, 11, 2)), (False, 4, date(2026, 7, 1)),
    ]  # fmt: skip
    events = [
        PermitRecorded(
            permit_id=uuid.uuid4(), person_id=uuid.uuid4(), host_country="SE",
            track="residence", status="granted", valid_from=on, family_members_covered=family,
            version=1, holder_vulnerable=vulnerable,
        )
        for vulnerable, family, on in made
    ]  # fmt: skip
    events.append(PermitRecorded(
        permit_id=uuid.uuid4(), person_id=uuid.uuid4(), host_country="SE", track="residence",
        status="refused", family_members_covered=5, version=1, holder_vulnerable=True,
    ))  # fmt: skip
    await ev.publish(*events, time=NOVEMBER)

    async def known() -> bool:
        async with ev.app.state.concordia.db.unit_of_work(write=False) as session:
            return (await session.scalar(select(func.count()).select_from(KnownPermit))) == 6

    await polling.eventually(known, within=15)


async def test_permits_and_the_families_they_cover(evaluation: Evaluation) -> None:
    await grant_permits(evaluation)
    given = charter(PERMITS, FAMILIES)
    cells = list(aggregates.HOLDERS)
    assert await values(evaluation, given, aggregates.PERMIT_TABLE, cells) == [3, 1]
    assert await values(evaluation, given, aggregates.FAMILY_TABLE, cells) == [6, 9]


async def test_funding_by_represented_group_by_organisation_clipped(
    evaluation: Evaluation,
) -> None:
    # Two grants of 5,000 EUR each to one organisation (representing women) and one to another.
    org, _grant, donor = await seed_grant(evaluation)
    await seed_grant(evaluation, org=org, donor=donor)
    await seed_grant(evaluation, donor=donor)
    cells = ["women", top_cell("women", 1), top_cell("women", 2), "lgbtq"]
    assert await values(evaluation, charter(GROUPS), aggregates.GROUP_TABLE, cells) == [
        15_000, 10_000, 15_000, 0,
    ]  # fmt: skip
    # The charter clips each organisation at 6,000 EUR before the sums.
    clipped = charter(GROUPS.model_copy(update={"clip": Decimal(6000)}))
    assert await values(evaluation, clipped, aggregates.GROUP_TABLE, cells) == [
        11_000, 6_000, 11_000, 0,
    ]  # fmt: skip


async def test_scores_count_items_assessed_twice(evaluation: Evaluation) -> None:
    ev = evaluation
    accounts = {await new_evaluator(ev, n): n for n in ("eval-a", "eval-b")}
    for value in (3, 1):
        org, _, _ = await seed_grant(ev)
        made = await draw(ev, "organisation", org, "2026-Q4")
        assert made.status_code == 201, made.text
        for who, assignment in zip(made.json()["drawn"], made.json()["assignment_ids"],
                                   strict=True):  # fmt: skip
            assert (await assess(ev, accounts[who], assignment, value)).status_code == 201
    # One assessment only: the item does not count yet.
    org, _, _ = await seed_grant(ev)
    made = await draw(ev, "organisation", org, "2026-Q4")
    await assess(ev, accounts[made.json()["drawn"][0]], made.json()["assignment_ids"][0], 0)
    table = SecureTable(
        table="scores_by_impact", service="evaluation", dimension="score", measure="items",
        cells=aggregates.SCORES,
    )  # fmt: skip
    assert await values(ev, charter(table), "scores_by_impact", list(aggregates.SCORES)) == [
        0, 1, 0, 1, 0,
    ]  # fmt: skip


async def test_secure_tables_and_the_ledger_s_figures_are_not_published_plainly(
    evaluation: Evaluation,
) -> None:
    ev = evaluation
    await grant_permits(ev)
    for _ in range(3):
        await seed_grant(ev)
    goals = SecureTable(
        table="committed_eur_by_strategic_goal", service="ledger", dimension="strategic_goal",
        measure="eur_committed", cells=("value_of_politics",),
    )  # fmt: skip
    given = charter(PERMITS, goals)
    shut = secure.not_plain(given)
    assert shut == {aggregates.PERMIT_TABLE, aggregates.GOAL_TABLE}
    published = await aggregates.publish(
        db=ev.app.state.concordia.db, ctx=ev.app.state.concordia.extra.ctx, k=3,
        rounding_base=None, secure=shut,
    )  # fmt: skip
    names = {e.aggregate for e in published}
    assert aggregates.FAMILY_TABLE in names
    assert aggregates.HORIZON_TABLE in names
    assert not names & shut
    # A table this node already published plainly is given only under differential privacy.
    with pytest.raises(Refused) as refused:
        await values(ev, charter(FAMILIES), aggregates.FAMILY_TABLE, list(aggregates.HOLDERS))
    assert refused.value.code == "published_plainly"
