"""The Prometheus alert rules of deploy/prometheus, read and parsed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import promql_parser
import yaml

ALERTS = Path(__file__).resolve().parents[1] / "deploy" / "prometheus" / "alerts.yaml"


def rules() -> list[dict[str, Any]]:
    """Every rule of every group."""
    return [
        rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]
    ]


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (raises ``ValueError`` if it does not parse)."""
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def alert_metrics() -> set[str]:
    """Every metric name the alert rules read."""
    return {name for rule in rules() for name in metric_names(rule["expr"])}
