"""`concordia token create|list|revoke` against a real tokens file."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from concordia.cli.main import app
from concordia.core import auth
from concordia.core.auth import TokenStore

runner = CliRunner()


def _create(tokens: Path, *args: str) -> str:
    result = runner.invoke(app, ["token", "create", "--tokens-file", str(tokens), *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def test_create_prints_a_working_token_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    token = _create(tokens, "--name", "agency-sync", "--scope", "registry:read", "--scope", "ops")

    principal = TokenStore(tokens).verify(token)
    assert principal is not None
    assert principal.name == "agency-sync"
    assert principal.scopes == {"registry:read", "ops"}
    assert token.split("_", 2)[2] not in tokens.read_text()
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600


def test_create_defaults_to_the_nodes_file_under_var(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "token",
            "create",
            "--var",
            str(tmp_path),
            "--node",
            "dk",
            "--name",
            "y",
            "--scope",
            "ops",
        ],
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert TokenStore(tmp_path / "dk" / "tokens.json").verify(token) is not None


def test_create_refuses_unknown_scopes_and_bad_nodes(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    bad_scope = ["token", "create", "--tokens-file", str(tokens), "--name", "x"]
    result = runner.invoke(app, [*bad_scope, "--scope", "registry:delete"])
    assert result.exit_code == 2
    assert "registry:delete" in result.output
    assert not tokens.exists()

    result = runner.invoke(
        app, ["token", "create", "--var", str(tmp_path), "--node", "../etc", "--name", "x",
              "--scope", "ops"],
    )  # fmt: skip
    assert result.exit_code == 2


def test_a_token_carries_its_owner_and_a_bad_owner_is_refused(tmp_path: Path) -> None:
    """Issue 9: every token has an owner (an agency, a donor...; else the node's operator)."""
    tokens = tmp_path / "tokens.json"
    agency = _create(tokens, "--name", "agency-2", "--scope", "registry:write",
                     "--owner", "agency:se-2")  # fmt: skip
    plain = _create(tokens, "--name", "ops", "--scope", "ops")
    store = TokenStore(tokens)
    owners = [p.owner for p in (store.verify(agency), store.verify(plain)) if p is not None]
    assert owners == ["agency:se-2", "operator"]
    listed = runner.invoke(app, ["token", "list", "--tokens-file", str(tokens)])
    assert "agency:se-2" in listed.output
    before = tokens.read_text()
    for bad in ("Agency:SE", "agency", "agency:", "agency:se 2", "x" * 80):
        result = runner.invoke(
            app, ["token", "create", "--tokens-file", str(tokens), "--name", "x",
                  "--scope", "ops", "--owner", bad],
        )  # fmt: skip
        assert result.exit_code == 2, bad
        assert "--owner" in result.output
    assert tokens.read_text() == before


def test_list_shows_ids_names_and_scopes_but_no_secrets(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    first = _create(tokens, "--name", "reader", "--scope", "registry:read")
    second = _create(tokens, "--name", "operator", "--scope", "ops")

    result = runner.invoke(app, ["token", "list", "--tokens-file", str(tokens)])

    assert result.exit_code == 0, result.output
    for token in (first, second):
        token_id, secret = token.split("_", 2)[1:]
        assert token_id in result.output
        assert secret not in result.output
    for entry in json.loads(tokens.read_text())["tokens"].values():
        assert entry["sha256"] not in result.output
    assert "reader" in result.output
    assert "operator" in result.output
    assert "registry:read" in result.output


def test_list_of_a_missing_file_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["token", "list", "--tokens-file", str(tmp_path / "none.json")])
    assert result.exit_code == 0
    assert "No tokens" in result.output


def test_revoke_takes_effect_at_once(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    keep = _create(tokens, "--name", "keep", "--scope", "ops")
    drop = _create(tokens, "--name", "drop", "--scope", "ops")
    store = TokenStore(tokens)
    assert store.verify(drop) is not None

    result = runner.invoke(
        app, ["token", "revoke", drop.split("_")[1], "--tokens-file", str(tokens)]
    )

    assert result.exit_code == 0, result.output
    assert store.verify(drop) is None
    assert store.verify(keep) is not None


def test_revoke_of_an_unknown_id_fails(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    _create(tokens, "--name", "keep", "--scope", "ops")
    result = runner.invoke(app, ["token", "revoke", "feedbeef0000", "--tokens-file", str(tokens)])
    assert result.exit_code == 1
    assert "feedbeef0000" in result.output


def _expire(tokens: Path, token_id: str) -> None:
    data = json.loads(tokens.read_text())
    data["tokens"][token_id]["expires_at"] = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    tokens.write_text(json.dumps(data))


def test_a_token_with_an_expiry_is_refused_after_it(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    token = _create(tokens, "--name", "portal", "--scope", "feed:read", "--expires-in", "2h")
    token_id = token.split("_")[1]
    entry = json.loads(tokens.read_text())["tokens"][token_id]
    left = datetime.fromisoformat(entry["expires_at"]) - datetime.now(UTC)
    assert timedelta(hours=1, minutes=59) < left <= timedelta(hours=2)
    assert TokenStore(tokens).verify(token) is not None
    _expire(tokens, token_id)
    assert TokenStore(tokens).verify(token) is None
    listed = runner.invoke(app, ["token", "list", "--tokens-file", str(tokens)])
    assert "expires" in listed.output
    never = _create(tokens, "--name", "operator", "--scope", "ops")
    assert "expires_at" not in json.loads(tokens.read_text())["tokens"][never.split("_")[1]]
    bad = runner.invoke(app, ["token", "create", "--tokens-file", str(tokens), "--name", "x",
                              "--scope", "ops", "--expires-in", "forever"])  # fmt: skip
    assert bad.exit_code != 0
    assert "duration" in bad.output


def test_last_use_is_recorded_at_most_once_a_minute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = tmp_path / "tokens.json"
    token = _create(tokens, "--name", "reader", "--scope", "registry:read")
    token_id = token.split("_")[1]
    store = TokenStore(tokens)
    assert store.last_used(token_id) is None
    assert store.verify(token) is not None
    record = store.last_used_dir / token_id
    first = store.last_used(token_id)
    assert first is not None
    assert abs(datetime.now(UTC) - first) < timedelta(seconds=5)
    record.unlink()
    for _ in range(50):  # requests within the minute write nothing
        assert store.verify(token) is not None
    assert not record.exists()
    monkeypatch.setattr(auth, "LAST_USE_EVERY", 0.0)  # a minute later
    assert store.verify(token) is not None
    assert record.exists()
    listed = runner.invoke(app, ["token", "list", "--tokens-file", str(tokens)])
    assert first.isoformat()[:10] in listed.output.split("reader", 1)[1]
    # Revoking forgets the record too.
    store.revoke(token_id)
    assert not record.exists()


def test_a_read_only_tokens_directory_costs_the_record_not_the_request(tmp_path: Path) -> None:
    tokens = tmp_path / "secret" / "tokens.json"
    token = _create(tokens, "--name", "reader", "--scope", "registry:read")
    tokens.parent.chmod(0o500)
    try:
        store = TokenStore(tokens)
        if os.access(tokens.parent, os.W_OK):  # root ignores the mode: use a file in the way
            tokens.parent.chmod(0o700)
            store.last_used_dir.write_text("not a directory")
        assert store.verify(token) is not None
        assert store.last_used(token.split("_")[1]) is None
    finally:
        tokens.parent.chmod(0o700)


def test_list_in_json_never_shows_a_secret(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    token = _create(tokens, "--name", "agency-sync", "--scope", "registry:read",
                    "--owner", "agency:se-1", "--expires-in", "90d")  # fmt: skip
    _create(tokens, "--name", "ops", "--scope", "ops")
    assert TokenStore(tokens).verify(token) is not None  # a use, recorded as last use
    listed = runner.invoke(app, ["token", "list", "--tokens-file", str(tokens), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["owner"], r["scopes"]) for r in rows] == [
        ("agency-sync", "agency:se-1", ["registry:read"]),
        ("ops", "operator", ["ops"]),
    ]
    assert rows[0]["id"] in token
    assert rows[0]["expires"] is not None
    assert rows[1]["expires"] is None
    assert token.split("_", 2)[2] not in listed.stdout
    empty = runner.invoke(app, ["token", "list", "--tokens-file", str(tmp_path / "n.json"),
                                "--json"])  # fmt: skip
    assert json.loads(empty.stdout) == []


def test_no_node_is_assumed(tmp_path: Path) -> None:
    result = runner.invoke(app, ["token", "list", "--var", str(tmp_path)])
    assert result.exit_code == 2
    assert "--node" in result.output
