"""The exchange console in Chromium: zero axe-core violations with practices in each state."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import check_pages
from exchange_support import Exchange, practice

pytestmark = pytest.mark.slow


async def test_the_exchange_console_in_chromium(exchange: Exchange, tmp_path: Path) -> None:
    await exchange.publish(practice(1), approve=False)
    await exchange.publish(practice(2))
    texts = await check_pages(exchange.app, tmp_path, exchange.tokens["reader"],
                              {"console-exchange": "/console"})  # fmt: skip
    assert practice(2)["title"] in texts["console-exchange"]
