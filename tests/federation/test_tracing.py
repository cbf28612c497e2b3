"""One trace from an agency's sync at a node to the hub's ingest, and the figures on /metrics.

The hub, a node's registry and ledger run in this process on the generated coalition's real
nats-servers; spans go to the OpenTelemetry SDK's in-memory exporter (the real SDK and the real
instrumentations: only the exporter's destination differs from OTLP).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from alerts_support import alert_metrics
from federation_support import Coalition
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from registry_support import person
from sqlalchemy import select
from wiring_support import Running, apps, start_hub, start_ledger, start_registry, until

from concordia.core.auth import TokenStore
from concordia.hub.models import Snapshot
from concordia.ledger import app as ledger_app


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span ended during the test (the process's SDK provider, installed once)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()


def _consumer_span(spans: InMemorySpanExporter, group: str) -> ReadableSpan | None:
    for span in spans.get_finished_spans():
        attributes = span.attributes or {}
        if (
            span.kind is SpanKind.CONSUMER
            and attributes.get("messaging.consumer.group.name") == group
        ):
            return span
    return None


def _trace_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return int(span.context.trace_id)


async def _metrics(running: Running, tokens: Path) -> str:
    token = TokenStore(tokens).create("test-scraper", {"ops"})
    response = await running.client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return str(response.text)


def _families(exposition: str) -> set[str]:
    """Every series name a Prometheus exposition declares (counters with their ``_total``)."""
    names: set[str] = set()
    for line in exposition.splitlines():
        if match := re.match(r"# TYPE (\S+) (\S+)", line):
            name, kind = match.groups()
            names.add(f"{name}_total" if kind == "counter" else name)
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


async def test_one_trace_runs_from_a_sync_at_a_node_to_the_hub_ingest(
    coalition: Coalition,
    database_factories: Callable[[str], Awaitable[str]],
    spans: InMemorySpanExporter,
) -> None:
    async with apps() as runner:
        hub = await start_hub(runner, coalition, await database_factories("hub"))
        registry = await start_registry(
            runner, coalition, "se", await database_factories("registry")
        )
        ledger, harness = await start_ledger(
            runner, coalition, "se", await database_factories("ledger")
        )
        ledger_consumer = ledger_app.consumer_name_for("se")

        # An agency syncs its persons at the node.
        synced = await registry.client.put(
            "/v1/sync/persons",
            json={"records": [person(n) for n in range(30)]},
            headers={**registry.auth, "X-Request-Id": "agency-sync-0001"},
        )
        assert synced.status_code == 200, synced.text
        assert synced.headers["x-request-id"] == "agency-sync-0001"
        sync_span = next(
            s
            for s in spans.get_finished_spans()
            if s.kind is SpanKind.SERVER
            and (s.attributes or {}).get("http.route") == "/v1/sync/persons"
        )
        trace_id = _trace_id(sync_span)

        # The ledger's consumer applies the registry's events in that trace.
        applied = await until(lambda: _consumer_span(spans, ledger_consumer), 30)
        assert _trace_id(applied) == trace_id
        # The next release round carries the change to the hub, still in that trace.
        rt = registry.app.state.concordia
        released = await rt.publish_aggregates()
        assert released, "30 synced persons release the registry's tables"
        ingested = await until(lambda: _consumer_span(spans, "hub-ingest-se"), 45)
        assert _trace_id(ingested) == trace_id

        in_trace = [s for s in spans.get_finished_spans() if _trace_id(s) == trace_id]
        publishes = {s.name for s in in_trace if s.kind is SpanKind.PRODUCER}
        assert any(n.startswith("publish local.se.registry.") for n in publishes), publishes
        assert any(n.startswith("publish shared.se.registry.aggregate.") for n in publishes)
        assert any(s.name == "registry aggregates release" for s in in_trace)
        # Each hop is the child of the one before: the consumer of the relay's publish span.
        by_id = {s.context.span_id: s for s in in_trace if s.context is not None}
        for consumer in (applied, ingested):
            assert consumer.parent is not None
            assert by_id[consumer.parent.span_id].kind is SpanKind.PRODUCER
        # The SQLAlchemy instrumentation: the sync's statements are in the trace too.
        assert any((s.attributes or {}).get("db.system") for s in in_trace)
        hub_db = hub.app.state.concordia.db
        async with hub_db.unit_of_work(write=False) as session:
            stored = await session.scalar(
                select(Snapshot.event_id).where(Snapshot.node == "se").limit(1)
            )
        assert stored is not None

        # The figures the alert rules read are on the services' /metrics.
        health = hub.app.state.concordia.extra.health
        await health.refresh(hub_db)
        exposed = _families(await _metrics(hub, coalition.root / "hub" / "tokens.json"))
        exposed |= _families(await _metrics(registry, harness.settings.tokens_file))
        ledger_metrics = await _metrics(ledger, harness.settings.tokens_file)
        exposed |= _families(ledger_metrics)
        assert re.search(
            rf'concordia_consumer_applied_total{{consumer="{ledger_consumer}"}} [1-9]',
            ledger_metrics,
        )
        assert 'concordia_hub_node_last_report_timestamp_seconds{node="se"}' in (
            await _metrics(hub, coalition.root / "hub" / "tokens.json")
        )
        assert alert_metrics() <= exposed, alert_metrics() - exposed
