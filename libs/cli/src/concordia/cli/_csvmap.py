"""CSV rows to sync records, typed by the sync endpoint's own schema.

Conventions: one column per field, named as in the API (`host_country`); nested fields with a
dot (`recipient.type`, `recipient.identifier`); lists separated by `;` (`aliases`, `goals`); a
list of small objects as `key:value` pairs in field order (`family`: `child:2;parent:1`). An
empty cell leaves the field out, so the server applies its default or reports it missing.
Values that do not convert (a count of `two`) are sent as they are: the server names the field
and the reason, per row.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

_INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Kind:
    """What can be imported: the service's sync path and the schema of one record.

    Example::

        KINDS["persons"].path   # "/v1/sync/persons", on the node's registry
    """

    name: str
    service: str
    path: str
    #: ``module:Class`` of the sync record's schema, loaded when first needed: the CLI depends
    #: on the contracts, not on the services, so it names their schemas instead of importing them.
    schema_ref: str

    @property
    def schema(self) -> type[BaseModel]:
        """The service's schema of one sync record."""
        module, _, name = self.schema_ref.partition(":")
        schema = getattr(importlib.import_module(module), name)
        if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
            raise TypeError(f"{self.schema_ref} is not a pydantic model")
        return schema


#: What the importer can sync: each kind's service (an entry of ``concordia.kit.SERVICES``).
KINDS = {
    "persons": Kind(
        "persons", "registry", "/v1/sync/persons", "concordia.registry.schemas:PersonSync"
    ),
    "organisations": Kind(
        "organisations", "registry", "/v1/sync/organisations",
        "concordia.registry.schemas:OrganisationSync",
    ),
    "grants": Kind("grants", "ledger", "/v1/sync/grants", "concordia.ledger.schemas:GrantSync"),
}  # fmt: skip


class RowMapper:
    """Turns CSV rows into records for one kind, after checking the header once.

    Example::

        mapper = RowMapper(KINDS["organisations"], ["external_id", "identifier", "name"])
        mapper.record({"external_id": "ORG-1", "identifier": "XM-DAC-1", "name": "Example"})
    """

    def __init__(self, kind: Kind, header: list[str]) -> None:
        self.kind = kind
        self.schema = kind.schema.model_json_schema()
        self.defs: dict[str, Any] = self.schema.get("$defs", {})
        unknown = [column for column in header if self._field(column) is None]
        if unknown:
            known = ", ".join(self.columns())
            raise ValueError(f"unknown column(s) {', '.join(unknown)}; {kind.name} take: {known}")
        required = self.schema.get("required", [])
        missing = [name for name in required if not self._covered(name, header)]
        if missing:
            raise ValueError(f"missing required column(s): {', '.join(missing)}")
        self.header = header

    def columns(self) -> list[str]:
        """Every column this kind accepts (nested fields dotted)."""
        names: list[str] = []
        for name, prop in self.schema["properties"].items():
            sub = self._resolve(prop)
            if sub.get("type") == "object" and "properties" in sub:
                names.extend(f"{name}.{child}" for child in sub["properties"])
            else:
                names.append(name)
        return names

    def record(self, row: dict[str, str | None]) -> dict[str, Any]:
        """One record from one row (cells of columns beyond the header are ignored)."""
        record: dict[str, Any] = {}
        for column, raw in row.items():
            if column is None or raw is None or not raw.strip():
                continue
            field = self._field(column)
            assert field is not None  # the header was checked
            value = self._convert(raw.strip(), field)
            parent, _, child = column.partition(".")
            if child:
                record.setdefault(parent, {})[child] = value
            else:
                record[parent] = value
        return record

    def _covered(self, name: str, header: list[str]) -> bool:
        return name in header or any(column.startswith(f"{name}.") for column in header)

    def _field(self, column: str) -> dict[str, Any] | None:
        """The JSON schema of a column's field, or None when the kind has no such field."""
        parent, _, child = column.partition(".")
        prop = self.schema["properties"].get(parent)
        if prop is None:
            return None
        prop = self._resolve(prop)
        if not child:
            return prop
        found = prop.get("properties", {}).get(child)
        return self._resolve(found) if found is not None else None

    def _resolve(self, prop: dict[str, Any]) -> dict[str, Any]:
        """Follow ``$ref`` and drop the null branch of an optional field."""
        if "$ref" in prop:
            return self._resolve(self.defs[prop["$ref"].rsplit("/", 1)[-1]])
        options = [p for p in prop.get("anyOf", []) if p.get("type") != "null"]
        if len(options) == 1:
            return self._resolve(options[0])
        return prop

    def _convert(self, raw: str, prop: dict[str, Any]) -> Any:
        kind = prop.get("type")
        if kind == "array":
            item = self._resolve(prop.get("items", {}))
            return [self._convert(part.strip(), item) for part in raw.split(";") if part.strip()]
        if kind == "object" and "properties" in prop:
            names = list(prop["properties"])
            parts = raw.split(":")
            return {
                name: self._convert(part.strip(), self._resolve(prop["properties"][name]))
                for name, part in zip(names, parts, strict=False)
            }
        if kind == "integer" and _INTEGER.match(raw):
            return int(raw)
        if kind == "boolean" and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        return raw
