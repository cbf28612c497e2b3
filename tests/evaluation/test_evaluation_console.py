"""The evaluation console: drawn assessors (an evaluator sees only its own), the indicators
of a quarter with their trend and the targets; no evaluation scope, no data."""

from __future__ import annotations

import csv
import io

from evaluation_support import PERIOD, Evaluation, draw, new_evaluator, seed_grant
from web_support import untranslated


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def test_assignments_indicators_and_targets(evaluation: Evaluation) -> None:
    ev = evaluation
    _org, grant, _donor = await seed_grant(ev)
    ids = {a: await new_evaluator(ev, a) for a in ("eval-a", "eval-b", "eval-c")}
    drawn = await draw(ev, "grant", grant)
    assert drawn.status_code == 201, drawn.text
    chosen = drawn.json()["drawn"]
    admin = _csv((await ev.client.get("/console?csv=assignments",
                                      headers=ev.auth("admin"))).text)  # fmt: skip
    assert sorted(r[3] for r in admin[1:]) == sorted(chosen)
    assert {r[2] for r in admin[1:]} == {str(grant)}
    for account, evaluator in ids.items():
        mine = _csv((await ev.client.get("/console?csv=assignments",
                                         headers=ev.auth(account))).text)  # fmt: skip
        assert [r[3] for r in mine[1:]] == ([evaluator] if evaluator in chosen else [])
    reader = await ev.client.get(f"/console?period={PERIOD}", headers=ev.auth("reader"))
    assert reader.status_code == 200
    assert "Evaluation assignments" not in reader.text  # a reader is not an evaluator
    indicators = _csv((await ev.client.get(f"/console?period={PERIOD}&csv=indicators",
                                           headers=ev.auth("reader"))).text)  # fmt: skip
    values = {r[0]: r[1] for r in indicators[1:]}
    assert values["funding_committed_eur"] == "5000.00"  # the seeded commitment of 2026-11-02
    assert values["hhi"] == "1.0"  # one recipient has everything
    trend = _csv((await ev.client.get(f"/console?period={PERIOD}&csv=indicator-trends",
                                      headers=ev.auth("reader"))).text)  # fmt: skip
    assert [r[0] for r in trend[1:]] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert trend[4][1] == "1.0"
    assert trend[1][1] == ""  # nothing funded in Q1: no value, not 0
    targets = _csv((await ev.client.get(f"/console?period={PERIOD}&csv=targets",
                                        headers=ev.auth("reader"))).text)  # fmt: skip
    assert {r[0] for r in targets[1:]} >= {"women_share"}
    page = await ev.client.get(f"/console?period={PERIOD}&lang=qps", headers=ev.auth("admin"))
    assert untranslated(page.text) == []


async def test_no_evaluation_scope_no_data(evaluation: Evaluation) -> None:
    await seed_grant(evaluation)
    refused = await evaluation.client.get("/console", headers=evaluation.auth("unrelated"))
    assert refused.status_code == 403
    assert "Indicators" not in refused.text
