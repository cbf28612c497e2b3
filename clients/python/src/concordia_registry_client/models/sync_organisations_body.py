from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.organisation_sync import OrganisationSync


T = TypeVar("T", bound="SyncOrganisationsBody")


@_attrs_define
class SyncOrganisationsBody:
    """
    Attributes:
        records (list[Any | OrganisationSync]):
    """

    records: list[Any | OrganisationSync]

    def to_dict(self) -> dict[str, Any]:
        from ..models.organisation_sync import OrganisationSync

        records = []
        for records_item_data in self.records:
            records_item: Any | dict[str, Any]
            if isinstance(records_item_data, OrganisationSync):
                records_item = records_item_data.to_dict()
            else:
                records_item = records_item_data
            records.append(records_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "records": records,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.organisation_sync import OrganisationSync

        d = dict(src_dict)
        records = []
        _records = d.pop("records")
        for records_item_data in _records:

            def _parse_records_item(data: object) -> Any | OrganisationSync:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    records_item_type_0 = OrganisationSync.from_dict(data)

                    return records_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(Any | OrganisationSync, data)

            records_item = _parse_records_item(records_item_data)

            records.append(records_item)

        sync_organisations_body = cls(
            records=records,
        )

        return sync_organisations_body
