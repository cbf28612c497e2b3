"""Secure tables end to end: three ledgers and the hub service on a generated coalition.

Real parts throughout: the hub's and three nodes' nats-servers from the CLI's configs joined by
leaf connections, the directory of node keys as ``concordia up`` makes it, each node's ledger
answering rounds on its COALITION user with its own identity key, the hub service running the
rounds and keeping the releases (tests/wiring_support.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from federation_support import Coalition, make_coalition, running
from ledger_support import Ledger, grant, new_donor
from nats.aio.msg import Msg
from sqlalchemy import select
from sqlalchemy.engine import make_url
from wiring_support import Running, adopt, apps, start_hub, start_ledger, until

from concordia.cli.identity import demo_directory
from concordia.hub.models import SecureRelease
from concordia.secagg import Release, RoundHeader

CODES = ("de", "pl", "se")
#: A count only PL holds (its women at one event): it must never be found at the hub.
CANARY = 98_765
GENDER = {
    "table": "participants_by_gender", "service": "ledger", "dimension": "gender",
    "measure": "participants", "cells": ["women", "men", "other", "undisclosed"],
}  # fmt: skip
ORIGIN = {
    "table": "participants_by_ethnic_origin", "service": "ledger",
    "dimension": "ethnic_origin", "measure": "participants",
    "cells": ["russian", "non_russian", "undisclosed"], "epsilon": "1",
}  # fmt: skip
MONEY = {
    "table": "committed_eur_by_purpose", "service": "ledger", "dimension": "purpose",
    "measure": "eur_committed",
    "cells": ["independent_media", "human_rights", "education", "culture"],
}  # fmt: skip
CHARTER = {
    "version": "secure.1",
    "effective": "2026-01-01",
    "disclosure": {
        "k": 3, "dominance_n": 2, "dominance_k": "85", "p_percent": "10", "rounding_base": None,
    },
    "targets": [
        {"indicator": "women_share", "dimension": "gender", "levels": ["female", "women"],
         "min_share": "0.40", "aim_share": "0.50", "max_share": "0.60"},
        {"indicator": "non_russian_share", "dimension": "ethnic_origin",
         "levels": ["non_russian"], "min_share": "0.15", "aim_share": "0.20"},
    ],
    "secure": [GENDER, ORIGIN, MONEY],
}  # fmt: skip
#: Each node's one event: (women, men) and (russian, non_russian); PL's women are the canary.
EVENTS = {
    "de": ((40, 30), (50, 20)),
    "pl": ((CANARY, 17), (CANARY, 17)),
    "se": ((25, 22), (30, 17)),
    "lt": ((33, 28), (40, 21)),
}


@pytest.fixture
async def three(tmp_path: Path) -> AsyncIterator[Coalition]:
    c = make_coalition(tmp_path, CODES)
    demo_directory(c.root / "hub", [c.nodes[code].root for code in CODES])
    async with running(c) as started:
        yield started


async def fund(ledger: Ledger, code: str, start: str, n: int = 0) -> None:
    """One grant and one event of ``start`` with the node's participants (``EVENTS``)."""
    donor = await new_donor(ledger, n)
    org = await ledger.announce_organisation(f"XM-SYN-{code.upper()}{n:02d}")
    recipient = {"type": "organisation", "id": str(org)}
    response = await ledger.client.post(
        "/v1/grants", json=grant(donor["id"], recipient, n), headers=ledger.rw
    )
    assert response.status_code == 201, response.text
    commitment = {"type": 2, "amount": "50000.00", "currency": "EUR", "value_date": start}
    made = await ledger.client.post(
        f"/v1/grants/{response.json()['id']}/transactions", json=commitment, headers=ledger.rw
    )
    assert made.status_code == 201, made.text
    (women, men), (russian, non_russian) = EVENTS[code]
    body = {
        "kind": "event", "title": "Example test seminar", "start_date": start,
        "end_date": start, "country": "LT", "city": "Vilnius",
        "participants_by_gender": {"women": women, "men": men},
        "participants_by_origin": {"russian": russian, "non_russian": non_russian},
    }  # fmt: skip
    response = await ledger.client.post(
        f"/v1/grants/{response.json()['id']}/activities", json=body, headers=ledger.rw
    )
    assert response.status_code == 201, response.text


