"""The settings base of every node service: publishing, status reports and disclosure floors."""

from __future__ import annotations

from pydantic import Field

from concordia.core.settings import CoreSettings


class ServiceSettings(CoreSettings):
    """What every node service reads besides the node-wide fields of ``CoreSettings``.

    Example::

        class ExchangeSettings(ServiceSettings):
            model_config = SettingsConfigDict(
                env_prefix="CONCORDIA_EXCHANGE_", extra="ignore", validate_by_name=True
            )
            database_url: str = "sqlite:///var/node/exchange.db"
    """

    consumer_enabled: bool = Field(
        default=True, description="Apply the events this service consumes (off: publish only)."
    )
    aggregate_interval_seconds: float = Field(
        default=60.0, gt=0, description="How often aggregates are recomputed and published."
    )
    disclosure_k: int = Field(
        default=10, ge=1, description="Minimum contributors (persons, recipients) in a cell."
    )
    rounding_base: int | None = Field(
        default=5, ge=2, description="Round published counts to this base; money is never rounded."
    )
    status_interval_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often the service reports its status (charter run, outbox lag) to the "
        "hub; it also reports right after applying a new charter.",
    )
