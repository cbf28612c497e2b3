"""Prometheus view of the relay and the consumers: read on scrape, so hot paths stay bumps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from concordia.events.runtime.consumer import Consumer, ConsumerMetrics
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


class ConsumerCollector(Collector):
    """Exports consumers' metrics under ``concordia_consumer_*``, labelled by durable name.

    ``consumers`` is called on every scrape, so consumers started (or gone) later are seen.

    Example::

        ConsumerCollector(lambda: rt.consumers.values()).register(rt.metrics)
    """

    def __init__(self, consumers: Callable[[], Iterable[Consumer]]) -> None:
        self.consumers = consumers

    def register(self, registry: CollectorRegistry) -> None:
        """Add this collector to ``registry``."""
        registry.register(self)

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        """Yield every consumer's current figures."""
        counters: tuple[tuple[str, str, Callable[[ConsumerMetrics], float]], ...] = (
            ("applied", "Events applied", lambda m: m.applied_total),
            (
                "duplicates",
                "Deliveries of events applied before (inbox)",
                lambda m: m.duplicates_total,
            ),
            ("retries", "Handler failures, redelivered after a delay", lambda m: m.retries_total),
            (
                "redelivered",
                "Deliveries of a message delivered before",
                lambda m: m.redelivered_total,
            ),
            ("terminated", "Messages given up on (never applied)", lambda m: m.terminated_total),
            ("fetch_errors", "Failed fetches from the broker", lambda m: m.fetch_errors_total),
        )
        gauges: tuple[tuple[str, str, Callable[[ConsumerMetrics], float]], ...] = (
            ("pending", "Messages still to deliver, as of the last delivery", lambda m: m.pending),
            (
                "lag_seconds",
                "How long the message in hand waited in the stream",
                lambda m: m.lag_seconds,
            ),
        )
        consumers = sorted(self.consumers(), key=lambda c: c.name)
        for name, help_, read in counters:
            family = CounterMetricFamily(f"concordia_consumer_{name}", help_, labels=["consumer"])
            for consumer in consumers:
                family.add_metric([consumer.name], read(consumer.metrics))
            yield family
        for name, help_, read in gauges:
            gauge = GaugeMetricFamily(f"concordia_consumer_{name}", help_, labels=["consumer"])
            for consumer in consumers:
                gauge.add_metric([consumer.name], read(consumer.metrics))
            yield gauge
