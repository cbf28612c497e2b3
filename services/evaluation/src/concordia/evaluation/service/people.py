"""Evaluators, their declared conflicts of interest, and award panels."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.errors import ConflictError, InconsistentError, NotFoundError
from concordia.core.pagination import keyset
from concordia.evaluation.models import Conflict, Evaluator, KnownGrant, Panel
from concordia.evaluation.schemas import (
    ConflictCreate,
    EvaluatorCreate,
    EvaluatorRead,
    PanelCreate,
)
from concordia.evaluation.service._common import (
    NodeContext,
    conflict_of,
    conflict_reason,
    new_id,
    now,
)

#: Grants whose award a panel decides (research and media).
PANEL_PURPOSES = frozenset({"research", "independent_media"})


def name_aad(evaluator_id: uuid.UUID) -> bytes:
    """The associated data of an evaluator's name: a ciphertext copied onto another evaluator
    does not decrypt."""
    return b"evaluator-name:" + evaluator_id.bytes


async def create_evaluator(
    *, session: AsyncSession, ctx: NodeContext, data: EvaluatorCreate, owner: str
) -> Evaluator:
    """Register an evaluator of ``data.owner`` (else ``owner``); 409 when that owner already has
    an evaluator on the account (a token is its owner and its name: another owner's token of
    the same name is another account)."""
    owner = data.owner or owner
    taken = await session.scalar(
        select(Evaluator.id).where(Evaluator.account == data.account, Evaluator.owner == owner)
    )
    if taken is not None:
        raise ConflictError(f"account {data.account!r} of {owner} is evaluator {taken}")
    evaluator_id = new_id()
    row = Evaluator(
        id=evaluator_id, name_enc=ctx.cipher.encrypt(data.name, aad=name_aad(evaluator_id)),
        account=data.account, expertise=sorted(set(data.expertise)),
        languages=sorted(set(data.languages)), european=data.european, active=True,
        owner=owner, created_at=now(),
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


def read_evaluator(ctx: NodeContext, row: Evaluator, *, with_name: bool) -> EvaluatorRead:
    """The API view; the name is decrypted only for administrators."""
    name = ctx.cipher.decrypt(row.name_enc, aad=name_aad(row.id)) if with_name else None
    fields = {k: getattr(row, k) for k in EvaluatorRead.model_fields if k != "name"}
    return EvaluatorRead.model_validate({**fields, "name": name})


async def list_evaluators(
    *, session: AsyncSession, scope: str | None, after: uuid.UUID | None, limit: int
) -> list[Evaluator]:
    """A keyset page of evaluators (of the ``scope`` owner only, unless None)."""
    query = select(Evaluator)
    if scope is not None:
        query = query.where(Evaluator.owner == scope)
    return list(await session.scalars(keyset(query, Evaluator.id, after=after, limit=limit)))


async def evaluator_for(session: AsyncSession, principal: Principal) -> Evaluator | None:
    """The evaluator scoring with this token: its name and its owner both match."""
    # The owner too: a token of another owner that happens to share the name is nobody.
    query = select(Evaluator).where(
        Evaluator.account == principal.name, Evaluator.owner == principal.owner
    )
    return (await session.scalars(query)).first()


async def declare_conflict(
    *, session: AsyncSession, data: ConflictCreate, scope: str | None
) -> Conflict:
    """Record a declared conflict of interest with an organisation or a donor.

    The conflict belongs to the evaluator's owner, so the evaluator sees what an administrator
    declared for them; an evaluator of another owner than ``scope`` is unknown (404). Naming
    both an organisation and a donor, or neither, breaks a rule between fields (409)."""
    evaluator = await session.get(Evaluator, data.evaluator_id)
    if evaluator is None or (scope is not None and evaluator.owner != scope):
        raise NotFoundError(f"no evaluator {data.evaluator_id}")
    if (data.organisation_id is None) == (data.donor_id is None):
        raise InconsistentError(
            ["body", "organisation_id"], "name exactly one organisation or donor"
        )
    row = Conflict(
        id=new_id(), evaluator_id=data.evaluator_id, organisation_id=data.organisation_id,
        donor_id=data.donor_id, relationship=data.relationship, owner=evaluator.owner,
        declared_at=now(),
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


async def list_conflicts(
    *, session: AsyncSession, scope: str | None, evaluator_id: uuid.UUID | None,
    after: uuid.UUID | None, limit: int,
) -> list[Conflict]:  # fmt: skip
    """A keyset page of conflicts (of the ``scope`` owner unless None), optionally of one
    evaluator."""
    query = select(Conflict)
    if scope is not None:
        query = query.where(Conflict.owner == scope)
    if evaluator_id is not None:
        query = query.where(Conflict.evaluator_id == evaluator_id)
    return list(await session.scalars(keyset(query, Conflict.id, after=after, limit=limit)))


async def record_panel(*, session: AsyncSession, data: PanelCreate, owner: str) -> Panel:
    """Record a research or media grant's award panel; 404 for an unknown grant or member,
    409 for a conflicted member, a grant of another purpose or a member named twice."""
    grant = await session.get(KnownGrant, data.grant_id)
    if grant is None or grant.withdrawn:
        raise NotFoundError(f"no grant {data.grant_id} known to this node")
    if grant.purpose not in PANEL_PURPOSES:
        raise ConflictError(f"award panels are recorded for research and media grants, not "
                            f"grant {data.grant_id}'s purpose {grant.purpose}")  # fmt: skip
    if len(set(data.members)) != len(data.members):
        raise InconsistentError(["body", "members"], "a member appears twice")
    for index, member in enumerate(data.members):
        if await session.get(Evaluator, member) is None:
            raise NotFoundError(f"no evaluator {member} (members[{index}])")
        conflict = await conflict_of(
            session, member, organisation_id=grant.organisation_id, donor_id=None
        )
        if conflict is not None:
            raise ConflictError(conflict_reason(conflict))
    if await session.scalar(select(Panel.id).where(Panel.grant_id == data.grant_id)) is not None:
        raise ConflictError(f"grant {data.grant_id} already has its award panel")
    row = Panel(
        id=new_id(), grant_id=data.grant_id, members=[str(m) for m in data.members],
        decided_on=data.decided_on, owner=owner, created_at=now(),
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


async def get_panel(*, session: AsyncSession, grant_id: uuid.UUID, scope: str | None) -> Panel:
    """A grant's award panel, or 404 (also when it is another owner's than ``scope``)."""
    row = (await session.scalars(select(Panel).where(Panel.grant_id == grant_id))).first()
    if row is None or (scope is not None and row.owner != scope):
        raise NotFoundError(f"no award panel for grant {grant_id}")
    return row
