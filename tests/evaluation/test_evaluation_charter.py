"""The evaluation rules follow the hub's charter (its evaluation section), else the node's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import nats
import polling
import pytest
from evaluation_support import PERIOD, Evaluation, assess, draw, new_evaluator, seed_grant
from pydantic import ValidationError

from concordia.events import (
    DEFAULT_CHARTER,
    CharterPublished,
    Envelope,
    EvaluationRules,
    MemberSignature,
)
from concordia.identity import SignedDocument


async def _indicator(ev: Evaluation, code: str) -> object:
    answer = await ev.client.get(f"/v1/indicators?period={PERIOD}", headers=ev.auth("reader"))
    return next(i["value"] for i in answer.json()["indicators"] if i["code"] == code)


async def _send_charter(ev: Evaluation, rules: EvaluationRules) -> None:
    charter = DEFAULT_CHARTER.model_copy(
        update={"version": "test.eval", "revision": 1, "effective": date(2026, 1, 1),
                "evaluation": rules}
    )  # fmt: skip
    kind, body = charter.document()
    document = SignedDocument(kind=kind, body=body)
    for code, key in ev.keys.items():  # the members sign it, as `concordia charter sign` does
        document = document.signed(code, key)
    charter = charter.model_copy(
        update={"signatures": tuple(MemberSignature.of(s) for s in document.signatures)}
    )
    nc = await nats.connect(ev.nats_url)
    try:
        await nc.publish(
            CharterPublished.subject_template(), Envelope.wrap(charter, node="hub").to_bytes()
        )
        await nc.flush()
    finally:
        await nc.close()
    follower = ev.app.state.concordia.follower
    await polling.eventually(lambda: follower.current.revision == 1, within=15)


async def test_the_hubs_charter_sets_gap_rotation_and_fragmentation(
    evaluation: Evaluation,
) -> None:
    ev = evaluation
    _, grant, _ = await seed_grant(ev)  # 5,000 EUR committed
    accounts = {await new_evaluator(ev, n): n for n in ("eval-a", "eval-b", "eval-c")}
    assert await _indicator(ev, "fragmentation_share") == 1.0  # under the default 10,000
    await _send_charter(
        ev,
        EvaluationRules(
            rotation_max_consecutive=1, third_assessor_gap=3,
            fragmentation_threshold_eur=Decimal(1000),
        ),
    )  # fmt: skip
    assert await _indicator(ev, "fragmentation_share") == 0.0
    made = (await draw(ev, "grant", grant)).json()
    for evaluator, assignment, value in zip(made["drawn"], made["assignment_ids"], (0, 3),
                                            strict=True):  # fmt: skip
        assert (await assess(ev, accounts[evaluator], assignment, value)).status_code == 201
    # A gap of 3 calls for a third under the default gap of 2, not under the charter's 3.
    third = await draw(ev, "grant", grant)
    assert third.status_code == 409
    assert "already has its assessors" in third.json()["detail"]
    # One consecutive period only: the two who assessed it in Q4 are out in 2027-Q1.
    nxt = await draw(ev, "grant", grant, "2027-Q1")
    assert nxt.status_code == 409
    assert "rotation: 2" in nxt.json()["detail"]


def test_a_charter_without_an_evaluation_section_has_the_defaults() -> None:
    body = DEFAULT_CHARTER.model_dump(mode="json")
    del body["evaluation"]
    charter = CharterPublished.model_validate(body)
    assert charter.evaluation == EvaluationRules()
    assert charter.evaluation.third_assessor_gap == 2
    with pytest.raises(ValidationError, match="third_assessor_gap"):
        EvaluationRules(third_assessor_gap=5)
