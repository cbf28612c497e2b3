"""The evaluation console in Chromium: zero axe-core violations with indicators and trends."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import check_pages
from evaluation_support import PERIOD, Evaluation, draw, new_evaluator, seed_grant

pytestmark = pytest.mark.slow


async def test_the_evaluation_console_in_chromium(evaluation: Evaluation, tmp_path: Path) -> None:
    _org, grant, _ = await seed_grant(evaluation)
    for account in ("eval-a", "eval-b"):
        await new_evaluator(evaluation, account)
    assert (await draw(evaluation, "grant", grant)).status_code == 201
    texts = await check_pages(evaluation.app, tmp_path, evaluation.tokens["admin"],
                              {"console-evaluation": f"/console?period={PERIOD}"})  # fmt: skip
    assert "funding_committed_eur" in texts["console-evaluation"]
    assert str(grant) in texts["console-evaluation"]
