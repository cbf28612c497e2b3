from enum import StrEnum


class PersonUpdateGender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"

    def __str__(self) -> str:
        return str(self.value)
