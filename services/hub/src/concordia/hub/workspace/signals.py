"""Signals: what the hub sees that needs the coordination group's attention (pure functions).

Each signal has a key naming what it is about (the indicator and period, the purpose, the node
and the episode): the agenda keeps one item per key, so a signal that persists raises one item,
however often the hub looks. Evidence names the aggregate versions and values behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from concordia.events import CharterPublished
from concordia.events.aggregates import ALL
from concordia.events.codes import REPRESENTED_GROUPS
from concordia.hub.schemas import AggregateTotal, CoalitionIndicators, NodeRead, SnapshotRead
from concordia.hub.workspace.schemas import CommitmentRead

KINDS = (
    "target_missed", "overlaps_rising", "concentration", "fragmentation", "no_funded_actors",
    "commitment_behind", "node_stale", "node_old_charter",
)  # fmt: skip
GROUP_TABLE = "committed_eur_by_represented_group"
HEALTH_TABLE = "funding_health"


@dataclass(frozen=True)
class Signal:
    """One thing to look at: its key (one item per key), kind, title, period and evidence."""

    key: str
    kind: str
    title: str
    period: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def previous_period(period: str) -> str:
    """The quarter before ``period`` (``2027-Q1`` -> ``2026-Q4``)."""
    year, quarter = int(period[:4]), int(period[-1])
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"


def targets_missed(indicators: CoalitionIndicators) -> list[Signal]:
    """A charter target measured complete and missed at coalition level."""
    out = []
    for t in indicators.targets:
        if t.met is not False:
            continue
        band = f"{t.min_share}" + (f" to {t.max_share}" if t.max_share is not None else " or more")
        out.append(Signal(
            key=f"target_missed:{t.indicator}:{t.service}:{t.aggregate}:{indicators.period}",
            kind="target_missed",
            title=f"{t.indicator} is {t.share} in {indicators.period} ({t.aggregate}), "
                  f"outside the charter's {band}",
            period=indicators.period,
            evidence={
                "indicator": t.indicator, "aggregate": t.aggregate, "service": t.service,
                "share": str(t.share), "min_share": _text(t.min_share),
                "max_share": _text(t.max_share), "charter_version": indicators.charter_version,
                "versions": next((a.versions for a in indicators.aggregates
                                  if a.aggregate == t.aggregate and a.service == t.service), {}),
            },
        ))  # fmt: skip
    return out


def overlaps_rising(counts: Mapping[tuple[str, str], int], period: str) -> list[Signal]:
    """Overlaps found for a purpose in ``period`` above the period before (``counts``:
    (period, purpose) -> overlapping grantees summed over the runs of the pairs)."""
    before = previous_period(period)
    out = []
    for (p, purpose), now in sorted(counts.items()):
        was = counts.get((before, purpose), 0)
        if p == period and now > was:
            out.append(Signal(
                key=f"overlaps_rising:{purpose}:{period}", kind="overlaps_rising",
                title=f"Overlapping funding for {purpose} rose from {was} to {now} in {period}",
                period=period,
                evidence={"purpose": purpose, "overlaps": now, "previous": was,
                          "previous_period": before},
            ))  # fmt: skip
    return out


def health(snapshots: Iterable[SnapshotRead], charter: CharterPublished) -> list[Signal]:
    """Concentration and fragmentation above the charter's thresholds, per node."""
    rules = charter.evaluation
    limits = {
        "hhi": ("concentration", rules.concentration_hhi_max, "funding concentration (HHI)"),
        "small_commitments_share": (
            "fragmentation", rules.fragmentation_share_max,
            f"share of commitments under {rules.fragmentation_threshold_eur} EUR",
        ),
    }  # fmt: skip
    out = []
    for snap in snapshots:
        if snap.aggregate != HEALTH_TABLE:
            continue
        for cell in snap.cells:
            limit = limits.get(cell.key[0])
            if limit is None or cell.suppressed or cell.value is None:
                continue
            kind, threshold, what = limit
            value = Decimal(cell.value) / 10_000
            if value > threshold:
                out.append(Signal(
                    key=f"{kind}:{snap.node}:{snap.period}", kind=kind,
                    title=f"{what} at {snap.node.upper()} is {value} in {snap.period}, "
                          f"above the charter's {threshold}",
                    period=snap.period,
                    evidence={"node": snap.node, "aggregate": snap.aggregate,
                              "version": snap.version, "value": str(value),
                              "threshold": str(threshold),
                              "charter_version": charter.version},
                ))  # fmt: skip
    return out


