"""Routes of the funding feed for donor portals: keyset pages, a live stream, the IATI file."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from concordia.core.auth import TokenStore
from concordia.core.deps import SessionDep
from concordia.kit import runtime
from concordia.ledger import iati
from concordia.ledger.api.deps import LedgerState, Reader, ledger_state
from concordia.ledger.feed import body as feed_body
from concordia.ledger.feed import service
from concordia.ledger.feed.schemas import FeedGrant, FeedPageDoc
from concordia.ledger.feed.stream import events
from concordia.ledger.service._common import Viewer

router = APIRouter(prefix="/v1/feed", tags=["feed"])

_MAX_SEQ = 2**63 - 1

FeedAfter = Annotated[
    int,
    Query(
        ge=0,
        le=_MAX_SEQ,
        description="The `next` of the previous page (a `feed_seq`); 0 or absent to start.",
    ),
]
FeedLimit = Annotated[
    int, Query(ge=1, le=service.MAX_LIMIT, description="Grants per page (at most 10,000).")
]
IfNoneMatch = Annotated[
    str, Header(description="The `ETag` of a page you hold: 304 if it is unchanged.")
]
LastEventId = Annotated[
    str,
    Header(
        alias="Last-Event-ID",
        pattern=r"^[0-9]{1,18}$",
        description="The `id` of the last event received: the stream resumes after it.",
    ),
]


_FEED_GRANT = f"#/components/schemas/{FeedGrant.__name__}"


class EventStreamResponse(Response):
    """Documents ``text/event-stream`` in the OpenAPI (the route streams by itself)."""

    media_type = "text/event-stream"


class XMLResponse(Response):
    """Documents ``application/xml`` in the OpenAPI (the route streams by itself)."""

    media_type = "application/xml"


def _accepted(request: Request) -> dict[str, bool]:
    """The codings the client names in Accept-Encoding: accepted, or refused with ``q=0``."""
    codings: dict[str, bool] = {}
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        q = params.strip().lower()
        codings.setdefault(
            coding.strip().lower(), not (q.startswith("q=") and q[2:].strip("0. ") == "")
        )
    return codings


def wants_gzip(request: Request) -> bool:
    """Whether the client accepts gzip (and did not refuse it with ``q=0``)."""
    codings = _accepted(request)
    return codings.get("gzip", codings.get("*", False))


def wants_zstd(request: Request) -> bool:
    """Whether the client names zstd and does not refuse it (``*`` alone does not pick it)."""
    return _accepted(request).get("zstd", False)


def _coding(request: Request) -> str | None:
    """The best coding the client accepts for a page (zstd, then gzip), else None."""
    if wants_zstd(request):
        return "zstd"
    return "gzip" if wants_gzip(request) else None


def _matches(if_none_match: str | None, tag: str) -> bool:
    if if_none_match is None:
        return False
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" are the same tag here.
    candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in candidates or tag.removeprefix("W/") in candidates


@router.get(
    "/grants",
    response_class=Response,
    responses={
        200: {"model": FeedPageDoc, "description": "A page of grants in `feed_seq` order."},
        304: {"description": "The page is unchanged since the `ETag` sent in `If-None-Match`."},
    },
)
async def feed_grants(
    request: Request,
    session: SessionDep,
    caller: Reader,
    after: FeedAfter = 0,
    limit: FeedLimit = service.DEFAULT_LIMIT,
    if_none_match: IfNoneMatch = None,  # type: ignore[assignment]
) -> Response:
    """Every visible grant with its transactions, a keyset page at a time in `feed_seq` order.

    A change of a grant or of its transactions moves it to the end, so following `next` until a
    short page, then polling with the last `next`, sees every change exactly once. Restricted
    grants never appear, coalition grants only with `feed:coalition`; withdrawn ones are
    tombstones; persons appear as `individual`, without titles or descriptions.

    A full page names the next one in `Link: <...>; rel="next"`; a short page is the current
    end. Ask for compression: `Accept-Encoding: zstd` gives the smallest page, and the fastest
    to decode (a 10,000-grant page of about 12 MB as about 0.9 MB), `gzip` about 1.5 MB. Every
    page has a weak `ETag` (the same in every coding): poll the end with it in `If-None-Match`
    and get 304 while nothing changed. Reading a whole feed, follow `next` at once with the
    same `limit`: the node prepares the next pages while you read one.
    """
    audience = Viewer(principal=caller).audience
    coding = _coding(request)
    ahead = ledger_state(request).feed_ahead
    found = None if ahead is None else await ahead.take(session, (after, limit, audience))
    if found is None:
        # A full page: the portal will ask for the next one; its building (and encoding)
        # starts as soon as this page's grants are read.
        full = None if ahead is None else ahead.full((after, limit, audience), coding)
        body, count = await feed_body.page_body(
            session=session, after=after, limit=limit, audience=audience, on_full=full
        )
        sent = None
    else:
        (body, count), sent = found
    if ahead is not None and count == limit:
        # Read on ahead of the portal from the page after this one (under way, or started).
        ahead.start(feed_body.next_of(body), limit, audience, coding)
    if sent is None or sent.coding != coding:
        # Hashing and compressing a 12 MB page take a worker thread, not the event loop.
        sent = await feed_body.encoded(body, coding)
    headers = {"ETag": sent.tag, "Vary": "Accept-Encoding", "Cache-Control": "no-cache"}
    if count == limit:  # a short page is the current end: poll it, don't follow a link
        following = request.url.include_query_params(after=str(feed_body.next_of(body)))
        headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    if _matches(if_none_match, sent.tag):
        return Response(status_code=304, headers=headers)
    if sent.coding is not None:
        headers["Content-Encoding"] = sent.coding
    return Response(sent.content, media_type="application/json", headers=headers)


@router.get(
    "/grants/stream",
    response_class=EventStreamResponse,
    responses={
        200: {
            "description": "Events `grant` with `id` = `feed_seq` and `data` = a feed item "
            "(the schema below), plus keep-alive comments.",
            # FeedGrant is among the components (the pages' FeedPageDoc names it).
            "content": {"text/event-stream": {"schema": {"$ref": _FEED_GRANT}}},
        }
    },
)
async def stream_grants(
    request: Request,
    caller: Reader,
    last_event_id: LastEventId = None,  # type: ignore[assignment]
    after: Annotated[
        int | None,
        Query(ge=0, le=_MAX_SEQ, description="Where to start when there is no Last-Event-ID."),
    ] = None,
) -> StreamingResponse:
    """New and changed grants as Server-Sent Events, resumable with `Last-Event-ID`.

    Without `Last-Event-ID` or `after` the stream starts at the current end (changes only).
    A stream ends when its token is revoked and after `feed_stream_seconds`; one token holds
    at most `feed_streams_per_token` streams (429 beyond).
    """
    db, state = runtime(request).db, ledger_state(request)
    assert state.notifier is not None
    token_id = caller.token_id
    if state.open_streams.get(token_id, 0) >= state.feed_streams_per_token:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"this token already holds {state.feed_streams_per_token} feed streams",
            headers={"Retry-After": "30"},
        )
    start = int(last_event_id) if last_event_id is not None else after
    if start is None:
        async with db.unit_of_work(write=False) as session:
            start = await service.latest_seq(session)
    store: TokenStore = request.app.state.concordia.tokens
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    scopes = caller.scopes

    def allowed() -> bool:
        # The store re-reads its file only when it changed: cheap enough for every read.
        principal = store.verify(token)
        return principal is not None and principal.scopes >= scopes

    body = events(
        db=db,
        notifier=state.notifier,
        after=start,
        is_disconnected=request.is_disconnected,
        keepalive=state.feed_keepalive,
        poll=state.feed_poll,
        audience=Viewer(principal=caller).audience,
        allowed=allowed,
        lifetime=state.feed_stream_seconds,
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    slot = _StreamSlot(state, token_id)
    return StreamingResponse(
        _holding(body, slot),
        media_type="text/event-stream",
        headers=headers,
        background=BackgroundTask(slot.release),
    )


class _StreamSlot:
    """One of a token's open streams, taken at once and released once, whichever of the
    stream's end or the response's background task comes first (a stream that never started
    is released by the latter)."""

    def __init__(self, state: LedgerState, token_id: str) -> None:
        self.state, self.token_id, self.held = state, token_id, True
        state.open_streams[token_id] = state.open_streams.get(token_id, 0) + 1

    def release(self) -> None:
        """Give the slot back (idempotent)."""
        if not self.held:
            return
        self.held = False
        left = self.state.open_streams[self.token_id] - 1
        if left:
            self.state.open_streams[self.token_id] = left
        else:
            del self.state.open_streams[self.token_id]


async def _holding(body: AsyncIterator[bytes], slot: _StreamSlot) -> AsyncIterator[bytes]:
    try:
        async for chunk in body:
            yield chunk
    finally:
        slot.release()


async def _gzipped(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    compressor = zlib.compressobj(feed_body.GZIP_LEVEL, zlib.DEFLATED, 31)
    async for chunk in chunks:
        if out := compressor.compress(chunk):
            yield out
    yield compressor.flush()


@router.get(
    "/iati.xml",
    response_class=XMLResponse,
    responses={
        200: {
            "description": "An IATI 2.03 activity file (`iati-activities`), streamed.",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
async def iati_file(request: Request, _: Reader) -> StreamingResponse:
    """The node's public, live grants as an IATI 2.03 activity file, one snapshot, streamed.

    A publication: coalition and restricted grants never appear, whoever asks.
    """
    body = iati.activities_file(runtime(request).db)
    headers = {"Vary": "Accept-Encoding", "Cache-Control": "no-cache"}
    if wants_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return StreamingResponse(_gzipped(body), media_type="application/xml", headers=headers)
    return StreamingResponse(body, media_type="application/xml", headers=headers)
