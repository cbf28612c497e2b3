"""`concordia import` against a real registry and ledger (uvicorn subprocesses started through
the image entrypoint, SQLite, a real nats-server): batches, per-row errors, idempotent re-runs."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from concordia.cli.main import app
from concordia.core.auth import TokenStore
from concordia.events.natsserver import NatsServer, free_port

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
NODE = "qx"  # a node code no other test uses


@dataclass
class Node:
    """A registry and a ledger of one node, and a token that writes both."""

    registry: str
    ledger: str
    token: str

    def get(self, base: str, path: str, **params: Any) -> Any:
        """GET a JSON answer with the node's token."""
        headers = {"Authorization": f"Bearer {self.token}", "X-Purpose": "audit"}
        response = httpx.get(f"{base}{path}", params=params, headers=headers, timeout=10)
        response.raise_for_status()
        return response.json()


def _serve(service: str, tmp: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    venv_bin = str(Path(sys.executable).parent)
    full = {
        "PATH": f"{venv_bin}:/usr/bin:/bin",
        "HOME": str(tmp),
        "SERVICE": service,
        "PORT": str(port),
        "WORKERS": "1",
        f"CONCORDIA_{service.upper()}_DATABASE_URL": f"sqlite:///{tmp / service}.db",
        f"CONCORDIA_{service.upper()}_AGGREGATE_INTERVAL_SECONDS": "3600",
        **env,
    }
    log = (tmp / f"{service}.log").open("wb")
    process = subprocess.Popen(["sh", str(ENTRYPOINT), "start"], env=full, cwd=tmp,
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((tmp / f"{service}.log").read_text())
        time.sleep(0.2)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """The two services of node ``qx`` on free ports, sharing one tokens file."""
    tmp = tmp_path_factory.mktemp("import-node")
    tokens = tmp / "tokens.json"
    token = TokenStore(tokens).create(
        "import-test", {"registry:read", "registry:write", "ledger:write"}
    )
    with NatsServer(store_dir=tmp / "nats") as nats_server:
        env = {
            "CONCORDIA_ENV": "test",
            "CONCORDIA_NODE": NODE,
            "CONCORDIA_TOKENS_FILE": str(tokens),
            "CONCORDIA_NATS_URL": nats_server.url,
        }
        processes = []
        try:
            registry, registry_url = _serve("registry", tmp, env)
            processes.append(registry)
            ledger, ledger_url = _serve("ledger", tmp, env)
            processes.append(ledger)
            yield Node(registry=registry_url, ledger=ledger_url, token=token)
        finally:
            for process in processes:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A CSV file with ``header`` and ``rows``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(node: Node, base: str, *args: str) -> Any:
    """`concordia import ...` with the node's token in the environment."""
    env = {"CONCORDIA_TOKEN": node.token, "CONCORDIA_URL": base}
    return CliRunner().invoke(app, ["import", *args], env=env, catch_exceptions=False)


def report(path: Path) -> list[dict[str, str]]:
    """The error report's lines."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ORG_HEADER = ["external_id", "identifier", "name", "type", "focus", "registration_country"]


def org_row(n: int) -> list[str]:
    """A valid, clearly synthetic organisation."""
    return [f"TEST-ORG-{n:03d}", f"XM-DAC-TEST-{n:04d}", f"Example Exile Collective {n}",
            "independent_media", "media;human_rights", "SE"]  # fmt: skip


def test_organisations_in_batches_with_a_per_row_error_report(node: Node, tmp_path: Path) -> None:
    good = [org_row(n) for n in range(1, 12)]  # 11 valid rows
    bad = [
        ["TEST-ORG-900", "XM-DAC-TEST-0900", "Example Bad Type", "newspaper", "", "SE"],  # line 13
        ["TEST-ORG-901", "not an identifier", "Example Bad Id", "ngo", "", "SE"],  # line 14
        ["TEST-ORG-902", "XM-DAC-TEST-0902", "", "ngo", "", "SE"],  # line 15: no name
        org_row(2),  # line 16: row 3 again, in another batch: unchanged, not an error
        [*org_row(903), "an extra cell"],  # line 17
    ]
    path = write_csv(tmp_path / "orgs.csv", ORG_HEADER, good + bad)
    errors = tmp_path / "errors.csv"
    result = run(node, node.registry, "organisations", str(path), "--batch-size", "4",
                 "--errors", str(errors))  # fmt: skip
    assert result.exit_code == 1, result.output
    lines = report(errors)
    by_row = {line["row"]: line for line in lines}
    assert set(by_row) == {"13", "14", "15", "17"}, lines
    assert by_row["13"]["field"] == "type"
    assert by_row["13"]["external_id"] == "TEST-ORG-900"
    assert by_row["14"]["field"] == "identifier"
    assert by_row["15"]["field"] == "name"
    assert by_row["17"]["field"] == "row"
    assert "more cells" in by_row["17"]["reason"]
    assert all(line["reason"] for line in lines)
    assert "4 row(s) rejected" in result.output
    assert "│      11 │       0 │         1 │        4 │" in result.output  # counts table
    page = node.get(node.registry, "/v1/organisations", limit=100)
    ours = [o for o in page["items"] if o["external_id"].startswith("TEST-ORG-")]
    assert len(ours) == 11
    assert all(o["version"] == 1 for o in ours)

    # A re-run of the same file: every batch is replayed, nothing is written twice.
    again = run(node, node.registry, "organisations", str(path), "--batch-size", "4",
                "--errors", str(errors))  # fmt: skip
    assert again.exit_code == 1
    assert "4 batch(es) were already imported" in again.output
    assert report(errors) == lines
    page = node.get(node.registry, "/v1/organisations", limit=100)
    ours = [o for o in page["items"] if o["external_id"].startswith("TEST-ORG-")]
    assert len(ours) == 11
    assert all(o["version"] == 1 for o in ours)


def test_persons_lists_and_family_counts(node: Node, tmp_path: Path) -> None:
    header = ["external_id", "name", "aliases", "gender", "host_country", "family"]
    rows = [
        ["TEST-P-001", "Testperson Alpha", "Alias One;Alias Two", "female", "SE", "child:2"],
        ["TEST-P-002", "Testperson Beta", "", "male", "PL", "child:1;parent:1"],
        ["TEST-P-003", "Testperson Gamma", "", "female", "SE", "child:two"],  # line 4
        ["TEST-P-004", "Testperson Delta", "", "unknown", "SE", ""],  # line 5
    ]
    path = write_csv(tmp_path / "persons.csv", header, rows)
    result = run(node, node.registry, "persons", str(path))
    assert result.exit_code == 1, result.output
    lines = report(tmp_path / "persons.errors.csv")  # the default report path
    assert [(line["row"], line["field"]) for line in lines] == [
        ("4", "family.0.count"),
        ("5", "gender"),
    ]
    assert "Testperson" not in (tmp_path / "persons.errors.csv").read_text()  # no personal data


def test_grants_need_a_known_donor_and_recipient(node: Node, tmp_path: Path) -> None:
    # Organisations first (the registry), then the ledger learns them from its events.
    orgs = write_csv(tmp_path / "orgs.csv", ORG_HEADER, [org_row(n) for n in (50, 51)])
    assert run(node, node.registry, "organisations", str(orgs)).exit_code == 0
    headers = {"Authorization": f"Bearer {node.token}"}
    donor = httpx.post(f"{node.ledger}/v1/donors", headers=headers, timeout=10, json={
        "identifier": "XM-DAC-TEST-DONOR-1", "name": "Example Foundation Test",
        "type": "foundation", "country": "SE"})  # fmt: skip
    assert donor.status_code == 201, donor.text
    donor_id = donor.json()["id"]
    header = ["donor_id", "external_id", "recipient.type", "recipient.identifier", "title",
              "purpose", "horizon", "goals", "gender_marker", "start_date", "end_date"]  # fmt: skip

    def grant(n: int, recipient: str, end: str = "2026-12-31") -> list[str]:
        return [donor_id, f"TEST-G-{n:03d}", "organisation", recipient,
                f"Example grant {n}", "independent_media", "mid",
                "value_of_politics", "1", "2026-01-01", end]  # fmt: skip

    good = write_csv(tmp_path / "probe.csv", header, [grant(1, "XM-DAC-TEST-0050")])
    deadline = time.monotonic() + 30  # the ledger's consumer catches up with the registry
    while run(node, node.ledger, "grants", str(good), "--dry-run").exit_code != 0:
        assert time.monotonic() < deadline, "the ledger never learned the organisations"
        time.sleep(0.5)
    rows = [
        grant(1, "XM-DAC-TEST-0050"),
        grant(2, "XM-DAC-TEST-0051"),
        grant(3, "XM-DAC-TEST-0051", end="2025-01-01"),  # line 4: ends before it starts
        grant(4, "XM-DAC-TEST-9999"),  # line 5: nobody the ledger knows
    ]
    path = write_csv(tmp_path / "grants.csv", header, rows)
    result = run(node, node.ledger, "grants", str(path))
    assert result.exit_code == 1, result.output
    lines = report(tmp_path / "grants.errors.csv")
    assert [(line["row"], line["field"]) for line in lines] == [
        ("4", "end_date"),
        ("5", "recipient"),
    ]
    assert "2 row(s) rejected" in result.output


def test_a_wrong_header_or_token_stops_before_anything_is_written(
    node: Node, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "typo.csv", ["external_id", "identifer", "name"], [["X"] * 3])
    result = run(node, node.registry, "organisations", str(path))
    assert result.exit_code == 2
    assert "unknown column(s) identifer" in result.output
    path = write_csv(tmp_path / "orgs.csv", ORG_HEADER, [org_row(700)])
    env = {"CONCORDIA_TOKEN": "cnc_wrong_token", "CONCORDIA_URL": node.registry}
    result = CliRunner().invoke(app, ["import", "organisations", str(path)], env=env)
    assert result.exit_code == 2
    assert "401" in result.output
    page = node.get(node.registry, "/v1/organisations", limit=100)
    assert not [o for o in page["items"] if o["external_id"] == "TEST-ORG-700"]


def test_import_and_status_answer_in_json(node: Node, tmp_path: Path) -> None:
    header = ["external_id", "name", "gender", "host_country"]
    rows = [["TEST-J-001", "Testperson Json", "female", "SE"],
            ["TEST-J-002", "Testperson Robot", "robot", "SE"]]  # fmt: skip
    path = write_csv(tmp_path / "json.csv", header, rows)
    result = run(node, node.registry, "persons", str(path), "--json")
    assert result.exit_code == 1
    outcome = json.loads(result.stdout)
    assert outcome["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [(e["row"], e["field"]) for e in outcome["errors"]] == [(3, "gender")]
    assert outcome["report"] == str(tmp_path / "json.errors.csv")
    probe = CliRunner().invoke(
        app, ["status", "--json", "--url", node.registry, "--url", node.ledger]
    )
    assert probe.exit_code == 0, probe.output
    answer = json.loads(probe.stdout)
    assert answer["ready"] is True
    assert [(s["url"], s["ready"]) for s in answer["services"]] == [
        (node.registry, True),
        (node.ledger, True),
    ]
    assert "database: ok" in answer["services"][0]["detail"]


def test_the_command_tells_its_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("concordia 0.")
