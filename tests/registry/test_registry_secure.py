"""The registry's secure tables: its cells for a round, and no plain snapshot beside them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from registry_support import Registry, person

from concordia.events import quarter_of
from concordia.registry import aggregates, secure
from concordia.secagg import Refused


async def cells(registry: Registry, table: str, period: str) -> dict[str, int]:
    db = registry.app.state.concordia.db
    async with db.unit_of_work(write=False) as session:
        return dict(await secure.SOURCES[table](session, period))


async def test_the_cells_of_the_current_quarter_and_no_other(registry: Registry) -> None:
    records = [
        person(i, ethnic_origin=("russian", "non_russian", "russian")[i % 3],
               vulnerabilities=[["lgbtq"], ["lgbtq", "disability"], []][i % 3],
               region_of_origin=("RU-MOW", "RU-BU", "RU-TA")[i % 3])
        for i in range(9)
    ]  # fmt: skip
    response = await registry.client.put(
        "/v1/sync/persons", json={"records": records}, headers=registry.rw
    )
    assert response.json()["counts"]["created"] == 9
    now = quarter_of(datetime.now(UTC).date())
    assert await cells(registry, "persons_by_ethnic_origin", now) == {
        "russian": 6, "non_russian": 3
    }  # fmt: skip
    # A person counts once in each of their vulnerabilities.
    assert await cells(registry, "persons_by_vulnerability", now) == {
        "lgbtq": 6, "disability": 3, "none": 3
    }  # fmt: skip
    assert await cells(registry, "persons_by_permit_status", now) == {"none": 9}
    districts = await cells(registry, "persons_by_federal_district", now)
    assert sum(districts.values()) == 9
    assert districts["far_eastern"] == 3
    with pytest.raises(Refused) as refused:
        await cells(registry, "persons_by_ethnic_origin", "2020-Q1")
    assert refused.value.code == "not_current"


async def test_a_secure_table_and_the_table_carrying_its_margins_are_not_published(
    registry: Registry,
) -> None:
    records = [person(i) for i in range(12)]
    await registry.client.put("/v1/sync/persons", json={"records": records}, headers=registry.rw)
    shut = secure.not_plain(frozenset({"persons_by_federal_district", "persons_by_ethnic_origin"}))
    published = await aggregates.publish(
        db=registry.app.state.concordia.db, ctx=registry.app.state.concordia.extra.ctx, k=3,
        rounding_base=None, secure=shut,
    )  # fmt: skip
    assert {e.aggregate for e in published} == {
        "persons_by_permit_status", "persons_by_profession"
    }  # fmt: skip


async def test_family_members_covered_by_each_person_s_best_permit(registry: Registry) -> None:
    ids = []
    for n in range(4):
        created = await registry.client.post("/v1/persons", json=person(n), headers=registry.rw)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    # (person, host country, status, family members covered): person 0 applied (2) and was
    # granted (3): the granted permit counts; person 1 refused (4); person 2 holds two granted
    # permits (1 and 5): the one covering most counts; a permit in another country than the
    # person's host country does not; person 3 has none.
    permits = [
        (0, "SE", "applied", 2), (0, "SE", "granted", 3), (1, "SE", "refused", 4),
        (2, "SE", "granted", 1), (2, "SE", "granted", 5), (2, "DE", "granted", 7),
    ]  # fmt: skip
    for n, country, status, family in permits:
        body = {"person_id": ids[n], "host_country": country, "track": "residence",
                "status": status, "family_members_covered": family}  # fmt: skip
        made = await registry.client.post("/v1/permits", json=body, headers=registry.rw)
        assert made.status_code == 201, made.text
    now = quarter_of(datetime.now(UTC).date())
    assert await cells(registry, "family_members_by_permit_status", now) == {
        "granted": 8, "applied": 0, "expired": 0, "refused": 4,
    }  # fmt: skip
    # An erased person's permits count no more.
    erased = await registry.client.delete(f"/v1/persons/{ids[2]}", headers=registry.rw)
    assert erased.status_code in (200, 204), erased.text
    assert (await cells(registry, "family_members_by_permit_status", now))["granted"] == 3
    with pytest.raises(Refused) as refused:
        await cells(registry, "family_members_by_permit_status", "2020-Q1")
    assert refused.value.code == "not_current"
