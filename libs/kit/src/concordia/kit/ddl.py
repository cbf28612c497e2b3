"""Op helpers for the services' migrations: the column shapes their tables share, and tables
created with their constraint and index names from the naming convention.

A revision states only what is particular to its tables; the names are the ones autogenerate
gives (``pk_<table>``, ``uq_<table>_<columns>``, ``fk_<table>_<column>_<target>``,
``ix_<table>_<columns>``), so a schema built with these helpers is the one the models describe.

Example (a revision imports them all: ``from concordia.kit.ddl import *``)::

    create_table(
        "donors",
        uuid("id"),
        string("identifier", 96),
        version(),
        *stamps(),
        unique=[("identifier",)],
    )
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic import op

Column = sa.Column[Any]

#: A revision reads these as its vocabulary: ``from concordia.kit.ddl import *``.
__all__ = [
    "BIG",
    "Column",
    "Index",
    "Ref",
    "big",
    "binary",
    "boolean",
    "create_table",
    "day",
    "drop_indexed",
    "drop_tables",
    "execute_on",
    "index",
    "integer",
    "integers",
    "json",
    "moment",
    "money",
    "owner",
    "ref",
    "serial",
    "small",
    "stamps",
    "string",
    "text",
    "uuid",
    "version",
]

#: A 64-bit integer (an auto-incremented key, a feed position) that SQLite keeps as its INTEGER.
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def uuid(name: str, *, nullable: bool = False) -> Column:
    """A UUID column."""
    return sa.Column(name, sa.Uuid(), nullable=nullable)


def string(name: str, length: int, *, nullable: bool = False) -> Column:
    """A VARCHAR(length) column."""
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def text(name: str, *, nullable: bool = True) -> Column:
    """A TEXT column."""
    return sa.Column(name, sa.Text(), nullable=nullable)


def integer(name: str, *, nullable: bool = False) -> Column:
    """An INTEGER column."""
    return sa.Column(name, sa.Integer(), nullable=nullable)


def integers(*names: str) -> list[Column]:
    """Required INTEGER columns, one per name (counts, for instance)."""
    return [integer(name) for name in names]


def small(name: str, *, nullable: bool = False) -> Column:
    """A SMALLINT column (a code or a score)."""
    return sa.Column(name, sa.SmallInteger(), nullable=nullable)


def big(name: str, *, nullable: bool = False) -> Column:
    """A BIGINT column (INTEGER on SQLite)."""
    return sa.Column(name, BIG, nullable=nullable)


def serial(name: str = "seq") -> Column:
    """An auto-incremented 64-bit key (INTEGER on SQLite, so that it is the rowid)."""
    return sa.Column(name, BIG, autoincrement=True, nullable=False)


def boolean(name: str, *, nullable: bool = False) -> Column:
    """A BOOLEAN column."""
    return sa.Column(name, sa.Boolean(), nullable=nullable)


def json(name: str, *, nullable: bool = False) -> Column:
    """A JSON column."""
    return sa.Column(name, sa.JSON(), nullable=nullable)


def day(name: str, *, nullable: bool = False) -> Column:
    """A DATE column."""
    return sa.Column(name, sa.Date(), nullable=nullable)


def moment(name: str, *, nullable: bool = False) -> Column:
    """A timezone-aware TIMESTAMP column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def binary(name: str, length: int | None = None, *, nullable: bool = False) -> Column:
    """A binary column (a digest of ``length`` bytes, or ciphertext of any length)."""
    return sa.Column(name, sa.LargeBinary(length=length), nullable=nullable)


def money(name: str, scale: int, *, nullable: bool = False) -> Column:
    """An exact NUMERIC(18, scale); SQLite keeps it as a BIGINT of the smallest unit."""
    kind = sa.Numeric(precision=18, scale=scale).with_variant(sa.BigInteger(), "sqlite")
    return sa.Column(name, kind, nullable=nullable)


def version() -> Column:
    """The optimistic-concurrency version of a record."""
    return integer("version")


def owner() -> Column:
    """The owner of a record (an agency's, a donor's, or the node operator's)."""
    return string("owner", 128)


def stamps(*names: str) -> list[Column]:
    """Timestamps the database fills in (``created_at`` and ``updated_at`` unless named)."""
    return [
        sa.Column(
            name,
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        )
        for name in names or ("created_at", "updated_at")
    ]


@dataclass(frozen=True, slots=True)
class Ref:
    """A foreign key of one column to ``table.column``."""

    column: str
    target: str
    ondelete: str | None = None


def ref(column: str, target: str, *, ondelete: str | None = None) -> Ref:
    """A foreign key of ``column`` to ``target`` (``table.column``)."""
    return Ref(column, target, ondelete)


@dataclass(frozen=True, slots=True)
class Index:
    """An index of a table; named by the convention unless ``name`` is given."""

    columns: tuple[str, ...]
    name: str | None = None


def index(*columns: str, name: str | None = None) -> Index:
    """An index over ``columns``."""
    return Index(columns, name)


def create_table(
    name: str,
    *columns: Column,
    key: Sequence[str] = ("id",),
    unique: Iterable[Sequence[str]] = (),
    refs: Iterable[Ref] = (),
    indexes: Iterable[Index | str] = (),
) -> sa.Table:
    """Create table ``name`` with its primary ``key``, ``unique`` constraints, foreign keys and
    indexes (a plain string is a one-column index), every one named by the convention."""
    constraints: list[sa.Constraint] = [
        sa.ForeignKeyConstraint(
            [r.column],
            [r.target],
            name=op.f(f"fk_{name}_{r.column}_{r.target.split('.')[0]}"),
            ondelete=r.ondelete,
        )
        for r in refs
    ]
    constraints.append(sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{name}")))
    constraints += [
        sa.UniqueConstraint(*cols, name=op.f(f"uq_{name}_{'_'.join(cols)}")) for cols in unique
    ]
    table = op.create_table(name, *columns, *constraints)
    for ix in indexes:
        ix = index(ix) if isinstance(ix, str) else ix
        ix_name = ix.name or op.f(f"ix_{name}_{'_'.join(ix.columns)}")
        op.create_index(ix_name, name, list(ix.columns), unique=False)
    return table


def drop_tables(*names: str) -> None:
    """Drop tables (with their indexes), in the order given."""
    for name in names:
        op.drop_table(name)


def drop_indexed(name: str, *columns: str) -> None:
    """Drop the one-column indexes ``ix_<name>_<column>`` of table ``name``, in the order
    given, then the table (as a revision that created them one by one undoes them)."""
    for column in columns:
        op.drop_index(op.f(f"ix_{name}_{column}"), table_name=name)
    op.drop_table(name)


def execute_on(dialect: str, *statements: str) -> None:
    """Execute ``statements`` in order on a ``dialect`` database (``postgresql``, ``sqlite``);
    on any other, nothing (DDL only one database has, such as a generated tsvector)."""
    if op.get_bind().dialect.name == dialect:
        for statement in statements:
            op.execute(statement)
