"""What each service's OpenAPI document must name (the contract checks: test_services_contract)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from services_support import create_app, settings_for_test

from concordia.kit import SERVICES, ServiceSpec, service_named

#: Paths a client relies on, per service (a new service adds its own here).
PATHS: dict[str, tuple[str, ...]] = {
    "registry": ("/v1/persons", "/v1/sync/persons", "/v1/permits", "/v1/changes", "/v1/audit"),
    "ledger": ("/v1/grants", "/v1/sync/grants", "/v1/feed/grants", "/v1/feed/grants/stream",
               "/v1/feed/iati.xml"),
    "hub": ("/v1/nodes", "/v1/aggregates", "/v1/coalition/indicators", "/v1/charter"),
    "exchange": ("/v1/practices", "/v1/practices/{practice_id}",
                 "/v1/practices/{practice_id}/revisions", "/v1/practices/{practice_id}/submit",
                 "/v1/practices/{practice_id}/approve",
                 "/v1/practices/{practice_id}/endorsements",
                 "/v1/practices/{practice_id}/comments",
                 "/v1/practices/{practice_id}/attachments",
                 "/v1/practices/{practice_id}/attachments/{sha256}"),
    "evaluation": ("/v1/evaluators", "/v1/conflicts", "/v1/assignments", "/v1/assessments",
                   "/v1/indicators", "/v1/targets", "/v1/agreement"),
}  # fmt: skip


def _document(spec: ServiceSpec, tmp_path: Path) -> dict[str, Any]:
    settings = settings_for_test(
        spec, url=f"sqlite:///{tmp_path / 'x.db'}", nats_url="nats://127.0.0.1:1",
        tokens=tmp_path / "t.json", workdir=tmp_path,
    )  # fmt: skip
    document: dict[str, Any] = create_app(spec, settings).openapi()
    return document


@pytest.mark.parametrize("spec", SERVICES, ids=[s.name for s in SERVICES])
def test_the_document_names_what_clients_use(spec: ServiceSpec, tmp_path: Path) -> None:
    document = _document(spec, tmp_path)
    for path in PATHS.get(spec.name, ()):
        assert path in document["paths"], f"{spec.name}: {path}"
    assert (spec.service_dir() / "alembic.ini").exists()


@pytest.mark.parametrize("name", ["registry", "ledger"])
def test_bulk_sync_bodies_are_described(name: str, tmp_path: Path) -> None:
    """Sync routes validate their records by hand; the document still describes the body."""
    document = _document(service_named(name), tmp_path)
    kind = "persons" if name == "registry" else "grants"
    sync = document["paths"][f"/v1/sync/{kind}"]["put"]
    assert sync["requestBody"]["content"]["application/json"]["schema"]["required"] == ["records"]
    if name == "registry":  # malformed JSON in a sync body is a 400 before validation
        assert "400" in sync["responses"]


def test_the_hub_charter_can_be_set(tmp_path: Path) -> None:
    assert "put" in _document(service_named("hub"), tmp_path)["paths"]["/v1/charter"]


def _errors(operation: dict[str, Any]) -> set[str]:
    return {code for code in operation["responses"] if code >= "400"}


@pytest.mark.parametrize("spec", SERVICES, ids=[s.name for s in SERVICES])
def test_each_route_documents_the_errors_it_gives_and_no_more(
    spec: ServiceSpec, tmp_path: Path
) -> None:
    """Errors as problem+json; 412 exactly where If-Match is taken; none where none can come."""
    document = _document(spec, tmp_path)
    assert _errors(document["paths"]["/healthz"]["get"]) == set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{spec.name} {method.upper()} {path}"
            errors = _errors(operation)
            headers = {p["name"].lower() for p in operation.get("parameters", ())
                       if p["in"] == "header"}  # fmt: skip
            assert ("412" in errors) == ("if-match" in headers), where
            if "requestBody" not in operation:
                assert not {"400", "413"} & errors, where
            if method == "get":
                assert "409" not in errors, where
            if not operation.get("security"):
                assert not {"401", "403"} & errors, where
            for code in errors:
                content = operation["responses"][code]["content"]
                assert list(content) == ["application/problem+json"], f"{where} {code}"
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_a_list_and_a_guarded_change_document_their_own_errors(tmp_path: Path) -> None:
    paths = _document(service_named("registry"), tmp_path)["paths"]
    assert _errors(paths["/v1/persons"]["get"]) == {"401", "403", "422"}
    patch = paths["/v1/persons/{person_id}"]["patch"]
    assert _errors(patch) == {"400", "401", "403", "404", "409", "412", "413", "422"}
    assert "no longer current" in patch["responses"]["412"]["description"]
