"""Constrained string types that cannot hold free text.

Shared event models (everything that may leave a node) are built only from these types and from
numbers, booleans, dates, literals and enums. A plain ``str`` is refused when a shared model is
defined, so a name, an alias or a comment cannot slip into a payload that crosses the border.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any, Final

from pydantic import PlainSerializer, PlainValidator, StringConstraints, WithJsonSchema

#: Letters, digits and a few separators; no spaces, so no prose fits.
CODE_PATTERN: Final = r"^[A-Za-z0-9_.:+\-]{1,64}$"
#: A code that is also a valid NATS subject token (no dots, no wildcards).
TOKEN_PATTERN: Final = r"^[A-Za-z0-9_\-]{1,64}$"  # noqa: S105 - not a password
#: ISO 3166-1 alpha-2.
COUNTRY_PATTERN: Final = r"^[A-Z]{2}$"
#: An Ed25519 signature (64 bytes) in base64url without padding: 86 characters, no prose.
SIGNATURE_PATTERN: Final = r"^[A-Za-z0-9_\-]{86}$"
#: An Ed25519 public key (32 bytes) as documents carry it: ``ed25519:`` and 43 base64url.
PUBLIC_KEY_PATTERN: Final = r"^ed25519:[A-Za-z0-9_\-]{43}$"

#: The patterns a string in a shared model may carry (checked when a shared model is defined).
NON_PERSONAL_PATTERNS: Final = frozenset(
    {CODE_PATTERN, TOKEN_PATTERN, COUNTRY_PATTERN, SIGNATURE_PATTERN, PUBLIC_KEY_PATTERN}
)

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
"""A machine code such as ``RU-MOS``, ``female``, ``charter:2026.1`` or ``sum:EUR``."""

SubjectToken = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]
"""A code usable as one token of a NATS subject, such as a node, a service or ``2026-Q4``."""

CountryCode = Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN)]
"""An ISO 3166-1 alpha-2 country code such as ``SE``."""


#: Largest opaque field (raw bytes): an ECDH-PSI setup or response for 8192 padded items fits,
#: and a message with two such fields stays under NATS's default 1 MiB payload once in base64.
MAX_OPAQUE_BYTES: Final = 320 * 1024


@dataclass(frozen=True, slots=True)
class Opaque:
    """Marks ``bytes`` as opaque protocol data (ECDH-blinded PSI points): unreadable without
    a key that never leaves its node, so the guard admits it in shared models."""

    max_bytes: int = MAX_OPAQUE_BYTES


def _base64_bytes(value: Any, *, what: str, limit: int, over: str) -> bytes:
    """Bytes, or standard base64 of them: not empty and at most ``limit`` long."""
    if isinstance(value, bytes | bytearray):
        raw = bytes(value)
    elif isinstance(value, str):
        try:
            raw = base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise ValueError(f"{what} must be standard base64") from None
    else:
        raise ValueError(f"{what} must be bytes or a base64 string")
    if not raw:
        raise ValueError(f"{what} must not be empty")
    if len(raw) > limit:
        raise ValueError(f"{over} is {len(raw)} bytes; at most {limit} allowed")
    return raw


def _opaque_in(value: Any) -> bytes:
    return _base64_bytes(value, what="opaque data", limit=MAX_OPAQUE_BYTES, over="opaque data")


@dataclass(frozen=True, slots=True)
class Screened:
    """Marks free text that may leave a node only after four eyes and the registry's screen.

    Only the best-practice exchange uses it: its service refuses to publish a text that a second
    person has not approved and that the node's registry has not screened for the names,
    aliases, e-mail addresses and phone numbers of the people it holds.
    """

    max_length: int = 100_000


ScreenedText = Annotated[str, Screened(), StringConstraints(min_length=1, max_length=100_000)]
"""Free text released by the exchange's four-eyes approval after the registry's screen."""

#: Largest piece of an attachment in one event: 256 KiB, about 350 KB in base64, so an event
#: stays well under NATS's default 1 MiB payload.
MAX_CHUNK_BYTES: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class ScreenedContent:
    """Marks the bytes of an attachment released with its practice: the exchange lets one
    leave only after four eyes, and only when text could be extracted from it and the
    registry's screen passed that text (an attachment without readable text never leaves)."""

    max_bytes: int = MAX_CHUNK_BYTES


def _chunk_in(value: Any) -> bytes:
    return _base64_bytes(value, what="attachment content", limit=MAX_CHUNK_BYTES, over="a piece")


ScreenedBytes = Annotated[
    bytes,
    ScreenedContent(),
    PlainValidator(_chunk_in),
    PlainSerializer(
        lambda raw: base64.b64encode(raw).decode("ascii"), return_type=str, when_used="json"
    ),
    WithJsonSchema(
        {
            "type": "string",
            "contentEncoding": "base64",
            "maxLength": 4 * ((MAX_CHUNK_BYTES + 2) // 3),
            "description": "A piece of a screened attachment (base64).",
        }
    ),
]
"""A piece of an attachment released by the exchange's four eyes and screen, base64 in JSON."""


@dataclass(frozen=True, slots=True)
class HubText:
    """Marks free text the coordination group wrote at the hub, travelling hub to node only.

    Only the coalition's decisions carry it: the hub holds nothing personal, and its members act
    in a role for a country or a donor, never by name. A node never sends such text.
    """

    max_length: int = 20_000


CoalitionText = Annotated[str, HubText(), StringConstraints(min_length=1, max_length=20_000)]
"""Free text of the coordination group (a decision, its reasons, a follow-up action)."""

OpaqueBytes = Annotated[
    bytes,
    Opaque(),
    PlainValidator(_opaque_in),
    PlainSerializer(
        lambda raw: base64.b64encode(raw).decode("ascii"), return_type=str, when_used="json"
    ),
    WithJsonSchema(
        {
            "type": "string",
            "contentEncoding": "base64",
            "maxLength": 4 * ((MAX_OPAQUE_BYTES + 2) // 3),
            "description": "Opaque private-set-intersection message (base64).",
        }
    ),
]
"""Bytes of a protocol message nobody but its key holder can read (PSI), base64 in JSON."""