async def on_charter(hub: Running, version: str, codes: tuple[str, ...] = CODES) -> bool:
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    return all(
        any(s["service"] == "ledger" and s["charter_version"] == version
            for s in nodes.get(code, {}).get("services", []))
        for code in codes
    )  # fmt: skip


async def start(
    three: Coalition, runner: Any, factories: Callable[[str], Awaitable[str]],
    budgets: dict[str, float] | None = None, charter: dict[str, Any] = CHARTER,
) -> tuple[dict[str, tuple[Running, Ledger]], Running]:  # fmt: skip
    codes = tuple(three.nodes)
    ledgers = {}
    for code in codes:
        extra = {"secagg_epsilon_budget": budgets[code]} if budgets and code in budgets else {}
        ledgers[code] = await start_ledger(runner, three, code, await factories("ledger"), **extra)
    hub = await start_hub(
        runner, three, await factories("hub"),
        secure_round_seconds=None, secure_step_timeout_seconds=15,
    )  # fmt: skip
    response = await hub.client.put("/v1/charter", json=charter, headers=hub.auth)
    assert response.status_code == 200, response.text
    await adopt(hub, three, response.json()["revision"])  # every member signs it
    await until(lambda: on_charter(hub, charter["version"], codes), 60)
    return ledgers, hub


async def rounds(hub: Running, period: str) -> dict[str, dict[str, Any]]:
    response = await hub.client.post(
        "/v1/secure/rounds", json={"period": period}, headers=hub.auth, timeout=300
    )
    assert response.status_code == 200, response.text
    return {r["table"]: r for r in response.json()}


