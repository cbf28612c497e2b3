"""The synthetic demo records: valid for the registry's API, reproducible, visibly fake."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

from concordia.cli import _demo
from concordia.registry.schemas import MembershipCreate, OrganisationSync, PermitCreate, PersonSync

TODAY = date(2026, 3, 1)


def test_persons_are_valid_reproducible_and_clearly_synthetic() -> None:
    people = _demo.persons("se", 300)

    assert people == _demo.persons("se", 300)
    for n, record in enumerate(people, start=1):
        PersonSync.model_validate(record)
        assert record["external_id"] == f"DEMO-P-{n:04d}"
        assert record["name"] == f"Testperson {n:04d}"
        assert record["host_country"] == "SE"


def test_persons_mix_genders_regions_professions_and_origins() -> None:
    people = _demo.persons("se", 300)

    def spread(name: str) -> Counter[str]:
        return Counter(str(p[name]) for p in people)

    assert {"female", "male"} <= set(spread("gender"))
    assert 0.35 < spread("gender")["female"] / len(people) < 0.65
    assert len(spread("region_of_origin")) > 30
    assert 1 <= spread("region_of_origin")["UA-43"] <= 20  # a few from occupied Crimea
    assert not any(p["region_of_origin"].startswith("RU-CR") for p in people)
    assert len(spread("profession_category")) >= 5
    assert spread("ethnic_origin")["non_russian"] >= 30
    assert all(p["national_minority"] for p in people if p["ethnic_origin"] == "non_russian")


def test_organisations_are_valid_and_named_as_examples() -> None:
    orgs = _demo.organisations("dk", 12)

    assert orgs == _demo.organisations("dk", 12)
    for record in orgs:
        OrganisationSync.model_validate(record)
        assert record["name"].startswith("Example ")
        assert record["identifier"].startswith("DK-CVR-DEMO-")
    assert orgs[2]["name"] == "Example Research Centre 03"
    assert len({o["type"] for o in orgs}) == 5


def test_permits_cover_a_share_and_some_expire_within_30_days() -> None:
    people = _demo.persons("se", 300)
    pairs = [(str(uuid.uuid4()), p) for p in people]

    permits = _demo.permits(pairs, TODAY)

    assert 100 < len(permits) < 220
    for body in permits:
        PermitCreate.model_validate(body)
    soon = [
        p for p in permits
        if p["status"] == "granted" and p["valid_to"]
        and date.fromisoformat(p["valid_to"]) <= TODAY + timedelta(days=30)
    ]  # fmt: skip
    assert len(soon) >= 5
    assert {p["status"] for p in permits} == {"granted", "applied", "refused", "expired"}


def test_memberships_reference_known_people() -> None:
    person_ids = [str(uuid.uuid4()) for _ in range(50)]
    orgs = [(str(uuid.uuid4()), kind) for kind in ("ngo", "independent_media")]

    members = _demo.memberships(orgs, person_ids)

    assert members
    for org_id, body in members:
        assert org_id in {o for o, _ in orgs}
        assert str(MembershipCreate.model_validate(body).person_id) in person_ids
