"""`concordia up` as `make run` starts it: a real launcher, nats-servers, registries, ledgers, hub.

The coalition run (hub and three nodes) lives in test_cli_up_coalition.py.
"""

from __future__ import annotations

import json
import socket
import stat
from pathlib import Path

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

from concordia.cli.main import app
from concordia.kit import NODE_SERVICES

__all__ = ["launchers"]


def _funding(ledger_url: str, token: str) -> dict[str, list[str | None]]:
    """Every visible grant in the feed with its transactions' external ids, by external id."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=ledger_url, headers=headers, timeout=10) as client:
        feed = client.get("/v1/feed/grants", params={"limit": 10_000})
        assert feed.status_code == 200, feed.text
        grants = get_all(client, "/v1/grants")
    assert len(grants) == GRANTS
    return {
        str(item["external_id"]): sorted(t["external_id"] for t in item["transactions"])
        for item in feed.json()["items"]
    }


def _evaluation(url: str, tokens: dict[str, str]) -> dict[str, int]:
    """Assessments per seeded item; evaluators visibly synthetic, an evaluator's view blind."""
    admin = {"Authorization": f"Bearer {tokens['evaluation-admin']}"}
    with httpx.Client(base_url=url, headers=admin, timeout=10) as client:
        evaluators = get_all(client, "/v1/evaluators")
        assessments = get_all(client, "/v1/assessments")
        conflicts = get_all(client, "/v1/conflicts")
    assert sorted(e["name"] for e in evaluators) == [
        f"Example Evaluator {n}" for n in ("Four", "One", "Three", "Two")
    ]
    assert {e["account"] for e in evaluators} == {
        f"demo-{name}" for name in ("evaluator", "evaluator-2", "evaluator-3", "evaluator-4")
    }
    assert len(conflicts) == 3
    per_item: dict[str, int] = {}
    for assessment in assessments:
        per_item[assessment["item_id"]] = per_item.get(assessment["item_id"], 0) + 1
    assert per_item, "the demo assesses grants"
    assert set(per_item.values()) == {2}  # blind double assessment
    return per_item


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_PROC, reason="inspects processes through /proc")
def test_up_serves_seeded_data_stops_cleanly_and_resumes(
    tmp_path: Path, launchers: list[Launcher]
) -> None:
    var, base = tmp_path / "var", free_base_port()
    registry_url, nats_url = f"http://127.0.0.1:{base + 1}", f"nats://127.0.0.1:{base + 22}"
    ledger_url = f"http://127.0.0.1:{base + 2}"
    evaluation_url = f"http://127.0.0.1:{base + 4}"
    sizes = ("--persons", str(PERSONS), "--grants", str(GRANTS))

    first = Launcher(var, base, "--nodes", "se", "--no-hub", *sizes)
    launchers.append(first)
    endpoints = first.wait_ready()

    services = {s.name: f"http://127.0.0.1:{base + s.offset}" for s in NODE_SERVICES}
    assert services["registry"] == registry_url
    assert services["evaluation"] == evaluation_url
    assert endpoints == {"nodes": {"se": {**services, "nats": nats_url}}}
    exchange_url = services["exchange"]
    tokens = json.loads((var / "demo" / "tokens.json").read_text())
    assert set(tokens["se"]) == DEV_TOKENS
    assert (var / "se" / "ledger.db").exists()
    assert not (var / "hub").exists()
    for secret in (
        var / "demo" / "tokens.json",
        var / "se" / "node.key",
        var / "se" / "tokens.json",
        var / "se" / "nats.conf",
        var / "se" / "registry.env",
    ):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600, secret
    headers = {
        "Authorization": f"Bearer {tokens['se']['agency']}",
        "X-Purpose": "permit_case_work; e2e test",
    }
    with httpx.Client(base_url=registry_url, headers=headers, timeout=10) as client:
        sample = client.get("/v1/persons", params={"limit": 5})
        assert sample.status_code == 200, sample.text
        assert [p["name"] for p in sample.json()["items"]] == [
            f"Testperson {n:04d}" for n in range(1, 6)
        ]
        persons, permits = get_all(client, "/v1/persons"), get_all(client, "/v1/permits")
        expiring = client.get("/v1/permits", params={"expiring_within_days": 30}).json()
    assert len(persons) == PERSONS
    assert permits
    assert expiring["items"], "some demo permits expire within 30 days"
    assert f"{registry_url}/docs" in first.log()
    assert tokens["se"]["agency"] in first.log()

    portal = {"Authorization": f"Bearer {tokens['se']['donor-portal']}"}
    with httpx.Client(base_url=ledger_url, headers=portal, timeout=10) as client:
        assert client.get("/readyz").status_code == 200
        feed = client.get("/v1/feed/grants", params={"limit": 5})
        assert feed.status_code == 200, feed.text
        assert client.post("/v1/donors", json={}).status_code == 403  # the portal only reads
    items = feed.json()["items"]
    assert len(items) == 5
    for item in items:
        assert str(item["external_id"]).startswith("DEMO-G-")
        assert str(item["title"]).startswith("Example grant ")
        assert item["donor"]["name"].startswith("Example ")
        assert item["recipient"]["identifier"].startswith("SE-ON-DEMO-")
    funding = _funding(ledger_url, tokens["se"]["donor"])
    assert sum(map(len, funding.values())) > len(funding)  # commitments and disbursements
    assert f"{ledger_url}/docs" in first.log()
    assert f"{ledger_url}/v1/feed/grants" in first.log()
    assert tokens["se"]["donor-portal"] in first.log()

    # The exchange screens at the registry with its own token: the demo practices are approved.
    seeded = practices(exchange_url, tokens["se"]["exchange-editor"])
    assert sorted(p["language"] for p in seeded) == ["en", "ru", "sv"]
    assert {p["workflow"] for p in seeded} == {"published"}
    assert all(str(p["title"]).startswith(("Demo", "Демо")) for p in seeded)
    evaluated = _evaluation(evaluation_url, tokens["se"])
    assert f"evaluation   4 evaluators, 3 conflicts, {len(evaluated)} draws" in first.log()

    status = CliRunner().invoke(app, ["status", "--var", str(var)])
    assert status.exit_code == 0, status.output
    assert "registry" in status.output
    assert "ledger" in status.output

    # What users do to the demo data between two runs: erase one person, edit another.
    with httpx.Client(base_url=registry_url, headers=headers, timeout=10) as client:
        demo = {p["external_id"]: p["id"] for p in persons}
        erased = client.delete(f"/v1/persons/{demo['DEMO-P-0002']}")
        assert erased.status_code == 204, erased.text
        renamed = {"name": "Testperson Renamed"}
        edited = client.patch(f"/v1/persons/{demo['DEMO-P-0003']}", json=renamed)
        assert edited.status_code == 200, edited.text
        permits = get_all(client, "/v1/permits")  # the erased person's permits went with them

    spawned = children(first.process.pid)
    assert any("nats-server" in cmd for cmd in spawned.values()), spawned
    assert any("uvicorn" in cmd for cmd in spawned.values()), spawned
    stop(first)
    assert wait_gone(list(spawned), timeout=2) == [], spawned
    assert not (var / "demo" / "endpoints.json").exists()

    second = Launcher(var, base, "--nodes", "se", "--no-hub", *sizes)
    launchers.append(second)
    assert second.wait_ready() == endpoints
    assert json.loads((var / "demo" / "tokens.json").read_text()) == tokens  # reused
    with httpx.Client(base_url=registry_url, headers=headers, timeout=10) as client:
        again = get_all(client, "/v1/persons")
        assert len(get_all(client, "/v1/permits")) == len(permits)
        kept = client.get(f"/v1/persons/{demo['DEMO-P-0003']}").json()
    assert sorted(p["id"] for p in again) == sorted(p["id"] for p in persons)
    assert kept["name"] == "Testperson Renamed"  # the user's edit stands
    assert {p["erased"] for p in again if p["id"] == demo["DEMO-P-0002"]} == {True}
    for part in (f"persons: {PERSONS - 2} unchanged", "1 kept erased", "1 kept as edited"):
        assert part in second.log(), part
    assert f"grants: {GRANTS} unchanged; 0 donors, 0 transactions and 0 activities" in second.log()
    assert _funding(ledger_url, tokens["se"]["donor"]) == funding  # no duplicates
    again_seeded = practices(exchange_url, tokens["se"]["exchange-editor"])
    assert sorted(p["id"] for p in again_seeded) == sorted(p["id"] for p in seeded)
    assert "evaluation   0 evaluators, 0 conflicts, 0 draws and 0 assessments added" in second.log()
    assert _evaluation(evaluation_url, tokens["se"]) == evaluated

    reseed = CliRunner().invoke(app, ["seed", "--var", str(var), "--node", "se", *sizes])
    assert reseed.exit_code == 0, reseed.output
    assert f"{PERSONS - 2} unchanged" in reseed.output
    assert "1 kept erased" in reseed.output
    assert f"grants: {GRANTS} unchanged" in reseed.output
    assert "the exchange: practices already there (kept)" in reseed.output

    spawned = children(second.process.pid)
    stop(second)
    assert wait_gone(list(spawned), timeout=2) == [], spawned


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_PROC, reason="inspects processes through /proc")
def test_seed_fills_a_node_started_without_demo_data(
    tmp_path: Path, launchers: list[Launcher]
) -> None:
    """`concordia seed` seeds what `concordia up` seeds: the exchange's practices too."""
    var, base = tmp_path / "var", free_base_port()
    sizes = ("--persons", str(PERSONS), "--grants", str(GRANTS))
    launcher = Launcher(var, base, "--nodes", "se", "--no-hub", "--no-seed", *sizes)
    launchers.append(launcher)
    endpoints = launcher.wait_ready()["nodes"]["se"]
    tokens = json.loads((var / "demo" / "tokens.json").read_text())["se"]
    assert practices(endpoints["exchange"], tokens["exchange-editor"]) == []

    seeded = CliRunner().invoke(app, ["seed", "--var", str(var), "--node", "se", *sizes])
    assert seeded.exit_code == 0, seeded.output
    assert "the exchange: 3 practices published (en, ru, sv)" in seeded.output
    found = practices(endpoints["exchange"], tokens["exchange-editor"])
    assert sorted(p["language"] for p in found) == ["en", "ru", "sv"]
    assert {p["workflow"] for p in found} == {"published"}
    _evaluation(endpoints["evaluation"], tokens)  # and the evaluation, as before
    stop(launcher)


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_PROC, reason="inspects processes through /proc")
def test_killed_launcher_leaves_no_orphans(tmp_path: Path, launchers: list[Launcher]) -> None:
    var = tmp_path / "var"
    launcher = Launcher(var, free_base_port(), "--no-seed")
    launchers.append(launcher)
    launcher.wait_ready(timeout=120)  # three nodes of four services each start on two cores
    spawned = children(launcher.process.pid)
    # the guardian, the hub's nats-server, a nats-server and every node service of the list at
    # each of the three default nodes, and the hub service
    assert len(spawned) == 1 + 1 + 3 * (1 + len(NODE_SERVICES)) + 1, spawned

    launcher.process.kill()  # SIGKILL: no finally block runs
    launcher.process.wait()

    assert wait_gone(list(spawned), timeout=15) == [], spawned


def test_busy_port_fails_with_a_clear_message(tmp_path: Path) -> None:
    base = free_base_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", base + 22))
        holder.listen()
        result = CliRunner().invoke(
            app, ["up", "--var", str(tmp_path / "var"), "--base-port", str(base)]
        )
    assert result.exit_code == 1
    assert str(base + 22) in result.output
    assert "--base-port" in result.output
