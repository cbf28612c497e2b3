"""deploy/prometheus/alerts.yaml: every rule well-formed, its PromQL parsed, its templates on
labels the expression keeps; the issue's four alerts are there. (That each metric it reads is
exported by the running services is checked in tests/federation/test_tracing.py.)"""

from __future__ import annotations

import re
from typing import Any

import promql_parser
import pytest
from alerts_support import ALERTS, metric_names, rules

#: What the operators asked to be alerted on, by alert name.
REQUIRED = {
    "ConcordiaOutboxLagging": "concordia_outbox_lag_seconds",
    "ConcordiaNodeStale": "concordia_hub_node_last_report_timestamp_seconds",
    "ConcordiaSnapshotRefused": "concordia_hub_refusals_total",
    "ConcordiaCharterNotApplied": "concordia_hub_service_charter_behind",
}


BY = promql_parser.AggModifierType.By


def kept_labels(expr: str) -> set[str] | None:
    """The labels an expression's result keeps when it aggregates ``by``; None: not narrowed."""
    kept: list[set[str]] = []

    def visit(node: object) -> None:
        modifier = getattr(node, "modifier", None)
        if isinstance(node, promql_parser.AggregateExpr) and modifier is not None:
            kept.extend([set(modifier.labels)] if modifier.type == BY else [])

    promql_parser.walk(promql_parser.parse(expr), visit)
    return set.intersection(*kept) if kept else None


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.get("alert", "?"))
def test_every_rule_is_well_formed(rule: dict[str, Any]) -> None:
    assert re.fullmatch(r"Concordia[A-Z][A-Za-z]+", rule["alert"])
    assert metric_names(rule["expr"]), "an alert reads at least one metric"
    assert all(n.startswith("concordia_") for n in metric_names(rule["expr"]))
    if "for" in rule:
        assert promql_parser.parse_duration(rule["for"]).total_seconds() > 0
    assert rule["labels"]["severity"] in {"warning", "critical"}
    annotations = rule["annotations"]
    assert annotations["summary"]
    assert annotations["description"]
    used = set(re.findall(r"\$labels\.(\w+)", annotations["summary"] + annotations["description"]))
    kept = kept_labels(rule["expr"])
    assert kept is None or used <= kept, f"templates use labels the expression drops: {used - kept}"


def test_the_issue_alerts_are_there_once() -> None:
    names = [rule["alert"] for rule in rules()]
    assert len(names) == len(set(names))
    for alert, metric in REQUIRED.items():
        rule = next(r for r in rules() if r["alert"] == alert)
        assert metric in metric_names(rule["expr"])


def test_a_broken_expression_is_caught() -> None:
    with pytest.raises(ValueError, match="parenthesis"):
        metric_names("max by (node) (concordia_outbox_lag_seconds > 300")
    assert ALERTS.is_file()
