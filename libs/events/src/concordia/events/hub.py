"""What nodes and the hub say to each other besides aggregates: status, charter, broadcasts.

All are shared models (codes and numbers only). A service reports its status on
``shared.<node>.<service>.status``; the hub publishes the charter on ``hub.charter`` into every
country account and re-sends it until each service reports running it. A node's broadcast
(``shared.<node>.broadcast.>``, e.g. ``PracticePublished``) is relayed by the hub to every other
country as ``hub.broadcast.<node>.>``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from concordia.events._code_lists import BUILT_IN_CODE_LISTS
from concordia.events._model import SharedEvent
from concordia.events._types import Code, SubjectToken


def _decimal_text(pattern: str, what: str) -> WithJsonSchema:
    # Documented as a decimal string (exact); JSON numbers are accepted too.
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": what})


#: More than 50 and at most 100, two decimals at most.
Above50Percent = Annotated[
    Decimal,
    _decimal_text(
        r"^(50\.(0[1-9]|[1-9][0-9]?)|5[1-9](\.[0-9]{1,2})?|[6-9][0-9](\.[0-9]{1,2})?|100(\.00?)?)$",
        "A percentage above 50 and at most 100, e.g. `85`.",
    ),
]
#: More than 0 and at most 100, two decimals at most.
Percent = Annotated[
    Decimal,
    _decimal_text(
        r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]?(\.[0-9]{1,2})?|100(\.00?)?)$",
        "A percentage above 0 and at most 100, e.g. `10`.",
    ),
]
#: From 0 to 1, four decimals at most.
Share = Annotated[
    Decimal,
    _decimal_text(r"^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$", "A share from 0 to 1, e.g. `0.5`."),
]


class CharterRefusal(BaseModel):
    """A charter a service refused because it loosens the node's own disclosure floors.

    Example::

        CharterRefusal(revision=4, version="2027.1", reasons=("k_below_floor",))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    revision: int = Field(ge=1, description="The refused charter's revision.")
    version: Code = Field(description="The refused charter's version.", examples=["2027.1"])
    reasons: tuple[Code, ...] = Field(
        min_length=1,
        description="Which floors it breaks: `k_below_floor`, `dominance_n_below_floor`, "
        "`dominance_k_above_ceiling`, `p_percent_below_floor`, `rounding_below_floor`.",
        examples=[["k_below_floor"]],
    )


