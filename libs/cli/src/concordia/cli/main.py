"""Entry point of the `concordia` command."""

from __future__ import annotations

import typer

app = typer.Typer(help="Operate Concordia nodes.", no_args_is_help=True)
