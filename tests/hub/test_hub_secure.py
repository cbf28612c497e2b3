"""The hub and secure aggregation: the charter's secure tables (tests/hub)."""

from __future__ import annotations

from typing import Any

from hub_support import Hub
from test_hub_charter import body, put

ORIGIN = {
    "table": "participants_by_ethnic_origin", "service": "ledger", "dimension": "ethnic_origin",
    "measure": "participants", "cells": ["russian", "non_russian", "undisclosed"],
}  # fmt: skip


def secure_body(*tables: dict[str, Any]) -> dict[str, Any]:
    return body() | {"secure": list(tables)}


async def test_a_special_category_table_without_epsilon_is_refused(hub: Hub) -> None:
    response = await put(hub, secure_body(ORIGIN))
    assert response.status_code == 422
    assert "secure" in response.text
    assert "special category" in response.text
    # Nothing half-written: the charter is still the built-in one.
    assert (await hub.client.get("/v1/charter", headers=hub.auth())).json()["version"] == "default"
    response = await put(hub, secure_body(ORIGIN | {"epsilon": "1"}))
    assert response.status_code == 200, response.text
    assert response.json()["secure"][0]["epsilon"] == "1"
