"""The one list of the services: what the CLI, `make run`, compose, Kubernetes and tests read.

Adding a service to a node is one entry in ``SERVICES`` plus its own package under
``services/<name>/`` (see docs/architecture.md, "How to add a service"). Nothing here imports a
service: entries name modules as strings, loaded when a caller needs them, so the CLI and the
generators depend on this list, not on the services.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Role = Literal["node", "hub"]


@dataclass(frozen=True)
class ServiceSpec:
    """One service: where its code lives, which port it takes, what it may do.

    ``module`` offers ``main()`` (the uvicorn factory) and ``SERVICE_DIR`` (where its
    ``alembic.ini`` lives); ``settings`` is its settings class as ``module:Class``.

    Example::

        spec = service_named("registry")
        spec.port(base=8600, block=0)   # 8601
    """

    name: str
    role: Role
    offset: int
    scopes: tuple[str, ...]
    summary: str
    #: Demo settings ``concordia up`` gives it (without the env prefix).
    demo_env: dict[str, str] = field(default_factory=dict)
    #: NATS users at a node: ``<name>`` in LOCAL and ``<name>-shared`` in COALITION.
    nats_users: bool = True
    #: Whether it also sends content for every node (``shared.<node>.broadcast.>``).
    broadcasts: bool = False

    @property
    def module(self) -> str:
        """The app module, ``concordia.<name>.app``."""
        return f"concordia.{self.name}.app"

    @property
    def settings(self) -> str:
        """The settings class, ``concordia.<name>.settings:<Name>Settings``."""
        return f"concordia.{self.name}.settings:{self.name.capitalize()}Settings"

    @property
    def factory(self) -> str:
        """The uvicorn factory, ``module:main``."""
        return f"{self.module}:main"

    @property
    def env_prefix(self) -> str:
        """The prefix of its own settings, ``CONCORDIA_<NAME>_``."""
        return f"CONCORDIA_{self.name.upper()}_"

    @property
    def image(self) -> str:
        """Its container image name."""
        return f"concordia-{self.name}"

    def port(self, *, base: int, block: int, stride: int = 100) -> int:
        """Its HTTP port in a node's block of ports."""
        return base + block * stride + self.offset

    def service_dir(self) -> Path:
        """The directory holding the service's ``alembic.ini`` and ``migrations/``."""
        path = Path(importlib.import_module(self.module).SERVICE_DIR)
        if not (path / "alembic.ini").is_file():
            raise FileNotFoundError(
                f"no alembic.ini in {path}: is the {self.name} service installed from source?"
            )
        return path

    def settings_class(self) -> type:
        """Its settings class, imported."""
        module, _, name = self.settings.partition(":")
        cls: type = getattr(importlib.import_module(module), name)
        return cls

    def default_database_url(self) -> str:
        """The database URL the service's settings give in development (environment first)."""
        return str(self.settings_class()(env="dev").database_url)


_DEMO_PUBLISH = {"AGGREGATE_INTERVAL_SECONDS": "10"}

#: Every service, node services in start order, then the hub's. New services are one entry here.
SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        name="registry",
        role="node",
        offset=1,
        scopes=("registry:read", "registry:write", "registry:admin", "registry:screen", "ops"),
        summary="actors, permits, consent, audit of personal-data reads",
        demo_env=_DEMO_PUBLISH,
    ),
    ServiceSpec(
        name="ledger",
        role="node",
        offset=2,
        scopes=("ledger:write", "ledger:admin", "feed:read", "ops"),
        summary="donors, grants, transactions, activities, funding feed, overlaps",
        demo_env=_DEMO_PUBLISH,
    ),
    ServiceSpec(
        name="exchange",
        role="node",
        offset=3,
        scopes=("exchange:read", "exchange:write", "exchange:approve", "ops"),
        summary="best practices: revisions, four eyes, the registry's screen, search, replicas",
        broadcasts=True,
        demo_env=_DEMO_PUBLISH,
    ),
    ServiceSpec(
        name="evaluation",
        role="node",
        offset=4,
        scopes=("evaluation:read", "evaluation:write", "evaluation:admin", "ops"),
        summary="independent assessors, criteria, agreement, targets, coalition health",
        demo_env=_DEMO_PUBLISH,
    ),
    ServiceSpec(
        name="hub",
        role="hub",
        offset=1,
        scopes=("hub:read", "hub:member", "hub:advise", "hub:admin", "ops"),
        summary="coalition side: aggregates, totals, overlaps, charter, the group's workspace",
        nats_users=False,
        demo_env={"AGENDA_SCAN_SECONDS": "20", "DECISION_PUSH_SECONDS": "5"},
    ),
)

NODE_SERVICES: tuple[ServiceSpec, ...] = tuple(s for s in SERVICES if s.role == "node")
HUB_SERVICES: tuple[ServiceSpec, ...] = tuple(s for s in SERVICES if s.role == "hub")


def service_named(name: str) -> ServiceSpec:
    """The service called ``name``, or a ``KeyError`` naming the known ones."""
    for spec in SERVICES:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in SERVICES)
    raise KeyError(f"unknown service {name!r}; known: {known}")
