"""An example on every schema and operation of a service's OpenAPI document, composed once.

A client developer reads the examples first, and the generated clients and the API docs show
them: so every component schema gets one, every JSON request body and every JSON 2xx answer too.
A schema's own ``examples`` (or ``example``) win. Otherwise the example is composed from the
schema: each property's own examples, default, enum or const; a ``$ref`` to the referred schema's
example; an array as one item; a nullable field as its non-null branch; a ``uuid``, a date or a
date-time as a fixed, visibly synthetic value; a number within its bounds; a string from the
``VOCABULARY`` below by the property's name, or a placeholder made from its title. A test
validates every example against its schema (``tests/services/test_services_examples.py``), so an
example cannot drift from the model.

Example::

    complete(document)   # in the document pass, after the components are all in
"""

from __future__ import annotations

import base64
import math
import re
import uuid
from datetime import date, datetime
from typing import Any, Final

__all__ = ["EXAMPLE_UUID", "MAP_KEYS", "VOCABULARY", "complete", "example_of"]

#: The one UUID every example carries: visibly synthetic, and still a valid version-4 UUID.
EXAMPLE_UUID: Final = "00000000-0000-4000-8000-000000000001"
EXAMPLE_DATE: Final = "2026-11-02"
EXAMPLE_DATETIME: Final = "2026-11-02T09:30:00Z"
#: A page cursor as the services write it (``concordia.core.deps.encode_cursor``).
EXAMPLE_CURSOR: Final = base64.urlsafe_b64encode(uuid.UUID(EXAMPLE_UUID).bytes).decode().rstrip("=")

