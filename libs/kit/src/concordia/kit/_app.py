"""One app and lifespan for every service: links, relay, consumers, charter, publisher, status.

A service describes itself once (``ServiceDefinition``: its routers, its publisher, the events it
consumes, its own start-up parts) and ``build_app`` does the rest the same way everywhere:
it refuses an unmigrated database, connects to NATS (or starts without it: the outbox waits),
relays the outbox, runs the consumers with their inbox, follows the hub's charter and reports
status, publishes aggregates under the current charter, and stops all of it in reverse order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from concordia.core import tracing
from concordia.core.auth import Principal, require
from concordia.core.db import Database
from concordia.core.errors import InconsistentError, ServiceUnavailableError
from concordia.core.logging import configure_logging
from concordia.core.settings import CoreSettings
from concordia.core.web import AppState, create_app
from concordia.events import (
    AggregateSnapshotPublished,
    CharterFollower,
    CoalitionDecisionPublished,
    Consumer,
    ConsumerCollector,
    DecisionFollower,
    DisclosureRules,
    Event,
    Handler,
    NatsLink,
    NodeLinks,
    OutboxRelay,
    PinnedDirectoryFile,
    RelayCollector,
    disclosure_rules,
    event_signer,
    local_stream,
    run_publisher,
)
from concordia.events.runtime.tasks import cancel_and_wait
from concordia.identity import NodeIdentity, SignedDocument
from concordia.kit import console
from concordia.kit._identity import load_identity
from concordia.kit._migrations import ensure_migrated
from concordia.kit._services import SERVICES
from concordia.kit._settings import ServiceSettings
from concordia.kit.tables import charters, decisions, inbox, outbox

if TYPE_CHECKING:
    from concordia.kit.secure import SecureTables

log = logging.getLogger(__name__)

T = TypeVar("T")
Publish = Callable[["Runtime", DisclosureRules], Awaitable[list[AggregateSnapshotPublished]]]
Part = Callable[["Runtime"], AbstractAsyncContextManager[None]]
ErrorHandler = Callable[[Request, Exception], Response]


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable consumer of local events: ``<service>-<name>-<node>``, applied with the inbox.

    With ``inbound`` it consumes the coalition's broadcasts instead: ``INBOUND_<NODE>`` on the
    COALITION link (which sources what the hub keeps for the node), event subjects of any node.
    """

    name: str
    subjects: Sequence[str | type[Event]]
    handler: Callable[[Runtime], Handler]
    #: -1: retry without limit (events that must never be dropped, such as erasures).
    max_deliver: int = -1
    inbound: bool = False


class ReleaseTerms(TypedDict):
    """What every service's aggregate publisher takes from the kit (``Runtime.release_terms``):
    its database, the disclosure rules' ``k`` and rounding, the charter in force, the signer."""

    db: Database
    k: int
    rounding_base: int | None
    charter_version: str
    sign: Callable[[AggregateSnapshotPublished], AggregateSnapshotPublished] | None


