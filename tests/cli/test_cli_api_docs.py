"""The API contract as files: docs/api/ holds every service's OpenAPI document, kept current."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from concordia.cli import _apidoc
from concordia.cli.main import app
from concordia.core.contract import TAG_DESCRIPTIONS
from concordia.kit import SERVICES

ROOT = Path(__file__).resolve().parents[2]
OPERATION_ID = re.compile(r"^[a-z]+\.[a-z][a-z_]*$")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CONCORDIA_* variable of the test run leaks into the documents."""
    for name in list(os.environ):
        if name.startswith("CONCORDIA_"):
            monkeypatch.delenv(name)


def test_the_committed_documents_are_current() -> None:
    stale = _apidoc.stale(ROOT)
    assert not stale, f"run `concordia api docs` and commit {[str(p) for p in stale]}"
    names = {p.name for p in (ROOT / _apidoc.DOCS_DIR).glob("*.json")}
    assert names == {f"{s.name}.openapi.json" for s in SERVICES} | {_apidoc.EVENTS}


@pytest.mark.parametrize("name", [s.name for s in SERVICES])
def test_a_document_names_operations_tags_and_errors_for_clients(name: str) -> None:
    document = json.loads((ROOT / _apidoc.DOCS_DIR / f"{name}.openapi.json").read_text())
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)), "operation ids are unique"
    assert all(OPERATION_ID.match(i) for i in ids), [i for i in ids if not OPERATION_ID.match(i)]
    described = {tag["name"]: tag["description"] for tag in document["tags"]}
    used = {tag for ops in document["paths"].values() for op in ops.values() for tag in op["tags"]}
    assert used == described.keys()
    assert all(described[tag] == TAG_DESCRIPTIONS[tag] for tag in used)
    for ops in document["paths"].values():
        for op in ops.values():
            for status, response in op["responses"].items():
                if int(status) >= 400 and "content" in response:
                    assert list(response["content"]) == ["application/problem+json"], op
    problem = document["components"]["schemas"]["ProblemDetails"]
    assert set(problem["required"]) == {"title", "status", "detail"}
    assert problem["examples"], "the problem schema carries an example"


def test_the_registry_names_its_operations_for_people() -> None:
    document = json.loads((ROOT / _apidoc.DOCS_DIR / "registry.openapi.json").read_text())
    persons = document["paths"]["/v1/persons"]
    assert (persons["post"]["operationId"], persons["get"]["operationId"]) == (
        "persons.create",
        "persons.list",
    )
    assert document["paths"]["/v1/sync/persons"]["put"]["operationId"] == "sync.persons"


def test_api_docs_check_fails_on_a_stale_document(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["api", "docs", "--root", str(tmp_path)]).exit_code == 0
    current = runner.invoke(app, ["api", "docs", "--root", str(tmp_path), "--check"])
    assert current.exit_code == 0, current.output
    document = tmp_path / _apidoc.DOCS_DIR / "ledger.openapi.json"
    document.write_text(document.read_text().replace("grants.create", "create_grant"))
    stale = runner.invoke(app, ["api", "docs", "--root", str(tmp_path), "--check"])
    assert stale.exit_code == 1
    assert "ledger.openapi.json is out of date" in stale.output
