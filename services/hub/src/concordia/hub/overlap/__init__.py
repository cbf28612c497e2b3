"""Overlap detection at the hub: the PSI relay (``coordinator``), rounds, and their routes.

The hub never holds a PSI key nor parses a PSI message, and must not import
``private_set_intersection`` (tests/hub/test_hub_overlap.py checks the whole hub package).
"""

from __future__ import annotations

from concordia.hub.overlap.coordinator import OverlapCoordinator, PairOutcome
from concordia.hub.overlap.service import OverlapRounds, PlannedRun, RateLimitedError, outcomes

__all__ = [
    "OverlapCoordinator",
    "OverlapRounds",
    "PairOutcome",
    "PlannedRun",
    "RateLimitedError",
    "outcomes",
]