#: A string property's example by its name, where neither its schema nor its model gives one.
#:
#: Why a vocabulary: a placeholder made from a title ("Example host city") tells a reader the
#: type but not what the field holds; these tell both. Two rules keep it honest. Where a code list
#: applies, the value is a real code of it (ISO 3166-1 countries, ISO 3166-2:RU regions, ISO 4217
#: currencies, IATI organisation identifiers, the coalition's built-in code lists in
#: ``concordia.events._code_lists``), so an example can be sent as it is. Anything about a person
#: is visibly synthetic ("Synthetic Person 0007"): never a real person's name or contact. Enum
#: schemas use the entry when it is one of their values; a value that breaks a schema's pattern
#: or length is skipped for the title's placeholder (and the examples test names it).
VOCABULARY: Final[dict[str, Any]] = {
    # a secure money table's per-recipient bound (EUR)
    "clip": "250000",
    # persons and the people around them (synthetic, always)
    "name": "Synthetic Person 0007",
    "aliases": "Synthetic Alias 0007",
    "external_id": "agency-se-000123",
    "gender": "female",
    "ethnic_origin": "non_russian",
    "national_minority": "tatar",
    "region_of_origin": "RU-TA",
    "federal_district": "volga",
    "profession_category": "journalist",
    "profession": "journalist",
    "host_country": "SE",
    "host_city": "Uppsala",
    "city": "Uppsala",
    "country": "SE",
    "registration_country": "SE",
    "risk_level": "medium",
    "relation": "child",
    "track": "humanitarian_visa",
    "legal_basis": "consent",
    "author": "Synthetic Author 0007",
    "changed_by": "operator",
    "actor": "operator",
    "done_by": "operator",
    "decided_by": "operator",
    "raised_by": "operator",
    "token_name": "agency-sync",
    # organisations, donors and money
    "identifier": "SE-ON-8020001234",
    "DonorRead.identifier": "SE-ON-8020005678",
    "DonorUpdate.identifier": "SE-ON-8020005678",
    "FeedDonor.identifier": "SE-ON-8020005678",
    "DonorRead.name": "Example Democracy Programme",
    "DonorUpdate.name": "Example Democracy Programme",
    "FeedDonor.name": "Example Democracy Programme",
    "OrganisationRead.name": "Example Exile Media Collective",
    "OrganisationUpdate.name": "Example Exile Media Collective",
    "RecipientRead.name": "Example Exile Media Collective",
    "FeedRecipient.name": "Example Exile Media Collective",
    "currency": "EUR",
    "amount": "125000.00",
    "amount_eur": "125000.00",
    "committed_eur": "125000.00",
    "disbursed_eur": "60000.00",
    "rate": "1.0000",
    "purpose": "independent_media",
    "horizon": "mid",
    "strategic_goal": "value_of_politics",
    "goals": "value_of_politics",
    "represents": "national_minorities",
    "regions_of_focus": "RU-TA",
    "focus": "independent_media",
    "visibility": "public",
    "kind": "event",
    "title": "Synthetic independent media grant 2026",
    "description": "A synthetic example written for the API documentation.",
    # the coalition: nodes, periods, tables and the charter
    "node": "se",
    "concerns": "se",
    "nodes": "se",
    "peer": "pl",
    "peers": "pl",
    "signer": "se",
    "member": "se",
    "members": "se",
    "service": "registry",
    "period": "2026-Q4",
    "periods": "2026-Q4",
    "table": "persons_by_gender_region",
    "aggregate": "persons_by_gender_region",
    "dimension": "gender",
    "dimensions": "gender",
    "measure": "persons",
    "indicator": "women_share",
    "charter_version": "2026.1",
    "version": "2026.1",
    "language": "en",
    "languages": "en",
    "topic": "residence_permits",
    "status": "granted",
    "state": "open",
    "role": "member",
    "level": "female",
    "levels": "female",
    "item_type": "commitment",
    "action": "create",
    "op": "create",
    "entity": "person",
    "run_id": "run-2026-q4-0001",
    "release_id": "release-2026-q4-0001",
    "next": EXAMPLE_CURSOR,
    "sha256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
    "digest": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
    "media_type": "application/pdf",
    # an Ed25519 signature (base64url, 64 bytes): all zeros, so plainly no one's
    "MemberSignature.value": "A" * 86,
    "NodeSignature.value": "A" * 86,
    "Signature.value": "A" * 86,
    "Indicator.value": 0.42,
    # identifiers, keys and owners
    "id": EXAMPLE_UUID,
    "item_id": EXAMPLE_UUID,
    "token_id": "0000000000a7",
    "owner": "agency:se-migration",
    "account": "evaluator",
    "seed": "00000000000000000000000000000007",
    "MemberSignature.key": "ed25519:" + "A" * 43,
    "NodeSignature.key": "ed25519:" + "A" * 43,
    "Signature.key": "ed25519:" + "A" * 43,
    "CellTotal.key": "female",
    "signal_key": "commitment_behind:" + EXAMPLE_UUID + ":2026-Q4",
    "origin": "se",
    "client": "se",
    "server": "pl",
    "declined_by": "pl",
    "Indicator.code": "hhi",
    "phase": "count",
    "relationship": "employment",
    "InvalidField.type": "missing",
    "DonorRead.type": "government_programme",
    "OrganisationRead.type": "independent_media",
    "standing": "pilot",
    "workflow": "published",
    "basis": "signed form 2026-03",
    # lists of nodes, fields and codes (an array's one item)
    "loc": "body",
    "suppressed_nodes": "se",
    "missing_nodes": "pl",
    "survivors": "se",
    "roster": "se",
    "signers": "se",
    "refusals": "se",
    "left_unchanged": "aliases",
    "defaulted": "aliases",
    "vulnerabilities": "other",
    "expertise": "independent_media",
    "values": 40,
    "tables": "persons_by_gender_region",
    "cells": "female",
    "fields": "name",
    "shortfall": "not_enough_signatures",
    "RoundReportRead.status": "released",
    "ops.healthz": "ok",
    "ops.readyz": "ok",
    # free-form objects (``dict[str, Any]`` in the model): what the service writes there
    "family": {"relation": "child", "count": 1},
    "AgreementRead.criteria": {
        "criterion": "relevance", "items": 12, "alpha": 0.81, "reported": True,
        "kappa": [{"assessors": [EXAMPLE_UUID, EXAMPLE_UUID], "items": 12, "kappa": 0.78}],
    },
    # days (a schema's format gives 2026-11-02 to any other)
    "start_date": "2026-09-01",
    "end_date": "2027-08-31",
    "period_start": "2026-10-01",
    "period_end": "2026-12-31",
    "valid_from": "2026-03-01",
    "valid_to": "2027-02-28",
    "due": "2026-12-15",
    "since": "2025-06-01",
    # flags whose ordinary value is false
    "withdrawn": False,
    "erased": False,
    "stale": False,
    "incomplete": False,
    "suppressed": False,
    "dry_run": False,
    # words the services write without a closed list in the schema
    "codes": "female",
    "ConsentRead.purpose": "registry",
    "AuditRead.purpose": "registry",
    "OverlapPairRead.status": "counted",
    "AgendaItemRead.kind": "commitment_behind",
    "SignaturesRead.kind": "charter",
    "SignedDocument.kind": "charter",
    # decimals the services write as strings
    "share": "0.45",
    "min_share": "0.4",
    "aim_share": "0.5",
    "max_share": "0.6",
    "epsilon": "1.0",
    "epsilon_spent": "0.5",
    "target": "250000.00",
    "expected": "125000.00",
    "actual": "120000.00",
    # free text: readable, and plainly an example
    "rationale": "A synthetic rationale written for the API documentation.",
    "reason": "A synthetic reason written for the API documentation.",
    "note": "A synthetic note written for the API documentation.",
    "body": "A synthetic text written for the API documentation.",
    "text": "A synthetic text written for the API documentation.",
    "summary": "A synthetic summary written for the API documentation.",
    "what_worked": "Pairing each newcomer with a synthetic mentor.",
    "what_did_not": "Synthetic weekly reports nobody read.",
    "detail": "A synthetic detail written for the API documentation.",
    "instance": "/v1/persons",
    "msg": "Field required",
    "field": "name",
    "tags": "relocation",
    "decided": "A synthetic decision written for the API documentation.",
    "definition": "A synthetic definition written for the API documentation.",
    "override_reason": "A synthetic reason for approving one's own practice.",
    "evidence": "A synthetic piece of evidence written for the API documentation.",
}  # fmt: skip

