"""The dashboard in a real browser: sign in, every page renders the seeded coalition with zero
axe-core violations, charts carry the seeded numbers, a suppressed cell reads "suppressed", a
reader without the scope is refused, /docs works with nothing loaded from outside."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import SCREENSHOTS, browser, check, served
from dashboard_support import broadcast_practices, seed, seed_workspace
from hub_support import Hub
from playwright.async_api import Page

from concordia.events import NatsServer

pytestmark = pytest.mark.slow


async def _sign_in(page: Page, base: str, token: str, path: str = "/dashboard") -> None:
    await page.goto(f"{base}{path}")
    await page.get_by_label("Token", exact=True).fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base}{path}")


async def test_every_dashboard_page_in_chromium(
    hub: Hub, country_nats: NatsServer, tmp_path: Path
) -> None:
    await seed(hub, country_nats)
    await broadcast_practices(hub, country_nats)
    async with served(hub.app) as base, browser(tmp_path) as context:
        page = await context.new_page()
        response = await page.goto(f"{base}/dashboard")
        assert response is not None
        assert response.status == 401
        await check(page, "dashboard-sign-in")
        await _sign_in(page, base, hub.tokens["hub:read"])
        assert await page.locator("h1").inner_text() == "Coalition overview"
        # The chart draws the seeded totals: independent media 190,000 in 2026-Q4.
        chart = page.locator("#chart-committed_eur_by_purpose")
        assert await chart.locator("[data-total='190000.00']").count() == 1
        assert "Committed" in (await chart.locator("svg title").first.text_content() or "")
        # pl's legal aid is withheld: its cell reads "suppressed", never 0.
        row = page.locator("#table-committed_eur_by_purpose tr", has_text="legal_aid")
        assert await row.locator(".suppressed").inner_text() == "suppressed"
        tiles = page.locator("#chart-districts [data-district='central']")
        assert await tiles.count() == 1
        await check(page, "dashboard-overview")
        await page.get_by_label("Period", exact=True).select_option("2026-Q3")
        await page.get_by_role("button", name="Show").click()
        await page.wait_for_url("**period=2026-Q3")
        await check(page, "dashboard-overview-2026-Q3")
        await page.get_by_role("link", name="Nodes").click()
        assert await page.locator("h1").inner_text() == "Nodes"
        assert await page.locator("#table-nodes tbody tr").count() == 2
        await check(page, "dashboard-nodes")
        await page.get_by_role("link", name="Overlaps").click()
        assert await page.locator("#table-overlaps tbody tr").count() == 1
        await check(page, "dashboard-overlaps")
        await page.get_by_role("link", name="Practices", exact=True).click()
        await page.get_by_label("Search the library").fill("legal clinics")
        await page.get_by_role("button", name="Search", exact=True).click()
        await page.wait_for_url("**q=legal+clinics")
        assert await page.locator("#table-practices tbody tr").count() == 1
        await check(page, "dashboard-practices")
        await page.get_by_role("link", name="Test practice 2: legal aid clinics").click()
        assert await page.locator("h1").inner_text() == "Test practice 2: legal aid clinics"
        await check(page, "dashboard-practice")
        await page.get_by_role("link", name="Overlaps").click()
        await page.get_by_role("link", name="Русский").click()
        assert await page.locator("html").get_attribute("lang") == "ru"
        await check(page, "dashboard-overlaps-ru")
        download_link = page.locator("#table-overlaps a[download]")
        async with page.expect_download() as download:
            await download_link.click()
        saved = tmp_path / "overlaps.csv"
        await (await download.value).save_as(saved)
        assert "independent_media,se,pl,counted,3" in saved.read_text()
        await page.get_by_role("button", name="Выйти").click()
        signed_out = await page.goto(f"{base}/dashboard/nodes")
        assert signed_out is not None
        assert signed_out.status == 401

        refused = await context.new_page()
        await context.clear_cookies()
        await refused.goto(f"{base}/dashboard")
        await refused.get_by_label("Token", exact=True).fill(hub.tokens["ops"])
        await refused.get_by_role("button", name="Sign in").click()
        await refused.wait_for_url(f"{base}/dashboard")
        assert await refused.locator("h1").inner_text() == "Not allowed"
        assert await refused.locator("table").count() == 0
        await check(refused, "dashboard-refused")

        docs = await context.new_page()
        await docs.goto(f"{base}/docs")
        await docs.locator(".swagger-ui .title").first.wait_for()
        assert "Concordia hub" in await docs.locator(".swagger-ui .title").first.inner_text()
        await docs.screenshot(path=str(SCREENSHOTS / "hub-docs.png"))


async def test_the_workspace_pages_in_chromium(
    hub: Hub, country_nats: NatsServer, tmp_path: Path
) -> None:
    await seed(hub, country_nats)
    made = await seed_workspace(hub)
    async with served(hub.app) as base, browser(tmp_path) as context:
        page = await context.new_page()
        await _sign_in(page, base, hub.tokens["hub:read"], "/dashboard/commitments")
        assert await page.locator("h1").inner_text() == "Commitments"
        table = page.locator("#table-commitments")
        assert await table.locator("tbody tr").count() == 3
        se = table.locator("tr", has_text="state:se")
        assert "120,000" in await se.inner_text()
        assert "met" in await se.inner_text()
        await check(page, "dashboard-commitments")
        await page.get_by_label("Status", exact=True).select_option("unknown")
        await page.get_by_role("button", name="Show").click()
        await page.wait_for_url("**status=unknown")
        assert await table.locator("tbody tr").count() == 1
        assert "suppressed or not published at pl" in await table.inner_text()
        async with page.expect_download() as download:
            await table.locator("a[download]").click()
        saved = tmp_path / "commitments.csv"
        await (await download.value).save_as(saved)
        assert "state:pl,funding,2026-Q4,pl" in saved.read_text()
        assert "state:se" not in saved.read_text()  # the filter holds in the download
        await check(page, "dashboard-commitments-unknown")

        await page.get_by_role("link", name="Agenda", exact=True).click()
        assert await page.locator("h1").inner_text() == "Agenda"
        rows = page.locator("#table-agenda tbody tr")
        assert await rows.count() == 1 + len(made["scan"]["raised"])
        behind = page.locator("#table-agenda tr", has_text="commitment_behind")
        assert "target: 160000.00" in await behind.inner_text()
        await check(page, "dashboard-agenda")
        # The signal's evidence links to the overview's table it was read from.
        await page.get_by_role("link", name=made["scan"]["raised"][0]["title"]).click()
        await check(page, "dashboard-agenda-signal")
        evidence = page.locator("#table-evidence")
        await evidence.get_by_role("link", name="committed_eur_by_purpose").click()
        await page.wait_for_url("**/dashboard?period=2026-Q3#table-committed_eur_by_purpose")
        assert await page.locator("#table-committed_eur_by_purpose").count() == 1
        await page.get_by_role("link", name="Agenda", exact=True).click()
        await page.get_by_role("link", name=made["item"]["title"]).click()
        assert await page.locator("h1").inner_text() == made["item"]["title"]
        assert "Synthetic objective" in await page.locator("#table-comments").inner_text()
        await check(page, "dashboard-agenda-item")
        await page.get_by_role("link", name=made["decision"]["decided"]).click()
        assert await page.locator("h1").inner_text() == made["decision"]["decided"]
        assert await page.locator("#table-signatures tbody tr").count() == 3
        assert await page.locator("#table-log tbody tr").count() == 3
        await check(page, "dashboard-decision")
        await page.get_by_role("link", name="Decisions", exact=True).click()
        follow_ups = page.locator("#table-follow_ups tbody tr")
        assert await follow_ups.count() == 2
        assert "state:se" in await follow_ups.first.inner_text()
        await check(page, "dashboard-decisions")
        await page.get_by_role("link", name="Русский").click()
        assert await page.locator("html").get_attribute("lang") == "ru"
        await check(page, "dashboard-decisions-ru")

        # A member's representative reads the workspace, and only the workspace in its menu.
        await context.clear_cookies()
        member = await context.new_page()
        await _sign_in(member, base, made["tokens"]["pl"], "/dashboard/decisions")
        menu = member.get_by_role("navigation")
        assert await menu.get_by_role("link", name="Decisions").count() == 1
        assert await menu.get_by_role("link", name="Nodes").count() == 0
        await check(member, "dashboard-decisions-member")
        # pl reports its follow-up done, and records a commitment, through the forms.
        decisions = member.locator("#table-decisions")
        await decisions.get_by_role("link", name=made["decision"]["decided"]).click()
        await member.get_by_role("button", name="Follow-up 2 is done").click()
        await member.wait_for_url(f"**/dashboard/decisions/{made['decision']['id']}#follow-ups")
        done = member.locator("#table-follow_ups tr", has_text="report the first quarter")
        assert "state:pl" in (await done.locator("td").all_inner_texts())[-1]
        assert await member.get_by_role("button", name="Follow-up 2 is done").count() == 0
        await member.get_by_role("link", name="Commitments", exact=True).click()
        await check(member, "dashboard-commitments-form")
        await member.locator("#c-kind").select_option("permits")
        await member.locator("#c-period").fill("2026-Q3")
        await member.locator("#c-target").fill("12")
        await member.locator("#c-note").fill("Synthetic places for journalists' families")
        await member.get_by_role("button", name="Record the commitment").click()
        await member.wait_for_url("**/dashboard/commitments?period=2026-Q3")
        recorded = member.locator("#table-commitments tr", has_text="Synthetic places")
        assert "permits_granted" in await recorded.inner_text()
        assert "unknown" in await recorded.inner_text()  # no permit table is published
        await member.locator("#c-period").fill("2026-Q3")
        await member.locator("#c-target").fill("-5")
        await member.get_by_role("button", name="Record the commitment").click()
        assert await member.locator("h1").inner_text() == "Not recorded"
        assert "target" in await member.locator(".reasons").inner_text()
        await check(member, "dashboard-commitment-refused")

        await context.clear_cookies()
        refused = await context.new_page()
        await _sign_in(refused, base, hub.tokens["ops"], "/dashboard/agenda")
        assert await refused.locator("h1").inner_text() == "Not allowed"
        assert await refused.locator("table").count() == 0
        await check(refused, "dashboard-agenda-refused")
