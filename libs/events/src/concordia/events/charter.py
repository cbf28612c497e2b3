"""The coalition's charter: thresholds, targets and code lists, set at the hub for every node.

The hub publishes the charter on ``hub.charter`` into every country account and re-sends it
until each service reports running it (``ServiceStatusReported``). ``disclosure_rules`` says
which thresholds a service applies.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from concordia.core.errors import inconsistent
from concordia.events._code_lists import BUILT_IN_CODE_LISTS
from concordia.events._model import SharedEvent
from concordia.events._types import Code
from concordia.events.signatures import CHARTER, MemberSignature


def _decimal_text(pattern: str, what: str) -> WithJsonSchema:
    # Documented as a decimal string (exact); JSON numbers are accepted too.
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": what})


#: Above 0, at most 2 decimals: an amount in EUR (the look-ahead refuses 0, as ``gt=0`` does).
_POSITIVE_EUR = r"^(?!0+(\.0+)?$)[0-9]{1,12}(\.[0-9]{1,2})?$"
#: Above 0 and at most 1, four decimals at most.
_POSITIVE_SHARE = r"^(?!0(\.0+)?$)(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$"

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
            raise inconsistent("a target needs min_share or max_share")
        given = [s for s in (self.min_share, self.aim_share, self.max_share) if s is not None]
        if given != sorted(given):
            raise inconsistent("a target needs min_share <= aim_share <= max_share")
        return self


class CodeList(BaseModel):
    """One code list of the charter: the codes a dimension may take.

    Example::

        CodeList(dimension="gender", codes=("female", "male", "other", "undisclosed"))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    dimension: Code = Field(description="The dimension.", examples=["gender"])
    codes: tuple[Code, ...] = Field(min_length=1, description="Its codes.")