@pytest.mark.slow
async def test_secure_tables_give_complete_shares_and_the_hub_holds_no_node_value(
    three: Coalition, database_factories: Callable[[str], Awaitable[str]]
) -> None:
    async with apps() as runner:
        ledgers, hub = await start(three, runner, database_factories)
        for code, (_, harness) in ledgers.items():
            await fund(harness, code, "2026-11-04")
        # One channel per table: the secure tables are no longer published per node.
        for app, _ in ledgers.values():
            published = await app.app.state.concordia.publish_aggregates()
            names = {e.aggregate for e in published}
            assert "participants_by_women_share_band" in names
            assert not names & {"participants_by_gender", "participants_by_ethnic_origin"}

        # A spy in PL's hub account hears everything the hub and PL exchange.
        heard: list[bytes] = []
        adverts: list[Msg] = []

        async def keep(msg: Msg) -> None:
            heard.append(msg.subject.encode() + msg.data)
            if msg.subject.startswith("hub.secagg.pl.ledger.") and msg.subject.endswith(
                ".advertise"
            ):
                adverts.append(msg)

        spy = await three.connect(three.hub_spy_url("pl"))
        await spy.subscribe(">", cb=keep)
        await spy.flush()
        reports = await rounds(hub, "2026-Q4")
        assert {t: r["status"] for t, r in reports.items()} == {
            "participants_by_gender": "released", "participants_by_ethnic_origin": "released",
            "committed_eur_by_purpose": "released",
        }, reports  # fmt: skip
        # Money: each node's one recipient is all of its cell, so the nodes' local top two
        # sum to the whole: dominated, suppressed (never rounded, never guessed).
        releases = await hub.get(
            "/v1/secure/releases", table="committed_eur_by_purpose", period="2026-Q4"
        )
        (money,) = [r for r in releases if r["phase"] == "sum"]
        media = next(c for c in money["values"] if c["key"] == ["independent_media"])
        assert (media["value"], media["reason"]) == (None, "dominance")
        # The top 1 and top 2 bounds of the p % rule (dominance_n is 2 as well).
        assert {"independent_media~top1", "independent_media~top2"} <= set(money["cells"])

        shown = await hub.get("/v1/coalition/indicators", period="2026-Q4")
        pooled = {t["indicator"]: t for t in shown["targets"] if t["judged"] == "pooled"}
        women = pooled["women_share"]
        assert women["incomplete"] is False
        total_women = 40 + CANARY + 25
        expected = round(total_women / (total_women + 30 + 17 + 22), 4)
        assert float(women["share"]) == pytest.approx(expected)  # no epsilon: exact
        assert women["met"] is False  # PL's event is nearly all women: above the ceiling
        origin = pooled["non_russian_share"]
        assert origin["incomplete"] is False
        assert origin["share"] is not None
        assert isinstance(origin["met"], bool)
        (gender,) = [a for a in shown["aggregates"] if a["aggregate"] == "participants_by_gender"]
        assert gender["nodes"] == sorted(CODES)
        assert {c["key"][0]: c["value"] for c in gender["cells"]}["women"] == total_women

        # Epsilon: spent on the DP table only, shown at the hub and kept by each node.
        spent = await hub.get("/v1/secure/epsilon")
        assert [(e["table"], float(e["epsilon_spent"])) for e in spent] == [
            ("participants_by_ethnic_origin", 1.0)
        ]
        app, _ = ledgers["pl"]
        ledger = {t["table"]: t for t in await app.get("/v1/coalition/secure")}
        assert ledger["participants_by_ethnic_origin"]["epsilon_spent"] == 1.0
        assert ledger["participants_by_gender"]["epsilon_spent"] == 0.0
        assert {r["phase"] for r in ledger["participants_by_gender"]["releases"]} == {
            "count", "sum"
        }  # fmt: skip

        # A replayed round: the hub's first request, sent again, is refused, nothing revealed.
        inbox = "_SECAGG.pl.replayed"
        answers = await spy.subscribe(inbox, max_msgs=1)
        await spy.publish(adverts[0].subject, adverts[0].data, reply=inbox)
        answer = json.loads((await answers.next_msg(timeout=10)).data)
        assert answer == {"refused": {"code": "replay", "detail": "round already seen"}}

        # A second release of the period, by a hub that hides the log or shows it: refused.
        first = RoundHeader.model_validate_json(adverts[0].data)
        async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
            log = [
                Release.model_validate(r)
                for r in await session.scalars(
                    select(SecureRelease.release)
                    .where(SecureRelease.aggregate == first.table)
                    .order_by(SecureRelease.seq)
                )
            ]
        for history, code in (((), "history_incomplete"), (tuple(log), "already_released")):
            forged = first.model_copy(update={"round": f"again-{code}", "history": history})
            answers = await spy.subscribe(inbox, max_msgs=1)
            await spy.publish(
                f"hub.secagg.pl.ledger.{forged.round}.advertise",
                forged.model_dump_json().encode(), reply=inbox,
            )  # fmt: skip
            answer = json.loads((await answers.next_msg(timeout=10)).data)
            assert answer["refused"]["code"] == code, answer

        # A period is released once: asking again runs no round.
        again = await rounds(hub, "2026-Q4")
        assert all(r["detail"] == "released before" for r in again.values()), again

        # The PII canary of secure tables: PL's own count is nowhere at the hub, neither on the
        # wire, in its API nor in its database files (only the coalition total is).
        texts = [
            json.dumps(await hub.get(path))
            for path in ("/v1/secure/releases", "/v1/aggregates", "/v1/secure/epsilon")
        ]
        texts.append(json.dumps(shown))
        assert any(b"hub.secagg.pl.ledger." in m for m in heard), "the spy heard the rounds"
        channel = b"\n".join(heard)
        for form in (str(CANARY).encode(), CANARY.to_bytes(8, "little")):
            assert form not in channel
        for text in texts:
            assert str(CANARY) not in text
        db = hub.app.state.concordia.db
        if db.sqlite:
            main = Path(make_url(db.url).database or "")
            raw = b"".join(f.read_bytes() for f in main.parent.glob(f"{main.name}*"))
            assert str(total_women).encode() in raw  # the coalition total is kept
            for form in (str(CANARY).encode(), CANARY.to_bytes(8, "little")):
                assert form not in raw


