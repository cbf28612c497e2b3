"""Settings of the registry service (env prefix ``CONCORDIA_REGISTRY_``)."""

from __future__ import annotations

from pydantic import Field

from concordia.core.settings import service_config
from concordia.kit import ServiceSettings


class RegistrySettings(ServiceSettings):
    """The registry's settings; the shared ones come from the kit's ``ServiceSettings``."""

    model_config = service_config("registry")

    database_url: str = "sqlite:///var/node/registry.db"
    screen_per_day: int = Field(
        default=500, ge=1, description="Screens (POST /v1/screen) one token may run per UTC day."
    )
    audit_anchor_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Seconds between anchors of the audit chain's head on the node's LOCAL stream.",
    )
