"""Settings of the evaluation service (env prefix ``CONCORDIA_EVALUATION_``)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from concordia.core.settings import at_least_one, service_config
from concordia.kit import ServiceSettings


class EvaluationSettings(ServiceSettings):
    """The evaluation service's settings; once the hub sent a charter, its evaluation section
    (rotation, third-assessor gap, fragmentation threshold) wins over these."""

    model_config = service_config("evaluation")

    database_url: str = "sqlite:///var/node/evaluation.db"
    agreement_min_items: int = Field(
        default=10, ge=2, description="Report alpha (and kappa) only over at least this many items."
    )
    rotation_max_consecutive: int = at_least_one(
        2, "Consecutive periods an evaluator may assess one organisation."
    )
    fragmentation_threshold_eur: Decimal = Field(
        default=Decimal(10000), gt=0, description="A grant committed below this is 'spread thin'."
    )
    third_assessor_gap: int = Field(
        default=2, ge=1, le=4, description="A larger gap on any criterion calls for a third."
    )
