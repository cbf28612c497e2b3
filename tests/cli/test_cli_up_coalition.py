"""`make run` as it is meant: the hub and three nodes, their data reaching the hub, and a resume."""

from __future__ import annotations

import json
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner
from up_support import (
    DEV_TOKENS,
    GRANTS,
    LINUX_PROC,
    PERSONS,
    Launcher,
    children,
    free_base_port,
    get_all,
    launchers,
    practices,
    stop,
    wait_gone,
)

from concordia.cli._overlaps import OVERLAP_PURPOSE, shared_identifier
from concordia.cli.main import app
from concordia.events import quarter_of
from concordia.kit import NODE_SERVICES

__all__ = ["launchers"]
NODES = ("se", "pl", "de")
#: The hub takes up to ~20 s to source a node's stream after start (docs/federation.md).
SOURCING_SECONDS = 40.0


def _hub_get(hub: str, token: str, path: str, **params: str) -> Any:
    answer = httpx.get(
        f"{hub}{path}", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _wait_for_aggregates(hub: str, token: str, node: str) -> list[dict[str, Any]]:
    """The snapshots of ``node`` at the hub, once there are any."""
    deadline = time.monotonic() + SOURCING_SECONDS
    while time.monotonic() < deadline:
        found: list[dict[str, Any]] = _hub_get(hub, token, "/v1/aggregates", node=node)
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"no aggregate of {node} reached the hub within {SOURCING_SECONDS} s")


