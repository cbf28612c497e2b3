"""The service kit: what every Concordia service is built from, once.

- ``SERVICES``: the one list of the services (the CLI, ``make run``, compose, Kubernetes and the
  cross-service tests read it);
- ``build_app(ServiceDefinition(...))``: the app and its lifespan (NATS links, outbox relay,
  consumers, charter follower, aggregate publisher, status report, shutdown), with a typed state
  (``runtime(request)``);
- ``ServiceSettings``: the settings base of node services;
- ``concordia.kit.tables``: the tables the libraries own, migrated once on the ``kit`` branch
  (``upgrade``, ``ensure_migrated``, ``run_alembic_env``).

Example::

    app = build_app(ServiceDefinition(name="exchange", service_dir=SERVICE_DIR,
                                      settings=ExchangeSettings(), routers=[practices.router],
                                      description=DESCRIPTION))
"""

from __future__ import annotations

from concordia.kit._app import (
    ConsumerSpec,
    Part,
    Publish,
    ReleaseTerms,
    Runtime,
    RuntimeDep,
    ServiceDefinition,
    background,
    build_app,
    cancel_all,
    consumer_name,
    runtime,
    serve,
    service_state,
)
from concordia.kit._migrations import (
    KIT_VERSIONS,
    alembic_config,
    ensure_migrated,
    run_alembic_env,
    upgrade,
)
from concordia.kit._services import (
    HUB_SERVICES,
    NODE_SERVICES,
    SERVICES,
    ServiceSpec,
    service_named,
)
from concordia.kit._settings import ServiceSettings

__all__ = [
    "HUB_SERVICES",
    "KIT_VERSIONS",
    "NODE_SERVICES",
    "SERVICES",
    "ConsumerSpec",
    "Part",
    "Publish",
    "ReleaseTerms",
    "Runtime",
    "RuntimeDep",
    "ServiceDefinition",
    "ServiceSettings",
    "ServiceSpec",
    "alembic_config",
    "background",
    "build_app",
    "cancel_all",
    "consumer_name",
    "ensure_migrated",
    "run_alembic_env",
    "runtime",
    "serve",
    "service_named",
    "service_state",
    "upgrade",
]