@dataclass(eq=False)
class Runtime(AppState):
    """The typed application state of a service, built by the kit (``runtime(request)``)."""

    service: str = ""
    links: NodeLinks | None = None
    relay: OutboxRelay | None = None
    follower: CharterFollower | None = None
    #: The coalition's decisions concerning this node, kept as the hub sends them.
    decisions: DecisionFollower | None = None
    consumers: dict[str, Consumer] = field(default_factory=dict)
    #: One run of the aggregate publisher under the current charter (tests call it directly).
    publish_aggregates: Callable[[], Awaitable[list[AggregateSnapshotPublished]]] | None = None
    #: The service's own typed state (``service_state(request, Kind)``).
    extra: Any = None
    #: The node's signing key and pinned directory (``CONCORDIA_IDENTITY_*``); None unset.
    identity: NodeIdentity | None = None

    @property
    def link(self) -> NatsLink:
        """The LOCAL link."""
        assert self.links is not None, "this service runs without NATS links"
        return self.links.local

    @property
    def shared_link(self) -> NatsLink | None:
        """The COALITION link, when federated."""
        return None if self.links is None else self.links.shared

    @property
    def coalition(self) -> NatsLink:
        """Where hub traffic goes: the COALITION link, or the LOCAL one when unfederated."""
        return self.shared_link or self.link

    def is_leader(self) -> bool:
        """Whether this worker holds the outbox relay's lease (or runs alone)."""
        return self.relay is None or self.relay.metrics.is_leader

    def rules(self) -> DisclosureRules:
        """The disclosure rules in force: the hub's charter under the node's own floors."""
        settings = self.settings
        assert isinstance(settings, ServiceSettings)
        assert self.follower is not None
        return disclosure_rules(
            self.follower.current,
            k=settings.disclosure_k,
            rounding_base=settings.rounding_base,
            # The operator who accepts looser charters accepts their k too.
            k_min=1 if settings.disclosure_accept_looser else settings.disclosure_k_min,
        )

    def release_terms(self, rules: DisclosureRules) -> ReleaseTerms:
        """The terms of a release under ``rules`` (``Publish``), for ``aggregates.publish(...)``."""
        assert self.follower is not None
        return ReleaseTerms(
            db=self.db, k=rules.k, rounding_base=rules.rounding_base,
            charter_version=self.follower.current.version, sign=event_signer(self.identity),
        )  # fmt: skip

    def secure_tables(self) -> frozenset[str]:
        """This service's tables the charter in force lists as secure (never published plain)."""
        assert self.follower is not None
        return frozenset(t.table for t in self.follower.current.secure if t.service == self.service)


@dataclass
class ServiceDefinition:
    """What a service brings to the kit: everything else is the same for every service."""

    name: str
    service_dir: Path
    settings: CoreSettings
    routers: Sequence[APIRouter]
    description: str
    #: Node services talk NATS (links, relay, charter, status); the hub brings its own parts.
    node_service: bool = True
    publish: Publish | None = None
    consumers: Sequence[ConsumerSpec] = ()
    #: The service's own start-up parts, entered in order after the kit's, left in reverse.
    parts: Sequence[Part] = ()
    extra: Any = None
    #: Builds the service's own state once the runtime (its database, metrics) exists.
    setup: Callable[[Runtime], Any] | None = None
    extra_schemas: Sequence[type[BaseModel]] = ()
    error_handlers: dict[type[Exception], ErrorHandler] = field(default_factory=dict)
    #: The service's sections of the node console (``/console``); the kit adds its own.
    console: Sequence[console.ConsoleSection] = ()
    #: Where the catalogues of the service's console strings are (``locales/<lang>/...``).
    console_locales: Sequence[Path] = ()
    #: Scopes that may read the log of the service's bulk syncs; None: it has no bulk sync.
    sync_scopes: frozenset[str] | None = None
    #: The service's tables the charter may list as secure: the kit adds the part that
    #: answers the hub's rounds for them (after the service's own parts) and the route of their
    #: epsilon ledger and releases (``concordia.kit.secure.SecureTables``).
    secure: SecureTables | None = None


