"""An AsyncAPI 3.0 document generated from the registered event types."""

from __future__ import annotations

import re
from typing import Any

from pydantic.json_schema import models_json_schema

from concordia.events._envelope import CONTENT_TYPE, SPECVERSION
from concordia.events._model import event_types

_PARAM = re.compile(r"\{([a-z_]+)\}")
_PARAM_TEXT = {
    "node": "The node (country) that publishes, e.g. `se`.",
    "service": "The publishing service, e.g. `registry`.",
    "aggregate": "The aggregate's name.",
    "period": "The reporting period, e.g. `2026-Q4`.",
    "version": "The snapshot's release, `v1`, `v2`...",
    "to": "The node the hub addresses, e.g. `se`.",
    "run": "The private-set-intersection run.",
}


def asyncapi_document(*, title: str = "Concordia events", version: str = "1.0.0") -> dict[str, Any]:
    """Describe every registered event type: channels (subjects) and messages (envelopes)."""
    classes = sorted(event_types().values(), key=lambda cls: cls.event_type)
    refs, top = models_json_schema(
        [(cls, "serialization") for cls in classes], ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for cls in classes:
        key = cls.event_type
        template = cls.subject_template()
        messages[key] = {
            "name": key,
            "title": cls.__name__,
            "summary": (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else key,
            "contentType": CONTENT_TYPE,
            "headers": _headers(cls.once_per_subject),
            "payload": _envelope_schema(key, cls.schema_uri(), refs[(cls, "serialization")]),
        }
        channels[key] = {
            "address": template,
            "title": f"{cls.__name__} ({cls.event_scope})",
            "description": _channel_text(cls.event_scope, template),
            "parameters": {
                name: {"description": _PARAM_TEXT.get(name, name)}
                for name in _PARAM.findall(template)
            },
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
        }
        operations[f"publish.{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Events of the Concordia platform, published to NATS JetStream as "
            "CloudEvents 1.0 JSON envelopes. `local.` subjects never leave a node; `shared.` "
            "subjects are the only ones the hub can receive.",
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _channel_text(scope: str, template: str) -> str:
    if scope == "local":
        return "Never leaves the node."
    if template.startswith("hub."):
        return "Sent by the hub to one node: codes, numbers and opaque PSI messages only."
    return "May be received by the hub: codes, numbers and opaque PSI messages only."


def _envelope_schema(event_type: str, schema_uri: str, data_ref: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "specversion",
            "id",
            "source",
            "type",
            "subject",
            "time",
            "dataschema",
            "data",
        ],
        "properties": {
            "specversion": {"const": SPECVERSION},
            "id": {"type": "string", "format": "uuid", "description": "UUIDv7 of the event."},
            "source": {"type": "string", "description": "`/concordia/<node>/<service>`"},
            "type": {"const": event_type},
            "subject": {"type": "string", "description": "The NATS subject it was sent on."},
            "time": {"type": "string", "format": "date-time"},
            "dataschema": {"const": schema_uri},
            "datacontenttype": {"const": CONTENT_TYPE},
            "data": data_ref,
            "traceparent": {
                "type": "string",
                "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                "description": "CloudEvents distributed-tracing extension: the W3C trace "
                "context the event was written in (absent outside a trace).",
            },
        },
    }


def _headers(once_per_subject: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Nats-Msg-Id": {"type": "string", "description": "The event id (broker-side dedupe)."}
    }
    if once_per_subject:
        properties["Nats-Expected-Last-Subject-Sequence"] = {
            "const": "0",
            "description": "The subject holds one immutable message, forever.",
        }
    properties["traceparent"] = {
        "type": "string",
        "description": "W3C trace context of the relay's publish span (absent outside a trace).",
    }
    return {"type": "object", "properties": properties, "required": ["Nats-Msg-Id"]}
