"""``python -m concordia.cli``: the same as the `concordia` command."""

from __future__ import annotations

from concordia.cli.main import app

app(prog_name="concordia")
