"""The coalition dashboard: the seeded coalition's numbers on the pages and in their CSV,
"suppressed" never 0, sign-in with CSRF, refusal without the scope, every string translated."""

from __future__ import annotations

import csv
import io

import pytest
from dashboard_support import broadcast_practices, everything, seed
from hub_support import Hub
from web_support import untranslated, visible_text

from concordia.events import NatsServer
from concordia.events.runtime.snapshot_store import digest_of

PAGES = ("/dashboard", "/dashboard/nodes", "/dashboard/overlaps", "/dashboard?period=2026-Q3")


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
async def seeded(hub: Hub, country_nats: NatsServer) -> Hub:
    await seed(hub, country_nats)
    return hub


async def test_the_overview_shows_the_seeded_funding_and_suppressed_cells(seeded: Hub) -> None:
    hub = seeded
    page = await hub.client.get("/dashboard", headers=hub.auth())
    assert page.status_code == 200, page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    text = visible_text(page.text)
    assert "Coalition overview" in text
    assert "190,000" in text  # 120,000 (se) + 70,000 (pl) for independent media in 2026-Q4
    assert "suppressed" in text
    download = await hub.client.get(
        "/dashboard", params={"period": "2026-Q4", "csv": "committed_eur_by_purpose"},
        headers=hub.auth(),
    )  # fmt: skip
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = _csv(download.text)
    assert rows[0] == ["Level", "PL", "SE", "Coalition total", "Part suppressed or missing"]
    assert ["independent_media", "70000.00", "120000.00", "190000.00", "false"] in rows
    # pl's legal aid is withheld: it reads "suppressed", never 0, and the total says so.
    assert ["legal_aid", "suppressed", "25000.00", "25000.00", "true"] in rows
    earlier = await hub.client.get(
        "/dashboard", params={"period": "2026-Q3", "csv": "committed_eur_by_purpose"},
        headers=hub.auth(),
    )  # fmt: skip
    assert ["legal_aid", "30000.00", "20000.00", "50000.00", "false"] in _csv(earlier.text)


async def test_targets_trends_and_districts(seeded: Hub) -> None:
    hub = seeded
    targets = await hub.client.get("/dashboard?csv=targets", headers=hub.auth())
    rows = {(r[0], r[1]): r for r in _csv(targets.text)[1:]}
    assert rows[("women_share", "persons_by_gender")][2] == "0.5385"  # 70 / 130
    origin = rows[("non_russian_share", "persons_by_ethnic_origin")]
    assert origin[2:7] == ["0.1923", "0.15", "0.20", "", "true"]  # 25 / 130
    trends = _csv((await hub.client.get("/dashboard?csv=trends", headers=hub.auth())).text)
    assert trends[1][0] == "2026-Q3"
    assert trends[1][1] == "200000.00"  # every cell published in Q3
    assert trends[2][1] == "suppressed"  # pl's legal aid withheld in Q4: no total
    assert [r[4] for r in trends[1:]] == ["3", "3"]  # central, volga, siberian
    assert [r[2] for r in trends[1:]] == ["0.5385", "0.5385"]  # from persons_by_gender
    districts = _csv((await hub.client.get("/dashboard?csv=districts", headers=hub.auth())).text)
    assert ["central", "80"] in districts
    page = await hub.client.get("/dashboard", headers=hub.auth())
    assert 'data-district="siberian"' in page.text
    assert "<svg" in page.text
    assert "<script" not in page.text


async def test_nodes_and_overlaps(seeded: Hub) -> None:
    hub = seeded
    nodes = _csv((await hub.client.get("/dashboard/nodes?csv=nodes", headers=hub.auth())).text)
    assert [r[0] for r in nodes[1:]] == ["pl", "se"]
    received = _csv((await hub.client.get("/dashboard/nodes?csv=received",
                                          headers=hub.auth())).text)  # fmt: skip
    shown = {(r[0], r[2], r[3]): r[6] for r in received[1:]}
    sent = everything()
    assert len(shown) == len(sent)
    for event in sent:  # the fingerprint the node's console shows for what it sent
        node_side = digest_of(event.model_dump(mode="json")).hex()
        assert shown[(event.node, event.aggregate, event.period)] == node_side
    overlaps = await hub.client.get("/dashboard/overlaps?csv=overlaps", headers=hub.auth())
    (_header, row) = _csv(overlaps.text)
    assert row[:5] == ["independent_media", "se", "pl", "counted", "3"]
    missing = await hub.client.get("/dashboard/overlaps?csv=nope", headers=hub.auth())
    assert missing.status_code == 404


