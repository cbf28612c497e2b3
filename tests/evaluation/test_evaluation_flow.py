"""From local events to a counted item: draw, conflicts, blind double assessment, third."""

from __future__ import annotations

import random

from evaluation_support import PERIOD, Evaluation, draw, new_evaluator, scores, seed_grant


async def test_draw_conflicts_blind_assessment_and_third(evaluation: Evaluation) -> None:
    ev = evaluation
    org, grant, _ = await seed_grant(ev)
    ids = {a: await new_evaluator(ev, a) for a in ("eval-a", "eval-b", "eval-c", "eval-d")}
    conflicted = ids["eval-d"]
    declared = await ev.client.post(
        "/v1/conflicts",
        json={"evaluator_id": conflicted, "organisation_id": str(org), "relationship": "board"},
        headers=ev.auth("eval-d"),
    )
    assert declared.status_code == 201, declared.text
    # An administrator cannot hand-pick: naming an evaluator is refused.
    picked = await ev.client.post(
        "/v1/assignments",
        headers=ev.auth("admin"),
        json={
            "item_type": "grant",
            "item_id": str(grant),
            "period": PERIOD,
            "evaluator_id": conflicted,
        },
    )
    assert picked.status_code == 422
    drawn = await ev.client.post(
        "/v1/assignments",
        headers=ev.auth("admin"),
        json={"item_type": "grant", "item_id": str(grant), "period": PERIOD},
    )
    assert drawn.status_code == 201, drawn.text
    draw = drawn.json()
    assert conflicted not in draw["eligible"]
    assert random.Random(draw["seed"]).sample(sorted(draw["eligible"]), 2) == draw["drawn"]
    by_evaluator = dict(zip(draw["drawn"], draw["assignment_ids"], strict=True))
    account = {v: k for k, v in ids.items()}
    first, second = draw["drawn"]
    again = await ev.client.post(
        "/v1/assignments",
        headers=ev.auth("admin"),
        json={"item_type": "grant", "item_id": str(grant), "period": PERIOD},
    )
    assert again.status_code == 409
    bad = await ev.client.post(
        "/v1/assessments",
        headers=ev.auth(account[first]),
        json={"assignment_id": by_evaluator[first], **scores(5)},
    )
    assert bad.status_code == 422
    scored = await ev.client.post(
        "/v1/assessments",
        headers=ev.auth(account[first]),
        json={"assignment_id": by_evaluator[first], **scores(0)},
    )
    assert scored.status_code == 201, scored.text
    twice = await ev.client.post(
        "/v1/assessments",
        headers=ev.auth(account[first]),
        json={"assignment_id": by_evaluator[first], **scores(1)},
    )
    assert twice.status_code == 409
    # Blind: the second assessor does not see the first's scores yet.
    seen = await ev.client.get(f"/v1/assessments?item_id={grant}", headers=ev.auth(account[second]))
    assert seen.json()["items"] == []
    # A conflict declared after the draw stops the score (409 with the reason).
    late = await ev.client.post(
        "/v1/conflicts",
        headers=ev.auth("admin"),
        json={"evaluator_id": second, "organisation_id": str(org), "relationship": "family"},
    )
    assert late.status_code == 201
    blocked = await ev.client.post(
        "/v1/assessments",
        headers=ev.auth(account[second]),
        json={"assignment_id": by_evaluator[second], **scores(4)},
    )
    assert blocked.status_code == 409
    assert "family relationship" in blocked.json()["detail"]


async def test_a_gap_above_two_calls_for_a_third_assessor(evaluation: Evaluation) -> None:
    ev = evaluation
    _, grant, _ = await seed_grant(ev)
    ids = {a: await new_evaluator(ev, a) for a in ("eval-a", "eval-b", "eval-c")}
    account = {v: k for k, v in ids.items()}
    draw = (
        await ev.client.post(
            "/v1/assignments",
            headers=ev.auth("admin"),
            json={"item_type": "grant", "item_id": str(grant), "period": PERIOD},
        )
    ).json()
    for evaluator, assignment, score in zip(
        draw["drawn"], draw["assignment_ids"], (0, 3), strict=True
    ):
        made = await ev.client.post(
            "/v1/assessments",
            headers=ev.auth(account[evaluator]),
            json={"assignment_id": assignment, **scores(score)},
        )
        assert made.status_code == 201
    both = await ev.client.get(
        f"/v1/assessments?item_id={grant}", headers=ev.auth(account[draw["drawn"][0]])
    )
    assert len(both.json()["items"]) == 2  # both in: no longer blind
    third = await ev.client.post(
        "/v1/assignments",
        headers=ev.auth("admin"),
        json={"item_type": "grant", "item_id": str(grant), "period": PERIOD},
    )
    assert third.status_code == 201, third.text
    assert third.json()["drawn"] == sorted(set(ids.values()) - set(draw["drawn"]))
    indicators = await ev.client.get(f"/v1/indicators?period={PERIOD}", headers=ev.auth("reader"))
    values = {i["code"]: i["value"] for i in indicators.json()["indicators"]}
    assert values["criteria_coverage"] == 1.0
    assert values["funding_by_group_eur"]["women"] == "5000.00"
    levels = {i["code"]: i["level"] for i in indicators.json()["indicators"]}
    assert levels["hhi"] == "node"
    bad_period = await ev.client.get("/v1/indicators?period=2026-Q5", headers=ev.auth("reader"))
    assert bad_period.status_code == 422
    targets = await ev.client.get(f"/v1/targets?period={PERIOD}", headers=ev.auth("reader"))
    assert {t["indicator"] for t in targets.json()["targets"]} == {
        "women_share",
        "non_russian_share",
    }
    agreement = await ev.client.get(f"/v1/agreement?period={PERIOD}", headers=ev.auth("reader"))
    assert agreement.json()["criteria"][0]["items"] == 1
    assert agreement.json()["criteria"][0]["alpha"] is None  # under the minimum of items


async def test_a_score_out_of_range_or_without_evidence_is_422_naming_the_field(
    evaluation: Evaluation,
) -> None:
    ev = evaluation
    _, grant, _ = await seed_grant(ev)
    accounts = {await new_evaluator(ev, n): n for n in ("eval-a", "eval-b")}
    made = await draw(ev, "grant", grant)
    assert made.status_code == 201, made.text
    evaluator, assignment = made.json()["drawn"][0], made.json()["assignment_ids"][0]
    headers = ev.auth(accounts[evaluator])
    for criterion, bad, field in (
        ("impact", {"score": 5, "evidence": "Synthetic evidence."}, "score"),
        ("relevance", {"score": 2, "evidence": ""}, "evidence"),
        ("standards", {"score": 2}, "evidence"),
    ):
        body = {"assignment_id": assignment, **scores(2), criterion: bad}
        refused = await ev.client.post("/v1/assessments", headers=headers, json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["loc"] == ["body", criterion, field]
    # Nothing was half-written: the assessor still scores the assignment once.
    good = await ev.client.post(
        "/v1/assessments", headers=headers, json={"assignment_id": assignment, **scores(2)}
    )
    assert good.status_code == 201, good.text
