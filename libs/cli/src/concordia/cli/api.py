"""``concordia api``: the API contract of every service, written to ``docs/api/``.

``concordia api docs`` writes the OpenAPI document of each service and the AsyncAPI document of
the events; ``--check`` only tells whether the committed ones are current (exit 1 if not).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from concordia.cli import _apidoc

app = typer.Typer(help="The API contract: OpenAPI and AsyncAPI documents of every service.")


@app.command()
def docs(
    root: Annotated[Path, typer.Option(help="The repository's root.")] = Path(),
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Only tell whether the documents are current (exit 1 if not)"),
    ] = False,
) -> None:
    """Write docs/api/*.json from the services' code."""
    if check_only:
        stale = _apidoc.stale(root)
        for path in stale:
            typer.echo(f"{path} is out of date: run `concordia api docs`")
        if stale:
            raise typer.Exit(1)
        typer.echo(f"{root / _apidoc.DOCS_DIR} is current.")
        return
    for path in _apidoc.write(root):
        typer.echo(f"wrote {path}")
