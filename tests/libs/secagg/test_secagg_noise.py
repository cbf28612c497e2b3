"""Distributed discrete Laplace noise (fixed seeds: deterministic)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from secagg_support import coalition, header, run

from concordia.secagg import laplace_variance, noise_parts, noise_share


def test_shares_of_the_noise_add_up_to_discrete_laplace() -> None:
    epsilon, parts, size = 0.5, 5, 200_000
    total = sum(
        noise_share(bytes([i]) * 32, size, epsilon, 1, parts).astype(np.int64) for i in range(parts)
    )
    alpha = math.exp(-epsilon)
    assert abs(float(np.mean(total))) < 0.05
    assert float(np.var(total)) == pytest.approx(laplace_variance(epsilon, 1), rel=0.03)
    # P(0) of the discrete Laplace is (1 - alpha) / (1 + alpha).
    assert float(np.mean(total == 0)) == pytest.approx((1 - alpha) / (1 + alpha), rel=0.03)
    # One share alone is much narrower than the whole: it protects nothing by itself.
    one = noise_share(b"\1" * 32, size, epsilon, 1, parts)
    assert float(np.var(one)) == pytest.approx(laplace_variance(epsilon, 1) / parts, rel=0.05)


def test_parts_tolerate_colluders() -> None:
    assert noise_parts(threshold=3, colluders=0) == 3
    assert noise_parts(threshold=3, colluders=1) == 2


def test_the_released_sum_is_noisy_and_the_same_on_a_rerun() -> None:
    nodes = ["de", "fi", "pl", "se"]
    c = coalition(nodes)
    for node in nodes:
        c.tables[node].data["participants_by_ethnic_origin"] = {
            "2026-Q4": {f"c{i}": 100 for i in range(1000)}
        }
    cells = [f"c{i}" for i in range(1000)]
    head = header(
        "r1", nodes, cells, table="participants_by_ethnic_origin", epsilon=0.2, stock=False
    )
    result = run(c, head)
    errors = [v - 400 for v in result.values]
    assert any(e != 0 for e in errors)
    assert abs(sum(errors) / len(errors)) < 10
    assert np.var(errors) == pytest.approx(laplace_variance(0.2, 1), rel=0.5)
