from enum import StrEnum


class SyncResultStatus(StrEnum):
    CREATED = "created"
    REJECTED = "rejected"
    UNCHANGED = "unchanged"
    UPDATED = "updated"

    def __str__(self) -> str:
        return str(self.value)
