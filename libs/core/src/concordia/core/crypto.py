"""Encryption of personal fields at rest with the node key (AES-256-GCM).

Each value gets a fresh 96-bit nonce; the associated data binds a ciphertext to its table, column
and row, so a ciphertext copied into another row or column fails to decrypt instead of leaking.
A keyed digest (HMAC-SHA256 under a key derived from the node key) lets the registry tell whether
a record changed, and find a record by a secret value, without decrypting anything; it is useless
to anyone without the node key.

A ciphertext names its key: ``0x01 || key id (4 bytes) || nonce || ciphertext || tag``, the key
id derived from the key itself, so the node key can be rotated. A cipher holds the current key
(which encrypts) and the retired ones (which still decrypt, and whose digests still find
records) until ``concordia node rotate-key`` has re-encrypted everything under the current key.
Ciphertexts from before key ids (``nonce || ciphertext || tag``) still decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12
_VERSION = b"\x01"
_KEY_ID = 4
_HEADER = len(_VERSION) + _KEY_ID


def key_id(key: bytes) -> bytes:
    """The 4-byte id of a node key (a keyed hash of a constant: it reveals nothing of the key)."""
    return hmac.new(key, b"concordia/key-id/v1", hashlib.sha256).digest()[:_KEY_ID]


class _Key:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the node key must be 32 bytes")
        self.id = key_id(key)
        self.aead = AESGCM(key)
        self.mac_key = hmac.new(key, b"concordia/digest/v1", hashlib.sha256).digest()


class FieldCipher:
    """Encrypt and decrypt personal fields with the node key (and read under retired ones).

    Example::

        cipher = FieldCipher(key32, retired=[old_key32])
        blob = cipher.encrypt("Testperson Alpha", aad=b"persons.name:0193...")
        cipher.decrypt(blob, aad=b"persons.name:0193...")  # -> "Testperson Alpha"
        cipher.is_current(blob)  # -> True: rotate-key leaves it alone
    """

    def __init__(self, key: bytes, *, retired: Iterable[bytes] = ()) -> None:
        self._current = _Key(key)
        self._keys = {self._current.id: self._current}
        for old in retired:
            k = _Key(old)
            self._keys.setdefault(k.id, k)
        self._mac_key = self._current.mac_key

    @property
    def current_id(self) -> bytes:
        """The id of the key that encrypts."""
        return self._current.id

    def encrypt(self, plaintext: str, *, aad: bytes) -> bytes:
        """Return ``0x01 || key id || nonce || ciphertext || tag`` for ``plaintext``."""
        nonce = os.urandom(_NONCE)
        sealed = self._current.aead.encrypt(nonce, plaintext.encode(), aad)
        return _VERSION + self._current.id + nonce + sealed

    def decrypt(self, blob: bytes, *, aad: bytes) -> str:
        """Reverse :meth:`encrypt` under whichever known key sealed ``blob`` (with or without a
        key id); raises ``cryptography.exceptions.InvalidTag`` on tampering or an unknown key."""
        key = self._keys.get(blob[1:_HEADER]) if blob[:1] == _VERSION else None
        if key is not None:
            body = blob[_HEADER:]
            try:
                return key.aead.decrypt(body[:_NONCE], body[_NONCE:], aad).decode()
            except InvalidTag:
                pass  # a legacy blob whose random nonce happens to start like a header
        for legacy in self._keys.values():  # before key ids: try each key, the current first
            try:
                return legacy.aead.decrypt(blob[:_NONCE], blob[_NONCE:], aad).decode()
            except InvalidTag:
                continue
        raise InvalidTag()

    def is_current(self, blob: bytes) -> bool:
        """Whether ``blob`` is sealed under the current key with a key id (nothing to rotate)."""
        return blob[:1] == _VERSION and blob[1:_HEADER] == self._current.id

    def digest(self, data: bytes) -> bytes:
        """A keyed 32-byte digest of ``data`` under the current key."""
        # hmac.digest: the one-shot C path (the same bytes as hmac.new(...).digest(), without
        # an HMAC object per call; a 5,000-record sync takes several digests per record).
        return hmac.digest(self._mac_key, data, "sha256")

    def digests(self, data: bytes) -> list[bytes]:
        """The digests of ``data`` under every known key, the current one first: lookups by
        digest find records written before a rotation finished."""
        return [hmac.digest(k.mac_key, data, "sha256") for k in self._keys.values()]
