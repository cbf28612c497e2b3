"""What the hub takes in from each country's stream: snapshots, status reports, broadcasts."""

from __future__ import annotations

from concordia.hub.ingest.broadcast import broadcast_filter, broadcast_handler, relayed_subject
from concordia.hub.ingest.handler import ingest_handler, refuse, unparseable_recorder

__all__ = [
    "broadcast_filter",
    "broadcast_handler",
    "ingest_handler",
    "refuse",
    "relayed_subject",
    "unparseable_recorder",
]
