"""No shared event can carry personal data: its field types cannot hold free text."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin
from uuid import UUID

import pytest
from pydantic import BaseModel, EmailStr, Field

from concordia.events import (
    CODE_PATTERN,
    NON_PERSONAL_PATTERNS,
    CoalitionText,
    Code,
    ContributionPublished,
    Opaque,
    PracticeRevisionPublished,
    Screened,
    SharedEvent,
    event_types,
    personal_field_violations,
)

ALLOWED_LEAVES = (bool, int, Decimal, datetime, date, type(None))
#: The only shared events that may carry text: after four eyes and the registry's screen.
SCREENED_OWNERS = {"PracticeRevisionPublished", "ContributionPublished"}
#: The only shared event with the coordination group's own words: hub to node, never back.
HUB_TEXT_OWNERS = {"CoalitionDecisionPublished"}
PERSONAL_WORDS = {"name", "surname", "alias", "birth", "dob", "email", "phone", "address"}


def walk(tp: Any, metadata: tuple[Any, ...], path: str, seen: set[type]) -> list[str]:
    """Violations under one annotation (independent of the library's own guard)."""
    origin = get_origin(tp)
    if origin is Annotated:
        return walk(get_args(tp)[0], metadata + tuple(tp.__metadata__), path, seen)
    if tp is str:
        patterns = {getattr(m, "pattern", None) for m in metadata}
        if any(isinstance(m, Screened) for m in metadata):
            # Released text: allowed only in the exchange's events (checked below).
            return [] if path.split(".")[0] in SCREENED_OWNERS else [f"{path}: screened text"]
        if any(type(m).__name__ == "HubText" for m in metadata):
            return [] if path.split(".")[0] in HUB_TEXT_OWNERS else [f"{path}: hub text"]
        return [] if patterns & set(NON_PERSONAL_PATTERNS) else [f"{path}: free text"]
    if tp is bytes:  # only the marked, size-bounded opaque PSI type
        return [] if any(isinstance(m, Opaque) for m in metadata) else [f"{path}: raw bytes"]
    if origin is Literal:
        return [] if all(isinstance(a, str | int | bool) for a in get_args(tp)) else [path]
    if origin in (Union, types.UnionType):
        return [v for a in get_args(tp) for v in walk(a, metadata, path, seen)]
    if origin in (list, tuple, set, frozenset, Sequence):
        return [v for a in get_args(tp) if a is not ... for v in walk(a, (), f"{path}[]", seen)]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return []
        seen.add(tp)
        found = [
            f"{path}.{n}: personal name"
            for n in tp.model_fields
            if PERSONAL_WORDS & set(n.split("_"))
        ]
        return found + [
            v
            for name, field in tp.model_fields.items()
            for v in walk(field.annotation, tuple(field.metadata), f"{path}.{name}", seen)
        ]
    if tp in ALLOWED_LEAVES:
        return []
    return [f"{path}: {tp!r}"]


def shared_types() -> list[type[SharedEvent]]:
    return [cls for cls in event_types().values() if issubclass(cls, SharedEvent)]


def test_there_are_shared_types_to_check() -> None:
    assert any(cls.event_name == "aggregate.snapshot.published" for cls in shared_types())


@pytest.mark.parametrize("cls", shared_types(), ids=lambda c: c.event_type)
def test_every_shared_model_is_built_from_non_personal_types(cls: type[SharedEvent]) -> None:
    assert walk(cls, (), cls.__name__, set()) == []
    assert personal_field_violations(cls) == []


def test_the_code_pattern_refuses_prose() -> None:
    assert CODE_PATTERN in NON_PERSONAL_PATTERNS

    class Probe(BaseModel):
        code: Code

    for prose in ["Ivan Ivanov", "born 1990-01-01 in Kazan", "x" * 65, "", "a\nb"]:
        with pytest.raises(ValueError, match="String should match pattern"):
            Probe(code=prose)
    assert Probe(code="RU-MOS").code == "RU-MOS"


class Nested(BaseModel):
    comment: str


@pytest.mark.parametrize(
    "annotation",
    [
        str,
        str | None,
        bytes,
        bytes | None,
        Annotated[bytes, Field(max_length=64)],
        UUID,
        float,
        dict[str, int],
        list[str],
        tuple[Nested, ...],
        Annotated[str, Field(max_length=20)],
        Annotated[str, Field(pattern=r"^.*$")],
        Any,
    ],
    ids=repr,
)
def test_defining_a_shared_event_with_a_personal_field_type_fails(annotation: Any) -> None:
    namespace = {
        "__annotations__": {"event_name": ClassVar[str], "field": annotation},
        "event_name": "probe.personal.leak",
        "__module__": __name__,
    }
    with pytest.raises(TypeError, match="could carry personal data"):
        types.new_class("Leak", (SharedEvent,), exec_body=lambda ns: ns.update(namespace))
    assert "concordia.probe.personal.leak.v1" not in event_types()


def test_the_walker_sees_what_the_guard_sees() -> None:
    class Mixed(BaseModel):
        ok: Code
        when: date
        birth_date: date | None = None  # an allowed type, but a personal name
        label: str

    expected = ["Mixed.birth_date", "Mixed.label"]
    assert sorted(p.split(":")[0] for p in walk(Mixed, (), "Mixed", set())) == expected
    assert sorted(p.split(":")[0] for p in personal_field_violations(Mixed)) == expected
    assert typing.get_type_hints(Mixed)
    assert walk(EmailStr, (), "email", set()) != []  # needs email-validator to build a model


def test_a_replicated_practice_carries_only_the_practice_fields() -> None:
    """The exchange's shared models: exactly these fields, no author, owner or token."""
    assert set(PracticeRevisionPublished.model_fields) == {
        "node", "practice", "revision", "topic", "standing", "country", "language", "tags",
        "author_role", "title", "summary", "body", "legal_basis", "what_worked", "what_did_not",
        "translations", "attachments", "created_at", "published_at",
    }  # fmt: skip
    assert set(ContributionPublished.model_fields) == {
        "node", "contribution", "practice", "kind", "endorsement", "role", "country",
        "language", "text", "created_at", "published_at",
    }  # fmt: skip


def test_screened_text_is_refused_outside_the_exchange() -> None:
    class Elsewhere(BaseModel):
        note: typing.Annotated[str, Screened()]

    assert walk(Elsewhere, (), "Elsewhere", set()) == ["Elsewhere.note: screened text"]
    assert personal_field_violations(Elsewhere) != []


def test_only_the_hubs_decisions_carry_the_groups_words() -> None:
    """A node's event cannot borrow the decision text type to send prose to the hub."""
    with pytest.raises(TypeError, match="free text"):

        class Smuggled(SharedEvent):
            event_name: ClassVar[str] = "registry.test.smuggled"
            remark: CoalitionText