def build_app(definition: ServiceDefinition) -> FastAPI:
    """Build a service's FastAPI app and its lifespan from its definition."""
    d = definition
    settings = d.settings
    db = Database(settings.database_url)
    links = (
        NodeLinks(
            d.name,
            settings.node,
            settings.nats_url,
            settings.nats_shared_url,
            inbound=any(spec.inbound for spec in d.consumers),
        )
        if d.node_service
        else None
    )
    rt = Runtime.for_app(settings=settings, db=db, service=d.name, links=links, extra=d.extra)
    if isinstance(settings, ServiceSettings):
        rt.identity = load_identity(settings)
    if d.setup is not None:
        rt.extra = d.setup(rt)
    if d.node_service:
        assert isinstance(settings, ServiceSettings)
        # Charters and decisions count with m signatures of the directory the node pinned.
        pinned = PinnedDirectoryFile(settings.identity_directory_file)
        rt.follower = follower = CharterFollower(
            db, charters, node=settings.node, service=d.name, outbox=outbox,
            interval=settings.status_interval_seconds, floors=settings.disclosure_floors(),
            sign=event_signer(rt.identity), directory=pinned,
        )  # fmt: skip
        rt.decisions = DecisionFollower(
            db, decisions, node=settings.node, on_held=follower.held_decisions,
            directory=pinned, signatures_required=lambda: follower.current.signatures_required,
        )  # fmt: skip
        ConsumerCollector(lambda: rt.consumers.values()).register(rt.metrics)
    if d.publish is not None:
        publish = d.publish

        async def publish_aggregates() -> list[AggregateSnapshotPublished]:
            # In the trace of the newest traced change since the last round (tracing on).
            with tracing.release_round(db.engine.sync_engine, f"{d.name} aggregates release"):
                return await publish(rt, rt.rules())

        rt.publish_aggregates = publish_aggregates

    parts, routers = [*d.parts], [*d.routers]
    if d.secure is not None:
        parts.append(d.secure.part())
        routers.append(d.secure.router(d.name))
    if d.node_service:
        routers.append(_decisions_router(d.name))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await ensure_migrated(db, d.service_dir, d.name)
        async with AsyncExitStack() as stack:
            if d.node_service:
                await stack.enter_async_context(_node_parts(rt, d))
            for part in parts:
                await stack.enter_async_context(part(rt))
            yield

    app = create_app(
        service=d.name,
        settings=settings,
        state=rt,
        routers=routers,
        lifespan=lifespan,
        readiness=links.readiness() if links is not None else None,
        description=d.description,
        extra_schemas=d.extra_schemas,
    )
    for exc_type, handler in d.error_handlers.items():
        app.add_exception_handler(exc_type, handler)
    if d.node_service:
        sections = [*d.console]
        if d.sync_scopes is not None:
            sections.append(console.sync_runs_section(d.sync_scopes))
        # The coalition's decisions: for the node's readers, administrators and operators.
        readers = {"ops", f"{d.name}:read", f"{d.name}:admin"}
        sections.append(console.decisions_section(frozenset(readers)))
        sections.append(console.sent_section())
        app.include_router(console.router(d.name, settings.node, sections, d.console_locales))
    return app


@asynccontextmanager
async def _node_parts(rt: Runtime, d: ServiceDefinition) -> AsyncIterator[None]:
    """Links, relay, consumers, charter follower and publisher of a node service."""
    settings = rt.settings
    assert isinstance(settings, ServiceSettings)
    assert rt.links is not None
    assert rt.follower is not None
    links = rt.links
    # Usually the broker is there: be ready at once. If not, start anyway; the outbox waits.
    await links.start()
    tasks: list[asyncio.Task[None]] = []
    try:
        if settings.relay_enabled:
            rt.relay = OutboxRelay(rt.db, outbox, links.route())
            RelayCollector(rt.relay).register(rt.metrics)
            await rt.relay.start()
        if settings.consumer_enabled:
            for spec in d.consumers:
                consumer = Consumer(
                    (rt.coalition if spec.inbound else links.local).js, rt.db, inbox,
                    spec.handler(rt), name=consumer_name(d.name, spec.name, settings.node),
                    subjects=list(spec.subjects), node="*" if spec.inbound else settings.node,
                    stream=(links.inbound() if spec.inbound else local_stream(settings.node)).name,
                    max_deliver=spec.max_deliver,
                )  # fmt: skip
                await consumer.start()
                rt.consumers[spec.name] = consumer
        # The charter comes from the hub over the shared link (the only link when unfederated).
        await rt.follower.start(rt.coalition.client)
        if rt.decisions is not None:
            await rt.decisions.start(rt.coalition.client)
        if rt.publish_aggregates is not None:
            tasks.append(
                asyncio.create_task(
                    run_publisher(
                        rt.publish_aggregates,
                        interval=settings.aggregate_interval_seconds,
                        is_leader=rt.is_leader,
                    ),
                    name=f"{d.name}-aggregate-publisher",
                )
            )
        yield
    finally:
        await cancel_all(tasks)
        if rt.decisions is not None:
            await rt.decisions.stop()
        await rt.follower.stop()
        for consumer in reversed(list(rt.consumers.values())):
            await consumer.stop()
        if rt.relay is not None:
            await rt.relay.stop()
        await links.stop()


