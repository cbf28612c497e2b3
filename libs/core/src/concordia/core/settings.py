"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

from concordia.core.oidc import ASYMMETRIC, OidcConfig

#: The well-known development node key. Refused outside ``CONCORDIA_ENV=dev``/``test``.
DEV_NODE_KEY_BYTES = b"concordia-development-key-32byte"
DEV_NODE_KEY = base64.urlsafe_b64encode(DEV_NODE_KEY_BYTES).decode()

Environment = Literal["dev", "test", "prod"]
_NODE_CODE = re.compile(r"^[a-z]{2}$|^hub$")


def service_config(service: str) -> SettingsConfigDict:
    """The settings config of one service: its variables are ``CONCORDIA_<SERVICE>_*`` (a field
    with a ``validation_alias`` reads that name instead), unknown ones ignored."""
    return SettingsConfigDict(
        env_prefix=f"CONCORDIA_{service.upper()}_", extra="ignore", validate_by_name=True
    )


def seconds(default: float | None, description: str) -> Any:
    """A duration setting, in seconds: positive when set.

    Example: ``stale_after_seconds: float = seconds(90.0, "A service silent this long ...")``
    """
    return Field(default=default, gt=0, description=description)


def at_least_one(default: int, description: str) -> Any:
    """A count or quota setting that is at least one (runs per day, streams per token, ...)."""
    return Field(default=default, ge=1, description=description)


