"""JWT access tokens from a configured identity provider, its key set served over real HTTP.

Accepted: the right issuer, audience and signature, unexpired; the scope claim maps to
Concordia's scopes and the owner claim to the owner. Refused: every classic attack.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from oidc_support import AUDIENCE, ISSUER, Provider, SigningKey, oidc_settings, serve_jwks
from pydantic import ValidationError

from concordia.core.auth import TokenStore
from concordia.core.oidc import OidcConfig, OidcVerifier
from concordia.core.settings import CoreSettings


@pytest.fixture
def provider() -> Iterator[Provider]:
    with serve_jwks(Provider()) as served:
        yield served


def _store(tmp_path: Path, provider: Provider, **config: float) -> TokenStore:
    oidc = OidcVerifier(
        OidcConfig(issuer=ISSUER, audience=AUDIENCE, jwks_url=provider.url,
                   scope_prefix="concordia/", **config)  # type: ignore[arg-type]
    )  # fmt: skip
    return TokenStore(tmp_path / "tokens.json", oidc=oidc)


def test_a_valid_token_maps_subject_scopes_and_owner(tmp_path: Path, provider: Provider) -> None:
    store = _store(tmp_path, provider)
    token = provider.token(scope="concordia/registry:read concordia/ops other:scope registry:admin")

    principal = store.verify(token)

    assert principal is not None
    assert principal.name == "oidc:client-st-migration"
    assert principal.owner == "agency:test-1"
    # Only prefixed names that are Concordia scopes: "registry:admin" without the prefix is not.
    assert principal.scopes == {"registry:read", "ops"}
    assert principal.token_id.startswith("oidc-")
    assert len(principal.token_id) == 32
    assert store.verify(provider.token()) == store.verify(provider.token())  # a stable identity
    assert provider.fetches == 1  # the key set is cached


def test_scp_as_a_list_is_read_too(tmp_path: Path, provider: Provider) -> None:
    token = provider.token(scope=None, scp=["concordia/ledger:write", "concordia/feed:read"])
    principal = _store(tmp_path, provider).verify(token)
    assert principal is not None
    assert principal.scopes == {"ledger:write", "feed:read"}


@pytest.mark.parametrize(
    ("why", "claims"),
    [
        ("wrong issuer", {"iss": "https://login.example.test/realms/elsewhere"}),
        ("wrong audience", {"aud": "concordia-node-xx"}),
        # Times relative to when the test runs (a long suite collects it long before).
        ("expired", {"exp": -120}),
        ("not yet valid", {"nbf": 600}),
        ("no expiry", {"exp": None}),
        ("no subject", {"sub": None}),
        ("no owner", {"concordia_owner": None}),
        ("a malformed owner", {"concordia_owner": "Agency Test"}),
    ],
)
def test_bad_claims_are_refused(
    tmp_path: Path, provider: Provider, why: str, claims: dict[str, object]
) -> None:
    store = _store(tmp_path, provider)
    assert store.verify(provider.token()) is not None
    claims = {k: int(time.time()) + v if k in ("exp", "nbf") and isinstance(v, int) else v
              for k, v in claims.items()}  # fmt: skip
    assert store.verify(provider.token(**claims)) is None, why


def test_a_token_signed_by_a_key_not_in_the_set_is_refused(
    tmp_path: Path, provider: Provider
) -> None:
    store = _store(tmp_path, provider)
    impostor = SigningKey("key-1")  # the published key id, another key
    assert store.verify(provider.token(impostor)) is None
    stranger = SigningKey("key-9")
    assert store.verify(provider.token(stranger)) is None
    fetched = provider.fetches
    # Unknown key ids do not make the service fetch the set again and again.
    for n in range(5):
        assert store.verify(provider.token(SigningKey(f"key-x{n}"))) is None
    assert provider.fetches == fetched


def _unsigned(claims: dict[str, object], header: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def test_alg_none_and_hmac_confusion_are_refused(tmp_path: Path, provider: Provider) -> None:
    store = _store(tmp_path, provider)
    claims = jwt.decode(provider.token(), options={"verify_signature": False})
    assert store.verify(_unsigned(claims, {"alg": "none", "kid": "key-1"})) is None
    # HS256 "signed" with the published public key: a verifier that took the key as an HMAC
    # secret would accept it. PyJWT itself refuses a PEM as an HMAC key, so sign by hand.
    head = base64.urlsafe_b64encode(
        json.dumps({"alg": "HS256", "kid": "key-1", "typ": "JWT"}).encode()
    ).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    mac = hmac.new(provider.keys[0].public_pem(), head + b"." + body, hashlib.sha256).digest()
    forged = b".".join([head, body, base64.urlsafe_b64encode(mac).rstrip(b"=")]).decode()
    assert store.verify(forged) is None
    # A tampered payload under a genuine signature.
    genuine = provider.token().split(".")
    raised = {**claims, "concordia_owner": "agency:test-2"}
    tampered = ".".join([genuine[0], _unsigned(raised, {}).split(".")[1], genuine[2]])
    assert store.verify(tampered) is None


def test_a_rotated_key_is_fetched_once_and_a_removed_one_expires(
    tmp_path: Path, provider: Provider
) -> None:
    store = _store(tmp_path, provider, jwks_cache_seconds=1, jwks_refresh_seconds=0)
    assert store.verify(provider.token()) is not None
    old = provider.keys[0]
    provider.keys = [old, SigningKey("key-2")]  # the provider rotates: a new key is published
    assert store.verify(provider.token(provider.keys[1])) is not None
    assert provider.fetches == 2
    provider.keys = provider.keys[1:]  # the old key is withdrawn
    time.sleep(1.2)  # past the cache's lifetime: the set is fetched again
    assert store.verify(provider.token(old)) is None
    assert store.verify(provider.token(provider.keys[0])) is not None


def test_an_unreachable_key_set_refuses_rather_than_fails(tmp_path: Path) -> None:
    with serve_jwks(Provider()) as gone:
        url = gone.url
    store = TokenStore(
        tmp_path / "tokens.json",
        oidc=OidcVerifier(OidcConfig(issuer=ISSUER, audience=AUDIENCE, jwks_url=url)),
    )
    assert store.verify(gone.token()) is None


def test_opaque_tokens_still_work_beside(tmp_path: Path, provider: Provider) -> None:
    store = _store(tmp_path, provider)
    opaque = store.create("agency-sync", {"registry:read"}, owner="agency:test-1")
    principal = store.verify(opaque)
    assert principal is not None
    assert principal.name == "agency-sync"


def test_settings_require_a_complete_asymmetric_configuration(provider: Provider) -> None:
    settings = CoreSettings(env="test", **oidc_settings(provider))
    config = settings.oidc_config()
    assert config is not None
    assert config.issuer == ISSUER
    assert config.scope_prefix == "concordia/"
    assert CoreSettings(env="test").oidc_config() is None
    with pytest.raises(ValidationError, match="CONCORDIA_OIDC_AUDIENCE"):
        CoreSettings(env="test", oidc_issuer=ISSUER)
    for refused in (["HS256"], ["none"], []):
        with pytest.raises(ValidationError, match="asymmetric"):
            CoreSettings(env="test", **oidc_settings(provider, oidc_algorithms=refused))
    with pytest.raises(ValueError, match="asymmetric"):
        OidcVerifier(OidcConfig(issuer=ISSUER, audience=AUDIENCE, jwks_url=provider.url,
                                algorithms=frozenset({"HS256"})))  # fmt: skip
