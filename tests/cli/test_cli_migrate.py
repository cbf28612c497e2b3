"""`concordia migrate` on a fresh SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from concordia.cli.main import app
from concordia.kit import alembic_config
from concordia.ledger.app import SERVICE_DIR as LEDGER_DIR
from concordia.registry.app import SERVICE_DIR

runner = CliRunner()


def _head(url: str, service_dir: Path = SERVICE_DIR) -> set[str]:
    """Every head: the service's branch and the kit's."""
    return set(ScriptDirectory.from_config(alembic_config(service_dir, url)).get_heads())


def _version(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}


def test_migrate_brings_a_new_database_to_head_and_is_repeatable(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    url = f"sqlite:///{path}"

    first = runner.invoke(app, ["migrate", "registry", "--database-url", url])
    again = runner.invoke(app, ["migrate", "registry", "--database-url", url])

    assert first.exit_code == 0, first.output
    assert again.exit_code == 0, again.output
    assert _version(path) == _head(url)
    assert "head" in first.output
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"persons", "organisations", "permits"} <= tables


def test_migrate_ledger_brings_its_own_database_to_head(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    url = f"sqlite:///{path}"

    result = runner.invoke(app, ["migrate", "ledger", "--database-url", url])

    assert result.exit_code == 0, result.output
    assert _version(path) == _head(url, LEDGER_DIR)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"donors", "grants", "transactions", "rates"} <= tables


def test_migrate_defaults_to_the_services_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.db"
    ledger = tmp_path / "ledger-from-env.db"
    monkeypatch.setenv("CONCORDIA_REGISTRY_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CONCORDIA_LEDGER_DATABASE_URL", f"sqlite:///{ledger}")

    result = runner.invoke(app, ["migrate"])

    assert result.exit_code == 0, result.output
    assert _version(path) == _head(f"sqlite:///{path}")
    assert "ledger" in result.output
    assert ledger.exists()


def test_migrate_refuses_an_unknown_service(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate", "ledgerz", "--database-url", "sqlite:///x.db"])
    assert result.exit_code == 2
    assert "registry" in result.output


def test_migrate_reports_an_unreachable_database(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    url = f"sqlite:///{blocker}/sub/registry.db"
    result = runner.invoke(app, ["migrate", "registry", "--database-url", url])
    assert result.exit_code == 1
    assert "failed" in result.output
