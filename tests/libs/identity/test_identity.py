"""The identity library: keys and their files, canonical signatures, m of n, the directory pin."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concordia.identity import (
    BAD_SIGNATURE,
    NON_MEMBER_SIGNATURE,
    NOT_ENOUGH_SIGNATURES,
    STALE,
    UNSIGNED,
    Directory,
    DirectoryPin,
    DirectoryRefusedError,
    KeyFileError,
    Member,
    NodeIdentity,
    NodeKey,
    PublicKey,
    Signature,
    SignatureError,
    SignedDocument,
    b64,
    canonical,
    required_signatures,
    signing_input,
)

KEYS = {code: NodeKey.generate() for code in ("se", "pl", "de", "fi", "ee")}


def directory(codes: tuple[str, ...], serial: int = 1, threshold: int | None = None) -> Directory:
    members = tuple(
        Member(code=c, name=f"Testland {c.upper()}", public_key=KEYS[c].public.text) for c in codes
    )
    return Directory(serial=serial, members=members, threshold=threshold)


def signed_by(d: Directory, *codes: str) -> SignedDocument:
    document = d.document()
    for code in codes:
        document = document.signed(code, KEYS[code])
    return document


# Keys and key files


def test_a_key_file_is_0600_and_loads_back(tmp_path: Path) -> None:
    key = NodeKey.generate()
    path = tmp_path / "node" / "identity.key"
    key.save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    again = NodeKey.load(path)
    assert again.public == key.public
    assert again.public.verify(b"x", key.sign(b"x"))
    assert "PRIVATE" not in repr(again)
    assert key.public.fingerprint in repr(again)


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "identity.key"
    NodeKey.generate().save(path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="readable by others"):
        NodeKey.load(path)


def test_a_key_is_never_overwritten_silently(tmp_path: Path) -> None:
    path = tmp_path / "identity.key"
    first = NodeKey.generate()
    first.save(path)
    with pytest.raises(KeyFileError, match="exists"):
        NodeKey.generate().save(path)
    assert NodeKey.load(path).public == first.public
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_or_foreign_key_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="node init"):
        NodeKey.load(tmp_path / "none.key")
    junk = tmp_path / "junk.key"
    junk.write_text("not a key")
    junk.chmod(0o600)
    with pytest.raises(KeyFileError, match="PEM"):
        NodeKey.load(junk)


def test_public_key_text_and_fingerprint() -> None:
    key = KEYS["se"].public
    assert PublicKey.parse(key.text) == key
    assert key.text.startswith("ed25519:")
    groups = key.fingerprint.split("-")
    assert [len(g) for g in groups] == [4] * 8
    assert key.fingerprint != KEYS["pl"].public.fingerprint
    for bad in ("rsa:AAAA", "ed25519:!!", "ed25519:AAAA"):
        with pytest.raises(ValueError, match=r"public key|base64|32 bytes"):
            PublicKey.parse(bad)


# Canonical signing input

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=80, deadline=None)
@given(value=st.dictionaries(st.text(max_size=6), json_values, max_size=5))
def test_canonical_form_ignores_key_order_and_whitespace(value: dict[str, Any]) -> None:
    shuffled = json.loads(json.dumps(dict(reversed(list(value.items()))), indent=3))
    assert canonical(shuffled) == canonical(value)
    assert json.loads(canonical(value)) == value


@settings(max_examples=40, deadline=None)
@given(body=st.dictionaries(st.text(max_size=6), json_values, min_size=1, max_size=5))
def test_any_change_of_the_body_breaks_the_signature(body: dict[str, Any]) -> None:
    document = SignedDocument(kind="charter", body=body).signed("se", KEYS["se"])
    keys = {"se": KEYS["se"].public}
    assert document.signers(keys) == {"se"}
    changed = document.model_copy(update={"body": {**body, "_extra": 1}})
    assert changed.signers(keys) == frozenset()
    other_kind = document.model_copy(update={"kind": "directory"})
    assert other_kind.signers(keys) == frozenset()


def test_the_signing_input_is_rfc8785() -> None:
    got = signing_input("charter", {"b": "2", "a": [1, True, None], "é": 1})
    body = b'{"body":{"a":[1,true,null],"b":"2","\xc3\xa9":1},"kind":"charter"}'
    assert got == b"concordia-signed-v1\n" + body


# m of n


@pytest.mark.parametrize(
    ("n", "m", "want"),
    [(1, None, 1), (2, None, 2), (3, None, 2), (4, None, 3), (5, None, 3), (5, 4, 4), (3, 9, 3)],
)
def test_required_signatures(n: int, m: int | None, want: int) -> None:
    assert required_signatures(n, m) == want


def test_m_of_n_counts_each_valid_member_once() -> None:
    keys = {c: KEYS[c].public for c in ("se", "pl", "de")}
    document = SignedDocument(kind="charter", body={"version": "t.1"})
    with pytest.raises(SignatureError) as refused:
        document.check(keys, 2)
    assert refused.value.reasons == (UNSIGNED,)
    once = document.signed("se", KEYS["se"])
    twice = once.signed("se", KEYS["se"])  # the same signer again counts once
    assert len(twice.signatures) == 1
    with pytest.raises(SignatureError) as refused:
        twice.check(keys, 2)
    assert refused.value.reasons == (NOT_ENOUGH_SIGNATURES,)
    assert once.signed("pl", KEYS["pl"]).check(keys, 2) == {"se", "pl"}


def test_a_non_member_or_a_wrong_key_counts_for_nothing() -> None:
    keys = {c: KEYS[c].public for c in ("se", "pl", "de")}
    document = SignedDocument(kind="charter", body={"version": "t.1"}).signed("se", KEYS["se"])
    outsider = document.signed("fi", KEYS["fi"])
    with pytest.raises(SignatureError) as refused:
        outsider.check(keys, 2)
    assert refused.value.reasons == (NOT_ENOUGH_SIGNATURES, NON_MEMBER_SIGNATURE)
    # fi signs claiming to be pl (its own key): pl's listed key does not verify it.
    posing = document.signed("pl", KEYS["fi"])
    with pytest.raises(SignatureError) as refused:
        posing.check(keys, 2)
    assert refused.value.reasons == (NOT_ENOUGH_SIGNATURES, BAD_SIGNATURE)


def test_a_signature_moved_to_another_document_fails() -> None:
    keys = {c: KEYS[c].public for c in ("se", "pl")}
    a = SignedDocument(kind="charter", body={"version": "a"}).signed("se", KEYS["se"])
    b = SignedDocument(kind="charter", body={"version": "b"}, signatures=a.signatures)
    assert b.signers(keys) == frozenset()


# The directory and its pin


def test_the_first_directory_needs_its_own_members_signatures() -> None:
    d = directory(("se", "pl", "de"))
    with pytest.raises(DirectoryRefusedError) as refused:
        DirectoryPin.first(signed_by(d, "se"))
    assert refused.value.reasons == (NOT_ENOUGH_SIGNATURES,)
    pin = DirectoryPin.first(signed_by(d, "se", "pl"))
    assert set(pin.keys()) == {"se", "pl", "de"}


def test_a_new_directory_needs_m_of_the_old_members() -> None:
    pin = DirectoryPin.first(signed_by(directory(("se", "pl", "de")), "se", "pl", "de"))
    bigger = directory(("se", "pl", "de", "fi"), serial=2)
    # fi (the newcomer) and one old member are not a majority of the old three.
    with pytest.raises(DirectoryRefusedError) as refused:
        pin.accept(signed_by(bigger, "se", "fi"))
    assert refused.value.reasons == (NOT_ENOUGH_SIGNATURES, NON_MEMBER_SIGNATURE)
    assert pin.directory.serial == 1
    pin.accept(signed_by(bigger, "se", "pl", "fi"))
    assert pin.directory.serial == 2
    assert set(pin.keys()) == {"se", "pl", "de", "fi"}


def test_a_directory_from_the_hub_alone_is_refused() -> None:
    pin = DirectoryPin.first(signed_by(directory(("se", "pl", "de")), "se", "pl"))
    hub_key = NodeKey.generate()
    # The hub swaps pl's key for one it holds and signs as everybody with it.
    forged = directory(("se", "pl", "de"), serial=2).model_copy(
        update={"members": (*directory(("se",)).members,
                            Member(code="pl", name="Testland PL", public_key=hub_key.public.text),
                            *directory(("de",)).members)}
    )  # fmt: skip
    document = forged.document()
    for code in ("se", "pl", "de"):
        document = document.signed(code, hub_key)
    with pytest.raises(DirectoryRefusedError) as refused:
        pin.accept(document)
    assert NOT_ENOUGH_SIGNATURES in refused.value.reasons
    assert pin.keys()["pl"] == KEYS["pl"].public


def test_a_replayed_old_directory_is_refused() -> None:
    first = signed_by(directory(("se", "pl", "de")), "se", "pl", "de")
    pin = DirectoryPin.first(first)
    pin.accept(signed_by(directory(("se", "pl"), serial=2), "se", "pl"))  # de leaves
    for replay in (first, signed_by(directory(("se", "pl", "de"), serial=2), "se", "pl", "de")):
        with pytest.raises(DirectoryRefusedError) as refused:
            pin.accept(replay)
        assert refused.value.reasons == (STALE,)
    assert set(pin.keys()) == {"se", "pl"}


def test_a_rotated_key_keeps_the_member_and_the_old_key_stops_counting() -> None:
    pin = DirectoryPin.first(signed_by(directory(("se", "pl", "de")), "se", "pl"))
    new_key = NodeKey.generate()
    rotated = pin.directory.with_key("pl", new_key.public)
    # Only the new key signing: anybody could make a key; refused.
    with pytest.raises(DirectoryRefusedError):
        pin.check(rotated.document().signed("pl", new_key))
    # Only the old key: it vouches, but nobody proves the new key is held; refused.
    with pytest.raises(DirectoryRefusedError):
        pin.check(rotated.document().signed("pl", KEYS["pl"]))
    # Another member rotating pl's key on its own: refused.
    with pytest.raises(DirectoryRefusedError):
        pin.check(rotated.document().signed("se", KEYS["se"]).signed("pl", new_key))
    pin.accept(rotated.document().signed("pl", KEYS["pl"]).signed("pl", new_key))
    assert pin.keys()["pl"] == new_key.public
    # The next change counts pl's new key, not its old one.
    leave = directory(("se", "pl"), serial=3).model_copy(
        update={"members": (pin.directory.members[0], pin.directory.members[1])}
    )
    with pytest.raises(DirectoryRefusedError):
        pin.check(leave.document().signed("se", KEYS["se"]).signed("pl", KEYS["pl"]))
    pin.accept(leave.document().signed("se", KEYS["se"]).signed("pl", new_key))
    assert set(pin.keys()) == {"se", "pl"}


def test_bad_directories_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="twice"):
        directory(("se", "se"))
    with pytest.raises(ValueError, match="threshold"):
        directory(("se", "pl"), threshold=3)
    pin = DirectoryPin.first(signed_by(directory(("se",)), "se"))
    with pytest.raises(DirectoryRefusedError) as refused:
        pin.accept(SignedDocument(kind="charter", body={}))
    assert refused.value.reasons == ("not_a_directory",)
    with pytest.raises(DirectoryRefusedError):
        pin.accept(SignedDocument(kind="directory", body={"serial": "two"}))


# NodeIdentity


def test_node_identity_signs_and_verifies_through_the_pinned_directory(tmp_path: Path) -> None:
    for code in ("se", "pl"):
        KEYS[code].save(tmp_path / f"{code}.key", overwrite=True)
    DirectoryPin.first(signed_by(directory(("se", "pl")), "se", "pl")).save(tmp_path / "dir.json")
    se = NodeIdentity.from_files("se", tmp_path / "se.key", tmp_path / "dir.json")
    pl = NodeIdentity.from_files("pl", tmp_path / "pl.key", tmp_path / "dir.json")
    signature = se.sign(b"share 7")
    assert pl.verify("se", b"share 7", signature)
    assert not pl.verify("pl", b"share 7", signature)  # not pl's
    assert not pl.verify("se", b"share 8", signature)
    assert not pl.verify("fi", b"share 7", KEYS["fi"].sign(b"concordia-raw-v1\nshare 7"))
    # A raw signature never passes as a document's, nor a document's as a raw one.
    data = signing_input("charter", {"v": 1})
    raw = se.sign(data[len(b"concordia-signed-v1\n") :])
    assert not pl.verify("se", data, KEYS["se"].sign(data))
    forged = SignedDocument(kind="charter", body={"v": 1}).model_copy(
        update={"signatures": (Signature(signer="se", key=KEYS["se"].public.text, value=b64(raw)),)}
    )
    assert forged.signers(pl.keys()) == frozenset()


def test_node_identity_follows_a_pin_moved_by_another_process(tmp_path: Path) -> None:
    KEYS["se"].save(tmp_path / "se.key", overwrite=True)
    path = tmp_path / "dir.json"
    DirectoryPin.first(signed_by(directory(("se", "pl", "de")), "se", "pl")).save(path)
    reader = NodeIdentity.from_files("se", tmp_path / "se.key", path)
    writer = NodeIdentity.from_files("se", tmp_path / "se.key", path)
    writer.accept_directory(signed_by(directory(("se", "pl"), serial=2), "se", "pl"))
    os.utime(path, (1, 2**31 - 1))  # coarse file clocks: make the change visible
    assert set(reader.keys()) == {"se", "pl"}
    with pytest.raises(DirectoryRefusedError):
        writer.accept_directory(signed_by(directory(("se", "pl", "de"), serial=3), "de"))
    assert json.loads(path.read_text())["body"]["serial"] == 2
