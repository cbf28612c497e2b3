"""Overlap detection, the ledger's records: which set goes into a run, the rate limit, and
which of this node's grantees other nodes fund too.

The set for (quarter, purpose) is the distinct identifiers of organisations that receive a live,
non-restricted grant for that purpose active in that quarter. Restricted grants stay out: their
recipient must not be testable by a peer. Persons never enter a set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.events import DeclineReason, PsiInvitation, quarter_bounds, quarter_of
from concordia.events.psi_seal import SEAL_PROBLEMS, SealProblem
from concordia.ledger.codes import PURPOSES
from concordia.ledger.models import Grant, KnownOrganisation, OverlapMatch, OverlapRun
from concordia.ledger.overlap.psi import normalise
from concordia.ledger.overlap.schemas import OverlapPeerRead, OverlapRead, OverlapsRead
from concordia.ledger.settings import LedgerSettings


@dataclass(frozen=True, slots=True)
class RunLimits:
    """The node's PSI policy (from settings)."""

    min_set_size: int = 5
    max_set_size: int = 4096
    runs_per_day: int = 2
    #: Runs per UTC day, as client or server, across every peer and purpose (bounds a hub).
    answers_per_day: int = 24

    @classmethod
    def of(cls, settings: LedgerSettings) -> RunLimits:
        """The policy the node's ``CONCORDIA_LEDGER_OVERLAP_*`` settings set."""
        return cls(
            min_set_size=settings.overlap_min_set_size,
            max_set_size=settings.overlap_max_set_size,
            runs_per_day=settings.overlap_runs_per_day,
            answers_per_day=settings.overlap_answers_per_day,
        )


