"""Keys, sealed shares and masks of one round.

Each node makes two fresh X25519 key pairs per round (Bonawitz et al.): ``c`` seals the shares
it sends to each other node (AES-GCM under a key both derive by X25519 + HKDF), ``s`` derives
the pairwise masks. They are separate so that revealing a dropped node's ``s`` key (rebuilt from
its shares) does not open the sealed shares it exchanged. Masks are SHAKE-256 streams read as
little-endian u64 words, seeded by HKDF-SHA256 outputs bound to the round's header digest.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from concordia.secagg._signed import b64, canonical, unb64
from concordia.secagg._vectors import Vector


def new_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def private_bytes(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def public_text(key: X25519PrivateKey) -> str:
    return b64(
        key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def private_key(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)


def public_key(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(unb64(text))


def _derive(shared: bytes, purpose: bytes, header: str, a: str, b: str) -> bytes:
    low, high = sorted((a, b))
    info = b"concordia.secagg." + purpose + b"|" + header.encode() + b"|" + f"{low}|{high}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def pair_seed(mine: X25519PrivateKey, theirs: str, header: str, me: str, them: str) -> bytes:
    """The pairwise mask seed of ``me`` and ``them`` (both derive the same)."""
    return _derive(mine.exchange(public_key(theirs)), b"mask", header, me, them)


def _channel(mine: X25519PrivateKey, theirs: str, header: str, me: str, them: str) -> AESGCM:
    return AESGCM(_derive(mine.exchange(public_key(theirs)), b"channel", header, me, them))


def seal(
    mine: X25519PrivateKey, theirs: str, header: str, sender: str, recipient: str, data: bytes
) -> str:
    nonce = os.urandom(12)
    aad = canonical({"from": sender, "to": recipient, "header": header})
    sealed = _channel(mine, theirs, header, sender, recipient).encrypt(nonce, data, aad)
    return b64(nonce + sealed)


def open_sealed(
    mine: X25519PrivateKey, theirs: str, header: str, sender: str, recipient: str, text: str
) -> bytes:
    """The plaintext; raises ``cryptography.exceptions.InvalidTag`` on any tampering."""
    raw = unb64(text)
    aad = canonical({"from": sender, "to": recipient, "header": header})
    return _channel(mine, theirs, header, recipient, sender).decrypt(raw[:12], raw[12:], aad)


def expand(seed: bytes, length: int) -> Vector:
    """A mask of ``length`` u64 words from a 32-byte seed (SHAKE-256)."""
    stream = hashlib.shake_256(b"concordia.secagg.prg|" + seed).digest(8 * length)
    return np.frombuffer(stream, dtype="<u8").astype(np.uint64)


def pair_sign(me: str, them: str) -> int:
    """+1 if ``me`` adds the pair's mask, -1 if it subtracts it: the pair's masks cancel."""
    return 1 if me < them else -1
