"""The coordination group's workspace on the dashboard: commitments, agenda, decisions.

The same records the workspace API serves (``/v1/commitments``, ``/v1/agenda``,
``/v1/decisions``), read by the same functions, as pages with their CSV downloads: every
commitment with its status against the aggregates (and the versions it was read from), every
agenda item with the evidence that raised it and its discussion, every decision with where its
member signatures stand, its follow-ups and the log the nodes follow. Whoever may read the
workspace through the API may read these pages (``hub:read``, ``hub:member``, ``hub:advise``,
``hub:admin``); any other token gets 403 and none of it.

The forms record what the API records, by the same functions and rules: a member's
representative records a commitment; members and the operator add items and decide; experts
comment and propose objectives, never decide; a follow-up's actor (or the operator) reports it
done. Each form carries the CSRF token (double submit, ``Pages.csrf_ok``); a refusal names its
reasons and changes nothing; a success answers 303 to the page that shows the record.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.core.deps import SessionDep
from concordia.core.errors import DomainError
from concordia.hub.api.deps import DirectoryDep, FederationDep
from concordia.hub.dashboard import (
    DISTRICT_TABLE,
    FUNDING_DIMENSIONS,
    MEASURES,
    MOUNT,
    PAGES,
    READ,
    WORKSPACE,
)
from concordia.hub.models import AgendaItem, Commitment, Decision, DecisionLogEntry
from concordia.hub.workspace import agenda, commitments, decisions, delivery, members
from concordia.hub.workspace.members import ForbiddenError
from concordia.hub.workspace.schemas import (
    AgendaItemCreate,
    AgendaItemRead,
    CommentCreate,
    CommitmentCreate,
    CommitmentRead,
    DecisionCreate,
    DecisionRead,
)
from concordia.identity import Directory
from concordia.kit import runtime
from concordia.web.pages import Lang, View
from concordia.web.tables import Column, Section, Table

#: The most rows a page lists (as the API's largest page).
LIMIT = 1000
COMMITMENT_STATUSES = ("met", "on_track", "behind", "unknown")
ITEM_STATUSES = ("open", "decided")
DECISION_STATUSES = ("taken", "pending_signatures", "in_force", "done")

router = APIRouter(include_in_schema=False)
#: A filter left at "all" sends an empty value.
PeriodFilter = Annotated[str, Query(pattern=r"^((19|20)\d{2}-Q[1-4])?$")]
MemberFilter = Annotated[str, Query(pattern=r"^(state:[a-z]{2}|donor:[a-z0-9][a-z0-9._-]{0,62})?$")]
CommitmentStatusFilter = Annotated[str, Query(pattern=r"^(met|on_track|behind|unknown)?$")]
ItemStatusFilter = Annotated[str, Query(pattern=r"^(open|decided)?$")]
KindFilter = Annotated[str, Query(pattern=r"^[a-z_]{0,32}$")]
DecisionStatusFilter = Annotated[str, Query(pattern=r"^(taken|pending_signatures|in_force|done)?$")]
NodeFilter = Annotated[str, Query(pattern=r"^([a-z]{2})?$")]
Id = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]


def _filter(name: str, label: str, options: Sequence[str], chosen: str) -> dict[str, Any]:
    """A select of the filter form: its values are data (codes), "all" is words."""
    return {"name": name, "label": label, "options": list(options), "chosen": chosen}


def _listing(
    view: View, heading: str, sections: list[Section], filters: list[dict[str, Any]],
    form: str | None = None, *, for_roles: Collection[str] = (),
) -> Response:  # fmt: skip
    """A list page of the workspace (``workspace.html``): its filters, its sections and, for a
    reader in one of ``for_roles``, the ``form`` that adds to the list."""
    shown = form is not None and _role(view.reader) in for_roles
    return view.render(
        heading=heading, sections=sections, template="workspace.html", filters=filters,
        forms=[form] if shown else [],
    )  # fmt: skip


def evidence_text(evidence: Mapping[str, Any]) -> str:
    """An item's evidence on one line, as the workspace holds it (``versions: pl 1, se 2``)."""
    parts = []
    for key, value in evidence.items():
        if isinstance(value, Mapping):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value) or "-"
        elif value is None:
            value = "-"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _commitment_row(c: CommitmentRead) -> dict[str, Any]:
    p = c.progress
    return {
        "member": c.member, "kind": c.kind, "period": c.period, "node": c.node,
        "measure": c.measure,
        "pledge": None if c.dimension is None else f"{c.dimension}: {c.level}",
        "target": c.target, "actual": None if p is None else p.actual,
        "expected": None if p is None else p.expected, "status": None if p is None else p.status,
        "reason": None if p is None else p.reason,
        "evidence": None if p is None else evidence_text(p.evidence),
        "withdrawn": c.withdrawn, "revision": c.revision, "updated": c.updated_at,
        "note": c.note,
    }  # fmt: skip


