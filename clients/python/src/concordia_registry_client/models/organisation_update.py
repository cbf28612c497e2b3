from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.organisation_update_languages_item import OrganisationUpdateLanguagesItem
from ..models.organisation_update_regions_of_focus_item import OrganisationUpdateRegionsOfFocusItem
from ..models.organisation_update_registration_country import OrganisationUpdateRegistrationCountry
from ..models.organisation_update_represents_item import OrganisationUpdateRepresentsItem
from ..models.organisation_update_type import OrganisationUpdateType
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganisationUpdate")


@_attrs_define
class OrganisationUpdate:
    """A partial change of an organisation.

    Attributes:
        identifier (str | Unset):
        name (str | Unset):
        type_ (OrganisationUpdateType | Unset):
        focus (list[str] | Unset):
        languages (list[OrganisationUpdateLanguagesItem] | Unset):
        represents (list[OrganisationUpdateRepresentsItem] | Unset):
        regions_of_focus (list[OrganisationUpdateRegionsOfFocusItem] | Unset):
        registration_country (OrganisationUpdateRegistrationCountry | Unset):
    """

    identifier: str | Unset = UNSET
    name: str | Unset = UNSET
    type_: OrganisationUpdateType | Unset = UNSET
    focus: list[str] | Unset = UNSET
    languages: list[OrganisationUpdateLanguagesItem] | Unset = UNSET
    represents: list[OrganisationUpdateRepresentsItem] | Unset = UNSET
    regions_of_focus: list[OrganisationUpdateRegionsOfFocusItem] | Unset = UNSET
    registration_country: OrganisationUpdateRegistrationCountry | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        name = self.name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

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

        registration_country: str | Unset = UNSET
        if not isinstance(self.registration_country, Unset):
            registration_country = self.registration_country.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if identifier is not UNSET:
            field_dict["identifier"] = identifier
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if focus is not UNSET:
            field_dict["focus"] = focus
        if languages is not UNSET:
            field_dict["languages"] = languages
        if represents is not UNSET:
            field_dict["represents"] = represents
        if regions_of_focus is not UNSET:
            field_dict["regions_of_focus"] = regions_of_focus
        if registration_country is not UNSET:
            field_dict["registration_country"] = registration_country

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identifier = d.pop("identifier", UNSET)

        name = d.pop("name", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: OrganisationUpdateType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = OrganisationUpdateType(_type_)

        focus = cast(list[str], d.pop("focus", UNSET))

        _languages = d.pop("languages", UNSET)
        languages: list[OrganisationUpdateLanguagesItem] | Unset = UNSET
        if _languages is not UNSET:
            languages = []
            for languages_item_data in _languages:
                languages_item = OrganisationUpdateLanguagesItem(languages_item_data)

                languages.append(languages_item)

        _represents = d.pop("represents", UNSET)
        represents: list[OrganisationUpdateRepresentsItem] | Unset = UNSET
        if _represents is not UNSET:
            represents = []
            for represents_item_data in _represents:
                represents_item = OrganisationUpdateRepresentsItem(represents_item_data)

                represents.append(represents_item)

        _regions_of_focus = d.pop("regions_of_focus", UNSET)
        regions_of_focus: list[OrganisationUpdateRegionsOfFocusItem] | Unset = UNSET
        if _regions_of_focus is not UNSET:
            regions_of_focus = []
            for regions_of_focus_item_data in _regions_of_focus:
                regions_of_focus_item = OrganisationUpdateRegionsOfFocusItem(
                    regions_of_focus_item_data
                )

                regions_of_focus.append(regions_of_focus_item)

        _registration_country = d.pop("registration_country", UNSET)
        registration_country: OrganisationUpdateRegistrationCountry | Unset
        if isinstance(_registration_country, Unset):
            registration_country = UNSET
        else:
            registration_country = OrganisationUpdateRegistrationCountry(_registration_country)

        organisation_update = cls(
            identifier=identifier,
            name=name,
            type_=type_,
            focus=focus,
            languages=languages,
            represents=represents,
            regions_of_focus=regions_of_focus,
            registration_country=registration_country,
        )

        return organisation_update
