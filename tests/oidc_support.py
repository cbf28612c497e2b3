"""An identity provider of the tests' own: RSA keys, a JWKS served over real HTTP, tokens.

The key set is served by ``http.server`` on a free port, changed by the test (rotation), and
counts its fetches. Tokens are signed with PyJWT as an OAuth 2.0 client-credentials grant would
issue them (RFC 9068 claims).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

ISSUER = "https://login.example.test/realms/ministry"
AUDIENCE = "concordia-node-st"


@dataclass
class SigningKey:
    """One RSA key of the provider, named by its key id."""

    kid: str
    private: RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        """The public half as a JWK."""
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def public_pem(self) -> bytes:
        """The public key in PEM (what an HMAC-confusion attacker would use as a secret)."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class Provider:
    """The keys the JWKS endpoint publishes, and how often it was fetched."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = [SigningKey("key-1")]
        self.fetches = 0
        self.url = ""

    def token(self, key: SigningKey | None = None, *, alg: str = "RS256", **claims: Any) -> str:
        """A signed access token; claims override the defaults (``None`` drops one)."""
        key = key or self.keys[0]
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER, "aud": AUDIENCE, "sub": "client-st-migration", "iat": now,
            "exp": now + 300, "scope": "concordia/registry:read concordia/registry:write",
            "concordia_owner": "agency:test-1", "client_id": "client-st-migration",
        }  # fmt: skip
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, key.private, algorithm=alg, headers={"kid": key.kid})


@contextmanager
def serve_jwks(provider: Provider) -> Iterator[Provider]:
    """Serve ``provider``'s key set at ``provider.url`` while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider.fetches += 1
            body = json.dumps({"keys": [k.jwk() for k in provider.keys]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/realms/ministry/certs"
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


def oidc_settings(provider: Provider, **extra: Any) -> dict[str, Any]:
    """Service settings trusting ``provider`` (field names, as a settings class takes them)."""
    return {
        "oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_jwks_url": provider.url,
        "oidc_scope_prefix": "concordia/", **extra,
    }  # fmt: skip
