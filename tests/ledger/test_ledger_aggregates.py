"""What the ledger shares: protected funding and diversity snapshots, as /v1/aggregates shows."""

from __future__ import annotations

import asyncio
import threading
import uuid
from decimal import Decimal
from typing import Any

import nats
import orjson
import pytest
from ledger_support import Ledger, grant, new_donor
from ledger_support import donor as donor_record

from concordia.events import DEFAULT_CHARTER
from concordia.events.aggregates import AggregateSnapshotPublished, Cell
from concordia.hub.indicators import coalition
from concordia.ledger import aggregates

K = 10
QUARTER = "2026-Q2"
IN_QUARTER = "2026-05-15"


async def _publish(ledger: Ledger, **extra: Any) -> list[Any]:
    return await aggregates.publish(
        db=ledger.app.state.concordia.db,
        ctx=ledger.app.state.concordia.extra.ctx,
        k=K,
        rounding_base=5,
        **extra,
    )


async def _shown(ledger: Ledger) -> dict[tuple[str, str], dict[str, Any]]:
    response = await ledger.client.get("/v1/aggregates", headers=ledger.feed)
    assert response.status_code == 200, response.text
    return {(s["aggregate"], s["period"]): s for s in response.json()["snapshots"]}


async def _sent(ledger: Ledger, expected: int) -> list[Any]:
    """Every aggregate snapshot of this node's ledger in JetStream (ordered consumer)."""
    async with asyncio.timeout(20):
        await ledger.app.state.concordia.relay.wait_until_idle()
    nc = await nats.connect(ledger.nats_url)
    try:
        sub = await nc.jetstream().subscribe(
            f"shared.{ledger.settings.node}.ledger.aggregate.>", ordered_consumer=True
        )
        messages = []
        async with asyncio.timeout(15):
            while len(messages) < expected:
                messages.append(await sub.next_msg(timeout=5))
        with pytest.raises(nats.errors.TimeoutError):
            await sub.next_msg(timeout=0.5)  # and nothing more
        return messages
    finally:
        await nc.close()


async def _orgs(ledger: Ledger, count: int) -> list[uuid.UUID]:
    return [
        await ledger.announce_organisation(f"SE-ON-80200{n:05d}", name=f"Testorg Number{n}")
        for n in range(count)
    ]