class ServiceStatusReported(SharedEvent):
    """A service's heartbeat to the hub: the charter it runs and how far its outbox lags.

    Example::

        ServiceStatusReported(node="se", service="registry", charter_version="2026.1",
                              charter_revision=3, outbox_pending=0, sent_at=now)
    """

    event_name: ClassVar[str] = "service.status.reported"

    node: SubjectToken = Field(description="The reporting node.", examples=["se"])
    service: SubjectToken = Field(description="The reporting service.", examples=["registry"])
    charter_version: Code = Field(
        description="The charter version the service applies (`default` before any).",
        examples=["2026.1"],
    )
    charter_revision: int = Field(
        default=0, ge=0, description="The hub's revision number of that charter (0: built-in)."
    )
    outbox_pending: int = Field(
        ge=0,
        description="Shared events (subject `shared.…`) committed but not yet sent towards "
        "the hub; local events are not counted.",
        examples=[0],
    )
    sent_at: datetime = Field(description="When the service sent this report (UTC).")
    charter_refused: CharterRefusal | None = Field(
        default=None,
        description="The newest charter the service refused (it keeps running the one named "
        "above), or null.",
    )

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.{service}.status``: one subject per service, newest kept."""
        return "shared.{node}.{service}.status"

    def subject_params(self) -> dict[str, str]:
        """The reporting service."""
        return {"service": self.service}

    def producer(self) -> str:
        """The service named in the report."""
        return self.service

    def subject(self, node: str) -> str:
        """The report's subject; ``node`` must be the report's own node."""
        if node != self.node:
            raise ValueError(f"status of node {self.node!r} cannot be sent by {node!r}")
        return super().subject(node)


class PracticePublished(SharedEvent):
    """A best practice a node publishes for the whole coalition: its codes, never its text.

    The text stays in the node's exchange service; this tells the other nodes that a practice
    exists (topic, status, language, revision), so they can ask for it.

    Example::

        PracticePublished(node="se", practice="se-0042", revision=2, topic="work_permits",
                          status="pilot", language="en", published_at=now)
    """

    event_name: ClassVar[str] = "broadcast.practice.published"
    #: One subject per practice and revision: the node's outbound stream keeps each.
    once_per_subject: ClassVar[bool] = True

    node: SubjectToken = Field(description="The publishing node.", examples=["se"])
    practice: SubjectToken = Field(
        description="The practice's code at its node.", examples=["se-0042"]
    )
    revision: int = Field(ge=1, description="The practice's revision.", examples=[2])
    topic: Code = Field(description="The practice's topic code.", examples=["work_permits"])
    status: Literal["in_force", "pilot", "retired"] = Field(description="Its status.")
    language: Code = Field(description="Language of its text (BCP 47).", examples=["en"])
    published_at: datetime = Field(description="When the node published this revision (UTC).")

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.broadcast.practice.{practice}.r{revision}``."""
        return "shared.{node}.broadcast.practice.{practice}.r{revision}"

    def subject_params(self) -> dict[str, str]:
        """The practice and its revision."""
        return {"practice": self.practice, "revision": str(self.revision)}

    def producer(self) -> str:
        """The exchange service (best practices)."""
        return "exchange"

    def subject(self, node: str) -> str:
        """The practice's subject; ``node`` must be the practice's own node."""
        if node != self.node:
            raise ValueError(f"a practice of node {self.node!r} cannot be sent by {node!r}")
        return super().subject(node)


class DisclosureRules(BaseModel):
    """The charter's statistical disclosure control thresholds.

    Example::

        DisclosureRules(k=10, dominance_n=2, dominance_k=Decimal("85"), p_percent=Decimal("10"),
                        rounding_base=5)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    k: int = Field(ge=3, le=1000, description="Minimum persons in a published cell.", examples=[10])
    dominance_n: int = Field(
        ge=1, le=5, description="(n, k) dominance: the n largest contributors...", examples=[2]
    )
    dominance_k: Above50Percent = Field(
        gt=50, le=100, max_digits=5, decimal_places=2,
        description="...may hold at most k percent of a money sum.", examples=["85"],
    )  # fmt: skip
    p_percent: Percent = Field(
        gt=0, le=100, max_digits=5, decimal_places=2,
        description="p % rule: the second largest cannot estimate the largest within p %.",
        examples=["10"],
    )  # fmt: skip
    rounding_base: int | None = Field(
        ge=2, le=100, description="Round published counts to this base (null: no rounding).",
        examples=[5],
    )  # fmt: skip


class Target(BaseModel):
    """A coalition target: the share of some levels of one dimension, its floor, aim, ceiling.

    Met means floor <= share (<= ceiling where there is one); the aim is reported apart.

    Example::

        Target(indicator="women_share", dimension="gender", levels=("female", "women"),
               min_share=Decimal("0.40"), aim_share=Decimal("0.50"), max_share=Decimal("0.60"))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: Code = Field(description="The target's code.", examples=["women_share"])
    dimension: Code = Field(description="The dimension it is measured on.", examples=["gender"])
    levels: tuple[Code, ...] = Field(
        min_length=1, description="The levels whose share counts.", examples=[["female", "women"]]
    )
    min_share: Share | None = Field(
        default=None, ge=0, le=1, max_digits=5, decimal_places=4,
        description="The floor: lowest acceptable share (0..1).", examples=["0.4"],
    )  # fmt: skip
    aim_share: Share | None = Field(
        default=None, ge=0, le=1, max_digits=5, decimal_places=4,
        description="The aim (0..1): reported as reached or not, apart from `met`.",
        examples=["0.5"],
    )  # fmt: skip
    max_share: Share | None = Field(
        default=None, ge=0, le=1, max_digits=5, decimal_places=4,
        description="The ceiling: highest acceptable share (0..1); null: none.", examples=["0.6"],
    )  # fmt: skip

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if self.min_share is None and self.max_share is None:
            raise ValueError("a target needs min_share or max_share")
        given = [s for s in (self.min_share, self.aim_share, self.max_share) if s is not None]
        if given != sorted(given):
            raise ValueError("a target needs min_share <= aim_share <= max_share")
        return self


