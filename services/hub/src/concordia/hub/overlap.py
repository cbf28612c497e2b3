"""Overlap detection at the hub: relay opaque PSI messages between ledgers, record counts only.

The coordinator lives in ``concordia.events`` (``_psi_relay``) so it carries no dependency on
``openmined-psi``: the hub never holds a PSI key nor parses a PSI message, and must not import
``private_set_intersection`` (tests/hub/test_hub_overlap.py checks the whole hub package).

Wiring (in the hub's lifespan), one NATS client per country account (user ``hub-<code>``)::

    coordinator = OverlapCoordinator(
        {code: link.client for code, link in country_links.items()},
        step_timeout=settings.psi_step_timeout_seconds,
        runs_per_day=settings.psi_runs_per_day,
        on_outcome=store_outcome,          # persist PairOutcome rows (counts, declines only)
    )
    await coordinator.start()
    await coordinator.run_round(period="2026-Q4", purpose="independent_media")
"""

from __future__ import annotations

from concordia.events import OverlapCoordinator, PairOutcome

__all__ = ["OverlapCoordinator", "PairOutcome"]
