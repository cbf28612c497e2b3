"""The coalition's charter at the hub: proposals, the members' signatures, sending them out."""

from __future__ import annotations

from concordia.hub.charter.service import (
    adopted,
    behind,
    broadcast,
    current,
    hub_directory,
    proposals,
    put,
    resend,
    resend_forever,
    revision,
    sign,
    signatures,
    versions,
)

__all__ = [
    "adopted",
    "behind",
    "broadcast",
    "current",
    "hub_directory",
    "proposals",
    "put",
    "resend",
    "resend_forever",
    "revision",
    "sign",
    "signatures",
    "versions",
]
