"""The coalition's health as Prometheus figures: when each node last reported, whether each
service runs the current charter, and how many messages the hub refused.

They live in the hub's database, so a background part reads them every ``REFRESH_SECONDS`` and
the collector hands out the last reading on scrape (a scrape never waits on the database).
The alert rules in ``deploy/prometheus/alerts.yaml`` are written on these names.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func, select

from concordia.core.db import Database
from concordia.hub.charter import current
from concordia.hub.models import Node, Refusal, ServiceStatus

log = logging.getLogger(__name__)

#: How often the figures are read from the database.
REFRESH_SECONDS = 15.0


@dataclass
class HealthReading:
    """One reading of the hub's database."""

    #: Node code -> Unix time of its last report (of its registration, before any).
    last_report: dict[str, float] = field(default_factory=dict)
    #: (node, service) -> the charter revision the service reports running.
    charter_revision: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (node, service) that report refusing the charter they were sent.
    charter_refused: set[tuple[str, str]] = field(default_factory=set)
    #: (node, reason) -> refusals recorded.
    refusals: dict[tuple[str, str], int] = field(default_factory=dict)
    #: The current charter's revision at the hub.
    current_revision: int = 0


async def read(db: Database) -> HealthReading:
    """Read the figures from the hub's database."""
    reading = HealthReading()
    async with db.unit_of_work(write=False) as session:
        for code, last, first in await session.execute(
            select(Node.code, Node.last_report_at, Node.first_seen_at)
        ):
            reading.last_report[code] = (last or first).timestamp()
        for node, service, revision, refused in await session.execute(
            select(
                ServiceStatus.node,
                ServiceStatus.service,
                ServiceStatus.charter_revision,
                ServiceStatus.charter_refused,
            )
        ):
            reading.charter_revision[(node, service)] = revision
            if refused is not None:
                reading.charter_refused.add((node, service))
        for account, reason, count in await session.execute(
            select(Refusal.account, Refusal.reason, func.count()).group_by(
                Refusal.account, Refusal.reason
            )
        ):
            reading.refusals[(account, reason)] = int(count)
        reading.current_revision = (await current(session=session)).revision
    return reading


class HubHealth(Collector):
    """The last reading, exported under ``concordia_hub_*``.

    Example::

        health = HubHealth()
        health.register(rt.metrics)
        await health.run(rt.db)          # a background part: refreshes until cancelled
    """

    def __init__(self) -> None:
        self.reading: HealthReading | None = None

    def register(self, registry: CollectorRegistry) -> None:
        """Add this collector to ``registry``."""
        registry.register(self)

    async def refresh(self, db: Database) -> None:
        """Take a new reading now."""
        self.reading = await read(db)

    async def run(self, db: Database, every: float = REFRESH_SECONDS) -> None:
        """Refresh every ``every`` seconds until cancelled; a failed reading keeps the last."""
        while True:
            try:
                await self.refresh(db)
            except Exception:  # the next round reads again
                log.exception("hub health reading failed")
            await asyncio.sleep(every)

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        """Yield the figures of the last reading (nothing before the first)."""
        r = self.reading
        if r is None:
            return
        last = GaugeMetricFamily(
            "concordia_hub_node_last_report_timestamp_seconds",
            "Unix time of the node's last message (of its registration, before any)",
            labels=["node"],
        )
        for code, at in sorted(r.last_report.items()):
            last.add_metric([code], at)
        yield last
        yield GaugeMetricFamily(
            "concordia_hub_charter_revision",
            "The current charter's revision",
            value=r.current_revision,
        )
        behind = GaugeMetricFamily(
            "concordia_hub_service_charter_behind",
            "1 if the service reports running an older charter revision than the current one",
            labels=["node", "service"],
        )
        refused = GaugeMetricFamily(
            "concordia_hub_service_charter_refused",
            "1 if the service reports refusing the charter it was sent",
            labels=["node", "service"],
        )
        for (node, service), revision in sorted(r.charter_revision.items()):
            behind.add_metric([node, service], int(revision < r.current_revision))
            refused.add_metric([node, service], int((node, service) in r.charter_refused))
        yield behind
        yield refused
        # Every known node has its series from the start (at 0): ``increase()`` sees its first
        # refusal, which it would not on a series that appeared with it.
        totals = dict.fromkeys(r.last_report, 0)
        for (node, _reason), count in r.refusals.items():
            totals[node] = totals.get(node, 0) + count
        refusals = CounterMetricFamily(
            "concordia_hub_refusals",
            "Messages the hub refused (recorded without their content), by node",
            labels=["node"],
        )
        for node, count in sorted(totals.items()):
            refusals.add_metric([node], count)
        yield refusals
        reasons = CounterMetricFamily(
            "concordia_hub_refusals_by_reason",
            "Messages the hub refused, by node and reason",
            labels=["node", "reason"],
        )
        for (node, reason), count in sorted(r.refusals.items()):
            reasons.add_metric([node, reason], count)
        yield reasons
