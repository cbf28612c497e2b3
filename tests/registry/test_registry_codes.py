"""The code lists document: every closed vocabulary, as the request bodies accept it."""

from __future__ import annotations

from typing import Any, get_args

from concordia.registry import codes
from concordia.registry.schemas import OrganisationCreate, PermitCreate, PersonCreate


def _enum(model: Any, field: str) -> list[str]:
    schema = model.model_json_schema()
    prop = schema["properties"][field]
    prop = prop.get("items", prop)
    prop = next((p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"), prop)
    if "$ref" in prop:
        prop = schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
    return prop["enum"]


def test_every_vocabulary_is_listed_with_its_codes_in_order() -> None:
    lists = codes.code_lists()
    assert list(lists) == [
        "regions", "federal_districts", "refused_region_codes", "national_minority",
        *codes.VOCABULARIES, "access_purpose",
    ]  # fmt: skip
    for name, literal in codes.VOCABULARIES.items():
        assert lists[name] == list(get_args(literal)), name
    assert lists["represented_group"] == list(codes.REPRESENTED_GROUPS)
    assert lists["national_minority"] == sorted(codes.MINORITIES)
    assert lists["access_purpose"] == list(codes.ACCESS_PURPOSES)


def test_the_lists_are_what_the_bodies_accept() -> None:
    lists = codes.code_lists()
    for model, field, name in (
        (PersonCreate, "gender", "gender"),
        (PersonCreate, "ethnic_origin", "ethnic_origin"),
        (PersonCreate, "profession_category", "profession_category"),
        (PersonCreate, "risk_level", "risk_level"),
        (PersonCreate, "vulnerabilities", "vulnerability"),
        (OrganisationCreate, "type", "organisation_type"),
        (OrganisationCreate, "represents", "represented_group"),
        (PermitCreate, "track", "permit_track"),
    ):
        assert _enum(model, field) == lists[name], name
