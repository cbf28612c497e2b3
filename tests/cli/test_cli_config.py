"""Every setting documented and kept current; settings from files; a node's environment checked."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from concordia.cli import _configdoc
from concordia.cli.main import app
from concordia.core.settings import DEV_NODE_KEY
from concordia.registry.settings import RegistrySettings

ROOT = Path(__file__).resolve().parents[2]
RANDOM_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CONCORDIA_* variable of the test run leaks into these checks."""
    for name in list(os.environ):
        if name.startswith("CONCORDIA_"):
            monkeypatch.delenv(name)


def test_the_configuration_page_is_current_and_documents_every_setting() -> None:
    page = (ROOT / _configdoc.DOCS_PATH).read_text()
    assert page == _configdoc.render(), "run `concordia config docs` and commit the page"
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) > 50
    assert not [row for row in rows if row.endswith("|  |")], "a setting without a meaning"
    for variable in ("CONCORDIA_NODE_KEY", "CONCORDIA_OIDC_ISSUER",
                     "CONCORDIA_REGISTRY_SCREEN_PER_DAY", "CONCORDIA_HUB_STREAM_MODE",
                     "CONCORDIA_<SERVICE>_DATABASE_URL"):  # fmt: skip
        assert f"| `{variable}` |" in page, variable


def test_config_docs_check_fails_on_a_stale_page(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "docs").mkdir()
    assert runner.invoke(app, ["config", "docs", "--root", str(tmp_path)]).exit_code == 0
    current = runner.invoke(app, ["config", "docs", "--root", str(tmp_path), "--check"])
    assert current.exit_code == 0, current.output
    page = tmp_path / "docs" / "configuration.md"
    page.write_text(page.read_text().replace("CONCORDIA_NODE_KEY", "CONCORDIA_KEY"))
    stale = runner.invoke(app, ["config", "docs", "--root", str(tmp_path), "--check"])
    assert stale.exit_code == 1
    assert "out of date" in stale.output


def test_settings_are_read_from_a_secrets_directory_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "CONCORDIA_NODE_KEY").write_text(RANDOM_KEY)
    (secrets / "CONCORDIA_REGISTRY_DATABASE_URL").write_text("sqlite:///from-a-file.db")
    (secrets / "CONCORDIA_NODE").write_text("se")
    monkeypatch.setenv("CONCORDIA_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("CONCORDIA_NODE", "pl")

    settings = RegistrySettings()

    assert settings.node_key.get_secret_value() == RANDOM_KEY
    assert settings.database_url == "sqlite:///from-a-file.db"
    assert settings.node == "pl"  # the environment wins over the file
    monkeypatch.delenv("CONCORDIA_SECRETS_DIR")
    assert RegistrySettings(env="dev").node_key.get_secret_value() == DEV_NODE_KEY


def _tokens(tmp_path: Path, mode: int = 0o600) -> Path:
    path = tmp_path / "tokens.json"
    path.write_text('{"tokens": {}}')
    path.chmod(mode)
    return path


def test_config_check_names_every_problem_of_a_production_node(tmp_path: Path) -> None:
    env = {
        "CONCORDIA_ENV": "prod",
        "CONCORDIA_NODE": "se",
        "CONCORDIA_NODE_KEY": DEV_NODE_KEY,
        "CONCORDIA_TOKENS_FILE": str(tmp_path / "absent.json"),
    }
    refused = CliRunner().invoke(app, ["config", "check"], env=env)
    assert refused.exit_code == 1
    out = " ".join(refused.output.split())
    assert "CONCORDIA_NODE_KEY: the development node key is refused" in out
    assert "absent.json does not exist" in out  # the other rules ran too

    env = {
        "CONCORDIA_ENV": "prod",
        "CONCORDIA_NODE": "se",
        "CONCORDIA_NODE_KEY": RANDOM_KEY,
        "CONCORDIA_TOKENS_FILE": str(_tokens(tmp_path, 0o644)),
        "CONCORDIA_NATS_URL": "nats://registry:pw@nats.se.example:4222",
        "CONCORDIA_REGISTRY_DATABASE_URL": "postgresql://registry@db.se.example/registry",
        "CONCORDIA_DISCLOSURE_K_MIN": "3",
        "CONCORDIA_DISCLOSURE_ROUNDING_BASE_MIN": "none",
        "CONCORDIA_DISCLOSURE_ACCEPT_LOOSER": "true",
        "CONCORDIA_OIDC_ISSUER": "http://login.example.test/realms/ministry",
        "CONCORDIA_OIDC_AUDIENCE": "concordia-se",
        "CONCORDIA_OIDC_JWKS_URL": "http://login.example.test/certs",
    }
    result = CliRunner().invoke(app, ["config", "check"], env=env)
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    for expected in (
        "CONCORDIA_NATS_URL: NATS at nats.se.example without TLS",
        "CONCORDIA_REGISTRY_DATABASE_URL: PostgreSQL at db.se.example without TLS",
        "CONCORDIA_DISCLOSURE_K_MIN: 3 is looser than the coalition's baseline 10",
        "CONCORDIA_DISCLOSURE_ROUNDING_BASE_MIN: none is looser",
        "CONCORDIA_DISCLOSURE_ACCEPT_LOOSER: a production node must not",
        "CONCORDIA_OIDC_ISSUER: the identity provider must use https://",
        "CONCORDIA_OIDC_JWKS_URL: the identity provider must use https://",
        "CONCORDIA_TOKENS_FILE:",
        "is open to others",
    ):
        assert expected in out, expected
    assert "registry, ledger, exchange, evaluation" in out  # node-wide: named once, all services
    assert "8 problem(s)" in out


def test_config_check_passes_a_sound_production_node_and_a_dev_one(tmp_path: Path) -> None:
    env_file = tmp_path / "registry.env"
    env_file.write_text(
        "CONCORDIA_ENV=prod\nCONCORDIA_NODE=se\n"
        f"CONCORDIA_NODE_KEY={RANDOM_KEY}\nCONCORDIA_TOKENS_FILE={_tokens(tmp_path)}\n"
        "CONCORDIA_NATS_URL=tls://registry:pw@nats.se.example:4222\n"
        "CONCORDIA_REGISTRY_DATABASE_URL="
        "postgresql://registry@db.se.example/registry?sslmode=verify-full\n"
    )
    args = ["config", "check", "--service", "registry", "--env-file", str(env_file)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "fine" in result.output
    dev = CliRunner().invoke(app, ["config", "check"], env={"CONCORDIA_ENV": "dev"})
    assert dev.exit_code == 0, dev.output
    assert "production rules not applied" in dev.output


def test_config_check_refuses_unknown_services_and_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config", "check", "--service", "payroll"])
    assert result.exit_code == 2
    assert "unknown service payroll" in " ".join(result.output.split())
    missing = CliRunner().invoke(app, ["config", "check", "--env-file", str(tmp_path / "x.env")])
    assert missing.exit_code == 2
