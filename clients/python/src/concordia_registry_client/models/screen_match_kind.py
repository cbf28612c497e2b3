from enum import StrEnum


class ScreenMatchKind(StrEnum):
    ALIAS = "alias"
    EMAIL = "email"
    NAME = "name"
    PHONE = "phone"

    def __str__(self) -> str:
        return str(self.value)
