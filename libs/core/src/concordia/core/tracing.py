"""OpenTelemetry tracing: off (the API's no-op) unless an OTLP endpoint is configured.

One trace runs from an HTTP request at a node (an agency's sync) through the outbox, the relay
and the consumers to the hub's ingest. What carries it:

* **HTTP**: the FastAPI, SQLAlchemy and httpx instrumentations (a request's span, its queries, the
  calls it makes), applied by ``instrument`` only when a tracer provider of the SDK is installed:
  with tracing off a request costs nothing more than before.
* **Events**: the outbox stores the W3C ``traceparent`` of the context that wrote a row, as a
  message header and as the CloudEvents distributed-tracing extension in the envelope; the relay
  publishes each row in a ``PRODUCER`` span that continues it, and a consumer applies a message in
  a ``CONSUMER`` span that continues the relay's. Messages written outside any trace (status
  reports, rounds with no traced change) start no trace anywhere.
* **Releases**: an aggregate release is caused by the changes since the last one, written in
  other transactions. The outbox notes the trace of each traced change (``note_change``); the
  publisher's next round (``release_round``) continues the newest one and links the others, so the
  snapshot the hub ingests belongs to the trace of the sync that changed it. A change made in
  another worker process than the one that publishes is linked to nothing (a limitation).

Settings: ``CONCORDIA_OTLP_ENDPOINT`` (OTLP over HTTP, e.g. ``http://collector:4318``) and
``CONCORDIA_TRACE_SAMPLE_RATIO``.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import threading
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.engine import Engine

    from concordia.core.settings import CoreSettings

#: The W3C trace-context header (and CloudEvents extension attribute).
TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
#: ``version-traceid-parentid-flags``, lower-case hex (W3C Trace Context, level 1).
TRACEPARENT_PATTERN = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
#: Routes probed every few seconds: never traced.
UNTRACED_ROUTES = "healthz,readyz,metrics"
#: At most this many earlier changes are linked from a release round.
MAX_LINKS = 32

_PROPAGATOR = TraceContextTextMapPropagator()
_TRACER_NAME = "concordia"
_lock = threading.Lock()
_httpx_instrumented = False
_changes: weakref.WeakKeyDictionary[Any, list[SpanContext]] = weakref.WeakKeyDictionary()
_in_round: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "concordia_release_round", default=False
)


def configure(service: str, settings: CoreSettings) -> bool:
    """Install the SDK's tracer provider exporting over OTLP, when an endpoint is configured.

    Once per process: a provider already installed (another app of the process, or a test's)
    is kept. Returns whether tracing is on.
    """
    endpoint = settings.otlp_endpoint
    if endpoint is not None and not active():
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        resource = Resource.create(
            {
                "service.name": f"concordia-{service}",
                "service.namespace": "concordia",
                "deployment.environment": settings.env,
                "concordia.node": settings.node,
            }
        )
        sampler = ParentBased(TraceIdRatioBased(settings.trace_sample_ratio))
        provider = TracerProvider(resource=resource, sampler=sampler)
        url = str(endpoint).rstrip("/")
        exporter = OTLPSpanExporter(
            endpoint=url if url.endswith("/v1/traces") else f"{url}/v1/traces"
        )
        provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
    return active()


def active() -> bool:
    """Whether spans are recorded: a tracer provider of the SDK is installed."""
    return isinstance(trace.get_tracer_provider(), TracerProvider)


def instrument(app: FastAPI, *, service: str, settings: CoreSettings, engine: Engine) -> None:
    """Trace ``app``'s requests, its database's queries and httpx calls, when tracing is on.

    The SQLAlchemy instrumentor is one per process: the first call traces ``engine`` and wraps
    engine creation, so engines made after it are traced from birth (a process runs one
    service; in a test process, apps made later are traced too).
    """
    if not configure(service, settings):
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls=UNTRACED_ROUTES)
    # Its declared range stops below SQLAlchemy 2.1; the cursor events it listens to are unchanged
    # (the tracing test sees the statements' spans).
    SQLAlchemyInstrumentor().instrument(engine=engine, enable_commenter=False, skip_dep_check=True)
    global _httpx_instrumented
    with _lock:
        if not _httpx_instrumented:
            HTTPXClientInstrumentor().instrument()
            _httpx_instrumented = True


def tracer() -> trace.Tracer:
    """Concordia's tracer (a no-op one while tracing is off)."""
    return trace.get_tracer(_TRACER_NAME)


def current_traceparent() -> str | None:
    """The ``traceparent`` of the current span, or None outside a (sampled or not) trace."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT)


def valid_traceparent(value: object) -> str | None:
    """``value`` if a well-formed ``traceparent``, else None: tracing never fails a message."""
    if isinstance(value, str) and TRACEPARENT_PATTERN.match(value):
        return value
    return None


def context_of(carrier: Mapping[str, str] | None) -> otel_context.Context | None:
    """The remote context a carrier (message headers) holds, or None when it holds none."""
    if not carrier or TRACEPARENT not in carrier:
        return None
    extracted = _PROPAGATOR.extract(dict(carrier))
    if not trace.get_current_span(extracted).get_span_context().is_valid:
        return None
    return extracted


def inject(headers: dict[str, str]) -> None:
    """Write the current span's ``traceparent`` (and ``tracestate``) into ``headers``."""
    _PROPAGATOR.inject(headers)


@contextlib.contextmanager
def continued(
    name: str,
    carrier: Mapping[str, str] | None,
    *,
    kind: SpanKind,
    attributes: Mapping[str, str | int] | None = None,
) -> Iterator[Span | None]:
    """A span continuing the trace ``carrier`` holds; no span at all when it holds none."""
    parent = context_of(carrier) if active() else None
    if parent is None:
        yield None
        return
    with tracer().start_as_current_span(
        name, context=parent, kind=kind, attributes=dict(attributes or {})
    ) as span:
        yield span


# -- changes and the release rounds they cause --------------------------------------------------


def recording_changes() -> bool:
    """Whether a traced write now is a change a release round should continue."""
    return not _in_round.get()


def note_change(key: Any, traceparents: list[str]) -> None:
    """Remember traced changes committed to the database ``key`` (its sync engine)."""
    contexts = []
    for value in traceparents:
        span_context = trace.get_current_span(
            _PROPAGATOR.extract({TRACEPARENT: value})
        ).get_span_context()
        if span_context.is_valid:
            contexts.append(span_context)
    if not contexts:
        return
    with _lock:
        noted = _changes.setdefault(key, [])
        noted.extend(contexts)
        del noted[: -(MAX_LINKS + 1)]


def take_changes(key: Any) -> list[SpanContext]:
    """The traced changes of ``key`` since the last call, oldest first."""
    with _lock:
        return _changes.pop(key, [])


@contextlib.contextmanager
def release_round(key: Any, name: str) -> Iterator[None]:
    """Run a release round of database ``key``: in the trace of its newest change, if any.

    The round's own outbox rows (the releases) carry that trace; they are not noted as changes.
    """
    changes = take_changes(key) if active() else []
    token = _in_round.set(True)
    try:
        if not changes:
            yield
            return
        parent = trace.set_span_in_context(NonRecordingSpan(changes[-1]))
        links = [Link(c) for c in changes[:-1]]
        with tracer().start_as_current_span(
            name, context=parent, links=links, kind=SpanKind.INTERNAL
        ):
            yield
    finally:
        _in_round.reset(token)


def trace_ids() -> tuple[str | None, str | None]:
    """The current trace and span ids in hex (for log lines), or Nones outside a trace."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None, None
    return f"{span_context.trace_id:032x}", f"{span_context.span_id:016x}"