def _commitments_table(lang: Lang, rows: list[dict[str, Any]], empty: str) -> Table:
    _ = lang.gettext
    return Table(
        id="commitments", caption=_("Commitments, newest period first"), columns=[
            Column("member", _("Member")), Column("kind", _("Kind")),
            Column("period", _("Period")), Column("node", _("Tracked at node")),
            Column("measure", _("Measure")), Column("pledge", _("Pledged for")),
            Column("target", _("Target"), True), Column("actual", _("Actual"), True),
            Column("expected", _("Due by now"), True), Column("status", _("Status")),
            Column("reason", _("Why unknown")), Column("evidence", _("Read from")),
            Column("withdrawn", _("Withdrawn")), Column("revision", _("Revision"), True),
            Column("updated", _("Changed")), Column("note", _("Note")),
        ], rows=rows, empty=empty,
    )  # fmt: skip


@router.get(f"{MOUNT}/commitments")
@PAGES.page(WORKSPACE)
async def commitments_page(
    view: View, session: SessionDep, period: PeriodFilter = "", member: MemberFilter = "",
    status: CommitmentStatusFilter = "",
) -> Response:  # fmt: skip
    """Commitments and their status against the aggregates; by period, member and status."""
    lang = view.lang
    _ = lang.gettext
    found = await commitments.listed(
        session, period=period or None, member=member or None, limit=LIMIT
    )
    shown = [c for c in found if not status or (c.progress and c.progress.status == status)]
    periods = sorted(set(await session.scalars(select(Commitment.period).distinct())))
    members = sorted(set(await session.scalars(select(Commitment.member).distinct())))
    filtered = bool(period or member or status)
    section = Section(
        id="commitments", title=_("Commitments and their status"),
        note=_("Each commitment is tracked against the aggregates its node publishes (a donor's "
               "without a node, against the coalition's totals). Status: met, the target is "
               "reached; on_track, at least the share of the period gone by is; behind, less; "
               "unknown, a cell it needs is suppressed or not published (never guessed)."),
        tables=[_commitments_table(lang, [_commitment_row(c) for c in shown],
                                   _("no commitment matches.") if filtered
                                   else _("no member has recorded a commitment yet."))],
    )  # fmt: skip
    return _listing(view, _("Commitments"), [section], [
        _filter("period", _("Period"), periods[::-1], period),
        _filter("member", _("Member"), members, member),
        _filter("status", _("Status"), COMMITMENT_STATUSES, status),
    ], "_commitment_form.html", for_roles=("member",))  # fmt: skip


def _item_row(item: AgendaItemRead) -> dict[str, Any]:
    return {
        "title": item.title, "href": f"{MOUNT}/agenda/{item.id}", "kind": item.kind,
        "period": item.period, "status": item.status, "raised_by": item.raised_by,
        "raised_at": item.raised_at, "evidence": evidence_text(item.evidence) or None,
        "comments": len(item.comments),
        "decision": None if item.decision is None else item.decision.decided,
        "decision_href": None if item.decision is None
        else f"{MOUNT}/decisions/{item.decision.id}",
    }  # fmt: skip


