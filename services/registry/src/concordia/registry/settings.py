"""Settings of the registry service (env prefix ``CONCORDIA_REGISTRY_``)."""

from __future__ import annotations

from concordia.core.settings import at_least_one, seconds, service_config
from concordia.kit import ServiceSettings


class RegistrySettings(ServiceSettings):
    """The registry's settings; the shared ones come from the kit's ``ServiceSettings``."""

    model_config = service_config("registry")

    database_url: str = "sqlite:///var/node/registry.db"
    screen_per_day: int = at_least_one(
        500, "Screens (POST /v1/screen) one token may run per UTC day."
    )
    audit_anchor_seconds: float = seconds(
        60.0, "Seconds between anchors of the audit chain's head on the node's LOCAL stream."
    )
