from enum import StrEnum


class ActivityCreateKind(StrEnum):
    EVENT = "event"
    PROGRAMME = "programme"

    def __str__(self) -> str:
        return str(self.value)
