"""Award panels, rotation and conflicts declared with donors: each refusal a 409 with a reason."""

from __future__ import annotations

import uuid

from evaluation_support import (
    Evaluation,
    assess,
    draw,
    new_evaluator,
    seed_grant,
    seed_organisations,
)


async def _conflict(ev: Evaluation, evaluator: str, **party: str) -> None:
    body = {"evaluator_id": evaluator, "relationship": "funding", **party}
    response = await ev.client.post("/v1/conflicts", headers=ev.auth("admin"), json=body)
    assert response.status_code == 201, response.text


async def _panel(ev: Evaluation, grant: uuid.UUID, *members: str) -> tuple[int, str]:
    body = {"grant_id": str(grant), "members": list(members), "decided_on": "2026-02-10"}
    response = await ev.client.post("/v1/panels", headers=ev.auth("admin"), json=body)
    return response.status_code, response.text


async def test_award_panels_refuse_a_conflicted_member_and_other_purposes(
    evaluation: Evaluation,
) -> None:
    ev = evaluation
    org, research, _ = await seed_grant(ev, purpose="research")
    _, media, _ = await seed_grant(ev, purpose="independent_media", org=org)
    _, culture, _ = await seed_grant(ev, purpose="culture", org=org)
    a, b, c = [await new_evaluator(ev, n) for n in ("eval-a", "eval-b", "eval-c")]
    await _conflict(ev, c, organisation_id=str(org))
    status, text = await _panel(ev, research, a, c)
    assert status == 409
    assert f"evaluator {c}" in text
    assert f"organisation {org}" in text
    assert (await _panel(ev, research, a, b))[0] == 201
    assert (await _panel(ev, research, a, b))[0] == 409  # one panel per grant
    assert (await _panel(ev, media, b))[0] == 201
    status, text = await _panel(ev, culture, a, b)
    assert status == 409  # the grant's purpose, not the request's shape
    assert "research and media grants" in text
    assert str(culture) in text
    # A member named twice: a rule between items (409 inconsistent-fields, naming the field).
    status, text = await _panel(ev, research, a, a)
    assert status == 409
    assert "inconsistent-fields" in text
    assert '"loc":["body","members"]' in text


async def test_unknown_records_a_body_names_are_404s(evaluation: Evaluation) -> None:
    """A schema-valid body naming a grant, an organisation or an evaluator this node does not
    know: 404 (documented on each route), never a 422."""
    ev = evaluation
    org, research, _ = await seed_grant(ev, purpose="research")
    a = await new_evaluator(ev, "eval-a")
    nobody = str(uuid.UUID(int=7))
    status, text = await _panel(ev, uuid.UUID(int=7), a)
    assert (status, f"no grant {nobody}" in text) == (404, True)
    status, text = await _panel(ev, research, a, nobody)
    assert (status, f"no evaluator {nobody}" in text) == (404, True)
    for item_type in ("grant", "organisation"):
        drawn = await draw(ev, item_type, uuid.UUID(int=7), "2026-Q1")
        assert drawn.status_code == 404, drawn.text
    body = {"evaluator_id": nobody, "relationship": "funding", "organisation_id": str(org)}
    unknown = await ev.client.post("/v1/conflicts", headers=ev.auth("admin"), json=body)
    assert unknown.status_code == 404, unknown.text
    # Both an organisation and a donor, or neither: a rule between fields, 409.
    for party in ({}, {"organisation_id": str(org), "donor_id": str(uuid.UUID(int=8))}):
        body = {"evaluator_id": a, "relationship": "funding", **party}
        answer = await ev.client.post("/v1/conflicts", headers=ev.auth("admin"), json=body)
        assert answer.status_code == 409, answer.text
        assert answer.json()["type"] == "urn:concordia:problem:inconsistent-fields"


async def test_rotation_allows_two_consecutive_periods_not_three(evaluation: Evaluation) -> None:
    ev = evaluation
    (org,) = await seed_organisations(ev, 1)
    accounts = {await new_evaluator(ev, n): n for n in ("eval-a", "eval-b")}
    # Q4 drawn first, then Q2 and Q3: scoring Q4 would then make three in a row.
    made = {}
    for period in ("2026-Q4", "2026-Q2", "2026-Q3"):
        response = await draw(ev, "organisation", org, period)
        assert response.status_code == 201, response.text
        made[period] = dict(zip(response.json()["drawn"], response.json()["assignment_ids"],
                                strict=True))  # fmt: skip
    assert set(made["2026-Q4"]) == set(accounts)
    evaluator, assignment = next(iter(made["2026-Q3"].items()))
    assert (await assess(ev, accounts[evaluator], assignment, 3)).status_code == 201
    breach = await assess(ev, accounts[evaluator], made["2026-Q4"][evaluator], 3)
    assert breach.status_code == 409
    assert breach.json()["detail"].startswith(f"rotation: evaluator {evaluator}")
    # Nobody is eligible for the next period: both assessed it in Q3 and Q4.
    nobody = await draw(ev, "organisation", org, "2027-Q1")
    assert nobody.status_code == 409
    assert "rotation: 2" in nobody.json()["detail"]
    # A gap resets the run: Q2 and Q3 are assigned, 2027-Q2 follows Q4 and Q1 (none in Q1).
    assert (await draw(ev, "organisation", org, "2027-Q2")).status_code == 201


async def test_a_conflict_with_the_donor_excludes_and_blocks(evaluation: Evaluation) -> None:
    ev = evaluation
    _, grant, donor = await seed_grant(ev)
    ids = {await new_evaluator(ev, n): n for n in ("eval-a", "eval-b", "eval-c", "eval-d")}
    barred = next(iter(ids))
    await _conflict(ev, barred, donor_id=str(donor))
    response = await draw(ev, "grant", grant)
    assert response.status_code == 201, response.text
    assert barred not in response.json()["eligible"]
    assert len(response.json()["eligible"]) == 3
    # Declared after the draw: the drawn assessor cannot score the donor's grant.
    first, assignment = response.json()["drawn"][0], response.json()["assignment_ids"][0]
    await _conflict(ev, first, donor_id=str(donor))
    blocked = await assess(ev, ids[first], assignment, 2)
    assert blocked.status_code == 409
    assert f"relationship with donor {donor}" in blocked.json()["detail"]
    # The other grant of another donor to the same organisation is not affected.
    assert (await draw(ev, "grant", (await seed_grant(ev))[1])).json()["eligible"].count(first) == 1
