"""The demo's charter: proposed at the hub, signed by every node's key, adopted and sent out.

``concordia up`` with a hub runs every node, so it holds every node key: each member state signs
the demo charter (the coalition's defaults, under a version of its own) as ``concordia charter
sign`` would, and its representative's token relays the signature. The hub adopts it with a
majority and sends it to the nodes, which check the signatures against the directory they pinned
before they apply it. On resume nothing is proposed twice: an adopted demo charter stays.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx

from concordia.cli._secure_seed import SECURE_TABLES
from concordia.cli._seedhttp import SeedError
from concordia.cli.identity import node_code
from concordia.cli.signing import SigningError, sign
from concordia.events import DEFAULT_CHARTER

DEMO_VERSION = "demo.1"


def demo_charter() -> dict[str, Any]:
    """The coalition's defaults as a charter proposal (a node's floors all hold), with the
    demo's secure tables."""
    return {
        "version": DEMO_VERSION,
        "effective": date(2026, 1, 1).isoformat(),
        "disclosure": DEFAULT_CHARTER.disclosure.model_dump(mode="json"),
        "targets": [t.model_dump(mode="json") for t in DEFAULT_CHARTER.targets],
        # Adopted before any node holds data, so no secure table ever leaves a node plainly.
        "secure": list(SECURE_TABLES),
    }


def _call(client: httpx.Client, method: str, path: str, token: str, **kw: Any) -> Any:
    answer = client.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw)
    if answer.status_code >= 400:
        raise SeedError(f"{method} {path} failed: {answer.status_code} {answer.text[:300]}")
    return answer.json()


def adopt_demo_charter(url: str, tokens: dict[str, str], node_roots: list[Path]) -> str:
    """Propose the demo charter (once) and have every node sign it; one line for the console."""
    with httpx.Client(base_url=url, timeout=30) as client:
        admin = tokens["hub:admin"]
        adopted = _call(client, "GET", "/v1/charter/versions", admin)
        done = next((c for c in adopted if c["version"] == DEMO_VERSION), None)
        if done is not None:
            return f"{DEMO_VERSION} (revision {done['revision']}), adopted before"
        waiting = _call(client, "GET", "/v1/charter/proposals", admin)
        proposal = next((c for c in waiting if c["version"] == DEMO_VERSION), None)
        if proposal is None:
            proposal = _call(client, "PUT", "/v1/charter", admin, json=demo_charter())
    revision = int(proposal["revision"])
    status: Any = None
    for root in node_roots:
        code = node_code(root)
        token = tokens.get(f"member-{code}", tokens["hub:admin"])
        try:
            _, status = sign(
                root, "charter", f"charter/{revision}", hub=url, token=token, file=None
            )
        except SigningError as exc:
            raise SeedError(f"{code} could not sign the demo charter: {exc}") from exc
    if status is None or not status["signed"]:
        raise SeedError(f"the demo charter is not adopted: {status}")
    return f"{DEMO_VERSION} (revision {revision}), signed by {', '.join(status['signers'])}"
