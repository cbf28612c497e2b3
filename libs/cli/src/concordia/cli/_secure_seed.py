"""The demo's secure tables: the charter lists them, then the hub runs the current quarter.

``concordia up`` makes the coalition's two headline tables secure (participants by gender and
by ethnic origin, each with an epsilon of 1 per period: the ethnic origin's is mandatory, the
gender's keeps a plain snapshot a node published before the charter reached it from being
subtracted from an exact total), before the nodes are seeded; after seeding, once every node's
ledger runs that charter, it asks the hub for the current quarter's rounds, so the demo's
``GET /v1/coalition/indicators?period=<quarter>`` gives complete women and non-Russian shares.
On resume a charter that already lists them is kept and a released period is not run again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from concordia.cli._seedhttp import SeedError
from concordia.events import quarter_of

#: The demo's secure tables (``SecureTable`` bodies of the hub's ``PUT /v1/charter``).
SECURE_TABLES: tuple[dict[str, Any], ...] = (
    {"table": "participants_by_gender", "service": "ledger", "dimension": "gender",
     "measure": "participants", "cells": ["women", "men", "other", "undisclosed"],
     "epsilon": "1"},
    {"table": "participants_by_ethnic_origin", "service": "ledger",
     "dimension": "ethnic_origin", "measure": "participants",
     "cells": ["russian", "non_russian", "undisclosed"], "epsilon": "1"},
)  # fmt: skip
_CHARTER_FIELDS = ("effective", "disclosure", "targets", "code_lists")


@dataclass
class SecureSeed:
    """What the secure seed did."""

    charter: str = ""
    released: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the console."""
        done = ", ".join(self.released) or "none"
        rest = f"; {', '.join(self.other)}" if self.other else ""
        return f"charter {self.charter}, released {done}{rest}"


def _call(client: httpx.Client, method: str, path: str, token: str, **kw: Any) -> Any:
    answer = client.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw)
    if answer.status_code >= 400:
        raise SeedError(f"{method} {path} failed: {answer.status_code} {answer.text[:300]}")
    return answer.json()


def secure_charter(url: str, token: str) -> str:
    """Make the hub's charter list ``SECURE_TABLES`` (a new revision only if it does not)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        current = _call(client, "GET", "/v1/charter", token)
        listed = {t["table"] for t in current.get("secure", [])}
        if listed >= {t["table"] for t in SECURE_TABLES}:
            return str(current["version"])
        body = {k: current[k] for k in _CHARTER_FIELDS if k in current}
        body["version"] = f"demo-secure-{current['revision'] + 1}"
        body["secure"] = [
            *(t for t in current.get("secure", []) if t["table"] not in listed),
            *SECURE_TABLES,
        ]
        made = _call(client, "PUT", "/v1/charter", token, json=body)
        return str(made["version"])


def _on_charter(client: httpx.Client, token: str, version: str, codes: list[str]) -> bool:
    nodes = {n["code"]: n for n in _call(client, "GET", "/v1/nodes", token)}
    return all(
        any(s["service"] == "ledger" and s["charter_version"] == version
            for s in nodes.get(code, {}).get("services", []))
        for code in codes
    )  # fmt: skip


def seed_secure(
    url: str, token: str, codes: list[str], version: str, *, wait: float = 180.0
) -> SecureSeed:
    """Wait until every node's ledger runs ``version``, then run the current quarter's rounds."""
    made = SecureSeed(charter=version)
    period = quarter_of(datetime.now(UTC).date())
    with httpx.Client(base_url=url, timeout=300) as client:
        deadline = time.monotonic() + wait
        while not _on_charter(client, token, version, codes):
            if time.monotonic() > deadline:
                made.other.append("the nodes did not report the charter in time")
                return made
            time.sleep(1.0)
        reports = _call(client, "POST", "/v1/secure/rounds", token, json={"period": period})
    for report in reports:
        name = f"{report['table']} {report['period']}"
        if report["status"] == "released":
            made.released.append(name)
        else:
            made.other.append(f"{name} {report['status']}: {report['detail']}")
    return made
