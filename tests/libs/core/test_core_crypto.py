"""concordia.core.crypto: personal fields round-trip, any tampering fails loudly, and
ciphertexts name their key so the node key can be rotated."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from concordia.core.crypto import FieldCipher, key_id

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
    # version, key id, nonce, ciphertext, tag
    assert len(first) == 1 + 4 + 12 + len("Testperson Beta") + 16


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


def test_ciphertexts_name_their_key_and_retired_keys_still_decrypt() -> None:
    old, new = os.urandom(32), os.urandom(32)
    sealed_old = FieldCipher(old).encrypt("Testperson Alpha", aad=AAD)
    assert sealed_old[:1] == b"\x01"
    assert sealed_old[1:5] == key_id(old) != key_id(new)
    rotated = FieldCipher(new, retired=[old])
    assert rotated.decrypt(sealed_old, aad=AAD) == "Testperson Alpha"
    assert not rotated.is_current(sealed_old)
    sealed_new = rotated.encrypt("Testperson Alpha", aad=AAD)
    assert rotated.is_current(sealed_new)
    assert sealed_new[1:5] == key_id(new)
    with pytest.raises(InvalidTag):  # a key nobody holds any more
        FieldCipher(new).decrypt(sealed_old, aad=AAD)
    with pytest.raises(InvalidTag):  # bound to its row and column
        rotated.decrypt(sealed_new, aad=b"persons.name:another-row")


def test_ciphertexts_from_before_key_ids_still_decrypt() -> None:
    key, nonce = os.urandom(32), os.urandom(12)
    legacy = nonce + AESGCM(key).encrypt(nonce, b"Testperson Beta", AAD)  # the old format
    assert FieldCipher(key).decrypt(legacy, aad=AAD) == "Testperson Beta"
    assert FieldCipher(os.urandom(32), retired=[key]).decrypt(legacy, aad=AAD) == "Testperson Beta"
    assert not FieldCipher(key).is_current(legacy)


def test_digests_under_every_key_find_records_across_a_rotation() -> None:
    old, new = os.urandom(32), os.urandom(32)
    before = FieldCipher(old).digest(b"CASE-0001")
    after = FieldCipher(new, retired=[old])
    assert after.digest(b"CASE-0001") != before
    assert after.digests(b"CASE-0001") == [after.digest(b"CASE-0001"), before]
