"""``concordia migrate``: bring services' databases to their newest schema (Alembic head)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer
from alembic import command
from alembic.script import ScriptDirectory
from rich.console import Console
from sqlalchemy.engine import make_url

from concordia.cli._layout import COUNTRY_SERVICES
from concordia.kit import ServiceSpec, alembic_config, service_named


def upgrade_service(
    spec: ServiceSpec, url: str, *, quiet: bool = False, environ: Mapping[str, str] | None = None
) -> str:
    """Apply ``spec``'s migrations to ``url`` up to head; returns the head revision.

    ``environ``: the service's settings when they are not this process's environment (a
    migration that encrypts existing rows reads the node key from them).
    """
    cfg = alembic_config(spec.service_dir(), url)
    cfg.attributes["quiet"] = quiet  # the service's env.py then leaves logging alone
    if environ is not None:
        cfg.attributes["environ"] = dict(environ)
    command.upgrade(cfg, "heads")
    return ", ".join(ScriptDirectory.from_config(cfg).get_heads())


def safe_url(url: str) -> str:
    """``url`` with any password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def migrate(
    service: Annotated[
        str | None,
        typer.Argument(
            help=f"The service to migrate ({', '.join(s.name for s in COUNTRY_SERVICES)}); "
            "all when left out."
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="The database to migrate (default: the service's settings, e.g. "
            "CONCORDIA_REGISTRY_DATABASE_URL)."
        ),
    ] = None,
) -> None:
    """Upgrade service databases to the newest migration (safe to repeat)."""
    try:
        specs = [service_named(service)] if service else list(COUNTRY_SERVICES)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0]), param_hint="SERVICE") from exc
    if database_url is not None and len(specs) > 1:
        raise typer.BadParameter("name the service whose database --database-url is")
    console = Console(soft_wrap=True)
    for spec in specs:
        url = database_url or spec.default_database_url()
        try:
            head = upgrade_service(spec, url)
        except Exception as exc:  # report any driver or migration failure the same way
            console.print(f"[red]Migrating {spec.name} at {safe_url(url)} failed:[/] {exc}")
            raise typer.Exit(1) from exc
        console.print(f"[green]{spec.name}[/]: {safe_url(url)} is at head ({head}).")
