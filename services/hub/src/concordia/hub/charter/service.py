"""The coalition charter at the hub: proposed, signed by the member states, sent to every node.

A new charter (``PUT /v1/charter``) is stored as the next revision, a *proposal*: it takes effect
only once m member states signed it with their node keys (``POST
/v1/charter/{revision}/signatures``), checked here against the directory the hub keeps, as
every node checks them again against the one it pinned. The hub collects and relays
signatures; it holds no key and cannot adopt a charter alone. Once adopted, it is published on
``hub.charter`` into every country account at once (with its signatures), and re-sent to
services whose status shows an older one. It applies from its ``effective`` day, at the nodes
and in the hub's own use of it (admission of snapshots, targets).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.core.errors import (
    ConflictError,
    InconsistentError,
    NotFoundError,
    PreconditionFailedError,
)
from concordia.events import DEFAULT_CHARTER, CharterPublished, Envelope, MemberSignature
from concordia.events.signatures import required, signature_shortfall, valid_members
from concordia.hub.models import Charter, ServiceStatus
from concordia.hub.schemas import CharterUpdate, SignaturesRead
from concordia.identity import Directory, DirectoryPin, body_digest

if TYPE_CHECKING:  # nodes -> ingest -> charter: the import would be circular
    from concordia.hub.nodes import Federation

log = logging.getLogger(__name__)


def hub_directory(path: Path) -> Directory | None:
    """The coalition directory the hub keeps (``concordia hub accept-directory``), or None."""
    try:
        return DirectoryPin.load(path).directory
    except FileNotFoundError:
        return None


def _charter(row: Charter) -> CharterPublished:
    return CharterPublished.model_validate(row.payload | {"signatures": row.signatures})


def _today() -> date:
    return datetime.now(UTC).date()


async def current(*, session: AsyncSession, today: date | None = None) -> CharterPublished:
    """The charter in force: the highest adopted revision whose ``effective`` day has come,
    or the built-in defaults (revision 0)."""
    row = await session.scalar(
        select(Charter)
        .where(Charter.signed_at.is_not(None), Charter.effective <= (today or _today()))
        .order_by(Charter.revision.desc())
        .limit(1)
    )
    return DEFAULT_CHARTER if row is None else _charter(row)


async def adopted(*, session: AsyncSession) -> CharterPublished:
    """The newest adopted (signed) charter, in force or still waiting for its day: what the
    nodes are sent."""
    row = await session.scalar(
        select(Charter)
        .where(Charter.signed_at.is_not(None))
        .order_by(Charter.revision.desc())
        .limit(1)
    )
    return DEFAULT_CHARTER if row is None else _charter(row)


async def versions(*, session: AsyncSession) -> list[CharterPublished]:
    """Every adopted revision, oldest first, after the built-in defaults."""
    rows = await session.scalars(
        select(Charter).where(Charter.signed_at.is_not(None)).order_by(Charter.revision)
    )
    return [DEFAULT_CHARTER, *(_charter(r) for r in rows)]


async def proposals(*, session: AsyncSession) -> list[CharterPublished]:
    """Revisions still waiting for the members' signatures, oldest first."""
    rows = await session.scalars(
        select(Charter).where(Charter.signed_at.is_(None)).order_by(Charter.revision)
    )
    return [_charter(r) for r in rows]


async def revision(*, session: AsyncSession, number: int) -> CharterPublished:
    """One revision, adopted or proposed, with its signatures; 404 if there is none."""
    if number == 0:
        return DEFAULT_CHARTER
    row = await session.get(Charter, number)
    if row is None:
        raise NotFoundError(f"no charter revision {number}")
    return _charter(row)


async def put(
    *, session: AsyncSession, data: CharterUpdate, if_match: int | None
) -> CharterPublished:
    """Store ``data`` as the next revision, a proposal for the members to sign; 412 if
    ``if_match`` is not the charter in force, 409 if the version is taken."""
    now = await current(session=session)
    if if_match is not None and if_match != now.revision:
        named = "names no revision" if if_match < 0 else f"names revision {if_match}"
        raise PreconditionFailedError(
            f"the charter changed: revision {now.revision} is current, If-Match {named}; "
            "read it again and retry"
        )
    taken = await session.scalar(select(Charter.revision).where(Charter.version == data.version))
    if taken is not None:
        raise ConflictError(f"charter version {data.version!r} exists (revision {taken})")
    last = await session.scalar(select(Charter.revision).order_by(Charter.revision.desc()))
    charter = CharterPublished(
        revision=(last or 0) + 1,
        **data.model_dump(exclude={"code_lists"}),
        code_lists=tuple(data.merged_code_lists()),
    )
    session.add(
        Charter(
            revision=charter.revision,
            version=charter.version,
            effective=charter.effective,
            payload=charter.signed_body(),
            created_at=datetime.now(UTC),
            signatures=[],
            signed_at=None,
        )
    )
    return charter


def _need(
    directory: Directory | None, charter: CharterPublished, replaces: CharterPublished
) -> int:
    assert directory is not None
    return required(directory, charter.signatures_required, replaces.signatures_required)


async def signatures(
    *, session: AsyncSession, number: int, directory: Directory | None
) -> SignaturesRead:
    """Where the signatures of revision ``number`` stand, against the hub's directory."""
    charter = await revision(session=session, number=number)
    replaces = await adopted(session=session)
    if replaces.revision >= charter.revision:  # judged against what it replaced
        replaces = await _before(session, charter.revision)
    return _status(charter, directory, replaces)


