from enum import StrEnum


class GrantCreateVisibility(StrEnum):
    COALITION = "coalition"
    PUBLIC = "public"
    RESTRICTED = "restricted"

    def __str__(self) -> str:
        return str(self.value)
