from enum import StrEnum


class PersonSyncGender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"

    def __str__(self) -> str:
        return str(self.value)
