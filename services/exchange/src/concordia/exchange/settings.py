"""Settings of the exchange service (env prefix ``CONCORDIA_EXCHANGE_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from concordia.core.settings import service_config
from concordia.kit import ServiceSettings


class ExchangeSettings(ServiceSettings):
    """The exchange's settings; the shared ones come from the kit's ``ServiceSettings``."""

    model_config = service_config("exchange")

    database_url: str = "sqlite:///var/node/exchange.db"
    registry_url: str | None = Field(
        default=None,
        description="The node's registry, which screens texts before approval (unset: nothing "
        "can be approved).",
    )
    registry_token: SecretStr | None = Field(
        default=None, description="A registry token with the scope `registry:screen`."
    )
    attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest attachment accepted (413 above)."
    )
