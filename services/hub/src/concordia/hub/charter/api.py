"""The hub API of the charter: read it, propose a new one, relay the members' signatures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from concordia.core.auth import Principal, require
from concordia.core.deps import IfMatchDep, SessionDep, tagged
from concordia.events import CharterPublished, MemberSignature
from concordia.hub.api.deps import Admin, DirectoryDep, FederationDep, Reader
from concordia.hub.charter import service as charters
from concordia.hub.schemas import CharterUpdate, SignaturesRead
from concordia.identity import SignedDocument
from concordia.kit import runtime

# No prefix of its own: ``concordia.hub.api.routes`` includes it under ``/v1``.
router = APIRouter(tags=["hub"])

#: A member state's representative relays its node's signature (or the operator does).
Relayer = Annotated[Principal, require("hub:member", "hub:admin", any_of=True)]
#: What a member signs is readable to the members too (and to readers).
SignerReader = Annotated[Principal, require("hub:read", "hub:member", "hub:admin", any_of=True)]
RevisionPath = Annotated[int, Path(ge=1, le=1_000_000)]


@router.get("/charter", response_model=CharterPublished)
async def get_charter(session: SessionDep, _: Reader, response: Response) -> CharterPublished:
    """The charter in force (adopted, its effective day come); its ETag is its revision."""
    charter = await charters.current(session=session)
    return tagged(response, charter.revision, charter)


@router.get("/charter/versions", response_model=list[CharterPublished])
async def charter_versions(session: SessionDep, _: Reader) -> list[CharterPublished]:
    """Every adopted revision, oldest first (one may wait for its effective day)."""
    return await charters.versions(session=session)


@router.get("/charter/proposals", response_model=list[CharterPublished])
async def charter_proposals(session: SessionDep, _: Reader) -> list[CharterPublished]:
    """Revisions waiting for the member states' signatures, oldest first."""
    return await charters.proposals(session=session)


@router.put("/charter", response_model=CharterPublished)
async def put_charter(
    data: CharterUpdate, request: Request, _: Admin, if_match: IfMatchDep
) -> CharterPublished:
    """Propose a new charter (scope `hub:admin`): the next revision, adopted and sent to every
    node only once m member states signed it; a stale If-Match: 412."""
    async with runtime(request).db.unit_of_work() as session:
        return await charters.put(session=session, data=data, if_match=if_match)


@router.get("/charter/{revision}", response_model=CharterPublished)
async def get_revision(
    revision: RevisionPath, session: SessionDep, _: SignerReader
) -> CharterPublished:
    """One revision, adopted or proposed, with the signatures relayed so far."""
    return await charters.revision(session=session, number=revision)


@router.get("/charter/{revision}/document", response_model=SignedDocument)
async def charter_document(revision: RevisionPath, session: SessionDep, _: SignerReader) -> Any:
    """What a member signs (kind `charter`, the charter without its signatures), and the
    signatures so far: `concordia charter sign` fetches it, signs it and posts the signature."""
    charter = await charters.revision(session=session, number=revision)
    kind, body = charter.document()
    return SignedDocument(
        kind=kind, body=body, signatures=tuple(s.signature() for s in charter.signatures)
    )


@router.get("/charter/{revision}/signatures", response_model=SignaturesRead)
async def charter_signatures(
    revision: RevisionPath, session: SessionDep, directory: DirectoryDep, _: SignerReader
) -> SignaturesRead:
    """Where the member states' signatures of a revision stand (checked like a node would)."""
    return await charters.signatures(session=session, number=revision, directory=directory)


@router.post("/charter/{revision}/signatures", response_model=SignaturesRead)
async def sign_charter(
    revision: RevisionPath, signature: MemberSignature, request: Request,
    directory: DirectoryDep, federation: FederationDep, _: Relayer,
) -> SignaturesRead:  # fmt: skip
    """Relay a member state's signature of a revision (422 unless it verifies with the key of
    its node in the hub's directory); with m of them the charter is adopted and sent out."""
    async with runtime(request).db.unit_of_work() as session:
        status, adopted = await charters.sign(
            session=session, number=revision, signature=signature, directory=directory
        )
    if adopted is not None:  # committed: now every country hears of it
        await charters.broadcast(federation, adopted, list(federation.links))
    return status
