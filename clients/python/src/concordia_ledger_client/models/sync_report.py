from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.sync_report_counts import SyncReportCounts
    from ..models.sync_result import SyncResult


T = TypeVar("T", bound="SyncReport")


@_attrs_define
class SyncReport:
    """Per-record results of a bulk sync and the counts by outcome.

    Attributes:
        dry_run (bool):
        counts (SyncReportCounts):
        results (list[SyncResult]):
    """

    dry_run: bool
    counts: SyncReportCounts
    results: list[SyncResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dry_run = self.dry_run

        counts = self.counts.to_dict()

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dry_run": dry_run,
                "counts": counts,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sync_report_counts import SyncReportCounts
        from ..models.sync_result import SyncResult

        d = dict(src_dict)
        dry_run = d.pop("dry_run")

        counts = SyncReportCounts.from_dict(d.pop("counts"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = SyncResult.from_dict(results_item_data)

            results.append(results_item)

        sync_report = cls(
            dry_run=dry_run,
            counts=counts,
            results=results,
        )

        sync_report.additional_properties = d
        return sync_report

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
