from enum import StrEnum


class FeedGrantHorizonType0(StrEnum):
    LONG = "long"
    MID = "mid"
    SHORT = "short"

    def __str__(self) -> str:
        return str(self.value)
