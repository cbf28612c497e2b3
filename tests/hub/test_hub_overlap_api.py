"""The hub's overlap API: start a round, read outcomes per pair; bad input, limits, too few nodes.

No ledger answers here, so every run ends as a timeout: what is tested is the hub's side (the
round over every ordered pair of linked countries, the outcomes it keeps, its daily limit).
The round with real ledgers finding planted overlaps is tests/federation/test_overlap_wiring.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hub_support import Hub, wait_for, write_node

from concordia.events import NatsServer

ROUND = {"period": "2026-Q4", "purpose": "independent_media"}


async def coordinating(hub: Hub, *codes: str) -> None:
    """Wait until the hub's overlap coordinator has the links of ``codes``."""
    links = hub.app.state.concordia.extra.rounds.coordinator.links

    async def ready() -> bool:
        return set(links) == set(codes)

    await wait_for(ready)


async def start(hub: Hub, body: dict[str, Any], scope: str = "hub:admin") -> Any:
    """POST a round."""
    return await hub.client.post("/v1/overlaps/runs", json=body, headers=hub.auth(scope))


async def test_a_round_runs_every_ordered_pair_and_keeps_its_outcomes(
    make_hub: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await make_hub(psi_step_timeout_seconds=0.3, psi_runs_per_day=1)
    await coordinating(hub, "se", "pl")
    response = await start(hub, ROUND)
    assert response.status_code == 202, response.text
    runs = response.json()["runs"]
    assert sorted((r["client"], r["server"]) for r in runs) == [("pl", "se"), ("se", "pl")]
    await hub.app.state.concordia.extra.rounds.wait_idle()
    shown = await hub.get("/v1/overlaps", **ROUND)
    assert {(p["client"], p["server"]) for p in shown} == {("pl", "se"), ("se", "pl")}
    assert {p["run_id"] for p in shown} == {r["run_id"] for r in runs}
    for pair in shown:  # nobody answered: the hub timed the first step out
        assert (pair["status"], pair["reason"], pair["count"]) == ("timeout", "request", None)
    assert await hub.get("/v1/overlaps", period="2026-Q3", purpose=ROUND["purpose"]) == []
    # Today's one run per pair is used: the hub refuses another round of this scope...
    again = await start(hub, ROUND)
    assert again.status_code == 429, again.text
    assert "2026-Q4" in again.json()["detail"]
    # ...but not of another purpose.
    other = await start(hub, {**ROUND, "purpose": "human_rights"})
    assert other.status_code == 202, other.text
    await hub.app.state.concordia.extra.rounds.wait_idle()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**ROUND, "period": "2026-Q5"}, "period"),
        ({**ROUND, "period": "2026"}, "period"),
        ({**ROUND, "purpose": "weapons"}, "purpose"),
        ({"period": "2026-Q4"}, "purpose"),
        ({**ROUND, "extra": 1}, "extra"),
    ],
)
async def test_bad_rounds_are_refused_with_the_field(
    hub: Hub, body: dict[str, Any], field: str
) -> None:
    response = await start(hub, body)
    assert response.status_code == 422, response.text
    assert any(e["loc"][-1] == field for e in response.json()["errors"]), response.json()


async def test_only_admins_start_rounds_two_countries_are_needed_and_more_can_join(
    make_hub: Callable[..., Awaitable[Hub]], country_nats: NatsServer
) -> None:
    hub = await make_hub(nodes=("se",))
    await coordinating(hub, "se")
    assert (await start(hub, ROUND, scope="hub:read")).status_code == 403
    alone = await start(hub, ROUND)
    assert alone.status_code == 409, alone.text
    assert "two linked countries" in alone.json()["detail"]
    # A country added while the hub runs takes part in the next round.
    write_node(hub.settings.nodes_dir, country_nats, "pl")
    await coordinating(hub, "se", "pl")
    response = await start(hub, ROUND)
    assert response.status_code == 202, response.text
    assert len(response.json()["runs"]) == 2
    await hub.app.state.concordia.extra.rounds.stop()  # nobody answers here: end the round now
    bad = await hub.client.get(
        "/v1/overlaps", params={"period": "Q4", "purpose": "x"}, headers=hub.auth()
    )
    assert bad.status_code == 422


async def test_a_run_that_cannot_start_is_recorded_as_failed(
    make_hub: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await make_hub(psi_step_timeout_seconds=0.3)
    await coordinating(hub, "se", "pl")
    rounds = hub.app.state.concordia.extra.rounds
    planned = rounds.start_round(**ROUND)
    await rounds.unlinked("pl")  # pl leaves before the round's runs start
    await rounds.wait_idle()
    shown = await hub.get("/v1/overlaps", **ROUND)
    assert {p["run_id"] for p in shown} == {r.run_id for r in planned}  # every id has an end
    for pair in shown:
        assert (pair["status"], pair["declined_by"], pair["reason"]) == (
            "declined",
            "hub",
            "failed",
        )
