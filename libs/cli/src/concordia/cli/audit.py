"""``concordia audit verify``: check the registry's audit hash chain against its anchors.

The chain is recomputed from the database; the anchors are the chain heads the registry
published on the node's LOCAL stream, outside the database. An entry edited, removed or
reordered is named, and the command exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

import nats
import typer
from nats.errors import TimeoutError as NatsTimeout
from rich.console import Console
from sqlalchemy import select

from concordia.core.db import Database, table_of
from concordia.events import AuditHeadAnchored, Envelope
from concordia.registry.models import AuditEntry
from concordia.registry.service import audit_chain

app = typer.Typer(help="Check the registry's audit trail.", no_args_is_help=True)


async def read_anchors(nats_url: str, node: str) -> dict[int, bytes]:
    """Every anchored chain head of ``node`` on its LOCAL stream: sequence number to hash."""
    subject = AuditHeadAnchored.subject_filter(node)
    nc = await nats.connect(nats_url, max_reconnect_attempts=0)
    anchors: dict[int, bytes] = {}
    try:
        sub = await nc.jetstream().subscribe(subject, ordered_consumer=True)
        while True:
            try:
                msg = await sub.next_msg(timeout=2)
            except NatsTimeout:
                break  # an empty subject: the consumer never delivers anything
            event = Envelope.from_bytes(msg.data).data
            assert isinstance(event, AuditHeadAnchored)
            anchors[event.seq] = bytes.fromhex(event.hash)
            if msg.metadata.num_pending == 0:
                break
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
    finally:
        await nc.close()
    return anchors


async def verify_trail(
    database_url: str, anchors: dict[int, bytes]
) -> tuple[int, list[audit_chain.Finding]]:
    """Recompute the chain from the database and check it against ``anchors``."""
    db = Database(database_url)
    try:
        async with db.engine.connect() as conn:  # one transaction: one consistent snapshot
            query = select(table_of(AuditEntry)).order_by(AuditEntry.seq)
            rows: Any = await conn.stream(query.execution_options(yield_per=5000))
            entries = [entry async for entry in rows]
    finally:
        await db.dispose()
    return audit_chain.verify(entries, anchors)


@app.command("verify")
def verify(
    database_url: Annotated[
        str,
        typer.Option(envvar="CONCORDIA_REGISTRY_DATABASE_URL", help="The registry's database."),
    ],
    nats_url: Annotated[
        str, typer.Option(envvar="CONCORDIA_NATS_URL", help="The node's NATS server (anchors).")
    ] = "nats://127.0.0.1:4222",
    node: Annotated[str, typer.Option(help="The node whose trail it is.")] = "se",
) -> None:
    """Recompute the audit hash chain and check it against the anchored heads."""
    console = Console(soft_wrap=True)
    anchors = asyncio.run(read_anchors(nats_url, node))
    count, findings = asyncio.run(verify_trail(database_url, anchors))
    for finding in findings:
        console.print(f"[red]audit entry {finding.seq}: {finding.problem}[/]")
    if findings:
        console.print(f"[red]The audit trail of {node} was altered ({len(findings)} findings).[/]")
        raise typer.Exit(1)
    last = max(anchors, default=0)
    console.print(
        f"The audit trail of {node} is intact: {count} entries chained, {len(anchors)} anchors, "
        f"the last at entry {last}."
    )
