"""Browser tests: Playwright drives Debian's Chromium against a service served over real HTTP.

Chromium is found at ``CONCORDIA_CHROMIUM`` (default ``/usr/bin/chromium``). Where it is missing
the tests skip with the reason, unless ``CONCORDIA_BROWSER_TESTS=required`` (set by ``.ci/run``,
which installs it): then a browser that cannot start fails the test. Every page checked is run
through axe-core (zero violations) and saved under ``var/screenshots/``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.async_playwright import Axe
from fastapi import FastAPI
from playwright.async_api import BrowserContext, Page, async_playwright

from concordia.events.natsserver import free_port

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CONCORDIA_CHROMIUM", "/usr/bin/chromium")
#: The flags of the issue: headless, no sandbox (root in CI), nothing fetched in the background.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def chromium_or_skip() -> str:
    """The Chromium binary; skip (locally) or fail (``CONCORDIA_BROWSER_TESTS=required``)."""
    found = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if found is None:
        if os.environ.get("CONCORDIA_BROWSER_TESTS") == "required":
            pytest.fail(f"Chromium is required here and missing at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    return found


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """Serve an app whose lifespan the test already entered over HTTP; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises why it could not start
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """A fresh Chromium (empty user-data directory) that refuses every request off this host."""
    executable = chromium_or_skip()
    profile = tmp_path / "chromium-profile"
    profile.mkdir(parents=True)
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=FLAGS,
            locale="en-GB", viewport={"width": 1280, "height": 900},
        )  # fmt: skip
        outside: list[str] = []

        async def only_local(route: Any) -> None:
            url = route.request.url
            if url.startswith(("http://127.0.0.1:", "data:", "about:")):
                await route.continue_()
            else:
                outside.append(url)
                await route.abort()

        await context.route("**/*", only_local)
        try:
            yield context
        finally:
            await context.close()
        assert outside == [], f"pages asked for something off this host: {outside}"


async def check(page: Page, name: str) -> None:
    """Zero axe-core violations on the page, and its screenshot under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def check_pages(
    app: FastAPI, tmp_path: Path, token: str, pages: dict[str, str]
) -> dict[str, str]:
    """Open each page (name -> path) with ``token`` as a bearer header; check each (axe, a
    screenshot); return each page's text."""
    texts = {}
    async with served(app) as base, browser(tmp_path) as context:
        await context.set_extra_http_headers({"Authorization": f"Bearer {token}"})
        page = await context.new_page()
        for name, path in pages.items():
            response = await page.goto(f"{base}{path}")
            assert response is not None
            assert response.status == 200, path
            await check(page, name)
            texts[name] = await page.locator("main").inner_text()
    return texts
