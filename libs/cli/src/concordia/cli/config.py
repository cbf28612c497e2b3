"""``concordia config``: every setting documented (``docs``) and a node's environment checked.

``concordia config check`` reads the environment (and ``--env-file`` files, as a service would
at start) through each service's own settings class and names every problem at once: a value
the class refuses (with its variable), and in production the rules an ops team must not miss —
the development node key, a database or broker reached without TLS, an identity provider over
plain HTTP, disclosure floors looser than the coalition's baseline, a missing or readable tokens
file. It exits 1 while any problem remains, 0 otherwise.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from sqlalchemy.engine import make_url

from concordia.cli import _configdoc
from concordia.core.settings import CoreSettings
from concordia.kit import SERVICES, ServiceSettings

app = typer.Typer(help="Every setting: its documentation, and a check of a node's environment.")

#: The coalition's baseline: a production node's floors may be tighter, never looser.
BASELINE: dict[str, Any] = {"k_min": 10, "dominance_n_min": 2, "dominance_k_max": Decimal(85),
            "p_percent_min": Decimal(10), "rounding_base_min": 5}  # fmt: skip
_TLS_MODES = ("require", "verify-ca", "verify-full")


@dataclass(frozen=True)
class Problem:
    """One thing wrong: the variable (or what) and why."""

    variable: str
    reason: str


def _local(host: str | None) -> bool:
    if not host or host == "localhost" or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _field_var(settings: BaseModel, name: str) -> str:
    cls = type(settings)
    return _configdoc.env_name(cls, name, cls.model_fields[name])


def _validation_problems(cls: type[BaseModel], exc: ValidationError) -> Iterator[Problem]:
    aliases = {
        name: _configdoc.env_name(cls, name, field) for name, field in cls.model_fields.items()
    }
    by_alias = {v.lower(): v for v in aliases.values()}
    for error in exc.errors():
        loc = str(error["loc"][0]) if error["loc"] else ""
        reason = str(error["msg"]).removeprefix("Value error, ")
        # A rule over several settings names its variables; the development key's, the key.
        named = re.search(r"CONCORDIA_[A-Z_]+", reason)
        variable = aliases.get(loc) or by_alias.get(loc.lower()) or loc
        if not variable and "development node key" in reason:
            variable = "CONCORDIA_NODE_KEY"
        variable = variable or (named.group(0) if named else "settings")
        yield Problem(variable, reason)


def _tls_problems(settings: CoreSettings) -> Iterator[Problem]:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "postgresql" and not _local(url.host):
        mode = url.query.get("sslmode") or url.query.get("ssl")
        if mode not in _TLS_MODES:
            yield Problem(
                _field_var(settings, "database_url"),
                f"PostgreSQL at {url.host} without TLS; add ?sslmode=verify-full",
            )
    for name in ("nats_url", "nats_shared_url"):
        value = getattr(settings, name)
        if value is None:
            continue
        for server in str(value).split(","):
            parts = urlsplit(server.strip())
            if parts.scheme != "tls" and not _local(parts.hostname):
                yield Problem(
                    _field_var(settings, name),
                    f"NATS at {parts.hostname} without TLS; use tls://",
                )
    for name in ("oidc_issuer", "oidc_jwks_url"):
        value = getattr(settings, name)
        if value is not None and urlsplit(str(value)).scheme != "https":
            yield Problem(_field_var(settings, name), "the identity provider must use https://")


def _floor_problems(settings: ServiceSettings) -> Iterator[Problem]:
    if settings.disclosure_accept_looser:
        yield Problem(
            "CONCORDIA_DISCLOSURE_ACCEPT_LOOSER",
            "a production node must not apply charters looser than its floors",
        )
    floors = {
        "k_min": settings.disclosure_k_min,
        "dominance_n_min": settings.disclosure_dominance_n_min,
        "p_percent_min": settings.disclosure_p_percent_min,
    }
    for name, value in floors.items():
        if value < BASELINE[name]:
            yield Problem(
                f"CONCORDIA_DISCLOSURE_{name.upper()}",
                f"{value} is looser than the coalition's baseline {BASELINE[name]}",
            )
    if settings.disclosure_dominance_k_max > BASELINE["dominance_k_max"]:
        yield Problem(
            "CONCORDIA_DISCLOSURE_DOMINANCE_K_MAX",
            f"{settings.disclosure_dominance_k_max} is looser than the coalition's baseline "
            f"{BASELINE['dominance_k_max']}",
        )
    base = settings.disclosure_rounding_base_min
    if base is None or base < BASELINE["rounding_base_min"]:
        yield Problem(
            "CONCORDIA_DISCLOSURE_ROUNDING_BASE_MIN",
            f"{base or 'none'} is looser than the coalition's baseline "
            f"{BASELINE['rounding_base_min']}",
        )
    if settings.disclosure_k < settings.disclosure_k_min:
        yield Problem(
            _field_var(settings, "disclosure_k"),
            f"{settings.disclosure_k} is below this node's floor "
            f"CONCORDIA_DISCLOSURE_K_MIN={settings.disclosure_k_min}",
        )


def _file_problems(settings: CoreSettings) -> Iterator[Problem]:
    variable = _field_var(settings, "tokens_file")
    try:
        mode = settings.tokens_file.stat().st_mode
    except OSError:
        yield Problem(variable, f"{settings.tokens_file} does not exist (`concordia token create`)")
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        yield Problem(variable, f"{settings.tokens_file} is open to others (chmod 600)")


def problems_of(cls: type[CoreSettings], env_files: list[Path]) -> tuple[str, list[Problem]]:
    """The environment (``prod``, ``dev``, ``test``) and every problem of one service's
    settings in it."""
    files = tuple(env_files) or None
    found: list[Problem] = []
    try:
        settings = cls(_env_file=files)
    except ValidationError as exc:
        found += _validation_problems(cls, exc)
        if any(error["loc"] for error in exc.errors()):
            return "prod", found  # a field unreadable: the rules below cannot run
        try:  # a rule of production refused the whole (the development key): check the rest
            settings = cls(_env_file=files, env="test").model_copy(update={"env": "prod"})
        except ValidationError:
            return "prod", found
    if settings.env != "prod":
        return settings.env, found
    if settings.node == "xx":
        found.append(Problem("CONCORDIA_NODE", "unset: name the node (e.g. se)"))
    found += _tls_problems(settings)
    if isinstance(settings, ServiceSettings):
        found += _floor_problems(settings)
    found += _file_problems(settings)
    secrets = os.environ.get("CONCORDIA_SECRETS_DIR")
    if secrets and not Path(secrets).is_dir():
        found.append(Problem("CONCORDIA_SECRETS_DIR", f"{secrets} is not a directory"))
    return settings.env, found


@app.command()
def check(
    service: Annotated[
        list[str] | None,
        typer.Option(help="A service to check (repeat); default: every node service."),
    ] = None,
    env_file: Annotated[
        list[Path] | None,
        typer.Option(help="An env file the services start with (repeat); the environment wins."),
    ] = None,
) -> None:
    """Validate a node's environment before start; exit 1 naming every problem."""
    console = Console(soft_wrap=True)
    known = {spec.name: spec for spec in SERVICES}
    names = service or [spec.name for spec in SERVICES if spec.role == "node"]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise typer.BadParameter(
            f"unknown service {', '.join(unknown)}; one of {', '.join(known)}",
            param_hint="--service",
        )
    files = env_file or []
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise typer.BadParameter(f"no such file: {', '.join(missing)}", param_hint="--env-file")
    where: dict[Problem, list[str]] = {}
    env = "prod"
    for name in names:
        cls: Any = known[name].settings_class()
        env, found = problems_of(cls, files)
        for problem in found:
            where.setdefault(problem, []).append(name)
    if not where:
        note = "" if env == "prod" else f" (CONCORDIA_ENV={env}: production rules not applied)"
        console.print(f"[green]Configuration of {', '.join(names)} is fine[/]{note}.")
        return
    console.print(f"[red]{len(where)} problem(s)[/] in the configuration:")
    for problem, services in where.items():
        console.print(f"  {problem.variable}: {problem.reason}  ({', '.join(services)})")
    raise typer.Exit(1)


@app.command()
def docs(
    root: Annotated[Path, typer.Option(help="The repository's root.")] = Path(),
    check_only: Annotated[
        bool, typer.Option("--check", help="Only tell whether the page is current (exit 1 if not).")
    ] = False,
) -> None:
    """Write docs/configuration.md from the settings classes."""
    path = root / _configdoc.DOCS_PATH
    if check_only:
        current = path.read_text() if path.exists() else ""
        if current != _configdoc.render():
            typer.echo(f"{path} is out of date: run `concordia config docs`")
            raise typer.Exit(1)
        typer.echo(f"{path} is current.")
        return
    typer.echo(f"wrote {_configdoc.write(root)}")