def _decisions_router(service: str) -> APIRouter:
    """``GET /v1/coalition/decisions``: the coalition's decisions concerning this node."""
    scopes = next((s.scopes for s in SERVICES if s.name == service), ("ops",))
    router = APIRouter(prefix="/v1/coalition", tags=["coalition"])

    @router.get("/decisions", response_model=list[CoalitionDecisionPublished])
    async def coalition_decisions(
        request: Request, _: Principal = require(*scopes, any_of=True)
    ) -> list[CoalitionDecisionPublished]:
        """The coordination group's decisions that concern this node, newest change first.

        The hub sends them over the coalition link and again until this node reports holding
        them, so a node that was offline gets every one, in order.
        """
        return await decisions.all(runtime(request).db)

    @router.post(
        "/signatures", response_model=SignedDocument,
        responses={503: {"description": "This node has no signing key."}},
    )  # fmt: skip
    async def coalition_sign(
        document: CoalitionDocument, request: Request, principal: Principal = require("ops")
    ) -> SignedDocument:
        """Sign a proposed charter or a decision of the coordination group with this node's
        key (scope `ops`): what `concordia charter sign` and `decision sign` do, for a portal.

        Send the document the hub serves (`GET /v1/charter/{revision}/document` or
        `/v1/decisions/{id}/document`); the answer is the document with this node's signature,
        which the caller relays to the hub (`POST .../signatures`). A body without a canonical
        JSON form (RFC 8785, e.g. a lone surrogate or an integer beyond 2^53) is a 409
        `inconsistent-fields`. The key never leaves the node.
        Only charters and decisions are signed here: a directory change is signed offline
        (`concordia node pin-directory`). 503 when this node has no key.
        """
        identity = runtime(request).identity
        if identity is None:
            raise ServiceUnavailableError(
                "this node has no signing key (CONCORDIA_IDENTITY_KEY_FILE; concordia node init)"
            )
        try:
            signed = SignedDocument(kind=document.kind, body=document.body).signed(
                identity.node, identity.key
            )
        except (ValueError, UnicodeError) as exc:  # no canonical form (RFC 8785): not signable
            # No JSON Schema states it (RFC 8785's number domain, lone surrogates): 409.
            raise InconsistentError(["body", "body"], f"not signable JSON: {exc}") from exc
        log.warning(
            "signed for the coalition",
            extra={"kind": document.kind, "digest": signed.digest, "token": principal.name},
        )
        return signed

    return router


class CoalitionDocument(BaseModel):
    """A document a node's API signs (``POST /v1/coalition/signatures``): a proposed charter or
    a decision of the coordination group, as the hub serves it (its signatures need not come
    along: this node's is added to none of them)."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["charter", "decision"]
    body: dict[str, Any]


def consumer_name(service: str, name: str, node: str) -> str:
    """The durable name of a service's consumer on a node."""
    return f"{service}-{name}-{node}"


async def cancel_all(tasks: Sequence[asyncio.Task[Any]]) -> None:
    """Cancel background tasks and wait until each has stopped."""
    await cancel_and_wait(*tasks)


def background(name: str, run: Callable[[Runtime], Awaitable[None]]) -> Part:
    """A start-up part that runs ``run(runtime)`` as a task for the app's lifetime."""

    @asynccontextmanager
    async def part(rt: Runtime) -> AsyncIterator[None]:
        task: asyncio.Task[None] = asyncio.create_task(_call(run, rt), name=name)
        try:
            yield
        finally:
            await cancel_all([task])

    return part


async def _call(run: Callable[[Runtime], Awaitable[None]], rt: Runtime) -> None:
    await run(rt)


def runtime(request: Request) -> Runtime:
    """The kit's typed state of the app serving ``request``."""
    state = request.app.state.concordia
    assert isinstance(state, Runtime)
    return state


def service_state(request: Request, kind: type[T]) -> T:
    """The service's own typed state (``ServiceDefinition.extra``)."""
    extra = runtime(request).extra
    if not isinstance(extra, kind):
        raise TypeError(f"the app's state is {type(extra).__name__}, not {kind.__name__}")
    return extra


RuntimeDep = Annotated[Runtime, Depends(runtime)]


def serve(name: str, create: Callable[[Any], FastAPI], settings: CoreSettings) -> FastAPI:
    """A uvicorn factory's body: logging set up first, then the app."""
    configure_logging(settings.log_level, service=name)
    return create(settings)
