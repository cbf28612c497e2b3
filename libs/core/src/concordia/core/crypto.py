"""Encryption of personal fields at rest with the node key (AES-256-GCM).

Each value gets a fresh 96-bit nonce; the associated data binds a ciphertext to its table, column
and row, so a ciphertext copied into another row or column fails to decrypt instead of leaking.
A keyed digest (HMAC-SHA256 under a key derived from the node key) lets the registry tell whether
a record changed without decrypting it, and is useless to anyone without the node key.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


class FieldCipher:
    """Encrypt and decrypt personal fields with the node key.

    Example::

        cipher = FieldCipher(key32)
        blob = cipher.encrypt("Testperson Alpha", aad=b"persons.name:0193...")
        cipher.decrypt(blob, aad=b"persons.name:0193...")  # -> "Testperson Alpha"
    """

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the node key must be 32 bytes")
        self._aead = AESGCM(key)
        self._mac_key = hmac.new(key, b"concordia/digest/v1", hashlib.sha256).digest()

    def encrypt(self, plaintext: str, *, aad: bytes) -> bytes:
        """Return nonce || ciphertext || tag for ``plaintext``."""
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), aad)

    def decrypt(self, blob: bytes, *, aad: bytes) -> str:
        """Reverse :meth:`encrypt`; raises ``cryptography.exceptions.InvalidTag`` on tampering."""
        return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], aad).decode()

    def digest(self, data: bytes) -> bytes:
        """A keyed 32-byte digest of ``data``, for change detection without decryption."""
        return hmac.new(self._mac_key, data, hashlib.sha256).digest()
