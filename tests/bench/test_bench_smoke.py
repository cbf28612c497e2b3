"""`make bench` keeps working: a quick run of every figure writes the promised JSON shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_bench_writes_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(output.read_text())
    assert set(figures) >= {
        "registry.bulk_sync",
        "events.outbox_relay",
        "registry.get_person",
        "ledger.feed_full_pull",
        "ledger.feed_page_depth",
        "ledger.bulk_sync",
        "hub.propagation",
        "hub.secure_aggregation",
        "exchange.search",
        "exchange.replication",
        "evaluation.indicators",
    }
    if os.environ.get("CONCORDIA_TEST_DATABASE_URL"):  # CI: the PostgreSQL figures too
        assert {
            "exchange.search_pg",
            "registry.get_person.pg",
            "registry.bulk_sync.pg",
            "ledger.bulk_sync.pg",
            "events.outbox_relay.pg",
            "ledger.feed_full_pull.pg",
            "hub.scale.pg",
            "hub.scale.replicas.pg",
        } <= set(figures)
    for name, figure in figures.items():
        assert {"value", "unit", "ceiling", "ratio", "ratio_of", "goal_is"} <= set(figure), name
        assert figure["value"] > 0, name
        assert figure["ceiling"] > 0, name
        # Durations invert the ratio, so that it still reads "fraction of the ceiling".
        top, bottom = figure["ratio_of"].split("/")
        expected = figure[top] / figure[bottom]
        assert figure["ratio"] == pytest.approx(expected, rel=0.01), name
