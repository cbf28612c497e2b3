"""A node's identity on disk: its signing key, the directory it pinned, rotation and signing.

Files in a node's directory (``var/<code>``):

* ``identity.key`` (0600): the node's Ed25519 signing key (``concordia node init`` makes it; it
  never leaves the node; ``--force`` keeps it);
* ``directory.json``: the coalition directory the node pinned (``concordia node pin-directory``
  at join; later ones only with the pinned members' signatures).

The hub keeps ``directory.json`` too (the newest signed directory, which it relays: it cannot
sign one) and ``directory-proposal.json`` (``concordia hub propose-directory``: the next
directory from every member's public key, for the members to sign).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from concordia.cli._layout import read_json, write_json
from concordia.identity import (
    Directory,
    DirectoryPin,
    DirectoryRefusedError,
    KeyFileError,
    Member,
    NodeKey,
    PublicKey,
    SignedDocument,
)

IDENTITY_KEY = "identity.key"
DIRECTORY_FILE = "directory.json"
PROPOSAL_FILE = "directory-proposal.json"
ROTATION_FILE = "directory-rotation.json"

DirOpt = Annotated[Path, typer.Option("--dir", help="The node's directory (var/<code>).")]


def identity_key(root: Path) -> NodeKey:
    """The node's signing key in ``root/identity.key``, made there on first use."""
    return NodeKey.load_or_create(root / IDENTITY_KEY)


def read_document(path: Path) -> SignedDocument:
    """A signed document from a JSON file; ``ValueError`` naming the file."""
    try:
        return SignedDocument.model_validate(json.loads(path.read_text()))
    except (OSError, ValueError, ValidationError) as exc:
        raise ValueError(f"{path} is not a signed document: {exc}") from exc


def write_document(path: Path, document: SignedDocument) -> None:
    """Write a signed document (nothing secret in it)."""
    write_json(path, document.model_dump(mode="json"))


def node_code(root: Path) -> str:
    """The node's code from its ``node.json``."""
    public = read_json(root / "node.json")
    if not public or "code" not in public:
        raise ValueError(f"{root} holds no node (no node.json): run `concordia node init`")
    return str(public["code"])


def pinned(root: Path) -> DirectoryPin | None:
    """The directory the node in ``root`` pinned, or None."""
    path = root / DIRECTORY_FILE
    return DirectoryPin.load(path) if path.exists() else None


def pin_directory(root: Path, document: SignedDocument) -> Directory:
    """Pin ``document`` at the node: the first as given (its members' signatures), later ones
    only with the pinned members' (``DirectoryRefusedError`` otherwise, the pin unchanged)."""
    pin = pinned(root)
    if pin is None:
        pin = DirectoryPin.first(document)
    else:
        pin.accept(document)
    pin.save(root / DIRECTORY_FILE)
    return pin.directory


def sign_document(root: Path, document: SignedDocument) -> SignedDocument:
    """``document`` with this node's signature added."""
    return document.signed(node_code(root), NodeKey.load(root / IDENTITY_KEY))


def publish_key(root: Path, key: PublicKey) -> None:
    """Write the public key into ``node.json`` and ``hub-join.json`` (what leaves the node)."""
    public = read_json(root / "node.json") or {}
    public |= {"public_key": key.text, "fingerprint": key.fingerprint}
    write_json(root / "node.json", public)
    join_path = root / "hub-join.json"
    if join_path.exists():
        from concordia.cli._layout import write_private

        join = json.loads(join_path.read_text()) | {
            "public_key": key.text, "fingerprint": key.fingerprint
        }  # fmt: skip
        write_private(join_path, json.dumps(join, indent=2) + "\n")


def rotate_identity(root: Path) -> tuple[PublicKey, PublicKey, Path | None]:
    """A new signing key for the node; the old one signs the next directory with the new one.

    Returns the old and new public keys and, when the node pinned a directory, the file of the
    rotated directory (signed by the old and the new key) to give to the hub, which relays it:
    every member accepts it on those two signatures. The old key file is replaced.
    """
    code = node_code(root)
    old = NodeKey.load(root / IDENTITY_KEY)
    new = NodeKey.generate()
    rotation: Path | None = None
    pin = pinned(root)
    if pin is not None:
        if pin.directory.member(code) is None:
            raise ValueError(f"{code} is not in the directory it pinned: nothing to rotate there")
        if pin.keys()[code] != old.public:
            raise ValueError(f"{root / IDENTITY_KEY} is not the key the directory lists for {code}")
        document = pin.directory.with_key(code, new.public).document()
        document = document.signed(code, old).signed(code, new)
        pin.accept(document)  # the same check every member makes
        rotation = root / ROTATION_FILE
        write_document(rotation, document)
        pin.save(root / DIRECTORY_FILE)
    new.save(root / IDENTITY_KEY, overwrite=True)
    publish_key(root, new.public)
    return old.public, new.public, rotation


def propose_directory(hub_root: Path, *, threshold: int | None = None) -> SignedDocument:
    """The next directory from every member the hub knows (``nodes/<code>.json`` public keys).

    Written to ``hub_root/directory-proposal.json`` unsigned, for the members to sign.
    """
    current = hub_root / DIRECTORY_FILE
    serial = read_document(current).body.get("serial", 0) if current.exists() else 0
    members = []
    for path in sorted((hub_root / "nodes").glob("*.json")):
        node = json.loads(path.read_text())
        if not node.get("public_key"):
            raise ValueError(f"{path} has no public_key: add the node again from its hub-join.json")
        members.append(
            Member(code=node["code"], name=node.get("name", node["code"]),
                   public_key=node["public_key"])
        )  # fmt: skip
    if not members:
        raise ValueError(f"no members in {hub_root / 'nodes'}")
    directory = Directory(serial=int(serial) + 1, members=tuple(members), threshold=threshold)
    document = directory.document()
    write_document(hub_root / PROPOSAL_FILE, document)
    return document


