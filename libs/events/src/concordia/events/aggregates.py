"""Aggregate snapshots: the only statistics a node sends the hub.

A snapshot is immutable. Its subject names one aggregate, period and version
(``shared.<node>.<service>.aggregate.<name>.<period>.v<version>``) and is published with
``Nats-Expected-Last-Subject-Sequence: 0``, so the broker stores at most one message per subject,
forever; a correction is a new version. Every cell has passed ``concordia.disclosure`` first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from concordia.events._model import SharedEvent
from concordia.events._signature import NodeSignature
from concordia.events._types import Code, SubjectToken

#: The key position of a margin that sums over a dimension.
ALL: str = "_all"
#: No honest node counts more (persons, participants) in one cell...
MAX_COUNT = 10**7
#: ...or sums more money in one cell (EUR, to the cent).
MAX_AMOUNT = Decimal(10**12)
_CENT = Decimal("0.01")


class Cell(BaseModel):
    """One cell of an aggregate table: a count or a money amount, or ``suppressed``.

    Counts go in ``value``; money sums (see the snapshot's ``measure``, e.g. ``eur_committed``)
    go in ``amount``, exact to the cent. A published cell carries exactly one of the two.

    Example::

        Cell(key=("female", "RU-MOS"), value=40, suppressed=False)
        Cell(key=("male", "RU-TY"), value=None, suppressed=True, reason="threshold")
        Cell(key=("independent_media",), amount=Decimal("1250000.00"))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: tuple[Code, ...] = Field(
        description="One code per dimension, in the order of `dimensions`; `_all` in a margin.",
        examples=[["female", "RU-MOS"]],
    )
    value: int | None = Field(
        default=None,
        description="The (possibly rounded or noised) count; null when suppressed or money.",
        examples=[40],
    )
    amount: Decimal | None = Field(
        default=None,
        ge=0,
        description="A money sum in the snapshot's measure (e.g. EUR); null unless published "
        "money.",
        examples=["1250000.00"],
    )
    suppressed: bool = Field(default=False, description="Withheld by disclosure control.")
    reason: Code | None = Field(
        default=None,
        description="Why the cell is suppressed (threshold, complementary, dominance, ...).",
        examples=["threshold"],
    )

    @model_validator(mode="after")
    def _suppressed_has_no_value(self) -> Self:
        if self.suppressed and (self.value is not None or self.amount is not None):
            raise ValueError("a suppressed cell carries no value")
        if not self.suppressed and (
            (self.value is None) == (self.amount is None) or self.reason is not None
        ):
            raise ValueError("an unsuppressed cell carries a value or an amount, and no reason")
        return self


def bounds_violation(value: int | None, amount: Decimal | None) -> str | None:
    """Why a count or an amount is one no honest node sends, or None.

    Counts are integers from 0 to ``MAX_COUNT``; amounts decimals from 0 to ``MAX_AMOUNT`` with
    at most two places. Checked where a node builds a table and again at the hub.
    """
    if value is not None and not 0 <= value <= MAX_COUNT:
        return "count_out_of_range"
    if amount is not None:
        if not amount.is_finite() or not 0 <= amount <= MAX_AMOUNT:
            return "amount_out_of_range"
        if amount != amount.quantize(_CENT):
            return "amount_precision"
    return None


def out_of_range(cell: Cell) -> str | None:
    """Why ``cell``'s value is one no honest node sends, or None (``bounds_violation``)."""
    return bounds_violation(cell.value, cell.amount)


class AggregateSnapshotPublished(SharedEvent):
    """A disclosure-controlled aggregate table published by one service of one node.

    Example::

        AggregateSnapshotPublished(
            node="se", service="registry", aggregate="persons_by_gender", period="2026-Q4",
            version=1, charter_version="2026.1", dimensions=("gender",),
            cells=(Cell(key=("female",), value=40), Cell(key=("male",), value=35)),
        )
    """

    event_name: ClassVar[str] = "aggregate.snapshot.published"
    once_per_subject: ClassVar[bool] = True

    node: SubjectToken = Field(description="The publishing node.", examples=["se"])
    service: SubjectToken = Field(description="The publishing service.", examples=["registry"])
    aggregate: SubjectToken = Field(
        description="The aggregate's name.", examples=["persons_by_gender_region"]
    )
    period: SubjectToken = Field(
        description="The reporting period: `2026`, `2026-Q4`, `2026-11`...", examples=["2026-Q4"]
    )
    period_start: date | None = Field(
        default=None, description="First day of the period.", examples=["2026-10-01"]
    )
    period_end: date | None = Field(
        default=None, description="Last day of the period.", examples=["2026-12-31"]
    )
    version: int = Field(
        ge=1, description="Release number of this aggregate and period.", examples=[1]
    )
    charter_version: Code = Field(
        description="The charter whose rules and code lists were applied.", examples=["2026.1"]
    )
    measure: Code = Field(
        default="persons",
        description="What the values count (`persons`, `participants`) or which money the "
        "amounts sum (`eur_committed`, `eur_disbursed`).",
        examples=["persons"],
    )
    dimensions: tuple[Code, ...] = Field(
        description="The code list of each key position.", examples=[["gender", "region"]]
    )
    cells: tuple[Cell, ...] = Field(description="The interior cells.")
    margins: tuple[Cell, ...] = Field(
        default=(),
        description="Totals: `_all` where a dimension is summed; all `_all` is the grand total.",
    )
    signature: NodeSignature | None = Field(
        default=None,
        description="The node's signature of this release (``concordia.events.sign_event``): "
        "proves to anyone holding the coalition directory that the node published it.",
    )

    @model_validator(mode="after")
    def _keys_match_dimensions(self) -> Self:
        width = len(self.dimensions)
        for cell in (*self.cells, *self.margins):
            if len(cell.key) != width:
                raise ValueError(f"cell key {list(cell.key)} does not match {width} dimensions")
        return self

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.{service}.aggregate.{aggregate}.{period}.{version}``."""
        return "shared.{node}.{service}.aggregate.{aggregate}.{period}.{version}"

    def subject_params(self) -> dict[str, str]:
        """One subject per aggregate, period and version (``v3``)."""
        return {
            "service": self.service,
            "aggregate": self.aggregate,
            "period": self.period,
            "version": f"v{self.version}",
        }

    def producer(self) -> str:
        """The service named in the snapshot."""
        return self.service

    def subject(self, node: str) -> str:
        """The snapshot's subject; ``node`` must be the snapshot's own node."""
        if node != self.node:
            raise ValueError(f"snapshot of node {self.node!r} cannot be published by {node!r}")
        return super().subject(node)
