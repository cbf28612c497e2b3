"""The evaluation demo: synthetic evaluators, declared conflicts and double assessments.

Everything goes through the public HTTP APIs. The evaluation service learns grants and
organisations from the ledger's and registry's events, so the seed waits until it knows the
first grant before it draws assessors. Safe to repeat: evaluators are matched by account,
conflicts are declared only while none exist, and an item that already has its assessors is
skipped (its draw answered 409).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

import httpx

from concordia.cli._seedhttp import _check, _paged
from concordia.events.codes import Purpose

#: The demo evaluators' tokens (``evaluation:write``), one evaluator each; the first is the
#: ``evaluator`` token the README names.
EVALUATOR_TOKENS = ("evaluator", "evaluator-2", "evaluator-3", "evaluator-4")
#: The demo administrator's token (``evaluation:admin``): evaluators, draws, panels.
ADMIN_TOKEN = "evaluation-admin"  # noqa: S105
CRITERIA = ("standards", "knowledge", "inside_support", "relevance", "impact")
NUMBERS = ("One", "Two", "Three", "Four")
#: How long the evaluation service may take to learn the seeded grants from the ledger's events.
WAIT_SECONDS = 60.0


@dataclass
class EvaluationSeedSummary:
    """What the evaluation seed did."""

    evaluators: int = 0
    conflicts: int = 0
    draws: int = 0
    assessments: int = 0

    def describe(self) -> str:
        """One line for the console."""
        return (
            f"{self.evaluators} evaluators, {self.conflicts} conflicts, {self.draws} draws and "
            f"{self.assessments} assessments added"
        )


def period_of(day: date) -> str:
    """The calendar quarter of ``day`` (``2026-Q4``)."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _evaluators(client: httpx.Client, summary: EvaluationSeedSummary) -> list[str]:
    """The demo evaluators' ids in token order, registering the missing ones."""
    known = {e["account"]: e["id"] for e in _paged(client, "/v1/evaluators")}
    ids = []
    for index, token in enumerate(EVALUATOR_TOKENS):
        account = f"demo-{token}"  # the name ``concordia up`` gives its demo tokens
        if account not in known:
            body = {
                "name": f"Example Evaluator {NUMBERS[index]}", "account": account,
                "expertise": list(get_args(Purpose)), "languages": ["en", "ru"],
                "european": index % 2 == 0,
            }  # fmt: skip
            answer = client.post("/v1/evaluators", json=body)
            known[account] = _check(answer, "registering an evaluator")["id"]
            summary.evaluators += 1
        ids.append(known[account])
    return ids


def _wait_known(client: httpx.Client, grant_id: str, period: str) -> httpx.Response:
    """Draw for the first grant once the service knows it (422 until then)."""
    deadline = time.monotonic() + WAIT_SECONDS
    body = {"item_type": "grant", "item_id": grant_id, "period": period}
    while True:
        answer = client.post("/v1/assignments", json=body)
        if answer.status_code != 422 or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def seed_evaluation(
    *, url: str, tokens: dict[str, str], grants: list[dict[str, Any]], organisations: list[str],
    items: int = 12, today: date | None = None,
) -> EvaluationSeedSummary:  # fmt: skip
    """Seed the evaluation service at ``url`` for ``grants`` (the ledger's) and ``organisations``
    (the registry's ids), with the node's demo ``tokens``."""
    summary = EvaluationSeedSummary()
    admin = tokens[ADMIN_TOKEN]
    period = period_of(today or date.today())
    funded = [g for g in grants if g["recipient"]["type"] == "organisation"][:items]
    if not funded:
        return summary
    rng = random.Random(f"evaluation-demo:{period}")
    # The administrator by default; each evaluator scores with its own token.
    with httpx.Client(base_url=url, headers=_auth(admin), timeout=60.0) as client:
        ids = _evaluators(client, summary)
        account = dict(zip(ids, EVALUATOR_TOKENS, strict=True))
        if next(_paged(client, "/v1/conflicts"), None) is None:
            declared = [
                {"evaluator_id": ids[3], "organisation_id": funded[0]["recipient"]["id"],
                 "relationship": "advisory"},
                {"evaluator_id": ids[2], "donor_id": funded[0]["donor_id"],
                 "relationship": "funding"},
            ]  # fmt: skip
            if organisations:
                declared.append({"evaluator_id": ids[1], "organisation_id": organisations[-1],
                                 "relationship": "board"})  # fmt: skip
            for body in declared:
                _check(client.post("/v1/conflicts", json=body), "conflict")
                summary.conflicts += 1
        first = _wait_known(client, funded[0]["id"], period)
        for grant in funded:
            body = {"item_type": "grant", "item_id": grant["id"], "period": period}
            answer = first if grant is funded[0] else client.post(
                "/v1/assignments", json=body
            )  # fmt: skip
            if answer.status_code == 409:
                continue  # drawn before (a repeated seed), or too few eligible: skip the item
            made = _check(answer, f"drawing assessors for grant {grant['id']}")
            summary.draws += 1
            base = rng.randint(1, 4)
            for evaluator, assignment in zip(made["drawn"], made["assignment_ids"], strict=True):
                scores = {
                    c: {"score": max(0, min(4, base + rng.choice((-1, 0, 0, 1)))),
                        "evidence": f"Synthetic evidence for the demo: {c.replace('_', ' ')}."}
                    for c in CRITERIA
                }  # fmt: skip
                answer = client.post(
                    "/v1/assessments", json={"assignment_id": assignment, **scores},
                    headers=_auth(tokens[account[evaluator]]),
                )  # fmt: skip
                _check(answer, "recording an assessment")
                summary.assessments += 1
    return summary


def seed_evaluation_demo(
    endpoints: dict[str, str], tokens: dict[str, str], *, registry_token: str, ledger_token: str,
    purpose: str,
) -> EvaluationSeedSummary:  # fmt: skip
    """Seed a node's evaluation from what its ledger and registry hold (their ids only)."""
    with httpx.Client(base_url=endpoints["ledger"], headers=_auth(ledger_token)) as ledger:
        grants = list(_paged(ledger, "/v1/grants"))
    headers = _auth(registry_token) | {"X-Purpose": purpose}
    with httpx.Client(base_url=endpoints["registry"], headers=headers) as registry:
        organisations = [o["id"] for o in _paged(registry, "/v1/organisations")]
    return seed_evaluation(
        url=endpoints["evaluation"], tokens=tokens, grants=grants, organisations=organisations
    )
