"""Node identity: Ed25519 node keys, RFC 8785 signed documents, the signed coalition directory.

* ``NodeKey`` / ``PublicKey``: the private key lives in one 0600 file on its node; the public key
  (``ed25519:<base64url>``) and its fingerprint travel.
* ``SignedDocument``: a JSON body of some kind, signed over its RFC 8785 canonical form by m of n
  members (``shortfall`` says why not: ``unsigned``, ``not_enough_signatures``…).
* ``Directory`` / ``DirectoryPin``: the coalition's members and keys; a node pins the first it is
  given and moves on only with the pinned members' signatures (or a member's own key rotation).
* ``NodeIdentity``: the node's key and pin, as the services use them.
"""

from concordia.identity._directory import (
    DIRECTORY,
    NOT_A_DIRECTORY,
    STALE,
    Directory,
    DirectoryPin,
    DirectoryRefusedError,
    Member,
    parse_directory,
    rotated_member,
)
from concordia.identity._documents import (
    BAD_SIGNATURE,
    NON_MEMBER_SIGNATURE,
    NOT_ENOUGH_SIGNATURES,
    UNSIGNED,
    Signature,
    SignatureError,
    SignedDocument,
    body_digest,
    canonical,
    majority,
    required_signatures,
    shortfall,
    sign,
    signing_input,
    valid_signers,
)
from concordia.identity._identity import RAW_DOMAIN, NodeIdentity
from concordia.identity._keys import KeyFileError, NodeKey, PublicKey, b64, unb64

__all__ = [
    "BAD_SIGNATURE",
    "DIRECTORY",
    "NON_MEMBER_SIGNATURE",
    "NOT_A_DIRECTORY",
    "NOT_ENOUGH_SIGNATURES",
    "RAW_DOMAIN",
    "STALE",
    "UNSIGNED",
    "Directory",
    "DirectoryPin",
    "DirectoryRefusedError",
    "KeyFileError",
    "Member",
    "NodeIdentity",
    "NodeKey",
    "PublicKey",
    "Signature",
    "SignatureError",
    "SignedDocument",
    "b64",
    "body_digest",
    "canonical",
    "majority",
    "parse_directory",
    "required_signatures",
    "rotated_member",
    "shortfall",
    "sign",
    "signing_input",
    "unb64",
    "valid_signers",
]
