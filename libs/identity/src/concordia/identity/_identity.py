"""``NodeIdentity``: what a node's code signs and checks with (its key, the pinned directory)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from concordia.identity._directory import Directory, DirectoryPin
from concordia.identity._documents import Signature, SignedDocument, sign
from concordia.identity._keys import NodeKey, PublicKey

#: Raw signatures (``NodeIdentity.sign``) cover this prefix and the bytes: never a document's.
RAW_DOMAIN = b"concordia-raw-v1\n"


class NodeIdentity:
    """The node's signing key and the directory it pinned.

    Example::

        identity = NodeIdentity.from_files("se", Path("var/se/identity.key"),
                                           Path("var/se/directory.json"))
        signature = identity.sign(b"share of round 7")
        identity.verify("pl", data, signature)   # with pl's key in the pinned directory
    """

    def __init__(
        self,
        node: str,
        key: NodeKey,
        pin: DirectoryPin | None = None,
        *,
        directory_file: Path | None = None,
    ) -> None:
        self.node, self.key, self.pin = node, key, pin
        self.directory_file = directory_file
        self._mtime: float | None = None

    @classmethod
    def from_files(cls, node: str, key_file: Path, directory_file: Path | None) -> NodeIdentity:
        """Load the key (0600 or refused) and, when there is one, the pinned directory."""
        identity = cls(node, NodeKey.load(key_file), directory_file=directory_file)
        identity.refresh()
        return identity

    @property
    def public(self) -> PublicKey:
        """This node's public key."""
        return self.key.public

    @property
    def fingerprint(self) -> str:
        """This node's key fingerprint."""
        return self.key.public.fingerprint

    @property
    def directory(self) -> Directory | None:
        """The pinned directory, if any."""
        self.refresh()
        return None if self.pin is None else self.pin.directory

    def refresh(self) -> None:
        """Re-read the pinned directory file when it changed (another process moved the pin)."""
        path = self.directory_file
        if path is None:
            return
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return
        if mtime != self._mtime:
            self.pin = DirectoryPin.load(path)
            self._mtime = mtime

    def keys(self) -> Mapping[str, PublicKey]:
        """Member code -> key from the pinned directory (empty before one is pinned)."""
        self.refresh()
        return {} if self.pin is None else self.pin.keys()

    def sign(self, data: bytes) -> bytes:
        """This node's signature of ``data`` (raw bytes, domain-separated from documents)."""
        return self.key.sign(RAW_DOMAIN + data)

    def verify(self, node: str, data: bytes, signature: bytes) -> bool:
        """Whether ``node`` (a member of the pinned directory) signed ``data`` with ``sign``."""
        key = self.keys().get(node)
        return key is not None and key.verify(RAW_DOMAIN + data, signature)

    def sign_document(self, kind: str, body: Mapping[str, Any]) -> Signature:
        """This node's signature of a document."""
        return sign(kind, body, self.node, self.key)

    def accept_directory(self, document: SignedDocument) -> Directory:
        """Move the pin to ``document`` if the pinned members signed it; saved to the file."""
        self.refresh()
        if self.pin is None:
            self.pin = DirectoryPin.first(document)
        else:
            self.pin.accept(document)
        if self.directory_file is not None:
            self.pin.save(self.directory_file)
            self._mtime = self.directory_file.stat().st_mtime
        return self.pin.directory
