"""Demo data for the coordination group's workspace at the hub: commitments and a first item.

Each country commits to permit places, funding and research support for the current quarter,
and a donor pledges long-term funding; the targets are set so that the demo's figures put some
of them behind schedule. A member adds an agenda item and an expert proposes an objective; the
hub's own scans then raise items from the signals the demo data produces. On resume nothing is
added twice: a member that has commitments for the quarter keeps them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from concordia.cli._seedhttp import SeedError
from concordia.events import quarter_of


@dataclass
class WorkspaceSeed:
    """What the workspace seed added."""

    commitments: int = 0
    items: int = 0
    raised: int = 0

    def describe(self) -> str:
        """One line for the console."""
        return (
            f"{self.commitments} commitments, {self.items} member items, "
            f"{self.raised} items raised by signals so far"
        )


def _call(client: httpx.Client, method: str, path: str, token: str, **kw: Any) -> Any:
    answer = client.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw)
    if answer.status_code >= 400:
        raise SeedError(f"{method} {path} failed: {answer.status_code} {answer.text[:300]}")
    return answer.json()


def _commitments(code: str, period: str) -> list[dict[str, Any]]:
    return [
        {"kind": "permits", "period": period, "target": "25",
         "note": "Special permit track for journalists and their families"},
        {"kind": "funding", "period": period, "target": "40000000",
         "note": "Core funding across every purpose"},
        {"kind": "research", "period": period, "target": "150000"},
    ]  # fmt: skip


def seed_workspace(url: str, tokens: dict[str, str], codes: list[str]) -> WorkspaceSeed:
    """Commitments for ``codes`` and a donor, a member item with advice, then a scan."""
    period = quarter_of(datetime.now(UTC).date())
    made = WorkspaceSeed()
    with httpx.Client(base_url=url, timeout=30) as client:
        plans = [(tokens[f"member-{c}"], f"state:{c}", _commitments(c, period)) for c in codes]
        donor_pledge = {"kind": "funding", "period": period, "target": "2000000",
                        "pledge": {"dimension": "horizon", "level": "long"}}  # fmt: skip
        plans.append((tokens["donor-member"], "donor:demo-fund", [donor_pledge]))
        for token, member, bodies in plans:
            have = _call(client, "GET", "/v1/commitments", token,
                         params={"member": member, "period": period})  # fmt: skip
            if have:
                continue  # resumed: the member's commitments stay as users left them
            for body in bodies:
                _call(client, "POST", "/v1/commitments", token, json=body)
                made.commitments += 1
        items = _call(client, "GET", "/v1/agenda", tokens["hub:admin"], params={"kind": "member"})
        if not items and codes:
            item = _call(client, "POST", "/v1/agenda", tokens[f"member-{codes[0]}"], json={
                "title": "Pooled security training for exiled journalists", "period": period,
                "description": "Three members run separate courses; one shared course could "
                "reach more people for the same funds.",
            })  # fmt: skip
            _call(client, "POST", f"/v1/agenda/{item['id']}/comments", tokens["hub:advise"],
                  json={"kind": "objective", "body": "Aim for one shared curriculum by the "
                        "next period, taught in Russian and in the host languages."})  # fmt: skip
            made.items += 1
        scan = _call(client, "POST", "/v1/agenda/scan", tokens["hub:admin"])
        made.raised = len(scan["raised"])
    return made