@router.get(f"{MOUNT}/agenda")
@PAGES.page(WORKSPACE)
async def agenda_page(
    view: View, session: SessionDep, status: ItemStatusFilter = "", kind: KindFilter = ""
) -> Response:
    """Agenda items, newest first, each with the evidence behind it; by status and kind."""
    lang = view.lang
    _ = lang.gettext
    items = await agenda.listed(session, status=status or None, kind=kind or None, limit=LIMIT)
    kinds = sorted(set(await session.scalars(select(AgendaItem.kind).distinct())))
    section = Section(
        id="agenda", title=_("The agenda"),
        note=_("Items the hub raised from what it sees (one per signal, with the aggregate "
               "versions and values behind it as evidence), and items members added."),
        tables=[Table(
            id="agenda", caption=_("Agenda items, newest first"), columns=[
                Column("title", _("Item"), link="href"), Column("kind", _("Raised by signal")),
                Column("period", _("Period")), Column("status", _("Status")),
                Column("raised_by", _("Raised by")), Column("raised_at", _("Raised")),
                Column("evidence", _("Evidence")), Column("comments", _("Comments"), True),
                Column("decision", _("Decision"), link="decision_href"),
            ], rows=[_item_row(i) for i in items],
            empty=_("no item matches.") if status or kind else _("the agenda is empty."),
        )],
    )  # fmt: skip
    return _listing(view, _("Agenda"), [section], [
        _filter("status", _("Status"), ITEM_STATUSES, status),
        _filter("kind", _("Kind"), kinds, kind),
    ], "_agenda_form.html", for_roles=("member", "admin"))  # fmt: skip


@router.get(f"{MOUNT}/agenda/{{item_id}}")
@PAGES.page(WORKSPACE)
async def agenda_item_page(view: View, session: SessionDep, item_id: Id) -> Response:
    """One agenda item: its evidence, its discussion and the decision that closed it."""
    lang = view.lang
    _ = lang.gettext
    if await session.get(AgendaItem, item_id) is None:
        return view.not_found(_("The workspace holds no agenda item with this id."))
    item = await agenda.read(session, item_id)
    evidence = Table(
        id="evidence", caption=_("Evidence"),
        columns=[Column("name", _("What")), Column("value", _("Value"), link="href")],
        rows=[{"name": k, "value": evidence_text({k: v}).partition(": ")[2],
               "href": await _evidence_link(session, view.reader, item, k, v)}
              for k, v in item.evidence.items()],
        empty=_("this item carries no evidence."),
        note=_("Where the dashboard shows what a value names (a table, a node, a commitment), "
               "the value links to it."),
    )  # fmt: skip
    comments = Table(
        id="comments", caption=_("Discussion, oldest first"), columns=[
            Column("at", _("When")), Column("author", _("Author")), Column("role", _("Role")),
            Column("kind", _("Kind")), Column("body", _("Comment")),
        ], rows=[{"at": c.at, "author": c.author, "role": c.role, "kind": c.kind,
                  "body": c.body} for c in item.comments],
        empty=_("nobody has commented yet."),
    )  # fmt: skip
    sections = [
        Section(id="evidence", title=_("Evidence"), tables=[evidence]),
        Section(id="discussion", title=_("Discussion"), tables=[comments]),
    ]
    return view.render(
        heading=item.title, heading_data=True, sections=sections,
        template="workspace_item.html", item=item, role=_role(view.reader),
    )  # fmt: skip


#: Tables the overview shows, by name: the funding tables and the districts.
_OVERVIEW_TABLES = {
    f"{measure}_eur_by_{dimension}": f"table-{measure}_eur_by_{dimension}"
    for measure in MEASURES for dimension in FUNDING_DIMENSIONS
} | {DISTRICT_TABLE: "table-districts"}  # fmt: skip


