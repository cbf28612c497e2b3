"""The ledger's secure tables at the node: its cells, local top-n, and the node's refusals."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from ledger_support import Ledger, grant, new_donor
from pydantic import ValidationError

from concordia.events import DEFAULT_CHARTER, CharterPublished, SecureTable
from concordia.kit.secure import CharterParticipant, KitSource, top_cell
from concordia.kit.tables import snapshots
from concordia.ledger import aggregates, secure
from concordia.secagg import MemoryStore, Refused, RoundHeader, key_identities

GENDER = SecureTable(
    table="participants_by_gender", service="ledger", dimension="gender",
    measure="participants", cells=("women", "men", "other", "undisclosed"),
)  # fmt: skip
PURPOSE = SecureTable(
    table="committed_eur_by_purpose", service="ledger", dimension="purpose",
    measure="eur_committed", cells=("independent_media", "education"),
)  # fmt: skip


def charter(*tables: SecureTable) -> CharterPublished:
    return DEFAULT_CHARTER.model_copy(update={"secure": tables})


async def fund(ledger: Ledger) -> list[str]:
    """Three grants (70,000, 20,000 and 10,000 EUR) each with an event; their ids."""
    donor, grants = await new_donor(ledger), []
    for n, amount in enumerate(("70000.00", "20000.00", "10000.00")):
        org = await ledger.announce_organisation(f"SE-ON-80200{n:05d}", name=f"Testorg {n}")
        response = await ledger.client.post(
            "/v1/grants", json=grant(donor["id"], {"type": "organisation", "id": str(org)}, n),
            headers=ledger.rw,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        grant_id = response.json()["id"]
        grants.append(grant_id)
        body = {"type": 2, "amount": amount, "currency": "EUR", "value_date": "2026-11-10"}
        made = await ledger.client.post(
            f"/v1/grants/{grant_id}/transactions", json=body, headers=ledger.rw
        )
        assert made.status_code == 201, made.text
        activity = {
            "kind": "event", "title": "Example test seminar", "start_date": "2026-11-04",
            "end_date": "2026-11-04", "country": "LT", "city": "Vilnius",
            "participants_by_gender": {"women": 10 + n, "men": 5},
            "participants_by_origin": {"russian": 12, "non_russian": 3 + n},
        }  # fmt: skip
        made = await ledger.client.post(
            f"/v1/grants/{grant_id}/activities", json=activity, headers=ledger.rw
        )
        assert made.status_code == 201, made.text
    return grants


BAND = SecureTable(
    table="participants_by_women_share_band", service="ledger", dimension="women_share_band",
    measure="participants", cells=("inside", "below_floor", "above_ceiling", "no_data"),
)  # fmt: skip


def source(ledger: Ledger, given: CharterPublished) -> KitSource:
    async def plain(session, table):  # type: ignore[no-untyped-def]
        return set(await snapshots.last_release_times(session, [table]))

    return KitSource(
        ledger.app.state.concordia.db, secure.SOURCES, asyncio.get_running_loop(),
        plain_periods=plain, charter=lambda: given, service="ledger",
    )  # fmt: skip


async def test_the_cells_and_the_local_top_n(ledger: Ledger) -> None:
    await fund(ledger)
    kit = source(ledger, charter(GENDER, PURPOSE))
    cells = ["women", "men", "other", "undisclosed"]
    assert await asyncio.to_thread(kit.values, "participants_by_gender", "2026-Q4", cells) == [
        33, 15, 0, 0,
    ]  # fmt: skip
    money = ["independent_media", top_cell("independent_media", 1),
             top_cell("independent_media", 2), "education"]  # fmt: skip
    assert await asyncio.to_thread(kit.values, "committed_eur_by_purpose", "2026-Q4", money) == [
        100_000, 70_000, 90_000, 0,
    ]  # fmt: skip
    with pytest.raises(LookupError):
        await asyncio.to_thread(kit.values, "persons_by_profession", "2026-Q4", cells)


async def test_participants_by_their_own_activity_s_place_in_the_women_band(
    ledger: Ledger,
) -> None:
    grants = await fund(ledger)  # three events of 15, 16 and 17, each over 60 % women
    # Two more events on the first grant: one inside the band, one where nobody disclosed a
    # gender. Pooled, the 70 participants who disclosed a gender are 60 % women, inside the
    # 40-60 % band; judged event by event, only the 22 at one event were inside it.
    for by_gender in ({"women": 9, "men": 13}, {"undisclosed": 11}):
        activity = {
            "kind": "event", "title": "Example test workshop", "start_date": "2026-12-01",
            "end_date": "2026-12-01", "country": "LT", "city": "Vilnius",
            "participants_by_gender": by_gender,
        }  # fmt: skip
        made = await ledger.client.post(
            f"/v1/grants/{grants[0]}/activities", json=activity, headers=ledger.rw
        )
        assert made.status_code == 201, made.text
    cells = list(BAND.cells)
    assert await asyncio.to_thread(
        source(ledger, charter(BAND)).values, BAND.table, "2026-Q4", cells
    ) == [22, 0, 48, 11]
    # The band is the charter's in force: a charter without one has nothing to judge against.
    bandless = charter(BAND).model_copy(update={"targets": ()})
    with pytest.raises(Refused) as refused:
        await asyncio.to_thread(source(ledger, bandless).values, BAND.table, "2026-Q4", cells)
    assert refused.value.code == "charter_mismatch"


async def test_each_recipient_is_clipped_to_the_charter_s_bound_before_the_sums(
    ledger: Ledger,
) -> None:
    await fund(ledger)
    # 70,000, 20,000 and 10,000 EUR to three organisations; the charter clips each at 25,000.
    clipped = charter(PURPOSE.model_copy(update={"clip": Decimal(25000)}))
    money = ["independent_media", top_cell("independent_media", 1),
             top_cell("independent_media", 2), top_cell("independent_media", 3)]  # fmt: skip
    assert await asyncio.to_thread(
        source(ledger, clipped).values, "committed_eur_by_purpose", "2026-Q4", money
    ) == [55_000, 25_000, 45_000, 55_000]
    # Clipped or not, no top-n exceeds the cell it bounds.
    plain = await asyncio.to_thread(
        source(ledger, charter(PURPOSE)).values, "committed_eur_by_purpose", "2026-Q4", money
    )
    assert plain == [100_000, 70_000, 90_000, 100_000]
    # Each cell's recipients at this node, for the coalition's k recipients.
    counted = ["independent_media~recipients", "education~recipients"]
    assert await asyncio.to_thread(
        source(ledger, clipped).values, "committed_eur_by_purpose", "2026-Q4", counted
    ) == [3, 0]
    with pytest.raises(ValidationError, match="only a money table"):
        GENDER.model_validate(GENDER.model_dump() | {"clip": Decimal(10)})


async def test_a_table_published_plainly_is_given_only_under_differential_privacy(
    ledger: Ledger,
) -> None:
    await fund(ledger)
    ctx = ledger.app.state.concordia.extra.ctx
    await aggregates.publish(db=ledger.app.state.concordia.db, ctx=ctx, k=3, rounding_base=None)
    cells = list(GENDER.cells)
    with pytest.raises(Refused) as refused:
        await asyncio.to_thread(
            source(ledger, charter(GENDER)).values, "participants_by_gender", "2026-Q4", cells
        )
    assert refused.value.code == "published_plainly"
    noisy = charter(GENDER.model_copy(update={"epsilon": Decimal(1)}))
    assert await asyncio.to_thread(
        source(ledger, noisy).values, "participants_by_gender", "2026-Q4", cells
    ) == [33, 15, 0, 0]
    # Once a table is secure it is no longer published per node.
    published = await aggregates.publish(
        db=ledger.app.state.concordia.db, ctx=ctx, k=3, rounding_base=None,
        secure=frozenset({"participants_by_gender"}),
    )  # fmt: skip
    assert "participants_by_gender" not in {e.aggregate for e in published}


def header(table: str, cells: tuple[str, ...], **extra: object) -> RoundHeader:
    return RoundHeader.model_validate({
        "round": f"r-{table[:20]}-{len(cells)}-{extra.get('phase', 'sum')}", "table": table,
        "period": "2026-Q4", "phase": "sum", "cells": cells, "roster": ("de", "pl", "se"),
        "threshold": 3, "bound": 1_000_000,
        "expires_at": (datetime.now(UTC) + timedelta(minutes=5)).isoformat(), **extra,
    })  # fmt: skip


class Rows:
    def values(self, table: str, period: str, cells: object) -> list[int]:
        return [1] * len(list(cells))  # type: ignore[call-overload]


def test_the_node_takes_part_only_as_the_charter_asks() -> None:
    identity = key_identities(["de", "pl", "se"])["pl"]
    origin = SecureTable(
        table="participants_by_ethnic_origin", service="ledger", dimension="ethnic_origin",
        measure="participants", cells=("russian", "non_russian", "undisclosed"),
        epsilon=Decimal(1),
    )  # fmt: skip
    node = CharterParticipant(
        identity, Rows(), MemoryStore(), charter=lambda: charter(GENDER, origin, PURPOSE),
        service="ledger",
    )  # fmt: skip

    def refused(head: RoundHeader) -> str:
        with pytest.raises(Refused) as caught:
            node.advertise(head)
        return caught.value.code

    assert refused(header("persons_by_profession", ("journalist",))) == "not_secure"
    assert refused(header("participants_by_gender", ("women", "soldiers"))) == "charter_mismatch"
    assert refused(header("participants_by_gender", ("women",), phase="count")) == (
        "charter_mismatch"
    )
    assert refused(header("participants_by_gender", GENDER.cells, stock=True)) == (
        "charter_mismatch"
    )
    cells = origin.cells
    assert refused(header(origin.table, cells)) == "charter_mismatch"  # no noise at all
    assert refused(header(origin.table, cells, epsilon=2.0)) == "charter_mismatch"  # less noise
    assert node.advertise(header(origin.table, cells, epsilon=1.0)).node == "pl"
    money = ("independent_media", top_cell("independent_media", 2))
    assert node.advertise(header(PURPOSE.table, money)).node == "pl"
    # A finished round keeps its id, not its header (which carries the table's whole log):
    # replayed, it is still refused.
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    refused_once = header(origin.table, cells, phase="count", expires_at=past)
    with pytest.raises(Refused):
        node.handle("advertise", refused_once)
    node.handle("advertise", header(GENDER.table, GENDER.cells))
    record = node.state["rounds"][refused_once.round]
    assert "header" not in record
    assert (record["step"], record["table"]) == ("refused", origin.table)
    with pytest.raises(Refused) as replayed:
        node.handle("advertise", refused_once)
    assert replayed.value.code == "replay"
