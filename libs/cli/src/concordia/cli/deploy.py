"""``concordia deploy render``: the deployment files, rendered from ``concordia.kit.SERVICES``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from concordia.cli import _deploy, _devsecrets, _images

app = typer.Typer(help="The deployment files (compose, Kubernetes).", no_args_is_help=True)


def repository_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` with ``deploy/`` and ``docker-compose.yml``."""
    for directory in (start, *start.parents):
        if (directory / "deploy").is_dir() and (directory / "docker-compose.yml").is_file():
            return directory
    raise typer.BadParameter(f"no repository (deploy/ and docker-compose.yml) at or above {start}")


@app.command()
def render(
    check: Annotated[
        bool,
        typer.Option(help="Write nothing; exit 1 naming every file that differs (for CI)."),
    ] = False,
    root: Annotated[
        Path | None,
        typer.Option(help="The repository root (default: found from the current directory)."),
    ] = None,
) -> None:
    """Render docker-compose.yml, the compose env files and the Kubernetes service manifests."""
    base = root if root is not None else repository_root(Path.cwd())
    files = _deploy.render()
    console = Console(soft_wrap=True)
    if check:
        changed = _deploy.differences(base, files)
        for path in changed:
            console.print(f"differs from the list: {path}")
        if changed:
            console.print("[red]Run `concordia deploy render` and commit the result.[/]")
            raise typer.Exit(1)
        console.print(f"{len(files)} deployment files match concordia.kit.SERVICES.")
        return
    changed = _deploy.write(base, files)
    for path in changed:
        console.print(f"{'wrote' if path in files else 'removed'} {path}")
    console.print(f"{len(changed)} of {len(files)} deployment files changed.")


@app.command("dev-secrets")
def dev_secrets(
    root: Annotated[
        Path | None,
        typer.Option(help="The repository root (default: found from the current directory)."),
    ] = None,
) -> None:
    """Remake docker-compose.yml's DEVELOPMENT identity keys, pinned directory and leaf TLS
    files under deploy/compose/ (public placeholders; never a real node's)."""
    base = root if root is not None else repository_root(Path.cwd())
    written = _devsecrets.write(base, _deploy.COMPOSE_CODES)
    console = Console(soft_wrap=True)
    for path in written:
        console.print(f"wrote {path.relative_to(base)}")


@app.command()
def images(
    tag: Annotated[
        str | None,
        typer.Option(help="Tag every image with this instead of its default (tests use one)."),
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option(help="Build only this service's image (repeat); default: every service."),
    ] = None,
    wheelhouse_only: Annotated[
        bool,
        typer.Option(
            help="Only make the wheelhouse and copy nats-server into the build contexts "
            "(then `docker build` or `docker compose build` work by hand)."
        ),
    ] = False,
    root: Annotated[
        Path | None,
        typer.Option(help="The repository root (default: found from the current directory)."),
    ] = None,
) -> None:
    """Build every image offline: a debootstrapped Debian base, a wheelhouse from uv.lock, the
    services, NATS (the nats-server the project ships) and PostgreSQL (Debian's packages)."""
    base = root if root is not None else repository_root(Path.cwd())
    console = Console(soft_wrap=True, highlight=False)

    def log(line: str) -> None:
        console.print(line, markup=False)

    try:
        if wheelhouse_only:
            _images.prepare_context(base, cache=_images.cache_dir(), log=log)
            return
        built = _images.build(base, tag=tag, services=service, log=log)
    except (_images.ImageError, KeyError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console.print("Built: " + ", ".join(built.all))
