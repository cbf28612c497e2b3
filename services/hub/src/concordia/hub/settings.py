"""Settings of the hub service (env prefix ``CONCORDIA_HUB_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from concordia.core.settings import CoreSettings, at_least_one, seconds, service_config
from concordia.events.codes import PURPOSE_CODES, Purpose

#: The grant purposes an overlap round may name (the ledger's code list).
PURPOSES: tuple[Purpose, ...] = PURPOSE_CODES


class HubSettings(CoreSettings):
    """The hub's settings; shared ones (tokens, log level) come from CoreSettings.

    Example::

        HubSettings(database_url="sqlite:///var/hub/hub.db", nodes_dir=Path("var/hub/nodes"))
    """

    model_config = service_config("hub")

    node: str = Field(
        default="hub", validation_alias="CONCORDIA_NODE", description="Always `hub` at the hub."
    )
    tokens_file: Path = Field(
        default=Path("var/hub/tokens.json"),
        validation_alias="CONCORDIA_TOKENS_FILE",
        description="Hashed API tokens of the hub.",
    )
    database_url: str = "sqlite:///var/hub/hub.db"
    nodes_dir: Path = Field(
        default=Path("var/hub/nodes"),
        description="One `<code>.json` per country ({code, name, nats_url}); re-scanned.",
    )
    directory_file: Path = Field(
        default=Path("var/hub/directory.json"),
        description="The coalition directory the hub keeps (`concordia hub accept-directory`): "
        "the members whose signatures adopt a charter or a decision (m of n), and the keys "
        "snapshot and status signatures are checked against (re-read when it changes). The hub "
        "holds no key; without this file nothing can be adopted, signatures stay unchecked and no "
        "secure round runs.",
    )
    nodes_scan_seconds: float = seconds(10.0, "How often nodes_dir is re-read for added countries.")
    charter_resend_seconds: float = seconds(
        60.0, "How often the charter goes to services running another."
    )
    stale_after_seconds: float = seconds(90.0, "A service silent this long is shown as stale.")
    snapshots_per_node_per_day: int = at_least_one(
        2000,
        "Snapshots the hub stores per node per UTC day (by arrival); beyond, each "
        "is refused (`quota_exceeded`) and the node publishes it again as a new version later.",
    )
    stream_mode: Literal["sourced", "direct"] = Field(
        default="sourced",
        description="`sourced`: NODE_<CODE> sources the node's SHARED_<CODE> through "
        "$JS.<code>.API (production); `direct`: a plain stream on shared.<code>.> (tests).",
    )
    psi_step_timeout_seconds: float = seconds(60.0, "How long the hub waits for a node's PSI step.")
    psi_runs_per_day: int = at_least_one(
        2, "PSI runs per UTC day per ordered pair, period and purpose."
    )
    overlap_purposes: tuple[Purpose, ...] = Field(
        default=PURPOSES, min_length=1, description="The purposes a scheduled round covers."
    )
    overlap_round_seconds: float | None = seconds(
        None,
        "Run an overlap round of the current quarter for every purpose this often "
        "(unset: only on request, `POST /v1/overlaps/runs`).",
    )
    agenda_scan_seconds: float | None = seconds(
        300.0,
        "Seconds between two scans of the signals that raise agenda items "
        "(unset: only on request, `POST /v1/agenda/scan`).",
    )
    agenda_periods: int = Field(
        default=2, ge=1, le=8,
        description="How many quarters a scan looks at: the current one and those before it.",
    )  # fmt: skip
    require_signatures: bool = Field(
        default=False,
        description="Refuse snapshots and status reports without a valid signature of their "
        "node (`unsigned`); off: an unsigned one is kept, shown unverified.",
    )
    decision_push_seconds: float = seconds(
        10.0, "Seconds between two sends of the decision log to nodes that miss entries."
    )
    secure_round_seconds: float | None = seconds(
        600.0,
        "Seconds between two runs of the secure tables' rounds that are due: flow "
        "tables for the quarter just closed, stock tables for the current quarter (unset: only "
        "on request, `POST /v1/secure/rounds`).",
    )
    secure_step_timeout_seconds: float = seconds(
        30.0, "How long the hub waits for a node's secure-round step."
    )
    secure_colluders: int = Field(
        default=0, ge=0,
        description="Nodes that may pool their own noise shares: the noise is split so that the "
        "release keeps the charter's epsilon without theirs.",
    )  # fmt: skip
