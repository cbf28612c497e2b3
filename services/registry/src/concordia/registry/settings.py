"""Settings of the registry service (env prefix ``CONCORDIA_REGISTRY_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from concordia.core.settings import CoreSettings


class RegistrySettings(CoreSettings):
    """The registry's settings; node-wide ones (node, NATS, tokens, key) come from CoreSettings."""

    model_config = SettingsConfigDict(
        env_prefix="CONCORDIA_REGISTRY_", extra="ignore", validate_by_name=True
    )

    database_url: str = "sqlite:///var/node/registry.db"
    aggregate_interval_seconds: float = Field(
        default=60.0, gt=0, description="How often aggregates are recomputed and published."
    )
    disclosure_k: int = Field(default=10, ge=1, description="Minimum persons in a cell.")
    rounding_base: int | None = Field(default=5, ge=2, description="Round published counts.")
    status_interval_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often the service reports its status (charter run, outbox lag) to the "
        "hub; it also reports right after applying a new charter.",
    )
