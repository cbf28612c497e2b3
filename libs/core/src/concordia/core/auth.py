"""Bearer tokens with scopes, stored hashed in a node-level JSON file.

A token reads ``cnc_<id>_<secret>``. The file keeps only the SHA-256 of the secret, so a leaked
file grants nothing; lookup is by id, and the hash is compared in constant time. The file is
re-read when it changes, so ``concordia token create``/``revoke`` take effect without restarts.

A token may carry an expiry (``expires_at``): past it, it is refused like a revoked one. Each
service notes when it last saw a token in ``<tokens file>.last-used/<id>`` (one small file per
token, its content the time), at most once a minute per token, never per request, and never in
the tokens file itself, which the CLI owns (a service rewriting it could undo a revocation).
A read-only tokens directory (a Kubernetes secret) only costs the record, never a request.

With an identity provider configured (``concordia.core.oidc``), the store also accepts its JWT
access tokens: the caller is then ``oidc:<sub>``, with the scopes and owner its claims map to.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from concordia.core.oidc import (
    SUBJECT_PREFIX,
    OidcVerifier,
    TokenRefused,
    looks_like_jwt,
    subject_id,
)

SCOPES: dict[str, str] = {
    "registry:read": "read persons, organisations and permits",
    "registry:write": "create, change and erase registry records",
    "registry:admin": "read and change every owner's registry records (the node's operator)",
    "ledger:write": "record donors, grants and transactions",
    "ledger:admin": "read and change every owner's donors and grants (the node's operator)",
    "feed:read": "read the funding feed (public grants)",
    "feed:coalition": "see coalition grants in the funding feed (with feed:read)",
    "registry:screen": "screen texts for registered names before they leave the node",
    "exchange:read": "read and search best practices",
    "exchange:write": "write best practices, endorsements and comments",
    "exchange:approve": "approve what others wrote for the coalition (four eyes)",
    "evaluation:write": "record evaluations (an evaluator's assessments and conflicts)",
    "evaluation:admin": "register evaluators, draw assessors, record award panels",
    "evaluation:read": "read evaluation indicators, targets and agreement",
    "hub:read": "read coalition aggregates",
    "hub:admin": "set the charter, run scans, act as the hub's operator",
    "hub:member": "act for a member state or donor (the token's owner): commit, add, decide",
    "hub:advise": "advise the coordination group as an expert: comment, propose objectives",
    "ops": "operate the node: audit log, status",
}
_PREFIX = "cnc"
#: Seconds between two records of one token's last use.
LAST_USE_EVERY = 60.0
log = logging.getLogger(__name__)
#: The owner of a token issued without one, and of every record made before owners existed.
OPERATOR = "operator"
#: ``operator``, or ``{kind}:{name}`` such as ``agency:se-migration`` or ``donor:sida``.
OWNER_PATTERN = re.compile(r"^(operator|[a-z][a-z0-9_]*:[a-z0-9][a-z0-9._-]{0,62})$")


def check_owner(owner: str) -> str:
    """``owner`` if it is a valid owner name (``operator`` or ``kind:name``), else ValueError."""
    if not OWNER_PATTERN.fullmatch(owner):
        raise ValueError(
            f"owner {owner!r} is not 'operator' or 'kind:name' (lowercase, e.g. 'agency:se-1')"
        )
    return owner


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's id, its human-readable name, its scopes and its owner."""

    token_id: str
    name: str
    scopes: frozenset[str]
    #: Whose records the token reads and writes: an agency, a donor, or the node's operator.
    owner: str = OPERATOR

    def owner_filter(self, admin_scope: str) -> str | None:
        """The owner to limit records to, or None when ``admin_scope`` grants every owner's."""
        return None if admin_scope in self.scopes else self.owner


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore:
    """Hashed tokens in a JSON file, reloaded when the file changes.

    Example::

        store = TokenStore(Path("var/se/tokens.json"))
        token = store.create("agency-sync", {"registry:write"})   # shown once
        store.verify(token)                                          # -> Principal
    """

    def __init__(self, path: Path, *, oidc: OidcVerifier | None = None) -> None:
        self.path = path
        self.oidc = oidc
        self._stamp: tuple[int, int] | None = None
        self._entries: dict[str, dict[str, Any]] = {}
        self._noted: dict[str, float] = {}  # token id -> monotonic time of the last record
        self._note_failed = False

    @property
    def last_used_dir(self) -> Path:
        """Where the services record each token's last use."""
        return self.path.with_name(self.path.name + ".last-used")

    def last_used(self, token_id: str) -> datetime | None:
        """When a service last recorded a use of the token (to the minute), or None."""
        try:
            return datetime.fromisoformat((self.last_used_dir / token_id).read_text().strip())
        except (OSError, ValueError):
            return None

    def _note_use(self, token_id: str) -> None:
        now = time.monotonic()
        last = self._noted.get(token_id)
        if last is not None and now - last < LAST_USE_EVERY:
            return
        self._noted[token_id] = now
        try:
            self.last_used_dir.mkdir(mode=0o700, exist_ok=True)
            target = self.last_used_dir / token_id
            tmp = target.with_name(f".{token_id}.{os.getpid()}.tmp")
            tmp.write_text(datetime.now(UTC).isoformat(timespec="seconds"))
            tmp.replace(target)
        except OSError as exc:
            if not self._note_failed:  # say it once, not per token per minute
                log.warning("cannot record token use in %s: %s", self.last_used_dir, exc)
                self._note_failed = True

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._entries = None, {}
            return self._entries
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._entries = json.loads(self.path.read_text() or "{}").get("tokens", {})
            self._stamp = stamp
        return self._entries

    def _save(self, entries: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"tokens": entries}, indent=2, sort_keys=True))
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)
        self._stamp = None

    def create(
        self,
        name: str,
        scopes: set[str] | frozenset[str],
        *,
        owner: str = OPERATOR,
        expires_in: timedelta | None = None,
    ) -> str:
        """Issue a token with ``scopes`` for ``owner`` (valid for ``expires_in``, or until
        revoked); returns the plain token, which is never stored."""
        check_owner(owner)
        unknown = set(scopes) - SCOPES.keys()
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        if expires_in is not None and expires_in <= timedelta(0):
            raise ValueError("expires_in must be positive")
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        entries = dict(self._load())
        created = datetime.now(UTC)
        entries[token_id] = {
            "name": name,
            "scopes": sorted(scopes),
            "owner": owner,
            "sha256": _hash(secret),
            "created_at": created.isoformat(),
        }
        if expires_in is not None:
            entries[token_id]["expires_at"] = (created + expires_in).isoformat()
        self._save(entries)
        return f"{_PREFIX}_{token_id}_{secret}"

    def revoke(self, token_id: str) -> bool:
        """Remove a token; returns whether it existed."""
        entries = dict(self._load())
        found = entries.pop(token_id, None) is not None
        self._save(entries)
        (self.last_used_dir / token_id).unlink(missing_ok=True)
        return found

    def verify_jwt(self, token: str) -> Principal | None:
        """The principal of an identity provider's access token, else None (reason logged).

        May fetch the issuer's key set: call it off the event loop (``verify_async``).
        """
        if self.oidc is None:
            return None
        try:
            claims = self.oidc.claims(token)
            owner = check_owner(claims.owner) if claims.owner is not None else None
        except (TokenRefused, ValueError) as exc:
            log.info("access token refused", extra={"reason": str(exc)[:300]})
            return None
        if owner is None:
            log.info("access token refused", extra={"reason": "it names no owner"})
            return None
        return Principal(
            token_id=subject_id(claims.issuer, claims.subject),
            name=f"{SUBJECT_PREFIX}{claims.subject}"[:128],
            scopes=claims.scopes & SCOPES.keys(),
            owner=owner,
        )

    async def verify_async(self, token: str) -> Principal | None:
        """:meth:`verify`, with a JWT's key lookup (maybe a fetch) in a worker thread."""
        if self.oidc is not None and looks_like_jwt(token):
            return await run_in_threadpool(self.verify_jwt, token)
        return self.verify(token)

    def verify(self, token: str) -> Principal | None:
        """Return the principal for a valid token, else None (constant-time hash compare)."""
        if self.oidc is not None and looks_like_jwt(token):
            return self.verify_jwt(token)
        prefix, _, rest = token.partition("_")
        token_id, _, secret = rest.partition("_")
        entry = self._load().get(token_id) if prefix == _PREFIX else None
        expected = entry["sha256"] if entry else _hash("")
        matches = hmac.compare_digest(expected, _hash(secret))
        if entry is None or not matches:
            return None
        expires = entry.get("expires_at")
        if expires is not None and datetime.now(UTC) >= datetime.fromisoformat(expires):
            return None
        self._note_use(token_id)
        return Principal(
            token_id=token_id,
            name=entry["name"],
            scopes=frozenset(entry["scopes"]),
            owner=entry.get("owner", OPERATOR),
        )


