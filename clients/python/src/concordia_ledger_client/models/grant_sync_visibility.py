from enum import StrEnum


class GrantSyncVisibility(StrEnum):
    COALITION = "coalition"
    PUBLIC = "public"
    RESTRICTED = "restricted"

    def __str__(self) -> str:
        return str(self.value)
