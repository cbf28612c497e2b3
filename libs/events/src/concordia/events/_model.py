"""The base of every event payload, the type registry, and subjects derived from types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from concordia.events._guard import personal_field_violations
from concordia.events._types import TOKEN_PATTERN

Scope = Literal["local", "shared"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_TOKEN = re.compile(TOKEN_PATTERN)
_TEMPLATE_PARAM = re.compile(r"\{([a-z_]+)\}")
_REGISTRY: dict[str, type[Event]] = {}


class Event(BaseModel):
    """Base of every event payload: frozen, strict, registered under its versioned type.

    Subclass ``LocalEvent`` or ``SharedEvent`` and name the event; its type, its subject and its
    schema URI follow from the name::

        class PersonErased(LocalEvent):
            event_name: ClassVar[str] = "registry.person.erased"
            event_version: ClassVar[int] = 1
            person_id: UUID = Field(description="...", examples=[...])

        PersonErased.event_type            # "concordia.registry.person.erased.v1"
        event.subject(node="se")           # "local.se.registry.person.erased.v1"
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: ``local`` events never leave the node; ``shared`` events may reach the hub.
    event_scope: ClassVar[Scope]
    #: Dotted name whose first token is the producing service, e.g. ``registry.person.registered``.
    event_name: ClassVar[str]
    #: Schema version; a breaking change is a new class with the next version.
    event_version: ClassVar[int] = 1
    #: ``concordia.<event_name>.v<version>``, set when the class is defined.
    event_type: ClassVar[str]
    #: Publish with ``Nats-Expected-Last-Subject-Sequence: 0``: the subject names one immutable
    #: instance, so the broker refuses any second message on it, forever.
    once_per_subject: ClassVar[bool] = False

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Validate and register every concrete event class (one that sets ``event_name``)."""
        super().__pydantic_init_subclass__(**kwargs)
        if "event_name" not in cls.__dict__:
            return
        if not _NAME.fullmatch(cls.event_name):
            raise TypeError(
                f"{cls.__name__}: event_name {cls.event_name!r} is not dotted lowercase"
            )
        if cls.event_version < 1:
            raise TypeError(f"{cls.__name__}: event_version must be >= 1")
        cls.event_type = f"concordia.{cls.event_name}.v{cls.event_version}"
        if cls.event_scope == "shared":
            problems = personal_field_violations(cls)
            if problems:
                raise TypeError(
                    f"shared event {cls.__name__} could carry personal data: " + "; ".join(problems)
                )
        known = _REGISTRY.get(cls.event_type)
        if known is not None and (known.__module__, known.__qualname__) != (
            cls.__module__,
            cls.__qualname__,
        ):
            raise TypeError(f"event type {cls.event_type} is defined twice")
        _REGISTRY[cls.event_type] = cls

    @classmethod
    def subject_template(cls) -> str:
        """The subject with ``{parameters}``: ``local.{node}.registry.person.registered.v1``."""
        return f"{cls.event_scope}.{{node}}.{cls.event_name}.v{cls.event_version}"

    @classmethod
    def subject_filter(cls, node: str = "*") -> str:
        """A NATS filter for every instance of this type from ``node`` (``*`` = any node)."""
        subject = _TEMPLATE_PARAM.sub(
            lambda m: _token(node if m.group(1) == "node" else "*", m.group(1), wild=True),
            cls.subject_template(),
        )
        # A wildcard is a whole token in NATS: ``r{revision}`` must filter as ``*``, not ``r*``.
        return ".".join("*" if "*" in token else token for token in subject.split("."))

    @classmethod
    def schema_uri(cls) -> str:
        """The ``dataschema`` URI naming this type's JSON schema."""
        return f"urn:concordia:schema:{cls.event_type}"

    def subject_params(self) -> dict[str, str]:
        """Values for the template's parameters other than ``node`` (none by default)."""
        return {}

    def producer(self) -> str:
        """The service that produces this event (the first token of its name by default)."""
        return self.event_name.split(".", 1)[0]

    def subject(self, node: str) -> str:
        """The NATS subject this event is published on from ``node``."""
        params = {**self.subject_params(), "node": node}
        return _TEMPLATE_PARAM.sub(
            lambda m: _token(params[m.group(1)], m.group(1)), self.subject_template()
        )


class LocalEvent(Event):
    """An event that stays within the node (``local.<node>.<service>.<event>``).

    Example::

        class PermitRecorded(LocalEvent):
            event_name: ClassVar[str] = "registry.permit.recorded"
    """

    event_scope: ClassVar[Scope] = "local"


class SharedEvent(Event):
    """An event the hub may receive (``shared.<node>.<service>...``): codes and numbers only.

    Defining a subclass with a free-text field raises ``TypeError``. Example::

        class Heartbeat(SharedEvent):
            event_name: ClassVar[str] = "ops.node.heartbeat"
            charter_version: Code
    """

    event_scope: ClassVar[Scope] = "shared"


def _token(value: str, name: str, *, wild: bool = False) -> str:
    if wild and value == "*":
        return value
    if not _TOKEN.fullmatch(value):
        raise ValueError(f"{name}={value!r} is not a valid subject token ({TOKEN_PATTERN})")
    return value


def event_types() -> Mapping[str, type[Event]]:
    """Every registered event type, by its ``type`` string."""
    return MappingProxyType(_REGISTRY)


def event_class(type_name: str) -> type[Event]:
    """The event class registered under ``type_name``; ``KeyError`` if unknown."""
    return _REGISTRY[type_name]
