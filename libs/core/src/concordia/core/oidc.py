"""Access tokens from the ministry's identity provider: OAuth 2.0 client credentials (JWT).

Beside the opaque ``cnc_`` tokens a service accepts a JWT access token (RFC 9068) from one
configured issuer (``CONCORDIA_OIDC_*``). Its signature is checked against the issuer's JWKS
(fetched over HTTP with PyJWT's ``PyJWKClient``, cached for ``jwks_cache_seconds`` so a rotated
key set is picked up, and fetched again at once for a key id not seen yet — at most once per
``jwks_refresh_seconds``, so unknown key ids cannot make us hammer the issuer). The issuer, the
audience, the expiry (with a small leeway) and the subject are required; only asymmetric
algorithms are accepted (never ``none`` nor an HMAC, whose "secret" an attacker would read
from the public key set). The ``scope`` claim (or ``scp``) maps to Concordia's scopes (an
optional prefix such as ``concordia/`` is stripped; scopes Concordia does not know are
ignored), and the owner claim names the agency or donor the client acts for, as a token's
``--owner`` does. A token without an owner is refused.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient

log = logging.getLogger(__name__)

#: Algorithms a deployment may allow: asymmetric only.
ASYMMETRIC = frozenset({
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
})  # fmt: skip
#: What the audit trail and the logs name a JWT caller by: ``oidc:<sub>``.
SUBJECT_PREFIX = "oidc:"


class TokenRefused(Exception):
    """Why a JWT was refused (logged, never shown to the caller)."""


def looks_like_jwt(token: str) -> bool:
    """Whether ``token`` has the shape of a compact JWS (three base64url parts)."""
    return token.count(".") == 2 and not token.startswith("cnc_")


@dataclass(frozen=True)
class OidcConfig:
    """What a service trusts: one issuer, its key set, the audience, how claims map."""

    issuer: str
    audience: str
    jwks_url: str
    algorithms: frozenset[str] = frozenset({"RS256", "PS256", "ES256", "EdDSA"})
    scope_prefix: str = ""
    owner_claim: str = "concordia_owner"
    jwks_cache_seconds: float = 300.0
    jwks_refresh_seconds: float = 30.0
    leeway_seconds: float = 30.0


@dataclass(frozen=True)
class Claims:
    """What a verified token says about its caller."""

    subject: str
    issuer: str
    scopes: frozenset[str]
    owner: str | None
    expires_at: float


class OidcVerifier:
    """Verify JWT access tokens of one issuer; thread-safe (run it off the event loop)."""

    def __init__(self, config: OidcConfig, *, clock: Callable[[], float] = time.monotonic):
        if not config.algorithms or not config.algorithms <= ASYMMETRIC:
            raise ValueError(f"only asymmetric algorithms may be allowed: {sorted(ASYMMETRIC)}")
        self.config = config
        self._jwks = PyJWKClient(
            config.jwks_url,
            cache_keys=False,
            cache_jwk_set=True,
            lifespan=max(1, int(config.jwks_cache_seconds)),
            timeout=5,
        )
        self._clock = clock
        self._lock = threading.Lock()
        self._fetched = -math.inf

    def _key(self, kid: str) -> PyJWK:
        with self._lock:
            try:
                keys = self._jwks.get_signing_keys()  # the cached set while it is fresh
            except jwt.PyJWKClientError as exc:
                raise TokenRefused(f"key set unavailable: {exc}") from exc
            found = _match(keys, kid)
            if found is None and self._clock() - self._fetched >= self.config.jwks_refresh_seconds:
                self._fetched = self._clock()  # a rotated key: fetch the set again, once
                try:
                    found = _match(self._jwks.get_signing_keys(refresh=True), kid)
                except jwt.PyJWKClientError as exc:
                    raise TokenRefused(f"key set unavailable: {exc}") from exc
        if found is None:
            raise TokenRefused(f"no key {kid!r} in the issuer's key set")
        return found

    def claims(self, token: str) -> Claims:
        """The verified claims of ``token``, or ``TokenRefused`` naming why not."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"not a JWT: {exc}") from exc
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self.config.algorithms:
            raise TokenRefused(f"algorithm {alg!r} is not allowed")
        if not isinstance(kid, str) or not kid:
            raise TokenRefused("no key id (kid) in the header")
        key = self._key(kid)  # PyJWT refuses a key of another type than ``alg`` wants
        try:
            body: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.config.audience,
                issuer=self.config.issuer,
                leeway=self.config.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"{type(exc).__name__}: {exc}") from exc
        owner = body.get(self.config.owner_claim)
        return Claims(
            subject=str(body["sub"]),
            issuer=str(body["iss"]),
            scopes=frozenset(self._scopes(body)),
            owner=owner if isinstance(owner, str) else None,
            expires_at=float(body["exp"]),
        )

    def _scopes(self, body: dict[str, Any]) -> Iterable[str]:
        granted = body.get("scope", body.get("scp", ""))
        names = granted.split() if isinstance(granted, str) else granted
        if not isinstance(names, list):
            return
        prefix = self.config.scope_prefix
        for name in names:
            if isinstance(name, str) and name.startswith(prefix):
                yield name[len(prefix) :]


def _match(keys: list[PyJWK], kid: str) -> PyJWK | None:
    return next((key for key in keys if key.key_id == kid), None)


def subject_id(issuer: str, subject: str) -> str:
    """A stable 32-character id for a JWT caller (where token ids are kept)."""
    return "oidc-" + hashlib.sha256(f"{issuer}\0{subject}".encode()).hexdigest()[:27]