#: The key of a map property's one example entry (``{"women": 1}``), by the property's name.
MAP_KEYS: Final[dict[str, str]] = {
    "participants_by_gender": "women",
    "participants_by_origin": "non_russian",
    "counts": "created",
    "versions": "se",
    "scores": "relevance",
    "evidence": "relevance",
    "topic": "residence_permits",
    "country": "SE",
    "language": "en",
    "refusals": "node",
    # an operation's own answer, by its operation id
    "ops.healthz": "status",
    "ops.readyz": "database",
}

#: No example can be made for this schema (an unresolvable cycle).
_NONE: Final = object()


def complete(document: dict[str, Any]) -> None:
    """Give every component schema, JSON request body and JSON 2xx answer of ``document`` an
    example (in place); what already has one keeps it."""
    components: dict[str, Any] = document.get("components", {}).get("schemas", {})
    for name, schema in components.items():
        if "examples" not in schema and "example" not in schema:
            value = example_of({"$ref": f"#/components/schemas/{name}"}, components)
            if value is not _NONE:
                schema["examples"] = [value]
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            bodies = [operation.get("requestBody", {})]
            bodies += [answer for status, answer in operation.get("responses", {}).items()
                       if status.startswith("2")]  # fmt: skip
            for body in bodies:
                for media_type, media in (body.get("content") or {}).items():
                    if _is_json(media_type) and "example" not in media and "examples" not in media:
                        name = operation.get("operationId", "")
                        value = example_of(media.get("schema", {}), components, name)
                        if value is not _NONE:
                            media["example"] = value


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def example_of(schema: dict[str, Any], components: dict[str, Any], name: str = "") -> Any:
    """An example of ``schema`` (``name``: the property it describes, ``Owner.key``, or the
    operation whose body it is, for the vocabulary)."""
    return _Composer(components).value(schema, name, ())


