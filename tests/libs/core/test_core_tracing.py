"""concordia.core.tracing and logging: off without an endpoint, exported over OTLP with one,
and every log line carries the request id and the trace id.

Each case runs ``traced_app.py`` in a fresh process: a tracer provider is installed once per
process, so "off" can only be seen in one that never installed it. With an endpoint, the spans
go over real OTLP/HTTP to a receiver on 127.0.0.1 that this test runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

SCRIPT = Path(__file__).with_name("traced_app.py")


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """An OTLP/HTTP receiver on 127.0.0.1: its URL and what it received."""
    received: list[tuple[str, bytes]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def _run(tmp_path: Path, **env: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONCORDIA_", "OTEL_"))}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        env={**clean, **env}, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    lines = [orjson.loads(line) for line in done.stderr.splitlines() if line.startswith(b"{")]
    return orjson.loads(done.stdout.splitlines()[-1]), lines


def _line(lines: list[dict[str, Any]], message: str) -> dict[str, Any]:
    return next(line for line in lines if line["message"] == message)


def test_without_an_endpoint_nothing_is_traced_and_lines_carry_the_request_id(
    tmp_path: Path,
) -> None:
    state, lines = _run(tmp_path)
    assert state == {"instrumented": False, "active": False}
    inside = _line(lines, "inside the request")
    assert inside["request_id"] == "test-request-0001"
    assert inside["trace_id"] is None
    outside = _line(lines, "outside any request")
    assert outside["request_id"] is None
    assert "trace_id" in outside
    # The access line too; a malformed client id is replaced by a fresh one.
    access = [line for line in lines if line["message"] == "request"]
    assert access[0]["request_id"] == "test-request-0001"
    assert access[1]["request_id"] not in {None, "not an id"}
    assert len(access[1]["request_id"]) == 32


def test_with_an_endpoint_spans_go_over_otlp_and_lines_carry_the_trace_id(
    tmp_path: Path, collector: tuple[str, list[tuple[str, bytes]]]
) -> None:
    url, received = collector
    state, lines = _run(tmp_path, CONCORDIA_OTLP_ENDPOINT=url)
    assert state == {"instrumented": True, "active": True}
    assert received, "the batch processor exported on flush"
    assert {path for path, _ in received} == {"/v1/traces"}
    spans = []
    for _, body in received:
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            assert attributes["service.name"] == "concordia-traced"
            for scope_spans in resource_spans.scope_spans:
                spans.extend(scope_spans.spans)
    inside = _line(lines, "inside the request")
    assert inside["request_id"] == "test-request-0001"
    request_span = next(s for s in spans if s.name == "GET /hello")
    assert inside["trace_id"] == request_span.trace_id.hex()
    # The request's query is a span of the same trace (SQLAlchemy instrumentation).
    assert any(s.name.startswith("SELECT") and s.trace_id == request_span.trace_id for s in spans)
    assert _line(lines, "outside any request")["trace_id"] is None


def test_the_sample_ratio_is_bounded() -> None:
    from pydantic import ValidationError

    from concordia.core.settings import CoreSettings

    with pytest.raises(ValidationError, match=r"less than or equal to 1"):
        CoreSettings(env="test", trace_sample_ratio=1.5)
