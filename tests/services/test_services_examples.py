"""An example on every schema and operation of every service, each valid against its schema.

The examples are composed in the document pass (``concordia.core.examples``); validating each one
here, ``$ref``s resolved against the document itself, keeps them from drifting from the models.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from test_services_openapi import _document

from concordia.core.examples import VOCABULARY, example_of
from concordia.kit import SERVICES, ServiceSpec

#: Where the document is registered, so that ``#/components/...`` resolves inside it.
BASE = "urn:concordia:openapi"


def _json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _examples(node: Any, where: str) -> Iterator[tuple[str, Any, Any]]:
    """Every (where, schema, example) a schema carries, nested ones included."""
    if isinstance(node, dict):
        for example in node.get("examples", []) if isinstance(node.get("examples"), list) else ():
            yield where, node, example
        if "example" in node and "type" in node:
            yield where, node, node["example"]
        for key, value in node.items():
            if key not in ("examples", "example", "default", "enum", "const"):
                yield from _examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _examples(value, f"{where}/{index}")


def _media(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON request body and 2xx answer of every operation, as (where, media object)."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            bodies = {"request": operation.get("requestBody", {})}
            bodies |= {status: answer for status, answer in operation["responses"].items()
                       if status.startswith("2")}  # fmt: skip
            for part, body in bodies.items():
                for media_type, media in (body.get("content") or {}).items():
                    if _json(media_type):
                        yield f"{method.upper()} {path} {part} {media_type}", media


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(
        BASE, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    rooted = {"$id": f"{BASE}/example", **_rebased(schema)}
    return Draft202012Validator(
        rooted, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _rebased(schema: Any) -> Any:
    """``schema`` with its document-local ``$ref``s pointing into the registered document."""
    if isinstance(schema, dict):
        return {key: (f"{BASE}{value}" if key == "$ref" and value.startswith("#") else
                      _rebased(value)) for key, value in schema.items()}  # fmt: skip
    if isinstance(schema, list):
        return [_rebased(value) for value in schema]
    return schema


def _errors(document: dict[str, Any], schema: dict[str, Any], example: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(document, schema).iter_errors(example)]  # fmt: skip


@pytest.mark.parametrize("spec", SERVICES, ids=[s.name for s in SERVICES])
def test_every_schema_and_operation_has_a_valid_example(spec: ServiceSpec, tmp_path: Path) -> None:
    document = _document(spec, tmp_path)
    schemas = document["components"]["schemas"]
    failures: list[str] = []
    for name, schema in schemas.items():
        if not schema.get("examples") and "example" not in schema:
            failures.append(f"{name}: no example")
    for where, schema, example in _examples(schemas, "#/components/schemas"):
        failures += [f"{where}: {error}" for error in _errors(document, schema, example)]
    operations = 0
    for where, media in _media(document):
        operations += 1
        if "example" not in media:
            failures.append(f"{where}: no example")
            continue
        errors = _errors(document, media.get("schema", {}), media["example"])
        failures += [f"{where}: {error}" for error in errors]
    assert operations >= 5
    assert not failures, f"{spec.name}:\n" + "\n".join(failures)


def test_an_example_is_composed_from_what_the_schema_says() -> None:
    """Own examples win; codes from the vocabulary inside an enum; bounds and nulls respected."""
    components = {
        "Person": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string", "minLength": 1, "maxLength": 300},
                "gender": {"type": "string", "enum": ["male", "female"]},
                "host_country": {"anyOf": [{"type": "string", "enum": ["PL", "SE"]},
                                           {"type": "null"}]},
                "born": {"type": "string", "format": "date"},
                "count": {"type": "integer", "minimum": 3, "maximum": 30},
                "nickname": {"type": "string", "title": "Nick Name", "pattern": "^[a-z_]+$"},
                "own": {"type": "string", "examples": ["mine"]},
                "friends": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
            },
        }
    }  # fmt: skip
    example = example_of({"$ref": "#/components/schemas/Person"}, components)
    assert example == {
        "id": "00000000-0000-4000-8000-000000000001", "name": VOCABULARY["name"],
        "gender": "female", "host_country": "SE", "born": "2026-11-02", "count": 3,
        "nickname": "nick_name", "own": "mine", "friends": [],
    }  # fmt: skip
    assert "Synthetic" in VOCABULARY["name"]
