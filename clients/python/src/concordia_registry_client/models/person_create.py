from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.person_create_ethnic_origin_type_0 import PersonCreateEthnicOriginType0
from ..models.person_create_gender import PersonCreateGender
from ..models.person_create_host_country import PersonCreateHostCountry
from ..models.person_create_national_minority_type_0 import PersonCreateNationalMinorityType0
from ..models.person_create_profession_category_type_0 import PersonCreateProfessionCategoryType0
from ..models.person_create_region_of_origin_type_0 import PersonCreateRegionOfOriginType0
from ..models.person_create_risk_level import PersonCreateRiskLevel
from ..models.person_create_vulnerabilities_item import PersonCreateVulnerabilitiesItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.family_member import FamilyMember


T = TypeVar("T", bound="PersonCreate")


@_attrs_define
class PersonCreate:
    """A new person.

    Attributes:
        name (str): Encrypted at rest.
        gender (PersonCreateGender):
        host_country (PersonCreateHostCountry):
        aliases (list[str] | Unset):
        ethnic_origin (None | PersonCreateEthnicOriginType0 | Unset): Self-declared only; special-category data.
        national_minority (None | PersonCreateNationalMinorityType0 | Unset):
        region_of_origin (None | PersonCreateRegionOfOriginType0 | Unset):
        profession_category (None | PersonCreateProfessionCategoryType0 | Unset):
        host_city (None | str | Unset): Encrypted at rest.
        vulnerabilities (list[PersonCreateVulnerabilitiesItem] | Unset):
        risk_level (PersonCreateRiskLevel | Unset):  Default: PersonCreateRiskLevel.MEDIUM.
        family (list[FamilyMember] | Unset):
        external_id (None | str | Unset):
    """

    name: str
    gender: PersonCreateGender
    host_country: PersonCreateHostCountry
    aliases: list[str] | Unset = UNSET
    ethnic_origin: PersonCreateEthnicOriginType0 | Unset | None = UNSET
    national_minority: PersonCreateNationalMinorityType0 | Unset | None = UNSET
    region_of_origin: PersonCreateRegionOfOriginType0 | Unset | None = UNSET
    profession_category: PersonCreateProfessionCategoryType0 | Unset | None = UNSET
    host_city: str | Unset | None = UNSET
    vulnerabilities: list[PersonCreateVulnerabilitiesItem] | Unset = UNSET
    risk_level: PersonCreateRiskLevel | Unset = PersonCreateRiskLevel.MEDIUM
    family: list[FamilyMember] | Unset = UNSET
    external_id: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        gender = self.gender.value

        host_country = self.host_country.value

        aliases: list[str] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases

        ethnic_origin: str | Unset | None
        if isinstance(self.ethnic_origin, Unset):
            ethnic_origin = UNSET
        elif isinstance(self.ethnic_origin, PersonCreateEthnicOriginType0):
            ethnic_origin = self.ethnic_origin.value
        else:
            ethnic_origin = self.ethnic_origin

        national_minority: str | Unset | None
        if isinstance(self.national_minority, Unset):
            national_minority = UNSET
        elif isinstance(self.national_minority, PersonCreateNationalMinorityType0):
            national_minority = self.national_minority.value
        else:
            national_minority = self.national_minority

        region_of_origin: str | Unset | None
        if isinstance(self.region_of_origin, Unset):
            region_of_origin = UNSET
        elif isinstance(self.region_of_origin, PersonCreateRegionOfOriginType0):
            region_of_origin = self.region_of_origin.value
        else:
            region_of_origin = self.region_of_origin

        profession_category: str | Unset | None
        if isinstance(self.profession_category, Unset):
            profession_category = UNSET
        elif isinstance(self.profession_category, PersonCreateProfessionCategoryType0):
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

        external_id: str | Unset | None
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "gender": gender,
                "host_country": host_country,
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
        if external_id is not UNSET:
            field_dict["external_id"] = external_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.family_member import FamilyMember

        d = dict(src_dict)
        name = d.pop("name")

        gender = PersonCreateGender(d.pop("gender"))

        host_country = PersonCreateHostCountry(d.pop("host_country"))

        aliases = cast(list[str], d.pop("aliases", UNSET))

        def _parse_ethnic_origin(data: object) -> PersonCreateEthnicOriginType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ethnic_origin_type_0 = PersonCreateEthnicOriginType0(data)

                return ethnic_origin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonCreateEthnicOriginType0 | Unset, data)

        ethnic_origin = _parse_ethnic_origin(d.pop("ethnic_origin", UNSET))

        def _parse_national_minority(
            data: object,
        ) -> PersonCreateNationalMinorityType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                national_minority_type_0 = PersonCreateNationalMinorityType0(data)

                return national_minority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonCreateNationalMinorityType0 | Unset, data)

        national_minority = _parse_national_minority(d.pop("national_minority", UNSET))

        def _parse_region_of_origin(data: object) -> PersonCreateRegionOfOriginType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                region_of_origin_type_0 = PersonCreateRegionOfOriginType0(data)

                return region_of_origin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonCreateRegionOfOriginType0 | Unset, data)

        region_of_origin = _parse_region_of_origin(d.pop("region_of_origin", UNSET))

        def _parse_profession_category(
            data: object,
        ) -> PersonCreateProfessionCategoryType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                profession_category_type_0 = PersonCreateProfessionCategoryType0(data)

                return profession_category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonCreateProfessionCategoryType0 | Unset, data)

        profession_category = _parse_profession_category(d.pop("profession_category", UNSET))

        def _parse_host_city(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        host_city = _parse_host_city(d.pop("host_city", UNSET))

        _vulnerabilities = d.pop("vulnerabilities", UNSET)
        vulnerabilities: list[PersonCreateVulnerabilitiesItem] | Unset = UNSET
        if _vulnerabilities is not UNSET:
            vulnerabilities = []
            for vulnerabilities_item_data in _vulnerabilities:
                vulnerabilities_item = PersonCreateVulnerabilitiesItem(vulnerabilities_item_data)

                vulnerabilities.append(vulnerabilities_item)

        _risk_level = d.pop("risk_level", UNSET)
        risk_level: PersonCreateRiskLevel | Unset
        if isinstance(_risk_level, Unset):
            risk_level = UNSET
        else:
            risk_level = PersonCreateRiskLevel(_risk_level)

        _family = d.pop("family", UNSET)
        family: list[FamilyMember] | Unset = UNSET
        if _family is not UNSET:
            family = []
            for family_item_data in _family:
                family_item = FamilyMember.from_dict(family_item_data)

                family.append(family_item)

        def _parse_external_id(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        person_create = cls(
            name=name,
            gender=gender,
            host_country=host_country,
            aliases=aliases,
            ethnic_origin=ethnic_origin,
            national_minority=national_minority,
            region_of_origin=region_of_origin,
            profession_category=profession_category,
            host_city=host_city,
            vulnerabilities=vulnerabilities,
            risk_level=risk_level,
            family=family,
            external_id=external_id,
        )

        return person_create
