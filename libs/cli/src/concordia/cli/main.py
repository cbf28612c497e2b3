"""Entry point of the `concordia` command: wires the subcommands together."""

from __future__ import annotations

import typer

from concordia.cli import (
    audit,
    backup,
    config,
    deploy,
    hubinit,
    importer,
    migrate,
    nodeinit,
    rotatekey,
    seed,
    status,
    tokens,
    up,
)

app = typer.Typer(help="Operate Concordia nodes.", no_args_is_help=True)
app.command()(up.up)
app.command()(seed.seed)
app.command()(migrate.migrate)
app.command()(status.status)
app.command("import")(importer.import_)
app.add_typer(tokens.app, name="token")
nodeinit.app.command("rotate-key")(rotatekey.rotate_key)
nodeinit.app.command("backup")(backup.backup)
nodeinit.app.command("restore")(backup.restore)
app.add_typer(nodeinit.app, name="node")
app.add_typer(hubinit.app, name="hub")
app.add_typer(audit.app, name="audit")
app.add_typer(deploy.app, name="deploy")
app.add_typer(config.app, name="config")

if __name__ == "__main__":
    app()
