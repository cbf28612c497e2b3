"""``concordia node rotate-key``: re-encrypt the registry (and evaluators' names) under the
current node key.

Rotating the node key: put the new key in ``CONCORDIA_NODE_KEY`` and the old one in
``CONCORDIA_NODE_KEYS_RETIRED`` (a JSON list) for every service, restart them (they read both,
write under the new one), then run this. It works in batches, each committed on its own, and
skips what is already under the new key, so it can be stopped and run again at any time. The
registry's persons (their fields and external ids) are always rotated; the evaluation service's
evaluators when its database is given (``--evaluation-database-url`` or
``CONCORDIA_EVALUATION_DATABASE_URL``).
"""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer
from rich.console import Console

from concordia.core.crypto import FieldCipher
from concordia.core.db import Database
from concordia.evaluation.service import rotation as evaluation_rotation
from concordia.registry.service._common import NodeContext
from concordia.registry.service.rotation import Rotation, rotate
from concordia.registry.settings import RegistrySettings


async def _run(url: str, settings: RegistrySettings, batch: int) -> Rotation:
    cipher = FieldCipher(settings.node_key_bytes, retired=settings.retired_key_bytes)
    db = Database(url)
    try:
        return await rotate(db=db, ctx=NodeContext(node=settings.node, cipher=cipher), batch=batch)
    finally:
        await db.engine.dispose()


async def _run_evaluation(
    url: str, settings: RegistrySettings, batch: int
) -> evaluation_rotation.Rotation:
    cipher = FieldCipher(settings.node_key_bytes, retired=settings.retired_key_bytes)
    db = Database(url)
    try:
        return await evaluation_rotation.rotate(db=db, cipher=cipher, batch=batch)
    finally:
        await db.engine.dispose()


def rotate_key(
    database_url: Annotated[
        str | None,
        typer.Option(help="The registry's database (default: CONCORDIA_REGISTRY_DATABASE_URL)."),
    ] = None,
    evaluation_database_url: Annotated[
        str | None,
        typer.Option(
            help="The evaluation service's database, whose evaluators' names are encrypted "
            "(default: CONCORDIA_EVALUATION_DATABASE_URL; left alone when neither is set)."
        ),
    ] = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Persons per unit of work.")] = 500,
) -> None:
    """Re-encrypt every personal field under the current node key (resumable)."""
    settings = RegistrySettings()
    console = Console(soft_wrap=True)
    done = asyncio.run(_run(database_url or settings.database_url, settings, batch))
    console.print(
        f"Re-encrypted {done.rotated} of {done.seen} persons in {done.batches} batches under "
        "the current node key. Keep the old key in CONCORDIA_NODE_KEYS_RETIRED while erased "
        "persons' tombstones must still match; nothing else needs it any more."
    )
    evaluation = evaluation_database_url or os.environ.get("CONCORDIA_EVALUATION_DATABASE_URL")
    if evaluation is None:
        console.print(
            "Evaluators' names: not rotated (give --evaluation-database-url where the node "
            "runs the evaluation service)."
        )
        return
    names = asyncio.run(_run_evaluation(evaluation, settings, batch))
    console.print(
        f"Re-encrypted {names.rotated} of {names.seen} evaluators' names in {names.batches} "
        "batches under the current node key."
    )