class CodeList(BaseModel):
    """One code list of the charter: the codes a dimension may take.

    Example::

        CodeList(dimension="gender", codes=("female", "male", "other", "undisclosed"))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    dimension: Code = Field(description="The dimension.", examples=["gender"])
    codes: tuple[Code, ...] = Field(min_length=1, description="Its codes.")


class CharterPublished(SharedEvent):
    """The coalition's charter as set at the hub: thresholds, targets and code lists.

    Version 2 (charter v2): targets have a floor, an aim and an optional ceiling; a node refuses
    a charter whose thresholds are looser than its own floors (``DisclosureFloors``). A v1
    service cannot read it and keeps its charter; the hub shows it running an older revision.

    Example::

        CharterPublished(version="2026.1", revision=1, effective=date(2027, 1, 1),
                         disclosure=DisclosureRules(...), targets=(...), code_lists=(...))
    """

    event_name: ClassVar[str] = "hub.charter.published"
    event_version: ClassVar[int] = 2

    version: Code = Field(description="The charter's version code.", examples=["2026.1"])
    revision: int = Field(ge=0, description="The hub's monotonic revision (0: built-in).")
    effective: date = Field(description="The day from which it applies.", examples=["2027-01-01"])
    disclosure: DisclosureRules
    targets: tuple[Target, ...] = Field(default=(), description="Coalition targets.")
    code_lists: tuple[CodeList, ...] = Field(default=(), description="Shared code lists.")

    @model_validator(mode="after")
    def _unique(self) -> Self:
        for what, keys in (
            ("target indicator", [t.indicator for t in self.targets]),
            ("code list dimension", [c.dimension for c in self.code_lists]),
        ):
            if len(set(keys)) != len(keys):
                raise ValueError(f"a {what} appears twice")
        return self

    @classmethod
    def subject_template(cls) -> str:
        """``hub.charter``: one subject the hub sends into every country account."""
        return "hub.charter"

    def producer(self) -> str:
        """The hub."""
        return "hub"


#: The charter every node applies until the hub sends one (DESIGN.md defaults).
DEFAULT_CHARTER = CharterPublished(
    version="default",
    revision=0,
    effective=date(2026, 1, 1),
    disclosure=DisclosureRules(
        k=10, dominance_n=2, dominance_k=Decimal(85), p_percent=Decimal(10), rounding_base=5
    ),
    targets=(
        # "Around half of the participants of all supported events and programs": a band.
        Target(
            indicator="women_share",
            dimension="gender",
            levels=("female", "women"),
            min_share=Decimal("0.40"),
            aim_share=Decimal("0.50"),
            max_share=Decimal("0.60"),
        ),
        # "At least 15-20 %": a floor and an aim, and no ceiling (more is never a miss).
        Target(
            indicator="non_russian_share",
            dimension="ethnic_origin",
            levels=("non_russian",),
            min_share=Decimal("0.15"),
            aim_share=Decimal("0.20"),
        ),
    ),
    code_lists=tuple(
        CodeList(dimension=dimension, codes=codes)
        for dimension, codes in BUILT_IN_CODE_LISTS.items()
    ),
)
