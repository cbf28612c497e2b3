"""The registry's node console in Chromium: an agency signs in, sees its expiring permits with
zero axe-core violations; the operator sees what was sent to the hub; a writer-only token is
refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import browser, check, served
from playwright.async_api import Page
from registry_support import AGENCY_1, Registry, person
from test_registry_console import _permits

pytestmark = pytest.mark.slow


async def _sign_in(page: Page, base: str, token: str) -> None:
    await page.goto(f"{base}/console")
    await page.get_by_label("Token", exact=True).fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base}/console")


async def test_the_console_in_chromium(registry: Registry, tmp_path: Path) -> None:
    made = await _permits(registry)
    for n in range(10, 20):
        created = await registry.client.post("/v1/persons", json=person(n), headers=registry.rw)
        assert created.status_code == 201
    await registry.app.state.concordia.publish_aggregates()
    body = {"records": [person(30), person(31, gender="robot")]}
    assert (await registry.client.put("/v1/sync/persons", json=body,
                                      headers=registry.rw)).status_code == 200  # fmt: skip
    agency = registry.tokens[f"{AGENCY_1} registry:read registry:write"]
    async with served(registry.app) as base, browser(tmp_path) as context:
        page = await context.new_page()
        await _sign_in(page, base, agency)
        rows = page.locator("#table-permits-expiring tbody tr")
        assert await rows.count() == 3
        assert made[0] in await rows.first.inner_text()
        assert await page.locator("#chart-permits-expiring rect[fill]").count() >= 3
        await check(page, "console-registry-agency")
        await page.get_by_role("button", name="Sign out").click()

        await _sign_in(page, base, registry.tokens["ops"])
        assert await page.locator("#table-sent tbody tr").count() >= 4
        assert await page.locator("#table-sync-errors tbody tr").count() == 1
        assert await page.locator("#table-permits-expiring").count() == 0  # not an ops' part
        await check(page, "console-registry-ops")
        await page.get_by_role("button", name="Sign out").click()

        await _sign_in(page, base, registry.tokens["registry:write"])
        assert await page.locator("h1").inner_text() == "Not allowed"
        assert await page.locator("table").count() == 0
        await check(page, "console-registry-refused")
