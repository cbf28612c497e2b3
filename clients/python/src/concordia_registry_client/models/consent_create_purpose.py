from enum import StrEnum


class ConsentCreatePurpose(StrEnum):
    AGGREGATE_STATISTICS = "aggregate_statistics"
    CONTACT = "contact"
    FUNDING = "funding"
    PERMITS = "permits"
    REGISTRY = "registry"

    def __str__(self) -> str:
        return str(self.value)