async def _before(session: AsyncSession, number: int) -> CharterPublished:
    row = await session.scalar(
        select(Charter)
        .where(Charter.signed_at.is_not(None), Charter.revision < number)
        .order_by(Charter.revision.desc())
        .limit(1)
    )
    return DEFAULT_CHARTER if row is None else _charter(row)


def _status(
    charter: CharterPublished, directory: Directory | None, replaces: CharterPublished
) -> SignaturesRead:
    kind, body = charter.document()
    need = None if directory is None else _need(directory, charter, replaces)
    return signatures_read(kind, body, charter.signatures, directory, need)


def signatures_read(
    kind: str,
    body: dict[str, object],
    signatures: Sequence[MemberSignature],
    directory: Directory | None,
    need: int | None,
) -> SignaturesRead:
    """Where the ``signatures`` of a document stand: valid signers, and what is still short of
    ``need`` (a charter's and a decision's alike)."""
    reasons = signature_shortfall(kind, body, signatures, directory, need)
    return SignaturesRead(
        kind=kind, digest=body_digest(kind, body), required=need,
        signers=valid_members(kind, body, signatures, directory),
        shortfall=list(reasons), signed=not reasons, signatures=list(signatures),
    )  # fmt: skip


def check_one(
    kind: str, body: dict[str, object], signature: MemberSignature, directory: Directory | None
) -> None:
    """404 unless ``signature``'s signer is in the directory; 409 unless it is their valid
    signature of the document (with the key the directory lists)."""
    if directory is None:
        raise ConflictError(
            "the hub keeps no coalition directory: accept one first (concordia hub "
            "accept-directory)"
        )
    if directory.member(signature.signer) is None:
        raise NotFoundError(f"{signature.signer} is not in the directory (body.signer)")
    if signature_shortfall(kind, body, [signature], directory, 1):
        raise InconsistentError(
            ["body", "value"],
            f"not {signature.signer}'s signature of this {kind} with the key the directory "
            "lists (sign the document as served, with the node key)",
        )


async def sign(
    *, session: AsyncSession, number: int, signature: MemberSignature, directory: Directory | None
) -> tuple[SignaturesRead, CharterPublished | None]:
    """Add a member's signature to revision ``number``; the charter too if it is now adopted.

    404 if the signer is no member, 409 if the signature is not theirs or a newer revision is
    adopted.
    """
    row = await session.get(Charter, number, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no charter revision {number}")
    charter = _charter(row)
    latest = await adopted(session=session)
    if row.signed_at is None and latest.revision > number:
        raise ConflictError(f"revision {latest.revision} is adopted: {number} is superseded")
    kind, body = charter.document()
    check_one(kind, body, signature, directory)
    kept = [s for s in charter.signatures if s.signer != signature.signer]
    charter = charter.model_copy(update={"signatures": (*kept, signature)})
    row.signatures = [s.model_dump(mode="json") for s in charter.signatures]
    replaces = latest if row.signed_at is None else await _before(session, number)
    status = _status(charter, directory, replaces)
    newly = status.signed and row.signed_at is None
    if newly:
        row.signed_at = datetime.now(UTC)
        log.info("charter adopted", extra={"revision": number, "signers": ",".join(status.signers)})
    await session.flush()
    return status, charter if newly else None


async def broadcast(federation: Federation, charter: CharterPublished, codes: list[str]) -> int:
    """Publish ``charter`` on ``hub.charter`` into the accounts of ``codes``; how many got it."""
    raw = Envelope.wrap(charter, node="hub").to_bytes()
    sent = 0
    for code in codes:
        link = federation.links.get(code)
        try:
            if link is not None and await link.publish(charter.subject_template(), raw):
                sent += 1
        except Exception as exc:  # one country's broken link must not stop the others
            log.warning("charter not sent", extra={"node": code, "error": type(exc).__name__})
    return sent


async def behind(db: Database, federation: Federation) -> tuple[CharterPublished, list[str]]:
    """The newest adopted charter and the linked nodes that do not all hold it yet."""
    async with db.unit_of_work(write=False) as session:
        charter = await adopted(session=session)
        query = select(
            ServiceStatus.node, ServiceStatus.charter_revision, ServiceStatus.charter_refused,
            ServiceStatus.charter_pending,
        )  # fmt: skip
        rows = (await session.execute(query)).all()
    reported: dict[str, int] = {}
    for node, revision_run, refused, pending in rows:
        # A service that refused this very charter (looser than its floors, or signatures its
        # directory does not count) has heard it: sending it again changes nothing until its
        # operator changes the floors or the pin. One that holds it for its day has it too.
        heard = max(revision_run, pending or 0)
        if refused is not None and refused.get("revision") == charter.revision:
            heard = charter.revision
        reported[node] = min(heard, reported.get(node, heard))
    codes = [c for c in federation.links if reported.get(c, -1) < charter.revision]
    return charter, codes


async def resend(db: Database, federation: Federation) -> list[str]:
    """Send the adopted charter to the nodes whose status shows an older one; which were sent."""
    charter, codes = await behind(db, federation)
    if charter.revision == 0 or not codes:
        return []
    await broadcast(federation, charter, codes)
    return codes


async def resend_forever(db: Database, federation: Federation, interval: float) -> None:
    """Every ``interval`` s send the adopted charter to nodes whose status shows an older one."""
    while True:
        await asyncio.sleep(interval)
        try:
            await resend(db, federation)
        except Exception:  # the next round tries again; the cause is logged
            log.exception("charter re-send failed")
