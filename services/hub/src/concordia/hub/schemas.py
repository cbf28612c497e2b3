"""Request and response bodies of the hub API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from concordia.core.errors import inconsistent
from concordia.core.schemas import IsoDate
from concordia.core.types import QUARTER_PATTERN
from concordia.events import (
    DEFAULT_CHARTER,
    AggregateSnapshotPublished,
    CharterRefusal,
    CodeList,
    DisclosureRules,
    MemberSignature,
    NodeSignature,
    SecureTable,
    Target,
)
from concordia.events._types import CODE_PATTERN
from concordia.events.codes import Purpose


class ServiceRead(BaseModel):
    """One service of a node as its last status report shows it."""

    service: str
    charter_version: str
    charter_revision: int
    charter_current: bool = Field(description="Whether it runs the hub's current charter.")
    outbox_pending: int
    last_report_at: datetime
    lag_seconds: float = Field(description="Seconds since that report was sent.")
    stale: bool = Field(description="Silent for longer than the hub's stale_after_seconds.")
    charter_refused: CharterRefusal | None = Field(
        default=None,
        description="The newest charter it refused, as looser than its node's floors or "
        "without m valid signatures of its pinned directory (it runs the one above instead), "
        "or null.",
    )
    charter_pending: int | None = Field(
        default=None,
        description="A signed charter revision it holds and applies from its effective day.",
    )
    signature: NodeSignature | None = Field(
        default=None, description="The node's signature of that report, as received, or null."
    )
    signature_verified: bool = Field(
        default=False,
        description="The signature was checked against the hub's coalition directory and holds.",
    )


class NodeRead(BaseModel):
    """A country node: when it last reported, what its services run, how far behind it is."""

    code: str = Field(examples=["se"])
    name: str = Field(examples=["Sweden"])
    linked: bool = Field(description="Listed in the hub's nodes directory now.")
    connected: bool = Field(description="The hub's connection into its account is up.")
    last_report_at: datetime | None
    lag_seconds: float | None = Field(description="Seconds since its last report (any kind).")
    stale: bool
    source_lag: int | None = Field(
        description="Messages the hub's stream still has to copy from the node, if known."
    )
    refused: int = Field(description="Messages from its account the hub refused.")
    services: list[ServiceRead]


class SnapshotRead(AggregateSnapshotPublished):
    """One stored aggregate version, as the node published it (its ``signature`` too), with
    when the hub received it and whether that signature holds against the hub's directory."""

    received_at: datetime
    signature_verified: bool = Field(
        default=False,
        description="The node's signature was checked against the hub's coalition directory "
        "and holds: anyone with the directory can check it again from this body.",
    )


class CellTotal(BaseModel):
    """A coalition total of one cell key; incomplete when a node's cell is hidden or missing."""

    key: list[str]
    value: int | None = Field(description="Sum of the published counts (never a guess).")
    amount: Decimal | None = Field(description="Sum of the published money amounts.")
    incomplete: bool
    suppressed_nodes: list[str] = Field(description="Nodes whose cell is suppressed.")
    missing_nodes: list[str] = Field(description="Nodes whose table has no such cell.")


class AggregateTotal(BaseModel):
    """The coalition totals of one aggregate over the newest version from each node."""

    service: str
    aggregate: str
    measure: str
    dimensions: list[str]
    nodes: list[str]
    versions: dict[str, int] = Field(description="The version used from each node.")
    cells: list[CellTotal]
    margins: list[CellTotal]


class TargetResult(BaseModel):
    """A charter target measured on one aggregate's coalition totals."""

    indicator: str
    service: str
    aggregate: str
    dimension: str
    share: Decimal | None = Field(
        description="Null when incomplete or nothing counted. Judged per activity: the share "
        "of participants who were at an activity inside the band."
    )
    min_share: Decimal | None = Field(description="The floor.")
    aim_share: Decimal | None = Field(description="The aim.")
    max_share: Decimal | None = Field(description="The ceiling; null: none.")
    met: bool | None = Field(
        description="floor <= share (<= ceiling where there is one); judged per activity: "
        "every activity inside the band. Null when unknown."
    )
    aim_reached: bool | None = Field(
        description="share >= aim; null when unknown or the target has no aim."
    )
    judged: Literal["pooled", "per_activity"] = Field(
        default="pooled",
        description="`pooled`: the share of every participant of the aggregate across the "
        "coalition; `per_activity`: each event and programme judged on its own at its node "
        "(the hub holds aggregates only, never one event's count).",
    )
    incomplete: bool
    suppressed_nodes: list[str]


class CoalitionIndicators(BaseModel):
    """Coalition totals of one period and the charter's targets against them."""

    period: str
    charter_version: str
    aggregates: list[AggregateTotal]
    targets: list[TargetResult]


#: The charter's decimals, by part: documented as decimal strings (exact), so the API takes
#: them as strings only (a JSON number such as 0.1 may not be the decimal it looks like).
_DECIMALS: dict[str, tuple[str, ...]] = {
    "disclosure": ("dominance_k", "p_percent"),
    "targets": ("min_share", "aim_share", "max_share"),
    "secure": ("epsilon", "clip"),
}


