"""Database URLs in libpq's spelling: ``?sslmode=...`` reaches asyncpg as its ``ssl`` argument."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from concordia.core.db import create_engine, normalise_url

PG = os.environ.get("CONCORDIA_TEST_DATABASE_URL")


def test_sslmode_becomes_asyncpgs_ssl() -> None:
    url = make_url(normalise_url("postgresql://u:p@db.example.org/x?sslmode=verify-full"))
    assert url.drivername == "postgresql+asyncpg"
    assert dict(url.query) == {"ssl": "verify-full"}


@pytest.mark.skipif(PG is None, reason="needs CONCORDIA_TEST_DATABASE_URL (PostgreSQL)")
async def test_a_url_with_sslmode_connects() -> None:
    assert PG is not None
    # The test server speaks no TLS: "disable" connects, "verify-full" must refuse (not crash
    # on an unknown keyword, which is what asyncpg does with "sslmode").
    engine = create_engine(f"{PG}?sslmode=disable")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("select 1"))).scalar() == 1
    finally:
        await engine.dispose()
    strict = create_engine(f"{PG}?sslmode=verify-full")
    try:
        # It tries TLS and verifies: here it fails on the missing CA (or the server's refusal).
        with pytest.raises(DBAPIError, match=r"root certificate|SSL|ssl"):
            async with strict.connect():
                pass
    finally:
        await strict.dispose()
