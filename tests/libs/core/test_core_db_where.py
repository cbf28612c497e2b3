"""``where_given``: a query narrowed by the filters a caller asked for, and only those."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from concordia.core.db import ServiceTables, new_metadata, where_given


class _Base(ServiceTables, DeclarativeBase):
    metadata = new_metadata()


class _Item(_Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]
    kind: Mapped[str]


def _ids(session: Session, status: str | None, kind: str | None) -> list[int]:
    query = where_given(sa.select(_Item.id).order_by(_Item.id), (_Item.status, status),
                        (_Item.kind, kind))  # fmt: skip
    return list(session.scalars(query))


def test_only_the_filters_given_narrow_the_query() -> None:
    engine = sa.create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([
            _Item(id=1, status="open", kind="a"), _Item(id=2, status="open", kind="b"),
            _Item(id=3, status="decided", kind="a"),
        ])  # fmt: skip
        session.flush()
        assert _ids(session, None, None) == [1, 2, 3]
        assert _ids(session, "open", None) == [1, 2]
        assert _ids(session, None, "a") == [1, 3]
        assert _ids(session, "open", "a") == [1]
        assert _ids(session, "", None) == []  # an empty value is a value: only None is unasked


def test_no_filter_given_leaves_the_statement_as_it_was() -> None:
    query = sa.select(_Item.id)
    assert str(where_given(query, (_Item.status, None))) == str(query)
    assert "WHERE items.status = :status_1" in str(where_given(query, (_Item.status, "open")))
