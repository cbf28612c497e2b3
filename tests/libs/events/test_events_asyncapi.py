"""The AsyncAPI document lists every registered event type with its subject and schema."""

from __future__ import annotations

import re
from typing import Any

import orjson

from concordia.events import asyncapi_document, event_types


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def test_document_covers_every_registered_type() -> None:
    doc = asyncapi_document()
    orjson.dumps(doc)  # plain JSON

    assert doc["asyncapi"] == "3.0.0"
    types = set(event_types())
    assert set(doc["channels"]) == types
    assert set(doc["components"]["messages"]) == types
    assert {op["channel"]["$ref"].split("/")[-1] for op in doc["operations"].values()} == types
    for event_type, cls in event_types().items():
        channel = doc["channels"][event_type]
        assert channel["address"] == cls.subject_template()
        assert set(channel["parameters"]) == set(re.findall(r"\{(\w+)\}", channel["address"]))
        message = doc["components"]["messages"][event_type]
        payload = message["payload"]
        assert payload["properties"]["type"] == {"const": event_type}
        assert payload["properties"]["dataschema"] == {"const": cls.schema_uri()}
        data = resolve(doc, payload["properties"]["data"]["$ref"])
        assert set(data["properties"]) == set(cls.model_fields)
        assert data.get("additionalProperties") is False


def test_every_reference_resolves() -> None:
    doc = asyncapi_document()
    for ref in refs(doc):
        assert resolve(doc, ref) is not None


def test_field_descriptions_and_examples_reach_the_document() -> None:
    doc = asyncapi_document()
    schemas = doc["components"]["schemas"]
    person = schemas["PersonRegistered"]["properties"]["person_id"]
    assert person["description"]
    assert person["examples"]
    assert (
        "Nats-Expected-Last-Subject-Sequence"
        in (
            doc["components"]["messages"]["concordia.aggregate.snapshot.published.v1"]["headers"][
                "properties"
            ]
        )
    )