def _number_at(data: Any) -> list[str | int] | None:
    """Where a JSON number stands for one of the charter's decimals, if anywhere."""
    for part, names in _DECIMALS.items():
        value = data.get(part)
        items = [(None, value)] if isinstance(value, dict) else list(enumerate(value or ()))
        for index, item in items:
            if not isinstance(item, dict):
                continue
            for name in names:
                if isinstance(item.get(name), int | float):
                    return [part, name] if index is None else [part, index, name]
    return None


class CharterUpdate(BaseModel):
    """A new charter: thresholds, targets and code lists (the hub assigns the revision)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("version")
    @classmethod
    def _not_default(cls, value: str) -> str:
        if value == DEFAULT_CHARTER.version:
            raise ValueError("'default' names the built-in charter")
        return value

    @model_validator(mode="before")
    @classmethod
    def _decimal_strings(cls, data: Any) -> Any:
        if isinstance(data, dict) and (where := _number_at(data)) is not None:
            raise ValueError(
                f'{".".join(map(str, where))}: a decimal string such as "0.5", not a number'
            )
        return data

    version: str = Field(
        pattern=CODE_PATTERN,
        description="A new version code (not `default`: the built-in charter's).",
        examples=["2026.1"],
        json_schema_extra={"not": {"const": "default"}},
    )
    effective: IsoDate = Field(
        description="The day from which it applies.", examples=["2027-01-01"]
    )
    disclosure: DisclosureRules
    targets: list[Target] = Field(default=[], max_length=100)
    code_lists: list[CodeList] = Field(
        default=[],
        max_length=100,
        description="Lists that replace the built-in list of their dimension; every other "
        "built-in list is kept (the hub refuses a snapshot code outside the charter's lists).",
    )
    secure: list[SecureTable] = Field(
        default=[],
        max_length=50,
        description="Tables computed by secure aggregation: no longer published per node "
        "(docs/secure-aggregation.md); special-category tables need an epsilon.",
    )
    signatures_required: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="m: how many member states must sign a charter or a decision while this "
        "one applies (this charter itself needs the larger of its m and the current one's); "
        "null: a simple majority of the directory's members.",
    )

    @model_validator(mode="after")
    def _unique(self) -> Self:
        for what, keys in (
            ("target indicator", [t.indicator for t in self.targets]),
            ("code list dimension", [c.dimension for c in self.code_lists]),
            ("secure table", [t.table for t in self.secure]),
        ):
            if len(set(keys)) != len(keys):
                raise inconsistent(f"a {what} appears twice")
        return self

    def merged_code_lists(self) -> list[CodeList]:
        """The built-in lists, each replaced by the one given for its dimension, then new ones."""
        given = {c.dimension: c for c in self.code_lists}
        built_in = [given.pop(c.dimension, c) for c in DEFAULT_CHARTER.code_lists]
        return [*built_in, *given.values()]


class OverlapRoundCreate(BaseModel):
    """An overlap round to run now: one quarter, one purpose, every ordered pair of countries."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(
        pattern=QUARTER_PATTERN, description="The quarter whose grants count.",
        examples=["2026-Q4"],
    )  # fmt: skip
    purpose: Purpose = Field(
        description="The grants' purpose code.", examples=["independent_media"]
    )


class OverlapRunRead(BaseModel):
    """One run of a started round: its id and the ordered pair (client learns, server answers)."""

    run_id: str
    client: str = Field(examples=["se"])
    server: str = Field(examples=["pl"])


class OverlapRoundAccepted(BaseModel):
    """A round started in the background; its outcomes appear under `GET /v1/overlaps`."""

    period: str
    purpose: str
    runs: list[OverlapRunRead]


class OverlapPairRead(BaseModel):
    """The newest outcome of one ordered pair: a count, or a decline code and by whom."""

    model_config = ConfigDict(from_attributes=True)

    run_id: str
    client: str = Field(description="The node that learned which of its grantees...")
    server: str = Field(description="...the other node funds too.")
    status: str = Field(description="`counted`, `declined`, `timeout` or `rate_limited`.")
    count: int | None = Field(description="How many of the client's grantees the server funds.")
    declined_by: str | None = Field(description="The node (or `hub`) that declined.")
    reason: str | None = Field(
        description="The decline code (`failed`: the hub could not run it, e.g. a country left "
        "mid-round), or the step that timed out."
    )
    at: datetime


class SignaturesRead(BaseModel):
    """Where the member states' signatures of a charter or decision stand.

    Example::

        {"kind": "charter", "digest": "9f2c…", "required": 2, "signers": ["se"],
         "shortfall": ["not_enough_signatures"], "signed": false, "signatures": [...]}
    """

    kind: str = Field(description="`charter` or `decision`.")
    digest: str = Field(description="SHA-256 (hex) of what is signed: compare it out of band.")
    required: int | None = Field(
        description="m: valid member signatures needed (null: the hub pinned no directory)."
    )
    signers: list[str] = Field(description="The members whose signature verifies.")
    shortfall: list[str] = Field(
        description="Why it is not signed yet (`unsigned`, `not_enough_signatures`, "
        "`bad_signature`, `non_member_signature`, `no_directory`); empty once signed."
    )
    signed: bool = Field(description="Whether m members signed it.")
    signatures: list[MemberSignature] = Field(description="Every signature relayed.")
