"""Routes for endorsements and comments, and their four-eyes approval.

Both kinds have the same three routes (create, list, approve), declared once by ``_kind_routes``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, status

from concordia.core.deps import SessionDep
from concordia.exchange import contributions as service
from concordia.exchange.api.deps import Approver, Reader, StateDep, Writer
from concordia.exchange.schemas import (
    ApproveRequest,
    CommentCreate,
    ContributionRead,
    EndorsementCreate,
)

router = APIRouter(prefix="/v1/practices/{practice_id}", tags=["contributions"])


def _named(name: str, doc: str) -> Callable[[Any], Any]:
    def name_it(endpoint: Any) -> Any:
        endpoint.__name__ = endpoint.__qualname__ = name
        endpoint.__doc__ = doc
        return endpoint

    return name_it


def _kind_routes(
    kind: str, schema: type[EndorsementCreate | CommentCreate], *, docs: tuple[str, str, str]
) -> None:
    """``POST /{kind}s``, ``GET /{kind}s`` and ``POST /{kind}s/{contribution_id}/approve``
    (operations ``create_{kind}``, ``list_{kind}s``, ``approve_{kind}``); ``docs`` their
    descriptions, in that order."""
    create_doc, list_doc, approve_doc = docs

    async def create(
        practice_id: uuid.UUID,
        data: EndorsementCreate | CommentCreate,
        session: SessionDep,
        state: StateDep,
        principal: Writer,
    ) -> ContributionRead:
        c = await service.create(
            session=session, node=state.node, principal=principal, practice_id=practice_id,
            data=data,
        )  # fmt: skip
        return service.to_read(c)

    create.__annotations__["data"] = schema  # the body this kind takes

    async def listing(
        practice_id: uuid.UUID, session: SessionDep, state: StateDep, _: Reader
    ) -> list[ContributionRead]:
        return await service.listing(session, practice_id, kind, state.node)

    async def approve(
        practice_id: uuid.UUID,
        contribution_id: uuid.UUID,
        data: ApproveRequest,
        session: SessionDep,
        state: StateDep,
        principal: Approver,
    ) -> ContributionRead:
        c = await service.approve(
            contribution_id=contribution_id, practice_id=practice_id, kind=kind,
            session=session, node=state.node, principal=principal,
            override_reason=data.override_reason, screen=state.screen,
        )  # fmt: skip
        return service.to_read(c)

    path = f"/{kind}s"
    router.post(path, status_code=status.HTTP_201_CREATED, response_model=ContributionRead)(
        _named(f"create_{kind}", create_doc)(create)
    )
    router.get(path, response_model=list[ContributionRead])(
        _named(f"list_{kind}s", list_doc)(listing)
    )
    router.post(f"{path}/{{contribution_id}}/approve", response_model=ContributionRead)(
        _named(f"approve_{kind}", approve_doc)(approve)
    )


_kind_routes(
    "endorsement",
    EndorsementCreate,
    docs=(
        "Endorse a published practice (adopted, adapted, did not work); pending until approved.",
        "Published endorsements, and this node's pending ones.",
        "Approve an endorsement (not its author); screened by the registry, then sent.",
    ),
)
_kind_routes(
    "comment",
    CommentCreate,
    docs=(
        "Comment on a published practice; pending until a second person approves it.",
        "Published comments, and this node's pending ones.",
        "Approve a comment (not its author); screened by the registry, then sent.",
    ),
)
