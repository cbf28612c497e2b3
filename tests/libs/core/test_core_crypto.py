"""concordia.core.crypto: personal fields round-trip, and any tampering fails loudly."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag

from concordia.core.crypto import FieldCipher

AAD = b"persons.name:00000000-0000-7000-8000-000000000001"


@pytest.fixture
def cipher() -> FieldCipher:
    """A cipher under a fresh random node key."""
    return FieldCipher(os.urandom(32))


@pytest.mark.parametrize("text", ["Testperson Alpha", "", "Тестова Персона ✓", "x" * 10_000])
def test_round_trip(cipher: FieldCipher, text: str) -> None:
    assert cipher.decrypt(cipher.encrypt(text, aad=AAD), aad=AAD) == text


def test_same_value_encrypts_differently_each_time(cipher: FieldCipher) -> None:
    """A fresh nonce per value: equal names are not recognisable in the database."""
    first, second = (cipher.encrypt("Testperson Beta", aad=AAD) for _ in range(2))
    assert first != second
    assert b"Testperson" not in first
    assert len(first) == 12 + len("Testperson Beta") + 16  # nonce, ciphertext, tag


@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
def test_any_flipped_bit_is_detected(cipher: FieldCipher, position: int) -> None:
    blob = bytearray(cipher.encrypt("Testperson Gamma", aad=AAD))
    blob[position] ^= 0x01
    with pytest.raises(InvalidTag):
        cipher.decrypt(bytes(blob), aad=AAD)


def test_truncated_blob_is_refused(cipher: FieldCipher) -> None:
    blob = cipher.encrypt("Testperson Delta", aad=AAD)
    with pytest.raises(InvalidTag):
        cipher.decrypt(blob[:-1], aad=AAD)


def test_ciphertext_moved_to_another_row_or_column_fails(cipher: FieldCipher) -> None:
    blob = cipher.encrypt("Testperson Epsilon", aad=AAD)
    with pytest.raises(InvalidTag):
        cipher.decrypt(blob, aad=b"persons.name:00000000-0000-7000-8000-000000000002")
    with pytest.raises(InvalidTag):
        cipher.decrypt(blob, aad=AAD.replace(b"name", b"alias"))


def test_wrong_key_cannot_decrypt(cipher: FieldCipher) -> None:
    blob = cipher.encrypt("Testperson Zeta", aad=AAD)
    with pytest.raises(InvalidTag):
        FieldCipher(os.urandom(32)).decrypt(blob, aad=AAD)


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_key_must_be_32_bytes(length: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        FieldCipher(b"k" * length)


def test_digest_is_keyed_and_stable() -> None:
    key = os.urandom(32)
    one, same, other = FieldCipher(key), FieldCipher(key), FieldCipher(os.urandom(32))
    assert one.digest(b"record v1") == same.digest(b"record v1")
    assert len(one.digest(b"record v1")) == 32
    assert one.digest(b"record v1") != one.digest(b"record v2")
    assert one.digest(b"record v1") != other.digest(b"record v1")
