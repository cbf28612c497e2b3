"""Prometheus view of a relay: read on scrape, so the relay's hot path stays counter bumps."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from concordia.events.runtime.relay import OutboxRelay


class RelayCollector(Collector):
    """Exports an ``OutboxRelay``'s metrics under ``concordia_outbox_*``.

    Example::

        RelayCollector(relay).register(app.state.metrics)
    """

    def __init__(self, relay: OutboxRelay) -> None:
        self.relay = relay

    def register(self, registry: CollectorRegistry) -> None:
        """Add this collector to ``registry``."""
        registry.register(self)

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        """Yield the relay's current figures."""
        m = self.relay.metrics
        counters: tuple[tuple[str, float, str], ...] = (
            ("published", m.published_total, "Events published to JetStream"),
            ("duplicates", m.duplicates_total, "Publishes the broker recognised as duplicates"),
            ("failures", m.failures_total, "Failed publish attempts (retried)"),
            ("reordered", m.reordered_total, "Events that may have landed out of order"),
        )
        gauges: tuple[tuple[str, float, str], ...] = (
            ("pending", m.pending, "Committed events not yet published"),
            ("lag_seconds", m.lag_seconds, "Age of the oldest unpublished event"),
            ("leader", int(m.is_leader), "1 if this process holds the relay lease"),
        )
        for name, value, help_ in counters:
            yield CounterMetricFamily(f"concordia_outbox_{name}", help_, value=value)
        for name, value, help_ in gauges:
            yield GaugeMetricFamily(f"concordia_outbox_{name}", help_, value=value)
