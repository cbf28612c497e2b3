from enum import StrEnum


class RecipientReadType(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"
    PERSON = "person"

    def __str__(self) -> str:
        return str(self.value)
