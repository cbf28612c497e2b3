"""Ed25519 node keys: the private key stays in one 0600 file on the node; the public key travels.

A public key is written ``ed25519:<base64url of its 32 raw bytes, no padding>``; its fingerprint
(what operators read to each other out of band) is the first 16 bytes of its SHA-256 in eight
groups of four hex digits.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PREFIX = "ed25519:"


class KeyFileError(ValueError):
    """A key file that cannot be used: missing, readable by others, or not an Ed25519 key."""


def b64(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    """The bytes of base64url text (padding optional); ``ValueError`` when it is not base64url."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url text") from exc


@dataclass(frozen=True)
class PublicKey:
    """A node's public signing key (32 raw bytes).

    Example::

        key = PublicKey.parse("ed25519:…")
        key.fingerprint            # '3f2a-91c0-…' (8 groups of 4 hex digits)
        key.verify(data, signature)  # True or False, never raises
    """

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise ValueError("an Ed25519 public key has 32 bytes")

    @classmethod
    def parse(cls, text: str) -> PublicKey:
        """Read ``ed25519:<base64url>``; ``ValueError`` naming what is wrong."""
        if not isinstance(text, str) or not text.startswith(PREFIX):
            raise ValueError(f"a public key starts with {PREFIX!r}")
        return cls(unb64(text[len(PREFIX) :]))

    @property
    def text(self) -> str:
        """``ed25519:<base64url>``, as documents carry it."""
        return PREFIX + b64(self.raw)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw key, first 16 bytes, as ``xxxx-xxxx-…`` (8 groups)."""
        digest = hashlib.sha256(self.raw).hexdigest()[:32]
        return "-".join(digest[i : i + 4] for i in range(0, 32, 4))

    def verify(self, data: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``data``."""
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def __str__(self) -> str:
        return self.text


class NodeKey:
    """A node's private signing key. Never serialised anywhere but its own 0600 file.

    Example::

        key = NodeKey.generate()
        key.save(Path("var/se/identity.key"))     # 0600, refuses to overwrite
        key = NodeKey.load(Path("var/se/identity.key"))
        signature = key.sign(b"...")
    """

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = PublicKey(raw)

    @classmethod
    def generate(cls) -> NodeKey:
        """A fresh random key."""
        return cls(Ed25519PrivateKey.generate())

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``."""
        return self._private.sign(data)

    def save(self, path: Path, *, overwrite: bool = False) -> None:
        """Write the key as PKCS#8 PEM, mode 0600 (created so: never readable by others)."""
        pem = self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        os.chmod(tmp, 0o600)
        if path.exists() and not overwrite:
            tmp.unlink()
            raise KeyFileError(f"{path} exists; a node key is never overwritten silently")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> NodeKey:
        """Read a key file; refuses one that group or others may read."""
        try:
            mode = path.stat().st_mode
        except FileNotFoundError as exc:
            raise KeyFileError(f"no node key at {path}: run `concordia node init`") from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(f"{path} is readable by others ({oct(mode & 0o777)}); chmod 600")
        try:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError as exc:
            raise KeyFileError(f"{path} does not hold a PEM private key") from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyFileError(f"{path} does not hold an Ed25519 key")
        return cls(private)

    @classmethod
    def load_or_create(cls, path: Path) -> NodeKey:
        """The key in ``path``, made there first if there is none."""
        if not path.exists():
            cls.generate().save(path)
        return cls.load(path)

    def __repr__(self) -> str:  # never the private key
        return f"NodeKey({self.public.fingerprint})"