class CoreSettings(BaseSettings):
    """Fields every service needs; subclasses set ``env_prefix="CONCORDIA_<SERVICE>_"``.

    Example::

        class RegistrySettings(CoreSettings):
            model_config = SettingsConfigDict(env_prefix="CONCORDIA_REGISTRY_")
    """

    model_config = SettingsConfigDict(
        env_prefix="CONCORDIA_", extra="ignore", validate_by_name=True
    )

    env: Environment = Field(
        default="prod",
        validation_alias="CONCORDIA_ENV",
        description="dev and test accept development secrets; prod refuses them.",
    )
    # Node-wide settings keep one name across services; the rest take the service's prefix.
    node: str = Field(
        default="xx",
        validation_alias="CONCORDIA_NODE",
        description="Two-letter node code (ISO 3166-1 alpha-2, lower case).",
    )
    nats_url: str = Field(
        default="nats://127.0.0.1:4222",
        validation_alias="CONCORDIA_NATS_URL",
        description="The node's nats-server as this service's LOCAL user "
        "(nats://user:password@host:port; tls:// beyond the machine).",
    )
    nats_shared_url: str | None = Field(
        default=None,
        validation_alias="CONCORDIA_NATS_SHARED_URL",
        description="The COALITION user's URL; unset: shared subjects go over CONCORDIA_NATS_URL.",
    )
    tokens_file: Path = Field(
        default=Path("var/node/tokens.json"),
        validation_alias="CONCORDIA_TOKENS_FILE",
        description="Hashed API tokens of this node.",
    )
    node_key: SecretStr = Field(
        default=SecretStr(DEV_NODE_KEY),
        validation_alias="CONCORDIA_NODE_KEY",
        description="Base64 (url-safe) 32-byte key for personal fields.",
    )
    node_keys_retired: list[SecretStr] = Field(
        default_factory=list,
        validation_alias="CONCORDIA_NODE_KEYS_RETIRED",
        description="Former node keys (a JSON list, same form as the key): they still decrypt "
        "until `concordia node rotate-key` has re-encrypted everything under the current key.",
    )
    disclosure_k_min: int = Field(
        default=10,
        ge=1,
        validation_alias="CONCORDIA_DISCLOSURE_K_MIN",
        description="This node's own floor under the charter's k: the hub may only tighten it.",
    )
    oidc_issuer: str | None = Field(
        default=None,
        validation_alias="CONCORDIA_OIDC_ISSUER",
        description="The identity provider whose JWT access tokens are accepted beside the "
        "opaque tokens (its `iss`, e.g. https://login.example.gov/realms/ministry); unset: "
        "opaque tokens only.",
    )
    oidc_audience: str | None = Field(
        default=None,
        validation_alias="CONCORDIA_OIDC_AUDIENCE",
        description="The `aud` an access token must carry for this node (required with an issuer).",
    )
    oidc_jwks_url: AnyHttpUrl | None = Field(
        default=None,
        validation_alias="CONCORDIA_OIDC_JWKS_URL",
        description="Where the issuer publishes its signing keys (JWKS); required with an issuer.",
    )
    oidc_algorithms: list[str] = Field(
        default_factory=lambda: ["RS256", "PS256", "ES256", "EdDSA"],
        validation_alias="CONCORDIA_OIDC_ALGORITHMS",
        description="Signature algorithms accepted (a JSON list; asymmetric ones only).",
    )
    oidc_scope_prefix: str = Field(
        default="",
        validation_alias="CONCORDIA_OIDC_SCOPE_PREFIX",
        description="Stripped from each name in the `scope` claim before it is matched to "
        "Concordia's scopes (e.g. `concordia/`); names that match none are ignored.",
    )
    oidc_owner_claim: str = Field(
        default="concordia_owner",
        validation_alias="CONCORDIA_OIDC_OWNER_CLAIM",
        description="The claim naming the owner the client acts for (`agency:<name>`, "
        "`donor:<name>` or `operator`); a token without it is refused.",
    )
    oidc_jwks_cache_seconds: float = Field(
        default=300.0,
        ge=1,
        validation_alias="CONCORDIA_OIDC_JWKS_CACHE_SECONDS",
        description="How long the fetched key set is used before it is fetched again.",
    )
    oidc_jwks_refresh_seconds: float = Field(
        default=30.0,
        ge=0,
        validation_alias="CONCORDIA_OIDC_JWKS_REFRESH_SECONDS",
        description="At most one extra fetch of the key set per this many seconds, for a key "
        "id not seen yet (a rotation).",
    )
    oidc_leeway_seconds: float = Field(
        default=30.0,
        ge=0,
        le=300,
        validation_alias="CONCORDIA_OIDC_LEEWAY_SECONDS",
        description="Clock skew tolerated on `exp` and `nbf`.",
    )
    database_url: str = Field(
        default="sqlite:///var/node/service.db",
        description="The service's own database: sqlite:///path or "
        "postgresql://user@host/db (?sslmode=verify-full beyond the machine).",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="Larger request bodies are refused (413)."
    )
    relay_enabled: bool = Field(
        default=True, description="Publish the outbox (off: events wait in the database)."
    )
    otlp_endpoint: AnyHttpUrl | None = Field(
        default=None,
        validation_alias="CONCORDIA_OTLP_ENDPOINT",
        description="OpenTelemetry collector to export traces to, OTLP over HTTP "
        "(e.g. http://collector:4318); unset: tracing is off (no spans, no overhead).",
    )
    trace_sample_ratio: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        validation_alias="CONCORDIA_TRACE_SAMPLE_RATIO",
        description="Share of new traces recorded when tracing is on; a continued trace "
        "follows its parent's decision.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Settings from files too: ``CONCORDIA_SECRETS_DIR`` names a directory (a Kubernetes
        secret mounted as files) where a file named like a variable holds its value; the
        environment wins over it."""
        secrets_dir = os.environ.get("CONCORDIA_SECRETS_DIR")
        if secrets_dir and Path(secrets_dir).is_dir():
            file_secret_settings = SecretsSettingsSource(settings_cls, secrets_dir=secrets_dir)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    @field_validator("node")
    @classmethod
    def _node_code(cls, value: str) -> str:
        value = value.lower()
        if not _NODE_CODE.match(value):
            raise ValueError("node must be a two-letter country code such as 'se'")
        return value

    @field_validator("node_key")
    @classmethod
    def _key_shape(cls, value: SecretStr) -> SecretStr:
        try:
            raw = base64.urlsafe_b64decode(value.get_secret_value().encode())
        except (binascii.Error, ValueError) as exc:
            raise ValueError("node_key must be url-safe base64") from exc
        if len(raw) != 32:
            raise ValueError("node_key must decode to 32 bytes (AES-256)")
        return value

    @field_validator("node_keys_retired")
    @classmethod
    def _retired_shape(cls, values: list[SecretStr]) -> list[SecretStr]:
        for value in values:
            cls._key_shape(value)
        return values

    @field_validator("oidc_algorithms")
    @classmethod
    def _asymmetric_only(cls, values: list[str]) -> list[str]:
        refused = [v for v in values if v not in ASYMMETRIC]
        if refused or not values:
            raise ValueError(
                f"only asymmetric algorithms may be accepted ({', '.join(sorted(ASYMMETRIC))}); "
                f"refused: {', '.join(refused) or 'an empty list'}"
            )
        return values

    @model_validator(mode="after")
    def _oidc_complete(self) -> CoreSettings:
        if self.oidc_issuer and not (self.oidc_audience and self.oidc_jwks_url):
            raise ValueError(
                "CONCORDIA_OIDC_ISSUER needs CONCORDIA_OIDC_AUDIENCE and CONCORDIA_OIDC_JWKS_URL"
            )
        return self

    def oidc_config(self) -> OidcConfig | None:
        """The identity provider this service trusts, or None (opaque tokens only)."""
        if not self.oidc_issuer or not self.oidc_audience or self.oidc_jwks_url is None:
            return None
        return OidcConfig(
            issuer=self.oidc_issuer,
            audience=self.oidc_audience,
            jwks_url=str(self.oidc_jwks_url),
            algorithms=frozenset(self.oidc_algorithms),
            scope_prefix=self.oidc_scope_prefix,
            owner_claim=self.oidc_owner_claim,
            jwks_cache_seconds=self.oidc_jwks_cache_seconds,
            jwks_refresh_seconds=self.oidc_jwks_refresh_seconds,
            leeway_seconds=self.oidc_leeway_seconds,
        )

    @model_validator(mode="after")
    def _no_dev_secrets_in_prod(self) -> CoreSettings:
        # Bytes, not text: base64 decoding forgives a trailing newline and non-canonical final
        # bits, so the development key can be spelled many ways.
        if self.env == "prod" and hmac.compare_digest(self.node_key_bytes, DEV_NODE_KEY_BYTES):
            raise ValueError(
                "the development node key is refused outside CONCORDIA_ENV=dev/test; set "
                "CONCORDIA_NODE_KEY to 32 random bytes in url-safe base64, e.g. from "
                "`python -c 'import base64,os;"
                "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`"
            )
        return self

    @property
    def node_key_bytes(self) -> bytes:
        """The node key as raw bytes."""
        return base64.urlsafe_b64decode(self.node_key.get_secret_value().encode())

    @property
    def retired_key_bytes(self) -> list[bytes]:
        """The retired node keys as raw bytes."""
        return [
            base64.urlsafe_b64decode(k.get_secret_value().encode()) for k in self.node_keys_retired
        ]
