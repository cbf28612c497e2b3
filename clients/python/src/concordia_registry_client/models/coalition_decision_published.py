from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.coalition_decision_published_status import CoalitionDecisionPublishedStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.follow_up import FollowUp
    from ..models.member_signature import MemberSignature


T = TypeVar("T", bound="CoalitionDecisionPublished")


@_attrs_define
class CoalitionDecisionPublished:
    """One entry of the hub's decision log: a decision as it stands after its newest change.

    Example::

        CoalitionDecisionPublished(seq=7, previous=3, decision_id="d-1f2e", item_id="a-9c1d",
            title="Raise the non-Russian share", decided="...", rationale="...",
            concerns=("se",), status="taken", follow_ups=(...), decided_at=now)

        Attributes:
            seq (int): This entry's number in the hub's decision log.
            previous (int): The number of the previous entry concerning the receiving node (0: none).
            decision_id (str): The decision.
            item_id (str): The agenda item it closed.
            title (str): The agenda item's title.
            decided (str): What was decided.
            rationale (str): Why.
            status (CoalitionDecisionPublishedStatus): `pending_signatures` (awaiting m members' signatures of the decision
                and, for a charter change, of that charter); `in_force` (signed, and its charter revision adopted); `done`
                (every follow-up done); `taken` (an unsigned decision of an older hub).
            decided_at (datetime.datetime): When it was taken (UTC).
            period (None | str | Unset): The period it is about.
            concerns (list[str] | Unset): The nodes it concerns (empty: every node).
            due (datetime.date | None | Unset): By when it is to be carried out.
            charter_version (None | str | Unset): The charter version the decision adopts, if any.
            follow_ups (list[FollowUp] | Unset): Its follow-up actions.
            signatures (list[MemberSignature] | Unset): The member states' signatures of the decision (`signed_body`, kind
                `decision`); a node holds it as in force only with m valid ones.
    """

    seq: int
    previous: int
    decision_id: str
    item_id: str
    title: str
    decided: str
    rationale: str
    status: CoalitionDecisionPublishedStatus
    decided_at: datetime.datetime
    period: str | Unset | None = UNSET
    concerns: list[str] | Unset = UNSET
    due: datetime.date | Unset | None = UNSET
    charter_version: str | Unset | None = UNSET
    follow_ups: list[FollowUp] | Unset = UNSET
    signatures: list[MemberSignature] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        previous = self.previous

        decision_id = self.decision_id

        item_id = self.item_id

        title = self.title

        decided = self.decided

        rationale = self.rationale

        status = self.status.value

        decided_at = self.decided_at.isoformat()

        period: str | Unset | None
        if isinstance(self.period, Unset):
            period = UNSET
        else:
            period = self.period

        concerns: list[str] | Unset = UNSET
        if not isinstance(self.concerns, Unset):
            concerns = self.concerns

        due: str | Unset | None
        if isinstance(self.due, Unset):
            due = UNSET
        elif isinstance(self.due, datetime.date):
            due = self.due.isoformat()
        else:
            due = self.due

        charter_version: str | Unset | None
        if isinstance(self.charter_version, Unset):
            charter_version = UNSET
        else:
            charter_version = self.charter_version

        follow_ups: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.follow_ups, Unset):
            follow_ups = []
            for follow_ups_item_data in self.follow_ups:
                follow_ups_item = follow_ups_item_data.to_dict()
                follow_ups.append(follow_ups_item)

        signatures: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.signatures, Unset):
            signatures = []
            for signatures_item_data in self.signatures:
                signatures_item = signatures_item_data.to_dict()
                signatures.append(signatures_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "seq": seq,
                "previous": previous,
                "decision_id": decision_id,
                "item_id": item_id,
                "title": title,
                "decided": decided,
                "rationale": rationale,
                "status": status,
                "decided_at": decided_at,
            }
        )
        if period is not UNSET:
            field_dict["period"] = period
        if concerns is not UNSET:
            field_dict["concerns"] = concerns
        if due is not UNSET:
            field_dict["due"] = due
        if charter_version is not UNSET:
            field_dict["charter_version"] = charter_version
        if follow_ups is not UNSET:
            field_dict["follow_ups"] = follow_ups
        if signatures is not UNSET:
            field_dict["signatures"] = signatures

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.follow_up import FollowUp
        from ..models.member_signature import MemberSignature

        d = dict(src_dict)
        seq = d.pop("seq")

        previous = d.pop("previous")

        decision_id = d.pop("decision_id")

        item_id = d.pop("item_id")

        title = d.pop("title")

        decided = d.pop("decided")

        rationale = d.pop("rationale")

        status = CoalitionDecisionPublishedStatus(d.pop("status"))

        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        def _parse_period(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        period = _parse_period(d.pop("period", UNSET))

        concerns = cast(list[str], d.pop("concerns", UNSET))

        def _parse_due(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_type_0 = datetime.date.fromisoformat(data)

                return due_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        due = _parse_due(d.pop("due", UNSET))

        def _parse_charter_version(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        charter_version = _parse_charter_version(d.pop("charter_version", UNSET))

        _follow_ups = d.pop("follow_ups", UNSET)
        follow_ups: list[FollowUp] | Unset = UNSET
        if _follow_ups is not UNSET:
            follow_ups = []
            for follow_ups_item_data in _follow_ups:
                follow_ups_item = FollowUp.from_dict(follow_ups_item_data)

                follow_ups.append(follow_ups_item)

        _signatures = d.pop("signatures", UNSET)
        signatures: list[MemberSignature] | Unset = UNSET
        if _signatures is not UNSET:
            signatures = []
            for signatures_item_data in _signatures:
                signatures_item = MemberSignature.from_dict(signatures_item_data)

                signatures.append(signatures_item)

        coalition_decision_published = cls(
            seq=seq,
            previous=previous,
            decision_id=decision_id,
            item_id=item_id,
            title=title,
            decided=decided,
            rationale=rationale,
            status=status,
            decided_at=decided_at,
            period=period,
            concerns=concerns,
            due=due,
            charter_version=charter_version,
            follow_ups=follow_ups,
            signatures=signatures,
        )

        return coalition_decision_published
