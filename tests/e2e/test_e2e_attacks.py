"""Attacks on a running coalition are refused: another agency's or donor's token, a loosening
charter from the hub, and a node message with values no honest node sends.

Real processes throughout, as in test_e2e_pii_canaries: the hub's and the nodes' nats-servers
from configs the CLI generates, the registry, ledger and hub as uvicorn subprocesses over HTTP.
Each test asserts the refusal and that the victim's data is unchanged afterwards.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import httpx
import pytest
from e2e_support import Running, bearer, eventually, node_token
from federation_support import Coalition
from hub_support import snapshot
from ledger_support import donor, grant
from registry_support import person

from concordia.cli.identity import sign_document
from concordia.core.auth import TokenStore
from concordia.events import Envelope
from concordia.identity import SignedDocument

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

AGENCY_A, AGENCY_B = "agency:e2e-a", "agency:e2e-b"
DONOR_A, DONOR_B = "donor:e2e-a", "donor:e2e-b"
RW = ("registry:read", "registry:write")
PERSONS = 4
PROFESSIONS = ("journalist", "activist")


async def _all_persons(client: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    page = await client.get("/v1/persons", params={"limit": 100}, headers=bearer(token))
    assert page.status_code == 200, page.text
    return sorted(page.json()["items"], key=lambda p: p["id"])


async def test_a_second_agency_cannot_learn_of_read_change_or_erase_the_first_agencys_persons(
    coalition: Coalition, running: Running
) -> None:
    c = coalition
    registry = await running.node_service(c, "se", "registry")
    a, b = (node_token(c, "se", *RW, owner=owner) for owner in (AGENCY_A, AGENCY_B))
    records = [person(n) for n in range(PERSONS)]
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        synced = await client.put("/v1/sync/persons", json={"records": records}, headers=bearer(a))
        assert synced.status_code == 200, synced.text
        ids = {r["id"] for r in synced.json()["results"]}
        assert len(ids) == PERSONS
        before = await _all_persons(client, a)
        assert {p["id"] for p in before} == ids

        # A dry run of A's external ids from B's token: all new to B, none of A's ids.
        dry = await client.put(
            "/v1/sync/persons", params={"dry_run": "true"}, json={"records": records},
            headers=bearer(b),
        )  # fmt: skip
        assert dry.status_code == 200, dry.text
        assert [r["status"] for r in dry.json()["results"]] == ["created"] * PERSONS
        assert not ids & {r.get("id") for r in dry.json()["results"]}
        for pid in ids:
            got = await client.get(f"/v1/persons/{pid}", headers=bearer(b))
            assert got.status_code == 404, got.text
            patched = await client.patch(
                f"/v1/persons/{pid}", json={"risk_level": "low"}, headers=bearer(b)
            )
            assert patched.status_code == 404, patched.text
            erased = await client.delete(f"/v1/persons/{pid}", headers=bearer(b))
            assert erased.status_code == 404, erased.text
        assert await _all_persons(client, b) == []
        changes = await client.get("/v1/changes", params={"limit": 100}, headers=bearer(b))
        assert changes.status_code == 200, changes.text
        assert changes.json()["items"] == []
        # The control: A's own change feed does show them (the refusal is about B).
        mine = await client.get("/v1/changes", params={"limit": 100}, headers=bearer(a))
        assert mine.status_code == 200, mine.text
        assert ids <= {item["id"] for item in mine.json()["items"]}

        # Afterwards A reads every one of its persons, unchanged.
        assert await _all_persons(client, a) == before


async def test_a_second_donor_cannot_see_or_change_the_first_donors_restricted_grant(
    coalition: Coalition, running: Running
) -> None:
    c = coalition
    registry = await running.node_service(c, "se", "registry")
    ledger = await running.node_service(c, "se", "ledger")
    agency = node_token(c, "se", *RW, owner=AGENCY_A)
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        synced = await client.put(
            "/v1/sync/persons", json={"records": [person(1)]}, headers=bearer(agency)
        )
        assert synced.status_code == 200, synced.text
        person_id = synced.json()["results"][0]["id"]
    a = node_token(c, "se", "ledger:write", owner=DONOR_A)
    b = node_token(c, "se", "ledger:write", owner=DONOR_B)
    async with httpx.AsyncClient(base_url=ledger, timeout=30) as client:
        made = await client.post("/v1/donors", json=donor(1), headers=bearer(a))
        assert made.status_code == 201, made.text
        body = grant(
            made.json()["id"], {"type": "person", "id": person_id}, 1, visibility="restricted"
        )

        async def granted() -> dict[str, Any] | None:
            # The ledger learns persons from the registry's events: retry until it has.
            response = await client.post("/v1/grants", json=body, headers=bearer(a))
            assert response.status_code in (201, 422), response.text
            return response.json() if response.status_code == 201 else None

        gid = (await eventually(granted, seconds=30))["id"]
        before = await client.get(f"/v1/grants/{gid}", headers=bearer(a))
        assert before.status_code == 200, before.text

        listed = await client.get("/v1/grants", headers=bearer(b))
        assert listed.status_code == 200, listed.text
        assert listed.json()["items"] == []
        assert (await client.get(f"/v1/grants/{gid}", headers=bearer(b))).status_code == 404
        patched = await client.patch(
            f"/v1/grants/{gid}", json={"title": "Taken over"}, headers=bearer(b)
        )
        assert patched.status_code == 404, patched.text
        withdrawn = await client.delete(f"/v1/grants/{gid}", headers=bearer(b))
        assert withdrawn.status_code == 404, withdrawn.text

        after = await client.get(f"/v1/grants/{gid}", headers=bearer(a))
        assert after.status_code == 200, after.text
        assert after.json() == before.json()
        assert after.headers["ETag"] == before.headers["ETag"]
        mine = await client.get("/v1/grants", headers=bearer(a))
        assert [g["id"] for g in mine.json()["items"]] == [gid]


LOOSE = {"k": 3, "dominance_n": 2, "dominance_k": "85", "p_percent": "10", "rounding_base": 5}


async def test_a_loosening_charter_from_the_hub_is_refused_by_the_nodes_services(
    coalition: Coalition, running: Running
) -> None:
    c = coalition
    quick = {"status_interval_seconds": "1"}
    await running.node_service(c, "se", "registry", **quick)
    await running.node_service(c, "se", "ledger", **quick)
    hub, reader = await running.hub(c, charter_resend_seconds="1")
    admin = TokenStore(c.root / "hub" / "tokens.json").create("e2e-admin", {"hub:admin"})

    async def services() -> dict[str, dict[str, Any]]:
        async with httpx.AsyncClient(base_url=hub, timeout=10) as client:
            got = await client.get("/v1/nodes", headers=bearer(reader))
        assert got.status_code == 200, got.text
        nodes = {n["code"]: n for n in got.json()}
        return {s["service"]: s for s in nodes["se"]["services"]} if "se" in nodes else {}

    async def both_report() -> dict[str, dict[str, Any]] | None:
        shown = await services()
        return shown if {"registry", "ledger"} <= shown.keys() else None

    first = await eventually(both_report)
    for service in ("registry", "ledger"):
        assert (first[service]["charter_revision"], first[service]["charter_refused"]) == (0, None)

    charter = {"version": "e2e.loose", "effective": "2026-01-01", "disclosure": LOOSE}
    async with httpx.AsyncClient(base_url=hub, timeout=10) as client:
        put = await client.put("/v1/charter", json=charter, headers=bearer(admin))
        assert put.status_code == 200, put.text
        revision = put.json()["revision"]
        # Even signed by every member state (`concordia charter sign`), it is refused below.
        served = await client.get(f"/v1/charter/{revision}/document", headers=bearer(admin))
        document = SignedDocument.model_validate(served.json())
        for code, files in c.nodes.items():
            mine = sign_document(files.root, document).signatures[-1]
            signed = await client.post(
                f"/v1/charter/{revision}/signatures", json=mine.model_dump(),
                headers=bearer(admin),
            )  # fmt: skip
            assert signed.status_code == 200, (code, signed.text)
        assert signed.json()["signed"], signed.text

    async def refused_by_both() -> dict[str, dict[str, Any]] | None:
        shown = await services()
        done = all(shown[s]["charter_refused"] for s in ("registry", "ledger"))
        return shown if done else None

    shown = await eventually(refused_by_both)
    for service in ("registry", "ledger"):
        entry = shown[service]
        assert entry["charter_refused"]["revision"] == revision, entry
        assert entry["charter_refused"]["version"] == "e2e.loose", entry
        assert "k_below_floor" in entry["charter_refused"]["reasons"], entry
        # Each keeps the charter it ran: the built-in one, revision 0.
        assert (entry["charter_revision"], entry["charter_version"]) == (0, "default"), entry
        assert entry["charter_current"] is False, entry


def cell(table: dict[str, Any], code: str) -> int:
    """The published value of the one-way cell ``code`` (0 when suppressed)."""
    return int(next(x["value"] or 0 for x in table["cells"] if x["key"] == [code]))


def _refusals(c: Coalition) -> list[tuple[str, str]]:
    with sqlite3.connect(c.root / "hub" / "hub.db") as db:
        return sorted(db.execute("SELECT lower(account), reason FROM refusals").fetchall())


async def test_a_node_message_with_out_of_range_values_is_refused_at_the_hub(
    coalition: Coalition, running: Running
) -> None:
    c = coalition
    registry = await running.node_service(c, "se", "registry")
    hub, reader = await running.hub(c)
    agency = node_token(c, "se", *RW, owner=AGENCY_A)
    # Twelve per profession: cells at k=10 are published, not suppressed.
    records = [person(n, profession_category=PROFESSIONS[n % 2]) for n in range(24)]
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        synced = await client.put(
            "/v1/sync/persons", json={"records": records},
            headers=bearer(agency),
        )  # fmt: skip
        assert synced.status_code == 200, synced.text

    async def get(path: str, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=hub, timeout=10) as client:
            got = await client.get(path, params=params, headers=bearer(reader))
        assert got.status_code == 200, got.text
        return got.json()

    async def professions_published() -> list[dict[str, Any]]:
        found = await get("/v1/aggregates", node="se", name="persons_by_profession")
        # The first release may predate the sync (zeros): wait for the one counting them.
        return [s for s in found if cell(s, "journalist") > 0]

    honest = (await eventually(professions_published))[0]
    period = honest["period"]

    async def profession_totals() -> dict[tuple[str, ...], Any]:
        found = await get("/v1/coalition/indicators", period=period)
        table = next(a for a in found["aggregates"] if a["aggregate"] == "persons_by_profession")
        return {tuple(t["key"]): t["value"] for t in table["cells"] + table["margins"]}

    totals_before = await profession_totals()
    assert totals_before[("journalist",)] == cell(honest, "journalist") > 0
    refused_before = {n["code"]: n["refused"] for n in await get("/v1/nodes")}["se"]

    # The node's COALITION user (the registry's shared link) publishes forged snapshots onto its
    # own shared subject: the stream the hub sources from.
    forged = []
    for version, value in ((900_001, -5), (900_002, 10**40)):
        event = snapshot(
            aggregate="persons_by_profession", version=version, period=period,
            **dict.fromkeys(PROFESSIONS, 12),
        )  # fmt: skip
        body = Envelope.wrap(event, node="se").to_dict()
        body["data"]["dimensions"] = ["profession"]
        body["data"]["cells"][0]["value"] = value
        forged.append(body)
    nc = await c.connect(c.node_url("se", "registry-shared"))
    js = nc.jetstream(timeout=5)
    for body in forged:
        ack = await js.publish(
            body["subject"], json.dumps(body).encode(), headers={"Nats-Msg-Id": body["id"]}
        )
        assert ack.stream == "SHARED_SE"

    async def refused() -> list[tuple[str, str]] | None:
        rows = _refusals(c)
        return rows if len(rows) >= len(forged) else None

    rows = await eventually(refused)
    assert rows == [("se", "count_out_of_range"), ("se", "unparseable")], rows
    nodes = {n["code"]: n for n in await get("/v1/nodes")}
    assert nodes["se"]["refused"] == refused_before + len(forged)
    stored = await get("/v1/aggregates", node="se", history="true")
    assert not {s["version"] for s in stored} & {900_001, 900_002}
    assert await profession_totals() == totals_before
