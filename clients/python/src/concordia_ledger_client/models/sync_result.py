from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sync_result_status import SyncResultStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_error import RecordError


T = TypeVar("T", bound="SyncResult")


@_attrs_define
class SyncResult:
    """The outcome for one record of a bulk sync.

    Attributes:
        index (int):
        external_id (None | str):
        status (SyncResultStatus):
        id (None | Unset | UUID):
        version (int | None | Unset):
        errors (list[RecordError] | Unset):
        left_unchanged (list[str] | Unset): Fields absent from the record that kept their stored value (an update).
        defaulted (list[str] | Unset): Fields absent from the record that took their default (a new record).
    """

    index: int
    external_id: str | None
    status: SyncResultStatus
    id: Unset | UUID | None = UNSET
    version: int | Unset | None = UNSET
    errors: list[RecordError] | Unset = UNSET
    left_unchanged: list[str] | Unset = UNSET
    defaulted: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        external_id: str | None
        external_id = self.external_id

        status = self.status.value

        id: str | Unset | None
        if isinstance(self.id, Unset):
            id = UNSET
        elif isinstance(self.id, UUID):
            id = str(self.id)
        else:
            id = self.id

        version: int | Unset | None
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        left_unchanged: list[str] | Unset = UNSET
        if not isinstance(self.left_unchanged, Unset):
            left_unchanged = self.left_unchanged

        defaulted: list[str] | Unset = UNSET
        if not isinstance(self.defaulted, Unset):
            defaulted = self.defaulted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "external_id": external_id,
                "status": status,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if version is not UNSET:
            field_dict["version"] = version
        if errors is not UNSET:
            field_dict["errors"] = errors
        if left_unchanged is not UNSET:
            field_dict["left_unchanged"] = left_unchanged
        if defaulted is not UNSET:
            field_dict["defaulted"] = defaulted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_error import RecordError

        d = dict(src_dict)
        index = d.pop("index")

        def _parse_external_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        status = SyncResultStatus(d.pop("status"))

        def _parse_id(data: object) -> Unset | UUID | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                id_type_0 = UUID(data)

                return id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_version(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        _errors = d.pop("errors", UNSET)
        errors: list[RecordError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = RecordError.from_dict(errors_item_data)

                errors.append(errors_item)

        left_unchanged = cast(list[str], d.pop("left_unchanged", UNSET))

        defaulted = cast(list[str], d.pop("defaulted", UNSET))

        sync_result = cls(
            index=index,
            external_id=external_id,
            status=status,
            id=id,
            version=version,
            errors=errors,
            left_unchanged=left_unchanged,
            defaulted=defaulted,
        )

        sync_result.additional_properties = d
        return sync_result

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