class EvaluationRules(BaseModel):
    """The charter's evaluation settings (charter v2, additive: absent, these defaults apply).

    Example::

        EvaluationRules(rotation_max_consecutive=2, third_assessor_gap=2,
                        fragmentation_threshold_eur=Decimal(10000))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rotation_max_consecutive: int = Field(
        default=2, ge=1, le=12,
        description="Consecutive periods an evaluator may assess one organisation.",
    )  # fmt: skip
    third_assessor_gap: int = Field(
        default=2, ge=1, le=4,
        description="Two assessments further apart than this on any criterion call for a third.",
    )  # fmt: skip
    fragmentation_threshold_eur: Annotated[
        Decimal, _decimal_text(_POSITIVE_EUR, "An amount in EUR, e.g. `10000`.")
    ] = Field(
        default=Decimal(10000), gt=0, max_digits=14, decimal_places=2,
        description="A grant committed below this is 'spread too thin' (fragmentation).",
    )  # fmt: skip
    concentration_hhi_max: Annotated[
        Decimal, _decimal_text(_POSITIVE_SHARE, "A share, e.g. `0.25`.")
    ] = Field(
        default=Decimal("0.25"), gt=0, le=1,
        description="Funding more concentrated than this Herfindahl index raises an agenda item.",
    )  # fmt: skip
    fragmentation_share_max: Annotated[
        Decimal, _decimal_text(_POSITIVE_SHARE, "A share, e.g. `0.5`.")
    ] = Field(
        default=Decimal("0.5"), gt=0, le=1,
        description="A larger share of commitments below the fragmentation threshold raises "
        "an agenda item ('spread too thin').",
    )  # fmt: skip


#: A privacy-loss parameter: above 0, at most 10, four decimals at most.
Epsilon = Annotated[
    Decimal,
    _decimal_text(
        r"^(?!0(\.0+)?$)([0-9](\.[0-9]{1,4})?|10(\.0{1,4})?)$",
        "Epsilon per period, e.g. `1` or `0.5`.",
    ),
]

#: Dimensions of special-category data (GDPR art. 9): a table over one needs an epsilon.
SPECIAL_CATEGORY_DIMENSIONS = frozenset({"ethnic_origin", "vulnerability"})


class SecureTable(BaseModel):
    """A table the nodes compute by secure aggregation instead of publishing it per node.

    One channel per table: a table listed here is no longer published as a plain per-node
    snapshot (subtracting the other nodes' cells from the coalition total would recover the
    one a node suppressed). ``epsilon`` (per period) asks for differential-privacy noise; it is
    mandatory over a special-category dimension. ``stock``: the table describes a state (persons
    by permit status), so a later period's release is checked against earlier rosters.

    Example::

        SecureTable(table="participants_by_ethnic_origin", service="ledger",
                    dimension="ethnic_origin", measure="participants",
                    cells=("russian", "non_russian", "undisclosed"), epsilon=1.0)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    table: Code = Field(description="The aggregate's name.", examples=["participants_by_gender"])
    service: Code = Field(description="The service whose nodes hold it.", examples=["ledger"])
    dimension: Code = Field(description="Its one dimension.", examples=["gender"])
    measure: Code = Field(description="What its cells count.", examples=["participants"])
    cells: tuple[Code, ...] = Field(
        min_length=1, max_length=1000, description="The dimension's levels, in order, each once.",
        json_schema_extra={"uniqueItems": True},
    )  # fmt: skip
    epsilon: Epsilon | None = Field(
        default=None, gt=0, le=10, max_digits=6, decimal_places=4,
        description="Differential privacy: epsilon per period (0 < epsilon <= 10).",
        examples=["1"],
    )  # fmt: skip
    sensitivity: int = Field(
        default=1, ge=1, le=1_000_000, description="L1 bound of one person's contribution."
    )
    stock: bool = Field(default=False, description="A stock (state), not a flow, table.")
    clip: Annotated[
        Decimal, _decimal_text(_POSITIVE_EUR, "An amount in EUR, e.g. `250000`.")
    ] | None = Field(
        default=None, gt=0, max_digits=14, decimal_places=2,
        description="Money: each recipient's EUR in a cell counts at most this much, clipped at "
        "the node before masking (null: not clipped).",
    )  # fmt: skip

    @model_validator(mode="after")
    def _special_category(self) -> Self:
        if self.dimension in SPECIAL_CATEGORY_DIMENSIONS and self.epsilon is None:
            raise inconsistent(f"a table over {self.dimension} (special category) needs an epsilon")
        if len(set(self.cells)) != len(self.cells):
            raise ValueError("a cell appears twice")
        if self.clip is not None and not self.measure.startswith("eur_"):
            raise inconsistent("only a money table (an eur_ measure) is clipped per recipient")
        return self


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
    evaluation: EvaluationRules = Field(
        default_factory=EvaluationRules, description="The evaluation services' settings."
    )
    secure: tuple[SecureTable, ...] = Field(
        default=(), description="Tables computed by secure aggregation (one channel per table)."
    )
    signatures_required: int | None = Field(
        default=None, ge=1, le=64,
        description="m: how many member states must sign a charter (this one and the next) or a "
        "decision while it applies; null: a simple majority of the directory's members.",
    )  # fmt: skip
    signatures: tuple[MemberSignature, ...] = Field(
        default=(), max_length=64,
        description="The member states' signatures of this charter (everything but this list, "
        "kind `charter`); a node applies it only with m valid ones from its pinned directory.",
    )  # fmt: skip

    def signed_body(self) -> dict[str, Any]:
        """What the members sign (kind ``charter``): the charter without its signatures."""
        return self.model_dump(mode="json", exclude={"signatures"})

    def document(self) -> tuple[str, dict[str, Any]]:
        """The signed document's kind and body."""
        return CHARTER, self.signed_body()

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

    @classmethod
    def subject_template(cls) -> str:
        """``hub.charter``: one subject the hub sends into every country account."""
        return "hub.charter"

    def producer(self) -> str:
        """The hub."""
        return "hub"


#: The charter every node applies until the hub sends one (the coalition's defaults).
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


def disclosure_rules(
    charter: CharterPublished, *, k: int, rounding_base: int | None, k_min: int = 1
) -> DisclosureRules:
    """The rules a service applies: the hub's charter, or before any, its own ``k`` and rounding.

    A service's settings stand in for the built-in charter only (revision 0): once the hub sent
    one, its thresholds apply, but never a ``k`` under the node's own floor ``k_min``: a
    charter (or whoever could forge one) may tighten a node's protection, not loosen it below
    what the state that holds the records allows.

    Example::

        rules = disclosure_rules(follower.current, k=settings.disclosure_k, rounding_base=5,
                                 k_min=settings.disclosure_k_min)
    """
    rules = charter.disclosure
    if charter.revision == 0:
        rules = rules.model_copy(update={"k": k, "rounding_base": rounding_base})
    if rules.k < k_min:
        rules = rules.model_copy(update={"k": k_min})
    return rules
