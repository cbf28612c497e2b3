from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.person_sync_ethnic_origin_type_0 import PersonSyncEthnicOriginType0
from ..models.person_sync_gender import PersonSyncGender
from ..models.person_sync_host_country import PersonSyncHostCountry
from ..models.person_sync_national_minority_type_0 import PersonSyncNationalMinorityType0
from ..models.person_sync_profession_category_type_0 import PersonSyncProfessionCategoryType0
from ..models.person_sync_region_of_origin_type_0 import PersonSyncRegionOfOriginType0
from ..models.person_sync_risk_level import PersonSyncRiskLevel
from ..models.person_sync_vulnerabilities_item import PersonSyncVulnerabilitiesItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.family_member import FamilyMember


T = TypeVar("T", bound="PersonSync")


@_attrs_define
class PersonSync:
    """One record of a bulk sync: the agency's full view of the person.

    Attributes:
        name (str): Encrypted at rest.
        gender (PersonSyncGender):
        host_country (PersonSyncHostCountry):
        external_id (str):
        aliases (list[str] | Unset):
        ethnic_origin (None | PersonSyncEthnicOriginType0 | Unset): Self-declared only; special-category data.
        national_minority (None | PersonSyncNationalMinorityType0 | Unset):
        region_of_origin (None | PersonSyncRegionOfOriginType0 | Unset):
        profession_category (None | PersonSyncProfessionCategoryType0 | Unset):
        host_city (None | str | Unset): Encrypted at rest.
        vulnerabilities (list[PersonSyncVulnerabilitiesItem] | Unset):
        risk_level (PersonSyncRiskLevel | Unset):  Default: PersonSyncRiskLevel.MEDIUM.
        family (list[FamilyMember] | Unset):
    """

    name: str
    gender: PersonSyncGender
    host_country: PersonSyncHostCountry
    external_id: str
    aliases: list[str] | Unset = UNSET
    ethnic_origin: PersonSyncEthnicOriginType0 | Unset | None = UNSET
    national_minority: PersonSyncNationalMinorityType0 | Unset | None = UNSET
    region_of_origin: PersonSyncRegionOfOriginType0 | Unset | None = UNSET
    profession_category: PersonSyncProfessionCategoryType0 | Unset | None = UNSET
    host_city: str | Unset | None = UNSET
    vulnerabilities: list[PersonSyncVulnerabilitiesItem] | Unset = UNSET
    risk_level: PersonSyncRiskLevel | Unset = PersonSyncRiskLevel.MEDIUM
    family: list[FamilyMember] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        gender = self.gender.value

        host_country = self.host_country.value

        external_id = self.external_id

        aliases: list[str] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases

        ethnic_origin: str | Unset | None
        if isinstance(self.ethnic_origin, Unset):
            ethnic_origin = UNSET
        elif isinstance(self.ethnic_origin, PersonSyncEthnicOriginType0):
            ethnic_origin = self.ethnic_origin.value
        else:
            ethnic_origin = self.ethnic_origin

        national_minority: str | Unset | None
        if isinstance(self.national_minority, Unset):
            national_minority = UNSET
        elif isinstance(self.national_minority, PersonSyncNationalMinorityType0):
            national_minority = self.national_minority.value
        else:
            national_minority = self.national_minority

        region_of_origin: str | Unset | None
        if isinstance(self.region_of_origin, Unset):
            region_of_origin = UNSET
        elif isinstance(self.region_of_origin, PersonSyncRegionOfOriginType0):
            region_of_origin = self.region_of_origin.value
        else:
            region_of_origin = self.region_of_origin

        profession_category: str | Unset | None
        if isinstance(self.profession_category, Unset):
            profession_category = UNSET
        elif isinstance(self.profession_category, PersonSyncProfessionCategoryType0):
            profession_category = self.profession_category.value
        else:
            profession_category = self.profession_category

        host_city: str | Unset | None
        if isinstance(self.host_city, Unset):
            host_city = UNSET
        else:
            host_city = self.host_city

        vulnerabilities: list[str] | Unset = UNSET
        if not isinstance(self.vulnerabilities, Unset):
            vulnerabilities = []
            for vulnerabilities_item_data in self.vulnerabilities:
                vulnerabilities_item = vulnerabilities_item_data.value
                vulnerabilities.append(vulnerabilities_item)

        risk_level: str | Unset = UNSET
        if not isinstance(self.risk_level, Unset):
            risk_level = self.risk_level.value

        family: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.family, Unset):
            family = []
            for family_item_data in self.family:
                family_item = family_item_data.to_dict()
                family.append(family_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "gender": gender,
                "host_country": host_country,
                "external_id": external_id,
            }
        )
        if aliases is not UNSET:
            field_dict["aliases"] = aliases
        if ethnic_origin is not UNSET:
            field_dict["ethnic_origin"] = ethnic_origin
        if national_minority is not UNSET:
            field_dict["national_minority"] = national_minority
        if region_of_origin is not UNSET:
            field_dict["region_of_origin"] = region_of_origin
        if profession_category is not UNSET:
            field_dict["profession_category"] = profession_category
        if host_city is not UNSET:
            field_dict["host_city"] = host_city
        if vulnerabilities is not UNSET:
            field_dict["vulnerabilities"] = vulnerabilities
        if risk_level is not UNSET:
            field_dict["risk_level"] = risk_level
        if family is not UNSET:
            field_dict["family"] = family

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.family_member import FamilyMember

        d = dict(src_dict)
        name = d.pop("name")

        gender = PersonSyncGender(d.pop("gender"))

        host_country = PersonSyncHostCountry(d.pop("host_country"))

        external_id = d.pop("external_id")

        aliases = cast(list[str], d.pop("aliases", UNSET))

        def _parse_ethnic_origin(data: object) -> PersonSyncEthnicOriginType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ethnic_origin_type_0 = PersonSyncEthnicOriginType0(data)

                return ethnic_origin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonSyncEthnicOriginType0 | Unset, data)

        ethnic_origin = _parse_ethnic_origin(d.pop("ethnic_origin", UNSET))

        def _parse_national_minority(
            data: object,
        ) -> PersonSyncNationalMinorityType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                national_minority_type_0 = PersonSyncNationalMinorityType0(data)

                return national_minority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonSyncNationalMinorityType0 | Unset, data)

        national_minority = _parse_national_minority(d.pop("national_minority", UNSET))

        def _parse_region_of_origin(data: object) -> PersonSyncRegionOfOriginType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                region_of_origin_type_0 = PersonSyncRegionOfOriginType0(data)

                return region_of_origin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonSyncRegionOfOriginType0 | Unset, data)

        region_of_origin = _parse_region_of_origin(d.pop("region_of_origin", UNSET))

        def _parse_profession_category(
            data: object,
        ) -> PersonSyncProfessionCategoryType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                profession_category_type_0 = PersonSyncProfessionCategoryType0(data)

                return profession_category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonSyncProfessionCategoryType0 | Unset, data)

        profession_category = _parse_profession_category(d.pop("profession_category", UNSET))

        def _parse_host_city(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        host_city = _parse_host_city(d.pop("host_city", UNSET))

        _vulnerabilities = d.pop("vulnerabilities", UNSET)
        vulnerabilities: list[PersonSyncVulnerabilitiesItem] | Unset = UNSET
        if _vulnerabilities is not UNSET:
            vulnerabilities = []
            for vulnerabilities_item_data in _vulnerabilities:
                vulnerabilities_item = PersonSyncVulnerabilitiesItem(vulnerabilities_item_data)

                vulnerabilities.append(vulnerabilities_item)

        _risk_level = d.pop("risk_level", UNSET)
        risk_level: PersonSyncRiskLevel | Unset
        if isinstance(_risk_level, Unset):
            risk_level = UNSET
        else:
            risk_level = PersonSyncRiskLevel(_risk_level)

        _family = d.pop("family", UNSET)
        family: list[FamilyMember] | Unset = UNSET
        if _family is not UNSET:
            family = []
            for family_item_data in _family:
                family_item = FamilyMember.from_dict(family_item_data)

                family.append(family_item)

        person_sync = cls(
            name=name,
            gender=gender,
            host_country=host_country,
            external_id=external_id,
            aliases=aliases,
            ethnic_origin=ethnic_origin,
            national_minority=national_minority,
            region_of_origin=region_of_origin,
            profession_category=profession_category,
            host_city=host_city,
            vulnerabilities=vulnerabilities,
            risk_level=risk_level,
            family=family,
        )

        return person_sync
