"""Secure aggregation at the hub: rounds with the nodes, releases, epsilon, research release.

See ``concordia.hub.secure.service`` and docs/secure-aggregation.md.
"""

from __future__ import annotations

from concordia.hub.secure.service import (
    MIN_CONTRIBUTORS,
    DirectoryVerifier,
    Limits,
    RoundReport,
    SecureRounds,
    previous_quarter,
    releases,
)

__all__ = [
    "MIN_CONTRIBUTORS",
    "DirectoryVerifier",
    "Limits",
    "RoundReport",
    "SecureRounds",
    "previous_quarter",
    "releases",
]