_bearer = HTTPBearer(auto_error=False, description="A Concordia API token: `cnc_<id>_<secret>`.")


def authorize(
    request: Request, principal: Principal | None, needed: frozenset[str], *, any_of: bool = False
) -> Principal:
    """``principal`` (a bearer token's, verified) if it holds ``needed`` scopes (all, or one
    with any_of).

    Raises 401 for a missing or invalid token and 403 for a missing scope.
    """
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    missing = needed - principal.scopes
    if any_of and missing != needed:
        missing = frozenset()
    if missing:
        wanted = f"one of {', '.join(sorted(needed))}" if any_of else ", ".join(sorted(missing))
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"token lacks scope: {wanted}")
    request.state.principal = principal
    return principal


def require(*scopes: str, any_of: bool = False) -> Any:
    """A FastAPI dependency that admits a bearer token carrying every scope in ``scopes``.

    With ``any_of=True`` one of the scopes is enough, e.g. reads open to writers and readers.
    """
    needed = frozenset(scopes)

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        store: TokenStore = request.app.state.concordia.tokens
        token = credentials.credentials if credentials else None
        principal = await store.verify_async(token) if token else None
        return authorize(request, principal, needed, any_of=any_of)

    return Depends(dependency)


@dataclass(frozen=True, slots=True)
class Caller(Principal):
    """Who calls a route, as every service's route dependencies give it.

    The names are one set in every service, each of this one type: ``Reader`` (reads),
    ``Writer`` (writes), ``Admin`` (administers: every owner's records, or the coalition's
    settings), ``Approver`` (the second pair of eyes), ``Operator`` (operates the node, ``ops``).
    Besides the token's principal a caller carries why it calls (``X-Purpose``, where a route
    touches personal data) and the service's admin scope, whose holder sees every owner's records.
    """

    purpose: str | None = None
    admin_scope: str | None = None

    @property
    def admin(self) -> bool:
        """Whether the caller holds the service's admin scope (every owner's records)."""
        return self.admin_scope is not None and self.admin_scope in self.scopes

    @property
    def scope(self) -> str | None:
        """The owner whose records the caller is limited to, or None for an admin."""
        return None if self.admin else self.owner

    def owns(self, owner: str) -> bool:
        """Whether a record of ``owner`` is the caller's (an admin's: every owner's)."""
        return self.admin or owner == self.owner


