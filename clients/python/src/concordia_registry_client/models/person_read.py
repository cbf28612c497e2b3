from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.person_read_family_item import PersonReadFamilyItem


T = TypeVar("T", bound="PersonRead")


@_attrs_define
class PersonRead:
    """A person as the registry holds it; ``erased`` persons carry no personal fields.

    Attributes:
        id (UUID):
        version (int):
        external_id (None | str):
        erased (bool):
        name (None | str):
        aliases (list[str]):
        gender (None | str):
        ethnic_origin (None | str):
        national_minority (None | str):
        region_of_origin (None | str):
        federal_district (None | str):
        profession_category (None | str):
        host_country (None | str):
        host_city (None | str):
        vulnerabilities (list[str]):
        risk_level (None | str):
        family (list[PersonReadFamilyItem]):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    version: int
    external_id: str | None
    erased: bool
    name: str | None
    aliases: list[str]
    gender: str | None
    ethnic_origin: str | None
    national_minority: str | None
    region_of_origin: str | None
    federal_district: str | None
    profession_category: str | None
    host_country: str | None
    host_city: str | None
    vulnerabilities: list[str]
    risk_level: str | None
    family: list[PersonReadFamilyItem]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        version = self.version

        external_id: str | None
        external_id = self.external_id

        erased = self.erased

        name: str | None
        name = self.name

        aliases = self.aliases

        gender: str | None
        gender = self.gender

        ethnic_origin: str | None
        ethnic_origin = self.ethnic_origin

        national_minority: str | None
        national_minority = self.national_minority

        region_of_origin: str | None
        region_of_origin = self.region_of_origin

        federal_district: str | None
        federal_district = self.federal_district

        profession_category: str | None
        profession_category = self.profession_category

        host_country: str | None
        host_country = self.host_country

        host_city: str | None
        host_city = self.host_city

        vulnerabilities = self.vulnerabilities

        risk_level: str | None
        risk_level = self.risk_level

        family = []
        for family_item_data in self.family:
            family_item = family_item_data.to_dict()
            family.append(family_item)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "external_id": external_id,
                "erased": erased,
                "name": name,
                "aliases": aliases,
                "gender": gender,
                "ethnic_origin": ethnic_origin,
                "national_minority": national_minority,
                "region_of_origin": region_of_origin,
                "federal_district": federal_district,
                "profession_category": profession_category,
                "host_country": host_country,
                "host_city": host_city,
                "vulnerabilities": vulnerabilities,
                "risk_level": risk_level,
                "family": family,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.person_read_family_item import PersonReadFamilyItem

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        version = d.pop("version")

        def _parse_external_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        erased = d.pop("erased")

        def _parse_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        aliases = cast(list[str], d.pop("aliases"))

        def _parse_gender(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        gender = _parse_gender(d.pop("gender"))

        def _parse_ethnic_origin(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        ethnic_origin = _parse_ethnic_origin(d.pop("ethnic_origin"))

        def _parse_national_minority(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        national_minority = _parse_national_minority(d.pop("national_minority"))

        def _parse_region_of_origin(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        region_of_origin = _parse_region_of_origin(d.pop("region_of_origin"))

        def _parse_federal_district(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        federal_district = _parse_federal_district(d.pop("federal_district"))

        def _parse_profession_category(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        profession_category = _parse_profession_category(d.pop("profession_category"))

        def _parse_host_country(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        host_country = _parse_host_country(d.pop("host_country"))

        def _parse_host_city(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        host_city = _parse_host_city(d.pop("host_city"))

        vulnerabilities = cast(list[str], d.pop("vulnerabilities"))

        def _parse_risk_level(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        risk_level = _parse_risk_level(d.pop("risk_level"))

        family = []
        _family = d.pop("family")
        for family_item_data in _family:
            family_item = PersonReadFamilyItem.from_dict(family_item_data)

            family.append(family_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        person_read = cls(
            id=id,
            version=version,
            external_id=external_id,
            erased=erased,
            name=name,
            aliases=aliases,
            gender=gender,
            ethnic_origin=ethnic_origin,
            national_minority=national_minority,
            region_of_origin=region_of_origin,
            federal_district=federal_district,
            profession_category=profession_category,
            host_country=host_country,
            host_city=host_city,
            vulnerabilities=vulnerabilities,
            risk_level=risk_level,
            family=family,
            created_at=created_at,
            updated_at=updated_at,
        )

        person_read.additional_properties = d
        return person_read

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