@pytest.mark.slow
async def test_a_node_at_the_end_of_its_epsilon_budget_refuses_and_the_round_fails(
    three: Coalition, database_factories: Callable[[str], Awaitable[str]]
) -> None:
    async with apps() as runner:
        ledgers, hub = await start(three, runner, database_factories, budgets={"se": 1.5})
        for code, (_, harness) in ledgers.items():
            await fund(harness, code, "2026-08-04", 0)
            await fund(harness, code, "2026-11-04", 1)
        first = await rounds(hub, "2026-Q3")
        assert first["participants_by_ethnic_origin"]["status"] == "released", first
        second = await rounds(hub, "2026-Q4")
        origin = second["participants_by_ethnic_origin"]
        assert origin["status"] == "failed", second
        assert {"node": "se", "code": "epsilon_exhausted"} in origin["refusals"], origin
        # The table without epsilon is not limited by the budget.
        assert second["participants_by_gender"]["status"] == "released", second
        shown = await hub.get("/v1/coalition/indicators", period="2026-Q4")
        pooled = {t["indicator"]: t for t in shown["targets"] if t["judged"] == "pooled"}
        assert "non_russian_share" not in pooled  # nothing released: no share, never a guess
        assert pooled["women_share"]["share"] is not None


@pytest.fixture
async def four(tmp_path: Path) -> AsyncIterator[Coalition]:
    codes = (*CODES, "lt")
    c = make_coalition(tmp_path, codes)
    demo_directory(c.root / "hub", [c.nodes[code].root for code in codes])
    async with running(c) as started:
        yield started


@pytest.mark.slow
async def test_a_release_that_differs_from_an_earlier_one_by_one_node_is_refused(
    four: Coalition, database_factories: Callable[[str], Awaitable[str]]
) -> None:
    """Differencing at the services: a stock table released over DE, LT, PL and SE for one
    quarter, then asked for the next while LT is away (its broker stopped: it drops out of the
    round). Released over DE, PL and SE, the two sums would differ by LT's cells alone; each
    remaining node sees it in the signed log and refuses (``derivable``): nothing is released."""
    stock = dict(GENDER, stock=True)
    charter = dict(CHARTER, version="secure.stock", secure=[stock])
    async with apps() as runner:
        ledgers, hub = await start(four, runner, database_factories, charter=charter)
        for code, (_, harness) in ledgers.items():
            await fund(harness, code, "2026-08-04", 0)
            await fund(harness, code, "2026-11-04", 1)
        first = await rounds(hub, "2026-Q3")
        assert first["participants_by_gender"]["status"] == "released", first
        assert first["participants_by_gender"]["roster"] == ["de", "lt", "pl", "se"]

        four.brokers["lt"].stop()  # LT misses the next period
        second = (await rounds(hub, "2026-Q4"))["participants_by_gender"]
        assert second["status"] == "failed", second
        refusals = {(r["node"], r["code"]) for r in second["refusals"]}
        assert {(code, "derivable") for code in CODES} <= refusals, second
        releases = await hub.get("/v1/secure/releases", table="participants_by_gender")
        assert {r["period"] for r in releases} == {"2026-Q3"}  # nothing of 2026-Q4 kept
        shown = await hub.get("/v1/coalition/indicators", period="2026-Q4")
        assert not [a for a in shown["aggregates"] if a["aggregate"] == "participants_by_gender"]
        # Each node's own log holds the first quarter's releases only.
        app, _ = ledgers["pl"]
        mine = {t["table"]: t for t in await app.get("/v1/coalition/secure")}
        assert {r["period"] for r in mine["participants_by_gender"]["releases"]} == {"2026-Q3"}
