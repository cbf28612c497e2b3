from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.organisation_create_languages_item import OrganisationCreateLanguagesItem
from ..models.organisation_create_regions_of_focus_item import OrganisationCreateRegionsOfFocusItem
from ..models.organisation_create_registration_country import OrganisationCreateRegistrationCountry
from ..models.organisation_create_represents_item import OrganisationCreateRepresentsItem
from ..models.organisation_create_type import OrganisationCreateType
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganisationCreate")


@_attrs_define
class OrganisationCreate:
    """A new organisation.

    Attributes:
        identifier (str):
        name (str):
        type_ (OrganisationCreateType):
        registration_country (OrganisationCreateRegistrationCountry):
        focus (list[str] | Unset):
        languages (list[OrganisationCreateLanguagesItem] | Unset):
        represents (list[OrganisationCreateRepresentsItem] | Unset):
        regions_of_focus (list[OrganisationCreateRegionsOfFocusItem] | Unset):
        external_id (None | str | Unset):
    """

    identifier: str
    name: str
    type_: OrganisationCreateType
    registration_country: OrganisationCreateRegistrationCountry
    focus: list[str] | Unset = UNSET
    languages: list[OrganisationCreateLanguagesItem] | Unset = UNSET
    represents: list[OrganisationCreateRepresentsItem] | Unset = UNSET
    regions_of_focus: list[OrganisationCreateRegionsOfFocusItem] | Unset = UNSET
    external_id: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        name = self.name

        type_ = self.type_.value

        registration_country = self.registration_country.value

        focus: list[str] | Unset = UNSET
        if not isinstance(self.focus, Unset):
            focus = self.focus

        languages: list[str] | Unset = UNSET
        if not isinstance(self.languages, Unset):
            languages = []
            for languages_item_data in self.languages:
                languages_item = languages_item_data.value
                languages.append(languages_item)

        represents: list[str] | Unset = UNSET
        if not isinstance(self.represents, Unset):
            represents = []
            for represents_item_data in self.represents:
                represents_item = represents_item_data.value
                represents.append(represents_item)

        regions_of_focus: list[str] | Unset = UNSET
        if not isinstance(self.regions_of_focus, Unset):
            regions_of_focus = []
            for regions_of_focus_item_data in self.regions_of_focus:
                regions_of_focus_item = regions_of_focus_item_data.value
                regions_of_focus.append(regions_of_focus_item)

        external_id: str | Unset | None
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identifier": identifier,
                "name": name,
                "type": type_,
                "registration_country": registration_country,
            }
        )
        if focus is not UNSET:
            field_dict["focus"] = focus
        if languages is not UNSET:
            field_dict["languages"] = languages
        if represents is not UNSET:
            field_dict["represents"] = represents
        if regions_of_focus is not UNSET:
            field_dict["regions_of_focus"] = regions_of_focus
        if external_id is not UNSET:
            field_dict["external_id"] = external_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identifier = d.pop("identifier")

        name = d.pop("name")

        type_ = OrganisationCreateType(d.pop("type"))

        registration_country = OrganisationCreateRegistrationCountry(d.pop("registration_country"))

        focus = cast(list[str], d.pop("focus", UNSET))

        _languages = d.pop("languages", UNSET)
        languages: list[OrganisationCreateLanguagesItem] | Unset = UNSET
        if _languages is not UNSET:
            languages = []
            for languages_item_data in _languages:
                languages_item = OrganisationCreateLanguagesItem(languages_item_data)

                languages.append(languages_item)

        _represents = d.pop("represents", UNSET)
        represents: list[OrganisationCreateRepresentsItem] | Unset = UNSET
        if _represents is not UNSET:
            represents = []
            for represents_item_data in _represents:
                represents_item = OrganisationCreateRepresentsItem(represents_item_data)

                represents.append(represents_item)

        _regions_of_focus = d.pop("regions_of_focus", UNSET)
        regions_of_focus: list[OrganisationCreateRegionsOfFocusItem] | Unset = UNSET
        if _regions_of_focus is not UNSET:
            regions_of_focus = []
            for regions_of_focus_item_data in _regions_of_focus:
                regions_of_focus_item = OrganisationCreateRegionsOfFocusItem(
                    regions_of_focus_item_data
                )

                regions_of_focus.append(regions_of_focus_item)

        def _parse_external_id(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        organisation_create = cls(
            identifier=identifier,
            name=name,
            type_=type_,
            registration_country=registration_country,
            focus=focus,
            languages=languages,
            represents=represents,
            regions_of_focus=regions_of_focus,
            external_id=external_id,
        )

        return organisation_create
