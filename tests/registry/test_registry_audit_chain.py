"""The audit trail proves itself: `concordia audit verify` finds an edited, removed or reordered
entry, against chain heads anchored on the node's LOCAL stream; PostgreSQL refuses changes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from registry_support import AGENCY_1, Registry, person
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner, Result

from concordia.cli.main import app as cli
from concordia.core import db as db_module
from concordia.core.db import COPY_FROM, Database
from concordia.events import AuditHeadAnchored, Envelope
from concordia.registry.models import AuditEntry
from concordia.registry.service import audit_chain

RW = ("registry:read", "registry:write")


async def _trail(registry: Registry) -> Database:
    """Write a dozen audited entries and anchor the head; returns the registry's database."""
    headers = registry.auth(*RW, owner=AGENCY_1, purpose="audit; synthetic check")
    records = {"records": [person(n) for n in range(4)]}
    results = (await registry.client.put("/v1/sync/persons", json=records, headers=headers)).json()
    for result in results["results"]:
        await registry.client.get(f"/v1/persons/{result['id']}", headers=headers)
    await registry.client.get("/v1/persons", headers=headers)
    db: Database = registry.app.state.concordia.db
    await audit_chain.anchor(db, registry.settings.node)
    await registry.relay_idle()
    return db


async def _verify(registry: Registry) -> Result:
    args = [
        "audit", "verify", "--database-url", registry.settings.database_url,
        "--nats-url", registry.nats_url, "--node", registry.settings.node,
    ]  # fmt: skip
    return await asyncio.to_thread(CliRunner().invoke, cli, args)


async def _tamper(db: Database, *statements: str) -> None:
    """Change the trail behind the service's back, as someone with database access could."""
    async with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # the table owner switches the guard off first
            await conn.execute(text("ALTER TABLE audit DISABLE TRIGGER USER"))
        for statement in statements:
            await conn.execute(text(statement))
        if postgres:
            await conn.execute(text("ALTER TABLE audit ENABLE TRIGGER USER"))


async def test_verify_passes_on_an_intact_trail(registry: Registry) -> None:
    await _trail(registry)
    result = await _verify(registry)
    assert result.exit_code == 0, result.output
    assert "is intact: 12 entries chained" in result.output
    assert "anchors, the last at entry 12." in result.output


async def test_a_bulk_sync_chains_each_entry_it_writes_in_one_load(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``COPY_FROM`` entries the chain goes in as one load (binary COPY on PostgreSQL): it
    continues from the head and verifies entry by entry."""
    loaded: list[str] = []
    copy_rows = db_module._copy_rows

    async def spy(conn: Any, table: Any, plan: Any, rows: Any) -> None:
        loaded.append(table.name)
        await copy_rows(conn, table, plan, rows)

    monkeypatch.setattr(db_module, "_copy_rows", spy)
    headers = registry.auth(*RW, owner=AGENCY_1, purpose="audit; synthetic check")
    many = COPY_FROM + 50
    for records in ([person(0)], [person(n) for n in range(1, many + 1)]):  # one, then a load
        sync = await registry.client.put("/v1/sync/persons", json={"records": records},
                                         headers=headers)  # fmt: skip
        assert sync.status_code == 200, sync.text
    first = sync.json()["results"][0]["id"]
    assert (await registry.client.get(f"/v1/persons/{first}", headers=headers)).status_code == 200
    db: Database = registry.app.state.concordia.db
    await audit_chain.anchor(db, registry.settings.node)
    await registry.relay_idle()
    result = await _verify(registry)
    assert result.exit_code == 0, result.output
    assert f"is intact: {many + 2} entries chained" in result.output
    async with db.engine.connect() as conn:
        seqs = (await conn.execute(select(AuditEntry.seq).order_by(AuditEntry.seq))).scalars()
        assert list(seqs) == list(range(1, many + 3))
    assert ("audit" in loaded) == (not db.sqlite)
    await _tamper(db, f"UPDATE audit SET purpose = 'statistics' WHERE seq = {many // 2}")
    assert (await _verify(registry)).exit_code == 1


@pytest.mark.parametrize(
    ("statements", "named"),
    [
        (["UPDATE audit SET purpose = 'statistics' WHERE seq = 3"], "audit entry 3:"),
        (["DELETE FROM audit WHERE seq = 5"], "audit entry 6:"),
        (
            ["DELETE FROM audit WHERE seq = 12"],
            "audit entry 12: the anchored head entry is missing",
        ),
        (
            [
                "UPDATE audit SET seq = 1000 WHERE seq = 4",
                "UPDATE audit SET seq = 4 WHERE seq = 7",
                "UPDATE audit SET seq = 7 WHERE seq = 1000",
            ],
            "audit entry 4:",
        ),
    ],
    ids=["edited", "removed", "removed-head", "reordered"],
)
async def test_verify_names_an_altered_entry(
    registry: Registry, statements: list[str], named: str
) -> None:
    db = await _trail(registry)
    await _tamper(db, *statements)
    result = await _verify(registry)
    assert result.exit_code == 1, result.output
    assert named in result.output


async def test_verify_finds_a_rewritten_chain_through_the_anchor(registry: Registry) -> None:
    """Recomputing every hash after an edit keeps the chain consistent, but not the anchor."""
    db = await _trail(registry)
    await _tamper(db, "UPDATE audit SET purpose = 'statistics' WHERE seq = 2")
    async with db.engine.connect() as conn:
        entries = (await conn.execute(select(AuditEntry.__table__).order_by("seq"))).all()
    previous, rewrites = audit_chain.GENESIS, []
    for entry in entries:
        previous = audit_chain.entry_hash(previous, dict(entry._mapping))
        literal = f"x'{previous.hex()}'" if db.sqlite else f"'\\x{previous.hex()}'::bytea"
        rewrites.append(f"UPDATE audit SET hash = {literal} WHERE seq = {entry.seq}")
    await _tamper(db, *rewrites)
    result = await _verify(registry)
    assert result.exit_code == 1, result.output
    assert "audit entry 12: the trail up to it differs from its anchored hash" in result.output
    assert "content or position" not in result.output  # the chain itself is consistent again


async def test_postgresql_refuses_to_update_or_delete_audit_rows(registry: Registry) -> None:
    db = await _trail(registry)
    if db.sqlite:
        pytest.skip("the append-only trigger is PostgreSQL's")
    for statement in ("UPDATE audit SET purpose = 'statistics'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.engine.begin() as conn:
                await conn.execute(text(statement))


async def test_the_registry_anchors_its_chain_head_periodically(
    make_registry: Callable[..., Awaitable[Registry]],
) -> None:
    registry = await make_registry(audit_anchor_seconds=0.2)
    headers = registry.auth(*RW, owner=AGENCY_1)
    await registry.client.post("/v1/persons", json=person(1), headers=headers)
    subject = AuditHeadAnchored.subject_filter(registry.settings.node)
    messages = await registry.stream_messages(subject, expected=1)
    anchored = Envelope.from_bytes(messages[0].data).data
    assert isinstance(anchored, AuditHeadAnchored)
    assert anchored.seq == 1
    result = await _verify(registry)
    assert result.exit_code == 0, result.output
