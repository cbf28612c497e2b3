"""The settings base of every node service: publishing, status reports and disclosure floors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from concordia.core.settings import CoreSettings, at_least_one, seconds
from concordia.events import DisclosureFloors
from concordia.kit._secure_state import SecureSettings


class ServiceSettings(CoreSettings, SecureSettings):
    """What every node service reads besides the node-wide fields of ``CoreSettings``.

    Example::

        class ExchangeSettings(ServiceSettings):
            model_config = service_config("exchange")
            database_url: str = "sqlite:///var/node/exchange.db"
    """

    consumer_enabled: bool = Field(
        default=True, description="Apply the events this service consumes (off: publish only)."
    )
    aggregate_interval_seconds: float = seconds(
        60.0, "How often aggregates are recomputed and published."
    )
    disclosure_k: int = at_least_one(10, "Minimum contributors (persons, recipients) in a cell.")
    rounding_base: int | None = Field(
        default=5, ge=2, description="Round published counts to this base; money is never rounded."
    )
    status_interval_seconds: float = seconds(
        30.0,
        "How often the service reports its status (charter run, outbox lag) to the "
        "hub; it also reports right after applying a new charter.",
    )
    # The node's floors under the charter (node-wide names; k's is CONCORDIA_DISCLOSURE_K_MIN).
    disclosure_dominance_n_min: int = Field(
        default=2, ge=1, le=5, validation_alias="CONCORDIA_DISCLOSURE_DOMINANCE_N_MIN",
        description="Floor under the charter's dominance n (a smaller n is looser).",
    )  # fmt: skip
    disclosure_dominance_k_max: Decimal = Field(
        default=Decimal(85), gt=50, le=100, validation_alias="CONCORDIA_DISCLOSURE_DOMINANCE_K_MAX",
        description="Ceiling over the charter's dominance k % (a larger k % is looser).",
    )  # fmt: skip
    disclosure_p_percent_min: Decimal = Field(
        default=Decimal(10), gt=0, le=100, validation_alias="CONCORDIA_DISCLOSURE_P_PERCENT_MIN",
        description="Floor under the charter's p % (a smaller p is looser).",
    )  # fmt: skip
    disclosure_rounding_base_min: int | None = Field(
        default=5, ge=2, le=100, validation_alias="CONCORDIA_DISCLOSURE_ROUNDING_BASE_MIN",
        description="Floor under the charter's rounding base (none or a smaller base is looser); "
        "null: unrounded counts accepted.",
    )  # fmt: skip
    disclosure_accept_looser: bool = Field(
        default=False, validation_alias="CONCORDIA_DISCLOSURE_ACCEPT_LOOSER",
        description="The operator's opt-in: apply a charter looser than these floors as sent "
        "(off: such a charter is refused and reported to the hub).",
    )  # fmt: skip

    identity_key_file: Path | None = Field(
        default=None, validation_alias="CONCORDIA_IDENTITY_KEY_FILE",
        description="The node's Ed25519 signing key (0600; `concordia node init` makes it). "
        "Unset: the service signs nothing and takes part in no overlap detection.",
    )  # fmt: skip
    identity_directory_file: Path | None = Field(
        default=None, validation_alias="CONCORDIA_IDENTITY_DIRECTORY_FILE",
        description="The coalition directory this node pinned (`concordia node pin-directory`): "
        "the only peers and keys it accepts, re-read when it changes; charters and decisions "
        "count only with m signatures of its members (unset or missing: every charter from the "
        "hub is refused, `no_directory`).",
    )  # fmt: skip

    @field_validator("disclosure_rounding_base_min", mode="before")
    @classmethod
    def _no_rounding_floor(cls, value: Any) -> Any:
        # An environment variable cannot be null: "" or "none" says "no rounding floor".
        return None if isinstance(value, str) and value.strip().lower() in ("", "none") else value

    def disclosure_floors(self) -> DisclosureFloors | None:
        """The floors a charter must hold; None when the operator accepts looser charters."""
        if self.disclosure_accept_looser:
            return None
        return DisclosureFloors(
            k=self.disclosure_k_min, dominance_n=self.disclosure_dominance_n_min,
            dominance_k=self.disclosure_dominance_k_max, p_percent=self.disclosure_p_percent_min,
            rounding_base=self.disclosure_rounding_base_min,
        )  # fmt: skip
