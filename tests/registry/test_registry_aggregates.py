"""What leaves the node: protected snapshots, identical to what GET /v1/aggregates shows."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import orjson
from registry_support import Registry, create, person

from concordia.registry import aggregates


async def _publish(registry: Registry, **extra: Any) -> list[Any]:
    return await aggregates.publish(
        db=registry.app.state.concordia.db,
        ctx=registry.app.state.concordia.extra.ctx,
        k=10,
        rounding_base=5,
        **extra,
    )


async def test_aggregates_are_protected_and_published(registry: Registry) -> None:
    # 40 persons: 31 from Moscow, 9 from Buryatia (a small, identifiable group).
    records = [person(i, region_of_origin="RU-MOW", gender="female") for i in range(31)]
    records += [person(100 + i, region_of_origin="RU-BU", gender="female") for i in range(9)]
    response = await registry.client.put(
        "/v1/sync/persons", json={"records": records}, headers=registry.rw
    )
    assert response.json()["counts"]["created"] == 40
    await _publish(registry)
    shown = (await registry.client.get("/v1/aggregates", headers=registry.rw)).json()
    snapshots = {s["aggregate"]: s for s in shown["snapshots"]}
    assert set(snapshots) == {
        "persons_by_permit_status", "persons_by_gender_and_district",
        "persons_by_profession", "persons_by_ethnic_origin",
    }  # fmt: skip
    table = snapshots["persons_by_gender_and_district"]
    for cell in (*table["cells"], *table["margins"]):
        if not cell["suppressed"]:
            assert cell["value"] == 0 or cell["value"] >= 10, cell
            assert cell["value"] % 5 == 0
    far_east = next(c for c in table["cells"] if c["key"] == ["female", "far_eastern"])
    assert far_east["suppressed"] is True
    assert far_east["value"] is None

    await registry.relay_idle()
    node = registry.settings.node
    messages = await registry.stream_messages(f"shared.{node}.registry.aggregate.>", 4)
    sent = {
        orjson.loads(m.data)["data"]["aggregate"]: orjson.loads(m.data)["data"] for m in messages
    }
    assert sent == snapshots  # exactly what the node shows is what left it
    for message in messages:
        assert message.header.get("Nats-Expected-Last-Subject-Sequence") == "0"
        assert b"Testperson" not in message.data


async def test_unchanged_data_publishes_no_new_version(registry: Registry) -> None:
    records = [person(i) for i in range(30)]
    await registry.client.put("/v1/sync/persons", json={"records": records}, headers=registry.rw)
    await _publish(registry)
    await _publish(registry)
    shown = (await registry.client.get("/v1/aggregates", headers=registry.rw)).json()
    assert {s["version"] for s in shown["snapshots"]} == {1}
    await registry.client.put(
        "/v1/sync/persons",
        json={"records": [person(i) for i in range(30, 90)]},
        headers=registry.rw,
    )  # fmt: skip  (15 more in each gender-and-district cell: at least k everywhere)
    await _publish(registry)
    shown = (await registry.client.get("/v1/aggregates", headers=registry.rw)).json()
    assert {s["version"] for s in shown["snapshots"]} == {2}


async def test_erasure_changes_the_aggregates(registry: Registry) -> None:
    records = [person(i, gender="female") for i in range(20)]
    result = await registry.client.put(
        "/v1/sync/persons", json={"records": records}, headers=registry.rw
    )
    await _publish(registry)
    for entry in result.json()["results"][:10]:
        await registry.client.delete(f"/v1/persons/{entry['id']}", headers=registry.rw)
    await _publish(registry)
    shown = (await registry.client.get("/v1/aggregates", headers=registry.rw)).json()
    table = next(s for s in shown["snapshots"] if s["aggregate"] == "persons_by_profession")
    assert table["version"] == 2
    total = next(m for m in table["margins"] if m["key"] == ["_all"])
    assert total["value"] == 10


async def test_a_release_waits_for_k_changes_and_withholds_reasons(registry: Registry) -> None:
    await registry.client.put(
        "/v1/sync/persons", json={"records": [person(i) for i in range(30)]}, headers=registry.rw
    )
    await _publish(registry)
    # One more person: a release now would differ from the last by exactly this person.
    await registry.client.put(
        "/v1/sync/persons", json={"records": [person(99)]}, headers=registry.rw
    )
    await _publish(registry)
    shown = (await registry.client.get("/v1/aggregates", headers=registry.rw)).json()
    assert {s["version"] for s in shown["snapshots"]} == {1}
    for snapshot in shown["snapshots"]:
        for cell in (*snapshot["cells"], *snapshot["margins"]):
            assert cell["reason"] is None  # "threshold" would bound the hidden count
    # Ten more, spread over the cells: fewer than k in each gender-and-district cell, so that
    # table is held (its total moved by 11, but each cell by 2 or 3 persons).
    await registry.client.put(
        "/v1/sync/persons", json={"records": [person(i) for i in range(100, 110)]},
        headers=registry.rw,
    )  # fmt: skip
    await _publish(registry)
    shown = (await registry.client.get("/v1/aggregates", headers=registry.rw)).json()
    versions = {s["aggregate"]: s["version"] for s in shown["snapshots"]}
    assert versions["persons_by_gender_and_district"] == 1
    assert versions["persons_by_permit_status"] == 2  # one cell, 11 persons changed it
    # Ten more in every cell: every changed cell now changed by at least k persons.
    await registry.client.put(
        "/v1/sync/persons", json={"records": [person(i) for i in range(200, 240)]},
        headers=registry.rw,
    )  # fmt: skip
    await _publish(registry)
    shown = (await registry.client.get("/v1/aggregates", headers=registry.rw)).json()
    versions = {s["aggregate"]: s["version"] for s in shown["snapshots"]}
    assert versions["persons_by_gender_and_district"] == 2


async def test_a_writer_is_not_blocked_while_tables_are_protected(registry: Registry) -> None:
    await registry.client.put(
        "/v1/sync/persons", json={"records": [person(i) for i in range(12)]}, headers=registry.rw
    )
    inside, proceed, order = threading.Event(), threading.Event(), []

    def slow_protect(rows: Any, k: int, rounding_base: int | None, period: str) -> Any:
        inside.set()
        order.append("protecting")
        assert proceed.wait(30), "the writer never finished: the publisher held it up"
        order.append("protected")
        return aggregates.protect(rows, k, rounding_base, period)

    publishing = asyncio.create_task(_publish(registry, protect=slow_protect))
    assert await asyncio.to_thread(inside.wait, 30)
    written = await create(registry, person(500))  # the event loop and the write lock are free
    assert written.status_code == 201, written.text
    order.append("written")
    proceed.set()
    assert len(await publishing) == 4
    assert order == ["protecting", "written", "protected"]
