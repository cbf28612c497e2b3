"""Persons' external ids: a keyed digest for lookup and the value encrypted, never plain text.

Revision b7c1e2d3f4a5, after 5fc7375040da (2026-12-13). An agency's case number is personal: the
column ``persons.external_id`` becomes ``external_key`` (HMAC-SHA256 under the node key over the
owner and the id, unique per owner) and ``external_id_enc`` (AES-GCM bound to the row), computed
here for existing persons; the delta feed's copies of persons' external ids are removed (the
feed reads them from the person).

Existing rows need the node key: it is read from ``CONCORDIA_NODE_KEY`` (and
``CONCORDIA_NODE_KEYS_RETIRED``, ``CONCORDIA_ENV``) in the environment, or from the settings the
caller hands over in the Alembic config's ``attributes["environ"]`` (``concordia up`` does). The
development key is refused outside dev and test, as by the services. A database with no
external ids needs no key.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from concordia.core.crypto import FieldCipher
from concordia.core.settings import DEV_NODE_KEY, CoreSettings

revision, down_revision = "b7c1e2d3f4a5", "5fc7375040da"
branch_labels, depends_on = None, None

_BATCH = 500


def _environ() -> Mapping[str, str]:
    given = context.config.attributes.get("environ")
    return given if given is not None else os.environ


def _cipher() -> FieldCipher:
    environ = _environ()
    settings: dict[str, Any] = {
        "env": environ.get("CONCORDIA_ENV", "prod"),
        "node_key": environ.get("CONCORDIA_NODE_KEY", DEV_NODE_KEY),
    }
    if retired := environ.get("CONCORDIA_NODE_KEYS_RETIRED"):
        settings["node_keys_retired"] = json.loads(retired)
    try:
        core = CoreSettings(**settings)
    except ValueError as exc:
        raise RuntimeError(
            "persons' external ids are encrypted by this migration: set CONCORDIA_NODE_KEY "
            f"to the node key the registry uses ({exc})"
        ) from exc
    return FieldCipher(core.node_key_bytes, retired=core.retired_key_bytes)


def _aad(person_id: uuid.UUID) -> bytes:
    # As concordia.registry.service.persons, frozen here.
    return f"persons.external_id:{person_id}".encode()


def _digest_input(owner: str, external_id: str) -> bytes:
    return b"external-id:" + owner.encode() + b"\x00" + external_id.encode()


_persons = sa.table(
    "persons",
    sa.column("id", sa.Uuid()),
    sa.column("owner", sa.String()),
    sa.column("external_id", sa.String()),
    sa.column("external_key", sa.LargeBinary()),
    sa.column("external_id_enc", sa.LargeBinary()),
)


def _rows(where: Any) -> list[Any]:
    p = _persons
    query = sa.select(p.c.id, p.c.owner, p.c.external_id).where(where)
    return list(op.get_bind().execute(query).all())


def upgrade() -> None:
    """Add the digest and the ciphertext, fill them, drop the plain column and feed copies."""
    rows = _rows(_persons.c.external_id.is_not(None))
    cipher = _cipher() if rows else None  # before any change: DDL is not transactional on SQLite
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_key", sa.LargeBinary(length=32), nullable=True))
        batch_op.add_column(sa.Column("external_id_enc", sa.LargeBinary(), nullable=True))
    if cipher is not None:
        p = _persons
        statement = (
            p.update()
            .where(p.c.id == sa.bindparam("pid"))
            .values(external_key=sa.bindparam("key"), external_id_enc=sa.bindparam("enc"))
        )
        for start in range(0, len(rows), _BATCH):
            op.get_bind().execute(
                statement,
                [
                    {
                        "pid": row.id,
                        "key": cipher.digest(_digest_input(row.owner, row.external_id)),
                        "enc": cipher.encrypt(row.external_id, aad=_aad(row.id)),
                    }
                    for row in rows[start : start + _BATCH]
                ],
            )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_persons_owner_external_id"), type_="unique")
        batch_op.drop_column("external_id")
        batch_op.create_unique_constraint(
            batch_op.f("uq_persons_owner_external_key"), ["owner", "external_key"]
        )
    op.execute("UPDATE changes SET external_id = NULL WHERE entity = 'person'")


def downgrade() -> None:
    """Decrypt external ids back into the plain column (the feed's copies stay gone)."""
    p = _persons
    query = sa.select(p.c.id, p.c.external_id_enc).where(p.c.external_id_enc.is_not(None))
    rows = list(op.get_bind().execute(query).all())
    cipher = _cipher() if rows else None
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=128), nullable=True))
    if cipher is not None:
        statement = (
            p.update().where(p.c.id == sa.bindparam("pid")).values(external_id=sa.bindparam("x"))
        )
        op.get_bind().execute(
            statement,
            [
                {"pid": row.id, "x": cipher.decrypt(row.external_id_enc, aad=_aad(row.id))}
                for row in rows
            ],
        )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_persons_owner_external_key"), type_="unique")
        batch_op.drop_column("external_id_enc")
        batch_op.drop_column("external_key")
        batch_op.create_unique_constraint(
            batch_op.f("uq_persons_owner_external_id"), ["owner", "external_id"]
        )
