"""Helpers for exchange tests: a registry and an exchange side by side, tokens, practices."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from concordia.core.auth import TokenStore
from concordia.exchange.settings import ExchangeSettings

ROLES: dict[str, set[str]] = {
    "editor": {"exchange:write"},
    "editor2": {"exchange:write"},
    "approver": {"exchange:approve", "exchange:read"},
    "reader": {"exchange:read"},
    "editor-approver": {"exchange:write", "exchange:approve"},
    "screen": {"registry:screen"},
    "screen-read": {"registry:screen", "registry:read"},
    "registry-rw": {"registry:read", "registry:write"},
}


def issue_tokens(path: Path) -> dict[str, str]:
    """One token per role above (each its own name, so its own owner)."""
    store = TokenStore(path)
    return {
        role: store.create(f"test-{role}", scopes, owner="agency:test-migration")
        for role, scopes in ROLES.items()
    }


@dataclass
class Exchange:
    """An exchange app in its lifespan beside a registry, a client, and tokens by role."""

    app: FastAPI
    client: httpx.AsyncClient
    registry: httpx.AsyncClient
    tokens: dict[str, str]
    settings: ExchangeSettings

    def auth(self, role: str) -> dict[str, str]:
        """Headers with the token of ``role``."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    async def publish(self, body: dict[str, Any], *, approve: bool = True) -> dict[str, Any]:
        """Create, submit and (by default) approve a practice; returns the practice read."""
        created = await self.client.post("/v1/practices", json=body, headers=self.auth("editor"))
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        submitted = await self.client.post(
            f"/v1/practices/{pid}/submit", headers=self.auth("editor")
        )
        assert submitted.status_code == 200, submitted.text
        if not approve:
            return dict(submitted.json())
        approved = await self.client.post(
            f"/v1/practices/{pid}/approve", json={}, headers=self.auth("approver")
        )
        assert approved.status_code == 200, approved.text
        return dict(approved.json())


def practice(n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A visibly synthetic practice."""
    body: dict[str, Any] = {
        "title": f"Test practice {n}: a fast track for work permits",
        "summary": "Synthetic summary of a permit track for threatened journalists.",
        "body": "## What we did\nA synthetic pilot issued permits within ten days.",
        "topic": "work_permits",
        "standing": "pilot",
        "country": "SE",
        "language": "en",
        "tags": ["permits", "test"],
        "author_role": "migration_ministry",
        "translations": [],
    }
    body.update(overrides)
    return body
