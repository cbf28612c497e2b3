"""Node identity (who signs) and canonical bytes (what is signed).

The real node identity (Ed25519 node keys and the coalition's signed directory) lives in
``concordia.identity``; this library needs only the small :class:`Identity` protocol below, and
ships :class:`KeyIdentity`, a plain implementation over Ed25519 keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


@runtime_checkable
class Identity(Protocol):
    """A node's signing key and the directory of every node's public key."""

    @property
    def node(self) -> str:
        """The node's code (``se``)."""
        ...

    def sign(self, data: bytes) -> bytes:
        """This node's signature of ``data``."""
        ...

    def verify(self, node: str, data: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ``node``'s over ``data`` (False for a node not listed)."""
        ...


class Verifier(Protocol):
    """The hub's side: it signs nothing, it checks signatures against the directory."""

    def verify(self, node: str, data: bytes, signature: bytes) -> bool: ...


class KeyIdentity:
    """An :class:`Identity` over an Ed25519 private key and a directory of public keys."""

    def __init__(
        self, node: str, key: Ed25519PrivateKey, directory: Mapping[str, Ed25519PublicKey]
    ) -> None:
        self._node, self._key, self._directory = node, key, dict(directory)

    @property
    def node(self) -> str:
        return self._node

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    def verify(self, node: str, data: bytes, signature: bytes) -> bool:
        return verify_with(self._directory, node, data, signature)


class KeyDirectory:
    """A :class:`Verifier` over a mapping of node codes to Ed25519 public keys."""

    def __init__(self, directory: Mapping[str, Ed25519PublicKey]) -> None:
        self._directory = dict(directory)

    def verify(self, node: str, data: bytes, signature: bytes) -> bool:
        return verify_with(self._directory, node, data, signature)


def verify_with(
    directory: Mapping[str, Ed25519PublicKey], node: str, data: bytes, signature: bytes
) -> bool:
    key = directory.get(node)
    if key is None:
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def key_identities(nodes: list[str]) -> dict[str, KeyIdentity]:
    """Fresh Ed25519 identities for ``nodes`` sharing one directory (tests, benchmarks, demos)."""
    keys = {node: Ed25519PrivateKey.generate() for node in nodes}
    directory = {node: key.public_key() for node, key in keys.items()}
    return {node: KeyIdentity(node, key, directory) for node, key in keys.items()}


def canonical(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``, hex."""
    return hashlib.sha256(canonical(value)).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