class _Composer:
    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components

    def value(self, schema: Any, name: str, seen: tuple[str, ...]) -> Any:
        if not isinstance(schema, dict):
            return _NONE
        for own in ("examples", "example"):
            if own in schema:
                found = schema[own]
                return found[0] if own == "examples" and isinstance(found, list) else found
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in seen:
                return _NONE
            target = self.components.get(ref.rpartition("/")[2])
            return self.value(target, name, (*seen, ref))
        if "const" in schema:
            return schema["const"]
        wanted = _word(name)
        if wanted in schema.get("enum", ()):
            return wanted
        default = schema.get("default")
        if default is not None and default != [] and default != {}:
            return default
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return self._object(schema, name, seen)
        for composed in ("anyOf", "oneOf", "allOf"):
            if composed in schema:
                return self._branch(schema[composed], name, seen)
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "array":
            return self._array(schema, name, seen)
        if kind in ("integer", "number"):
            return self._number(schema, name, integer=kind == "integer")
        if kind == "boolean":
            return _word(name) if isinstance(_word(name), bool) else True
        if kind == "null":
            return None
        if kind == "string":
            return self._string(schema, name)
        if kind is None and set(schema) <= {"title", "description"}:  # any value
            return self._string(schema, name) if _word(name) is None else _word(name)
        return _NONE

    def _branch(self, branches: list[Any], name: str, seen: tuple[str, ...]) -> Any:
        """The first branch that is not ``null`` and gives a value (a nullable field's value);
        a string branch first where the vocabulary has a string (a decimal's ``"125000.00"``)."""
        if isinstance(_word(name), str):
            branches = sorted(branches, key=lambda b: b.get("type") != "string")
        for branch in branches:
            if isinstance(branch, dict) and branch.get("type") != "null":
                found = self.value(branch, name, seen)
                if found is not _NONE:
                    return found
        return None if any(b.get("type") == "null" for b in branches) else _NONE

    def _object(self, schema: dict[str, Any], name: str, seen: tuple[str, ...]) -> Any:
        wanted = _word(name)
        if isinstance(wanted, dict) and not schema.get("properties"):  # a free-form object
            return wanted
        required = set(schema.get("required", ()))
        owner = schema.get("title", "")
        result: dict[str, Any] = {}
        for key, prop in schema.get("properties", {}).items():
            found = self.value(prop, f"{owner}.{key}", seen)
            if found is _NONE:
                if key in required:
                    return _NONE
                continue
            result[key] = found
        extra = schema.get("additionalProperties")
        if not result and isinstance(extra, dict):
            key = MAP_KEYS.get(name, MAP_KEYS.get(_bare(name), ""))
            key = key or self._string(schema.get("propertyNames", {}), "")
            found = self.value(extra, name, seen)
            if found is not _NONE:
                result[key] = found
        branches = schema.get("oneOf") or schema.get("anyOf") or ()
        if branches and result:
            _narrow(result, branches[0])
        return result

    def _array(self, schema: dict[str, Any], name: str, seen: tuple[str, ...]) -> Any:
        items = schema.get("prefixItems")
        if items is not None:
            values = [self.value(item, name, seen) for item in items]
            return _NONE if _NONE in values else values
        item = self.value(schema.get("items", {}), name, seen)
        if item is _NONE:
            return [] if schema.get("minItems", 0) == 0 else _NONE
        return [item] * max(1, schema.get("minItems", 1))

    def _number(self, schema: dict[str, Any], name: str, *, integer: bool) -> int | float:
        wanted = _word(name)
        value: float = (
            wanted if isinstance(wanted, int | float) and not isinstance(wanted, bool) else 1
        )
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if low is not None and value <= low:
            value = low + (1 if "exclusiveMinimum" in schema else 0)
        if high is not None and value >= high:
            value = high - (1 if "exclusiveMaximum" in schema else 0)
        if integer:
            return math.ceil(value)
        return value

    def _string(self, schema: dict[str, Any], name: str) -> str:
        shaped = {"uuid": EXAMPLE_UUID, "date": EXAMPLE_DATE, "date-time": EXAMPLE_DATETIME,
                  "email": "person0007@example.org", "uri": "https://example.org/"}  # fmt: skip
        wanted = _word(name)
        fits = isinstance(wanted, str) and _fits(wanted, schema)
        if schema.get("format") in shaped and not fits:
            return shaped[schema["format"]]
        title = str(schema.get("title") or _bare(name).replace("_", " ") or "value").lower()
        candidates = [_word(name), f"Example {title}", re.sub(r"\W+", "_", title)]
        for candidate in candidates:
            if isinstance(candidate, str) and _fits(candidate, schema):
                return candidate
        return _sized(re.sub(r"\W+", "_", title), schema)


def _bare(name: str) -> str:
    """``key`` of ``Owner.key``: the property's own name."""
    return name.rpartition(".")[2]


def _word(name: str) -> Any:
    """The vocabulary's entry for ``Owner.key``, else for ``key``; None if it has neither."""
    return VOCABULARY.get(name, VOCABULARY.get(_bare(name)))


def _narrow(value: dict[str, Any], branch: dict[str, Any]) -> None:
    """Make an object ``value`` one of its schema's ``oneOf`` branches: the branch's constants,
    without the properties the branch forbids (``not: {required: [...]}``)."""
    for key, prop in branch.get("properties", {}).items():
        if isinstance(prop, dict) and "const" in prop:
            value[key] = prop["const"]
    for key in branch.get("not", {}).get("required", ()):
        value.pop(key, None)


#: Checks of the formats a vocabulary entry must meet to stand in for the format's own value.
_FORMATS: Final[dict[str, Any]] = {
    "uuid": uuid.UUID, "date": date.fromisoformat, "date-time": datetime.fromisoformat,
}  # fmt: skip


def _fits(value: str, schema: dict[str, Any]) -> bool:
    if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
        return False
    check = _FORMATS.get(schema.get("format", ""))
    try:
        if check is not None:
            check(value)
    except ValueError:
        return False
    pattern = schema.get("pattern")
    return pattern is None or re.search(pattern, value) is not None


def _sized(value: str, schema: dict[str, Any]) -> str:
    """``value`` padded or cut to the schema's length bounds."""
    value = value.ljust(schema.get("minLength", 0), "x")
    return value[: schema.get("maxLength", len(value))]
