"""The ledger's node console: a writer's own grants, the feed as a donor portal sees it (never a
restricted grant), the sync log; a token without a console scope gets 403 and no data."""

from __future__ import annotations

import csv
import io
from typing import Any

from ledger_support import DONOR_2, Ledger, grant
from web_support import untranslated


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def _more(ledger: Ledger, funded: dict[str, Any]) -> None:
    for n, visibility in ((1, "restricted"), (2, "coalition")):
        body = grant(funded["donor"]["id"], funded["recipient"], n, visibility=visibility,
                     title=f"Example {visibility} grant")  # fmt: skip
        response = await ledger.client.post("/v1/grants", json=body, headers=ledger.rw)
        assert response.status_code == 201, response.text


async def test_grants_and_the_feed_by_scope(ledger: Ledger, funded: dict[str, Any]) -> None:
    await _more(ledger, funded)
    mine = _csv((await ledger.client.get("/console?csv=grants", headers=ledger.rw)).text)
    assert sorted(r[0] for r in mine[1:]) == ["TEST-GRANT-00000", "TEST-GRANT-00001",
                                               "TEST-GRANT-00002"]  # fmt: skip
    other = await ledger.client.get(
        "/console?csv=grants", headers=ledger.auth("ledger:write", owner=DONOR_2)
    )
    assert len(_csv(other.text)) == 1  # another donor's writer sees none of them
    portal = await ledger.client.get("/console", headers=ledger.feed)
    assert portal.status_code == 200
    assert "Example grant 0" in portal.text
    assert "Example restricted grant" not in portal.text
    assert "Example coalition grant" not in portal.text
    assert "Live grants you may change" not in portal.text  # not a writer
    coalition = await ledger.client.get(
        "/console?csv=feed", headers=ledger.auth("feed:coalition", "feed:read")
    )
    titles = {r[2] for r in _csv(coalition.text)[1:]}
    assert titles == {"Example grant 0", "Example coalition grant"}


async def test_no_console_scope_no_data(ledger: Ledger, funded: dict[str, Any]) -> None:
    refused = await ledger.client.get("/console", headers=ledger.auth("registry:read"))
    assert refused.status_code == 403
    assert "Example grant 0" not in refused.text
    assert "TEST-GRANT" not in refused.text


async def test_the_sync_log_and_translation(ledger: Ledger, funded: dict[str, Any]) -> None:
    bad = grant(funded["donor"]["id"], funded["recipient"], 7, purpose="nothing_known")
    body = {"records": [bad]}
    synced = await ledger.client.put("/v1/sync/grants", json=body, headers=ledger.rw)
    assert synced.status_code == 200
    runs = _csv((await ledger.client.get("/console?csv=sync-runs", headers=ledger.ops)).text)
    assert runs[1][1] == "/v1/sync/grants"
    assert runs[1][-1] == "1"
    errors = _csv((await ledger.client.get("/console?csv=sync-errors", headers=ledger.ops)).text)
    assert errors[1][3:5] == ["TEST-GRANT-00007", "purpose"]
    for headers in (ledger.rw, ledger.feed, ledger.ops):
        page = await ledger.client.get("/console?lang=qps", headers=headers)
        assert page.status_code == 200
        assert untranslated(page.text) == []
