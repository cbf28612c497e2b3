"""Routes for attachments: upload raw bytes with their type, list, fetch by SHA-256."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from concordia.core.deps import SessionDep
from concordia.exchange import attachments as service
from concordia.exchange.api.deps import Reader, StateDep, Writer
from concordia.exchange.codes import MEDIA_TYPES
from concordia.exchange.models import Attachment
from concordia.exchange.schemas import AttachmentRead

router = APIRouter(prefix="/v1/practices/{practice_id}/attachments", tags=["attachments"])
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


def _read(a: Attachment) -> AttachmentRead:
    return AttachmentRead(
        sha256=a.sha256, media_type=a.media_type, size=a.size,
        text_extracted=a.text is not None, created_at=a.created_at,
    )  # fmt: skip


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit``."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise service.TooLargeError(f"an attachment may have at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentRead,
    openapi_extra={
        "requestBody": {
            "required": True,
            # Raw bytes (OpenAPI 3.1: a media type without a schema). What they must be is
            # no JSON Schema rule: the content is checked against `Content-Type` (422).
            "content": {t: {} for t in MEDIA_TYPES},
        }
    },
    responses={
        409: {"description": "The content is not what its `Content-Type` says."},
        413: {"description": "The attachment is over this node's size limit."},
        415: {"description": "A `Content-Type` no attachment may have."},
    },
)
async def add_attachment(
    practice_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    state: StateDep,
    principal: Writer,
    response: Response,
) -> AttachmentRead:
    """Attach a file: the raw bytes, with a `Content-Type` the content matches (409 if not,
    415 for another type); 413 if too large."""
    body = await _body(request, state.max_attachment_bytes)
    attachment = await service.add(
        session=session, node=state.node, principal=principal, practice_id=practice_id,
        content=body, declared=request.headers.get("content-type", ""),
    )  # fmt: skip
    response.headers["Location"] = f"/v1/practices/{practice_id}/attachments/{attachment.sha256}"
    return _read(attachment)


@router.get("", response_model=list[AttachmentRead])
async def list_attachments(
    practice_id: uuid.UUID, session: SessionDep, _: Reader
) -> list[AttachmentRead]:
    """A practice's attachments."""
    return [_read(a) for a in await service.listing(session, practice_id)]


@router.get(
    "/{sha256}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in MEDIA_TYPES}, "description": "Its bytes."}},
)
async def get_attachment(
    practice_id: uuid.UUID, sha256: Sha256, session: SessionDep, _: Reader
) -> Response:
    """The attachment's bytes, with its checked media type."""
    attachment, content = await service.content(session, practice_id, sha256)
    return Response(content, media_type=attachment.media_type, headers={"ETag": f'"{sha256}"'})
