"""The coalition's charter at the hub: stored revisions, sending them out, and their routes."""

from __future__ import annotations

from concordia.hub.charter.service import (
    behind,
    broadcast,
    current,
    put,
    resend,
    resend_forever,
    versions,
)

__all__ = ["behind", "broadcast", "current", "put", "resend", "resend_forever", "versions"]
