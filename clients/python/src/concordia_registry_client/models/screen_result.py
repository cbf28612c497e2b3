from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.screen_match import ScreenMatch


T = TypeVar("T", bound="ScreenResult")


@_attrs_define
class ScreenResult:
    """Whether anything matched; the spans only for callers who may read the registry.

    Attributes:
        match (bool):
        fields (list[str]): The fields with a match (the caller's own labels).
        matches (list[ScreenMatch] | None): The spans; null unless the token also holds `registry:read`.
    """

    match: bool
    fields: list[str]
    matches: list[ScreenMatch] | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        match = self.match

        fields = self.fields

        matches: list[dict[str, Any]] | None
        if isinstance(self.matches, list):
            matches = []
            for matches_type_0_item_data in self.matches:
                matches_type_0_item = matches_type_0_item_data.to_dict()
                matches.append(matches_type_0_item)

        else:
            matches = self.matches

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "match": match,
                "fields": fields,
                "matches": matches,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.screen_match import ScreenMatch

        d = dict(src_dict)
        match = d.pop("match")

        fields = cast(list[str], d.pop("fields"))

        def _parse_matches(data: object) -> list[ScreenMatch] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                matches_type_0 = []
                _matches_type_0 = data
                for matches_type_0_item_data in _matches_type_0:
                    matches_type_0_item = ScreenMatch.from_dict(matches_type_0_item_data)

                    matches_type_0.append(matches_type_0_item)

                return matches_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ScreenMatch] | None, data)

        matches = _parse_matches(d.pop("matches"))

        screen_result = cls(
            match=match,
            fields=fields,
            matches=matches,
        )

        screen_result.additional_properties = d
        return screen_result

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
