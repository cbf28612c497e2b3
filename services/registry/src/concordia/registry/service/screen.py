"""The screen: does a text about to leave the node mention anyone in this registry?

A match needs a family name or an alias of a registered person, in any case form or Latin
spelling (``screen_forms``); a given name or patronymic never matches alone. Any e-mail address
or phone number in the text matches too (the registry keeps none, so none may leave). The
answer names no one: it gives spans (field, start, end, kind) and only to a caller that may
read the registry anyway. Every call is logged, and each token has a daily allowance, so the
screen cannot be used as an oracle for guessed names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.errors import DomainError
from concordia.registry.models import Person, ScreenLogEntry
from concordia.registry.schemas import ScreenMatch, ScreenRequest, ScreenResult
from concordia.registry.service._common import NodeContext
from concordia.registry.service.persons import person_fields
from concordia.registry.service.screen_forms import all_forms, is_given_name, words

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: an optional +, then at least seven digits with spaces, dots, dashes, brackets.
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{5,}\d(?![\w])")
_MIN_PHONE_DIGITS = 7


class ScreenLimitError(DomainError):
    """The token has used its screens for today."""

    status = 429


@dataclass
class Matcher:
    """Family names and aliases of the registry, as sets of normalised word forms."""

    family: set[str] = field(default_factory=set)
    #: Multi-word aliases: each a sequence of per-word form sets.
    phrases: list[list[set[str]]] = field(default_factory=list)

    def add_name(self, name: str) -> None:
        """Add the family-name tokens of a full name (given names and patronymics skipped)."""
        for _, _, token in words(name):
            if len(token) > 1 and not is_given_name(token):
                self.family |= all_forms(token)

    def add_alias(self, alias: str) -> None:
        """Add an alias: one word joins the family forms, several make a phrase."""
        tokens = [t for _, _, t in words(alias)]
        if len(tokens) == 1:
            self.family |= all_forms(tokens[0])
        elif tokens:
            self.phrases.append([all_forms(t) for t in tokens])

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Every matching span of ``text`` with its kind."""
        found: list[tuple[int, int, str]] = []
        tokens = words(text)
        for i, (start, end, token) in enumerate(tokens):
            if token in self.family:
                found.append((start, end, "name"))
            for phrase in self.phrases:
                window = tokens[i : i + len(phrase)]
                if len(window) == len(phrase) and all(
                    t in forms for (_, _, t), forms in zip(window, phrase, strict=True)
                ):
                    found.append((start, window[-1][1], "alias"))
        found += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
        for m in _PHONE.finditer(text):
            if sum(ch.isdigit() for ch in m.group()) >= _MIN_PHONE_DIGITS:
                found.append((m.start(), m.end(), "phone"))
        return sorted(found)


async def build_matcher(session: AsyncSession, ctx: NodeContext) -> Matcher:
    """A matcher over every person not erased (names decrypted in memory only)."""
    matcher = Matcher()
    persons = await session.scalars(select(Person).where(Person.erased_at.is_(None)))
    for person in persons:
        fields = person_fields(ctx, person)
        if fields["name"]:
            matcher.add_name(fields["name"])
        for alias in fields["aliases"]:
            matcher.add_alias(alias)
    return matcher


async def screen(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    principal: Principal,
    request: ScreenRequest,
    per_day: int,
    purpose: str | None,
) -> ScreenResult:
    """Screen ``request``'s texts; logged, limited per token per UTC day."""
    at = datetime.now(UTC)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    used = await session.scalar(
        select(func.count())
        .select_from(ScreenLogEntry)
        .where(ScreenLogEntry.token_id == principal.token_id)
        .where(ScreenLogEntry.at >= day, ScreenLogEntry.at < day + timedelta(days=1))
    )
    if (used or 0) >= per_day:
        raise ScreenLimitError(f"this token has used its {per_day} screens for today")
    matcher = await build_matcher(session, ctx)
    matches = [
        ScreenMatch(field=text.field, start=start, end=end, kind=kind)
        for text in request.texts
        for start, end, kind in matcher.spans(text.text)
    ]
    session.add(
        ScreenLogEntry(
            at=at,
            token_id=principal.token_id,
            token_name=principal.name,
            texts=len(request.texts),
            matches=len(matches),
            purpose=purpose,
        )
    )
    show = "registry:read" in principal.scopes
    return ScreenResult(
        match=bool(matches),
        fields=sorted({m.field for m in matches}),
        matches=matches if show else None,
    )