async def _no_purpose() -> str | None:
    return None


def caller(
    *scopes: str, any_of: bool = False, admin: str | None = None, purpose: Any = None
) -> Any:
    """A FastAPI dependency giving the ``Caller`` of a bearer token carrying ``scopes`` (all, or
    one with ``any_of``); ``admin`` is the service's admin scope and ``purpose`` a dependency
    giving the caller's stated purpose (none by default).

    Example::

        Writer = Annotated[Caller, caller("ledger:write", admin="ledger:admin")]
    """
    needed = frozenset(scopes)

    async def authorized(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        store: TokenStore = request.app.state.concordia.tokens
        token = credentials.credentials if credentials else None
        principal = await store.verify_async(token) if token else None
        return authorize(request, principal, needed, any_of=any_of)

    # The token is checked first: a caller without it learns nothing of the purpose rules.
    async def dependency(
        principal: Principal = Depends(authorized),
        why: str | None = purpose or Depends(_no_purpose),
    ) -> Caller:
        return Caller(
            token_id=principal.token_id, name=principal.name, scopes=principal.scopes,
            owner=principal.owner, purpose=why, admin_scope=admin,
        )  # fmt: skip

    return Depends(dependency)


#: Node operation (the audit log, status, exchange rates): the ``ops`` scope, in every service.
Operator = Annotated[Caller, caller("ops")]
