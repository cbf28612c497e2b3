"""The ledger's console in Chromium: zero axe-core violations, a portal sees the public grant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import check_pages
from ledger_support import Ledger

pytestmark = pytest.mark.slow


async def test_the_ledger_console_in_chromium(
    ledger: Ledger, funded: dict[str, Any], tmp_path: Path
) -> None:
    texts = await check_pages(ledger.app, tmp_path, ledger.tokens["feed:read"],
                              {"console-ledger-portal": "/console"})  # fmt: skip
    assert "Example grant 0" in texts["console-ledger-portal"]
    writer = await check_pages(ledger.app, tmp_path / "w", ledger.tokens["ledger:write"],
                               {"console-ledger-writer": "/console?lang=ru"})  # fmt: skip
    assert "TEST-GRANT-00000" in writer["console-ledger-writer"]
