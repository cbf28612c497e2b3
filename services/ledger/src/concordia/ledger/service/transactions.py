"""Transactions on grants (IATI types), each moving its grant to a new feed position."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.errors import ConflictError, InconsistentError, NotFoundError
from concordia.events.ledger import TransactionRecorded, TransactionRemoved
from concordia.ledger.models import Transaction
from concordia.ledger.schemas import TransactionCreate, TransactionRead
from concordia.ledger.service import grants, rates
from concordia.ledger.service._common import NodeContext, Viewer, emit, new_id, now


async def record(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    viewer: Viewer,
    grant_id: uuid.UUID,
    data: TransactionCreate,
) -> Transaction:
    """Record a transaction; 409 if ``donor_id`` names another donor than the grant's."""
    grant = await grants.get(session=session, grant_id=grant_id, viewer=viewer, change=True)
    if data.donor_id is not None and data.donor_id != grant.donor_id:
        raise InconsistentError(
            ["body", "donor_id"],
            f"grant {grant_id} belongs to another donor than {data.donor_id}",
        )
    if data.external_id is not None:
        taken = await session.scalar(
            select(Transaction.id).where(
                Transaction.grant_id == grant_id, Transaction.external_id == data.external_id
            )
        )
        if taken is not None:
            raise ConflictError(f"external_id {data.external_id!r} is transaction {taken}")
    tx = Transaction(
        id=new_id(),
        grant_id=grant_id,
        created_at=now(),
        **data.model_dump(exclude={"donor_id"}),
    )
    session.add(tx)
    await grants.touch(session, grant, bump_version=False)
    event = TransactionRecorded(
        transaction_id=tx.id,
        grant_id=grant_id,
        type=tx.type,
        amount=tx.amount,
        currency=tx.currency,
        value_date=tx.value_date,
        feed_seq=grant.feed_seq,
        amount_eur=(await rates.in_eur(session, [tx]))[0],
    )
    await emit(session, ctx, [event])
    return tx


async def list_for(
    *, session: AsyncSession, grant_id: uuid.UUID, viewer: Viewer
) -> list[Transaction]:
    """Every transaction of a grant, in recording order."""
    await grants.get(session=session, grant_id=grant_id, viewer=viewer)
    query = select(Transaction).where(Transaction.grant_id == grant_id).order_by(Transaction.id)
    return list((await session.scalars(query)).all())


async def get(
    *, session: AsyncSession, grant_id: uuid.UUID, transaction_id: uuid.UUID, viewer: Viewer
) -> Transaction:
    """One transaction of a grant, or 404."""
    await grants.get(session=session, grant_id=grant_id, viewer=viewer)
    tx = await session.get(Transaction, transaction_id)
    if tx is None or tx.grant_id != grant_id:
        raise NotFoundError(f"no transaction {transaction_id} on grant {grant_id}")
    return tx


async def remove(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    viewer: Viewer,
    grant_id: uuid.UUID,
    transaction_id: uuid.UUID,
) -> None:
    """Remove a transaction recorded in error; the grant moves to a new feed position."""
    grant = await grants.get(session=session, grant_id=grant_id, viewer=viewer, change=True)
    tx = await session.get(Transaction, transaction_id)
    if tx is None or tx.grant_id != grant_id:
        raise NotFoundError(f"no transaction {transaction_id} on grant {grant_id}")
    await session.delete(tx)
    await grants.touch(session, grant, bump_version=False)
    event = TransactionRemoved(
        transaction_id=transaction_id, grant_id=grant_id, feed_seq=grant.feed_seq
    )
    await emit(session, ctx, [event])


async def hides_text(*, session: AsyncSession, grant_id: uuid.UUID, viewer: Viewer) -> bool:
    """Whether ``viewer`` must not see the free text of the grant's transactions (a portal
    reading a grant to a person)."""
    grant = await grants.get(session=session, grant_id=grant_id, viewer=viewer)
    return not viewer.may_change(grant.owner) and grant.recipient_type != "organisation"


async def read_many(
    session: AsyncSession, txs: list[Transaction], *, hide_text: bool = False
) -> list[TransactionRead]:
    """The API view of transactions, with EUR amounts (descriptions dropped with
    ``hide_text``)."""
    eur = await rates.in_eur(session, txs)
    return [
        TransactionRead.model_validate(
            {
                **{k: getattr(tx, k) for k in TransactionRead.model_fields if k != "amount_eur"},
                "amount_eur": amount,
                **({"description": None} if hide_text else {}),
            }
        )
        for tx, amount in zip(txs, eur, strict=True)
    ]
