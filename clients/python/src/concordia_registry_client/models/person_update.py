from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.person_update_ethnic_origin_type_0 import PersonUpdateEthnicOriginType0
from ..models.person_update_gender import PersonUpdateGender
from ..models.person_update_host_country import PersonUpdateHostCountry
from ..models.person_update_national_minority_type_0 import PersonUpdateNationalMinorityType0
from ..models.person_update_profession_category_type_0 import PersonUpdateProfessionCategoryType0
from ..models.person_update_region_of_origin_type_0 import PersonUpdateRegionOfOriginType0
from ..models.person_update_risk_level import PersonUpdateRiskLevel
from ..models.person_update_vulnerabilities_item import PersonUpdateVulnerabilitiesItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.family_member import FamilyMember


T = TypeVar("T", bound="PersonUpdate")


@_attrs_define
class PersonUpdate:
    """A partial change: only the fields sent are changed.

    Attributes:
        name (str | Unset):
        aliases (list[str] | Unset):
        gender (PersonUpdateGender | Unset):
        ethnic_origin (None | PersonUpdateEthnicOriginType0 | Unset):
        national_minority (None | PersonUpdateNationalMinorityType0 | Unset):
        region_of_origin (None | PersonUpdateRegionOfOriginType0 | Unset):
        profession_category (None | PersonUpdateProfessionCategoryType0 | Unset):
        host_country (PersonUpdateHostCountry | Unset):
        host_city (None | str | Unset):
        vulnerabilities (list[PersonUpdateVulnerabilitiesItem] | Unset):
        risk_level (PersonUpdateRiskLevel | Unset):
        family (list[FamilyMember] | Unset):
    """

    name: str | Unset = UNSET
    aliases: list[str] | Unset = UNSET
    gender: PersonUpdateGender | Unset = UNSET
    ethnic_origin: PersonUpdateEthnicOriginType0 | Unset | None = UNSET
    national_minority: PersonUpdateNationalMinorityType0 | Unset | None = UNSET
    region_of_origin: PersonUpdateRegionOfOriginType0 | Unset | None = UNSET
    profession_category: PersonUpdateProfessionCategoryType0 | Unset | None = UNSET
    host_country: PersonUpdateHostCountry | Unset = UNSET
    host_city: str | Unset | None = UNSET
    vulnerabilities: list[PersonUpdateVulnerabilitiesItem] | Unset = UNSET
    risk_level: PersonUpdateRiskLevel | Unset = UNSET
    family: list[FamilyMember] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        aliases: list[str] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases

        gender: str | Unset = UNSET
        if not isinstance(self.gender, Unset):
            gender = self.gender.value

        ethnic_origin: str | Unset | None
        if isinstance(self.ethnic_origin, Unset):
            ethnic_origin = UNSET
        elif isinstance(self.ethnic_origin, PersonUpdateEthnicOriginType0):
            ethnic_origin = self.ethnic_origin.value
        else:
            ethnic_origin = self.ethnic_origin

        national_minority: str | Unset | None
        if isinstance(self.national_minority, Unset):
            national_minority = UNSET
        elif isinstance(self.national_minority, PersonUpdateNationalMinorityType0):
            national_minority = self.national_minority.value
        else:
            national_minority = self.national_minority

        region_of_origin: str | Unset | None
        if isinstance(self.region_of_origin, Unset):
            region_of_origin = UNSET
        elif isinstance(self.region_of_origin, PersonUpdateRegionOfOriginType0):
            region_of_origin = self.region_of_origin.value
        else:
            region_of_origin = self.region_of_origin

        profession_category: str | Unset | None
        if isinstance(self.profession_category, Unset):
            profession_category = UNSET
        elif isinstance(self.profession_category, PersonUpdateProfessionCategoryType0):
            profession_category = self.profession_category.value
        else:
            profession_category = self.profession_category

        host_country: str | Unset = UNSET
        if not isinstance(self.host_country, Unset):
            host_country = self.host_country.value

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

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if aliases is not UNSET:
            field_dict["aliases"] = aliases
        if gender is not UNSET:
            field_dict["gender"] = gender
        if ethnic_origin is not UNSET:
            field_dict["ethnic_origin"] = ethnic_origin
        if national_minority is not UNSET:
            field_dict["national_minority"] = national_minority
        if region_of_origin is not UNSET:
            field_dict["region_of_origin"] = region_of_origin
        if profession_category is not UNSET:
            field_dict["profession_category"] = profession_category
        if host_country is not UNSET:
            field_dict["host_country"] = host_country
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
        name = d.pop("name", UNSET)

        aliases = cast(list[str], d.pop("aliases", UNSET))

        _gender = d.pop("gender", UNSET)
        gender: PersonUpdateGender | Unset
        if isinstance(_gender, Unset):
            gender = UNSET
        else:
            gender = PersonUpdateGender(_gender)

        def _parse_ethnic_origin(data: object) -> PersonUpdateEthnicOriginType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ethnic_origin_type_0 = PersonUpdateEthnicOriginType0(data)

                return ethnic_origin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonUpdateEthnicOriginType0 | Unset, data)

        ethnic_origin = _parse_ethnic_origin(d.pop("ethnic_origin", UNSET))

        def _parse_national_minority(
            data: object,
        ) -> PersonUpdateNationalMinorityType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                national_minority_type_0 = PersonUpdateNationalMinorityType0(data)

                return national_minority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonUpdateNationalMinorityType0 | Unset, data)

        national_minority = _parse_national_minority(d.pop("national_minority", UNSET))

        def _parse_region_of_origin(data: object) -> PersonUpdateRegionOfOriginType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                region_of_origin_type_0 = PersonUpdateRegionOfOriginType0(data)

                return region_of_origin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonUpdateRegionOfOriginType0 | Unset, data)

        region_of_origin = _parse_region_of_origin(d.pop("region_of_origin", UNSET))

        def _parse_profession_category(
            data: object,
        ) -> PersonUpdateProfessionCategoryType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                profession_category_type_0 = PersonUpdateProfessionCategoryType0(data)

                return profession_category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonUpdateProfessionCategoryType0 | Unset, data)

        profession_category = _parse_profession_category(d.pop("profession_category", UNSET))

        _host_country = d.pop("host_country", UNSET)
        host_country: PersonUpdateHostCountry | Unset
        if isinstance(_host_country, Unset):
            host_country = UNSET
        else:
            host_country = PersonUpdateHostCountry(_host_country)

        def _parse_host_city(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        host_city = _parse_host_city(d.pop("host_city", UNSET))

        _vulnerabilities = d.pop("vulnerabilities", UNSET)
        vulnerabilities: list[PersonUpdateVulnerabilitiesItem] | Unset = UNSET
        if _vulnerabilities is not UNSET:
            vulnerabilities = []
            for vulnerabilities_item_data in _vulnerabilities:
                vulnerabilities_item = PersonUpdateVulnerabilitiesItem(vulnerabilities_item_data)

                vulnerabilities.append(vulnerabilities_item)

        _risk_level = d.pop("risk_level", UNSET)
        risk_level: PersonUpdateRiskLevel | Unset
        if isinstance(_risk_level, Unset):
            risk_level = UNSET
        else:
            risk_level = PersonUpdateRiskLevel(_risk_level)

        _family = d.pop("family", UNSET)
        family: list[FamilyMember] | Unset = UNSET
        if _family is not UNSET:
            family = []
            for family_item_data in _family:
                family_item = FamilyMember.from_dict(family_item_data)

                family.append(family_item)

        person_update = cls(
            name=name,
            aliases=aliases,
            gender=gender,
            ethnic_origin=ethnic_origin,
            national_minority=national_minority,
            region_of_origin=region_of_origin,
            profession_category=profession_category,
            host_country=host_country,
            host_city=host_city,
            vulnerabilities=vulnerabilities,
            risk_level=risk_level,
            family=family,
        )

        return person_update
