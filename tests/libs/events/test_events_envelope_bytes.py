"""``Envelope.to_bytes`` embeds the payload as pydantic serialised it: byte for byte the JSON the
envelope gave when it dumped the payload to Python values first and orjson serialised them,
for every event type (instances generated from each type's JSON schema)."""

from __future__ import annotations

import base64
import dataclasses
import importlib
import pkgutil
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import concordia.events
from concordia.events import Envelope, Event
from concordia.events._model import event_types

for _module in pkgutil.iter_modules(concordia.events.__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"concordia.events.{_module.name}")

TRACEPARENT = "00-" + "1" * 32 + "-" + "2" * 16 + "-01"
_STRING_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date-time": st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    "date": st.dates().map(lambda d: d.isoformat()),
    "uuid": st.uuids().map(str),
}


def _json_values(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """JSON values for ``schema`` (a model's JSON schema); some break constraints the schema
    does not spell out, and are dropped when the model refuses them."""
    if "$ref" in schema:
        return st.deferred(lambda: _json_values(defs[schema["$ref"].rsplit("/", 1)[1]], defs))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return st.one_of([_json_values(s, defs) for s in schema[key]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([_json_values({**schema, "type": k}, defs) for k in kind])
    if "examples" in schema:  # values a field's own validator accepts, among others
        rest = {k: v for k, v in schema.items() if k != "examples"}
        return st.one_of(st.sampled_from(schema["examples"]), _json_values(rest, defs))
    if kind == "string":
        if schema.get("format") in _STRING_FORMATS:
            return _STRING_FORMATS[schema["format"]]
        if schema.get("contentEncoding") == "base64":
            return st.binary(min_size=1, max_size=40).map(lambda b: base64.b64encode(b).decode())
        low, high = schema.get("minLength", 0), min(schema.get("maxLength", 40), 40)
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: low <= len(s) <= schema.get("maxLength", len(s))
            )
        return st.text(min_size=low, max_size=max(low, high))
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -(2**40) - 1) + 1)
        high = schema.get("maximum", schema.get("exclusiveMaximum", 2**40 + 1) - 1)
        return st.integers(low, high)
    if kind == "number":
        return st.floats(
            schema.get("minimum", schema.get("exclusiveMinimum")),
            schema.get("maximum", schema.get("exclusiveMaximum")),
            exclude_min="exclusiveMinimum" in schema,
            exclude_max="exclusiveMaximum" in schema,
            allow_nan=False,
            allow_infinity=False,
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        low = schema.get("minItems", 0)
        items = _json_values(schema.get("items", {}), defs)
        return st.lists(items, min_size=low, max_size=max(low, min(schema.get("maxItems", 3), 3)))
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", ()))
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        fixed = st.fixed_dictionaries(
            {k: _json_values(v, defs) for k, v in props.items() if k in required},
            optional={k: _json_values(v, defs) for k, v in props.items() if k not in required},
        )
        if isinstance(extra, dict) and not props:
            return st.dictionaries(st.text(max_size=10), _json_values(extra, defs), max_size=3)
        return fixed
    return st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))


def _events(cls: type[Event]) -> st.SearchStrategy[Event]:
    schema = cls.model_json_schema()
    values = _json_values(schema, schema.get("$defs", {}))

    def build(obj: Any) -> Event | None:
        try:
            return cls.model_validate_json(orjson.dumps(obj))
        except (ValidationError, ValueError, TypeError):
            return None

    return values.map(build).filter(lambda e: e is not None)  # type: ignore[return-value]


def _old_to_bytes(envelope: Envelope[Event]) -> bytes:
    """The envelope's serialisation before it embedded pydantic's JSON: ``to_dict``, dumped."""
    return orjson.dumps(envelope.to_dict())


def _type_of(cls: type[Event]) -> str:
    return cls.event_type


@pytest.mark.parametrize("cls", [c for _, c in sorted(event_types().items())], ids=_type_of)
def test_envelope_bytes_are_those_of_its_dict(cls: type[Event]) -> None:
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(event=_events(cls), traced=st.booleans())
    def check(event: Event, traced: bool) -> None:
        assume(event is not None)
        at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        node = getattr(event, "node", None)
        try:  # a shared event is published by its own node only
            envelope = Envelope.wrap(event, node=node if isinstance(node, str) else "se", time=at)
        except ValueError:
            assume(False)
        if traced:
            envelope = dataclasses.replace(envelope, traceparent=TRACEPARENT)
        raw = envelope.to_bytes()
        assert raw == _old_to_bytes(envelope)
        assert Envelope.from_bytes(raw) == envelope

    check()