def _overlap_grantees(ledger: str, token: str) -> set[str]:
    """Identifiers the node funds for the overlap purpose through 2026-Q4 (not restricted)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=ledger, headers=headers, timeout=10) as client:
        grants = get_all(client, "/v1/grants")
    return {
        str(g["recipient"]["identifier"])
        for g in grants
        if g["purpose"] == OVERLAP_PURPOSE
        and g["visibility"] != "restricted"
        and str(g["start_date"]) <= "2026-12-31"
        and str(g["end_date"]) >= "2026-10-01"
    }


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_PROC, reason="inspects processes through /proc")
def test_make_run_starts_the_coalition_feeds_the_hub_and_resumes(
    tmp_path: Path, launchers: list[Launcher]
) -> None:
    var, base = tmp_path / "var", free_base_port()
    hub_url = f"http://127.0.0.1:{base + 901}"
    sizes = ("--persons", str(PERSONS), "--grants", str(GRANTS))

    first = Launcher(var, base, *sizes)
    launchers.append(first)
    endpoints = first.wait_ready(timeout=150)

    assert endpoints["hub"] == {
        "hub": hub_url,
        "nats": f"nats://127.0.0.1:{base + 922}",
        "leaf": f"nats-leaf://127.0.0.1:{base + 942}",
    }
    assert endpoints["nodes"] == {
        code: {
            **{s.name: f"http://127.0.0.1:{base + 100 * i + s.offset}" for s in NODE_SERVICES},
            "nats": f"nats://127.0.0.1:{base + 100 * i + 22}",
        }
        for i, code in enumerate(NODES)
    }
    assert "@" not in json.dumps(endpoints)  # no credentials in the published file
    tokens = json.loads((var / "demo" / "tokens.json").read_text())
    assert set(tokens) == {*NODES, "hub"}
    assert all(set(tokens[code]) == DEV_TOKENS for code in NODES)
    members = {f"member-{code}" for code in NODES}
    assert set(tokens["hub"]) == {"hub:read", "hub:admin", "hub:advise", "donor-member", *members}
    for secret in (var / "hub" / "hub.json", var / "hub" / "nats.conf", var / "hub" / "tokens.json",
                   var / "hub" / "nodes" / "se.json", var / "pl" / "hub-join.json"):  # fmt: skip
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600, secret
    log = first.log()
    for shown in (f"{hub_url}/docs", f"{hub_url}/v1/nodes", f"{hub_url}/v1/coalition/indicators",
                  "tokens.json", f"{endpoints['nodes']['de']['ledger']}/docs",
                  f"{hub_url}/dashboard", f"{endpoints['nodes']['pl']['registry']}/console",
                  f"{endpoints['nodes']['de']['evaluation']}/console"):  # fmt: skip
        assert shown in log, shown

    reader = tokens["hub"]["hub:read"]
    dashboard = httpx.get(f"{hub_url}/dashboard", timeout=10,
                          headers={"Authorization": f"Bearer {reader}"})  # fmt: skip
    assert dashboard.status_code == 200
    assert "Coalition overview" in dashboard.text
    listed = _hub_get(hub_url, reader, "/v1/nodes")
    assert sorted(n["code"] for n in listed) == sorted(NODES)
    assert all(n["linked"] for n in listed), listed
    # The demo charter: signed by every node's key, adopted at the hub, checked and run by
    # every service of every node against the directory it pinned.
    charter = _hub_get(hub_url, reader, "/v1/charter")
    assert charter["version"] == "demo.1"
    assert sorted(s["signer"] for s in charter["signatures"]) == sorted(NODES)
    deadline = time.monotonic() + SOURCING_SECONDS
    while True:
        shown = [s for n in _hub_get(hub_url, reader, "/v1/nodes") for s in n["services"]]
        if len(shown) == len(NODES) * len(NODE_SERVICES) and all(
            s["charter_version"] == "demo.1" for s in shown
        ):
            break
        assert time.monotonic() < deadline, shown
        time.sleep(0.5)
    assert not any(s["charter_refused"] for s in shown), shown
    snapshots = _wait_for_aggregates(hub_url, reader, "pl")
    assert {s["node"] for s in snapshots} == {"pl"}
    assert {s["service"] for s in snapshots} <= {s.name for s in NODE_SERVICES}
    period = snapshots[0]["period"]
    indicators = _hub_get(hub_url, reader, "/v1/coalition/indicators", period=period)
    assert indicators["period"] == period
    assert indicators["aggregates"], indicators
    # The headline shares of the current quarter, from the secure tables: complete, judged.
    quarter = quarter_of(datetime.now(UTC).date())
    assert f"released participants_by_gender {quarter}" in log, log
    shown = _hub_get(hub_url, reader, "/v1/coalition/indicators", period=quarter)
    pooled = {t["aggregate"]: t for t in shown["targets"] if t["judged"] == "pooled"}
    released = [a for a in shown["aggregates"] if a["aggregate"].startswith("participants_by")]
    for aggregate in ("participants_by_gender", "participants_by_ethnic_origin"):
        assert pooled[aggregate]["incomplete"] is False, released
        assert pooled[aggregate]["share"] is not None, pooled
        assert pooled[aggregate]["met"] in (True, False), pooled
    secure = {a["aggregate"] for a in _hub_get(hub_url, reader, "/v1/aggregates", node="pl")}
    assert not secure & {"participants_by_gender", "participants_by_ethnic_origin"}

    # The coordination group's workspace: each country's commitments and a donor's, a member's
    # item with an expert's proposal, and items the hub raises by itself from the signals.
    committed = _hub_get(hub_url, reader, "/v1/commitments")
    assert sorted(c["member"] for c in committed) == sorted(
        ["donor:demo-fund", *(f"state:{code}" for code in NODES for _ in range(3))]
    )
    deadline = time.monotonic() + 120
    while "commitment_behind" not in {i["kind"] for i in _hub_get(hub_url, reader, "/v1/agenda")}:
        assert time.monotonic() < deadline, "no agenda item was raised by a signal"
        time.sleep(2)
    (member_item,) = _hub_get(hub_url, reader, "/v1/agenda", kind="member")
    assert [c["role"] for c in member_item["comments"]] == ["expert"]

    # The planted overlaps: the same identifier funded for one purpose and quarter in two nodes,
    # and every node's set large enough for overlap detection (OVERLAP_MIN_SET_SIZE = 5).
    grantees = {
        code: _overlap_grantees(endpoints["nodes"][code]["ledger"], tokens[code]["donor"])
        for code in NODES
    }
    assert all(len(found) >= 5 for found in grantees.values()), grantees
    assert shared_identifier(1) in grantees["se"] & grantees["pl"] & grantees["de"]
    assert shared_identifier(2) in grantees["se"] & grantees["pl"]
    assert shared_identifier(2) not in grantees["de"]

    # Each node's demo practices reach every other node through the hub (its exchange stream).
    def replicated() -> bool:
        for code in NODES:
            found = practices(endpoints["nodes"][code]["exchange"], tokens[code]["exchange-editor"])
            if {p["origin"] for p in found} != set(NODES):
                return False
        return True

    deadline = time.monotonic() + 90
    while not replicated():
        assert time.monotonic() < deadline, "demo practices did not reach every node"
        time.sleep(1)

    status = CliRunner().invoke(app, ["status", "--var", str(var)])
    assert status.exit_code == 0, status.output
    assert "hub" in status.output

    spawned = children(first.process.pid)
    # the guardian, a nats-server per node and the hub's, every node service at each node, the hub
    assert len(spawned) == 1 + (len(NODES) + 1) + len(NODES) * len(NODE_SERVICES) + 1, spawned
    stop(first, timeout=40)
    assert wait_gone(list(spawned), timeout=2) == [], spawned
    assert not (var / "demo" / "endpoints.json").exists()

    second = Launcher(var, base, *sizes)
    launchers.append(second)
    assert second.wait_ready(timeout=150) == endpoints
    assert json.loads((var / "demo" / "tokens.json").read_text()) == tokens
    log = second.log()
    assert log.count(f"persons: {PERSONS} unchanged") == len(NODES), log
    assert log.count("grants for independent_media 2026-2027: 7 unchanged") == len(NODES), log
    assert "written to" not in log  # every file of the first run was kept
    # Every version stored before the restart is still there (a newer one may have followed).
    kept = _hub_get(hub_url, reader, "/v1/aggregates", node="pl", history="true")
    assert {(s["aggregate"], s["period"], s["version"]) for s in snapshots} <= {
        (s["aggregate"], s["period"], s["version"]) for s in kept
    }
    assert len(_hub_get(hub_url, reader, "/v1/commitments")) == len(committed)  # none twice
    reseed = CliRunner().invoke(
        app, ["seed", "--var", str(var), "--node", "pl", "--overlaps", *sizes]
    )
    assert reseed.exit_code == 0, reseed.output
    assert "grants for independent_media 2026-2027: 7 unchanged" in reseed.output
    spawned = children(second.process.pid)
    stop(second, timeout=40)
    assert wait_gone(list(spawned), timeout=2) == [], spawned
