"""Settings of the ledger service (env prefix ``CONCORDIA_LEDGER_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from concordia.core.settings import CoreSettings


class LedgerSettings(CoreSettings):
    """The ledger's settings; node-wide ones (node, NATS, tokens, key) come from CoreSettings."""

    model_config = SettingsConfigDict(
        env_prefix="CONCORDIA_LEDGER_", extra="ignore", validate_by_name=True
    )

    database_url: str = "sqlite:///var/node/ledger.db"
    consumer_enabled: bool = True
