"""Entry point of the `concordia` command: wires the subcommands together."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from concordia.cli import (
    api,
    audit,
    backup,
    config,
    deploy,
    hubinit,
    identity,
    importer,
    migrate,
    nodeinit,
    rotatekey,
    seed,
    signing,
    status,
    tokens,
    up,
)

app = typer.Typer(help="Operate Concordia nodes.", no_args_is_help=True)


def _version(show: bool) -> None:
    if show:
        typer.echo(f"concordia {version('concordia-cli')}")
        raise typer.Exit


@app.callback()
def main(
    _show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Operate Concordia nodes."""


app.command()(up.up)
app.command()(seed.seed)
app.command()(migrate.migrate)
app.command()(status.status)
app.command("import")(importer.import_)
app.add_typer(tokens.app, name="token")
nodeinit.app.command("rotate-key")(rotatekey.rotate_key)
nodeinit.app.command("rotate-identity")(identity.rotate_identity_command)
nodeinit.app.command("pin-directory")(identity.pin_directory_command)
nodeinit.app.command("sign-directory")(identity.sign_directory_command)
hubinit.app.command("propose-directory")(identity.propose_directory_command)
hubinit.app.command("accept-directory")(identity.accept_directory_command)
nodeinit.app.command("backup")(backup.backup)
nodeinit.app.command("restore")(backup.restore)
app.add_typer(nodeinit.app, name="node")
app.add_typer(hubinit.app, name="hub")
app.add_typer(signing.charter_app, name="charter")
app.add_typer(signing.decision_app, name="decision")
app.add_typer(audit.app, name="audit")
app.add_typer(deploy.app, name="deploy")
app.add_typer(config.app, name="config")
app.add_typer(api.app, name="api")

if __name__ == "__main__":
    app()
