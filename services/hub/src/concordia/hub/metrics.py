"""Prometheus view of the hub's country links, read on scrape."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from concordia.events import Consumer, ConsumerCollector
from concordia.hub.nodes import Federation


class FederationCollector(Collector):
    """Exports per-country ingest counters and link state under ``concordia_hub_*``.

    Example::

        FederationCollector(federation).register(app.state.metrics)
    """

    def __init__(self, federation: Federation) -> None:
        self.federation = federation

    def register(self, registry: CollectorRegistry) -> None:
        """Add this collector to ``registry``, and the country consumers' own figures
        (``concordia_consumer_*``: lag, redeliveries, terminated messages)."""
        registry.register(self)
        ConsumerCollector(self.consumers).register(registry)

    def consumers(self) -> list[Consumer]:
        """Every country's ingest and broadcast-relay consumers."""
        return [c for link in self.federation.links.values() for c in (link.consumer, link.relay)]

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        """Yield each linked country's current figures."""
        counters = {
            "applied": CounterMetricFamily(
                "concordia_hub_ingest_applied", "Messages applied", labels=["node"]
            ),
            "duplicates": CounterMetricFamily(
                "concordia_hub_ingest_duplicates", "Redeliveries applied before", labels=["node"]
            ),
            "retries": CounterMetricFamily(
                "concordia_hub_ingest_retries", "Handler failures (retried)", labels=["node"]
            ),
            "terminated": CounterMetricFamily(
                "concordia_hub_ingest_terminated", "Messages that can never apply", labels=["node"]
            ),
        }
        connected = GaugeMetricFamily(
            "concordia_hub_node_connected", "1 if the link into the account is up", labels=["node"]
        )
        for code, link in sorted(self.federation.links.items()):
            m = link.consumer.metrics
            counters["applied"].add_metric([code], m.applied_total)
            counters["duplicates"].add_metric([code], m.duplicates_total)
            counters["retries"].add_metric([code], m.retries_total)
            counters["terminated"].add_metric([code], m.terminated_total)
            connected.add_metric([code], int(link.link.connected))
        yield from counters.values()
        yield connected
