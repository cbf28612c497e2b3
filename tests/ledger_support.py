"""Helpers for ledger tests: the harness, settings, tokens, registry announcements, records."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
import polling
from fastapi import FastAPI
from sqlalchemy import select

from concordia.core.auth import TokenStore
from concordia.events import (
    Envelope,
    Event,
    OrganisationRegistered,
    PersonErased,
    PersonRegistered,
)
from concordia.ledger.models import KnownOrganisation, KnownPerson
from concordia.ledger.settings import LedgerSettings


@dataclass
class Ledger:
    """A ledger app in its lifespan, a client, and tokens by scope."""

    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str]
    settings: LedgerSettings
    nats_url: str

    def auth(self, *scopes: str, owner: str | None = None) -> dict[str, str]:
        """Headers carrying a token with exactly ``scopes`` (of ``owner``, if given)."""
        key = " ".join(sorted(scopes))
        return {"Authorization": f"Bearer {self.tokens[f'{owner} {key}' if owner else key]}"}

    @property
    def rw(self) -> dict[str, str]:
        """A token that can write (and so read) the ledger."""
        return self.auth("ledger:write")

    @property
    def ops(self) -> dict[str, str]:
        """An operator's token: loads exchange rates."""
        return self.auth("ops")

    @property
    def feed(self) -> dict[str, str]:
        """A donor portal's token: reads public grants only."""
        return self.auth("feed:read")

    @property
    def coalition_feed(self) -> dict[str, str]:
        """A coalition donor portal's token: reads public and coalition grants."""
        return self.auth("feed:coalition", "feed:read")

    async def publish(self, *events: Event, envelope: Envelope[Event] | None = None) -> None:
        """Publish registry events on this node's local subjects, as the registry's relay does."""
        nc = await nats.connect(self.nats_url)
        try:
            js = nc.jetstream()
            for item in [envelope] if envelope is not None else events:
                wrapped = (
                    item
                    if isinstance(item, Envelope)
                    else Envelope.wrap(item, node=self.settings.node)
                )
                await js.publish(wrapped.subject, wrapped.to_bytes())
        finally:
            await nc.close()

    async def wait_for(self, model: Any, id_: uuid.UUID, seconds: float = 15, **attrs: Any) -> Any:
        """Wait until the ledger's database holds ``model`` ``id_`` with ``attrs``."""
        async with asyncio.timeout(seconds):
            while True:
                async with self.app.state.concordia.db.unit_of_work() as session:
                    row = await session.scalar(select(model).where(model.id == id_))
                    if row is not None and all(getattr(row, k) == v for k, v in attrs.items()):
                        return row
                await asyncio.sleep(0.05)

    async def announce_organisation(
        self, identifier: str = "SE-ON-8020000001", **extra: Any
    ) -> uuid.UUID:
        """Make the registry announce an organisation; return its id once the ledger knows it."""
        org_id = extra.pop("organisation_id", uuid.uuid4())
        event = OrganisationRegistered(
            organisation_id=org_id, identifier=identifier, name=extra.pop("name", "Example Media"),
            type="independent_media", registration_country="SE", version=extra.pop("version", 1),
        )  # fmt: skip
        await self.publish(event)
        await self.wait_for(KnownOrganisation, org_id)
        return org_id

    async def announce_person(self) -> uuid.UUID:
        """Make the registry announce a person; return the id once the ledger knows it."""
        person_id = uuid.uuid4()
        await self.publish(PersonRegistered(person_id=person_id, host_country="SE", version=1))
        await self.wait_for(KnownPerson, person_id)
        return person_id

    async def erase_person(self, person_id: uuid.UUID) -> None:
        """Make the registry announce an erasure; return once the ledger applied it."""
        erased_at = datetime.now(UTC)
        await self.publish(PersonErased(person_id=person_id, erased_at=erased_at))

        async def erased() -> bool:
            return (await self.wait_for(KnownPerson, person_id)).erased_at is not None

        await eventually(erased)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 15) -> None:
    """Poll ``check`` until it holds (state reached through the broker arrives eventually)."""
    await polling.eventually(check, within=seconds)


def settings_for(url: str, nats_url: str, tokens: Path, node: str, **extra: Any) -> LedgerSettings:
    """Ledger settings for a test."""
    return LedgerSettings(
        env="test", node=node, database_url=url, nats_url=nats_url, tokens_file=tokens, **extra
    )


def issue_tokens(path: Path) -> dict[str, str]:
    """Tokens for each scope combination the tests use."""
    store = TokenStore(path)
    combos = [("ledger:write",), ("feed:read",), ("feed:coalition", "feed:read"),
              ("registry:read",), ("ops",)]  # fmt: skip
    tokens = {" ".join(sorted(c)): store.create(f"test-{'-'.join(c)}", set(c)) for c in combos}
    tokens["ledger:admin ledger:write"] = store.create(
        "test-ledger-admin", {"ledger:admin", "ledger:write"}
    )
    for owner in (DONOR_1, DONOR_2):
        tokens[f"{owner} ledger:write"] = store.create(
            f"test-{owner}", {"ledger:write"}, owner=owner
        )
    return tokens


#: The donors the tests' owned tokens belong to.
DONOR_1, DONOR_2 = "donor:test-1", "donor:test-2"


def donor(n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A visibly synthetic donor."""
    record = {
        "identifier": f"XM-DAC-TEST{n:04d}",
        "name": f"Example Test Programme {n}",
        "type": ("government_programme", "foundation", "multilateral")[n % 3],
        "country": "SE",
    }
    return record | overrides


def grant(donor_id: str, recipient: dict[str, Any], n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A visibly synthetic grant."""
    record = {
        "donor_id": donor_id,
        "external_id": f"TEST-GRANT-{n:05d}",
        "recipient": recipient,
        "title": f"Example grant {n}",
        "description": "Synthetic test data.",
        "purpose": "independent_media",
        "horizon": "mid",
        "goals": ["value_of_politics", "voice_of_disenfranchised"],
        "gender_marker": 1,
        "start_date": "2026-01-01",
        "end_date": "2030-12-31",
        "visibility": "public",
    }
    return record | overrides


async def new_donor(ledger: Ledger, n: int = 0, **overrides: Any) -> dict[str, Any]:
    """POST a donor and return it."""
    response = await ledger.client.post("/v1/donors", json=donor(n, **overrides), headers=ledger.rw)
    assert response.status_code == 201, response.text
    return response.json()