async def _evidence_link(
    session: AsyncSession, reader: Any, item: AgendaItemRead, key: str, value: Any
) -> str | None:
    """The dashboard page showing what an evidence value names, if the reader may read it."""
    period = item.evidence.get("period") or item.period
    period = period if isinstance(period, str) else None
    if key == "commitment_id" and isinstance(value, str):
        found = await session.get(Commitment, value)
        if found is None:
            return None
        return f"{MOUNT}/commitments?" + urlencode({"period": found.period, "member": found.member})
    if not reader.scopes & READ:
        return None
    if key == "node" and isinstance(value, str):
        return f"{MOUNT}/nodes"
    if key == "aggregate" and isinstance(value, str) and value in _OVERVIEW_TABLES and period:
        return f"{MOUNT}?{urlencode({'period': period})}#{_OVERVIEW_TABLES[value]}"
    if key == "purpose" and item.kind == "overlaps_rising" and period:
        return f"{MOUNT}/overlaps?{urlencode({'period': period})}"
    return None


async def _signature_state(
    session: AsyncSession, directory: Directory | None, decision_id: str
) -> dict[str, Any]:
    state = await decisions.signature_status(
        session, await decisions.get(session, decision_id), directory
    )
    return {
        "signers": ", ".join(state.signers) or None, "required": state.required,
        "signed": state.signed, "shortfall": ", ".join(state.shortfall) or None,
        "digest": state.digest, "relayed": [s.signer for s in state.signatures],
    }  # fmt: skip


def _follow_up_rows(found: Sequence[DecisionRead]) -> list[dict[str, Any]]:
    return [
        {"decision": d.decided, "href": f"{MOUNT}/decisions/{d.id}", "number": f.number,
         "action": f.action, "actor": f.actor, "due": f.due, "done_at": f.done_at,
         "done_by": f.done_by}
        for d in found for f in d.follow_ups
    ]  # fmt: skip


def _follow_up_columns(lang: Lang, *, titled: bool) -> list[Column]:
    _ = lang.gettext
    first = [Column("decision", _("Decision"), link="href")] if titled else []
    return [
        *first, Column("number", _("Number"), True), Column("action", _("Action")),
        Column("actor", _("Who acts")), Column("due", _("Due")), Column("done_at", _("Done")),
        Column("done_by", _("Reported by")),
    ]  # fmt: skip


