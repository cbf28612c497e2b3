"""The cross-service suite: every test here runs once per entry of the kit's list of services.

A new service joins it by being in ``concordia.kit.SERVICES``; what differs between services
(settings a test needs) is derived from the entry, not written per service.
"""

from __future__ import annotations

import pytest

from concordia.kit import SERVICES, ServiceSpec


@pytest.fixture(params=SERVICES, ids=[s.name for s in SERVICES])
def spec(request: pytest.FixtureRequest) -> ServiceSpec:
    """One service of the list."""
    value: ServiceSpec = request.param
    return value
