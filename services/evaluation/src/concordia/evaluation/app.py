"""The evaluation service, on the service kit: routers, the local-event consumer, publisher."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from concordia.core.crypto import FieldCipher
from concordia.evaluation import aggregates, api, console, consumers, secure
from concordia.evaluation.service._common import NodeContext, Rules
from concordia.evaluation.settings import EvaluationSettings
from concordia.events import AggregateSnapshotPublished, DisclosureRules
from concordia.kit import ConsumerSpec, Runtime, ServiceDefinition, build_app, serve
from concordia.kit.secure import SecureTables

SERVICE_DIR = Path(__file__).resolve().parents[3]

DESCRIPTION = """
The evaluation service of a Concordia country node: independent evaluators (names encrypted at
rest), a conflict-of-interest register, random blind double assessment of grants and
organisations on five criteria, award panels, inter-rater agreement, the charter's plurality
targets and the coalition-health indicators. It learns grants, activities and organisations
from the node's local events only.

Tokens: `evaluation:admin` (evaluators, draws, panels), `evaluation:write` (an evaluator's
assessments and own conflicts), `evaluation:read` (indicators, targets, agreement).
"""


def create(settings: EvaluationSettings | None = None) -> FastAPI:
    """Build the evaluation app from settings (environment by default)."""
    settings = settings or EvaluationSettings()
    rules = Rules(
        rotation_max_consecutive=settings.rotation_max_consecutive,
        third_assessor_gap=settings.third_assessor_gap,
        agreement_min_items=settings.agreement_min_items,
        fragmentation_threshold_eur=settings.fragmentation_threshold_eur,
    )
    # Retired keys still decrypt names sealed before a rotation (`concordia node rotate-key`).
    cipher = FieldCipher(settings.node_key_bytes, retired=settings.retired_key_bytes)
    ctx = NodeContext(node=settings.node, cipher=cipher, rules=rules)

    async def publish(rt: Runtime, rules_: DisclosureRules) -> list[AggregateSnapshotPublished]:
        assert rt.follower is not None
        return await aggregates.publish(
            ctx=ctx, **rt.release_terms(rules_),
            small_below=rt.follower.current.evaluation.fragmentation_threshold_eur,
            secure=secure.not_plain(rt.follower.current),
        )  # fmt: skip

    return build_app(
        ServiceDefinition(
            name="evaluation",
            service_dir=SERVICE_DIR,
            settings=settings,
            routers=[api.router],
            description=DESCRIPTION,
            publish=publish,
            consumers=[ConsumerSpec("local", consumers.SUBJECTS, lambda _rt: consumers.handler())],
            secure=SecureTables(secure.SOURCES),
            extra=api.EvaluationState(ctx),
            console=console.SECTIONS,
            console_locales=[console.LOCALES],
        )
    )


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.evaluation.app:main``."""
    return serve("evaluation", create, EvaluationSettings())
