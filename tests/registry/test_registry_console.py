"""The registry's node console: permits expiring in 30/60/90 days (the reader's own, audited),
the sync log with its errors, exactly what was sent to the hub; each part only for its scopes."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import orjson
from registry_support import AGENCY_1, AGENCY_2, Registry, person
from sqlalchemy import insert, select
from web_support import untranslated, visible_text

from concordia.core.bulk import SYNC_LOG_RETENTION
from concordia.events import CoalitionDecisionPublished
from concordia.kit.tables import decisions, snapshots, sync_runs


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _agency(registry: Registry, owner: str) -> dict[str, str]:
    return registry.auth("registry:read", "registry:write", owner=owner)


async def _permits(registry: Registry) -> list[str]:
    """Permits of AGENCY_1 ending in 10, 45, 80 and 200 days, and one refused."""
    today = date.today()
    made = []
    for n, (status, ends_in) in enumerate(
        (("granted", 10), ("granted", 45), ("granted", 80), ("granted", 200), ("refused", 5))
    ):
        headers = _agency(registry, AGENCY_1)
        created = await registry.client.post("/v1/persons", json=person(n), headers=headers)
        assert created.status_code == 201, created.text
        response = await registry.client.post(
            "/v1/permits",
            json={"person_id": created.json()["id"], "host_country": "SE", "track": "residence",
                  "status": status, "valid_from": str(today - timedelta(days=300)),
                  "valid_to": str(today + timedelta(days=ends_in)), "family_members_covered": 1},
            headers=headers,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        made.append(response.json()["id"])
    return made


async def test_permits_expiring_by_window_for_their_own_agency(registry: Registry) -> None:
    made = await _permits(registry)
    page = await registry.client.get("/console", headers=_agency(registry, AGENCY_1))
    assert page.status_code == 200, page.text
    text = visible_text(page.text)
    assert "Permits expiring in the next 90 days" in text
    assert "Sent to the hub" not in text  # scope ops only
    assert "Bulk syncs and imports" not in text  # ops or registry:admin only
    rows = _csv((await registry.client.get(
        "/console?csv=permits-expiring", headers=_agency(registry, AGENCY_1))).text)  # fmt: skip
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("30", "10", made[0]), ("60", "45", made[1]), ("90", "80", made[2]),
    ]  # fmt: skip
    other = await registry.client.get("/console?csv=permits-expiring",
                                      headers=_agency(registry, AGENCY_2))  # fmt: skip
    assert len(_csv(other.text)) == 1  # another agency sees none of them
    assert made[3] not in page.text  # ends in 200 days
    assert made[4] not in page.text  # refused
    audit = await registry.client.get("/v1/audit", headers=registry.auth("ops", purpose=None))
    purposes = {e["purpose"] for e in audit.json()["items"] if e["action"] == "list_permits"}
    assert "permit_case_work; node console" in purposes


async def test_a_token_without_a_console_scope_gets_403_and_no_data(registry: Registry) -> None:
    made = await _permits(registry)
    refused = await registry.client.get("/console", headers=registry.auth("registry:write"))
    assert refused.status_code == 403
    assert made[0] not in refused.text
    assert "Permits expiring" not in refused.text
    download = await registry.client.get(
        "/console?csv=permits-expiring", headers=registry.auth("registry:write")
    )
    assert download.status_code == 403
    assert made[0] not in download.text
    anonymous = await registry.client.get("/console")
    assert anonymous.status_code == 401
    assert made[0] not in anonymous.text


async def test_the_sync_log_shows_each_run_and_its_rejections(registry: Registry) -> None:
    body = {"records": [person(1), person(2, gender="robot")]}
    synced = await registry.client.put("/v1/sync/persons", json=body, headers=registry.rw)
    assert synced.status_code == 200
    admin = registry.auth("registry:admin", "registry:read", "registry:write")
    runs = _csv((await registry.client.get("/console?csv=sync-runs", headers=admin)).text)
    assert runs[0][:2] == ["When", "Route"]
    assert runs[1][1:] == [
        "/v1/sync/persons", runs[1][2], "false", "2", "1", "0", "0", "1",
    ]  # fmt: skip
    errors = _csv((await registry.client.get("/console?csv=sync-errors", headers=admin)).text)
    assert errors[1][1:5] == ["/v1/sync/persons", "1", "TEST-000002", "gender"]
    assert "robot" not in "".join(errors[1])  # the rejected value is never kept
    agency = await registry.client.get("/console?csv=sync-runs", headers=registry.rw)
    assert agency.status_code == 404  # the agency's console has no such table


async def test_sent_to_the_hub_is_exactly_what_was_published(registry: Registry) -> None:
    for n in range(12):
        created = await registry.client.post("/v1/persons", json=person(n), headers=registry.rw)
        assert created.status_code == 201
    published = await registry.app.state.concordia.publish_aggregates()
    assert published
    ops = registry.auth("ops", purpose=None)
    sent = _csv((await registry.client.get("/console?csv=sent", headers=ops)).text)
    assert len(sent) - 1 == len(published)
    async with registry.app.state.concordia.db.unit_of_work() as session:
        stored = {(r.name, r.period, r.version): r for r in await session.execute(
            snapshots.table.select())}  # fmt: skip
    for name, period, version, *_rest, fingerprint in sent[1:]:
        row = stored[(name, period, int(version))]
        assert fingerprint == row.digest.hex()
        assert (
            fingerprint
            == hashlib.sha256(orjson.dumps(row.payload, option=orjson.OPT_SORT_KEYS)).hexdigest()
        )
    cells = _csv((await registry.client.get("/console?csv=sent-cells", headers=ops)).text)
    event = next(e for e in published if e.aggregate == "persons_by_permit_status")
    shown = {(r[3], r[4]): r[5] for r in cells[1:] if r[0] == "persons_by_permit_status"}
    for cell in event.cells:
        expected = "suppressed" if cell.suppressed else str(cell.value)
        assert shown[("cell", " / ".join(cell.key))] == expected


async def test_the_console_is_translated(registry: Registry) -> None:
    await _permits(registry)
    for headers in (_agency(registry, AGENCY_1), registry.auth("ops", purpose=None)):
        page = await registry.client.get("/console?lang=qps", headers=headers)
        assert page.status_code == 200
        assert untranslated(page.text) == []
    russian = await registry.client.get("/console?lang=ru", headers=_agency(registry, AGENCY_1))
    assert "Разрешения" in russian.text


async def test_the_sync_log_forgets_runs_after_its_retention(registry: Registry) -> None:
    old = datetime.now(UTC) - SYNC_LOG_RETENTION - timedelta(days=1)
    async with registry.app.state.concordia.db.unit_of_work(write=True) as session:
        await session.execute(insert(sync_runs.table).values(
            route="/v1/sync/persons", token_id="old", dry_run=False, records=1, created=0,
            updated=0, unchanged=0, rejected=1, errors=[], at=old,
        ))  # fmt: skip
    synced = await registry.client.put(
        "/v1/sync/persons", json={"records": [person(1)]}, headers=registry.rw
    )
    assert synced.status_code == 200
    async with registry.app.state.concordia.db.unit_of_work() as session:
        tokens = list(await session.scalars(select(sync_runs.table.c.token_id)))
    assert "old" not in tokens
    assert len(tokens) == 1


async def test_the_coalitions_decisions_that_concern_the_node(registry: Registry) -> None:
    """Decisions the node holds (sent by the hub over the coalition link) show on its console."""
    db = registry.app.state.concordia.db
    node = registry.settings.node
    for seq, (concerns, decided) in enumerate(
        (((node,), "Open a second permit track for synthetic test families"),
         ((), "Report women's shares per event every quarter")), start=1,
    ):  # fmt: skip
        entry = CoalitionDecisionPublished(
            seq=seq, previous=seq - 1, decision_id=f"d-test{seq}", item_id=f"a-test{seq}",
            title=f"Synthetic agenda item {seq}", decided=decided, rationale="Synthetic test.",
            concerns=concerns, status="in_force", decided_at=datetime.now(UTC),
        )  # fmt: skip
        assert await decisions.apply(db, entry)
    page = await registry.client.get("/console", headers=registry.auth("registry:read"))
    assert page.status_code == 200, page.text
    text = visible_text(page.text)
    assert "The coalition's decisions" in text
    assert "Open a second permit track for synthetic test families" in text
    assert "Report women's shares per event every quarter" in text
    assert text.index("Report women's") < text.index("Open a second")  # newest first
    assert not untranslated(
        (await registry.client.get("/console?lang=qps", headers=registry.auth("ops"))).text
    )