def no_funded_actors(totals: Iterable[AggregateTotal], period: str) -> list[Signal]:
    """A represented group (national minorities, women...) that no node funded in ``period``.

    Only when every node's cell of the group is published as zero or absent: a suppressed cell
    is funding too small to show, not no funding.
    """
    out = []
    for total in totals:
        if total.aggregate != GROUP_TABLE:
            continue
        cells = {c.key[0]: c for c in total.cells}
        for group in REPRESENTED_GROUPS:
            cell = cells.get(group)
            if cell is not None and (cell.suppressed_nodes or (cell.amount or 0) > 0):
                continue
            if cell is not None and cell.value:
                continue
            out.append(Signal(
                key=f"no_funded_actors:represented_group:{group}:{period}",
                kind="no_funded_actors",
                title=f"No funded actor represents {group.replace('_', ' ')} in {period}",
                period=period,
                evidence={"aggregate": GROUP_TABLE, "group": group, "versions": total.versions,
                          "nodes": total.nodes},
            ))  # fmt: skip
    return out


def commitments_behind(commitments: Iterable[CommitmentRead]) -> list[Signal]:
    """A commitment behind schedule (its figure below the period's share gone by)."""
    out = []
    for c in commitments:
        p = c.progress
        if c.withdrawn or p is None or p.status != "behind":
            continue
        out.append(Signal(
            key=f"commitment_behind:{c.id}:{c.period}", kind="commitment_behind",
            title=f"{c.member}'s {c.kind} commitment for {c.period} is behind: "
                  f"{p.actual} of {c.target} ({p.expected} due by now)",
            period=c.period,
            evidence={"commitment_id": c.id, "revision": c.revision, "target": str(c.target),
                      "actual": _text(p.actual), "expected": str(p.expected), **p.evidence},
        ))  # fmt: skip
    return out


def nodes(rows: Iterable[NodeRead], charter: CharterPublished) -> list[Signal]:
    """A node gone quiet (one item per silence), or a service on an old charter."""
    out = []
    for node in rows:
        if not node.linked:
            continue
        if node.stale:
            since = "never" if node.last_report_at is None else node.last_report_at.isoformat()
            out.append(Signal(
                key=f"node_stale:{node.code}:{since}", kind="node_stale",
                title=f"Node {node.code.upper()} has not reported since {since}",
                evidence={"node": node.code, "last_report_at": since,
                          "lag_seconds": node.lag_seconds},
            ))  # fmt: skip
        for s in node.services:
            if charter.revision and s.charter_revision < charter.revision:
                out.append(Signal(
                    key=f"node_old_charter:{node.code}:{s.service}:{charter.revision}",
                    kind="node_old_charter",
                    title=f"{node.code.upper()} {s.service} runs charter {s.charter_version}, "
                          f"not {charter.version}",
                    evidence={"node": node.code, "service": s.service,
                              "runs": s.charter_revision, "current": charter.revision,
                              "refused": s.charter_refused},
                ))  # fmt: skip
    return out


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def every(
    *,
    periods: list[str],
    indicators: Mapping[str, CoalitionIndicators],
    snapshots: Mapping[str, list[SnapshotRead]],
    overlaps: Mapping[tuple[str, str], int],
    commitments: Iterable[CommitmentRead],
    node_rows: Iterable[NodeRead],
    charter: CharterPublished,
) -> list[Signal]:
    """Every signal the hub sees now, over ``periods``."""
    out: list[Signal] = []
    for period in periods:
        out += targets_missed(indicators[period])
        out += overlaps_rising(overlaps, period)
        out += health(snapshots[period], charter)
        out += no_funded_actors(indicators[period].aggregates, period)
    out += commitments_behind(commitments)
    out += nodes(node_rows, charter)
    unique: dict[str, Signal] = {}
    for signal in out:
        unique.setdefault(signal.key, signal)
    return list(unique.values())


__all__ = ["ALL", "KINDS", "Signal", "every", "previous_period"]