async def _grant(
    ledger: Ledger, donor_id: str, recipient: dict[str, Any], n: int, **overrides: Any
) -> str:
    response = await ledger.client.post(
        "/v1/grants", json=grant(donor_id, recipient, n, **overrides), headers=ledger.rw
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _tx(
    ledger: Ledger, grant_id: str, amount: str, type_: int = 2, day: str = IN_QUARTER
) -> None:
    body = {"type": type_, "amount": amount, "currency": "EUR", "value_date": day}
    response = await ledger.client.post(
        f"/v1/grants/{grant_id}/transactions", json=body, headers=ledger.rw
    )
    assert response.status_code == 201, response.text


def _cell(snapshot: dict[str, Any], *key: str) -> dict[str, Any]:
    return next(c for c in (*snapshot["cells"], *snapshot["margins"]) if c["key"] == list(key))


def _assert_not_recoverable(snapshot: dict[str, Any]) -> None:
    """In a 1-D table a single hidden cell under a published total is the total minus the rest."""
    hidden = [c for c in snapshot["cells"] if c["suppressed"]]
    total = _cell(snapshot, "_all")
    assert not (len(hidden) == 1 and not total["suppressed"]), snapshot


async def test_funding_sums_are_protected_and_what_left_is_what_is_shown(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    orgs = await _orgs(ledger, 12)
    person = await ledger.announce_person()
    recipients = [{"type": "organisation", "id": str(org)} for org in orgs]
    grant_ids: list[str] = []
    n = 0
    # independent_media: 12 recipients with 10,000 each, plus a huge pledge that never counts.
    for recipient in recipients:
        grant_ids.append(gid := await _grant(ledger, donor, recipient, n := n + 1))
        await _tx(ledger, gid, "10000.00")
        await _tx(ledger, gid, "2500.00", type_=3)
    await _tx(ledger, grant_ids[0], "99000000.00", type_=12)
    # research: only 3 grants, to 3 recipients (below k).
    for recipient in recipients[:3]:
        gid = await _grant(ledger, donor, recipient, n := n + 1, purpose="research")
        await _tx(ledger, gid, "40000.00")
    # A grant to a person: counted, never shown.
    gid = await _grant(
        ledger, donor, {"type": "person", "id": str(person)}, n := n + 1, purpose="legal_aid"
    )
    await _tx(ledger, gid, "3000.00")
    # A grant with only a pledge: nothing to count.
    gid = await _grant(ledger, donor, recipients[5], n := n + 1, purpose="culture")
    await _tx(ledger, gid, "750000.00", type_=12)

    assert await _publish(ledger)
    shown = await _shown(ledger)
    names = {f"{m}_eur_by_{d}" for m in ("committed", "disbursed")
             for d in ("purpose", "horizon", "strategic_goal", "donor_type")}  # fmt: skip
    assert {name for name, _ in shown} == names  # no activities: no diversity tables
    assert {period for _, period in shown} == {QUARTER}

    by_purpose = shown[("committed_eur_by_purpose", QUARTER)]
    assert by_purpose["measure"] == "eur_committed"
    assert by_purpose["dimensions"] == ["purpose"]
    media = _cell(by_purpose, "independent_media")
    assert media == {
        "key": ["independent_media"],
        "value": None,
        "amount": "120000.00",
        "suppressed": False,
        "reason": None,
    }  # fmt: skip  (the pledge never counts)
    assert _cell(by_purpose, "research")["suppressed"]  # 3 grants < k
    assert _cell(by_purpose, "research")["amount"] is None
    assert _cell(by_purpose, "legal_aid")["suppressed"]  # 1 grant, to a person
    assert _cell(by_purpose, "culture") == {"key": ["culture"], "value": None, "amount": "0.00",
                                            "suppressed": False, "reason": None}  # fmt: skip
    _assert_not_recoverable(by_purpose)
    # The four committed tables share their grand total: shown everywhere or nowhere.
    totals = {
        orjson.dumps(_cell(shown[(f"committed_eur_by_{d}", QUARTER)], "_all"))
        for d in ("purpose", "horizon", "strategic_goal", "donor_type")
    }
    assert len(totals) == 1
    disbursed = shown[("disbursed_eur_by_purpose", QUARTER)]
    assert _cell(disbursed, "independent_media")["amount"] == "30000.00"
    assert _cell(disbursed, "_all")["amount"] == "30000.00"
    # Goals split each grant equally: value_of_politics and voice_of_disenfranchised.
    goals = shown[("disbursed_eur_by_strategic_goal", QUARTER)]
    assert _cell(goals, "value_of_politics")["amount"] == "15000.00"
    for snapshot in shown.values():
        for cell in (*snapshot["cells"], *snapshot["margins"]):
            Cell.model_validate(cell)
            assert cell["reason"] is None  # reasons stay home

    messages = await _sent(ledger, len(shown))
    sent = {}
    for message in messages:
        data = orjson.loads(message.data)["data"]
        sent[(data["aggregate"], data["period"])] = data
        assert message.subject == (
            f"shared.{ledger.settings.node}.ledger.aggregate.{data['aggregate']}"
            f".{data['period']}.v{data['version']}"
        )
        assert message.header.get("Nats-Expected-Last-Subject-Sequence") == "0"
    assert sent == shown  # exactly what the node shows is what left it
    secrets = [str(org) for org in orgs] + [str(person), *grant_ids, "Testorg", "SE-ON-80200",
                                            "TEST-GRANT", "Example grant"]  # fmt: skip
    for message in messages:
        for secret in secrets:
            assert secret.encode() not in message.data, secret


async def test_a_recipient_dominating_a_cell_is_hidden_with_a_complement(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    orgs = await _orgs(ledger, 12)
    n = 0
    for i, org in enumerate(orgs):
        recipient = {"type": "organisation", "id": str(org)}
        gid = await _grant(ledger, donor, recipient, n := n + 1, purpose="human_rights")
        await _tx(ledger, gid, "100000.00" if i == 0 else "1000.00")
        gid = await _grant(ledger, donor, recipient, n := n + 1, purpose="civil_society")
        await _tx(ledger, gid, "20000.00")
    # A second grant of the dominant recipient is the same contributor, not another one.
    gid = await _grant(
        ledger, donor, {"type": "organisation", "id": str(orgs[0])}, n + 1, purpose="human_rights"
    )
    await _tx(ledger, gid, "10.00")
    await _publish(ledger)
    by_purpose = (await _shown(ledger))[("committed_eur_by_purpose", QUARTER)]
    human_rights = _cell(by_purpose, "human_rights")
    assert human_rights["suppressed"]
    assert human_rights["amount"] is None
    assert sum(c["suppressed"] for c in (*by_purpose["cells"], *by_purpose["margins"])) >= 2
    # 100,000 of 111,010 is one recipient's; the table's total is not dominated and is shown, so
    # a second cell is hidden with it: otherwise the total minus the rest would give it away.
    assert _cell(by_purpose, "_all")["amount"] == "351010.00"
    hidden = [c["key"][0] for c in by_purpose["cells"] if c["suppressed"]]
    assert len(hidden) >= 2, hidden
    _assert_not_recoverable(by_purpose)


async def test_participant_diversity_counts(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    org = (await _orgs(ledger, 1))[0]
    gid = await _grant(ledger, donor, {"type": "organisation", "id": str(org)}, 1)
    for day, women, men, russian, non_russian in (
        ("2026-04-10", 20, 12, 22, 10),
        ("2026-06-01", 13, 10, 15, 8),
        ("2026-09-01", 2, 1, 3, 0),  # another quarter
    ):
        body = {
            "kind": "event", "title": "Example test seminar", "start_date": day,
            "end_date": day, "country": "LT", "city": "Vilnius",
            "participants_by_gender": {"women": women, "men": men},
            "participants_by_origin": {"russian": russian, "non_russian": non_russian},
        }  # fmt: skip
        response = await ledger.client.post(
            f"/v1/grants/{gid}/activities", json=body, headers=ledger.rw
        )
        assert response.status_code == 201, response.text
    await _publish(ledger)
    shown = await _shown(ledger)
    gender = shown[("participants_by_gender", QUARTER)]
    assert gender["measure"] == "participants"
    assert _cell(gender, "women")["value"] == 35  # 33 participants, rounded to base 5
    assert _cell(gender, "men")["value"] == 20  # 22
    assert _cell(gender, "other") == {"key": ["other"], "value": 0, "amount": None,
                                      "suppressed": False, "reason": None}  # fmt: skip
    origin = shown[("participants_by_ethnic_origin", QUARTER)]
    # A zero of ethnic origin would say "nobody here is X": hidden, with a complement.
    assert _cell(origin, "undisclosed")["suppressed"]
    for code, rounded in (("russian", 35), ("non_russian", 20), ("_all", 55)):  # 37, 18, 55
        assert _cell(origin, code)["value"] in (None, rounded)
    _assert_not_recoverable(origin)
    assert _cell(gender, "_all")["suppressed"] == _cell(origin, "_all")["suppressed"]
    q3 = shown[("participants_by_gender", "2026-Q3")]
    assert _cell(q3, "women")["suppressed"]
    assert _cell(q3, "men")["suppressed"]
    assert not any(name.startswith("committed") for name, _ in shown)  # no money moved


async def test_the_women_band_is_judged_on_each_activity_not_only_pooled(ledger: Ledger) -> None:
    """Pooled, 31 women of 63 is inside 40-60 %; but one event was an all-male panel and one
    all women: the band table says so (issue 9, section 3)."""
    donor = (await new_donor(ledger))["id"]
    org = (await _orgs(ledger, 1))[0]
    gid = await _grant(ledger, donor, {"type": "organisation", "id": str(org)}, 1)
    for kind, gender in (
        ("event", {"women": 20, "men": 20}),  # 50 %: inside
        ("event", {"men": 12}),  # an all-male panel: below the floor
        ("programme", {"women": 11}),  # above the ceiling
        ("event", {"undisclosed": 10}),  # no one disclosed a gender: no data
    ):
        total = sum(gender.values())
        body = {
            "kind": kind, "title": "Example test seminar", "start_date": IN_QUARTER,
            "end_date": IN_QUARTER, "country": "LT", "city": "Vilnius",
            "participants_by_gender": gender, "participants_by_origin": {"undisclosed": total},
        }  # fmt: skip
        response = await ledger.client.post(
            f"/v1/grants/{gid}/activities", json=body, headers=ledger.rw
        )
        assert response.status_code == 201, response.text
    await _publish(ledger, band=aggregates.Band.of(DEFAULT_CHARTER))
    shown = await _shown(ledger)
    band = shown[("participants_by_women_share_band", QUARTER)]
    assert band["dimensions"] == ["women_share_band"]
    assert band["measure"] == "participants"
    values = {c["key"][0]: c["value"] for c in (*band["cells"], *band["margins"])}
    # 40, 12, 11, 10 participants, rounded to base 5; each is at least k persons.
    assert values == {"inside": 40, "below_floor": 10, "above_ceiling": 10, "no_data": 10,
                      "_all": 75}  # fmt: skip
    gender = shown[("participants_by_gender", QUARTER)]
    assert _cell(gender, "_all")["value"] == 75  # the same participants, the same total
    # The hub reads the two judgements from exactly these tables.
    snapshots = [AggregateSnapshotPublished.model_validate(s) for s in shown.values()]
    targets = coalition(QUARTER, snapshots, DEFAULT_CHARTER).targets
    women = {t.judged: t for t in targets if t.indicator == "women_share"}
    assert women["pooled"].met is True
    assert (women["per_activity"].met, women["per_activity"].share) == (False, Decimal("0.6667"))


async def test_without_a_band_in_the_charter_no_band_table_is_built(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    org = (await _orgs(ledger, 1))[0]
    gid = await _grant(ledger, donor, {"type": "organisation", "id": str(org)}, 1)
    body = {
        "kind": "event", "title": "Example test seminar", "start_date": IN_QUARTER,
        "end_date": IN_QUARTER, "country": "LT", "city": "Vilnius",
        "participants_by_gender": {"women": 20, "men": 20},
    }  # fmt: skip
    response = await ledger.client.post(
        f"/v1/grants/{gid}/activities", json=body, headers=ledger.rw
    )
    assert response.status_code == 201, response.text
    without = DEFAULT_CHARTER.model_copy(
        update={"targets": tuple(t for t in DEFAULT_CHARTER.targets
                                 if t.indicator != "women_share")}
    )  # fmt: skip
    assert aggregates.Band.of(without) is None
    await _publish(ledger, band=aggregates.Band.of(without))
    assert ("participants_by_women_share_band", QUARTER) not in await _shown(ledger)


async def test_a_new_version_waits_for_k_changed_recipients(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    orgs = await _orgs(ledger, 12)
    grant_ids = []
    for i, org in enumerate(orgs):
        grant_ids.append(await _grant(ledger, donor, {"type": "organisation", "id": str(org)}, i))
        await _tx(ledger, grant_ids[-1], "10000.00")
    await _publish(ledger)
    await _publish(ledger)
    assert {s["version"] for s in (await _shown(ledger)).values()} == {1}
    # One recipient's new commitment: a release now would show it as the difference.
    await _tx(ledger, grant_ids[0], "777.00")
    assert await _publish(ledger) == []
    # Nine more recipients (ten in all) change: the quarter is released again.
    for gid in grant_ids[1:10]:
        await _tx(ledger, gid, "100.00")
    await _publish(ledger)
    shown = await _shown(ledger)
    media = shown[("committed_eur_by_purpose", QUARTER)]
    assert media["version"] == 2
    assert _cell(media, "independent_media")["amount"] == "121677.00"
    # A backdated commitment opens its own quarter (first release) and leaves 2026-Q2 alone.
    await _tx(ledger, grant_ids[11], "500.00", day="2025-11-03")
    await _publish(ledger)
    shown = await _shown(ledger)
    assert shown[("committed_eur_by_purpose", "2025-Q4")]["version"] == 1
    assert shown[("committed_eur_by_purpose", QUARTER)]["version"] == 2
    assert shown[("committed_eur_by_purpose", "2025-Q4")]["period_start"] == "2025-10-01"


async def test_withdrawn_grants_and_unconverted_amounts_do_not_count(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    orgs = await _orgs(ledger, 11)
    grant_ids = []
    for i, org in enumerate(orgs):
        grant_ids.append(await _grant(ledger, donor, {"type": "organisation", "id": str(org)}, i))
        await _tx(ledger, grant_ids[-1], "1000.00")
    body = {"type": 2, "amount": "50000.00", "currency": "SEK", "value_date": IN_QUARTER}
    await ledger.client.post(
        f"/v1/grants/{grant_ids[0]}/transactions", json=body, headers=ledger.rw
    )  # fmt: skip  (no SEK rate: left out)
    response = await ledger.client.delete(f"/v1/grants/{grant_ids[-1]}", headers=ledger.rw)
    assert response.status_code == 204, response.text
    await _publish(ledger)
    by_purpose = (await _shown(ledger))[("committed_eur_by_purpose", QUARTER)]
    assert _cell(by_purpose, "independent_media")["amount"] == "10000.00"
    assert Decimal(_cell(by_purpose, "_all")["amount"]) == Decimal("10000.00")


async def test_a_change_in_one_cell_by_fewer_than_k_holds_the_table(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    orgs = await _orgs(ledger, 24)
    media, culture = [], []
    for i, org in enumerate(orgs):
        recipient = {"type": "organisation", "id": str(org)}
        purpose = "independent_media" if i < 12 else "culture"
        gid = await _grant(ledger, donor, recipient, i, purpose=purpose)
        (media if i < 12 else culture).append(gid)
        await _tx(ledger, gid, "10000.00")
    await _publish(ledger)
    # Ten recipients change: nine in media, one alone in culture. Counted per period that was
    # enough; per cell, "culture" would differ by one recipient's commitment.
    for gid in [*media[:9], culture[0]]:
        await _tx(ledger, gid, "100.00")
    await _publish(ledger)
    shown = await _shown(ledger)
    assert shown[("committed_eur_by_purpose", QUARTER)]["version"] == 1
    assert shown[("committed_eur_by_horizon", QUARTER)]["version"] == 2  # one cell, ten changed
    # A withdrawal alone, or a rate that converts one recipient's amount, holds every table.
    body = {"type": 2, "amount": "90000", "currency": "SEK", "value_date": IN_QUARTER}
    answer = await ledger.client.post(
        f"/v1/grants/{media[10]}/transactions", json=body, headers=ledger.rw
    )
    assert answer.status_code == 201, answer.text
    before = await _shown(ledger)
    rate = [{"currency": "SEK", "date": "2026-01-01", "rate": "0.09"}]
    assert (await ledger.client.put("/v1/rates", json=rate, headers=ledger.ops)).status_code == 200
    assert (await ledger.client.delete(f"/v1/grants/{media[5]}", headers=ledger.rw)).is_success
    assert await _publish(ledger) == []
    assert await _shown(ledger) == before


async def test_grants_to_erased_persons_are_one_contributor(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    persons = [await ledger.announce_person() for _ in range(K)]
    for n, person in enumerate(persons):
        gid = await _grant(ledger, donor, {"type": "person", "id": str(person)}, n,
                           purpose="legal_aid")  # fmt: skip
        await _tx(ledger, gid, "1000.00")
    for person in persons:
        await ledger.erase_person(person)
    await _publish(ledger)
    by_purpose = (await _shown(ledger))[("committed_eur_by_purpose", QUARTER)]
    # K grants, but all to erased persons: one contributor "erased", below the threshold.
    assert _cell(by_purpose, "legal_aid")["suppressed"]


async def test_a_writer_is_not_blocked_while_tables_are_protected(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    org = (await _orgs(ledger, 1))[0]
    await _tx(ledger, await _grant(ledger, donor, {"type": "organisation", "id": str(org)}, 1),
              "10.00")  # fmt: skip
    inside, proceed, order = threading.Event(), threading.Event(), []

    def slow_protect(
        rows: Any, k: int, rounding_base: int | None, money: Any = None, band: Any = None
    ) -> Any:
        inside.set()
        order.append("protecting")
        assert proceed.wait(30), "the writer never finished: the publisher held it up"
        order.append("protected")
        return aggregates.protect(rows, k, rounding_base, money, band)

    publishing = asyncio.create_task(_publish(ledger, protect=slow_protect))
    assert await asyncio.to_thread(inside.wait, 30)
    # The event loop is free (the protection runs in a thread) and no write lock is held.
    response = await ledger.client.post(
        "/v1/donors", json=donor_record(7), headers=ledger.rw
    )  # fmt: skip
    assert response.status_code == 201, response.text
    order.append("written")
    proceed.set()
    released = await publishing
    assert order == ["protecting", "written", "protected"]
    assert {e.aggregate for e in released} >= {"committed_eur_by_purpose"}


async def test_a_quiet_ledger_is_not_scanned_again(ledger: Ledger) -> None:
    donor = (await new_donor(ledger))["id"]
    org = (await _orgs(ledger, 1))[0]
    gid = await _grant(ledger, donor, {"type": "organisation", "id": str(org)}, 1)
    await _tx(ledger, gid, "10.00")
    calls: list[int] = []

    def counted(
        rows: Any, k: int, rounding_base: int | None, money: Any = None, band: Any = None
    ) -> Any:
        calls.append(len(rows.funding))
        return aggregates.protect(rows, k, rounding_base, money, band)

    assert await _publish(ledger, protect=counted)
    assert await _publish(ledger, protect=counted) == []  # nothing changed: no scan at all
    assert calls == [1]
    rate = [{"currency": "SEK", "date": "2026-01-01", "rate": "0.09"}]
    assert (await ledger.client.put("/v1/rates", json=rate, headers=ledger.ops)).is_success
    await _publish(ledger, protect=counted)  # a rate changes conversions: computed again
    await _tx(ledger, gid, "5.00")
    await _publish(ledger, protect=counted)
    assert calls == [1, 1, 2]
