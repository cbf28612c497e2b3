"""``concordia token create|list|revoke``: API tokens of a node, stored hashed.

The running services re-read the tokens file when it changes, so a new or revoked token takes
effect at once, without a restart.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from concordia.cli._layout import check_node, read_json
from concordia.core.auth import OPERATOR, SCOPES, TokenStore, check_owner

app = typer.Typer(help="Issue, list and revoke API tokens of a node.", no_args_is_help=True)

NodeOpt = Annotated[
    str | None,
    typer.Option(help="The node whose tokens to manage (or give --tokens-file)."),
]
VarOpt = Annotated[Path, typer.Option(help="The directory `concordia up` uses.")]
TokensFileOpt = Annotated[
    Path | None,
    typer.Option(
        envvar="CONCORDIA_TOKENS_FILE",
        help="The node's tokens file (default: <var>/<node>/tokens.json).",
    ),
]


_DURATION = re.compile(r"^([1-9][0-9]{0,5})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``3600s`` or ``2w`` as a timedelta."""
    found = _DURATION.match(text.strip())
    if found is None:
        raise typer.BadParameter(
            f"{text!r} is not a duration such as 90d, 12h, 30m or 2w", param_hint="--expires-in"
        )
    return timedelta(**{_UNITS[found[2]]: int(found[1])})


def tokens_path(tokens_file: Path | None, var: Path, node: str | None) -> Path:
    """The tokens file: explicit, else ``<var>/<node>/tokens.json``; no node is assumed."""
    if tokens_file is not None:
        return tokens_file
    if node is None:
        raise typer.BadParameter("name the node (--node se) or the file (--tokens-file)",
                                 param_hint="--node")  # fmt: skip
    try:
        node = check_node(node)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--node") from exc
    return var / node / "tokens.json"


def list_tokens(path: Path) -> dict[str, dict[str, Any]]:
    """Every token entry in ``path`` by id: name, scopes, creation time (and the hash)."""
    data = read_json(path) or {}
    tokens: dict[str, dict[str, Any]] = data.get("tokens", {})
    return tokens


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="Who or what uses the token, e.g. 'agency-sync'.")],
    scope: Annotated[
        list[str],
        typer.Option(help=f"A scope to grant; repeat for several. One of: {', '.join(SCOPES)}."),
    ],
    owner: Annotated[
        str,
        typer.Option(
            help="Whose records the token reads and writes: 'agency:<name>', 'donor:<name>', "
            "or 'operator' (the node's operator, the default)."
        ),
    ] = OPERATOR,
    node: NodeOpt = None,
    var: VarOpt = Path("var"),
    tokens_file: TokensFileOpt = None,
    expires_in: Annotated[
        str | None,
        typer.Option(help="Refuse the token after this long: 90d, 12h, 30m, 2w (default never)."),
    ] = None,
) -> None:
    """Issue a token and print it once: only its hash is kept."""
    try:
        check_owner(owner)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--owner") from exc
    lifetime = parse_duration(expires_in) if expires_in is not None else None
    unknown = sorted(set(scope) - SCOPES.keys())
    if unknown:
        raise typer.BadParameter(
            f"unknown scope {', '.join(unknown)}; choose from {', '.join(SCOPES)}",
            param_hint="--scope",
        )
    path = tokens_path(tokens_file, var, node)
    token = TokenStore(path).create(name, set(scope), owner=owner, expires_in=lifetime)
    token_id = token.split("_")[1]
    err = Console(stderr=True, soft_wrap=True)
    scopes = ", ".join(sorted(set(scope)))
    until = f"; expires in {expires_in}" if expires_in else ""
    err.print(
        f"Token [bold]{token_id}[/] ({name}; owner {owner}; {scopes}{until}) stored hashed in "
        f"{path}. It is shown only now:"
    )
    typer.echo(token)


@app.command("list")
def list_(
    node: NodeOpt = None,
    var: VarOpt = Path("var"),
    tokens_file: TokensFileOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the tokens as JSON (a list, oldest first).")
    ] = False,
) -> None:
    """Show every token's id, name, scopes, creation, expiry and last use (never a secret)."""
    path = tokens_path(tokens_file, var, node)
    rows = token_rows(path)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    # Seven columns: wider than the 80 a pipe gets by default, and ids must not wrap.
    console = Console(soft_wrap=True, width=max(Console().width, 160))
    if not rows:
        console.print(f"No tokens in {path}.")
        return
    table = Table(title=f"Tokens in {path}")
    for column in ("id", "name", "owner", "scopes", "created", "expires", "last used"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"], row["name"], row["owner"], " ".join(row["scopes"]), _minutes(row["created"]),
            _minutes(row["expires"]) or "never", _minutes(row["last_used"]) or "never",
        )  # fmt: skip
    console.print(table)


def token_rows(path: Path) -> list[dict[str, Any]]:
    """Every token in ``path``, oldest first: id, name, owner, scopes, created, expires (None:
    never) and last use (None: never), times in ISO 8601; never the hash."""
    store = TokenStore(path)
    ordered = sorted(list_tokens(path).items(), key=lambda item: item[1].get("created_at", ""))
    rows: list[dict[str, Any]] = []
    for token_id, entry in ordered:
        used = store.last_used(token_id)
        rows.append({
            "id": token_id, "name": entry["name"], "owner": entry.get("owner", OPERATOR),
            "scopes": list(entry["scopes"]), "created": entry.get("created_at"),
            "expires": entry.get("expires_at"), "last_used": used.isoformat() if used else None,
        })  # fmt: skip
    return rows


def _minutes(stamp: str | None) -> str:
    return "" if stamp is None else str(stamp)[:16].replace("T", " ")


@app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The id shown by `token list`.")],
    node: NodeOpt = None,
    var: VarOpt = Path("var"),
    tokens_file: TokensFileOpt = None,
) -> None:
    """Revoke a token at once: services stop accepting it on the next request."""
    path = tokens_path(tokens_file, var, node)
    console = Console(soft_wrap=True)
    if token_id not in list_tokens(path):
        console.print(f"[red]No token {token_id} in {path}.[/]")
        raise typer.Exit(1)
    TokenStore(path).revoke(token_id)
    console.print(f"Revoked token {token_id}.")
