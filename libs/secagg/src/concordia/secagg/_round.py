"""What a round is (its header), the signed log of releases, and every message of the protocol.

Every model is frozen and refuses unknown fields; bytes travel as base64 text, share values as
hexadecimal text. The header's digest (SHA-256 of its canonical JSON) binds every signature and
every derived key to one round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from concordia.secagg._signed import canonical, digest

NodeCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]
RoundId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{1,200}$")]
B64 = Annotated[str, Field(max_length=2_000_000, pattern=r"^[A-Za-z0-9+/]*={0,2}$")]
Phase = Literal["count", "sum"]


def _sorted_unique(nodes: tuple[str, ...]) -> tuple[str, ...]:
    if list(nodes) != sorted(set(nodes)):
        raise ValueError("must be sorted and without repeats")
    return nodes


NodeSet = Annotated[tuple[NodeCode, ...], AfterValidator(_sorted_unique)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Statement(_Frozen):
    """What every survivor signs in the consistency round, before anything is revealed.

    ``keys`` is the digest of the advertised keys the node saw, ``shared`` the nodes whose shares
    it received, ``survivors`` the nodes whose masked input the hub says arrived, ``prev`` the id
    of the last release of this table the node knows (a hash chain: the log is append-only).
    """

    round: RoundId
    header: Hex
    table: Name
    period: Name
    phase: Phase
    stock: bool
    epsilon: float | None
    threshold: int
    keys: Hex
    shared: NodeSet
    survivors: NodeSet
    prev: str = Field(pattern=r"^([0-9a-f]{64})?$")

    def to_bytes(self) -> bytes:
        return canonical({"kind": "concordia.secagg.statement", **self.model_dump(mode="json")})

    @property
    def id(self) -> str:
        return digest(self.model_dump(mode="json"))


class Release(_Frozen):
    """One entry of the append-only log of releases: a statement and its signers' signatures."""

    statement: Statement
    signatures: dict[NodeCode, B64]

    @property
    def id(self) -> str:
        return self.statement.id


class RoundHeader(_Frozen):
    """The hub's announcement of a round: what is summed, by whom, until when.

    ``bound`` caps one node's value in one cell (values are clipped to ``[0, bound]`` before
    masking); ``epsilon`` (per period, with ``sensitivity``) asks every node for its share of the
    differential-privacy noise, calibrated to survive ``colluders`` nodes that know their own
    noise; ``history`` is the log of this table's past releases.
    """

    round: RoundId
    table: Name
    period: Name
    phase: Phase
    cells: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = Field(
        min_length=1, max_length=100_000
    )
    roster: NodeSet
    threshold: int = Field(ge=2)
    expires_at: datetime
    bound: int = Field(ge=1, le=2**40)
    epsilon: float | None = Field(default=None, gt=0, le=20)
    sensitivity: int = Field(default=1, ge=1, le=2**40)
    stock: bool = False
    colluders: int = Field(default=0, ge=0)
    min_contributors: int = Field(default=3, ge=1)
    history: tuple[Release, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> RoundHeader:
        if self.threshold > len(self.roster):
            raise ValueError("threshold above the roster's size")
        if self.colluders >= self.threshold:
            raise ValueError("colluders must be fewer than the threshold")
        if len(set(self.cells)) != len(self.cells):
            raise ValueError("cells repeat")
        if self.expires_at.tzinfo is None:
            raise ValueError("expires_at needs a time zone")
        return self

    @property
    def digest(self) -> str:
        return digest(self.model_dump(mode="json"))

    def index(self, node: str) -> int:
        """The node's Shamir share point: its place in the roster, from 1."""
        return self.roster.index(node) + 1


class Advertisement(_Frozen):
    """Step 1, node → hub: this round's two X25519 public keys, signed with the node's key."""

    node: NodeCode
    round: RoundId
    header: Hex
    c_public: B64
    s_public: B64
    signature: B64

    def signed_part(self) -> bytes:
        return advert_bytes(self.node, self.round, self.header, self.c_public, self.s_public)


def advert_bytes(node: str, round_id: str, header: str, c_public: str, s_public: str) -> bytes:
    return canonical(
        {
            "kind": "concordia.secagg.advertise",
            "node": node,
            "round": round_id,
            "header": header,
            "c": c_public,
            "s": s_public,
        }
    )


class ShareKeysRequest(_Frozen):
    """Step 2, hub → node: every advertisement the hub received (the set U1)."""

    round: RoundId
    adverts: tuple[Advertisement, ...]


class EncryptedShares(_Frozen):
    """Step 2, node → hub: the node's shares for each other node, each sealed for its recipient."""

    node: NodeCode
    round: RoundId
    ciphertexts: dict[NodeCode, B64]


class MaskedInputRequest(_Frozen):
    """Step 3, hub → node: the sealed shares addressed to this node (their senders are U2)."""

    round: RoundId
    ciphertexts: dict[NodeCode, B64]


class MaskedInput(_Frozen):
    """Step 3, node → hub: the node's vector plus its masks, mod 2^64 (little-endian u64)."""

    node: NodeCode
    round: RoundId
    vector: B64


class ConsistencyRequest(_Frozen):
    """Step 4, hub → node: the nodes whose masked input arrived (U3)."""

    round: RoundId
    survivors: NodeSet


class ConsistencySignature(_Frozen):
    """Step 4, node → hub: the node's signature of the :class:`Statement` it saw."""

    node: NodeCode
    round: RoundId
    signature: B64


class UnmaskRequest(_Frozen):
    """Step 5, hub → node: every survivor's signature (U4); each must verify over one statement."""

    round: RoundId
    signatures: dict[NodeCode, B64]


class UnmaskShares(_Frozen):
    """Step 5, node → hub: self-mask shares of survivors, key shares of the dropped, never both."""

    node: NodeCode
    round: RoundId
    self_shares: dict[NodeCode, Hex]
    key_shares: dict[NodeCode, Hex]


class Refusal(_Frozen):
    """A node's refusal of a step: a code, never a value."""

    node: NodeCode
    round: str
    code: str
    detail: str = ""


STEPS = ("advertise", "share", "mask", "check", "unmask")

Request = RoundHeader | ShareKeysRequest | MaskedInputRequest | ConsistencyRequest | UnmaskRequest
Response = Advertisement | EncryptedShares | MaskedInput | ConsistencySignature | UnmaskShares

REQUESTS: dict[str, type[BaseModel]] = {
    "advertise": RoundHeader,
    "share": ShareKeysRequest,
    "mask": MaskedInputRequest,
    "check": ConsistencyRequest,
    "unmask": UnmaskRequest,
}
RESPONSES: dict[str, type[BaseModel]] = {
    "advertise": Advertisement,
    "share": EncryptedShares,
    "mask": MaskedInput,
    "check": ConsistencySignature,
    "unmask": UnmaskShares,
}


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