def demo_directory(hub_root: Path, node_roots: list[Path]) -> Directory:
    """``concordia up``: a directory of every node, signed by all (the demo holds every key),
    pinned at each node and kept at the hub; kept as it is while members and keys match."""
    keys = {node_code(root): identity_key(root) for root in node_roots}
    members = tuple(
        Member(code=code, name=str((read_json(root / "node.json") or {}).get("name", code)),
               public_key=keys[code].public.text)
        for code, root in zip(keys, node_roots, strict=True)
    )  # fmt: skip
    pins = [pinned(root) for root in node_roots]
    serial = max((p.directory.serial for p in pins if p is not None), default=0)
    if serial and all(p is not None and p.directory.members == members for p in pins):
        assert pins[0] is not None
        if not (hub_root / DIRECTORY_FILE).exists():
            write_document(hub_root / DIRECTORY_FILE, pins[0].document)
        return pins[0].directory
    directory = Directory(serial=serial + 1, members=members)
    document = directory.document()
    for code, key in keys.items():
        document = document.signed(code, key)
    for root in node_roots:  # the demo's operator runs every node: pinned as made
        DirectoryPin.first(document).save(root / DIRECTORY_FILE)
    write_document(hub_root / DIRECTORY_FILE, document)
    return directory


def accept_at_hub(hub_root: Path, document: SignedDocument) -> Directory:
    """The hub keeps ``document`` as the current directory if its own copy's members signed it
    (the hub checks as a node would; it relays, it cannot sign)."""
    path = hub_root / DIRECTORY_FILE
    pin = DirectoryPin.load(path) if path.exists() else None
    if pin is None:
        pin = DirectoryPin.first(document)
    else:
        pin.accept(document)
    pin.save(path)
    (hub_root / PROPOSAL_FILE).unlink(missing_ok=True)
    return pin.directory


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, soft_wrap=True).print(f"[red]{message}[/]")
    return typer.Exit(1)


def rotate_identity_command(dir: DirOpt) -> None:
    """Make a new signing key for the node; its old key signs the rotated directory."""
    try:
        old, new, rotation = rotate_identity(dir)
    except (ValueError, KeyFileError, DirectoryRefusedError) as exc:
        raise _fail(str(exc)) from exc
    console = Console(soft_wrap=True)
    console.print(f"Old key {old.fingerprint}\nNew key {new.fingerprint}")
    console.print("Read the new fingerprint to the other members out of band.")
    if rotation is not None:
        console.print(
            f"Give {rotation} to the hub (`concordia hub accept-directory`) and every member "
            "(`concordia node pin-directory`): they accept it on your old key's signature."
        )


def pin_directory_command(
    file: Annotated[Path, typer.Argument(help="The signed directory (directory.json).")],
    dir: DirOpt,
) -> None:
    """Pin the coalition directory at join, or move the pin to a newer, properly signed one."""
    try:
        directory = pin_directory(dir, read_document(file))
    except (ValueError, DirectoryRefusedError) as exc:
        raise _fail(str(exc)) from exc
    console = Console(soft_wrap=True)
    console.print(f"Pinned directory {directory.serial}; compare every fingerprint out of band:")
    for member in directory.members:
        console.print(f"  {member.code}  {member.key.fingerprint}  {member.name}")


def sign_directory_command(
    file: Annotated[Path, typer.Argument(help="A directory proposal to sign (in place).")],
    dir: DirOpt,
) -> None:
    """Add this node's signature to a directory proposal (after reading it)."""
    try:
        document = read_document(file)
        Directory.model_validate(document.body)  # a directory, or refused before signing
        write_document(file, sign_document(dir, document))
    except (ValueError, KeyFileError) as exc:
        raise _fail(str(exc)) from exc
    Console(soft_wrap=True).print(f"Signed {file} as {node_code(dir)}.")


def propose_directory_command(
    dir: Annotated[Path, typer.Option("--dir", help="The hub's directory.")] = Path("var/hub"),
    threshold: Annotated[
        int | None, typer.Option(min=1, help="Signatures a change needs (default: majority).")
    ] = None,
) -> None:
    """Write the next directory (every member's public key) for the members to sign."""
    try:
        document = propose_directory(dir, threshold=threshold)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    console = Console(soft_wrap=True)
    console.print(f"Proposed directory {document.body['serial']}: {dir / PROPOSAL_FILE}")
    console.print("Each member signs it: concordia node sign-directory FILE --dir var/<code>")


def accept_directory_command(
    file: Annotated[Path, typer.Argument(help="The signed directory.")],
    dir: Annotated[Path, typer.Option("--dir", help="The hub's directory.")] = Path("var/hub"),
) -> None:
    """Keep a directory signed by enough members as the hub's current one (to relay)."""
    try:
        directory = accept_at_hub(dir, read_document(file))
    except (ValueError, DirectoryRefusedError) as exc:
        raise _fail(str(exc)) from exc
    Console(soft_wrap=True).print(f"Directory {directory.serial} is current at the hub.")
