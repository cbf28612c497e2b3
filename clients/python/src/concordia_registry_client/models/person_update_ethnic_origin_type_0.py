from enum import StrEnum


class PersonUpdateEthnicOriginType0(StrEnum):
    NON_RUSSIAN = "non_russian"
    RUSSIAN = "russian"
    UNDISCLOSED = "undisclosed"

    def __str__(self) -> str:
        return str(self.value)
