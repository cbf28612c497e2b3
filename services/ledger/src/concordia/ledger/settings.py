"""Settings of the ledger service (env prefix ``CONCORDIA_LEDGER_``)."""

from __future__ import annotations

from pydantic import Field

from concordia.core.settings import at_least_one, seconds, service_config
from concordia.kit import ServiceSettings


class LedgerSettings(ServiceSettings):
    """The ledger's settings; the shared ones come from the kit's ``ServiceSettings``."""

    model_config = service_config("ledger")

    database_url: str = "sqlite:///var/node/ledger.db"
    overlap_enabled: bool = Field(
        default=True, description="Answer the hub's private-set-intersection runs."
    )
    overlap_min_set_size: int = Field(
        default=5,
        ge=2,
        description="Decline a PSI run when fewer organisations are funded for the period and "
        "purpose (a tiny set nearly names its members); the decline never says how many.",
    )
    overlap_max_set_size: int = Field(
        default=4096, ge=2, le=8192, description="Decline a PSI run above this many organisations."
    )
    overlap_runs_per_day: int = at_least_one(
        2, "PSI runs per UTC day with one peer for one period and purpose, per role."
    )
    overlap_answers_per_day: int = at_least_one(
        24,
        "PSI runs this node takes part in per UTC day, as server or client, across "
        "every peer and purpose: bounds how many guessed sets a hub can test against it.",
    )
    feed_stream_seconds: float = seconds(
        3600.0,
        "A feed stream ends after this long; the portal reconnects with "
        "Last-Event-ID, and its token is checked again.",
    )
    feed_streams_per_token: int = at_least_one(
        4, "Open feed streams one token may hold (429 beyond)."
    )
    overlap_run_ttl_seconds: float = seconds(
        900.0, "How long a client run waits for the server's answer."
    )
