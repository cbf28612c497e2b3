"""A ceiling of ``registry.get_person``: a plain FastAPI + SQLAlchemy GET by primary key.

What the tutorials write: an async engine on the same database the registry serves, a session
per request from a dependency, ``session.get`` by primary key, a response model. No auth, no
audit, no decryption: what reading one row through FastAPI and the ORM costs on this machine.
The database is ``CONCORDIA_BENCH_PLAIN_DATABASE_URL`` (a registry database, already seeded).
"""

import os
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, DateTime, String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from concordia.core.db import normalise_url


class Base(DeclarativeBase):
    """The plain app's own mapping."""


class Person(Base):
    """The registry's persons table, its plain columns only."""

    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    gender: Mapped[str | None] = mapped_column(String(16))
    ethnic_origin: Mapped[str | None] = mapped_column(String(16))
    national_minority: Mapped[str | None] = mapped_column(String(32))
    region_of_origin: Mapped[str | None] = mapped_column(String(8))
    profession_category: Mapped[str | None] = mapped_column(String(32))
    host_country: Mapped[str | None] = mapped_column(String(2))
    vulnerabilities: Mapped[list[Any] | None] = mapped_column(JSON)
    risk_level: Mapped[str | None] = mapped_column(String(16))
    family: Mapped[list[Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonOut(BaseModel):
    """The response: the row's plain columns."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    gender: str | None
    ethnic_origin: str | None
    national_minority: str | None
    region_of_origin: str | None
    profession_category: str | None
    host_country: str | None
    vulnerabilities: list[str] | None
    risk_level: str | None
    family: list[dict[str, Any]] | None
    created_at: datetime
    updated_at: datetime


def create() -> FastAPI:
    """Uvicorn factory: ``uvicorn --factory bench._plain_app:create``."""
    engine = create_async_engine(normalise_url(os.environ["CONCORDIA_BENCH_PLAIN_DATABASE_URL"]))
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def session() -> AsyncIterator[AsyncSession]:
        async with sessions() as s:
            yield s

    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/persons/{person_id}", response_model=PersonOut)
    async def get_person(
        person_id: uuid.UUID, s: Annotated[AsyncSession, Depends(session)]
    ) -> Person:
        person = await s.get(Person, person_id)
        if person is None:
            raise HTTPException(404, "no such person")
        return person

    return app