def open_periods(day: date) -> tuple[str, str]:
    """The periods a node takes part in on ``day``: the current quarter and the previous one."""
    first, _ = quarter_bounds(quarter_of(day))
    return quarter_of(day), quarter_of(first - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Opened:
    """A run this node takes part in: its identifiers, or why it declined."""

    identifiers: list[str]
    reason: DeclineReason | None = None


async def grantee_set(*, session: AsyncSession, period: str, purpose: str) -> list[str]:
    """The organisation identifiers this node funds for ``purpose`` during ``period``."""
    first, last = quarter_bounds(period)
    rows = await session.scalars(
        select(KnownOrganisation.identifier)
        .join(Grant, Grant.recipient_organisation_id == KnownOrganisation.id)
        .where(
            Grant.recipient_type == "organisation",
            Grant.purpose == purpose,
            Grant.withdrawn_at.is_(None),
            Grant.visibility != "restricted",
            Grant.start_date <= last,
            Grant.end_date >= first,
        )
        .distinct()
    )
    return sorted({normalise(identifier) for identifier in rows})


def _run(invitation: PsiInvitation, *, reason: str | None, at: datetime, status: str) -> OverlapRun:
    """The row of the run ``invitation`` opens (its count comes with the answer, if ever)."""
    return OverlapRun(
        run_id=invitation.run_id, role=invitation.role, peer=invitation.peer,
        period=invitation.period, purpose=invitation.purpose, status=status, reason=reason,
        count=None, created_at=at, finished_at=at if reason else None,
    )  # fmt: skip


async def open_run(
    *, session: AsyncSession, invitation: PsiInvitation, limits: RunLimits, at: datetime
) -> Opened | None:
    """Record a new run and decide whether to take part; ``None`` if the run is known already."""
    if await session.get(OverlapRun, invitation.run_id) is not None:
        return None
    role, peer, period, purpose = (
        invitation.role, invitation.peer, invitation.period, invitation.purpose
    )  # fmt: skip
    day_start = datetime.combine(at.date(), time(), tzinfo=UTC)
    today = (OverlapRun.created_at >= day_start,
             OverlapRun.created_at < day_start + timedelta(days=1))  # fmt: skip
    used = await session.scalar(
        select(func.count())
        .select_from(OverlapRun)
        .where(
            OverlapRun.peer == peer, OverlapRun.period == period,
            OverlapRun.purpose == purpose, OverlapRun.role == role, *today,
            # Runs refused for their seal took nothing of the allowance: a forging hub cannot
            # use up a node's runs with a peer.
            or_(OverlapRun.reason.is_(None),
                OverlapRun.reason.not_in(("rate_limited", *SEAL_PROBLEMS))),
        )
    )  # fmt: skip
    # Every run today that used the node's set, in either role and whoever asked: a hub that
    # cannot make a node answer more than the cap cannot make it ask more either (a client's
    # result tells the hub as much about the set as a server's answer).
    answered = await session.scalar(
        select(func.count())
        .select_from(OverlapRun)
        .where(*today, or_(OverlapRun.reason.is_(None), OverlapRun.reason == "bad_message"))
    ) or 0  # fmt: skip
    identifiers: list[str] = []
    reason: DeclineReason | None = None
    if period not in open_periods(at.date()):
        reason = "period_out_of_range"
    elif (used or 0) >= limits.runs_per_day or answered >= limits.answers_per_day:
        reason = "rate_limited"
    elif purpose not in PURPOSES:
        reason = "unknown_purpose"
    else:
        identifiers = await grantee_set(session=session, period=period, purpose=purpose)
        if len(identifiers) < limits.min_set_size:
            reason = "set_too_small"
        elif len(identifiers) > limits.max_set_size:
            reason = "set_too_large"
    status = "declined" if reason else ("requested" if role == "client" else "answering")
    session.add(_run(invitation, reason=reason, at=at, status=status))
    await session.flush()
    return Opened(identifiers=[] if reason else identifiers, reason=reason)


async def refuse_run(
    *, session: AsyncSession, invitation: PsiInvitation, reason: SealProblem, at: datetime
) -> bool:
    """Record a run refused before it opened (its peer's seal, or no identity to check one);
    False when the run id is known already (then it is a replay, and nothing is written)."""
    if await session.get(OverlapRun, invitation.run_id) is not None:
        return False
    session.add(_run(invitation, reason=reason, at=at, status="declined"))
    await session.flush()
    return True


async def finish_run(
    *, session: AsyncSession, run_id: str, status: str, reason: str | None, at: datetime
) -> None:
    """Close a run that ended without a count (served, or declined after it opened)."""
    run = await session.get(OverlapRun, run_id)
    if run is not None and run.finished_at is None:
        run.status, run.reason, run.finished_at = status, reason, at


async def record_matches(
    *, session: AsyncSession, run_id: str, found: set[str], at: datetime
) -> int | None:
    """Store a client run's findings, replacing the peer's older ones; ``None`` if the run is
    not waiting for an answer (a replay: nothing is counted twice)."""
    run = await session.get(OverlapRun, run_id, with_for_update=True)
    if run is None or run.role != "client" or run.status != "requested":
        return None
    await session.execute(
        delete(OverlapMatch).where(
            OverlapMatch.peer == run.peer,
            OverlapMatch.period == run.period,
            OverlapMatch.purpose == run.purpose,
        )
    )
    for identifier in sorted(found):
        session.add(
            OverlapMatch(
                peer=run.peer, period=run.period, purpose=run.purpose,
                identifier=identifier, run_id=run_id, found_at=at,
            )
        )  # fmt: skip
    run.status, run.count, run.finished_at = "counted", len(found), at
    await session.flush()
    return len(found)


async def overlaps(*, session: AsyncSession, period: str, purpose: str) -> OverlapsRead:
    """This node's current grantees for (period, purpose) that other nodes fund too."""
    current = set(await grantee_set(session=session, period=period, purpose=purpose))
    matches = (
        await session.scalars(
            select(OverlapMatch).where(
                OverlapMatch.period == period, OverlapMatch.purpose == purpose
            )
        )
    ).all()
    peers_of: dict[str, set[str]] = defaultdict(set)
    checked: dict[str, datetime] = {}
    for match in matches:
        if match.identifier in current:  # a grant since restricted or withdrawn drops out
            peers_of[match.identifier].add(match.peer)
            checked[match.identifier] = max(checked.get(match.identifier, match.found_at),
                                            match.found_at)  # fmt: skip
    orgs = await _organisations(session, list(peers_of))
    items = [
        OverlapRead(
            identifier=identifier, organisation_id=orgs[identifier][0],
            name=orgs[identifier][1], funded_elsewhere_by=sorted(peers),
            checked_at=checked[identifier],
        )
        for identifier, peers in sorted(peers_of.items())
        if identifier in orgs
    ]  # fmt: skip
    return OverlapsRead(
        period=period, purpose=purpose, items=items,
        peers=await _latest_runs(session, period, purpose),
    )  # fmt: skip


async def _organisations(
    session: AsyncSession, identifiers: list[str]
) -> dict[str, tuple[object, str]]:
    if not identifiers:
        return {}
    rows = await session.execute(
        select(KnownOrganisation.identifier, KnownOrganisation.id, KnownOrganisation.name,
               KnownOrganisation.removed_at)
        .where(func.upper(KnownOrganisation.identifier).in_(identifiers))
    )  # fmt: skip
    found: dict[str, tuple[object, str]] = {}
    for identifier, org_id, name, removed_at in rows:
        key = normalise(identifier)
        if removed_at is None or key not in found:  # prefer the live record
            found[key] = (org_id, name)
    return found


async def _latest_runs(session: AsyncSession, period: str, purpose: str) -> list[OverlapPeerRead]:
    rows = (
        await session.scalars(
            select(OverlapRun)
            .where(OverlapRun.period == period, OverlapRun.purpose == purpose,
                   OverlapRun.role == "client", OverlapRun.finished_at.is_not(None))
            .order_by(OverlapRun.finished_at)
        )
    ).all()  # fmt: skip
    latest = {run.peer: run for run in rows}
    return [
        OverlapPeerRead(peer=peer, status=run.status, reason=run.reason, count=run.count,
                        at=run.finished_at)
        for peer, run in sorted(latest.items())
    ]  # fmt: skip


async def funded_elsewhere(
    *, session: AsyncSession, identifier: str, purpose: str, start: date, end: date
) -> list[str]:
    """The peers that fund this organisation for ``purpose`` in a quarter within the dates."""
    rows = await session.execute(
        select(OverlapMatch.peer, OverlapMatch.period).where(
            OverlapMatch.identifier == normalise(identifier), OverlapMatch.purpose == purpose
        )
    )
    peers = set()
    for peer, period in rows:
        first, last = quarter_bounds(period)
        if first <= end and last >= start:
            peers.add(peer)
    return sorted(peers)
