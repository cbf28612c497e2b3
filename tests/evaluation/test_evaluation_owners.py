"""Owners: a token reads and writes its owner's records; evaluation:admin sees every owner's."""

from __future__ import annotations

import uuid

from evaluation_support import Evaluation, assess, draw, new_evaluator, seed_grant

AGENCY = "agency:se-test"


async def _ids(ev: Evaluation, path: str, token: str) -> set[str]:
    response = await ev.client.get(path, headers=ev.auth(token))
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_another_owners_records_read_as_missing(evaluation: Evaluation) -> None:
    ev = evaluation
    org, grant, _ = await seed_grant(ev)
    mine = await new_evaluator(ev, "eval-a")
    theirs = await new_evaluator(ev, "agency-eval", owner=AGENCY)
    # Not eligible (no research expertise): a colleague of eval-a's owner, never drawn.
    colleague = await new_evaluator(ev, "eval-b", expertise=["culture"])
    assert await _ids(ev, "/v1/evaluators", "reader") == {mine, colleague}
    assert await _ids(ev, "/v1/evaluators", "agency-reader") == {theirs}
    assert await _ids(ev, "/v1/evaluators", "admin") == {mine, theirs, colleague}

    drawn = await draw(ev, "grant", grant)
    assert drawn.status_code == 201, drawn.text
    made = drawn.json()
    assert made["owner"] == "operator"
    by_evaluator = dict(zip(made["drawn"], made["assignment_ids"], strict=True))
    assert set(by_evaluator) == {mine, theirs}
    # A token of another owner that shares eval-a's name is nobody's evaluator: a 404, as is the
    # agency's evaluator on the operator's assignment; a colleague of the same owner gets a 403.
    assert (await assess(ev, "namesake", by_evaluator[mine], 2)).status_code == 404
    assert (await assess(ev, "agency-eval", by_evaluator[mine], 2)).status_code == 404
    assert (await assess(ev, "eval-b", by_evaluator[mine], 2)).status_code == 403
    ours = await assess(ev, "eval-a", by_evaluator[mine], 2)
    agency = await assess(ev, "agency-eval", by_evaluator[theirs], 3)
    assert ours.status_code == agency.status_code == 201, (ours.text, agency.text)
    assert (ours.json()["owner"], agency.json()["owner"]) == ("operator", AGENCY)
    # Both are in (no longer blind), yet each owner reads only its own assessment.
    path = f"/v1/assessments?item_id={grant}"
    assert await _ids(ev, path, "eval-a") == {ours.json()["id"]}
    assert await _ids(ev, path, "agency-eval") == {agency.json()["id"]}
    assert await _ids(ev, path, "namesake") == set()
    assert await _ids(ev, path, "admin") == {ours.json()["id"], agency.json()["id"]}

    draw_path = f"/v1/draws/{made['id']}"
    assert (await ev.client.get(draw_path, headers=ev.auth("reader"))).status_code == 200
    hidden = await ev.client.get(draw_path, headers=ev.auth("agency-reader"))
    missing = await ev.client.get(f"/v1/draws/{uuid.uuid4()}", headers=ev.auth("agency-reader"))
    assert hidden.status_code == missing.status_code == 404

    panel = await ev.client.post(
        "/v1/panels", headers=ev.auth("admin"),
        json={"grant_id": str(grant), "members": [mine, theirs], "decided_on": "2026-03-01"},
    )  # fmt: skip
    assert panel.status_code == 201, panel.text
    panel_path = f"/v1/panels/{grant}"
    assert (await ev.client.get(panel_path, headers=ev.auth("reader"))).status_code == 200
    assert (await ev.client.get(panel_path, headers=ev.auth("agency-reader"))).status_code == 404

    # A conflict belongs to the evaluator's owner: the agency's evaluator sees what the
    # operator's administrator declared for it; the namesake can declare nothing for eval-a.
    declared = await ev.client.post(
        "/v1/conflicts", headers=ev.auth("admin"),
        json={"evaluator_id": theirs, "organisation_id": str(org), "relationship": "advisory"},
    )  # fmt: skip
    assert declared.status_code == 201, declared.text
    assert declared.json()["owner"] == AGENCY
    assert await _ids(ev, "/v1/conflicts", "agency-eval") == {declared.json()["id"]}
    assert await _ids(ev, "/v1/conflicts", "eval-a") == set()
    impostor = await ev.client.post(
        "/v1/conflicts", headers=ev.auth("namesake"),
        json={"evaluator_id": mine, "organisation_id": str(org), "relationship": "other"},
    )  # fmt: skip
    assert impostor.status_code == 403


async def test_an_account_is_unique_per_owner_not_per_node(evaluation: Evaluation) -> None:
    ev = evaluation
    _, grant, _ = await seed_grant(ev)
    mine = await new_evaluator(ev, "eval-a")
    # The agency's own token named eval-a (the "namesake") is another account: the operator's
    # evaluator neither blocks it nor is named to the agency's administrator.
    theirs = await new_evaluator(ev, "eval-a", owner=AGENCY)
    assert theirs != mine
    again = await ev.client.post(
        "/v1/evaluators", headers=ev.auth("admin"),
        json={"name": "Example Evaluator Twice", "account": "eval-a", "expertise": ["research"],
              "languages": ["en"], "european": True, "owner": AGENCY},
    )  # fmt: skip
    assert again.status_code == 409, again.text
    assert theirs in again.text
    assert mine not in again.text

    drawn = await draw(ev, "grant", grant)
    assert drawn.status_code == 201, drawn.text
    by_evaluator = dict(zip(drawn.json()["drawn"], drawn.json()["assignment_ids"], strict=True))
    assert set(by_evaluator) == {mine, theirs}
    # Each token scores as its own owner's evaluator only.
    assert (await assess(ev, "namesake", by_evaluator[mine], 2)).status_code == 404
    assert (await assess(ev, "eval-a", by_evaluator[theirs], 2)).status_code == 404
    ours = await assess(ev, "eval-a", by_evaluator[mine], 2)
    agency = await assess(ev, "namesake", by_evaluator[theirs], 3)
    assert ours.status_code == agency.status_code == 201, (ours.text, agency.text)
    assert (ours.json()["owner"], agency.json()["owner"]) == ("operator", AGENCY)
