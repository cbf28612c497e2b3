from enum import StrEnum


class GrantCreateHorizon(StrEnum):
    LONG = "long"
    MID = "mid"
    SHORT = "short"

    def __str__(self) -> str:
        return str(self.value)
