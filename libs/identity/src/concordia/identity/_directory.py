"""The coalition directory: its members, their public keys and roles, as a signed document.

A node pins the first directory it is given at join (after its operator compared the
fingerprints with the other members out of band). From then on it accepts a newer directory only

* when at least the pinned directory's threshold (m of its n members; a simple majority by
  default) signed it with the keys the pinned directory lists, or
* for a key rotation (the new directory differs from the pinned one only in one member's key)
  when that member signed it with its old key *and* its new one (the old key vouches for the
  new, the new proves it is held).

An older or equal ``serial`` is refused (a replayed directory), whoever signed it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from concordia.identity._documents import (
    NODE_CODE,
    SignedDocument,
    required_signatures,
    shortfall,
    signing_input,
)
from concordia.identity._keys import PublicKey

DIRECTORY = "directory"
#: Reason codes of a refused directory (besides those of ``shortfall``).
STALE = "stale_serial"
NOT_A_DIRECTORY = "not_a_directory"


class Member(BaseModel):
    """One member state's node: its code, name, public key and roles.

    Example::

        Member(code="se", name="Sweden", public_key="ed25519:…", roles=("member", "ledger"))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=NODE_CODE)
    name: str = Field(min_length=1, max_length=128)
    public_key: str = Field(max_length=64)
    roles: tuple[str, ...] = Field(default=("member",), max_length=16)

    @field_validator("public_key")
    @classmethod
    def _key(cls, value: str) -> str:
        PublicKey.parse(value)
        return value

    @property
    def key(self) -> PublicKey:
        """The parsed public key."""
        return PublicKey.parse(self.public_key)


class Directory(BaseModel):
    """The coalition's members; ``serial`` grows with every change.

    ``threshold``: how many members must sign a change (of the directory, and the default of
    the charter); None: a simple majority.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    serial: int = Field(ge=1)
    members: tuple[Member, ...] = Field(min_length=1, max_length=64)
    threshold: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        codes = [m.code for m in self.members]
        if len(set(codes)) != len(codes):
            raise ValueError("a member appears twice")
        if self.threshold is not None and self.threshold > len(codes):
            raise ValueError("threshold above the number of members")
        return self

    def keys(self) -> dict[str, PublicKey]:
        """Member code -> public key."""
        return {m.code: m.key for m in self.members}

    def member(self, code: str) -> Member | None:
        """The member ``code``, or None."""
        return next((m for m in self.members if m.code == code), None)

    def required(self) -> int:
        """How many members must sign a change."""
        return required_signatures(len(self.members), self.threshold)

    def document(self) -> SignedDocument:
        """The unsigned document of this directory (add signatures with ``signed``)."""
        return SignedDocument(kind=DIRECTORY, body=self.model_dump(mode="json"))

    def with_key(self, code: str, key: PublicKey) -> Directory:
        """The next directory: ``code``'s key replaced by ``key`` (a rotation)."""
        members = tuple(
            m.model_copy(update={"public_key": key.text}) if m.code == code else m
            for m in self.members
        )
        return self.model_copy(update={"serial": self.serial + 1, "members": members})


class DirectoryRefusedError(ValueError):
    """A directory the pin does not accept; ``reasons`` are codes."""

    def __init__(self, reasons: tuple[str, ...]) -> None:
        super().__init__(f"directory refused: {', '.join(reasons)}")
        self.reasons = reasons


def parse_directory(document: SignedDocument) -> Directory:
    """The directory a document carries; ``DirectoryRefusedError`` if it carries none."""
    if document.kind != DIRECTORY:
        raise DirectoryRefusedError((NOT_A_DIRECTORY,))
    try:
        return Directory.model_validate(document.body)
    except ValidationError as exc:
        raise DirectoryRefusedError((NOT_A_DIRECTORY,)) from exc


def rotated_member(old: Directory, new: Directory) -> str | None:
    """The one member whose key alone changed from ``old`` to ``new``, or None."""
    if old.threshold != new.threshold or len(old.members) != len(new.members):
        return None
    changed: list[str] = []
    for before, after in zip(old.members, new.members, strict=True):
        if before.model_copy(update={"public_key": after.public_key}) != after:
            return None
        if before.public_key != after.public_key:
            changed.append(before.code)
    return changed[0] if len(changed) == 1 else None


class DirectoryPin:
    """The directory a node trusts: pinned at join, moved on only by its members' signatures.

    Example::

        pin = DirectoryPin.first(document)        # at join; the members' own signatures hold
        pin.accept(newer_document)                # DirectoryRefusedError unless m of pin signed
        pin.keys()["pl"].verify(data, signature)
    """

    def __init__(self, document: SignedDocument, directory: Directory) -> None:
        self.document, self.directory = document, directory

    @classmethod
    def first(cls, document: SignedDocument) -> DirectoryPin:
        """Pin ``document``: its own members must have signed it (m of n of its own keys)."""
        directory = parse_directory(document)
        reasons = shortfall(
            document.kind, document.body, document.signatures, directory.keys(),
            directory.required(),
        )  # fmt: skip
        if reasons:
            raise DirectoryRefusedError(reasons)
        return cls(document, directory)

    def keys(self) -> dict[str, PublicKey]:
        """Member code -> public key, as pinned."""
        return self.directory.keys()

    def check(self, document: SignedDocument) -> Directory:
        """The directory ``document`` carries if the pin would accept it; else refused."""
        new = parse_directory(document)
        old = self.directory
        if new.serial <= old.serial:
            raise DirectoryRefusedError((STALE,))
        rotated = rotated_member(old, new)
        if rotated is not None and self._rotation_signed(document, rotated, new):
            return new
        reasons = shortfall(
            document.kind, document.body, document.signatures, old.keys(), old.required()
        )
        if reasons:
            raise DirectoryRefusedError(reasons)
        return new

    def _rotation_signed(self, document: SignedDocument, code: str, new: Directory) -> bool:
        data = signing_input(document.kind, document.body)
        old_key, new_member = self.keys()[code], new.member(code)
        assert new_member is not None
        mine = [s for s in document.signatures if s.signer == code]
        return any(s.verifies(data, old_key) for s in mine) and any(
            s.verifies(data, new_member.key) for s in mine
        )

    def accept(self, document: SignedDocument) -> Directory:
        """Move the pin to ``document`` if its signatures allow; refused otherwise (kept as is)."""
        self.directory = self.check(document)
        self.document = document
        return self.directory

    # Files: the pin lives next to the node key, readable by the node's services.

    @classmethod
    def load(cls, path: Path) -> DirectoryPin:
        """The pin kept in ``path`` by ``save`` (the node's own record: checked when it moved)."""
        document = SignedDocument.model_validate(json.loads(path.read_text()))
        return cls(document, parse_directory(document))

    def save(self, path: Path) -> None:
        """Write the pinned document atomically (0644: nothing secret)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.document.model_dump_json(indent=2) + "\n")
        os.chmod(tmp, 0o644)
        tmp.replace(path)
