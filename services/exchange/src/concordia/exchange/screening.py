"""The exchange's side of the screen: ask the node's registry before anything is approved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from concordia.core.errors import ConflictError, DomainError


class ScreenUnavailableError(DomainError):
    """The registry could not screen the text: nothing is approved without it."""

    status = 503


class ScreenMatchError(ConflictError):
    """The screen found a registered name, alias, e-mail address or phone number."""


@dataclass(frozen=True)
class ScreenOutcome:
    """What the registry answered: whether anything matched, where (spans if it shows them)."""

    match: bool
    fields: list[str]
    matches: list[dict[str, Any]] | None

    def describe(self) -> str:
        """A problem detail naming the fields and, when shown, the spans; never the text."""
        if self.matches:
            where = ", ".join(
                f"{m['field']}[{m['start']}:{m['end']}] ({m['kind']})" for m in self.matches
            )
        else:
            where = ", ".join(self.fields)
        return (
            f"the registry's screen matched: {where}; correct the text, or approve with an "
            "override_reason if the match is false"
        )


class RegistryScreen:
    """An HTTP client of the registry's ``POST /v1/screen``.

    Example::

        screen = RegistryScreen(httpx.AsyncClient(base_url="http://127.0.0.1:8601"), token)
        outcome = await screen.check([("title", "..."), ("body", "...")])
    """

    def __init__(self, client: httpx.AsyncClient | None, token: str | None) -> None:
        self.client, self.token = client, token

    async def check(self, texts: list[tuple[str, str]], *, purpose: str) -> ScreenOutcome:
        """Screen ``(field, text)`` pairs; raises ``ScreenUnavailableError`` when it cannot."""
        if self.client is None or self.token is None:
            raise ScreenUnavailableError("no registry is configured to screen texts")
        body = {"texts": [{"field": f, "text": t} for f, t in texts]}
        headers = {"Authorization": f"Bearer {self.token}", "X-Purpose": purpose}
        try:
            response = await self.client.post("/v1/screen", json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ScreenUnavailableError(f"the registry cannot be reached: {exc}") from exc
        if response.status_code != 200:
            raise ScreenUnavailableError(
                f"the registry refused the screen ({response.status_code})"
            )
        data = response.json()
        return ScreenOutcome(data["match"], data["fields"], data.get("matches"))