@router.get(f"{MOUNT}/decisions")
@PAGES.page(WORKSPACE)
async def decisions_page(
    view: View, session: SessionDep, directory: DirectoryDep,
    status: DecisionStatusFilter = "", node: NodeFilter = "",
) -> Response:  # fmt: skip
    """Decisions, newest first, with their signature state and follow-ups; by status and node."""
    lang = view.lang
    _ = lang.gettext
    found = await decisions.listed(session, status=status or None, node=node or None, limit=LIMIT)
    rows = []
    for d in found:
        state = await _signature_state(session, directory, d.id)
        rows.append({
            "decided": d.decided, "href": f"{MOUNT}/decisions/{d.id}", "item": d.title,
            "period": d.period, "concerns": ", ".join(d.concerns) or _("every node"),
            "status": d.status, "signers": state["signers"], "required": state["required"],
            "charter": d.charter_version, "due": d.due, "decided_by": d.decided_by,
            "decided_at": d.decided_at,
            "open": sum(1 for f in d.follow_ups if f.done_at is None),
            "follow_ups": len(d.follow_ups),
        })  # fmt: skip
    concerned = sorted({n for row in await session.scalars(select(Decision.concerns))
                        for n in row or ()})  # fmt: skip
    filtered = bool(status or node)
    sections = [
        Section(id="decisions", title=_("Decisions"), note=_(
            "A decision is pending until enough member states have signed it with their node "
            "keys (and the charter revision it adopts, if any, is adopted); then it is in force, "
            "and done once every follow-up is reported done. Signed by: the members whose "
            "signature verifies against the hub's directory."
        ), tables=[Table(id="decisions", caption=_("Decisions, newest first"), columns=[
            Column("decided", _("Decision"), link="href"), Column("item", _("Agenda item")),
            Column("period", _("Period")), Column("concerns", _("Concerns")),
            Column("status", _("Status")), Column("signers", _("Signed by")),
            Column("required", _("Signatures required"), True),
            Column("charter", _("Charter adopted")), Column("due", _("Due")),
            Column("decided_by", _("Recorded by")), Column("decided_at", _("Decided")),
            Column("open", _("Open follow-ups"), True),
            Column("follow_ups", _("Follow-ups"), True),
        ], rows=rows, empty=_("no decision matches.") if filtered
            else _("the group has taken no decision yet."))]),
        Section(id="follow-ups", title=_("Follow-up"), tables=[Table(
            id="follow_ups", caption=_("Follow-up actions of these decisions"),
            columns=_follow_up_columns(lang, titled=True),
            rows=_follow_up_rows(found),
            empty=_("these decisions have no follow-up action."),
        )]),
    ]  # fmt: skip
    return _listing(view, _("Decisions"), sections, [
        _filter("status", _("Status"), DECISION_STATUSES, status),
        _filter("node", _("Concerns node"), concerned, node),
    ])  # fmt: skip


@router.get(f"{MOUNT}/decisions/{{decision_id}}")
@PAGES.page(WORKSPACE)
async def decision_page(
    view: View, session: SessionDep, directory: DirectoryDep, decision_id: Id
) -> Response:
    """One decision: what and why, where its signatures stand, its follow-ups, its log."""
    lang = view.lang
    _ = lang.gettext
    if await session.get(Decision, decision_id) is None:
        return view.not_found(_("The workspace holds no decision with this id."))
    decision = await decisions.one(session, decision_id)
    state = await _signature_state(session, directory, decision_id)
    valid = set((state["signers"] or "").split(", "))
    signatures = Table(
        id="signatures", caption=_("Signatures relayed"), columns=[
            Column("signer", _("Member state")), Column("valid", _("Verifies")),
            Column("key", _("Key")),
        ], rows=[{"signer": s.signer, "valid": s.signer in valid, "key": s.key}
                 for s in decision.signatures],
        empty=_("no member state has signed yet."),
    )  # fmt: skip
    entries = await session.scalars(
        select(DecisionLogEntry).where(DecisionLogEntry.decision_id == decision_id)
        .order_by(DecisionLogEntry.seq)
    )  # fmt: skip
    log = Table(
        id="log", caption=_("The decision log, oldest first"), columns=[
            Column("seq", _("Entry"), True), Column("at", _("When")),
            Column("status", _("Status")), Column("signatures", _("Signatures"), True),
            Column("done", _("Follow-ups done"), True), Column("concerns", _("Sent to")),
        ], rows=[{
            "seq": e.seq, "at": e.at, "status": e.payload.get("status"),
            "signatures": len(e.payload.get("signatures") or ()),
            "done": sum(1 for f in e.payload.get("follow_ups") or () if f.get("done_at")),
            "concerns": ", ".join(e.concerns) or _("every node"),
        } for e in entries], empty=_("nothing logged yet."),
    )  # fmt: skip
    sections = [
        Section(id="signatures", title=_("Signatures"), tables=[signatures]),
        Section(id="follow-ups", title=_("Follow-up"), tables=[Table(
            id="follow_ups", caption=_("Follow-up actions"),
            columns=_follow_up_columns(lang, titled=False),
            rows=_follow_up_rows([decision]),
            empty=_("this decision has no follow-up action."),
        )]),
        Section(id="log", title=_("Decision log"), note=_(
            "The decision as it stood after each change, as the hub sends it to the nodes it "
            "concerns."), tables=[log]),
    ]  # fmt: skip
    return view.render(
        heading=decision.decided, heading_data=True, sections=sections,
        template="workspace_decision.html", decision=decision, state=state,
        concerns=", ".join(decision.concerns), reportable=_reportable(view.reader, decision),
    )  # fmt: skip


