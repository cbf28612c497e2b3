"""concordia.core.settings: the development node key never runs in production."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import ValidationError

from concordia.core.settings import DEV_NODE_KEY, CoreSettings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the process environment: start every test from none of ours."""
    for name in list(os.environ):
        if name.startswith("CONCORDIA_"):
            monkeypatch.delenv(name)


def _random_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_prod_is_the_default_and_refuses_the_dev_key() -> None:
    with pytest.raises(ValidationError, match="development node key is refused"):
        CoreSettings()


def test_prod_refuses_the_dev_key_given_explicitly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCORDIA_ENV", "prod")
    monkeypatch.setenv("CONCORDIA_NODE_KEY", DEV_NODE_KEY)
    with pytest.raises(ValidationError, match="CONCORDIA_NODE_KEY"):
        CoreSettings()


@pytest.mark.parametrize("env", ["dev", "test"])
def test_dev_and_test_accept_the_dev_key(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv("CONCORDIA_ENV", env)
    settings = CoreSettings()
    assert settings.node_key_bytes == b"concordia-development-key-32byte"


def test_prod_runs_with_its_own_key(monkeypatch: pytest.MonkeyPatch) -> None:
    key = _random_key()
    monkeypatch.setenv("CONCORDIA_NODE_KEY", key)
    monkeypatch.setenv("CONCORDIA_NODE", "SE")
    settings = CoreSettings()
    assert settings.env == "prod"
    assert settings.node == "se"
    assert settings.node_key_bytes == base64.urlsafe_b64decode(key)
    assert key not in repr(settings)  # a SecretStr: never in logs or tracebacks


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (base64.urlsafe_b64encode(b"sixteen-byte-key").decode(), "32 bytes"),
        ("not base64 at all!", "url-safe base64"),
    ],
)
def test_malformed_keys_are_refused_everywhere(key: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CoreSettings(env="dev", node_key=key)


@pytest.mark.parametrize("node", ["sweden", "s", "s1", ""])
def test_node_must_be_a_two_letter_code(node: str) -> None:
    with pytest.raises(ValidationError, match="two-letter"):
        CoreSettings(env="dev", node=node)


def test_hub_is_a_valid_node_code() -> None:
    assert CoreSettings(env="dev", node="hub").node == "hub"


_CANONICAL = DEV_NODE_KEY
# The same 32 bytes: a trailing newline (a key file read whole) and other final padding bits.
_VARIANTS = [
    _CANONICAL,
    _CANONICAL + "\n",
    _CANONICAL[:-2] + chr(ord(_CANONICAL[-2]) + 1) + "=",
]


@pytest.mark.parametrize("spelling", _VARIANTS, ids=["canonical", "newline", "loose-bits"])
def test_the_development_key_is_refused_in_prod(spelling: str) -> None:
    assert base64.urlsafe_b64decode(spelling.encode()) == base64.urlsafe_b64decode(_CANONICAL)
    with pytest.raises(ValidationError, match="development node key"):
        CoreSettings(env="prod", node_key=spelling)


def test_a_real_key_is_accepted_in_prod_and_the_dev_key_in_test() -> None:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    assert CoreSettings(env="prod", node_key=key).node_key_bytes == base64.urlsafe_b64decode(key)
    assert CoreSettings(env="test", node_key=_VARIANTS[1]).env == "test"