async def test_a_reader_without_the_scope_is_refused_and_sees_no_data(seeded: Hub) -> None:
    hub = seeded
    for path in PAGES:
        refused = await hub.client.get(path, headers=hub.auth("ops"))
        assert refused.status_code == 403, path
        assert "190,000" not in refused.text
        assert "suppressed" not in refused.text
        anonymous = await hub.client.get(path)
        assert anonymous.status_code == 401
        assert 'name="token"' in anonymous.text
        assert "190,000" not in anonymous.text
    download = await hub.client.get("/dashboard?csv=committed_eur_by_purpose",
                                    headers=hub.auth("ops"))  # fmt: skip
    assert download.status_code == 403
    assert "text/csv" not in download.headers["content-type"]


async def test_sign_in_keeps_the_token_in_a_strict_cookie_and_forms_need_the_csrf_token(
    seeded: Hub,
) -> None:
    hub, client = seeded, seeded.client
    form = await client.get("/dashboard/sign-in", params={"next": "//attacker.example/x"})
    assert form.status_code == 200
    csrf = client.cookies["concordia_csrf"]
    assert f'value="{csrf}"' in form.text
    assert "httponly" in form.headers["set-cookie"].lower()
    forged = await client.post(
        "/dashboard/sign-in", data={"token": hub.tokens["hub:read"], "csrf": "forged"}
    )
    assert forged.status_code == 403
    assert "concordia_session" not in client.cookies
    wrong = await client.post("/dashboard/sign-in", data={"token": "cnc_x_y", "csrf": csrf})
    assert wrong.status_code == 401
    signed = await client.post(
        "/dashboard/sign-in",
        data={"token": hub.tokens["hub:read"], "csrf": csrf, "next": "//attacker.example/x"},
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/dashboard"  # never off the site
    cookie = signed.headers["set-cookie"].lower()
    for attribute in ("httponly", "samesite=strict", "path=/dashboard"):
        assert attribute in cookie
    page = await client.get("/dashboard/nodes")
    assert page.status_code == 200
    assert "Signed in as" in page.text
    forged_out = await client.post("/dashboard/sign-out", data={"csrf": "forged"})
    assert forged_out.status_code == 403
    assert (await client.get("/dashboard/nodes")).status_code == 200  # still signed in
    out = await client.post("/dashboard/sign-out", data={"csrf": csrf})
    assert out.status_code == 303
    assert (await client.get("/dashboard/nodes")).status_code == 401


async def test_every_string_goes_through_gettext_and_russian_is_a_catalogue_away(
    seeded: Hub,
) -> None:
    hub = seeded
    for path in (*PAGES, "/dashboard/sign-in"):
        sep = "&" if "?" in path else "?"
        page = await hub.client.get(f"{path}{sep}lang=qps", headers=hub.auth())
        assert page.status_code == 200, path
        assert untranslated(page.text) == [], path
    denied = await hub.client.get("/dashboard?lang=qps", headers=hub.auth("ops"))
    assert untranslated(denied.text) == []
    hub.client.cookies.clear()  # the choice of the pseudo-locale is remembered; forget it
    russian = await hub.client.get("/dashboard", headers=hub.auth() | {"Accept-Language": "ru"})
    assert '<html lang="ru">' in russian.text
    assert "Обзор коалиции" in russian.text
    assert "скрыто" in russian.text
    assert "190\xa0000" in russian.text  # numbers as Russian writes them


async def test_the_library_keeps_the_newest_revision_searches_and_reads(
    hub: Hub, country_nats: NatsServer
) -> None:
    await broadcast_practices(hub, country_nats)
    listed = _csv((await hub.client.get("/dashboard/practices?csv=practices",
                                        headers=hub.auth())).text)  # fmt: skip
    titles = {r[0]: r[4] for r in listed[1:]}
    # The first practice's revision 1 arrived after revision 2: the library keeps 2.
    assert titles == {"Test practice 1: a fast track for work permits (r2)": "2",
                      "Test practice 2: legal aid clinics": "1"}  # fmt: skip
    found = _csv((await hub.client.get("/dashboard/practices?q=LEGAL+clinic&csv=practices",
                                       headers=hub.auth())).text)  # fmt: skip
    assert [r[0] for r in found[1:]] == ["Test practice 2: legal aid clinics"]
    nothing = _csv((await hub.client.get("/dashboard/practices?q=100%25&csv=practices",
                                         headers=hub.auth())).text)  # fmt: skip
    assert nothing[1:] == []  # "%" is a character, not a wildcard
    page = await hub.client.get(f"/dashboard/practices/{1:032x}", headers=hub.auth())
    assert page.status_code == 200
    assert "permits &lt;quickly&gt; &amp; safely" in page.text  # escaped, never markup
    assert (await hub.client.get(f"/dashboard/practices/{9:032x}",
                                 headers=hub.auth())).status_code == 404  # fmt: skip
    refused = await hub.client.get(f"/dashboard/practices/{1:032x}", headers=hub.auth("ops"))
    assert refused.status_code == 403
    assert "fast track" not in refused.text
    for path in ("/dashboard/practices?lang=qps", f"/dashboard/practices/{1:032x}?lang=qps"):
        pseudo = await hub.client.get(path, headers=hub.auth())
        assert untranslated(pseudo.text) == [], path