def _reportable(reader: Any, decision: DecisionRead) -> list[Any]:
    """The open follow-ups the reader may report done: its own, or any for the operator."""
    role = _role(reader)
    if role not in ("member", "admin"):
        return []
    actor = members.actor_of(reader)
    return [f for f in decision.follow_ups
            if f.done_at is None and (role == "admin" or f.actor == actor)]  # fmt: skip


__all__ = ["evidence_text", "router"]


# --- forms: the group records its work (the same rules as the API) ------------------------------


def _role(principal: Any) -> str | None:
    try:
        return members.role_of(principal)
    except ForbiddenError:
        return None


async def _form(request: Request) -> dict[str, str]:
    """The form's fields as text (a file field is no text: refused as empty)."""
    return {k: v if isinstance(v, str) else "" for k, v in (await request.form()).items()}


def _refused(
    request: Request, reader: Any, status: int, reasons: Sequence[str], back: str
) -> Response:
    _ = PAGES.lang(request).gettext
    return PAGES.render(
        request, reader, heading=_("Not recorded"), sections=[], status=status,
        template="workspace_refused.html", reasons=list(reasons), back=back,
        message=_("The workspace did not record this. Nothing was changed."),
    )  # fmt: skip


def _invalid(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc'] if not isinstance(p, int)) or 'form'}: {e['msg']}"
        for e in error.errors()
    ]


async def _write(
    request: Request, scopes: frozenset[str], action: Any, done: Callable[[Any], str], back: str
) -> Response:
    """Check the reader, the CSRF field and the scopes; run ``action(principal, form, db)``;
    303 to ``done(result)``, or the refusal with its reasons (and a link ``back``)."""
    reader = PAGES.guard(request, scopes)
    if isinstance(reader, Response):
        return reader
    form = await _form(request)
    if not PAGES.csrf_ok(request, form.get("csrf", "")):
        _ = PAGES.lang(request).gettext
        return _refused(request, reader, 403, [_("The form expired. Please try again.")], back)
    try:
        result = await action(reader, form, runtime(request).db)
    except ValidationError as error:
        return _refused(request, reader, 422, _invalid(error), back)
    except DomainError as error:
        return _refused(request, reader, error.status, [error.detail], back)
    return RedirectResponse(done(result), status_code=303)


