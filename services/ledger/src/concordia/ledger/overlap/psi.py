"""ECDH private set intersection over organisation identifiers (``openmined-psi``), no I/O.

Every run makes fresh keys that live only in memory for that run. Sets are padded with random
dummies to a power of two (at least ``MIN_PADDED``) and shuffled, so the peer and the hub see a
size bucket, never the exact number of grantees; dummies cannot match anything. The client
learns which of its own identifiers the server holds; the server learns nothing but the
client's padded size. These calls are CPU-bound: run them in a thread.

Example::

    run, request = client_request(["SE-SYN-0001", "SE-SYN-0002", ...])
    setup, response = server_answer(["SE-SYN-0002", ...], request)
    assert client_intersection(run, setup, response) == {"SE-SYN-0002"}
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import private_set_intersection.python as psi
from google.protobuf.message import DecodeError

#: The smallest padded set: a node with five grantees looks like one with sixteen.
MIN_PADDED = 16
#: The largest padded set (keeps every message within ``concordia.events.MAX_OPAQUE_BYTES``).
MAX_PADDED = 8192
#: Probability of one false match over the whole run (RAW setup has none; kept for the API).
FALSE_POSITIVE_RATE = 1e-9
_DUMMY = "~pad~"  # cannot start an org-id.guide identifier


class BadPsiMessageError(ValueError):
    """A peer's PSI message could not be read (malformed, oversized, or not for this run)."""


def normalise(identifier: str) -> str:
    """The form both sides hash: trimmed, upper case (org-id.guide identifiers are)."""
    return identifier.strip().upper()


def padded_size(count: int) -> int:
    """The bucket a set of ``count`` real items is padded to."""
    size = MIN_PADDED
    while size < count:
        size *= 2
    if size > MAX_PADDED:
        raise ValueError(f"a set of {count} items exceeds the PSI maximum of {MAX_PADDED}")
    return size


def _padded(identifiers: Iterable[str]) -> tuple[list[str], list[str]]:
    real = sorted({normalise(i) for i in identifiers})
    dummies = [_DUMMY + secrets.token_hex(16) for _ in range(padded_size(len(real)) - len(real))]
    items = real + dummies
    secrets.SystemRandom().shuffle(items)
    return items, real


@dataclass(slots=True)
class ClientRun:
    """The client's side of one run: its one-run key and its padded items, in memory only."""

    client: psi.client
    items: list[str]


def client_request(identifiers: Iterable[str]) -> tuple[ClientRun, bytes]:
    """Blind the client's identifiers with a fresh key; return the run state and the request."""
    items, _ = _padded(identifiers)
    client = psi.client.CreateWithNewKey(True)
    request = client.CreateRequest(items)
    return ClientRun(client=client, items=items), request.SerializeToString()


def server_answer(identifiers: Iterable[str], request: bytes) -> tuple[bytes, bytes]:
    """Answer a client's request with a fresh key: ``(setup, response)``, both serialised."""
    items, _ = _padded(identifiers)
    parsed = psi.Request()
    try:
        parsed.ParseFromString(request)
    except DecodeError:
        raise BadPsiMessageError("the PSI request is not a valid message") from None
    inputs = len(parsed.encrypted_elements)
    if not MIN_PADDED <= inputs <= MAX_PADDED or not parsed.reveal_intersection:
        raise BadPsiMessageError(f"a PSI request of {inputs} elements is outside the bounds")
    server = psi.server.CreateWithNewKey(True)
    try:
        setup = server.CreateSetupMessage(FALSE_POSITIVE_RATE, inputs, items, psi.DataStructure.RAW)
        response = server.ProcessRequest(parsed)
    except RuntimeError as exc:
        raise BadPsiMessageError(f"the PSI request was refused: {exc}") from None
    return setup.SerializeToString(), response.SerializeToString()


def client_intersection(run: ClientRun, setup: bytes, response: bytes) -> set[str]:
    """The client's own identifiers that the server's set holds too (dummies never match)."""
    parsed_setup, parsed_response = psi.ServerSetup(), psi.Response()
    try:
        parsed_setup.ParseFromString(setup)
        parsed_response.ParseFromString(response)
        indices = run.client.GetIntersection(parsed_setup, parsed_response)
    except (DecodeError, RuntimeError) as exc:
        raise BadPsiMessageError(f"the PSI answer could not be used: {exc}") from None
    found = {run.items[i] for i in indices if 0 <= i < len(run.items)}
    return {item for item in found if not item.startswith(_DUMMY)}
