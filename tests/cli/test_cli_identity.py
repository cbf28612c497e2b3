"""Node identity on disk: `node init` makes the signing key, the hub learns only the public key,
the directory is proposed, signed, pinned and moved on by the members, and a key rotates."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from concordia.cli.hubinit import add_node, init_hub
from concordia.cli.identity import (
    DIRECTORY_FILE,
    IDENTITY_KEY,
    PROPOSAL_FILE,
    demo_directory,
    pinned,
)
from concordia.cli.main import app
from concordia.cli.nodeinit import init_node, read_env
from concordia.cli.status import identities
from concordia.identity import DirectoryPin, DirectoryRefusedError, NodeKey, PublicKey

runner = CliRunner()


def make(tmp_path: Path, codes: tuple[str, ...]) -> Path:
    hub = tmp_path / "hub"
    init_hub(hub, port=4999, monitor_port=8999, leaf_port=7999)
    for code in codes:
        files = init_node(tmp_path / code, code, f"Testland {code.upper()}")
        result = runner.invoke(app, ["hub", "add-node", str(files.join), "--dir", str(hub)])
        assert result.exit_code == 0, result.output
    return hub


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_node_init_makes_a_private_key_and_only_the_public_key_leaves(tmp_path: Path) -> None:
    files = init_node(tmp_path / "se", "se", "Testland SE")
    key_file = files.root / IDENTITY_KEY
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = NodeKey.load(key_file)
    join = json.loads(files.join.read_text())
    assert PublicKey.parse(join["public_key"]) == key.public
    assert join["fingerprint"] == key.public.fingerprint
    public = json.loads((files.root / "node.json").read_text())
    assert public["fingerprint"] == key.public.fingerprint
    assert "PRIVATE" not in files.join.read_text() + (files.root / "node.json").read_text()
    env = read_env(files.root / "node.env")
    assert env["CONCORDIA_IDENTITY_KEY_FILE"] == str(key_file)
    assert env["CONCORDIA_IDENTITY_DIRECTORY_FILE"] == str(files.root / DIRECTORY_FILE)
    # --force makes new passwords, never a new signing key.
    init_node(tmp_path / "se", "se", "Testland SE", force=True)
    assert NodeKey.load(key_file).public == key.public


def test_the_hub_keeps_the_public_key_and_refuses_a_malformed_one(tmp_path: Path) -> None:
    hub = make(tmp_path, ("se",))
    node = json.loads((hub / "nodes" / "se.json").read_text())
    assert node["public_key"] == NodeKey.load(tmp_path / "se" / IDENTITY_KEY).public.text
    with pytest.raises(ValueError, match="ed25519"):
        add_node(hub, "pl", "Testland PL", "pw", public_key="rsa:AAAA")
    assert not (hub / "nodes" / "pl.json").exists()


def test_propose_sign_pin_and_move_the_directory(tmp_path: Path) -> None:
    hub = make(tmp_path, ("se", "pl", "de"))
    invoke("hub", "propose-directory", "--dir", str(hub))
    proposal = hub / PROPOSAL_FILE
    # Pinning a directory nobody signed is refused.
    result = runner.invoke(
        app, ["node", "pin-directory", str(proposal), "--dir", str(tmp_path / "se")]
    )
    assert result.exit_code == 1
    assert "unsigned" in result.output
    for code in ("se", "pl"):
        invoke("node", "sign-directory", str(proposal), "--dir", str(tmp_path / code))
    invoke("hub", "accept-directory", str(proposal), "--dir", str(hub))
    first = (hub / DIRECTORY_FILE).read_text()
    for code in ("se", "pl", "de"):
        output = invoke(
            "node", "pin-directory", str(hub / DIRECTORY_FILE), "--dir", str(tmp_path / code)
        )
        assert NodeKey.load(tmp_path / "se" / IDENTITY_KEY).public.fingerprint in output
    # A fourth country joins: a proposal signed by the newcomer and one old member is refused…
    files = init_node(tmp_path / "fi", "fi", "Testland FI")
    invoke("hub", "add-node", str(files.join), "--dir", str(hub))
    invoke("hub", "propose-directory", "--dir", str(hub))
    for code in ("fi", "se"):
        invoke("node", "sign-directory", str(proposal), "--dir", str(tmp_path / code))
    result = runner.invoke(
        app, ["node", "pin-directory", str(proposal), "--dir", str(tmp_path / "de")]
    )
    assert result.exit_code == 1
    assert "not_enough_signatures" in result.output
    assert set(pinned(tmp_path / "de").keys()) == {"se", "pl", "de"}  # type: ignore[union-attr]
    # …and with a second old member it is taken, at the hub and at every node.
    invoke("node", "sign-directory", str(proposal), "--dir", str(tmp_path / "pl"))
    invoke("hub", "accept-directory", str(proposal), "--dir", str(hub))
    for code in ("se", "pl", "de", "fi"):
        invoke("node", "pin-directory", str(hub / DIRECTORY_FILE), "--dir", str(tmp_path / code))
        assert pinned(tmp_path / code).directory.serial == 2  # type: ignore[union-attr]
    # Replaying the first directory (properly signed, but old) is refused.
    old = tmp_path / "first.json"
    old.write_text(first)
    result = runner.invoke(app, ["node", "pin-directory", str(old), "--dir", str(tmp_path / "se")])
    assert result.exit_code == 1
    assert "stale_serial" in result.output


def test_a_rotated_key_keeps_the_node_in_the_coalition(tmp_path: Path) -> None:
    hub = make(tmp_path, ("se", "pl", "de"))
    roots = [tmp_path / c for c in ("se", "pl", "de")]
    demo_directory(hub, roots)
    old = NodeKey.load(tmp_path / "pl" / IDENTITY_KEY).public
    output = invoke("node", "rotate-identity", "--dir", str(tmp_path / "pl"))
    new = NodeKey.load(tmp_path / "pl" / IDENTITY_KEY).public
    assert new != old
    assert (tmp_path / "pl" / IDENTITY_KEY).stat().st_mode & 0o777 == 0o600
    assert new.fingerprint in output
    assert json.loads((tmp_path / "pl" / "hub-join.json").read_text())["public_key"] == new.text
    rotation = tmp_path / "pl" / "directory-rotation.json"
    # The other members and the hub accept it on pl's old key (and its new one).
    invoke("hub", "accept-directory", str(rotation), "--dir", str(hub))
    for code in ("se", "de"):
        invoke("node", "pin-directory", str(rotation), "--dir", str(tmp_path / code))
        assert pinned(tmp_path / code).keys()["pl"] == new  # type: ignore[union-attr]
    # The hub learns the new key from the same join file (same passwords).
    invoke("hub", "add-node", str(tmp_path / "pl" / "hub-join.json"), "--dir", str(hub))
    assert json.loads((hub / "nodes" / "pl.json").read_text())["public_key"] == new.text
    # A rotation made by someone else with pl's name is refused everywhere.
    pin = pinned(tmp_path / "se")
    assert pin is not None
    thief = NodeKey.generate()
    forged = pin.directory.with_key("pl", thief.public).document().signed("pl", thief)
    with pytest.raises(DirectoryRefusedError):
        pin.check(forged)


def test_demo_directory_is_kept_while_members_and_keys_match(tmp_path: Path) -> None:
    hub = make(tmp_path, ("se", "pl"))
    roots = [tmp_path / "se", tmp_path / "pl"]
    first = demo_directory(hub, roots)
    stamp = os.stat(hub / DIRECTORY_FILE).st_mtime_ns
    assert demo_directory(hub, roots) == first
    assert os.stat(hub / DIRECTORY_FILE).st_mtime_ns == stamp
    DirectoryPin.load(hub / DIRECTORY_FILE)  # what the hub relays is what the nodes pinned
    assert all(pinned(r).directory == first for r in roots)  # type: ignore[union-attr]


def test_status_shows_every_fingerprint_and_a_key_nobody_confirmed(tmp_path: Path) -> None:
    make(tmp_path, ("se", "pl"))
    demo_directory(tmp_path / "hub", [tmp_path / "se", tmp_path / "pl"])
    out = tmp_path / "out.txt"
    with out.open("w") as handle:
        Console(file=handle, width=300).print(identities(tmp_path, ["se", "pl"]))
    text = out.read_text()
    for code in ("se", "pl"):
        assert NodeKey.load(tmp_path / code / IDENTITY_KEY).public.fingerprint in text
    assert "differs" not in text
    # pl's key replaced behind everybody's back: status says so.
    (tmp_path / "pl" / IDENTITY_KEY).unlink()
    invoke("node", "init", "--code", "pl", "--name", "X", "--dir", str(tmp_path / "pl"), "--force")
    with out.open("w") as handle:
        Console(file=handle, width=300).print(identities(tmp_path, ["se", "pl"]))
    assert "differs" in out.read_text()
