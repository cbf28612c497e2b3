"""In-process rounds for the protocol tests: real participants, a real aggregation, no broker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from concordia.secagg import (
    Aggregation,
    KeyDirectory,
    KeyIdentity,
    MemoryStore,
    Participant,
    Refused,
    RoundHeader,
    SecureSum,
    key_identities,
)


@dataclass
class Tables:
    """A node's values: table -> period -> cell -> value (synthetic)."""

    data: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def values(self, table: str, period: str, cells: Sequence[str]) -> list[int]:
        rows = self.data[table][period]
        return [rows.get(cell, 0) for cell in cells]


@dataclass
class Coalition:
    identities: dict[str, KeyIdentity]
    tables: dict[str, Tables]
    stores: dict[str, MemoryStore]
    participants: dict[str, Participant]
    budgets: dict[str, float]

    @property
    def directory(self) -> KeyDirectory:
        any_identity = next(iter(self.identities.values()))
        return KeyDirectory(any_identity._directory)

    def restart(self, node: str) -> Participant:
        """A node process restarted: a new participant over the same stored state."""
        self.participants[node] = Participant(
            self.identities[node], self.tables[node], self.stores[node], budgets=self.budgets
        )
        return self.participants[node]


def coalition(nodes: Iterable[str], budgets: Mapping[str, float] | None = None) -> Coalition:
    names = list(nodes)
    identities = key_identities(names)
    tables = {n: Tables() for n in names}
    stores = {n: MemoryStore() for n in names}
    c = Coalition(identities, tables, stores, {}, dict(budgets or {}))
    for n in names:
        c.restart(n)
    return c


def header(
    round_id: str,
    roster: Sequence[str],
    cells: Sequence[str],
    *,
    table: str = "participants_by_gender",
    period: str = "2026-Q4",
    phase: str = "sum",
    threshold: int | None = None,
    **extra: Any,
) -> RoundHeader:
    roster = sorted(roster)
    return RoundHeader(
        round=round_id, table=table, period=period, phase=phase, cells=tuple(cells),
        roster=tuple(roster), threshold=threshold or len(roster) // 2 + 1,
        expires_at=datetime.now(UTC) + timedelta(minutes=10), bound=1_000_000, **extra,
    )  # fmt: skip


Tamper = Callable[[str, str, Any], Any]


def run(
    c: Coalition,
    head: RoundHeader,
    *,
    drop: Mapping[str, str] | None = None,
    tamper: Tamper | None = None,
    transcript: list[Any] | None = None,
) -> SecureSum:
    """One round; ``drop`` maps a node to the step from which it stops answering;
    ``tamper(step, node, request)`` lets a hostile hub change what one node is sent."""
    drop = dict(drop or {})
    agg = Aggregation(head, c.directory)
    steps = ["advertise", "share", "mask", "check", "unmask"]
    requests: dict[str, Any] = dict.fromkeys(head.roster, head)
    result: Any = None
    for i, step in enumerate(steps):
        answers = {}
        for node, request in requests.items():
            if node in drop and steps.index(drop[node]) <= i:
                continue
            sent = tamper(step, node, request) if tamper else request
            if transcript is not None:
                transcript.append(sent)
            answer = c.participants[node].handle(step, sent)
            if transcript is not None:
                transcript.append(answer)
            answers[node] = answer
        if step == "advertise":
            share = agg.on_adverts(answers)
            requests = dict.fromkeys(share_nodes(share), share)
        elif step == "share":
            requests = dict(agg.on_shares(answers))
        elif step == "mask":
            check = agg.on_masked(answers)
            requests = dict.fromkeys(check.survivors, check)
        elif step == "check":
            unmask = agg.on_signatures(answers)
            requests = dict.fromkeys(unmask.signatures, unmask)
        else:
            result = agg.on_unmask(answers)
    assert isinstance(result, SecureSum)
    return result


def share_nodes(request: Any) -> list[str]:
    return [a.node for a in request.adverts]


__all__ = ["Coalition", "Refused", "Tables", "coalition", "header", "run"]
