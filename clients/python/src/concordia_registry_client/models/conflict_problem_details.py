from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invalid_field import InvalidField


T = TypeVar("T", bound="ConflictProblemDetails")


@_attrs_define
class ConflictProblemDetails:
    """409: a taken key, a state that forbids the change, or fields that are valid one by one
    but break a rule between them (``inconsistent-fields``: ``errors`` names them).

        Attributes:
            title (str): A short summary of the kind of problem.
            status (int): The HTTP status code.
            detail (str): What went wrong this time, for a person to read.
            type_ (str | Unset): What kind of problem: a URI, `about:blank` if none. Default: 'about:blank'.
            instance (None | str | Unset): The path that was asked for.
            errors (list[InvalidField] | Unset): `inconsistent-fields` only: the fields whose rule the request breaks.
    """

    title: str
    status: int
    detail: str
    type_: str | Unset = "about:blank"
    instance: str | Unset | None = UNSET
    errors: list[InvalidField] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        status = self.status

        detail = self.detail

        type_ = self.type_

        instance: str | Unset | None
        if isinstance(self.instance, Unset):
            instance = UNSET
        else:
            instance = self.instance

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "title": title,
                "status": status,
                "detail": detail,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if instance is not UNSET:
            field_dict["instance"] = instance
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invalid_field import InvalidField

        d = dict(src_dict)
        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        type_ = d.pop("type", UNSET)

        def _parse_instance(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        instance = _parse_instance(d.pop("instance", UNSET))

        _errors = d.pop("errors", UNSET)
        errors: list[InvalidField] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = InvalidField.from_dict(errors_item_data)

                errors.append(errors_item)

        conflict_problem_details = cls(
            title=title,
            status=status,
            detail=detail,
            type_=type_,
            instance=instance,
            errors=errors,
        )

        conflict_problem_details.additional_properties = d
        return conflict_problem_details

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
