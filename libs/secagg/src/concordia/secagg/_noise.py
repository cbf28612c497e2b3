"""Distributed discrete Laplace noise: each node adds its share, the sum carries the whole.

The two-sided geometric (discrete Laplace) distribution with ``alpha = exp(-epsilon /
sensitivity)`` gives ``epsilon``-differential privacy to an integer sum whose L1 sensitivity is
``sensitivity``. It is the difference of two geometric variables, and a geometric variable is a
negative binomial (Pólya) of shape 1, which is infinitely divisible: the sum of ``m`` Pólya
variables of shape ``1/m`` is geometric. So each node adds ``NB(1/m, p) - NB(1/m, p)`` with
``p = 1 - alpha`` to every cell, and any ``m`` nodes' shares sum to the full noise. With ``m =
threshold - colluders`` the released sum carries at least the charter's noise even when only
``threshold`` nodes survive and ``colluders`` of them subtract their own shares.

Sampling uses numpy's negative binomial (gamma-Poisson, floating point) under a PCG64 generator
seeded from 32 random bytes kept per table and period (a re-run adds the same noise, so rounds
cannot be averaged). This is not a constant-time, exact sampler (see Mironov 2012 on floating-
point attacks); OpenDP's samplers would be the hardened choice.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def noise_parts(threshold: int, colluders: int) -> int:
    """How many nodes' shares must add up to the full noise."""
    return max(1, threshold - colluders)


def noise_share(
    seed: bytes, size: int, epsilon: float, sensitivity: int, parts: int
) -> npt.NDArray[np.int64]:
    """One node's share of the noise for ``size`` cells."""
    if epsilon <= 0 or sensitivity < 1 or parts < 1:
        raise ValueError("epsilon, sensitivity and parts must be positive")
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(seed, "big")))
    p = -math.expm1(-epsilon / sensitivity)  # 1 - alpha, exact for small epsilon
    shape = 1.0 / parts
    up = rng.negative_binomial(shape, p, size)
    down = rng.negative_binomial(shape, p, size)
    return (up - down).astype(np.int64)


def laplace_variance(epsilon: float, sensitivity: int) -> float:
    """Variance of the discrete Laplace noise: 2 alpha / (1 - alpha)^2."""
    alpha = math.exp(-epsilon / sensitivity)
    return 2 * alpha / (1 - alpha) ** 2
