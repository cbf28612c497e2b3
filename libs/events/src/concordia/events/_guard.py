"""Refuse shared event models that could carry personal data.

A shared model may only hold numbers, booleans, Decimals, dates and times, literals, enums,
constrained codes (see ``_types``), opaque protocol bytes (``OpaqueBytes``: PSI messages,
ECDH-blinded points no one without the sender's one-run key can read, size-bounded), nested
models made of the same, and sequences or optionals of these. Anything else (plain ``str``,
plain ``bytes``, UUIDs that could name a person, dicts with free keys, ``Any``) is a violation,
and so is a field whose name suggests personal data (``birth_date``, ``email``...).
"""

from __future__ import annotations

import enum
import types
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from concordia.events._types import NON_PERSONAL_PATTERNS, HubText, Opaque, Screened

#: Field-name words that suggest personal data whatever the type (defence in depth).
PERSONAL_NAME_WORDS: frozenset[str] = frozenset(
    {
        "name", "names", "surname", "firstname", "lastname", "alias", "aliases", "birth",
        "birthday", "dob", "born", "email", "phone", "address", "passport", "street", "ip",
    }
)  # fmt: skip
#: The shared models that may carry ``ScreenedText`` (the best-practice exchange's).
SCREENED_TEXT_MODELS: frozenset[str] = frozenset(
    {"PracticeRevisionPublished", "ContributionPublished"}
)
#: The hub-to-node models that may carry ``CoalitionText`` (the coordination group's decisions).
HUB_TEXT_MODELS: frozenset[str] = frozenset({"CoalitionDecisionPublished"})
_ALLOWED_LEAVES: tuple[type, ...] = (bool, int, Decimal, datetime, date, type(None))
_SEQUENCES: tuple[Any, ...] = (list, tuple, set, frozenset, Sequence)


def personal_field_violations(model: type[BaseModel]) -> list[str]:
    """List every field of ``model`` (recursively) whose type could hold personal free text."""
    problems: list[str] = []
    _check_model(model, model.__name__, problems, set())
    return problems


def _check_model(model: type[BaseModel], path: str, problems: list[str], seen: set[type]) -> None:
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        if PERSONAL_NAME_WORDS & set(name.lower().split("_")):
            problems.append(f"{path}.{name}: the field name suggests personal data")
        annotation: Any = field.annotation
        _check(annotation, tuple(field.metadata), f"{path}.{name}", problems, seen)


def _has_allowed_pattern(metadata: Sequence[Any]) -> bool:
    return any(getattr(item, "pattern", None) in NON_PERSONAL_PATTERNS for item in metadata)


def _check(
    tp: Any, metadata: tuple[Any, ...], path: str, problems: list[str], seen: set[type]
) -> None:
    origin = get_origin(tp)
    if origin is Annotated:
        _check(tp.__origin__, metadata + tuple(tp.__metadata__), path, problems, seen)
        return
    if tp is str:
        # Released text (four eyes and the registry's screen) only in the exchange's events.
        screened = any(isinstance(item, Screened) for item in metadata) and (
            path.split(".")[0] in SCREENED_TEXT_MODELS
        )
        # The coordination group's own words, sent by the hub to the nodes, never the reverse.
        hub_text = any(isinstance(item, HubText) for item in metadata) and (
            path.split(".")[0] in HUB_TEXT_MODELS
        )
        if not (_has_allowed_pattern(metadata) or screened or hub_text):
            problems.append(f"{path}: free text (str without a code pattern)")
        return
    if origin is Literal:
        return
    if tp is bytes:
        # Only the marked, size-bounded opaque type: plain bytes could carry anything.
        if not any(isinstance(item, Opaque) for item in metadata):
            problems.append(f"{path}: raw bytes (only OpaqueBytes, opaque PSI data, is allowed)")
        return
    if origin in (Union, types.UnionType):
        for arg in get_args(tp):
            _check(arg, metadata if arg is str else (), path, problems, seen)
        return
    if origin in _SEQUENCES:
        for arg in get_args(tp):
            if arg is not Ellipsis:
                _check(arg, (), f"{path}[]", problems, seen)
        return
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return
        if issubclass(tp, BaseModel):
            _check_model(tp, path, problems, seen)
            return
        if tp in _ALLOWED_LEAVES:
            return
    problems.append(f"{path}: type {tp!r} is not allowed in a shared model")
