"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The well-known development node key. Refused outside ``CONCORDIA_ENV=dev``/``test``.
DEV_NODE_KEY_BYTES = b"concordia-development-key-32byte"
DEV_NODE_KEY = base64.urlsafe_b64encode(DEV_NODE_KEY_BYTES).decode()

Environment = Literal["dev", "test", "prod"]
_NODE_CODE = re.compile(r"^[a-z]{2}$|^hub$")


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
    nats_url: str = Field(default="nats://127.0.0.1:4222", validation_alias="CONCORDIA_NATS_URL")
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
    database_url: str = Field(default="sqlite:///var/node/service.db")
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    relay_enabled: bool = True

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
