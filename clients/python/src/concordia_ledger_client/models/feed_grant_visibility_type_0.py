from enum import StrEnum


class FeedGrantVisibilityType0(StrEnum):
    COALITION = "coalition"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
