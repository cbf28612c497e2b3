"""Field encryption with key ids: rotation needs to know which key sealed a value."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from concordia.core.crypto import FieldCipher, key_id

AAD = b"persons.name:0193-test"


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
