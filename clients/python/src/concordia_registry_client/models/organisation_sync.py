from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.organisation_sync_languages_item import OrganisationSyncLanguagesItem
from ..models.organisation_sync_regions_of_focus_item import OrganisationSyncRegionsOfFocusItem
from ..models.organisation_sync_registration_country import OrganisationSyncRegistrationCountry
from ..models.organisation_sync_represents_item import OrganisationSyncRepresentsItem
from ..models.organisation_sync_type import OrganisationSyncType
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganisationSync")


@_attrs_define
class OrganisationSync:
    """One record of a bulk organisation sync.

    Attributes:
        identifier (str):
        name (str):
        type_ (OrganisationSyncType):
        registration_country (OrganisationSyncRegistrationCountry):
        external_id (str):
        focus (list[str] | Unset):
        languages (list[OrganisationSyncLanguagesItem] | Unset):
        represents (list[OrganisationSyncRepresentsItem] | Unset):
        regions_of_focus (list[OrganisationSyncRegionsOfFocusItem] | Unset):
    """

    identifier: str
    name: str
    type_: OrganisationSyncType
    registration_country: OrganisationSyncRegistrationCountry
    external_id: str
    focus: list[str] | Unset = UNSET
    languages: list[OrganisationSyncLanguagesItem] | Unset = UNSET
    represents: list[OrganisationSyncRepresentsItem] | Unset = UNSET
    regions_of_focus: list[OrganisationSyncRegionsOfFocusItem] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        name = self.name

        type_ = self.type_.value

        registration_country = self.registration_country.value

        external_id = self.external_id

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

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identifier": identifier,
                "name": name,
                "type": type_,
                "registration_country": registration_country,
                "external_id": external_id,
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identifier = d.pop("identifier")

        name = d.pop("name")

        type_ = OrganisationSyncType(d.pop("type"))

        registration_country = OrganisationSyncRegistrationCountry(d.pop("registration_country"))

        external_id = d.pop("external_id")

        focus = cast(list[str], d.pop("focus", UNSET))

        _languages = d.pop("languages", UNSET)
        languages: list[OrganisationSyncLanguagesItem] | Unset = UNSET
        if _languages is not UNSET:
            languages = []
            for languages_item_data in _languages:
                languages_item = OrganisationSyncLanguagesItem(languages_item_data)

                languages.append(languages_item)

        _represents = d.pop("represents", UNSET)
        represents: list[OrganisationSyncRepresentsItem] | Unset = UNSET
        if _represents is not UNSET:
            represents = []
            for represents_item_data in _represents:
                represents_item = OrganisationSyncRepresentsItem(represents_item_data)

                represents.append(represents_item)

        _regions_of_focus = d.pop("regions_of_focus", UNSET)
        regions_of_focus: list[OrganisationSyncRegionsOfFocusItem] | Unset = UNSET
        if _regions_of_focus is not UNSET:
            regions_of_focus = []
            for regions_of_focus_item_data in _regions_of_focus:
                regions_of_focus_item = OrganisationSyncRegionsOfFocusItem(
                    regions_of_focus_item_data
                )

                regions_of_focus.append(regions_of_focus_item)

        organisation_sync = cls(
            identifier=identifier,
            name=name,
            type_=type_,
            registration_country=registration_country,
            external_id=external_id,
            focus=focus,
            languages=languages,
            represents=represents,
            regions_of_focus=regions_of_focus,
        )

        return organisation_sync
