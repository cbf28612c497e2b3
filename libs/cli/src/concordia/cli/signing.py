"""Signing what the coalition adopts: a charter revision or a coordination group decision.

``concordia charter sign REVISION --dir var/se --hub URL --token T`` fetches the document the hub
serves (``/v1/charter/{revision}/document``: the charter without its signatures), shows what it
says and its digest (compare it with the other members out of band), signs it with the node's
key (``identity.key``, which never leaves the node) and relays the signature to the hub. With
``--file`` the document is a file instead (signed offline, in place; give it to the hub after).
``concordia decision sign ID`` does the same for a decision of the coordination group.

The hub adopts a charter, and a decision comes into force, once m member states signed it; it
checks each signature against the directory it keeps, as every node does again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console

from concordia.cli.identity import (
    DirOpt,
    node_code,
    read_document,
    sign_document,
    write_document,
)
from concordia.identity import KeyFileError, SignedDocument

charter_app = typer.Typer(help="The coalition's charter: sign a proposed revision.")
decision_app = typer.Typer(help="The coordination group's decisions: sign one.")

HubOpt = Annotated[
    str | None,
    typer.Option("--hub", help="The hub's API (e.g. https://hub.example.org); unset: --file."),
]
TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token", envvar="CONCORDIA_HUB_TOKEN",
        help="A hub token of the member (`hub:member`) or the operator.",
    ),
]  # fmt: skip
FileOpt = Annotated[
    Path | None, typer.Option("--file", help="Sign this document file in place (offline).")
]
YesOpt = Annotated[bool, typer.Option("--yes", help="Sign without asking (after reading it).")]


class SigningError(RuntimeError):
    """The document could not be fetched, signed or relayed."""


def _call(client: httpx.Client, method: str, path: str, **kw: Any) -> Any:
    answer = client.request(method, path, **kw)
    if answer.status_code >= 400:
        raise SigningError(f"{method} {path}: {answer.status_code} {answer.text[:500]}")
    return answer.json()


def fetch(hub: str, token: str, what: str) -> SignedDocument:
    """The document the hub serves for ``what`` (``charter/<revision>``, ``decisions/<id>``)."""
    with httpx.Client(base_url=hub, headers={"Authorization": f"Bearer {token}"}) as client:
        return SignedDocument.model_validate(_call(client, "GET", f"/v1/{what}/document"))


def relay(hub: str, token: str, what: str, document: SignedDocument, code: str) -> Any:
    """Post ``code``'s signature in ``document`` to the hub; where the signatures stand."""
    mine = [s for s in document.signatures if s.signer == code]
    if not mine:
        raise SigningError(f"{code} has not signed this document")
    with httpx.Client(base_url=hub, headers={"Authorization": f"Bearer {token}"}) as client:
        return _call(client, "POST", f"/v1/{what}/signatures", json=mine[-1].model_dump())


def summary(document: SignedDocument) -> str:
    """What a member reads before signing: the kind, the gist and the digest."""
    body = document.body
    if document.kind == "charter":
        gist = (
            f"charter {body.get('version')} (revision {body.get('revision')}), effective "
            f"{body.get('effective')}, k {body.get('disclosure', {}).get('k')}, "
            f"m {body.get('signatures_required') or 'majority'}"
        )
    else:
        gist = f"decision {body.get('decision_id')}: {body.get('decided')}"
    return f"{gist}\ndigest {document.digest}"


def sign(
    root: Path, kind: str, what: str, *, hub: str | None, token: str | None, file: Path | None,
    confirm: bool = False,
) -> tuple[SignedDocument, Any]:  # fmt: skip
    """Sign ``what`` with the node's key (from the hub, or ``file``); relay it when ``hub``.

    Returns the signed document and the hub's signature status (None when not relayed).
    """
    if hub is None and file is None:
        raise SigningError("give --hub (and --token) or --file")
    if hub is not None and not token:
        raise SigningError("give --token (or CONCORDIA_HUB_TOKEN) with --hub")
    if file is not None:
        document = read_document(file)
    elif hub is not None and token:
        document = fetch(hub, token, what)
    if document.kind != kind:
        raise SigningError(f"this is a {document.kind}, not a {kind}: not signed")
    if confirm and not typer.confirm(f"{summary(document)}\nSign as {node_code(root)}?"):
        raise SigningError("not signed")
    signed = sign_document(root, document)
    if file is not None:
        write_document(file, signed)
    status = None
    if hub is not None and token:
        status = relay(hub, token, what, signed, node_code(root))
    return signed, status


def _run(
    kind: str, what: str, root: Path, hub: str | None, token: str | None, file: Path | None,
    yes: bool,
) -> None:  # fmt: skip
    console = Console(soft_wrap=True)
    try:
        signed, status = sign(
            root, kind, what, hub=hub, token=token, file=file,
            confirm=not yes and os.isatty(0),
        )  # fmt: skip
    except (SigningError, ValueError, KeyFileError, httpx.HTTPError) as exc:
        Console(stderr=True, soft_wrap=True).print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console.print(summary(signed))
    console.print(f"Signed as {node_code(root)}.")
    if status is not None:
        state = "adopted" if status["signed"] else ", ".join(status["shortfall"])
        console.print(
            f"Signers {', '.join(status['signers'])} ({len(status['signers'])} of "
            f"{status['required']} needed): {state}."
        )


@charter_app.command("sign")
def sign_charter_command(
    revision: Annotated[int, typer.Argument(min=1, help="The proposed charter revision.")],
    dir: DirOpt,
    hub: HubOpt = None,
    token: TokenOpt = None,
    file: FileOpt = None,
    yes: YesOpt = False,
) -> None:
    """Sign a proposed charter revision with this node's key, and relay it to the hub."""
    _run("charter", f"charter/{revision}", dir, hub, token, file, yes)


@decision_app.command("sign")
def sign_decision_command(
    decision: Annotated[str, typer.Argument(help="The decision's id.")],
    dir: DirOpt,
    hub: HubOpt = None,
    token: TokenOpt = None,
    file: FileOpt = None,
    yes: YesOpt = False,
) -> None:
    """Sign a decision of the coordination group with this node's key, and relay it."""
    _run("decision", f"decisions/{decision}", dir, hub, token, file, yes)
