"""Attachments: addressed by SHA-256, size-limited, typed by their content, their text extracted.

The declared type (``Content-Type``, one of ``MEDIA_TYPES`` or 415) must agree with what the
bytes are (409 otherwise) (magic numbers via
``filetype``; plain text is UTF-8 without control bytes). Text is extracted for the screen
(PDF with ``pypdf``); an attachment with no extractable text is kept but cannot leave.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid

import filetype
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.changes import now
from concordia.core.errors import DomainError, InconsistentError, NotFoundError
from concordia.exchange.codes import MEDIA_TYPES
from concordia.exchange.models import Attachment, Blob
from concordia.exchange.service import editable, load, owner_of

log = logging.getLogger(__name__)
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))


class TooLargeError(DomainError):
    """The attachment is over the size limit."""

    status = 413


class UnsupportedMediaTypeError(DomainError):
    """The declared ``Content-Type`` is none an attachment may have."""

    status = 415


def sniff(content: bytes) -> str | None:
    """The media type the bytes themselves show, or None."""
    kind = filetype.guess(content)
    if kind is not None:
        return str(kind.mime)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if any(ord(ch) in _CONTROL for ch in text[:100_000]) else "text/plain"


def extract_text(content: bytes, media_type: str) -> str | None:
    """The text of an attachment, or None when none can be read (images, scanned PDFs)."""
    if media_type == "text/plain":
        return content.decode("utf-8")
    if media_type == "application/pdf":
        try:
            reader = PdfReader(io.BytesIO(content))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        except (PyPdfError, ValueError, KeyError, TypeError) as exc:
            log.info("no text from a PDF attachment", extra={"error": str(exc)})
            return None
        return text if text.strip() else None
    return None


async def add(
    *,
    session: AsyncSession,
    node: str,
    principal: Principal,
    practice_id: uuid.UUID,
    content: bytes,
    declared: str,
) -> Attachment:
    """Store an attachment of a practice (its origin node only); the same content is kept once."""
    practice = await load(session, practice_id)
    editable(practice, node)
    declared = declared.split(";", 1)[0].strip().lower()
    if declared not in MEDIA_TYPES:
        raise UnsupportedMediaTypeError(
            f"Content-Type {declared or '(none)'} is not one of {', '.join(MEDIA_TYPES)}"
        )
    actual = sniff(content)
    if actual != declared:
        # The body and its declared type disagree: a rule between the two (409).
        raise InconsistentError(
            ["body"], f"the content is {actual or 'of an unknown type'}, not {declared}"
        )
    digest = hashlib.sha256(content).hexdigest()
    existing = await session.get(Attachment, (practice_id, digest))
    if existing is not None:
        return existing
    if await session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, content=content))
    attachment = Attachment(
        practice_id=practice_id, sha256=digest, media_type=declared, size=len(content),
        text=extract_text(content, declared), owner=owner_of(principal), created_at=now(),
    )  # fmt: skip
    session.add(attachment)
    return attachment


async def listing(session: AsyncSession, practice_id: uuid.UUID) -> list[Attachment]:
    """A practice's attachments."""
    await load(session, practice_id)
    rows = await session.scalars(
        select(Attachment).where(Attachment.practice_id == practice_id).order_by(Attachment.sha256)
    )
    return list(rows)


async def content(
    session: AsyncSession, practice_id: uuid.UUID, sha256: str
) -> tuple[Attachment, bytes]:
    """An attachment and its bytes, or 404."""
    attachment = await session.get(Attachment, (practice_id, sha256))
    blob = await session.get(Blob, sha256) if attachment is not None else None
    if attachment is None or blob is None:
        raise NotFoundError(f"practice {practice_id} has no attachment {sha256}")
    return attachment, blob.content
