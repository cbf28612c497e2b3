"""Texts without control characters, identifiers of registered agencies: refused at the door."""

from __future__ import annotations

from registry_support import Registry, create, person

ORG = {"identifier": "SE-ON-TEST-0002", "name": "Example Exile Media Test",
       "type": "independent_media", "registration_country": "SE"}  # fmt: skip


async def test_control_characters_are_refused_in_every_text(registry: Registry) -> None:
    for field, value in (("name", "Test\x0bperson"), ("host_city", "Test\x00ville"),
                         ("aliases", ["Alias\x1b"])):  # fmt: skip
        response = await create(registry, person(1, **{field: value}))
        assert response.status_code == 422, (field, response.text)
        assert "control characters" in response.text
    url = "/v1/organisations"
    bad = await registry.client.post(url, json=ORG | {"name": "Example\x0bMedia"},
                                     headers=registry.rw)  # fmt: skip
    assert bad.status_code == 422
    assert (await create(registry, person(1))).status_code == 201


async def test_organisation_identifiers_need_a_registered_agency(registry: Registry) -> None:
    url = "/v1/organisations"
    for invented in ("SE-DEMO-0001", "XM-DEMO-DONOR-4", "XX-ON-1"):
        response = await registry.client.post(url, json=ORG | {"identifier": invented},
                                              headers=registry.rw)  # fmt: skip
        assert response.status_code == 422, invented
        assert "OrganisationRegistrationAgency" in response.text
    for real in ("SE-ON-TEST-0002", "XI-IATI-TEST-0003", "CA_AB-ABT-TEST-4"):
        response = await registry.client.post(
            url, json=ORG | {"identifier": real, "name": f"Example {real}"}, headers=registry.rw
        )
        assert response.status_code == 201, response.text