def _text(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


@router.post(f"{MOUNT}/commitments")
async def record_commitment(request: Request) -> Response:
    """A member's representative records a commitment (as ``POST /v1/commitments``)."""

    async def action(reader: Any, form: Mapping[str, str], db: Database) -> Any:
        member = members.member_of(reader)
        kind = form.get("kind", "")
        body: dict[str, Any] = {"kind": kind, "period": form.get("period", "").strip(),
                                "target": form.get("target", "").strip()}  # fmt: skip
        for name in ("node", "note"):
            if _text(form, name):
                body[name] = _text(form, name)
        if kind != "permits" and _text(form, "measure"):
            body["measure"] = _text(form, "measure")
        if kind == "funding" and _text(form, "dimension"):
            body["pledge"] = {"dimension": _text(form, "dimension"), "level": _text(form, "level")}
        data = TypeAdapter(CommitmentCreate).validate_python(body)
        async with db.unit_of_work() as session:
            return await commitments.create(session, member, data)

    return await _write(
        request, frozenset({"hub:member"}), action,
        lambda made: f"{MOUNT}/commitments?period={made.period}", f"{MOUNT}/commitments",
    )  # fmt: skip


@router.post(f"{MOUNT}/agenda")
async def add_item(request: Request) -> Response:
    """A member (or the operator) adds an item to the agenda (as ``POST /v1/agenda``)."""

    async def action(reader: Any, form: Mapping[str, str], db: Database) -> Any:
        data = AgendaItemCreate.model_validate({
            "title": form.get("title", "").strip(), "period": _text(form, "period"),
            "description": _text(form, "description"),
        })  # fmt: skip
        actor = members.actor_of(reader)
        async with db.unit_of_work() as session:
            return await agenda.add(session, actor, data)

    return await _write(
        request, frozenset({"hub:member", "hub:admin"}), action,
        lambda item: f"{MOUNT}/agenda/{item.id}", f"{MOUNT}/agenda",
    )  # fmt: skip


@router.post(f"{MOUNT}/agenda/{{item_id}}/comments")
async def comment_item(request: Request, item_id: Id) -> Response:
    """Members, experts and the operator discuss an open item; experts may propose an
    objective (as ``POST /v1/agenda/{id}/comments``)."""

    async def action(reader: Any, form: Mapping[str, str], db: Database) -> Any:
        data = CommentCreate.model_validate(
            {"body": form.get("body", "").strip(), "kind": form.get("kind") or "comment"}
        )
        async with db.unit_of_work() as session:
            return await agenda.comment(
                session, item_id, members.actor_of(reader), members.role_of(reader), data
            )

    return await _write(
        request, frozenset({"hub:member", "hub:advise", "hub:admin"}), action,
        lambda _made: f"{MOUNT}/agenda/{item_id}#discussion", f"{MOUNT}/agenda/{item_id}",
    )  # fmt: skip


@router.post(f"{MOUNT}/agenda/{{item_id}}/decision")
async def decide_item(request: Request, item_id: Id, federation: FederationDep) -> Response:
    """A member closes an item with a decision and at most one follow-up (the API takes
    more); it waits for the member states' signatures (as ``POST /v1/agenda/{id}/decision``)."""

    async def action(reader: Any, form: Mapping[str, str], db: Database) -> Any:
        by = members.may_decide(reader)
        follow_ups = []
        if _text(form, "action"):
            follow_ups.append({"action": _text(form, "action"), "actor": _text(form, "actor"),
                               "due": _text(form, "follow_up_due")})  # fmt: skip
        data = DecisionCreate.model_validate({
            "decided": form.get("decided", "").strip(),
            "rationale": form.get("rationale", "").strip(),
            "concerns": [c for c in form.get("concerns", "").replace(",", " ").split() if c],
            "due": _text(form, "due"), "follow_ups": follow_ups,
        })  # fmt: skip
        async with db.unit_of_work() as session:
            made = await decisions.take(session, item_id, by, data)
        await delivery.push(db, federation)
        return made

    return await _write(
        request, frozenset({"hub:member", "hub:admin"}), action,
        lambda made: f"{MOUNT}/decisions/{made.id}", f"{MOUNT}/agenda/{item_id}",
    )  # fmt: skip


@router.post(f"{MOUNT}/decisions/{{decision_id}}/follow-ups/{{number}}/done")
async def report_done(
    request: Request, decision_id: Id, number: Annotated[int, Path(ge=1, le=50)],
    federation: FederationDep,
) -> Response:  # fmt: skip
    """Its actor (or the operator) reports a follow-up done; the nodes hear of it."""

    async def action(reader: Any, form: Mapping[str, str], db: Database) -> Any:
        admin = members.role_of(reader) == "admin"
        async with db.unit_of_work() as session:
            changed = await decisions.done(
                session, decision_id, number, members.actor_of(reader), admin=admin
            )
        await delivery.push(db, federation)
        return changed

    return await _write(
        request, frozenset({"hub:member", "hub:admin"}), action,
        lambda _changed: f"{MOUNT}/decisions/{decision_id}#follow-ups",
        f"{MOUNT}/decisions/{decision_id}",
    )  # fmt: skip
