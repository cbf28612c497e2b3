from enum import StrEnum


class ActivityUpdateKind(StrEnum):
    EVENT = "event"
    PROGRAMME = "programme"

    def __str__(self) -> str:
        return str(self.value)
